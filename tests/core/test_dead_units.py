"""Dead ReLU units: found, counted, and truly without a gradient."""
from __future__ import annotations

import numpy as np

from playground.core.inspection.backward import backward
from playground.core.inspection.dead_units import MAX_ROWS, MIN_ROWS, dead_units

ROWS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def relu_2_3_3_1(bias_1=(0.1, -10.0, 0.1), bias_2=(0.1, 0.1, 0.1)):
    """Two ReLU hidden layers of 3; hidden unit 2 of layer 1 below 0 on every row of ROWS."""
    return [np.ones((2, 3)), np.array(bias_1), np.ones((3, 3)), np.array(bias_2),
            np.ones((3, 1)), np.zeros(1)]


def test_a_unit_below_zero_on_every_row_is_dead_and_counted_and_gets_no_gradient():
    weights = relu_2_3_3_1()
    found = dead_units(weights, ["relu", "relu", "sigmoid"], ROWS)
    assert found.units == {(0, 1)}
    assert found.summary() == "1 of 6 ReLU units dead"
    assert "the 4 training rows" in found.why()
    for row in ROWS:  # what 'dead' means: its weights get no gradient from any row
        grads = backward(weights, ["relu", "relu", "sigmoid"], "bce", "binary", row, 1)
        assert np.all(grads.layers[0].kernel_gradient[:, 1] == 0)
        assert grads.layers[0].bias_gradient[1] == 0
        assert grads.layers[0].bias_gradient[0] != 0  # a live one learns


def test_a_second_layer_unit_and_a_healthy_network():
    found = dead_units(relu_2_3_3_1(bias_1=(0.1, 0.1, 0.1), bias_2=(0.1, 0.1, -50.0)),
                       ["relu", "relu", "sigmoid"], ROWS)
    assert found.units == {(1, 2)}
    healthy = dead_units(relu_2_3_3_1(bias_1=(0.1, 0.1, 0.1)), ["relu", "relu", "sigmoid"],
                         ROWS)
    assert healthy.units == frozenset() and healthy.summary() == "0 of 6 ReLU units dead"


def test_only_relu_hidden_layers_count_and_rows_beyond_the_limit_are_not_read():
    weights = relu_2_3_3_1()
    assert dead_units(weights, ["tanh", "tanh", "sigmoid"], ROWS).summary() == ""
    mixed = dead_units(weights, ["relu", "tanh", "sigmoid"], ROWS)
    assert mixed.units == {(0, 1)} and mixed.relu_units == 3
    # Unit 2 wakes up only on a fifth row, past the rows looked at.
    rows = np.vstack([ROWS, [[20.0, 20.0]]])
    assert dead_units(weights, ["relu", "relu", "sigmoid"], rows).units == frozenset()
    cut = dead_units(weights, ["relu", "relu", "sigmoid"], rows, max_rows=4)
    assert cut.units == {(0, 1)} and "the first 4 of 5 training rows" in cut.why()


def test_a_small_network_is_judged_on_every_row_a_wide_one_on_few():
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(MAX_ROWS + 10, 2))
    small = dead_units(relu_2_3_3_1(), ["relu", "relu", "sigmoid"], rows)
    assert small.rows == MAX_ROWS and "the first 5,000 of 5,010" in small.why()
    wide = [np.zeros((784, 512)), np.zeros(512), np.zeros((512, 10)), np.zeros(10)]
    images = rng.normal(size=(1000, 28, 28))  # read as flat rows
    found = dead_units(wide, ["relu", "softmax"], images)
    assert found.rows == MIN_ROWS and found.count == 512  # all 0: none ever active
