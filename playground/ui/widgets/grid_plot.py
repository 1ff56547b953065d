"""Plots with a grid drawn in opaque lines, under the data.

pyqtgraph draws a grid as the axes' tick lines extended across the plot, in the axis pen with a
low alpha. Qt's raster engine draws translucent lines about twenty times slower than opaque
ones (40 lines across a 500×220 image: 3.8 ms against 0.16 ms here), and an axis redraws its grid
whenever its range changes: with four gridded plots that was most of the slowest frames while
training (benchmarks/bench_gui.py). Each line's colour is therefore mixed with the plot's
background beforehand, which looks the same with an opaque pen, and the axes go under the view
box, so that an opaque grid line never cuts through a curve (translucent ones only tinted it).
Opaque lines cover each other where they cross, so lines too faint to see (pyqtgraph fades the
finest ticks to almost nothing, every few pixels) are left out, and fainter lines are drawn
first.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPen


#: Pixels between a side axis's label and its tick labels.
LABEL_GAP = 4
#: Tick lines fainter than this (alpha) are not drawn: mixed, they differ from the background by
#: less than ~3 %.
FAINTEST = 0.03


class GridAxis(pg.AxisItem):
    """An axis whose tick and grid lines are opaque, mixed against `background`."""

    def __init__(self, orientation: str, background="w", **kwargs):
        super().__init__(orientation, **kwargs)
        self.background = pg.mkColor(background)
        self._opaque: dict[tuple, QPen] = {}  # (rgba, width) of a translucent pen -> its mix
        #: Ticks at whole numbers only (an epoch axis: no "epoch 0.5" on a 3-epoch run).
        self.whole_numbers = False

    def _updateWidth(self):  # noqa: N802 (pyqtgraph's name)
        # pyqtgraph leaves 0.8 of a side label's height: "P(class 1)" touched the tick labels.
        super()._updateWidth()
        if self.orientation in ("left", "right") and self.label.isVisible() \
                and self.fixedWidth is None:
            width = self.minimumWidth() + 0.2 * self.label.boundingRect().height() + LABEL_GAP
            self.setMaximumWidth(width)
            self.setMinimumWidth(width)

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803 (pyqtgraph's names)
        levels = super().tickSpacing(minVal, maxVal, size)
        if not self.whole_numbers:
            return levels
        return [(spacing, offset) for spacing, offset in levels if spacing >= 1] or [(1, 0)]

    def generateDrawSpecs(self, p):  # noqa: N802 (pyqtgraph's name)
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis_spec, tick_specs, text_specs = specs
        visible = [spec for spec in tick_specs if spec[0].color().alphaF() >= FAINTEST]
        visible.sort(key=lambda spec: spec[0].color().alphaF())  # the strongest lines on top
        return axis_spec, [(self.opaque(pen), a, b) for pen, a, b in visible], text_specs

    def opaque(self, pen: QPen) -> QPen:
        color = pen.color()
        alpha = color.alphaF()
        if alpha >= 1.0:
            return pen
        key = (color.rgba(), pen.widthF())
        mixed = self._opaque.get(key)
        if mixed is None:
            back = self.background

            def mix(front: float, behind: float) -> float:
                return front * alpha + behind * (1.0 - alpha)

            mixed = QPen(pen)
            mixed.setColor(QColor.fromRgbF(mix(color.redF(), back.redF()),
                                           mix(color.greenF(), back.greenF()),
                                           mix(color.blueF(), back.blueF())))
            self._opaque[key] = mixed
        return mixed


def grid_plot(title: str | None = None, background="w", alpha: float = 0.25,
              **kwargs) -> pg.PlotWidget:
    """A PlotWidget on `background` with an x and y grid of strength `alpha` (as showGrid)."""
    plot = pg.PlotWidget(title=title, background=background,
                         axisItems={side: GridAxis(side, background)
                                    for side in ("left", "bottom")}, **kwargs)
    plot.showGrid(x=True, y=True, alpha=alpha)
    for side in ("left", "bottom"):
        # Under the view box (its parent's child), so the data is drawn over the grid.
        plot.getAxis(side).setZValue(-0.5)
    return plot


#: Bins per pixel column when a long curve is thinned (pyqtgraph's auto-downsampling factor):
#: 0.5 is one min/max pair per 2 px, about a vertex a pixel. Its default, 5, left 2,000 epochs
#: on a 450 px chart at every point, and wide pens draw each segment slowly (~3 ms a curve).
SAMPLES_FACTOR = 0.5


def thin_long_curves(plot: pg.PlotWidget) -> None:
    """Draw the plot's curves as at most about a vertex per pixel, only what is in view; each
    bin keeps its lowest and highest point ("peak"), so a spike still shows."""
    item = plot.getPlotItem()
    item.setDownsampling(auto=True, mode="peak")
    item.setClipToView(True)
    for curve in item.listDataItems():
        curve.opts["autoDownsampleFactor"] = SAMPLES_FACTOR
