"""Distributions through training (as TensorBoard's): per layer, a histogram of its kernel's
weights, of its activations on the training rows, or of the training loss's gradient for its
kernel, for each kept weight snapshot, on bins shared by every epoch so they compare (issue 16).
NumPy over the history's snapshots.
"""
from __future__ import annotations

import numpy as np

from playground.core.inspection.backward import batch_gradients
from playground.core.inspection.forward import ACTIVATION_FUNCTIONS, _pairs

KINDS = ("weights", "activations", "gradients")
#: Rows the activations and gradients are measured on (enough for a histogram, cheap for a
#: redraw): at most MAX_ROWS, at least MIN_ROWS, else as many as BUDGET multiply-adds of a
#: forward pass allow (a gradient takes about three times as many): all of a small plane's,
#: a few dozen of an MNIST-wide network's.
MAX_ROWS = 500
MIN_ROWS = 32
BUDGET = 5_000_000


def rows_for(weights) -> int:
    """How many rows one snapshot's activations or gradients are measured on."""
    per_row = sum(int(np.size(k)) for k in list(weights)[0::2]) or 1
    return int(min(MAX_ROWS, max(MIN_ROWS, BUDGET // per_row)))


def layer_values(weights, activations, layer: int, kind: str, x=None, *, experiment=None,
                 labels=None) -> np.ndarray:
    """The values of Dense layer `layer` (0 = first) to histogram: its kernel's weights, its
    units' outputs on rows `x`, or the gradient of `experiment`'s training loss (with its L1/L2
    penalties) for its kernel on rows `x` with `labels` (as the loss sees them: a regression's
    targets standardised); on the first `rows_for(weights)` rows."""
    pairs = _pairs(weights)
    if kind == "weights":
        return np.asarray(pairs[layer][0], np.float64).ravel()
    if kind == "gradients":
        if not 0 <= layer < len(pairs):
            raise IndexError(f"no Dense layer {layer}")
        rows = rows_for(weights)
        _, gradients = batch_gradients(experiment, weights, np.asarray(x)[:rows],
                                       np.asarray(labels)[:rows])
        return gradients[2 * layer].ravel()
    h = np.asarray(x, np.float64)[:rows_for(weights)]
    for i, ((kernel, bias), activation) in enumerate(zip(pairs, activations)):
        h = ACTIVATION_FUNCTIONS[activation](h @ np.asarray(kernel, np.float64)
                                             + np.asarray(bias, np.float64))
        if i == layer:
            return h.ravel()
    raise IndexError(f"no Dense layer {layer}")


def histograms(snapshots, activations, layer: int, kind: str, x=None, bins: int = 40, *,
               experiment=None, labels=None) -> tuple[np.ndarray, np.ndarray]:
    """(bin edges, counts shaped (snapshots, bins)): one histogram per snapshot."""
    return shared_histograms([layer_values(w, activations, layer, kind, x,
                                           experiment=experiment, labels=labels)
                              for w in snapshots], bins)


def shared_histograms(values, bins: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Histograms of each array of `values` on the same edges (the range of all of them), each
    normalised to sum to 1 over its values (NaN and inf left out of the bins)."""
    finite = [np.asarray(v)[np.isfinite(v)] for v in values]
    every = np.concatenate(finite) if finite else np.zeros(0)
    low, high = (float(every.min()), float(every.max())) if every.size else (0.0, 1.0)
    if high <= low:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, bins + 1)
    counts = np.stack([np.histogram(v, edges)[0] / max(len(v), 1) for v in finite]) \
        if finite else np.zeros((0, bins))
    return edges, counts
