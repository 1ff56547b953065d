"""Start the desktop app: the window is on screen before TensorFlow is imported."""
from __future__ import annotations

import sys


def run_gui(args: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from playground.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Neural Playground")
    app.setOrganizationName("Neural Playground")
    window = MainWindow()
    window.show()
    return app.exec()
