"""Runs written as TensorBoard event files and read back with TensorBoard's own reader."""
from __future__ import annotations

import numpy as np
import pytest

from playground.cli import commands as cli
from playground.core.files import tensorboard
from playground.core.training.runs import RunList, RunRecord
from playground.core.experiment import Experiment

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")


def _read(folder):
    """{tag: [(step, value)]} for scalars, and the names of histograms, as TensorBoard reads
    them (tf.summary in TF2 stores both as tensors: a scalar is a 0-d one)."""
    from tensorflow import make_ndarray
    reader = event_accumulator.EventAccumulator(str(folder), size_guidance={"tensors": 0})
    reader.Reload()
    scalars, histograms = {}, set()
    for tag in reader.Tags()["tensors"]:
        events = reader.Tensors(tag)
        values = [make_ndarray(e.tensor_proto) for e in events]
        if values and values[0].ndim == 0:
            scalars[tag] = [(e.step, float(v)) for e, v in zip(events, values)]
        else:
            histograms.add(tag)
    return scalars, histograms


def _record(name, loss, val):
    curves = {"epoch": np.array([1.0, 2.0, 3.0]), "loss": np.array(loss),
              "accuracy": np.array([0.5, 0.75, 1.0]), "val_loss": np.array(val)}
    return RunRecord(name, Experiment(), "", 3, "finished", {}, curves)


def test_each_run_is_a_folder_named_after_it_with_train_and_validation(tmp_path):
    runs = RunList([_record("Run 1", [0.9, 0.5, 0.25], [1.0, 0.6, np.nan]),
                    _record("lr 0.1 / fast", [0.8, 0.4, 0.2], [0.9, 0.5, 0.3])])
    folders = tensorboard.export_records(tmp_path, runs)
    assert [f.name for f in folders] == ["Run 1", "lr 0.1 _ fast"]
    train, _ = _read(tmp_path / "Run 1" / "train")
    assert train["epoch_loss"] == [(1, pytest.approx(0.9)), (2, pytest.approx(0.5)),
                                   (3, pytest.approx(0.25))]
    assert [v for _, v in train["epoch_accuracy"]] == pytest.approx([0.5, 0.75, 1.0])
    val, _ = _read(tmp_path / "Run 1" / "validation")
    assert val["epoch_loss"] == [(1, pytest.approx(1.0)), (2, pytest.approx(0.6))]  # NaN left out
    # A second export beside the first never writes into an existing run's folder.
    again = tensorboard.export_records(tmp_path, runs)
    assert again[0].name == "Run 1 (2)"


def test_cli_train_writes_metrics_and_weight_histograms(tmp_path, capsys):
    logs = tmp_path / "logs"
    code = cli.main(["train", "--epochs", "4", "--quiet", "--tensorboard", str(logs)])
    assert code == 0, capsys.readouterr().err
    (run,) = list(logs.iterdir())
    assert run.name.startswith("XOR · 4 tanh → sigmoid")
    scalars, histograms = _read(run / "train")
    assert [step for step, _ in scalars["epoch_loss"]] == [0, 1, 2, 3, 4]
    assert {"dense_1/kernel", "dense_1/bias", "output/kernel"} <= histograms


@pytest.mark.parametrize("where, message", [("file", "is a file, not a folder")])
def test_a_bad_log_folder_is_refused_before_training(tmp_path, capsys, where, message):
    target = tmp_path / "file"
    target.write_text("x")
    assert cli.main(["train", "--tensorboard", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --tensorboard: ") and message in err


def test_without_the_tensorboard_package_the_message_says_how_to_install(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # import fails as if not installed
    with pytest.raises(tensorboard.ExportError, match="pip install tensorboard"):
        tensorboard.summary_module()
