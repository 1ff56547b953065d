"""Backprop by hand (NumPy, float64) equals Keras's gradients for every loss and activation.

Two comparisons for every (loss, output) the app offers under several hidden stacks:
- Keras built in float64: the same arithmetic; measured difference at most 1.3e-15, asked < 1e-12.
- The app's float32 model (same float32 weights on both sides): what differs is TensorFlow's
  float32 rounding; measured at most 4.7e-7 of the largest gradient or loss (whichever is larger,
  at least 1), asked < 1e-6 of it.
"""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.experiment import Experiment, Layer
from playground.core.inspection import backward as bw
from playground.core.inspection.backward import (backward_of, dead_relu_units, keras_gradients,
                                                 optimizer_step)
from playground.core.inspection.forward import activations_of
from playground.core.losses import LOSSES
from playground.core.model.runtime import load

tf, keras = load()

HIDDEN = ("relu", "tanh", "sigmoid", "linear")
#: Every (loss, output activation) the app offers; softmax losses get three classes.
COMBINATIONS = [(loss, output) for loss, spec in LOSSES.items() for output in spec.outputs]
ATOL, RTOL = 1e-6, 1e-5
#: float32 rounding, relative to the largest gradient or loss (measured: 4.7e-7).
F32_TOLERANCE = 1e-6


def make_model(n_inputs, hidden, output, units, seed=0, floatx="float32"):
    # dtype on each layer: Keras caches its global dtype policy at the first layer it builds,
    # so set_floatx alone would not reach the layers.
    keras.utils.set_random_seed(seed)
    model = keras.Sequential()
    model.add(keras.Input(shape=(n_inputs,), dtype=floatx))
    for size, activation in hidden:
        model.add(keras.layers.Dense(size, activation=activation, dtype=floatx))
    model.add(keras.layers.Dense(units, activation=output, dtype=floatx))
    rng = np.random.default_rng(seed)
    model.set_weights([w + rng.normal(0, 0.5, w.shape).astype(np.float32)
                       for w in model.get_weights()])
    return model


def experiment_for(loss, output, hidden):
    return Experiment(loss=loss, output_activation=output,
                      layers=tuple(Layer(3, a) for a in hidden))


def labels_for(experiment, units):
    if experiment.encoding == "value":
        return [0.25, -1.75, 2.5]  # exact in float32; huber's both branches, mae's both signs
    return list(range(max(units, 2)))


def cases():
    for loss, output in COMBINATIONS:
        for hidden in ((), ("tanh",), ("relu", "sigmoid"), ("linear", "tanh", "relu")):
            yield loss, output, hidden
    for activation in HIDDEN:  # every hidden activation under the default loss
        yield "bce", "sigmoid", (activation, activation)


def differences(loss, output, hidden, floatx):
    """(largest |by hand − Keras| over loss and gradients, largest |gradient|) on three rows."""
    units = 3 if output == "softmax" else 1
    model = make_model(2, [(3, a) for a in hidden], output, units, len(hidden), floatx)
    experiment = experiment_for(loss, output, hidden)
    weights = model.get_weights()
    rows = np.random.default_rng(7).uniform(-2, 2, (3, 2)).astype(floatx)
    worst = scale = 0.0
    keras.config.set_floatx(floatx)  # the loss object computes in floatx
    try:
        for row, label in zip(rows, labels_for(experiment, units)):
            mine = backward_of(experiment, weights, row, label)
            keras_loss, theirs = keras_gradients(model, experiment, row, label)
            worst = max(worst, abs(mine.loss - keras_loss))
            assert model.layers[0].kernel.dtype == floatx
            for by_hand, by_keras in zip(mine.gradients(), theirs, strict=True):
                worst = max(worst, float(np.max(np.abs(by_hand - by_keras))))
                scale = max(scale, float(np.max(np.abs(by_keras))), abs(keras_loss))
    finally:
        keras.config.set_floatx("float32")
    return worst, scale


@pytest.mark.parametrize("loss,output,hidden", list(cases()))
def test_backprop_by_hand_equals_keras_gradients(loss, output, hidden):
    """Keras in float64: the same arithmetic, equal to 1e-12 (far inside 1e-6)."""
    worst, _ = differences(loss, output, hidden, "float64")
    assert worst < 1e-12


@pytest.mark.parametrize("loss,output,hidden", [case for case in cases() if len(case[2]) == 2])
def test_backprop_by_hand_equals_the_apps_float32_gradients(loss, output, hidden):
    """The app's float32 model: equal up to float32 rounding (relative to the numbers' size)."""
    worst, scale = differences(loss, output, hidden, "float32")
    assert worst < F32_TOLERANCE * max(scale, 1.0)


def _loss_with_bias(experiment, weights, index, unit, shift, row, label):
    moved = [np.asarray(w, np.float64).copy() for w in weights]
    moved[2 * index + 1][unit] += shift
    return backward_of(experiment, moved, row, label).loss


@pytest.mark.parametrize("activation", HIDDEN)
def test_each_delta_is_the_loss_slope_at_its_neuron(activation):
    """δ = ∂L/∂z = ∂L/∂b: a central difference on each bias, in float64, without Keras."""
    model = make_model(2, [(3, activation), (2, "tanh")], "sigmoid", 1, seed=3)
    experiment = experiment_for("bce", "sigmoid", (activation, "tanh"))
    weights = [w.astype(np.float64) for w in model.get_weights()]
    row, label, h = np.array([0.7, -1.2]), 1, 1e-6
    result = backward_of(experiment, weights, row, label)
    for layer in result.layers:
        for unit in range(len(layer.delta)):
            slope = (_loss_with_bias(experiment, weights, layer.index, unit, h, row, label)
                     - _loss_with_bias(experiment, weights, layer.index, unit, -h, row, label)
                     ) / (2 * h)
            assert layer.delta[unit] == pytest.approx(slope, abs=1e-7)


def test_a_delta_without_its_activation_slope_is_caught(monkeypatch):
    """The comparison is sharp enough to see one wrong δ: drop f′ of a hidden tanh layer."""
    model = make_model(2, [(3, "tanh")], "sigmoid", 1, seed=1)
    experiment = experiment_for("bce", "sigmoid", ("tanh",))
    row, label = np.array([0.5, -1.0], np.float32), 0
    _, theirs = keras_gradients(model, experiment, row, label)
    real = bw.activation_derivative
    monkeypatch.setattr(bw, "activation_derivative", lambda name, z, a: np.ones_like(z)
                        if name == "tanh" else real(name, z, a))
    wrong = backward_of(experiment, model.get_weights(), row, label).gradients()
    assert not np.allclose(wrong[0], theirs[0], atol=ATOL, rtol=RTOL)
    np.testing.assert_allclose(wrong[2], theirs[2], atol=ATOL, rtol=RTOL)  # output layer right


def test_xor_numbers_by_hand():
    """One tanh neuron, one sigmoid output, numbers a learner can check on paper."""
    experiment = experiment_for("bce", "sigmoid", ("tanh",))
    weights = [np.array([[1.0], [-1.0]]), np.array([0.0]), np.array([[2.0]]), np.array([0.0])]
    result = backward_of(experiment, weights, [1.0, 0.0], 1)
    a = np.tanh(1.0)
    p = 1 / (1 + np.exp(-2 * a))
    assert result.loss == pytest.approx(-np.log(p))
    out, hidden = result.layers[1], result.layers[0]
    assert out.delta[0] == pytest.approx(p - 1)
    assert hidden.delta[0] == pytest.approx(2 * (p - 1) * (1 - a ** 2))
    np.testing.assert_allclose(hidden.kernel_gradient[:, 0], [hidden.delta[0], 0.0])
    step = result.sgd_step(0.5)
    np.testing.assert_allclose(step[2], [[2.0 - 0.5 * a * (p - 1)]])


def test_sgd_step_equals_the_optimizers_first_step():
    model = make_model(2, [(3, "relu")], "sigmoid", 1, seed=2)
    experiment = experiment_for("bce", "sigmoid", ("relu",)).replace(learning_rate=0.3)
    row, label = np.array([1.0, 0.5], np.float32), 1
    result = backward_of(experiment, model.get_weights(), row, label)
    before = [w.copy() for w in model.get_weights()]
    stepped = optimizer_step(model, experiment, keras_gradients(model, experiment, row, label)[1])
    for by_hand, by_keras in zip(result.sgd_step(0.3), stepped, strict=True):
        np.testing.assert_allclose(by_hand, by_keras, atol=ATOL)
    for kept, now in zip(before, model.get_weights()):  # the model itself did not move
        np.testing.assert_array_equal(kept, now)


def test_activations_of_matches_layers():
    experiment = experiment_for("hinge", "tanh", ("relu",))
    assert activations_of(experiment) == ["relu", "tanh"]


def test_dead_relu_units_are_those_never_active_on_the_rows():
    weights = [np.array([[1.0, -1.0, 0.5], [1.0, -1.0, -2.0]]), np.array([0.0, -0.1, 0.0]),
               np.array([[1.0], [1.0], [1.0]]), np.array([0.0])]
    x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    # Unit 2 (index 1) is below zero everywhere; unit 3 is active on (1, 0) only; unit 1 on 3.
    assert dead_relu_units(weights, ["relu", "sigmoid"], x) == [(0, [1])]
    assert dead_relu_units(weights, ["tanh", "sigmoid"], x) == []
    result = backward_of(experiment_for("bce", "sigmoid", ("relu",)), weights, x[3], 1)
    assert result.layers[0].delta[1] == 0.0 and not result.layers[0].kernel_gradient[:, 1].any()
