"""A neuron switched off: its output reaches nothing, on a copy; the model's weights stay."""
from __future__ import annotations

import numpy as np

from playground.core.inspection.forward import forward
from playground.core.inspection.neuron_maps import maps_over, plane_rows, without_neurons


def _net():
    rng = np.random.default_rng(0)
    return [rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=(3, 1)),
            rng.normal(size=1)]


def test_a_switched_off_neuron_is_as_if_its_output_were_held_at_0():
    weights = _net()
    kept = [w.copy() for w in weights]
    held = without_neurons(weights, {(0, 1)})
    x = np.array([[0.3, -0.7], [1.0, 2.0]])
    hidden = np.tanh(x @ weights[0] + weights[1])
    hidden[:, 1] = 0  # the neuron's output held at 0
    expected = 1 / (1 + np.exp(-(hidden @ weights[2] + weights[3])))
    assert np.allclose(forward(held, ["tanh", "sigmoid"], x), expected)
    assert all(np.array_equal(a, b) for a, b in zip(weights, kept))  # the model's own stay
    assert not np.allclose(forward(weights, ["tanh", "sigmoid"], x), expected)


def test_the_output_maps_are_the_network_over_the_grid():
    weights = _net()
    rows = plane_rows((-1, 1), (-2, 2), 5, 2)
    maps = maps_over(rows, weights, ["tanh", "sigmoid"], 5)
    assert [m.shape for m in maps] == [(3, 5, 5), (1, 5, 5)]
    assert np.isclose(maps[1][0, 4, 0], forward(weights, ["tanh", "sigmoid"], [[1, -2]])[0, 0])
