"""A map of a hidden layer (issue 17): where each test image lands in a layer's activations,
projected onto the plane of their two largest principal components (PCA, NumPy's SVD).
Images the network finds alike land close; classes that form separate islands are ones the
layer already tells apart."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from playground.core.inspection.feature_maps import run_steps

#: Most images mapped (the issue's 2,000: PCA of 2,000 × 21,632 conv values stays ~1 s).
MAX_IMAGES = 2000


def layer_choices(steps: Sequence[str]) -> list[tuple[int, str]]:
    """(index into `steps`, label) of each layer whose output can be mapped: conv, pool and
    hidden Dense layers (not the input reshape, Flatten or the output layer)."""
    choices = []
    for i, step in enumerate(steps[:-1]):
        words = step.split()
        if words[0] in ("image", "flatten"):
            continue
        label = {"conv": "Conv2D", "pool": "MaxPooling2D"}.get(words[0], "Dense")
        choices.append((i, f"{len(choices) + 1}: {label} ({step})"))
    return choices


def activations_at(weights: Sequence[np.ndarray], steps: Sequence[str], x,
                   index: int) -> np.ndarray:
    """Each row's output of step `index`, flattened: (rows, values)."""
    taken = sum(2 for step in steps[:index + 1] if step.split()[0] not in ("image", "pool",
                                                                           "flatten"))
    out = run_steps(list(weights)[:taken], list(steps)[:index + 1], x)
    return out.reshape(len(out), -1)


def pca_2d(values: np.ndarray, seed: int = 0,
           iterations: int = 6) -> tuple[np.ndarray, tuple[float, float]]:
    """(coordinates on the first two principal components, the share of variance each holds).
    Wide data (a conv layer: 2,000 × 21,632) takes a randomised subspace iteration instead of a
    full SVD (~1 s rather than minutes): only two directions are wanted."""
    values = np.asarray(values, np.float64)
    centred = values - values.mean(axis=0)
    total = float((centred ** 2).sum()) or 1.0
    n, d = centred.shape
    if min(n, d) <= 64:
        _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    else:
        wide = centred.astype(np.float32)  # half the memory; two directions need no more
        rng = np.random.default_rng(seed)
        q = np.linalg.qr(wide @ rng.standard_normal((d, 8)).astype(np.float32))[0]
        for _ in range(iterations):
            q = np.linalg.qr(wide @ np.linalg.qr(wide.T @ q)[0])[0]
        _, singular, vt = np.linalg.svd((q.T @ wide).astype(np.float64), full_matrices=False)
    components = vt[:2]
    coords = centred @ components.T
    if coords.shape[1] < 2:
        coords = np.hstack([coords, np.zeros((len(coords), 2 - coords.shape[1]))])
    shares = [float(v) / total for v in singular[:2] ** 2] + [0.0, 0.0]
    return coords, (shares[0], shares[1])
