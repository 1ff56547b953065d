"""Whatever is in the settings file, the window starts: what cannot be read falls back to the
default, the status bar says so once, and the bad value is gone at the next launch."""
from __future__ import annotations

from pathlib import Path

import pytest

from playground.core.experiment import Experiment, Layer
from playground.ui.settings import settings
from tests.ui.gui import open_window

NESTED = "[" * 100_000


@pytest.fixture(autouse=True)
def clean_settings():
    settings().clear()
    settings().sync()
    yield
    settings().clear()
    settings().sync()


def write_settings(text: str) -> None:
    """The settings file as a user (or a crash, or an older version) may have left it."""
    path = Path(settings().fileName())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def launch(qtbot):
    """A window started as the app starts it: the remembered session is restored."""
    window = open_window(qtbot)
    window.file_actions.start([])
    return window


@pytest.mark.parametrize("text", [
    "[window]\ngeometry=garbage\n",
    "[window]\nstate=garbage\n",
    "[window]\nsplitters=1, 2, x\n",
    f"[General]\nlast_experiment={NESTED}\n",
    "[General]\nlast_experiment=[1, 2]\n",
], ids=["geometry", "state", "splitters", "nested-experiment", "experiment-not-an-object"])
def test_a_bad_setting_falls_back_to_the_default_and_says_so_once(qtbot, text):
    write_settings(text)
    window = launch(qtbot)
    assert window.form.experiment == Experiment()
    message = window.statusBar().currentMessage()
    assert "settings" in message and "default" in message
    assert "\n" not in message and "Traceback" not in message
    window.close()

    # The bad value was dropped: the next launch starts quietly.
    again = launch(qtbot)
    assert again.statusBar().currentMessage() == ""
    assert again.form.experiment == Experiment()
    again.close()


def test_what_can_be_read_is_still_restored_beside_a_bad_value(qtbot):
    chosen = Experiment(dataset="and", layers=(Layer(3, "relu"),), epochs=40)
    first = launch(qtbot)
    first.form.set_experiment(chosen)
    first.close()  # remembered on close
    s = settings()
    s.setValue("window/geometry", "garbage")
    s.setValue("window/splitters", ["1", "2", "x"])
    s.sync()

    window = launch(qtbot)
    assert window.form.experiment == chosen
    assert "window layout" in window.statusBar().currentMessage()
    window.close()
