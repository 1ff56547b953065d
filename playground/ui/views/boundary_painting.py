"""How the decision boundary's grid becomes an image: the levels and colour map of one output,
and for several classes each point's class colour, paler where unsure, and the class borders.

Kept apart from the view (boundary.py), which chooses the plane and redraws: these are pure
functions of the grid (NumPy in, NumPy out), testable without a window.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from playground.core.inspection.planes import threshold_segments
from playground.ui.views.output_rows import class_colours

#: The RGB value a class colour fades to where the network is unsure (near white).
PALE = 247.0


def output_levels(output: str, values: np.ndarray, threshold: float) -> tuple[float, float]:
    """The colour scale's ends for `output`'s activation: its range when bounded, else
    symmetric about the threshold over the values seen."""
    if output == "sigmoid":
        return 0.0, 1.0
    if output == "tanh":
        return -1.0, 1.0
    finite = np.abs(values[np.isfinite(values)] - threshold)
    spread = float(finite.max()) if finite.size else 1.0  # a diverged run: all NaN
    spread = spread if spread > 0 else 1.0
    return threshold - spread, threshold + spread


def colour_map(middle: float) -> pg.ColorMap:
    """Blue (class 0) to white at the threshold (`middle`, 0–1 of the scale) to orange."""
    middle = float(np.clip(middle, 0.02, 0.98))
    return pg.ColorMap([0.0, middle, 1.0], ["#5a8fd0", "#f7f7f7", "#f0a050"])


def class_image(probabilities: np.ndarray, discretize: bool) -> tuple[np.ndarray, np.ndarray]:
    """(predicted class per point, RGB bytes): each point in its class's colour, paler where
    the top class is barely ahead (all white at even odds, unless `discretize`)."""
    classes = probabilities.argmax(axis=-1)
    k = probabilities.shape[-1]
    palette = np.array([pg.mkColor(c).getRgb()[:3] for c in class_colours(k)], np.float64)
    top = np.nan_to_num(probabilities.max(axis=-1), nan=1.0 / k)
    sure = np.ones_like(top) if discretize else \
        np.clip((top - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
    rgb = PALE + (palette[classes] - PALE) * (0.25 + 0.75 * sure[..., None])
    return classes, rgb.astype(np.ubyte)


def class_borders(probabilities: np.ndarray, classes: np.ndarray, xs: np.ndarray,
                  ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Line segments (x, y, in pairs) where the top class changes."""
    xs_all, ys_all = [], []
    # Borders from every other grid point: K marching-squares passes cost more than the
    # grid itself, and a border a grid step coarser looks the same.
    step = 2 if len(xs) >= 100 else 1
    coarse = probabilities[::step, ::step]
    for c in np.unique(classes):  # where class c stops being the top one
        others = np.delete(coarse, c, axis=-1).max(axis=-1)
        x, y = threshold_segments(coarse[..., c] - others, xs[::step], ys[::step], 0.0)
        xs_all.append(x)
        ys_all.append(y)
    return np.concatenate(xs_all), np.concatenate(ys_all)
