"""Issue 13: a relaunch shows the restored experiment from the window's first paint."""
from __future__ import annotations

import json

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication, QWidget

from playground.core.experiment import Experiment, Layer


class FirstExposed(QObject):
    """Records what the main window shows when it first reaches the screen (its native window
    exposed: what that first paint shows)."""

    def __init__(self):
        super().__init__()
        self.seen: dict | None = None

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        from playground.ui.main_window import MainWindow
        if self.seen is not None or event.type() != QEvent.Expose \
                or not isinstance(watched, QWindow):
            return False
        window = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, MainWindow) and w.windowHandle() is watched), None)
        if window is not None:
            watched = window
            self.seen = {
                "threshold": watched.findChild(QWidget, "threshold").text(),
                "boundary": watched.views["boundary"].heading.text(),
                "state": watched.status.state_label.text(),
                "dataset": watched.form.dataset.currentData(),
            }
        return False


def test_a_relaunch_shows_the_saved_experiment_from_its_first_paint(qtbot):
    from playground.ui.app import launch
    from playground.ui.menus.examples import SEEN_KEY
    from playground.ui.settings import settings
    # ±1 targets: its threshold is 0, not the 0.5 a window shows before any model.
    saved = Experiment(dataset="or", loss="hinge", layers=(Layer(3, "tanh"),))
    store = settings()
    store.setValue("last_experiment", json.dumps(saved.to_dict()))
    store.setValue(SEEN_KEY, True)  # not a first launch: no start page
    watcher = FirstExposed()
    QApplication.instance().installEventFilter(watcher)
    window = None
    try:
        window = launch([], splash=False)
        qtbot.addWidget(window)
        assert not window.isVisible() or watcher.seen is None  # nothing painted yet
        qtbot.waitUntil(lambda: watcher.seen is not None, timeout=60_000)
        seen = watcher.seen
        assert seen["dataset"] == "or"
        assert seen["threshold"] == "0.000", seen  # the saved experiment's, not 0.500
        assert "epoch 0" in seen["boundary"], seen  # drawn, not an empty plane
        assert "Ready" in seen["state"], seen  # not "Loading TensorFlow…"
    finally:
        QApplication.instance().removeEventFilter(watcher)
        store.remove("last_experiment")
        if window is not None:
            window.close()


SPLASH_AT_200_PERCENT = """
from PySide6.QtWidgets import QApplication
app = QApplication([])
from playground.ui.app import loading_splash
pixmap = loading_splash().pixmap()
print(pixmap.devicePixelRatio(), pixmap.width(), pixmap.height())
"""


def test_the_splash_is_drawn_in_device_pixels_at_200_percent():
    import os
    import subprocess
    import sys
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", SPLASH_AT_200_PERCENT], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    ratio, width, height = result.stdout.split()
    assert float(ratio) == 2.0 and (int(width), int(height)) == (720, 420)  # not 360×210 blown up
