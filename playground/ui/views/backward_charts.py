"""The Backward pass tab's charts through training: each layer's gradient norm, how far its
kernel moves per epoch (|ΔW| / |W|), and the distributions of a layer's weights, activations or
gradients by epoch.

Each chart redraws in a step of its own (`steps()`): while a run streams in, the tab runs each
step in an event-loop turn of its own, so one paint pass draws one chart, not all three.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

from playground.ui.widgets.distributions_plot import DistributionsPlot
from playground.ui.widgets.update_size_plot import UpdateSizePlot

#: One colour per layer in the gradient-norm chart (input side first).
LAYER_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf", "#000000")


class BackwardCharts(QWidget):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.norms_plot = pg.PlotWidget(background="w")
        self.norms_plot.setObjectName("backward_gradient_norms")
        self.norms_plot.setLogMode(x=False, y=True)
        self.norms_plot.setLabel("left", "|∂L/∂W| per layer (log)")
        self.norms_plot.setLabel("bottom", "epoch")
        self.norms_plot.setMinimumHeight(90)
        self.norms_plot.setToolTip("The size of each layer's gradient on the whole training set "
                                   "after each epoch: a layer whose curve sinks far below the "
                                   "others learns slowly (vanishing gradients); one that shoots "
                                   "up, too fast (exploding)")
        # One point per epoch: a long run's curves are drawn from their peaks per pixel (20,000
        # points took ~35 ms a paint, ~10 ms so).
        self.norms_plot.setDownsampling(auto=True, mode="peak")
        self.norms_plot.setClipToView(True)
        self._norm_legend = self.norms_plot.addLegend(offset=(-10, 10))
        self.norm_curves: list = []
        self.update_plot = UpdateSizePlot()  # |ΔW| / |W| per layer, beside the gradients
        self.distributions = DistributionsPlot()  # histograms by epoch
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.norms_plot)
        layout.addWidget(self.update_plot)
        layout.addWidget(self.distributions)

    def clear_run(self) -> None:
        """A new run: its measures are forgotten now; each chart is emptied in a turn of its
        own (one paint pass emptying two charts was as long as drawing them)."""
        self.update_plot.sizes.clear()
        self.distributions.forget()
        self.session.in_turn(self.update_plot.clear_run)
        self.session.in_turn(self.distributions.clear_run)

    def steps(self) -> tuple:
        """The redraw, as steps that can each take an event-loop turn of their own."""
        return self.show_norms, self.show_update_sizes, self.show_distributions

    def show_all(self) -> None:
        for step in self.steps():
            step()

    def show_norms(self) -> None:
        """One curve per layer: the gradient norm after each recorded epoch."""
        epochs, columns = self.session.history.gradient_norms()
        if len(columns) != len(self.norm_curves):
            self.norms_plot.clear()
            self._norm_legend.clear()
            count = len(columns)
            self.norm_curves = [self.norms_plot.plot(
                pen=pg.mkPen(LAYER_COLOURS[i % len(LAYER_COLOURS)], width=2),
                name="output" if i == count - 1 else f"hidden {i + 1}") for i in range(count)]
        for curve, values in zip(self.norm_curves, columns):
            # A zero gradient (a dead layer) has no logarithm: drawn at the chart's floor.
            curve.setData(epochs, np.maximum(values, 1e-12))
        _settle(self.norms_plot)

    def show_update_sizes(self) -> None:
        self.update_plot.show_history(self.session.history)
        _settle(self.update_plot)

    def show_distributions(self) -> None:
        self.distributions.show_history(self.session)
        _settle(self.distributions.plot)


def _settle(plot: pg.PlotWidget) -> None:
    """Fit the chart's range to its new data now, not while it paints: pyqtgraph does it while
    painting and the change asks for a second paint pass, which then fell in the next chart's
    turn (two charts painted in one pass again)."""
    view = plot.getPlotItem().getViewBox()
    view.updateAutoRange()
    view.updateMatrix()
