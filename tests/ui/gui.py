"""Driving the real main window from tests: open it ready to use, click Train and wait."""
from __future__ import annotations

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
