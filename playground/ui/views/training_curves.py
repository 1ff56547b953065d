"""Loss and the task's metric per epoch, training and held out, created once and fed with setData.

The second chart shows the run's headline metric: accuracy on a fixed 0..1 axis for
classification; R² for regression, on an axis that spans the curve (down to -1 at most: below
that a model is far worse than a flat line, and the rest of the curve would be squeezed flat).
The held-out curve is named from the trainer's policy in its reports ("validation" or "test").
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from playground.core.inspection.batch_curve import BatchCurve
from playground.core.inspection.metrics import metric_label
from playground.ui.widgets.grid_plot import grid_plot, thin_long_curves
from playground.ui.widgets.live_range import LiveRange

TRAIN_PEN = pg.mkPen("#1f77b4", width=2)
VAL_PEN = pg.mkPen("#ff7f0e", width=2)
HAND_BRUSH = pg.mkBrush("#2ca02c")
HAND_LABEL = "weights set by hand"
#: Within the epoch (issue 17): per chunk of batches, smoothed as TensorBoard does.
BATCH_PEN = pg.mkPen("#9ecae1", width=1)
#: With L1/L2 on, the penalty beside the data loss (training minimises their sum).
PENALTY_PEN = pg.mkPen("#9467bd", width=2, style=Qt.DashLine)
PENALTY_LABEL = "L1/L2 penalty"
#: Each chart's least height: below it tick labels overlap (the window scrolls no further).
MIN_PLOT_HEIGHT = 140
#: The lowest R² the metric chart reaches down to.
R2_FLOOR = -1.0
TITLES = {"accuracy": "Accuracy", "r2": "R²"}
#: What a title means, on hover (a long title ran under the legend in the title row).
TITLE_TIPS = {"r2": "R²: 1 is a perfect fit; 0 is no better than always answering the mean"}


def headline_metric(names) -> str:
    """The metric the second chart shows, of a run's `metric_names`."""
    for name in ("accuracy", "r2"):
        if name in names:
            return name
    return names[0] if names else "accuracy"


class TrainingCurves(QWidget):
    title = "Loss and accuracy"
    area = "top"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("training_curves")
        self.loss_plot = grid_plot(title="Loss")
        self.metric_plot = grid_plot(title="Accuracy")
        self.accuracy_plot = self.metric_plot  # its name before the metric followed the task
        self.loss_plot.setObjectName("lossPlot")
        self.metric_plot.setObjectName("accuracyPlot")
        for plot in (self.loss_plot, self.metric_plot):
            plot.setMinimumHeight(MIN_PLOT_HEIGHT)  # readable ticks, even at 1366×768
        #: The history metric the second chart shows ("accuracy", "r2").
        self.metric = "accuracy"
        self.curves = {}
        self.legends = {}
        self.hand_marks: dict[str, pg.PlotDataItem] = {}  # "loss", "metric"
        self.batch_lines = {}
        self.batch_curve = BatchCurve()
        for plot, key in ((self.loss_plot, "loss"), (self.metric_plot, "metric")):
            plot.setLabel("bottom", "epoch")
            plot.getAxis("bottom").whole_numbers = True
            legend = plot.addLegend(colCount=2, verSpacing=-6, labelTextSize="8pt")
            legend.layout.setContentsMargins(0, 0, 0, 0)
            # In the title row, right of the title: outside the data, never over a curve.
            legend.setParentItem(plot.getPlotItem())
            legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-6, 0))
            self.curves[key] = plot.plot(pen=TRAIN_PEN, name="training")
            # The held-out curve joins the legend only when there is held-out data.
            self.curves["val_" + key] = plot.plot(pen=VAL_PEN)
            self.legends["val_" + key] = legend
            # Weights set by hand: a point of their own, not a vertical jump from the last.
            marks = plot.plot(pen=None, symbol="d", symbolSize=10, symbolPen="k",
                              symbolBrush=HAND_BRUSH)
            self.hand_marks[key] = marks
            # Under the epoch curves: from the first seconds of a long epoch, a line per batch.
            self.batch_lines[key] = plot.plot(pen=BATCH_PEN)  # in no legend: the tooltip says
            self.batch_lines[key].setZValue(-1)
            plot.setToolTip("Thick lines: one point per epoch. Thin pale line: the training "
                            "numbers per chunk of batches within the epoch, smoothed as "
                            "TensorBoard does (x in fractions of an epoch).")
        self.penalty_curve = self.loss_plot.plot(pen=PENALTY_PEN)  # in the legend when drawn
        for plot in (self.loss_plot, self.metric_plot):
            thin_long_curves(plot)  # long runs: ~a vertex a pixel, only what is in view
        self._metric_range: tuple[float, float] | None = None
        self._show_metric("accuracy")
        self.metric_plot.setXLink(self.loss_plot)
        self.metric_plot.getPlotItem().getViewBox().disableAutoRange(axis="x")
        self.loss_range = LiveRange(self.loss_plot, grow_y=True,  # x for both (linked)
                                    linked=(self.metric_plot,), in_turn=session.in_turn)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.loss_plot)
        layout.addWidget(self.metric_plot)
        session.run_started.connect(self.clear)
        session.history_changed.connect(self.refresh)
        session.batch_progress.connect(self.add_batch)

    def clear(self) -> None:
        self.loss_range.reset()
        for curve in self.curves.values():
            curve.setData([], [])
        for name, legend in self.legends.items():
            legend.removeItem(self.curves[name])
        for key, marks in self.hand_marks.items():
            marks.setData([], [])
            self.legends["val_" + key].removeItem(marks)
        self._r2_seen = (0, np.inf)
        self._metric_range = None
        self.penalty_curve.setData([], [])
        self.legends["val_loss"].removeItem(self.penalty_curve)
        self.batch_curve.clear()
        for line in self.batch_lines.values():
            line.setData([], [])

    def add_batch(self, progress) -> None:
        """A chunk of batches within an epoch: the smoothed per-batch lines grow (x in epochs)."""
        self.batch_curve.metric = self.metric
        if not self.batch_curve.add(progress):
            return
        steps, loss, values = self.batch_curve.arrays()
        self.batch_lines["loss"].setData(steps, loss, connect="finite")
        self.batch_lines["metric"].setData(steps, values, connect="finite")
        self.loss_range.update(self.session.target_epoch)

    def refresh(self) -> None:
        history = self.session.history
        metric = headline_metric(history.metric_names)
        if metric != self.metric:
            self._show_metric(metric)
        epochs = history.epochs
        names = {"loss": "loss", "val_loss": "val_loss", "metric": metric,
                 "val_metric": "val_" + metric}
        # A report at an epoch already drawn comes from weights set by hand (or edited).
        hand = np.flatnonzero(np.diff(epochs) <= 0) + 1 if len(epochs) > 1 else []
        for key, marks in self.hand_marks.items():
            values = history.metric(names[key])
            marks.setData(epochs[hand], values[hand]) if len(hand) else marks.setData([], [])
            legend = self.legends["val_" + key]
            listed = any(sample.item is marks for sample, _ in legend.items)
            if len(hand) and not listed:
                legend.addItem(marks, HAND_LABEL)
            elif listed and not len(hand):
                legend.removeItem(marks)
        for key, curve in self.curves.items():
            values = history.metric(names[key])
            if len(hand):  # break the line before each hand-set point
                values = np.insert(values.astype(float), hand, np.nan)
            if key.startswith("val_"):
                if not np.isfinite(values).any():
                    curve.setData([], [])
                    continue
                legend = self.legends[key]
                if not any(sample.item is curve for sample, _ in legend.items):
                    legend.addItem(curve, history.held_out or "validation")
            # Keep the curve drawable after divergence: inf/NaN points are simply not drawn.
            curve.setData(np.insert(epochs, hand, epochs[hand]) if len(hand) else epochs,
                          values, connect="finite")
        self._draw_penalty(history.metric("penalty"), epochs)
        if metric == "r2":
            self._fit_r2(history)
        self.loss_range.update(self.session.target_epoch)

    def _draw_penalty(self, penalty: np.ndarray, epochs: np.ndarray) -> None:
        """The penalty where measured (each report's last epoch), joined into one line."""
        measured = np.isfinite(penalty)
        legend = self.legends["val_loss"]
        listed = any(sample.item is self.penalty_curve for sample, _ in legend.items)
        if measured.any():
            self.penalty_curve.setData(epochs[measured], penalty[measured])
            if not listed:
                legend.addItem(self.penalty_curve, PENALTY_LABEL)
        elif listed:
            self.penalty_curve.setData([], [])
            legend.removeItem(self.penalty_curve)

    @property
    def held_out_label(self) -> str:
        """The held-out curve's name in the legend ("" while none is shown)."""
        legend = self.legends["val_loss"]
        return next((label.text for sample, label in legend.items
                     if sample.item is self.curves["val_loss"]), "")

    # ----- the metric chart's axis -----
    def _show_metric(self, metric: str) -> None:
        self.metric = metric
        item = self.metric_plot.getPlotItem()
        item.setTitle(TITLES.get(metric, metric_label(metric)))
        self.metric_plot.setToolTip(TITLE_TIPS.get(metric, ""))
        self._metric_range = None
        self._r2_seen = (0, np.inf)  # (epochs looked at, lowest R² among them)
        if metric == "accuracy":
            item.setLimits(yMin=-0.05, yMax=1.1)
            self.metric_plot.setYRange(0, 1.02)
        else:
            item.setLimits(yMin=None, yMax=None)

    def _fit_r2(self, history) -> None:
        seen, low = self._r2_seen
        if len(history) < seen:  # a new history: look again from the start
            seen, low = 0, np.inf
        for name in ("r2", "val_r2"):  # only the epochs not seen yet: runs can be long
            values = history.metric(name)[seen:]
            values = values[np.isfinite(values)]
            if len(values):
                low = min(low, float(values.min()))
        self._r2_seen = (len(history), low)
        if not np.isfinite(low):
            return
        wanted = (min(max(low, R2_FLOOR), 0.0) - 0.05, 1.05)
        if wanted != self._metric_range:
            self._metric_range = wanted
            self.metric_plot.setYRange(*wanted, padding=0)
