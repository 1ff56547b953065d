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
    n_inputs = int(np.shape(weights[0])[0]) if expand is None else 2
    rows = plane_rows(x_range, y_range, resolution, n_inputs, fixed, axes, expand)
    return maps_over(rows, weights, activations, resolution)


def plane_rows(x_range, y_range, resolution: int, n_inputs: int,
               fixed: np.ndarray | None = None, axes: tuple[int, int] = (0, 1),
               expand=None) -> np.ndarray:
    """The grid's rows (resolution² of them, x-major), inputs other than `axes` at `fixed`,
    engineered features appended by `expand`: computed once, reused while the plane stays."""
    xs = np.linspace(*x_range, resolution)
    ys = np.linspace(*y_range, resolution)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    base = np.zeros(n_inputs) if fixed is None else np.asarray(fixed, np.float64)[:n_inputs]
    h = np.repeat(base[None], gx.size, axis=0)
    h[:, axes[0]] = gx.ravel()
    h[:, axes[1]] = gy.ravel()
    return expand(h) if expand is not None else h


def maps_over(rows: np.ndarray, weights, activations, resolution: int) -> list[np.ndarray]:
    """Every Dense layer's units over the grid `rows` (from plane_rows): (units, r, r) each."""
    h, maps = rows, []
    for (kernel, bias), activation in zip(_pairs(weights), activations):
        h = ACTIVATION_FUNCTIONS[activation](h @ np.asarray(kernel, np.float64)
                                             + np.asarray(bias, np.float64))
        maps.append(h.T.reshape(-1, resolution, resolution))
    return maps


def without_neurons(weights, off) -> list:
    """A copy of `weights` in which each hidden neuron (layer, unit) of `off` is switched off:
    its outgoing weights are 0, so its output reaches nothing (as if held at 0). `layer` counts
    hidden layers from 0; the model's own weights are left as they are."""
    copy = list(weights)
    for layer, unit in off:
        index = 2 * (layer + 1)  # the next Dense layer's kernel reads this layer's outputs
        if index < len(copy) and unit < np.shape(copy[index])[0]:
            if copy[index] is weights[index]:
                copy[index] = np.array(weights[index])  # copied once, never the model's own
            copy[index][unit, :] = 0
    return copy


def value_range(grid: np.ndarray) -> tuple[float, float, float]:
    """(min, mean, max) of one neuron's map, for its enlarged view's numbers."""
    return float(np.min(grid)), float(np.mean(grid)), float(np.max(grid))
