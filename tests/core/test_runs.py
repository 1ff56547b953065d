"""Runs kept for comparison: records from histories, the list, its JSON and its table."""
from __future__ import annotations

import json

import numpy as np
import pytest

from playground.core.data import registry as datasets
from playground.core.training import runs
from playground.core.teaching.examples import FASHION_QUICK, SUM_THRESHOLD, XOR_HIDDEN, XOR_SINGLE
from playground.core.training.history import RunHistory
from playground.core.training.runs import RunList, RunRecord, record_run
from playground.core.inspection import metrics
from playground.core.training.trainer import Report, train


WEIGHTS = (np.ones((2, 1)), np.zeros(1))


def report(epochs, loss, accuracy, val_loss=None, val_accuracy=None, outputs=None,
           weights=WEIGHTS, status="running") -> Report:
    epochs = np.asarray(epochs)
    return Report(epochs=epochs, loss=np.asarray(loss), metrics={"accuracy": np.asarray(accuracy)},
                  val_loss=None if val_loss is None else np.asarray(val_loss),
                  val_metrics=None if val_accuracy is None
                  else {"accuracy": np.asarray(val_accuracy)},
                  outputs=np.full((len(epochs), 4, 1), 0.5) if outputs is None else outputs,
                  weights=weights, epochs_per_second=0.0, status=status)


def history_from(epochs, loss, accuracy, val_loss=None, val_accuracy=None, units=1,
                 status="finished") -> RunHistory:
    """One report per epoch (weights recorded at every epoch)."""
    history = RunHistory()
    for i, epoch in enumerate(epochs):
        history.append(report(
            [epoch], [loss[i]], [accuracy[i]],
            val_loss=None if val_loss is None else [val_loss[i]],
            val_accuracy=None if val_accuracy is None else [val_accuracy[i]],
            outputs=np.full((1, 4, units), 0.5),
            status=status if i == len(epochs) - 1 else "running"))
    return history


def trained(experiment):
    trainer, reports = train(experiment)
    history = RunHistory()
    for item in reports:
        history.append(item)
    return trainer, history


def test_a_record_keeps_settings_final_numbers_and_curves():
    history = history_from(range(11), np.linspace(0.7, 0.2, 11), np.linspace(0.5, 1.0, 11))
    record = record_run("Run 1", XOR_SINGLE.replace(epochs=10), history)
    assert record.epochs == 10 and record.status == "finished"
    assert record.final["loss"] == pytest.approx(0.2)
    assert record.final["accuracy"] == 1.0
    assert record.final["val_loss"] is None and record.final["test_loss"] is None
    assert list(record.curves) == ["epoch", "loss", "accuracy"]
    assert record.curves["epoch"][-1] == 10
    assert record.summary == ("XOR · no hidden layer → sigmoid · binary cross-entropy · "
                              "SGD 0.1 · batch 1")


def test_a_record_up_to_an_epoch_is_the_run_so_far():
    n = 21
    history = history_from(range(n), np.linspace(2.3, 0.3, n), np.linspace(0.1, 0.9, n),
                           np.linspace(2.3, 0.5, n), np.linspace(0.1, 0.85, n), units=10)
    history.held_out = "test"  # the trainer's word: no split, so the test images each epoch
    record = record_run("5 epochs", FASHION_QUICK, history, upto=5, status="epoch 5")
    assert record.epochs == 5
    assert record.experiment.epochs == 5  # loading it again trains exactly this
    assert record.final["loss"] == pytest.approx(history.metric("loss")[5])
    # images without a validation split: the held-out curve is the test set
    assert record.final["val_loss"] is None
    assert record.final["test_accuracy"] == pytest.approx(history.metric("val_accuracy")[5])
    assert "test_loss" in record.curves and "val_loss" not in record.curves
    assert record.held_out == "test"
    assert len(record.curves["epoch"]) == 6


def test_test_numbers_from_the_weights_match_keras():
    trainer, history = trained(SUM_THRESHOLD.replace(epochs=20))
    record = record_run("Run 1", trainer.experiment, history, trainer.dataset)
    keras_loss, keras_accuracy = trainer.evaluate(trainer.dataset.x_test,
                                                  trainer.dataset.labels_test)[:2]
    assert record.final["test_loss"] == pytest.approx(keras_loss, abs=1e-5)
    assert record.final["test_accuracy"] == pytest.approx(keras_accuracy)
    assert record.final["val_loss"] == pytest.approx(history.last("val_loss"))
    assert record.held_out == "validation"


@pytest.mark.parametrize("experiment", [
    XOR_HIDDEN.replace(epochs=20),
    XOR_HIDDEN.replace(loss="mse", output_activation="tanh", epochs=5),
])
def test_numpy_evaluation_matches_the_trainer(experiment):
    trainer, _history = trained(experiment)
    data = trainer.dataset
    weights = trainer.model.get_weights()
    measured = metrics.evaluate(experiment, weights, data.x_train, data.labels_train, data)
    keras_loss, keras_accuracy = trainer.evaluate(data.x_train, data.labels_train)[:2]
    assert measured["loss"] == pytest.approx(keras_loss, abs=1e-5)
    assert measured["accuracy"] == keras_accuracy


def test_long_curves_are_thinned_but_keep_both_ends():
    n = 5001
    history = history_from([0], [0.7], [0.5])
    history.append(report(np.arange(1, n), np.linspace(0.7, 0.1, n - 1), np.ones(n - 1),
                          outputs=np.zeros((n - 1, 4, 1)), status="finished"))
    record = record_run("long", XOR_HIDDEN, history)
    assert len(record.curves["loss"]) == runs.MAX_CURVE_POINTS
    assert record.curves["epoch"][0] == 0 and record.curves["epoch"][-1] == n - 1
    assert record.final["loss"] == pytest.approx(0.1)


def test_a_diverged_run_shows_nan():
    history = history_from(range(3), [0.7, 5.0, np.nan], [0.5, 0.5, 0.5], status="diverged")
    record = record_run("Run 1", XOR_HIDDEN, history, status="diverged")
    assert runs.format_metric(record.final["loss"]) == "nan"
    assert RunList([record]).comparison_rows()[0]["loss"] == "nan"


# ----- the list ---------------------------------------------------------------------------------

def simple_record(name="", loss=0.2, epochs=10) -> RunRecord:
    history = history_from(range(epochs + 1), np.linspace(0.7, loss, epochs + 1),
                           np.linspace(0.5, 1.0, epochs + 1))
    return record_run(name, XOR_HIDDEN.replace(epochs=epochs), history)


def test_names_are_given_and_kept_unique():
    runs_ = RunList()
    first = runs_.add(simple_record())
    second = runs_.add(simple_record())
    assert (first.name, second.name) == ("Run 1", "Run 2")
    named = runs_.add(simple_record("Run 2"))
    assert named.name == "Run 2 (2)"
    assert runs_.next_name() == "Run 3"
    assert len({r.uid for r in runs_}) == 3


def test_rename_remove_and_tick():
    runs_ = RunList()
    a, b = runs_.add(simple_record()), runs_.add(simple_record())
    assert runs_.rename(a.uid, "  baseline ") == "baseline"
    assert runs_.rename(b.uid, "baseline") == "baseline (2)"
    assert runs_.rename(b.uid, "   ") == "baseline (2)"  # blank keeps the name
    runs_.set_shown(a.uid, True)
    assert [r.name for r in runs_.shown()] == ["baseline"]
    runs_.remove(a.uid)
    assert [r.name for r in runs_] == ["baseline (2)"]
    assert runs_.shown() == []
    with pytest.raises(KeyError):
        runs_.rename(a.uid, "gone")


def test_json_round_trip_keeps_everything():
    runs_ = RunList()
    runs_.add(simple_record("1 epoch", epochs=1))
    kept = runs_.add(simple_record("diverged"))
    runs_.set_shown(kept.uid, True)
    history = history_from(range(3), [0.7, 5.0, np.nan], [0.5, 0.5, 0.5], status="diverged")
    runs_.add(record_run("nan", XOR_HIDDEN, history, status="diverged"))
    text = json.dumps(runs_.to_dict(), allow_nan=False)
    assert len(text) < 4000  # numbers are written short: 0.45, not 0.44999999999999996
    again = RunList.from_dict(json.loads(text))
    assert [r.name for r in again] == ["1 epoch", "diverged", "nan"]
    assert [r.shown for r in again] == [False, True, False]
    assert again.comparison_text() == runs_.comparison_text()
    for old, new in zip(runs_, again):
        assert new.experiment == old.experiment
        assert new.summary == old.summary
        for key, values in old.curves.items():  # kept to float32's 7 digits
            np.testing.assert_allclose(new.curves[key], values, rtol=1e-6)
    assert again.add(simple_record()).name == "Run 1"


def test_a_list_read_back_or_copied_names_on_from_where_it_was():
    runs_ = RunList()
    first = runs_.add(simple_record())
    runs_.add(simple_record())
    runs_.rename(first.uid, "baseline")  # "Run 1" is free again, but was used
    again = RunList.from_dict(json.loads(json.dumps(runs_.to_dict(), allow_nan=False)))
    assert again.next_name() == runs_.next_name() == "Run 3"
    copy = runs_.copy()
    assert list(copy) == list(runs_) and copy.next_name() == "Run 3"
    copy.remove(first.uid)
    assert len(runs_) == 2  # the copy is a list of its own
    lean = runs_.to_dict(max_points=3)
    assert [len(r["curves"]["loss"]) for r in lean["runs"]] == [3, 3]
    assert [r["curves"] for r in runs_.to_dict(max_points=0)["runs"]] == [{}, {}]
    assert lean["runs"][0]["final"] == runs_.to_dict()["runs"][0]["final"]


@pytest.mark.parametrize("data, message", [
    ([], "JSON object"),
    ({"runs": [{"name": "x"}]}, "damaged"),
    ({"runs": [{"name": "x", "experiment": {"epochs": 0}}]}, "epochs"),
    ({"format": 99, "runs": []}, "newer"),
    ({"runs": [], "next_number": "3"}, "next_number"),
])
def test_damaged_run_lists_raise_a_readable_error(data, message):
    with pytest.raises(ValueError, match=message):
        RunList.from_dict(data)


def test_the_comparison_table_reads_like_seed_003():
    runs_ = RunList()
    for epochs, train_acc, test_loss, test_acc in ((1, 0.8263, 0.424, 0.8493),
                                                   (5, 0.8918, 0.371, 0.8636),
                                                   (500, 0.9948, 1.199, 0.8858)):
        record = simple_record(f"{epochs} epochs", epochs=epochs)
        final = dict(record.final, accuracy=train_acc, test_loss=test_loss,
                     test_accuracy=test_acc)
        runs_.add(RunRecord(record.name, record.experiment, record.summary, epochs, "finished",
                            final, record.curves))
    text = runs_.comparison_text()
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["name", "epochs", "train", "loss"]
    assert "0.8263" in lines[1] and "0.4240" in lines[1] and "0.8493" in lines[1]
    assert "1.1990" in lines[3] and "0.9948" in lines[3]
    assert runs_.comparison_text("\t").splitlines()[3].split("\t")[:2] == ["500 epochs", "500"]


def test_a_regression_record_keeps_mse_mae_r2_and_measures_them_on_the_test_rows():
    from playground.core.experiment import Experiment
    sine = Experiment(dataset="sine", loss="mse", layers=(), validation_split=0.2, epochs=3,
                      batch_size=32)
    data = datasets.load(sine)
    weights = (np.zeros((1, 1)), np.zeros(1))  # predicts 0: MSE is the targets' mean square
    history = RunHistory()
    for epoch in range(4):
        values = {"mse": np.array([0.5]), "mae": np.array([0.6]), "r2": np.array([0.1])}
        history.append(Report(epochs=np.array([epoch]), loss=np.array([0.5]), metrics=values,
                              val_loss=np.array([0.55]), val_metrics=values,
                              outputs=np.zeros((1, 4, 1)), weights=weights,
                              epochs_per_second=0.0, status="finished"))
    record = record_run("sine", sine, history, data)
    assert runs.final_names("regression") == (
        "loss", "mse", "mae", "r2", "val_loss", "val_mse", "val_mae", "val_r2",
        "test_loss", "test_mse", "test_mae", "test_r2")
    assert set(record.final) == set(runs.final_names("regression"))
    assert record.final["r2"] == pytest.approx(0.1) and record.final["val_mae"] == \
        pytest.approx(0.6)
    targets = data.labels_test.astype(np.float64)
    assert record.final["test_mse"] == pytest.approx(np.mean(targets ** 2), rel=1e-6)
    assert record.final["test_r2"] < 0.01
    assert "accuracy" not in record.final
    table = RunList([record, simple_record("xor")])
    columns = table.columns()
    assert columns.index("accuracy") < columns.index("val_loss") < columns.index("test_r2")
    header = table.comparison_text().splitlines()[0]
    assert "train acc." in header and "test R²" in header
    assert "Noisy sine (noise 0.1)" in record.summary


def test_summaries_name_what_tells_runs_apart():
    assert runs.settings_summary(FASHION_QUICK) == (
        "Fashion-MNIST (10,000 images) · 128 relu → softmax · sparse categorical "
        "cross-entropy · Adam 0.001 · batch 32")
    assert "raw 0–255 pixels" in runs.settings_summary(FASHION_QUICK.replace(normalize=False))
    assert runs.settings_summary(SUM_THRESHOLD).startswith(
        "Sum above threshold (2 inputs, t 0.5) · 5 tanh → tanh · hinge · Adam 0.001")
    assert "validation 0.2" in runs.settings_summary(SUM_THRESHOLD)
    assert datasets.get("xor")  # the registry is what names the data


def test_a_history_counting_from_zero_again_is_recorded_from_its_restart():
    """"Reset weights" appends a new epoch 0 to the same history: the record is the new run."""
    history = history_from([0, 1, 2, 3, 0, 1], [0.7, 0.5, 0.4, 0.3, 0.7, 0.6],
                           [0.5, 0.75, 1.0, 1.0, 0.5, 0.5])
    record = record_run("Run 1", XOR_HIDDEN, history)
    assert record.epochs == 1
    assert record.curves["epoch"].tolist() == [0, 1]
    assert record.final["loss"] == pytest.approx(0.6)
    assert record_run("x", XOR_HIDDEN, history, upto=0).curves["loss"].tolist() == [0.7]
