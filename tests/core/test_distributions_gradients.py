"""The gradient distributions' numbers: the training loss's gradient over many rows at once
(NumPy, `batch_gradients`) equals Keras's GradientTape and the mean of the one-row backward pass."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.data.dataset import encode_targets
from playground.core.experiment import Experiment, Layer
from playground.core.inspection.backward import backward_of, batch_gradients
from playground.core.inspection.distributions import MAX_ROWS, layer_values, rows_for
from playground.core.losses import LOSSES
from playground.core.model.build import make_loss
from playground.core.model.runtime import load

#: Every (loss, output activation) the app offers; softmax losses get three classes.
COMBINATIONS = [(loss, output) for loss, spec in LOSSES.items() for output in spec.outputs]


def experiment_for(loss, output, hidden=("tanh", "relu"), l1=0.0, l2=0.0):
    return Experiment(loss=loss, output_activation=output, l1=l1, l2=l2,
                      layers=tuple(Layer(3, a) for a in hidden))


def rows_and_labels(experiment, units, n=6):
    rng = np.random.default_rng(5)
    x = rng.uniform(-2, 2, (n, 2))
    if experiment.encoding == "value":
        return x, rng.uniform(-2, 2, n).astype(np.float32)  # as a dataset stores them
    return x, np.arange(n) % max(units, 2)


def random_weights(sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [w for a, b in zip(sizes, sizes[1:])
            for w in (rng.normal(0, 0.8, (a, b)), rng.normal(0, 0.3, b))]


def keras_batch_gradients(experiment, weights, x, labels):
    """GradientTape on a float64 Keras model of the same layers (with the L1/L2 penalties)."""
    tf, keras = load()
    regularizer = keras.regularizers.L1L2(l1=experiment.l1, l2=experiment.l2)
    model = keras.Sequential([keras.Input(shape=(x.shape[1],), dtype="float64")] + [
        keras.layers.Dense(np.shape(k)[1], activation=a, dtype="float64",
                           kernel_regularizer=regularizer)
        for k, a in zip(weights[::2], [layer.activation for layer in experiment.layers]
                        + [experiment.output_activation])])
    model.set_weights(weights)
    targets = encode_targets(labels, experiment.encoding, np.shape(weights[-1])[0])
    if experiment.encoding != "sparse":
        targets = targets.astype(np.float64)
    keras.config.set_floatx("float64")  # the loss object computes in floatx
    try:
        with tf.GradientTape() as tape:
            value = make_loss(experiment)(tf.constant(targets), model(tf.constant(x)))
            value = value + tf.add_n(model.losses)
        grads = tape.gradient(value, model.trainable_variables)
    finally:
        keras.config.set_floatx("float32")
    return float(value), [g.numpy() for g in grads]


@pytest.mark.parametrize("loss,output", COMBINATIONS)
def test_the_training_loss_gradient_over_rows_equals_keras_gradient_tape(loss, output):
    # Rates exact in float32: Keras keeps its L1/L2 rates in float32 even in a float64 model.
    experiment = experiment_for(loss, output, l1=2 ** -6, l2=2 ** -5)
    units = 3 if output == "softmax" else 1
    weights = random_weights([2, 3, 3, units], seed=len(loss))
    x, labels = rows_and_labels(experiment, units)
    mine_loss, mine = batch_gradients(experiment, weights, x, labels)
    keras_loss, theirs = keras_batch_gradients(experiment, weights, x, labels)
    assert mine_loss == pytest.approx(keras_loss, abs=1e-10)
    for by_hand, by_keras in zip(mine, theirs, strict=True):
        np.testing.assert_allclose(by_hand, by_keras, atol=1e-10)


@pytest.mark.parametrize("hidden", [("relu",), ("tanh", "sigmoid"), ("linear", "relu")])
@pytest.mark.parametrize("loss,output", COMBINATIONS)
def test_the_gradient_over_rows_is_the_mean_of_each_rows_backward_pass(loss, output, hidden):
    experiment = experiment_for(loss, output, hidden, l2=0.05)
    units = 3 if output == "softmax" else 1
    weights = random_weights([2] + [3] * len(hidden) + [units], seed=7)
    x, labels = rows_and_labels(experiment, units)
    per_row = [backward_of(experiment, weights, row, label) for row, label in zip(x, labels)]
    loss_value, gradients = batch_gradients(experiment, weights, x, labels)
    # Each row's pass carries the whole penalty, so its mean carries it once, as training does.
    assert loss_value == pytest.approx(np.mean([r.loss for r in per_row]), abs=1e-12)
    for k, gradient in enumerate(gradients):
        np.testing.assert_allclose(gradient, np.mean([r.gradients()[k] for r in per_row], 0),
                                   atol=1e-12)


def test_a_layers_gradient_values_are_its_kernels_gradient_on_at_most_max_rows():
    experiment = experiment_for("bce", "sigmoid", ("tanh",))
    weights = random_weights([2, 3, 1])
    x = np.random.default_rng(1).uniform(-1, 1, (MAX_ROWS + 40, 2))
    labels = (x[:, 0] * x[:, 1] > 0).astype(int)
    values = layer_values(weights, ["tanh", "sigmoid"], 0, "gradients", x,
                          experiment=experiment, labels=labels)
    _, expected = batch_gradients(experiment, weights, x[:MAX_ROWS], labels[:MAX_ROWS])
    assert values.shape == (6,)  # the first kernel's 2 × 3 weights
    np.testing.assert_array_equal(values, expected[0].ravel())
    _, every_row = batch_gradients(experiment, weights, x, labels)
    assert not np.allclose(values, every_row[0].ravel())  # the rows past MAX_ROWS left out


def test_a_wide_network_is_measured_on_fewer_rows_so_a_redraw_stays_quick():
    small = random_weights([2, 3, 1])
    wide = [np.zeros((784, 512)), np.zeros(512), np.zeros((512, 10)), np.zeros(10)]
    assert rows_for(small) == MAX_ROWS
    assert 0 < rows_for(wide) < 100
    x = np.ones((MAX_ROWS, 784))
    activations = layer_values(wide, ["relu", "softmax"], 0, "activations", x)
    assert activations.size == rows_for(wide) * 512
