"""Whether one straight line (a hyperplane) can split the two classes of some data.

The "add a hidden layer" hint rests on this: one neuron draws one line, and XOR's classes are
not separable by any. Exact for small 2-input data; a perceptron's proof otherwise.
"""
from __future__ import annotations

import weakref

import numpy as np

#: Linear separability is decided exactly for 2-input data up to this many rows; otherwise a
#: perceptron may prove it separable (it cannot prove the opposite).
EXACT_SEPARABILITY_ROWS = 200
PERCEPTRON_MAX_ROWS = 5000
PERCEPTRON_EPOCHS = 200


def linearly_separable(x, labels) -> bool | None:
    """Whether one straight line (hyperplane) puts the two classes on opposite sides.

    True or False for 2-input data up to `EXACT_SEPARABILITY_ROWS` rows (exact); otherwise True
    when a perceptron separates the rows, else None (not known). None for more than 2 classes.
    """
    x = np.asarray(x, np.float64)
    labels = np.asarray(labels)
    classes = np.unique(labels)
    if len(classes) < 2:
        return True
    if len(classes) > 2 or len(x) == 0:
        return None
    positive = labels == classes[1]
    if x.shape[1] == 2 and len(x) <= EXACT_SEPARABILITY_ROWS:
        return _separable_2d(x[~positive], x[positive])
    if len(x) <= PERCEPTRON_MAX_ROWS and _perceptron_separates(x, positive):
        return True
    return None


def _separable_2d(a: np.ndarray, b: np.ndarray) -> bool:
    """Exact: the order of projections onto a direction changes only where the direction is
    perpendicular to a difference of two points, so one direction between each pair of those
    critical angles decides it."""
    diffs = (b[:, None, :] - a[None, :, :]).reshape(-1, 2)
    if np.any(np.all(np.abs(diffs) < 1e-12, axis=1)):
        return False  # the same point in both classes
    base = np.arctan2(diffs[:, 1], diffs[:, 0]) + np.pi / 2  # perpendicular to each difference
    angles = np.sort(np.mod(np.concatenate([base, base + np.pi]), 2 * np.pi))
    following = np.append(angles[1:], angles[0] + 2 * np.pi)
    middles = (angles + following) / 2
    directions = np.stack([np.cos(middles), np.sin(middles)], axis=1)
    for start in range(0, len(directions), 4096):
        chunk = directions[start:start + 4096]
        if np.any((a @ chunk.T).max(axis=0) < (b @ chunk.T).min(axis=0)):
            return True
    return False


def _perceptron_separates(x: np.ndarray, positive: np.ndarray) -> bool:
    scale = np.maximum(np.abs(x).max(axis=0), 1e-12)
    rows = np.hstack([x / scale, np.ones((len(x), 1))])
    signs = np.where(positive, 1.0, -1.0)
    w = np.zeros(rows.shape[1])
    for _ in range(PERCEPTRON_EPOCHS):
        wrong = signs * (rows @ w) <= 0
        if not wrong.any():
            return True
        w += (signs[wrong, None] * rows[wrong]).sum(axis=0)
    return False


_separable_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def linearly_separable_data(dataset) -> bool | None:
    """`linearly_separable` over a `Dataset`'s training and validation rows (cached per
    dataset object; images and regression targets are never checked)."""
    try:
        return _separable_cache[dataset]
    except (KeyError, TypeError):
        pass
    if dataset.is_images or dataset.n_classes < 2:
        answer = None
    else:
        x = np.concatenate([dataset.x_train, dataset.x_val])
        labels = np.concatenate([dataset.labels_train, dataset.labels_val])
        answer = linearly_separable(x, labels)
    try:
        _separable_cache[dataset] = answer
    except TypeError:
        pass
    return answer
