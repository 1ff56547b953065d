"""Experiment files keep the gradient norms of a run (the Backward pass tab's chart after
reopening); files from before they were saved still open. No TensorFlow: the model part is a
stand-in, since only the history is under test."""
from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import numpy as np

from playground.core.experiment import Experiment
from playground.core.files import experiment_file
from playground.core.training.history import RunHistory
from tests.core.test_history import report, run_with_gradient_norms


class StandInModel:
    """Writes a small zip where the Keras model would be (reading checks only that)."""

    def save(self, path) -> None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("config.json", "{}")


def saved(path, history: RunHistory):
    experiment_file.save_run(path, Experiment(), StandInModel(), history, history.last_epoch)
    return experiment_file.read_run(path).history


def test_a_reopened_run_has_its_gradient_norms(tmp_path):
    history = RunHistory()
    run_with_gradient_norms(history, 40, 9)
    epochs, norms = saved(tmp_path / "xor.playground", history).gradient_norms()
    np.testing.assert_array_equal(epochs, np.arange(1, 41))
    assert len(norms) == 2
    for restored, original in zip(norms, history.gradient_norms()[1]):
        np.testing.assert_array_equal(restored, original)


def test_a_file_saved_before_gradient_norms_opens_without_them(tmp_path):
    history = RunHistory()
    run_with_gradient_norms(history, 12, 5)
    path = tmp_path / "new.playground"
    saved(path, history)
    old = tmp_path / "old.playground"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(old, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "history.npz":  # what the old code wrote: the same, without the norms
                with np.load(io.BytesIO(data)) as npz:
                    arrays = {key: npz[key] for key in npz.files
                              if not key.startswith("gradient_norm")}
                buffer = io.BytesIO()
                np.savez(buffer, **arrays)
                data = buffer.getvalue()
            target.writestr(name, data)
    reopened = experiment_file.read_run(old).history
    assert reopened.last_epoch == 12
    epochs, norms = reopened.gradient_norms()
    assert len(epochs) == 0 and norms == []
    np.testing.assert_array_equal(reopened.metric("loss"), history.metric("loss"))


def test_a_run_without_norms_saves_none(tmp_path):
    history = RunHistory()
    history.append(report([0]))
    history.append(replace(report([1, 2]), gradient_norms=None))
    epochs, norms = saved(tmp_path / "batches.playground", history).gradient_norms()
    assert len(epochs) == 0 and norms == []
