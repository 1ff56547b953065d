"""A drawn digit made to look like an MNIST image (NumPy only, no Qt).

MNIST's digits were cropped, scaled (keeping their shape) to fit a 20×20 box with grey
anti-aliased edges, then placed in the 28×28 field so that their centre of mass sits at the
centre. A network trained on MNIST has only ever seen digits like that: a digit drawn small in
a corner, or a thin line, looks to it like nothing it knows. `mnist_style` does the same steps
to a drawing, so the canvas asks the network a fair question.
"""
from __future__ import annotations

import numpy as np

SIZE = 28
BOX = 20
#: Where MNIST puts the centre of mass (row, column), in pixel indices (measured: 14.0, 14.0).
CENTRE = 14.0
#: Pixels fainter than this do not count when finding the drawing's extent.
INK = 0.05


def mnist_style(drawing: np.ndarray) -> np.ndarray:
    """A (28, 28) float32 image in [0, 1] (ink = 1) from a drawing of any size (ink = 1).

    Empty drawings give an all-zero image.
    """
    drawing = np.clip(np.nan_to_num(np.asarray(drawing, np.float64)), 0.0, 1.0)
    if drawing.ndim != 2:
        raise ValueError(f"expected a 2-D drawing, got shape {drawing.shape}")
    rows = np.flatnonzero((drawing > INK).any(axis=1))
    cols = np.flatnonzero((drawing > INK).any(axis=0))
    out = np.zeros((SIZE, SIZE), np.float32)
    if len(rows) == 0:
        return out
    crop = drawing[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    height, width = crop.shape
    scale = BOX / max(height, width)
    new_h = max(1, int(round(height * scale)))
    new_w = max(1, int(round(width * scale)))
    digit = area_resample(crop, new_h, new_w)
    peak = digit.max()
    if peak <= 0:
        return out
    digit = digit / peak  # MNIST strokes reach full intensity however lightly they were drawn
    mass = digit.sum()
    cy = (digit.sum(axis=1) * np.arange(new_h)).sum() / mass
    cx = (digit.sum(axis=0) * np.arange(new_w)).sum() / mass
    top = int(np.clip(round(CENTRE - cy), 0, SIZE - new_h))
    left = int(np.clip(round(CENTRE - cx), 0, SIZE - new_w))
    out[top:top + new_h, left:left + new_w] = digit
    return out


def area_resample(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resize by averaging the source area under each target pixel (anti-aliased shrinking)."""
    return _weights(image.shape[0], height) @ image @ _weights(image.shape[1], width).T


def _weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in): the share of each source pixel inside each target pixel, rows sum to 1."""
    edges = np.linspace(0.0, n_in, n_out + 1)
    starts, ends = edges[:-1, None], edges[1:, None]
    pixel = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(ends, pixel + 1) - np.maximum(starts, pixel), 0.0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)
