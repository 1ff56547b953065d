"""Start the desktop app: a splash at once, the window once it shows the restored session.

What only a launch does (not a window made in a test): bring back the last experiment and
layout, open the FILE given on the command line, or else show the start page on first launch.

TensorFlow takes seconds to import and the first model is built only then. A window shown at
once painted an empty boundary and the default threshold, then jumped to the restored
experiment. So the window is laid out and drawn off screen (`Qt.WA_DontShowOnScreen`: its views
count as visible and draw) while a splash says what is loading, and goes on screen once the
restored experiment (or the FILE) is drawn, or loading failed (its message then shows).
"""
from __future__ import annotations

import sys

#: Never leave the user with a splash alone: show the window after this long whatever happens.
LONGEST_WAIT_MS = 60_000


def app_icon():
    """The app's icon (a QIcon), read from the package's resources: any install has them."""
    from PySide6.QtGui import QIcon, QPixmap

    from playground import desktop

    pixmap = QPixmap()
    pixmap.loadFromData(desktop.ICON.read_bytes())
    return QIcon(pixmap)


def loading_splash():
    """A small splash (the icon and the app's name), sharp at any screen scale."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFont, QGuiApplication, QPainter, QPalette, QPixmap
    from PySide6.QtWidgets import QSplashScreen

    ratio = QGuiApplication.primaryScreen().devicePixelRatio() if \
        QGuiApplication.primaryScreen() else 1.0
    width, height = 360, 210
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.setDevicePixelRatio(ratio)  # drawn in logical pixels, stored in device pixels
    palette = QGuiApplication.palette()
    pixmap.fill(palette.color(QPalette.Window))
    painter = QPainter(pixmap)
    app_icon().paint(painter, QRect((width - 96) // 2, 24, 96, 96))
    font = QFont(painter.font())
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(palette.color(QPalette.WindowText))
    painter.drawText(QRect(0, 128, width, 34), Qt.AlignCenter, "Neural Playground")
    painter.end()
    splash = QSplashScreen(pixmap)
    splash.setObjectName("loading_splash")
    return splash


def say(splash, text: str) -> None:
    """Show `text` on the splash, painted now (before an import holds the GIL)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    splash.showMessage(text, Qt.AlignBottom | Qt.AlignHCenter)
    QApplication.processEvents()


class ShowWhenReady:
    """Keeps `window` off screen until it shows the session it restored, then shows it."""

    def __init__(self, window, splash=None, then=None):
        from PySide6.QtCore import Qt, QTimer

        self.window, self.splash, self.then = window, splash, then
        self.shown = False
        if splash is not None:
            say(splash, "Loading TensorFlow…")
        window.setAttribute(Qt.WA_DontShowOnScreen, True)
        window.show()  # laid out, its views visible to themselves: they draw; nothing on screen
        run = window.run
        run.state_changed.connect(self._state_changed)
        # After the window's own handlers of the same signals (the hints bar follows `ended`).
        run.ended.connect(self._maybe_ready)
        run.loaded.connect(self._maybe_ready)
        run.failed.connect(lambda _message: self.show())
        QTimer.singleShot(LONGEST_WAIT_MS, self.show)
        run.start_loading()  # nothing on screen waits for a first paint

    def _state_changed(self, state) -> None:
        from playground.ui.main_window import STATE_TEXT

        if not self.shown and self.splash is not None and state in STATE_TEXT:
            say(self.splash, STATE_TEXT[state])

    def _maybe_ready(self, *_reason) -> None:
        """Ready: idle with the model drawn (`ended` comes once the views have drawn it), or
        with nothing to build (the form's fields need fixing)."""
        from playground.ui.run_controller import RunState

        w = self.window
        if w.run.state is RunState.IDLE and w.loaded and (w.session.experiment is not None
                                                           or w.form.experiment is None):
            self.show()

    def show(self) -> None:
        from PySide6.QtCore import Qt

        if self.shown:
            return
        self.shown = True
        w = self.window
        w.hide()
        w.setAttribute(Qt.WA_DontShowOnScreen, False)
        w.show()
        if self.splash is not None:
            self.splash.finish(w)
        if self.then is not None:
            self.then()


def launch(args: list[str] | None = None, splash: bool = True):
    """The app's window: the last session (or FILE, `args[0]`) restored, on screen once drawn."""
    args = list(args or [])
    loading = loading_splash() if splash else None
    if loading is not None:  # before the window's modules are imported (pyqtgraph: a second)
        loading.show()
        say(loading, "Starting…")

    from playground.ui.main_window import MainWindow
    from playground.ui.menus.examples import install_examples, should_show_start_page

    window = MainWindow()
    window.file_actions.start(args)
    # A file to open says what to look at; the start page would be in the way.
    start_page = not args and should_show_start_page()
    window.show_when_ready = ShowWhenReady(
        window, loading, lambda: install_examples(window, start_page=start_page))
    return window


def run_gui(args: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Neural Playground")
    app.setOrganizationName("Neural Playground")
    launch(args)
    return app.exec()
