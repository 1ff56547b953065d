"""How far each layer's weights move per epoch, relative to their size: |ΔW| / |W| (issue 16).

A healthy layer moves its kernel by roughly 0.1 %-1 % an epoch; far less and it has stalled
(vanishing gradients, a tiny learning rate), far more and it thrashes. Computed from the weight
snapshots the history keeps (one per report): the change between two snapshots, divided by the
epochs between them, over the earlier kernel's norm.
"""
from __future__ import annotations

import numpy as np


class UpdateSizes:
    """Per Dense kernel, |ΔW| / |W| per epoch between consecutive snapshots; pairs already
    measured are remembered, so a redraw during a run only measures the new ones."""

    def __init__(self):
        self._pairs: dict[tuple[int, int], np.ndarray] = {}

    def of(self, epochs, snapshots) -> tuple[np.ndarray, np.ndarray]:
        """(the later epoch of each pair, ratios shaped (pairs, kernels))."""
        xs, rows = [], []
        for i in range(1, len(epochs)):
            gap = int(epochs[i]) - int(epochs[i - 1])
            if gap <= 0:  # weights set by hand at the same epoch: not a training step
                continue
            key = (int(epochs[i - 1]), int(epochs[i]))
            if key not in self._pairs:
                self._pairs[key] = ratios(snapshots[i - 1], snapshots[i]) / gap
            if self._pairs[key] is not None and len(self._pairs[key]):
                xs.append(key[1])
                rows.append(self._pairs[key])
        if not rows or len({len(r) for r in rows}) != 1:
            return np.zeros(0, int), np.zeros((0, 0))
        return np.asarray(xs), np.stack(rows)

    def clear(self) -> None:
        self._pairs = {}


def ratios(before, after) -> np.ndarray:
    """|after − before| / |before| for each Dense kernel (2-D weight) of two snapshots."""
    out = []
    for old, new in zip(before, after):
        if np.ndim(old) != 2 or np.shape(old) != np.shape(new):
            continue
        old = np.asarray(old, np.float64)
        size = np.linalg.norm(old)
        out.append(np.linalg.norm(np.asarray(new, np.float64) - old) / size if size > 0
                   else np.inf)
    return np.asarray(out)
