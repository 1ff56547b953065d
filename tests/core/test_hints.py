"""Hints: each check fires on the state it is about, and stays silent otherwise.

Most histories are built by hand (fast and exact); a few come from real training, to show the
hint a seed's learner would have seen, and that its one-click fix makes the hint go away.
"""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.data import registry as datasets
from playground.core.teaching import hints
from playground.core.teaching.examples import (AND_SINGLE, FASHION_QUICK, MNIST_MLP, MNIST_RAW,
                                      SUM_THRESHOLD, XOR_HIDDEN, XOR_SINGLE)
from playground.core.experiment import Experiment, Layer
from playground.core.inspection.separability import linearly_separable
from playground.core.teaching.hints import Hint, hints_for
from playground.core.training.history import RunHistory
from playground.core.training.trainer import Report, train


def report(epochs, loss, accuracy=None, val_loss=None, val_accuracy=None, outputs=None,
           weights=None, status="running") -> Report:
    epochs = np.asarray(epochs)
    n = len(epochs)
    loss = np.asarray(loss, np.float64)
    accuracy = np.full(n, 0.5) if accuracy is None else np.asarray(accuracy, np.float64)
    if val_loss is not None:
        val_loss = np.asarray(val_loss, np.float64)
        val_accuracy = (np.full(n, 0.5) if val_accuracy is None
                        else np.asarray(val_accuracy, np.float64))
    if outputs is None:
        outputs = np.full((n, 4, 1), 0.5)
    elif np.ndim(outputs) == 2:  # the same outputs every epoch
        outputs = np.repeat(np.asarray(outputs)[None], n, axis=0)
    if weights is None:
        weights = (np.ones((2, 1)), np.zeros(1))
    return Report(epochs=epochs, loss=loss, metrics={"accuracy": accuracy}, val_loss=val_loss,
                  val_metrics=None if val_loss is None else {"accuracy": val_accuracy},
                  outputs=outputs, weights=tuple(weights), epochs_per_second=0.0,
                  status=status)


def history_of(loss, accuracy=None, val_loss=None, val_accuracy=None, outputs=None,
               weights0=None, weights=None, status="finished") -> RunHistory:
    """Epoch 0, then every later epoch in one report. `outputs` (rows × units) are the same
    every epoch; weights are recorded at epoch 0 (`weights0`) and at the end (`weights`)."""
    loss = np.asarray(loss, np.float64)
    n = len(loss)

    def part(values, s):
        return None if values is None else np.asarray(values, np.float64)[s]

    if weights0 is None:
        weights0 = (np.ones((2, 1)), np.zeros(1))
    if weights is None:  # weights that moved, unless a test says otherwise
        weights = tuple(w + 0.5 for w in weights0)
    history = RunHistory()
    first, rest = slice(0, 1), slice(1, None)
    history.append(report([0], loss[first], part(accuracy, first), part(val_loss, first),
                          part(val_accuracy, first), outputs, weights0))
    history.append(report(np.arange(1, n), loss[rest], part(accuracy, rest),
                          part(val_loss, rest), part(val_accuracy, rest), outputs, weights,
                          status=status))
    return history


def keys(found: list[Hint]) -> list[str]:
    return [hint.key for hint in found]


def trained(experiment: Experiment) -> tuple[RunHistory, object]:
    trainer, reports = train(experiment)
    history = RunHistory()
    for item in reports:
        history.append(item)
    return history, trainer.dataset


def falling(n, start=0.7, end=0.01):
    return np.geomspace(start, end, n)


# ----- linear separability ------------------------------------------------------------------

CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)


@pytest.mark.parametrize("labels, expected", [
    ([0, 1, 1, 0], False),  # XOR
    ([1, 0, 0, 1], False),  # XNOR
    ([0, 0, 0, 1], True),   # AND
    ([0, 1, 1, 1], True),   # OR
    ([1, 1, 0, 0], True),   # x1 alone
    ([0, 0, 0, 0], True),   # one class
])
def test_linear_separability_of_the_corners(labels, expected):
    assert linearly_separable(CORNERS, np.array(labels)) is expected


def test_separability_of_generated_and_degenerate_data():
    rng = np.random.default_rng(0)
    x = rng.random((200, 2))
    assert linearly_separable(x, (x.sum(axis=1) > 0.5).astype(int)) is True
    # a ring around a blob: no line
    inside = (np.linalg.norm(x - 0.5, axis=1) < 0.25).astype(int)
    assert linearly_separable(x, inside) is False
    # the same point in both classes
    assert linearly_separable(np.array([[0.2, 0.2], [0.2, 0.2], [1, 1]]),
                              np.array([0, 1, 1])) is False
    # five inputs: the perceptron proves it; it cannot disprove
    x5 = rng.random((250, 5))
    assert linearly_separable(x5, (x5.sum(axis=1) > 2.5).astype(int)) is True
    parity = (np.round(x5).sum(axis=1) % 2).astype(int)
    assert linearly_separable(x5, parity) is None
    assert linearly_separable(x5, rng.integers(0, 3, 250)) is None  # three classes


def test_separability_of_registered_datasets():
    for experiment, expected in ((XOR_SINGLE, False), (AND_SINGLE, True),
                                 (AND_SINGLE.replace(dataset="or"), True),
                                 (SUM_THRESHOLD, True)):
        dataset = datasets.load(experiment)
        assert hints.linearly_separable_data(dataset) is expected, experiment.dataset


# ----- no hidden layer on data no line can split ----------------------------------------------

def stuck_history(epochs=200):
    n = epochs + 1
    return history_of(np.full(n, 0.6932), np.tile([0.5, 0.75], n)[:n],
                      outputs=np.array([[0.506], [0.497], [0.497], [0.488]]))


def test_single_neuron_on_xor_asks_for_a_hidden_layer():
    found = hints_for(XOR_SINGLE, stuck_history(), datasets.load(XOR_SINGLE))
    assert keys(found) == ["no-hidden-layer"]  # "not learning" is explained by it
    hint = found[0]
    assert "straight line" in hint.text and "XOR" in hint.text
    assert "0.75" in hint.why
    assert hint.fix.layers == (Layer(4, "tanh"),)
    assert hint.fix.learning_rate == hints.FIX_HIDDEN_SGD_RATE
    assert hint.fix.epochs == hints.FIX_HIDDEN_MIN_EPOCHS
    assert hint.fix.check() is hint.fix
    assert "hidden layers none → 4 tanh" in hint.fix_text


def test_no_hidden_layer_hint_is_silent_where_a_line_works_or_before_training():
    and_data = datasets.load(AND_SINGLE)
    assert "no-hidden-layer" not in keys(hints_for(AND_SINGLE, stuck_history(), and_data))
    xor = datasets.load(XOR_HIDDEN)
    assert "no-hidden-layer" not in keys(hints_for(XOR_HIDDEN, stuck_history(), xor))
    untrained = RunHistory()
    untrained.append(report([0], [0.7]))
    assert hints_for(XOR_SINGLE, untrained, datasets.load(XOR_SINGLE)) == []


def test_seed_000_sees_the_hint_and_its_fix_works():
    history, dataset = trained(XOR_SINGLE)
    found = hints_for(XOR_SINGLE, history, dataset)
    assert keys(found) == ["no-hidden-layer"]
    fixed_history, fixed_data = trained(found[0].fix)
    assert fixed_history.last("accuracy") == 1.0
    assert hints_for(found[0].fix, fixed_history, fixed_data) == []


# ----- not learning ------------------------------------------------------------------------------

def test_accuracy_stuck_at_three_quarters_is_not_learning():
    experiment = XOR_HIDDEN.replace(layers=(Layer(2, "relu"),))
    n = 501
    history = history_of(np.linspace(0.70, 0.4777, n), np.full(n, 0.75),
                         outputs=np.array([[0.657], [0.657], [0.657], [0.001]]))
    found = hints_for(experiment, history, datasets.load(experiment))
    assert keys(found) == ["not-learning"]
    assert "0.75" in found[0].text
    assert found[0].fix.layers == (Layer(4, "tanh"),)  # widened; tanh units cannot die


def test_outputs_near_half_are_not_learning_and_small_sgd_steps_are_raised():
    experiment = XOR_HIDDEN.replace(learning_rate=0.01)
    n = 501
    history = history_of(np.linspace(0.7095, 0.5776, n), np.full(n, 0.5),
                         outputs=np.array([[0.52], [0.48], [0.51], [0.47]]))
    found = hints_for(experiment, history, datasets.load(experiment))
    assert keys(found) == ["not-learning"]
    assert "near 0.5" in found[0].text
    assert found[0].fix.learning_rate == 0.1


def test_not_learning_is_silent_when_accuracy_rises_or_too_soon():
    data = datasets.load(XOR_HIDDEN)
    n = 501
    learning = history_of(falling(n), np.linspace(0.5, 1.0, n),
                          outputs=np.array([[0.02], [0.97], [0.98], [0.03]]))
    assert hints_for(XOR_HIDDEN, learning, data) == []
    early = history_of(np.full(30, 0.69), np.full(30, 0.5))
    assert hints_for(XOR_HIDDEN, early, data) == []


def test_majority_class_share_counts_as_stuck():
    data = datasets.load(SUM_THRESHOLD)
    share = hints._majority_share(data)
    assert 0.8 < share < 0.95
    n = 151
    flat = history_of(np.full(n, 0.9), np.full(n, share), outputs=np.full((4, 1), 0.9))
    found = hints_for(SUM_THRESHOLD, flat, data)
    assert keys(found) == ["not-learning"]
    assert "share of the commonest class" in found[0].text
    assert found[0].fix.batch_size == hints.FIX_BATCH_SIZE  # 7 updates an epoch were too few
    better = history_of(falling(n, 1.2, 0.1), np.linspace(share, 0.99, n),
                        outputs=np.full((4, 1), 0.9))
    assert hints_for(SUM_THRESHOLD, better, data) == []


def test_seed_002_model_answers_the_majority_and_the_fix_learns():
    """Seed 002's network (hinge, batch 32, 150 epochs) calls almost every row "above":
    accuracy is the share of that class, which is why it is wrong for [0.3, 0.1]."""
    history, dataset = trained(SUM_THRESHOLD)
    found = hints_for(SUM_THRESHOLD, history, dataset)
    assert keys(found) == ["not-learning"]
    fixed_history, fixed_data = trained(found[0].fix)
    assert fixed_history.last("accuracy") > 0.97
    assert hints_for(found[0].fix, fixed_history, fixed_data) == []


# ----- learning rate too high ----------------------------------------------------------------

def test_nan_loss_means_learning_rate_too_high():
    experiment = XOR_HIDDEN.replace(learning_rate=50.0)
    loss = np.concatenate([falling(20, 0.7, 0.5), [np.inf, np.nan]])
    history = history_of(loss, status="diverged")
    found = hints_for(experiment, history, datasets.load(experiment))
    assert keys(found) == ["learning-rate-too-high"]
    assert "NaN at epoch 20" in found[0].text
    assert found[0].fix.learning_rate == 5.0
    assert found[0].fix_text == "learning rate 50 → 5"


def test_rising_loss_means_learning_rate_too_high():
    experiment = XOR_HIDDEN.replace(learning_rate=5.0)
    n = 201
    history = history_of(np.concatenate([[0.7095], np.full(n - 1, 2.3)]), np.full(n, 0.75))
    found = hints_for(experiment, history, datasets.load(experiment))
    assert keys(found) == ["learning-rate-too-high"]  # it silences "not learning"
    assert "rose from 0.71 to 2.3" in found[0].text


def test_oscillating_loss_means_learning_rate_too_high():
    n = 101
    loss = 0.4 + 0.15 * (np.arange(n) % 2)  # up, down, up, down …
    loss[0] = 0.7
    found = hints_for(XOR_HIDDEN, history_of(loss, np.full(n, 1.0)),
                      datasets.load(XOR_HIDDEN))
    assert keys(found) == ["learning-rate-too-high"]
    assert "up and down" in found[0].text


def test_a_steadily_falling_loss_with_batch_noise_is_fine():
    n = 501
    noise = np.random.default_rng(0).normal(0, 0.0005, n)
    loss = falling(n) + noise * falling(n)
    history = history_of(loss, np.linspace(0.5, 1.0, n),
                         outputs=np.array([[0.02], [0.97], [0.98], [0.03]]))
    assert hints_for(XOR_HIDDEN, history, datasets.load(XOR_HIDDEN)) == []


def test_real_run_with_learning_rate_5_gets_the_hint_and_the_fix_trains():
    experiment = XOR_HIDDEN.replace(learning_rate=5.0, epochs=200)
    history, dataset = trained(experiment)
    found = hints_for(experiment, history, dataset)
    assert keys(found) == ["learning-rate-too-high"]
    fixed = found[0].fix
    assert fixed.learning_rate == 0.5
    fixed_history, fixed_data = trained(fixed)
    assert hints_for(fixed, fixed_history, fixed_data) == []


# ----- tiny learning rate ---------------------------------------------------------------------

def test_learning_rate_so_small_nothing_moves():
    experiment = XOR_HIDDEN.replace(learning_rate=1e-5)
    w0 = (np.array([[0.5, -0.3, 0.8, 0.1], [0.2, 0.7, -0.6, 0.4]]), np.zeros(4),
          np.array([[0.3], [-0.2], [0.5], [0.1]]), np.zeros(1))
    w1 = tuple(w + 1e-5 for w in w0)
    n = 501
    history = history_of(np.linspace(0.7095, 0.7092, n), np.full(n, 0.5), weights0=w0,
                         weights=w1, outputs=np.array([[0.5], [0.68], [0.42], [0.59]]))
    found = hints_for(experiment, history, datasets.load(experiment))
    assert keys(found) == ["tiny-learning-rate"]  # it silences "not learning"
    assert found[0].fix.learning_rate == 0.1  # SGD's usual rate
    adam = experiment.replace(optimizer="adam", learning_rate=1e-7)
    assert hints.check_tiny_learning_rate(adam, history).fix.learning_rate == 0.001


def test_tiny_learning_rate_is_silent_when_the_weights_move():
    w0 = (np.ones((2, 4)), np.zeros(4), np.ones((4, 1)), np.zeros(1))
    w1 = tuple(w + 0.3 for w in w0)
    n = 501
    history = history_of(np.full(n, 0.69), np.full(n, 0.5), weights0=w0, weights=w1)
    assert hints.check_tiny_learning_rate(XOR_HIDDEN, history) is None


# ----- over-fitting --------------------------------------------------------------------------

def overfit_curves(n=101, best=20):
    epochs = np.arange(n)
    train_loss = falling(n, 1.0, 0.02)
    val = 0.5 + 0.002 * (epochs - best) ** 2 / best  # lowest at `best`, then rising
    return train_loss, val


def test_validation_loss_rising_while_training_falls_is_overfitting():
    train_loss, val = overfit_curves()
    experiment = SUM_THRESHOLD.replace(epochs=100)
    history = history_of(train_loss, np.full(101, 0.95), val, np.full(101, 0.9))
    found = hints_for(experiment, history, datasets.load(experiment))
    assert keys(found) == ["overfitting"]
    assert "validation loss was lowest at epoch 20" in found[0].text
    assert found[0].fix.epochs == 20
    assert found[0].fix.layers == (Layer(5, "tanh", hints.FIX_DROPOUT),)


def test_image_runs_without_a_split_call_it_the_test_loss():
    train_loss, val = overfit_curves()
    history = history_of(train_loss, np.full(101, 0.95), val, np.full(101, 0.88),
                         outputs=np.full((4, 10), 0.1))
    history.held_out = "test"  # as the trainer's reports say: the test images, every epoch
    found = hints.check_overfitting(FASHION_QUICK, history)
    assert found is not None and "test loss" in found.text
    history.held_out = "validation"
    assert "validation loss" in hints.check_overfitting(FASHION_QUICK, history).text


def test_no_overfitting_while_validation_loss_falls_or_without_validation():
    n = 101
    both_fall = history_of(falling(n), np.full(n, 0.9), falling(n, 0.8, 0.05), np.full(n, 0.9))
    assert hints.check_overfitting(SUM_THRESHOLD, both_fall) is None
    no_val = history_of(falling(n), np.full(n, 0.9))
    assert hints.check_overfitting(SUM_THRESHOLD, no_val) is None
    train_loss, val = overfit_curves()
    both_rise = history_of(train_loss[::-1], np.full(n, 0.9), val, np.full(n, 0.9))
    assert hints.check_overfitting(SUM_THRESHOLD, both_rise) is None


# ----- raw pixels ---------------------------------------------------------------------------

def test_raw_pixels_are_caught_with_the_saturated_share():
    one_hot = np.eye(10)[np.arange(8) % 10]
    history = history_of([108.1, 8.97, 1.47], np.array([0.08, 0.8, 0.9]),
                         [110.4, 1.47, 0.82], [0.08, 0.9, 0.93], outputs=one_hot)
    found = hints_for(MNIST_RAW, history)
    assert keys(found) == ["raw-pixels"]
    assert "8 of the 8 test images" in found[0].text
    assert found[0].fix == MNIST_MLP
    assert found[0].fix_text == "normalise pixels off → on"
    # before any training it is already known
    assert keys(hints_for(MNIST_RAW, RunHistory())) == ["raw-pixels"]


def test_normalised_pixels_are_silent_even_when_the_network_is_sure():
    one_hot = np.eye(10)[np.arange(8) % 10]
    history = history_of([2.3, 0.2, 0.1], np.array([0.1, 0.95, 0.97]),
                         [2.3, 0.15, 0.1], [0.1, 0.95, 0.97], outputs=one_hot)
    assert hints_for(MNIST_MLP, history) == []


# ----- all together ---------------------------------------------------------------------------

def test_hints_for_nothing_is_nothing():
    assert hints_for(None, None) == []
    assert hints_for(XOR_HIDDEN, None) == []
    assert hints_for(XOR_HIDDEN, RunHistory(), datasets.load(XOR_HIDDEN)) == []


def test_every_fix_is_a_valid_experiment():
    cases = [
        (XOR_SINGLE, stuck_history(), datasets.load(XOR_SINGLE)),
        (XOR_HIDDEN.replace(learning_rate=50.0),
         history_of([0.7, np.nan], status="diverged"), None),
        (MNIST_RAW, RunHistory(), None),
    ]
    for experiment, history, dataset in cases:
        for hint in hints_for(experiment, history, dataset):
            assert hint.fix is not None and hint.fix.validate() == [], hint.key
            assert hint.fix_text


def test_describe_changes_names_each_field():
    before = XOR_SINGLE
    after = before.replace(layers=(Layer(4, "tanh"),), learning_rate=0.5, epochs=500)
    assert hints.describe_changes(before, after) == (
        "hidden layers none → 4 tanh; learning rate 0.1 → 0.5; epochs 200 → 500")
    assert hints.describe_changes(before, before) == ""


def test_a_regression_run_gets_no_classification_hints():
    sine = Experiment(dataset="sine", loss="mse", layers=(), validation_split=0.2, epochs=150,
                      batch_size=32)
    data = datasets.load(sine)
    history = RunHistory()
    for start in (0, 1):
        epochs = np.arange(start, start + 100 if start else 1)
        values = {name: np.full(len(epochs), 0.4) for name in ("mse", "mae", "r2")}
        history.append(Report(epochs=epochs, loss=np.linspace(0.5, 0.3, len(epochs)),
                              metrics=values, val_loss=None, val_metrics=None,
                              outputs=np.zeros((len(epochs), 4, 1)),
                              weights=(np.full((1, 1), 1.0 + start), np.zeros(1)),
                              epochs_per_second=0.0, status="finished"))
    assert hints.linearly_separable_data(data) is None  # a regression has no classes to split
    assert hints_for(sine, history, data) == []
