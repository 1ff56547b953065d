"""The Outputs tab's chart: each chosen input's output through training, one curve a row.

Kept apart from the table (views/outputs.py) because it is a plot with its own items, made
once and fed with `setData` (DESIGN: views are thin and persistent): up to eight row curves,
the typed input's dotted curve, the threshold and the shown epoch as lines to drag, and a
legend beside the data, never over the curves' ends.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy

from playground.ui.widgets.grid_plot import grid_plot, thin_long_curves
from playground.ui.widgets.live_range import LiveRange

#: A red that reads on white and on the dark theme's near-black (>= 3:1 against both).
THRESHOLD_PEN = pg.mkPen("#e8384f", width=1.5, style=Qt.DashLine)
THRESHOLD_LABEL = "threshold"
CURVE_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f")


class PerInputCurves:
    """The chart (`plot`, a PlotWidget) and its items; the view says what to draw."""

    def __init__(self, in_turn=None):
        """`in_turn(job)`: the session's, to set a grown x range in a turn of its own."""
        self.plot = chart = grid_plot()
        chart.setLabel("bottom", "epoch")
        chart.getAxis("left").enableAutoSIPrefix(False)
        item = chart.getPlotItem()
        chart.setTitle("Output of each input through training", size="10pt")
        # Right of the data, in the plot's own layout: never over the curves' ends.
        self.legend = pg.LegendItem(labelTextSize="8pt", labelTextColor="#222",
                                    brush="#ffffffd0")
        # Beside the data and the epoch axis (two rows): five entries in the data's row alone
        # made the layout taller than a short chart, and the "epoch" label fell off its bottom.
        item.layout.addItem(self.legend, 2, 3, 2, 1)
        self.legend.setSizePolicy(QSizePolicy.Maximum, QSizePolicy.Maximum)  # rows kept tight
        item.layout.setAlignment(self.legend, Qt.AlignTop | Qt.AlignLeft)
        item.legend = self.legend
        self._legend_names: list[str] = []
        self.curves = [chart.plot(pen=pg.mkPen(c, width=2)) for c in CURVE_COLOURS]
        # Dots: the typed input is evaluated only where weights were recorded (once a report).
        self.typed_curve = chart.plot(pen=pg.mkPen("k", width=1.5, style=Qt.DashLine),
                                      symbol="o", symbolSize=4, symbolBrush="k")
        # Named in the legend, not by a label on the line: that sat over the curves, and its
        # dark red was unreadable on the dark theme's background.
        self.threshold_line = pg.InfiniteLine(angle=0, movable=True, pen=THRESHOLD_PEN)
        self.threshold_sample = pg.PlotDataItem(pen=THRESHOLD_PEN)  # the legend's, not drawn
        self.threshold_line.setToolTip("The class threshold: drag it to move it")
        self.epoch_line = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen("#555", width=1))
        self.epoch_line.setToolTip("The epoch the table shows: drag it to go back in time")
        for line in (self.threshold_line, self.epoch_line):
            chart.addItem(line, ignoreBounds=True)
        thin_long_curves(chart)  # long runs: ~a vertex a pixel, only what is in view
        self.range = LiveRange(chart, grow_y=False, in_turn=in_turn)

    def start(self, y_label: str, y_range: tuple[float, float] | None) -> None:
        """A new model: its output's name, and its range when bounded (None: follow the data)."""
        self.plot.setLabel("left", y_label)
        # Bounded outputs keep their whole range in view: 0.50 for ever should look flat.
        if y_range is not None:
            low, high = y_range
            self.plot.setYRange(low - 0.03 * (high - low), high + 0.03 * (high - low),
                                padding=0)
        else:
            self.plot.enableAutoRange(axis="y")
        self.range.reset()

    def show(self, epochs, series: list[np.ndarray], names: list[str],
             target_epoch: int) -> None:
        """One curve per array of `series` (at `epochs`), the rest empty; `names` label them
        and then the typed curve, when there is one."""
        for i, curve in enumerate(self.curves):
            if i < len(series):
                curve.setData(np.asarray(epochs), series[i])
            elif curve.xData is not None and len(curve.xData):  # empty ones stay untouched
                curve.setData([], [])
        self.range.update(target_epoch)
        listed = names + [THRESHOLD_LABEL] * self.threshold_line.isVisible()
        if listed != self._legend_names:  # rebuilding the legend is slow: only on a change
            self._legend_names = listed
            self.legend.clear()
            for item, name in zip(self.curves[:len(series)] + [self.typed_curve], names):
                self.legend.addItem(item, name)
            if self.threshold_line.isVisible():
                self.legend.addItem(self.threshold_sample, THRESHOLD_LABEL)

    def forget_legend(self) -> None:
        """Other rows are listed: build the legend afresh at the next `show`."""
        self._legend_names = []
