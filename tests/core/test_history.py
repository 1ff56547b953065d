"""RunHistory: every epoch's metrics, and probe outputs/weights thinned to bounded memory."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from playground.core.training.history import RunHistory
from playground.core.training.trainer import Report


def frozen(values, dtype=float) -> np.ndarray:
    array = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


def report(epochs, *, validation=False, status="running", rows=4) -> Report:
    """A synthetic report whose numbers encode the epoch, so tests can tell records apart."""
    epochs = np.asarray(epochs, dtype=np.int64)
    n = len(epochs)
    outputs = np.repeat(epochs.astype(float)[:, None, None], rows, axis=1)
    last = float(epochs[-1])
    return Report(
        epochs=frozen(epochs, np.int64),
        loss=frozen(1.0 / (1.0 + epochs)),
        metrics={"accuracy": frozen(np.minimum(epochs / 100.0, 1.0))},
        val_loss=frozen(2.0 / (1.0 + epochs)) if validation else None,
        val_metrics={"accuracy": frozen(np.full(n, 0.5))} if validation else None,
        outputs=frozen(outputs),
        weights=(frozen(np.full((2, 3), last)), frozen(np.full(3, -last))),
        epochs_per_second=0.0 if last == 0 else 1000.0,
        status=status,
        held_out="validation" if validation else "",
    )


def run_in_chunks(history: RunHistory, last_epoch: int, chunk: int, **kwargs) -> None:
    history.append(report([0], **kwargs))
    for start in range(1, last_epoch + 1, chunk):
        stop = min(start + chunk, last_epoch + 1)
        status = "finished" if stop == last_epoch + 1 else "running"
        history.append(report(np.arange(start, stop), status=status, **kwargs))


def test_empty_history():
    history = RunHistory()
    assert len(history) == 0
    assert history.last_epoch == 0
    assert history.status == "empty"
    assert np.isnan(history.last("loss"))
    assert not history.has_validation
    assert history.outputs_at(10) is None
    assert history.weights_at(10) is None
    epochs, outputs = history.outputs_history()
    assert len(epochs) == 0 and len(outputs) == 0


def test_appending_reports_keeps_every_epochs_metrics():
    history = RunHistory()
    run_in_chunks(history, 1000, chunk=37)
    epochs = np.arange(1001)
    assert len(history) == 1001 and history.last_epoch == 1000
    assert np.array_equal(history.epochs, epochs)
    np.testing.assert_allclose(history.metric("loss"), 1.0 / (1.0 + epochs))
    np.testing.assert_allclose(history.metric("accuracy"), np.minimum(epochs / 100, 1.0))
    assert history.last("loss") == pytest.approx(1.0 / 1001)
    assert history.status == "finished"
    assert history.epochs_per_second == 1000.0


def test_metrics_without_validation_are_nan():
    history = RunHistory()
    run_in_chunks(history, 20, chunk=5)
    assert np.all(np.isnan(history.metric("val_loss")))
    assert np.all(np.isnan(history.metric("val_accuracy")))
    assert not history.has_validation


def test_validation_metrics_are_kept():
    history = RunHistory()
    run_in_chunks(history, 20, chunk=5, validation=True)
    assert history.has_validation
    np.testing.assert_allclose(history.metric("val_loss"), 2.0 / (1.0 + np.arange(21)))


def test_latest_outputs_weights_and_status_follow_the_last_report():
    history = RunHistory()
    history.append(report([0]))
    history.append(report([1, 2, 3]))
    assert np.array_equal(history.latest_outputs, np.full((4, 1), 3.0))
    assert np.array_equal(history.latest_weights[0], np.full((2, 3), 3.0))
    history.append(report([4], status="diverged"))
    assert history.status == "diverged"
    assert "learning rate" in history.message


def test_short_runs_record_every_epoch():
    history = RunHistory(max_snapshots=100)
    run_in_chunks(history, 50, chunk=7)
    assert history.snapshot_epochs == list(range(51))
    epochs, outputs = history.outputs_history()
    assert np.array_equal(epochs, np.arange(51))
    assert outputs.shape == (51, 4, 1)
    assert np.array_equal(outputs[:, 0, 0], np.arange(51))


@pytest.mark.parametrize("limit, last_epoch, chunk", [
    (10, 100, 7), (10, 1000, 1), (64, 10_000, 333), (2000, 50_000, 5000), (5, 5, 1),
])
def test_thinning_is_bounded_and_even(limit, last_epoch, chunk):
    history = RunHistory(max_snapshots=limit)
    run_in_chunks(history, last_epoch, chunk)
    recorded = history.snapshot_epochs
    # At most `limit` evenly thinned records, plus the latest epoch.
    assert 0 < len(recorded) <= limit + 1
    assert recorded[0] == 0 and recorded[-1] == last_epoch
    assert recorded == sorted(set(recorded))
    # The latest epoch is always there to be seen...
    epoch, outputs = history.outputs_at(last_epoch)
    assert epoch == last_epoch and np.all(outputs == last_epoch)
    # ...and the records are spread over the whole run, not bunched at its start.
    assert recorded[-1] >= last_epoch / 2
    if len(recorded) > 3:
        gaps = np.diff(recorded[:-1])
        assert gaps.max() <= 2 * gaps.min(), gaps
    # Every recorded output is the output of that very epoch.
    epochs, stacked = history.outputs_history()
    assert np.array_equal(stacked[:, 0, 0], epochs)


def test_thinning_bounds_weight_snapshots_too():
    history = RunHistory(max_weight_snapshots=8)
    run_in_chunks(history, 1000, chunk=10)
    epochs, weights = history.weights_history()
    assert 0 < len(epochs) <= 8 + 1 and epochs[0] == 0 and epochs[-1] == 1000
    assert len(weights) == len(epochs)
    for epoch, snapshot in zip(epochs, weights):
        assert np.all(snapshot[0] == epoch)


def test_outputs_at_returns_the_record_at_or_before_an_epoch():
    history = RunHistory(max_snapshots=10)
    run_in_chunks(history, 100, chunk=1)
    recorded = history.snapshot_epochs
    assert len(recorded) < 101  # thinned, so some epochs fall between records
    for asked in (0, 1, 17, 33, 50, 64, 99):
        epoch, outputs = history.outputs_at(asked)
        assert epoch == max(e for e in recorded if e <= asked)
        assert np.all(outputs == epoch)
    for asked in (100, 150):  # the latest, exactly, and nothing later
        epoch, outputs = history.outputs_at(asked)
        assert epoch == 100 and np.all(outputs == 100)
    assert history.outputs_at(-1) is None


def test_weights_at_returns_the_snapshot_at_or_before_an_epoch():
    history = RunHistory()
    history.append(report([0]))
    history.append(report(np.arange(1, 11)))
    history.append(report(np.arange(11, 21)))
    assert history.weights_history()[0] == [0, 10, 20]
    assert history.weights_at(0)[0] == 0
    assert history.weights_at(15)[0] == 10
    epoch, weights = history.weights_at(20)
    assert epoch == 20 and np.all(weights[0] == 20)


def test_weights_at_the_latest_epoch_are_the_latest_weights():
    history = RunHistory(max_weight_snapshots=5)
    run_in_chunks(history, 100, chunk=7)
    epoch, weights = history.weights_at(100)
    assert epoch == 100 and np.all(weights[0] == 100)


# ----- metrics follow the task ----------------------------------------------------------------

def regression_report(epochs, *, validation=True) -> Report:
    epochs = np.asarray(epochs, dtype=np.int64)
    scores = {"mse": frozen(1.0 / (1.0 + epochs)), "mae": frozen(0.5 / (1.0 + epochs)),
              "r2": frozen(1.0 - 1.0 / (1.0 + epochs))}
    return Report(epochs=frozen(epochs, np.int64), loss=scores["mse"], metrics=scores,
                  val_loss=scores["mse"] if validation else None,
                  val_metrics=scores if validation else None,
                  outputs=frozen(np.zeros((len(epochs), 4, 1))),
                  weights=(frozen(np.zeros((1, 1))), frozen(np.zeros(1))),
                  epochs_per_second=0.0, held_out="validation" if validation else "")


def test_a_regression_run_keeps_mse_mae_and_r2_and_no_accuracy():
    history = RunHistory()
    history.append(regression_report([0]))
    history.append(regression_report([1, 2, 3]))
    assert history.metric_names == ("mse", "mae", "r2")
    assert history.columns == ("loss", "mse", "mae", "r2", "val_loss", "val_mse", "val_mae",
                               "val_r2")
    np.testing.assert_allclose(history.metric("r2"), [0, 0.5, 2 / 3, 0.75])
    assert history.metric("accuracy").shape == (4,) and np.isnan(history.metric("accuracy")).all()
    assert history.held_out == "validation"


def test_the_held_out_policy_follows_the_reports():
    history = RunHistory()
    history.append(report([0]))
    assert history.held_out == "" and history.epoch_metrics == "full pass"


# ----- as arrays (what a file holds) ----------------------------------------------------------

def test_to_arrays_and_back_gives_the_same_history_thinning_included():
    history = RunHistory(max_snapshots=8, max_weight_snapshots=4)
    run_in_chunks(history, 100, 7, validation=True)
    arrays, facts = history.to_arrays()
    back = RunHistory.from_arrays(arrays, facts)
    assert back.columns == history.columns == ("loss", "accuracy", "val_loss", "val_accuracy")
    for name in ("epoch", *history.columns):
        np.testing.assert_array_equal(back.metric(name), history.metric(name))
    assert back.snapshot_epochs == history.snapshot_epochs
    assert back.held_out == "validation" and back.status == history.status == "finished"
    for epoch in (0, 13, 57, 100):
        assert back.weights_at(epoch)[0] == history.weights_at(epoch)[0]
        np.testing.assert_array_equal(back.outputs_at(epoch)[1], history.outputs_at(epoch)[1])
    # both go on thinning the same way
    for h in (history, back):
        h.append(report(np.arange(101, 140)))
    assert back.snapshot_epochs == history.snapshot_epochs


def test_histories_saved_before_metrics_followed_the_task_still_open():
    history = RunHistory()
    run_in_chunks(history, 10, 3)
    arrays, facts = history.to_arrays()
    for name in ("metrics", "held_out", "epoch_metrics"):  # not written by older versions
        del facts[name]
    back = RunHistory.from_arrays(arrays, facts)
    assert back.metric_names == ("accuracy",)
    np.testing.assert_array_equal(back.metric("accuracy"), history.metric("accuracy"))


def test_arrays_that_disagree_are_refused_saying_why():
    history = RunHistory()
    run_with_gradient_norms(history, 10, 3)
    arrays, facts = history.to_arrays()
    norms = arrays["gradient_norms"]
    arrays["gradient_norms"] = norms[:-1]
    with pytest.raises(ValueError, match="gradient norms do not match their epochs"):
        RunHistory.from_arrays(arrays, facts)
    arrays["gradient_norms"] = norms
    arrays["accuracy"] = arrays["accuracy"][:-1]
    with pytest.raises(ValueError, match="one value per epoch"):
        RunHistory.from_arrays(arrays, facts)
    del arrays["accuracy"]
    with pytest.raises(ValueError, match="missing accuracy"):
        RunHistory.from_arrays(arrays, facts)


def run_with_gradient_norms(history: RunHistory, last_epoch: int, chunk: int) -> None:
    """Epoch 0 without norms (as the trainer reports it), then norms for two kernels that
    encode the epoch, so a lost or shifted value shows."""
    history.append(report([0]))
    for start in range(1, last_epoch + 1, chunk):
        epochs = np.arange(start, min(start + chunk, last_epoch + 1))
        norms = frozen(np.stack([epochs / 10.0, 1.0 / epochs], axis=1))
        history.append(replace(report(epochs), gradient_norms=norms))


def test_gradient_norms_survive_the_round_trip_through_arrays():
    history = RunHistory()
    run_with_gradient_norms(history, 30, 7)
    back = RunHistory.from_arrays(*history.to_arrays())
    epochs, norms = back.gradient_norms()
    np.testing.assert_array_equal(epochs, np.arange(1, 31))
    assert len(norms) == 2
    for restored, original in zip(norms, history.gradient_norms()[1]):
        np.testing.assert_array_equal(restored, original)
    # and the reopened run records on where it stopped
    back.append(replace(report([31]), gradient_norms=frozen([[3.1, 1 / 31]])))
    assert back.gradient_norms()[0][-1] == 31 and back.gradient_norms()[1][0][-1] == 3.1


def test_histories_saved_before_gradient_norms_open_with_none():
    history = RunHistory()
    run_with_gradient_norms(history, 10, 3)
    arrays, facts = history.to_arrays()
    del arrays["gradient_norm_epochs"], arrays["gradient_norms"]  # what older versions wrote
    epochs, norms = RunHistory.from_arrays(arrays, facts).gradient_norms()
    assert len(epochs) == 0 and norms == []
