"""The NumPy forward pass the views use agrees with Keras for every activation and depth."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from playground.core.experiment import Experiment, Layer
from playground.core.inspection.forward import activations_of, decision_grid, forward, forward_steps
from playground.core.model.runtime import load

tf, keras = load()

HIDDEN = ("relu", "tanh", "sigmoid", "linear")
OUTPUTS = {"sigmoid": 1, "tanh": 1, "linear": 1, "softmax": 3}


def make_model(n_inputs: int, hidden: list[tuple[int, str]], output: str, units: int,
               seed: int = 0, dropout: float = 0.0):
    """A Sequential like `build_model` makes, with random (not zero) biases."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential()
    model.add(keras.Input(shape=(n_inputs,)))
    for size, activation in hidden:
        model.add(keras.layers.Dense(size, activation=activation))
        if dropout:
            model.add(keras.layers.Dropout(dropout))
    model.add(keras.layers.Dense(units, activation=output))
    rng = np.random.default_rng(seed)
    model.set_weights([w + rng.normal(0, 0.5, w.shape).astype(np.float32)
                       for w in model.get_weights()])
    return model


def predict(model, x) -> np.ndarray:
    return model.predict(np.asarray(x, np.float32), verbose=0)


def cases():
    """Every hidden activation under every output at depth 1; deeper nets mix them."""
    for output in OUTPUTS:
        yield 0, output, ()
        for activation in HIDDEN:
            yield 1, output, (activation,)
        shift = list(OUTPUTS).index(output)
        mixed = HIDDEN[shift:] + HIDDEN[:shift]
        yield 2, output, mixed[:2]
        yield 3, output, mixed[1:4]


@pytest.mark.parametrize("depth,output,hidden", list(cases()))
def test_forward_equals_predict(depth, output, hidden):
    model = make_model(3, [(5, a) for a in hidden], output, OUTPUTS[output], seed=depth)
    x = np.random.default_rng(1).uniform(-2, 2, (64, 3))
    weights = model.get_weights()
    mine = forward(weights, list(hidden) + [output], x)
    np.testing.assert_allclose(mine, predict(model, x), atol=1e-5)


def test_dropout_layers_vanish_at_inference():
    model = make_model(2, [(6, "relu"), (4, "tanh")], "sigmoid", 1, dropout=0.5)
    x = np.random.default_rng(2).uniform(0, 1, (20, 2))
    np.testing.assert_allclose(forward(model.get_weights(), ["relu", "tanh", "sigmoid"], x),
                               predict(model, x), atol=1e-5)


def test_activations_of_an_experiment_follow_its_layers_then_output():
    experiment = Experiment(layers=(Layer(4, "relu"), Layer(3, "tanh")), loss="hinge")
    assert activations_of(experiment) == ["relu", "tanh", "tanh"]
    assert activations_of(Experiment(layers=())) == ["sigmoid"]


@pytest.mark.parametrize("hidden,output", [((), "sigmoid"), (("tanh",), "tanh"),
                                           (("relu", "sigmoid"), "softmax"),
                                           (("linear", "relu", "tanh"), "linear")])
def test_forward_steps_last_output_equals_predict(hidden, output):
    model = make_model(2, [(5, a) for a in hidden], output, OUTPUTS[output])
    weights = model.get_weights()
    row = np.array([0.3, 0.1])
    steps = forward_steps(weights, list(hidden) + [output], row)
    assert len(steps) == len(hidden) + 1
    np.testing.assert_allclose(steps[-1].outputs, predict(model, row[None])[0], atol=1e-5)
    for before, after in zip(steps, steps[1:]):  # each layer feeds the next
        np.testing.assert_array_equal(before.outputs, after.inputs)
    for step in steps:  # and shows its arithmetic: Wᵀx, + b
        np.testing.assert_allclose(step.pre_activation, step.inputs @ step.kernel + step.bias)


def test_decision_grid_point_equals_predict_at_that_point():
    model = make_model(2, [(4, "tanh")], "sigmoid", 1)
    weights = model.get_weights()
    grid = decision_grid(weights, ["tanh", "sigmoid"], (-0.25, 1.25), (-0.5, 1.5), resolution=7)
    assert grid.shape == (7, 7, 1)
    xs, ys = np.linspace(-0.25, 1.25, 7), np.linspace(-0.5, 1.5, 7)
    points = np.array([[xs[i], ys[j]] for i, j in itertools.product(range(7), range(7))])
    expected = predict(model, points).reshape(7, 7, 1)
    np.testing.assert_allclose(grid, expected, atol=1e-5)


def test_decision_grid_holds_the_other_inputs_fixed():
    model = make_model(4, [(6, "relu")], "tanh", 1)
    fixed = np.array([0.2, 0.4, 0.6, 0.8])
    grid = decision_grid(model.get_weights(), ["relu", "tanh"], (0, 1), (0, 2), resolution=5,
                         fixed=fixed, axes=(3, 1))
    xs, ys = np.linspace(0, 1, 5), np.linspace(0, 2, 5)
    point = fixed.copy()
    point[3], point[1] = xs[4], ys[2]
    np.testing.assert_allclose(grid[4, 2], predict(model, point[None])[0], atol=1e-5)
