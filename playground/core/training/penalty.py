"""The L1/L2 penalty on the kernels, apart from the data loss (issue 16).

Training minimises data loss + penalty; the trainer reports the data loss (so runs with and
without a penalty compare), and reports carry the penalty beside it for the loss chart's
second line.
"""
from __future__ import annotations

import numpy as np


def kernel_penalty(weights, l1: float, l2: float) -> float:
    """l1 Σ|W| + l2 ΣW² over the Dense kernels of `weights` (a get_weights() list), as Keras's
    L1L2 regulariser adds it to the loss."""
    kernels = [np.asarray(w, np.float64) for w in weights if np.ndim(w) == 2]
    return float(sum(l1 * np.abs(k).sum() + l2 * np.square(k).sum() for k in kernels))


def penalty_column(epochs, weights, experiment) -> np.ndarray | None:
    """A report's penalty per epoch: measured on the weights it carries (its last epoch's),
    NaN for the chunk's earlier epochs; None when neither L1 nor L2 is on."""
    l1, l2 = float(getattr(experiment, "l1", 0.0)), float(getattr(experiment, "l2", 0.0))
    if not (l1 or l2) or not len(epochs):
        return None
    column = np.full(len(epochs), np.nan)
    column[-1] = kernel_penalty(weights, l1, l2)
    return column
