"""Each neuron's output over the plane (TensorFlow Playground's neuron heatmaps), in NumPy."""
from __future__ import annotations

import numpy as np

from playground.core.data.features import plane_expander
from playground.core.inspection.forward import decision_grid
from playground.core.inspection.neuron_maps import neuron_maps


def test_each_hidden_neurons_map_is_its_output_at_each_grid_point():
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=(3, 1)),
               rng.normal(size=1)]
    maps = neuron_maps(weights, ["tanh", "sigmoid"], (-1, 1), (-2, 2), resolution=5)
    assert [m.shape for m in maps] == [(3, 5, 5), (1, 5, 5)]
    x1, x2 = np.linspace(-1, 1, 5)[4], np.linspace(-2, 2, 5)[0]
    hidden = np.tanh(np.array([x1, x2]) @ weights[0] + weights[1])
    np.testing.assert_allclose(maps[0][:, 4, 0], hidden)
    # The output neuron's map is the boundary view's grid (computed there in float32).
    grid = decision_grid(weights, ["tanh", "sigmoid"], (-1, 1), (-2, 2), 5)
    np.testing.assert_allclose(maps[1][0], grid[..., 0], atol=1e-6)


def test_maps_follow_engineered_features():
    """With x1*x2 as an input, a single neuron's map is a saddle over the x1, x2 plane."""
    weights = [np.array([[0.0], [0.0], [1.0]]), np.array([0.0])]
    maps = neuron_maps(weights, ["linear"], (-1, 1), (-1, 1), resolution=3,
                       expand=plane_expander("x1*x2"))
    np.testing.assert_allclose(maps[0][0], [[1, 0, -1], [0, 0, 0], [-1, 0, 1]])
