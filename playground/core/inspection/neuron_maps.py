"""What each neuron learned: every neuron's output over the input plane, in NumPy.

TensorFlow Playground draws, at each hidden neuron, a small heatmap of its output over the
plane of x1, x2. `neuron_maps` computes all of them in one forward pass over a grid (the same
grid `decision_grid` uses, engineered features recomputed by `expand`), for a view to draw.
"""
from __future__ import annotations

import numpy as np

from playground.core.inspection.forward import ACTIVATION_FUNCTIONS, _pairs


def neuron_maps(weights, activations, x_range, y_range, resolution: int = 24,
                fixed: np.ndarray | None = None, axes: tuple[int, int] = (0, 1),
                expand=None) -> list[np.ndarray]:
    """Per Dense layer (hidden layers, then the output), its units' outputs over a
    resolution×resolution grid: arrays of shape (units, resolution, resolution) indexed
    [unit, ix, iy]. Inputs other than `axes` are held at `fixed`."""
    xs = np.linspace(*x_range, resolution)
    ys = np.linspace(*y_range, resolution)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    n_inputs = int(np.shape(weights[0])[0]) if expand is None else 2
    base = np.zeros(n_inputs) if fixed is None else np.asarray(fixed, np.float64)[:n_inputs]
    h = np.repeat(base[None], gx.size, axis=0)
    h[:, axes[0]] = gx.ravel()
    h[:, axes[1]] = gy.ravel()
    if expand is not None:
        h = expand(h)
    maps = []
    for (kernel, bias), activation in zip(_pairs(weights), activations):
        h = ACTIVATION_FUNCTIONS[activation](h @ np.asarray(kernel, np.float64)
                                             + np.asarray(bias, np.float64))
        maps.append(h.T.reshape(-1, resolution, resolution))
    return maps
