"""Gridded plots: opaque grid lines (fast to draw) that look like pyqtgraph's translucent ones."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QImage, QPainter

from playground.ui.widgets.grid_plot import grid_plot


def rendered(plot) -> np.ndarray:
    plot.resize(420, 240)
    plot.setXRange(0, 500, padding=0)
    plot.setYRange(0, 1, padding=0)
    plot.setLabel("bottom", "epoch")
    plot.plot(np.arange(500), np.linspace(0.9, 0.1, 500), pen=pg.mkPen("#1f77b4", width=2))
    image = QImage(420, 240, QImage.Format_RGB32)
    painter = QPainter(image)
    plot.render(painter)
    painter.end()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(240, 420, 4)[..., :3]
    return pixels.astype(int)


def test_grid_lines_are_opaque_and_look_like_pyqtgraphs(qtbot):
    ours = grid_plot(alpha=0.25)
    stock = pg.PlotWidget(background="w")
    stock.showGrid(x=True, y=True, alpha=0.25)
    for plot in (ours, stock):
        qtbot.addWidget(plot)
    mine, theirs = rendered(ours), rendered(stock)
    # Every line the axes draw is opaque: Qt's raster engine draws translucent lines ~20×
    # slower, and each axis redraws its grid whenever its range moves.
    for side in ("left", "bottom"):
        axis = ours.getAxis(side)
        specs = axis.generateDrawSpecs(QPainter())
        assert specs[1] and all(pen.color().alpha() == 255 for pen, _a, _b in specs[1])
    # The same picture: grid lines of the same shade where they are. They differ only where
    # translucent lines overlapped (crossings, and a doubled line along the bottom edge, which
    # came out darker) and where pyqtgraph's grid was drawn over the curve, not under it.
    difference = np.abs(mine - theirs).max(axis=2)
    grid = (theirs < 250).any(axis=2)
    assert grid.mean() > 0.05  # there is a grid to compare: without one, all of it differs
    assert np.mean(difference > 8) < 0.02 and np.mean(difference) < 1.0
