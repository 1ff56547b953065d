"""The network's forward pass in NumPy, from a snapshot of its weights.

Views evaluate the network here rather than through TensorFlow: a snapshot of weights taken
from a report can be evaluated on the GUI thread while the worker keeps training the live model,
and a 100×100 decision grid costs well under a millisecond. Tests check every activation against
`model.predict`. Dropout layers carry no weights and do nothing at inference, so they vanish.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np


def _sigmoid(z):
    # Split by sign so neither branch overflows exp().
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    ez = np.exp(z[~positive])
    out[~positive] = ez / (1.0 + ez)
    return out


def _softmax(z):
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


ACTIVATION_FUNCTIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "linear": lambda z: z,
    "softmax": _softmax,
}


def activations_of(experiment) -> list[str]:
    """The activation of each Dense layer in order: the hidden layers', then the output's.
    A network with conv or pool layers gets steps instead (core/inspection/feature_maps.py)."""
    from playground.core.inspection.feature_maps import steps_of

    return steps_of(experiment)


def forward(weights: Sequence[np.ndarray], activations: Sequence[str], x,
            dtype=np.float64) -> np.ndarray:
    """Outputs for a batch of rows `x`; `weights` alternates kernel, bias as `get_weights()`.
    `dtype` is the arithmetic's: float32 is the model's own (grids), float64 the default."""
    from playground.core.inspection.feature_maps import is_stepped, run_steps

    if is_stepped(activations):  # conv and pool layers: NumPy follows them too
        return run_steps(weights, activations, x)
    h = np.asarray(x, dtype=dtype)
    for (kernel, bias), activation in zip(_pairs(weights), activations):
        h = ACTIVATION_FUNCTIONS[activation](h @ kernel.astype(dtype, copy=False)
                                             + bias.astype(dtype, copy=False))
    return h


@dataclass(frozen=True)
class LayerStep:
    """One Dense layer's arithmetic for a single input row, as a learner would write it."""

    index: int
    inputs: np.ndarray          # x (the previous layer's output)
    kernel: np.ndarray          # W, shape (inputs, units)
    bias: np.ndarray            # b
    weighted: np.ndarray        # Wᵀx
    pre_activation: np.ndarray  # Wᵀx + b
    activation: str
    outputs: np.ndarray         # activation(Wᵀx + b)


def forward_steps(weights: Sequence[np.ndarray], activations: Sequence[str],
                  row) -> list[LayerStep]:
    """Each layer's Wᵀx, + b and activation for one input row, down to the output."""
    h = np.asarray(row, dtype=np.float64).reshape(-1)
    steps = []
    for i, ((kernel, bias), activation) in enumerate(zip(_pairs(weights), activations)):
        kernel = np.asarray(kernel, np.float64)
        bias = np.asarray(bias, np.float64)
        weighted = h @ kernel
        pre = weighted + bias
        out = ACTIVATION_FUNCTIONS[activation](pre[None])[0]
        steps.append(LayerStep(i, h, kernel, bias, weighted, pre, activation, out))
        h = out
    return steps


def decision_grid(weights, activations, x_range, y_range, resolution: int = 100,
                  fixed: np.ndarray | None = None, axes: tuple[int, int] = (0, 1),
                  expand=None) -> np.ndarray:
    """Output over a resolution×resolution grid of the plane spanned by inputs `axes`.

    Other inputs (when the network has more than two) are held at `fixed`. Returns an array of
    shape (resolution, resolution, units) indexed [ix, iy], ready for an image item.
    `expand` (core.data.features.plane_expander) recomputes engineered input features.
    In float32, as the model computes (half the time of float64 on a six-class grid).
    """
    xs = np.linspace(*x_range, resolution)
    ys = np.linspace(*y_range, resolution)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    n_inputs = np.asarray(weights[0]).shape[0]
    base = np.zeros(n_inputs) if fixed is None else np.asarray(fixed, np.float64)
    rows = np.repeat(base[None], gx.size, axis=0)
    rows[:, axes[0]] = gx.ravel()
    rows[:, axes[1]] = gy.ravel()
    if expand is not None:
        rows = expand(rows)
    out = forward(weights, activations, rows, dtype=np.float32)
    return out.reshape(resolution, resolution, -1)


def _pairs(weights):
    weights = list(weights)
    return [(np.asarray(weights[i]), np.asarray(weights[i + 1])) for i in range(0, len(weights), 2)]
