"""Hints on the gradient's way back: weights that started equal, dead ReLUs, vanishing."""
from __future__ import annotations

import numpy as np

from playground.core.data import registry
from playground.core.experiment import Experiment, Layer
from playground.core.teaching import gradient_hints as gh
from playground.core.teaching.hints import hints_for
from playground.core.training.history import RunHistory
from playground.core.training.trainer import Report, train


def history_of(weights, epochs=12, loss=0.6, norms=None) -> RunHistory:
    n = epochs + 1
    history = RunHistory()
    history.append(Report(
        epochs=np.arange(n), loss=np.full(n, loss), metrics={"accuracy": np.full(n, 0.5)},
        val_loss=None, val_metrics=None, outputs=np.full((n, 4, 1), 0.5),
        weights=tuple(np.asarray(w, np.float64) for w in weights), epochs_per_second=0.0,
        gradient_norms=None if norms is None else np.tile(norms, (n, 1))))
    return history


def keys(experiment, history, dataset=None):
    return [hint.key for hint in hints_for(experiment, history, dataset)]


def test_zeros_make_every_hidden_neuron_the_same_and_the_fix_breaks_the_symmetry():
    experiment = Experiment(init="zeros", epochs=60)
    _, reports = train(experiment)
    history = RunHistory()
    for report in reports:
        history.append(report)
    hints = hints_for(experiment, history, registry.load(experiment))
    assert [h.key for h in hints][:1] == ["symmetric-weights"]
    assert "4 neurons of hidden layer 1 all have the same weights" in hints[0].text
    assert hints[0].fix.init == "glorot"
    _, reports = train(hints[0].fix)
    fixed = RunHistory()
    for report in reports:
        fixed.append(report)
    assert "symmetric-weights" not in keys(hints[0].fix, fixed)


def test_a_first_layer_gradient_a_thousandth_of_the_output_layers_is_vanishing():
    experiment = Experiment(layers=(Layer(8, "sigmoid"), Layer(8, "sigmoid")))
    weights = [np.ones((2, 8)), np.zeros(8), np.ones((8, 8)), np.zeros(8), np.ones((8, 1)),
               np.zeros(1)]
    hint = gh.check_vanishing_gradients(experiment, history_of(weights, norms=[1e-3, 0.1, 1.0]))
    assert hint.key == "vanishing-gradients" and "1,000× smaller" in hint.text
    assert [layer.activation for layer in hint.fix.layers] == ["relu", "relu"]
    assert hint.fix.init == "he"
    # Comparable sizes, or a run that has learnt (loss small): no hint.
    assert gh.check_vanishing_gradients(experiment, history_of(weights, norms=[0.5, 0.7, 1])) \
        is None
    assert gh.check_vanishing_gradients(
        experiment, history_of(weights, loss=0.01, norms=[1e-3, 0.1, 1.0])) is None


def test_relu_units_never_active_on_the_training_rows_are_counted_as_dead():
    experiment = Experiment(layers=(Layer(4, "relu"),))
    dataset = registry.load(experiment)
    bias = np.array([-1.0, -1.0, 1.0, 1.0])  # x in 0..1 and kernel 0: the first two never fire
    weights = [np.zeros((2, 4)), bias, np.ones((4, 1)), np.zeros(1)]
    hint = gh.check_dead_relus(experiment, history_of(weights), dataset)
    assert hint.key == "dead-relus" and hint.text.startswith("2 of 4 ReLU units are dead")
    assert hint.fix.learning_rate == experiment.learning_rate / 10
    alive = [np.zeros((2, 4)), np.ones(4), np.ones((4, 1)), np.zeros(1)]
    assert gh.check_dead_relus(experiment, history_of(alive), dataset) is None
    tanh = Experiment()
    assert gh.check_dead_relus(tanh, history_of(weights), dataset) is None  # no ReLU there
