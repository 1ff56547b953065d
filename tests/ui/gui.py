"""Driving the real main window from tests: open it ready to use, click Train and wait."""
from __future__ import annotations

import contextlib

from PySide6.QtCore import Qt

from playground.ui.main_window import MainWindow


def open_window(qtbot, experiment=None) -> MainWindow:
    window = MainWindow(experiment)
    qtbot.addWidget(window)
    window.show()
    if not window.loaded:
        with qtbot.waitSignal(window.ready, timeout=60_000):
            pass
    qtbot.waitUntil(lambda: window.state == "idle", timeout=30_000)
    return window



def train(qtbot, window, timeout=60_000) -> str:
    """Click Train and wait until the worker is idle; returns why it stopped."""
    with qtbot.waitSignal(window.training_idle, timeout=timeout) as blocker:
        window.train_action.trigger()
    return blocker.args[0]


@contextlib.contextmanager
def backward_charts_shown(qtbot, window):
    """The Backward tab in front with its charts shown, clicking "Show charts" as a user would
    where they start hidden (a window too short for charts and tables); the choice, which the
    app remembers, is forgotten again after the block."""
    from playground.ui.settings import settings
    from playground.ui.views.backward_pass import CHARTS_KEY

    view = window.views["backward"]
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(view.isVisible)
    try:
        if not view.charts_button.isChecked():
            qtbot.mouseClick(view.charts_button, Qt.LeftButton)
        assert view.charts.isVisible()
        yield view
    finally:
        settings().remove(CHARTS_KEY)
