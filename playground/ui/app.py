"""Start the desktop app: the window is on screen before TensorFlow is imported.

What only a launch does (not a window made in a test): bring back the last experiment and
layout, open the FILE given on the command line, or else show the start page on first launch.
"""
from __future__ import annotations

import sys


def app_icon():
    """The app's icon (a QIcon), read from the package's resources: any install has them."""
    from PySide6.QtGui import QIcon, QPixmap

    from playground import desktop

    pixmap = QPixmap()
    pixmap.loadFromData(desktop.ICON.read_bytes())
    return QIcon(pixmap)


def run_gui(args: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from playground.ui.menus.examples import install_examples, should_show_start_page
    from playground.ui.main_window import MainWindow

    args = list(args or [])
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Neural Playground")
    app.setOrganizationName("Neural Playground")
    window = MainWindow()
    window.file_actions.start(args)
    window.show()
    if not args:  # a file to open says what to look at; the start page would be in the way
        install_examples(window, start_page=should_show_start_page())
    return app.exec()
