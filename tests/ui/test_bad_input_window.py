"""Bad input met in the window: a weight float32 cannot hold, a folder or a pipe opened as a
file, an experiment file whose JSON is nested too deeply. Each gets one message that says
what happened, and the window stays as it was."""
from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest

from playground.core.experiment import Experiment
from playground.core.data.sum_threshold import PRESETS
from playground.core.files import experiment_file as persist
from playground.core.training.history import RunHistory
from playground.core.training.trainer import Trainer
from tests.ui.gui import open_window

ONE_NEURON = Experiment().replace(**PRESETS["One neuron, to set by hand"])


@pytest.fixture
def neuron_window(qtbot):
    window = open_window(qtbot, ONE_NEURON)
    yield window
    window.close()


def weights_view(qtbot, window):
    view = window.views["weights"]
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.isVisible() and len(view.panels) == 1)
    return view


def open_file(qtbot, window, path) -> str:
    """Open `path` as File ▸ Open does; returns the message shown ("" when it opened)."""
    with qtbot.waitSignal(window.file_actions.finished, timeout=60_000) as blocker:
        window.file_actions.open_path(path)
    return blocker.args[2]


@pytest.mark.parametrize("text", ["1e300", "-1e39", "inf", "nan"])
def test_a_typed_weight_float32_cannot_hold_is_refused_beside_the_table(qtbot, neuron_window,
                                                                        text):
    window = neuron_window
    view = weights_view(qtbot, window)
    model = view.panels[0].model
    before = [np.array(w) for w in window.session.history.latest_weights]
    assert not model.setData(model.index(0, 0), text)
    assert view.message.isVisible() and "old value is kept" in view.message.text()
    for got, want in zip(window.session.history.latest_weights, before):
        np.testing.assert_array_equal(got, want)


def test_a_pasted_weight_float32_cannot_hold_is_refused(qtbot, neuron_window):
    window = neuron_window
    view = weights_view(qtbot, window)
    before = [np.array(w) for w in window.session.history.latest_weights]
    assert view.paste(0, 0, 0, "1\n1e300\n0") != ""
    assert "too large" in view.message.text() and "nothing changed" in view.message.text()
    for got, want in zip(window.session.history.latest_weights, before):
        np.testing.assert_array_equal(got, want)


def test_opening_a_folder_or_a_pipe_says_what_it_is(qtbot, window, tmp_path):
    folder = tmp_path / "runs.playground"
    folder.mkdir()
    assert open_file(qtbot, window, folder) == "runs.playground is a folder, not a file."
    pipe = tmp_path / "pipe.playground"
    os.mkfifo(pipe)
    assert "not a regular file" in open_file(qtbot, window, pipe)
    assert window.form.experiment == Experiment() and window.state == "idle"


@pytest.mark.parametrize("part", ["experiment.json", "runs.json"])
def test_an_experiment_file_with_deeply_nested_json_gets_one_message(qtbot, window, tmp_path,
                                                                     part):
    good = tmp_path / "good.playground"
    persist.save_run(good, Experiment(), Trainer(Experiment()).model, RunHistory(), 0)
    path = tmp_path / "nested.playground"
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(path, "w") as new:
        for name in old.namelist():
            new.writestr(name, "[" * 100_000 if name == part else old.read(name))
    message = open_file(qtbot, window, path)
    assert message.startswith("nested.playground") and "nested too deeply" in message
    assert part in message and "\n" not in message
    assert window.state == "idle" and window.windowTitle() != "nested.playground — Neural " \
                                                              "Playground"
