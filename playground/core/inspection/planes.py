"""The plane of two inputs, in NumPy: the span to plot for each input, and where a value over
a grid of the plane crosses a level (the decision boundary's contour). No Qt: the boundary view
draws what these return, and tests check them alone."""
from __future__ import annotations

import numpy as np


def threshold_segments(values: np.ndarray, xs: np.ndarray, ys: np.ndarray, level: float):
    """Marching squares, vectorised: where `values[ix, iy]` crosses `level`, as (x, y) arrays
    of segment end points for a curve drawn with connect="pairs"."""
    v = np.asarray(values, np.float64) - level
    above = v > 0
    crosses_x = above[:-1, :] != above[1:, :]  # edge (i, j)-(i+1, j)
    crosses_y = above[:, :-1] != above[:, 1:]  # edge (i, j)-(i, j+1)
    # Per cell: bottom, left, top, right edge; crossings pair up in this order.
    masks = np.stack([crosses_x[:, :-1], crosses_y[:-1, :], crosses_x[:, 1:],
                      crosses_y[1:, :]], -1)
    ci, cj = np.nonzero(masks.any(-1))  # only the cells the contour passes through
    masks = masks[ci, cj]

    def cut(a, b):  # fraction of the way from a to b where the value crosses zero
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.clip(np.nan_to_num(a / (a - b), nan=0.5), 0.0, 1.0)

    def along_x(i, j):
        return xs[i] + cut(v[i, j], v[i + 1, j]) * (xs[i + 1] - xs[i]), ys[j]

    def along_y(i, j):
        return xs[i], ys[j] + cut(v[i, j], v[i, j + 1]) * (ys[j + 1] - ys[j])

    px, py = np.empty((len(ci), 4)), np.empty((len(ci), 4))
    for k, (x, y) in enumerate((along_x(ci, cj), along_y(ci, cj), along_x(ci, cj + 1),
                                along_y(ci + 1, cj))):
        px[:, k], py[:, k] = x, y
    order = np.argsort(~masks, axis=1, kind="stable")  # crossing edges first
    px, py = np.take_along_axis(px, order, 1), np.take_along_axis(py, order, 1)
    count = masks.sum(1)
    two, four = count >= 2, count == 4
    return (np.concatenate([px[two, :2].ravel(), px[four, 2:].ravel()]),
            np.concatenate([py[two, :2].ravel(), py[four, 2:].ravel()]))


def plane_range(dataset, axis: int) -> tuple[float, float]:
    """The span to plot for input `axis`: the dataset's own, else the data plus 10 %."""
    if dataset.plot_range and len(dataset.plot_range) > axis:
        return tuple(dataset.plot_range[axis])
    column = np.concatenate([dataset.x_train[:, axis], dataset.x_val[:, axis]])
    low, high = float(column.min()), float(column.max())
    margin = 0.1 * (high - low) or 0.5
    return low - margin, high + margin
