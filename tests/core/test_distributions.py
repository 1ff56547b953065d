"""Histograms of a layer's weights or activations per snapshot, on shared bins."""
from __future__ import annotations

import numpy as np

from playground.core.inspection.distributions import histograms, layer_values


def test_each_snapshot_is_one_histogram_on_the_same_bins():
    w0 = [np.zeros((2, 3)), np.zeros(3), np.zeros((3, 1)), np.zeros(1)]
    w1 = [np.full((2, 3), 2.0), np.zeros(3), np.ones((3, 1)), np.zeros(1)]
    edges, counts = histograms([w0, w1], ["tanh", "sigmoid"], 0, "weights", bins=4)
    assert edges[0] == 0 and edges[-1] == 2 and counts.shape == (2, 4)
    assert counts[0, 0] == 1 and counts[1, -1] == 1  # all at 0, then all at 2


def test_activations_are_the_layers_outputs_on_the_rows():
    w = [np.ones((2, 2)), np.zeros(2), np.ones((2, 1)), np.zeros(1)]
    x = np.array([[0.5, 0.0], [1.0, 1.0]])
    values = layer_values(w, ["tanh", "sigmoid"], 0, "activations", x)
    assert np.allclose(values, np.tanh([0.5, 0.5, 2.0, 2.0]))
