"""Loss and accuracy per epoch, training and held-out (validation, or test for images without a
validation split), created once and fed with setData."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from playground.ui.widgets.grid_plot import grid_plot
from playground.ui.widgets.live_range import LiveRange

TRAIN_PEN = pg.mkPen("#1f77b4", width=2)
VAL_PEN = pg.mkPen("#ff7f0e", width=2)


class TrainingCurves(QWidget):
    title = "Loss and accuracy"
    area = "top"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("training_curves")
        self.loss_plot = grid_plot(title="Loss")
        self.accuracy_plot = grid_plot(title="Accuracy")
        self.curves = {}
        self.legends = {}
        for plot, metric in ((self.loss_plot, "loss"), (self.accuracy_plot, "accuracy")):
            plot.setLabel("bottom", "epoch")
            legend = plot.addLegend(offset=(-10, 10))
            item = plot.getPlotItem()
            item.setDownsampling(auto=True, mode="peak")
            item.setClipToView(True)
            self.curves[metric] = plot.plot(pen=TRAIN_PEN, name="training")
            # The validation curve joins the legend only when there is validation data.
            self.curves["val_" + metric] = plot.plot(pen=VAL_PEN)
            self.legends["val_" + metric] = legend
        self.accuracy_plot.setYRange(0, 1.02)
        self.accuracy_plot.getPlotItem().setLimits(yMin=-0.05, yMax=1.1)
        self.accuracy_plot.setXLink(self.loss_plot)
        self.accuracy_plot.getPlotItem().getViewBox().disableAutoRange(axis="x")
        self.loss_range = LiveRange(self.loss_plot, grow_y=True,  # x for both (linked)
                                    linked=(self.accuracy_plot,))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.loss_plot)
        layout.addWidget(self.accuracy_plot)
        session.run_started.connect(self.clear)
        session.history_changed.connect(self.refresh)

    def clear(self) -> None:
        self.loss_range.reset()
        for curve in self.curves.values():
            curve.setData([], [])
        for name, legend in self.legends.items():
            legend.removeItem(self.curves[name])

    def refresh(self) -> None:
        history = self.session.history
        epochs = history.epochs
        for name, curve in self.curves.items():
            values = history.metric(name)
            if name.startswith("val_"):
                if not np.isfinite(values).any():
                    curve.setData([], [])
                    continue
                legend = self.legends[name]
                if not any(sample.item is curve for sample, _ in legend.items):
                    held_out = self.session.dataset.held_out if self.session.dataset else ""
                    legend.addItem(curve, held_out or "validation")
            # Keep the curve drawable after divergence: inf/NaN points are simply not drawn.
            curve.setData(epochs, values, connect="finite")
        self.loss_range.update(self.session.target_epoch)
