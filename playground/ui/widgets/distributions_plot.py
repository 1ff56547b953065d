"""Distributions through training: a chosen layer's weights, activations or gradients as one
histogram line per kept epoch (pale early, dark late; epoch 0 dashed grey for comparison), on
shared bins (core/inspection/distributions.py)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.core.inspection.distributions import (KINDS, MAX_ROWS, layer_values,
                                                      shared_histograms)

#: Epochs drawn at most (evenly picked from the kept snapshots, the first and last always).
MAX_LINES = 10
BINS = 40
#: Lines made at most per redraw (a line's first drawing costs a few ms): more follow in the
#: next event-loop turns, until every epoch picked has its line.
NEW_LINES_PER_TURN = 2


class DistributionsPlot(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.layer = QComboBox(objectName="distributions_layer")
        self.layer.setToolTip("The layer whose values are counted")
        self.kind = QComboBox(objectName="distributions_kind")
        self.kind.addItems(KINDS)
        self.kind.setToolTip(
            f"weights: the layer's kernel. activations: its units' outputs on up to {MAX_ROWS} "
            "training rows (fewer for a wide network). gradients: how the training loss (with "
            "its L1/L2 penalty) changes with each of the layer's weights on those rows: the "
            "push each weight gets. Gradients that shrink toward 0 in the early layers while "
            "the later ones stay wide are vanishing gradients: those layers barely learn")
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("distributions_plot")
        self.plot.setLabel("left", "share of values")
        self.plot.setMinimumHeight(90)
        self.plot.setToolTip("One histogram per kept epoch: pale early, dark late; epoch 0 "
                             "dashed grey. Weights spreading out are learning; activations "
                             "piled at ±1 (tanh) or 0 (ReLU) are saturated or dead; "
                             "gradients narrowing to a spike at 0 have vanished (or the "
                             "network has learnt the data)")
        self.lines: list = []  # the lines drawn, one per epoch shown
        self._pool: list = []  # every line made: the spare ones hidden, kept for later
        self.epochs_shown: list[int] = []
        self._values: dict[tuple, np.ndarray] = {}  # (epoch, layer, kind) -> values, kept
        self._source = None
        top = QHBoxLayout()
        top.addWidget(QLabel("Distribution of"))
        top.addWidget(self.kind)
        top.addWidget(self.layer, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        self.layer.currentIndexChanged.connect(self._redraw)
        self.kind.currentIndexChanged.connect(self._redraw)

    def clear_run(self) -> None:
        """A new run: its lines are emptied, not removed (made again, they cost milliseconds;
        the next redraw adds or removes lines as the kept epochs need)."""
        self.forget()
        for line in self._pool:
            line.setData([], [])

    def forget(self) -> None:
        """Forget the values measured (a new run's epochs count from 0 again)."""
        self._values, self._source = {}, None

    def show_history(self, session) -> None:
        self._source = session
        self._redraw()

    def _redraw(self, *_args) -> None:
        session = self._source
        if session is None or session.dataset is None:
            return
        epochs, snapshots = session.history.weights_history()
        if not snapshots:
            return
        count = len(snapshots[-1]) // 2
        if self.layer.count() != count:
            self.layer.blockSignals(True)
            self.layer.clear()
            self.layer.addItems([f"hidden {i + 1}" for i in range(count - 1)] + ["output"])
            self.layer.blockSignals(False)
        layer, kind = max(self.layer.currentIndex(), 0), self.kind.currentText()
        dataset = session.dataset
        rows = dataset.x_train[:MAX_ROWS]
        # What the loss compares with: a regression's targets standardised, as training does.
        labels = dataset.scaled_targets(dataset.labels_train[:MAX_ROWS]) \
            if kind == "gradients" else None
        wanted = min(MAX_LINES, len(epochs))
        shown = min(wanted, len(self._pool) + NEW_LINES_PER_TURN)
        if shown < wanted:  # the rest in the turns after this one
            session.in_turn(self._redraw)
        picks = sorted(set(np.linspace(0, len(epochs) - 1, shown).round().astype(int)))
        values = []
        for i in picks:
            key = (int(epochs[i]), layer, kind)
            if key not in self._values:
                self._values[key] = layer_values(snapshots[i], session.activations, layer,
                                                 kind, rows, experiment=session.experiment,
                                                 labels=labels)
            values.append(self._values[key])
        edges, shares = shared_histograms(values, BINS)
        centres = (edges[:-1] + edges[1:]) / 2
        self.epochs_shown = [int(epochs[i]) for i in picks]
        # Lines are kept and updated; spare ones hidden, not removed: making a line costs ~2 ms,
        # and a new run would remove and make again up to MAX_LINES of them.
        while len(self._pool) < len(shares):
            self._pool.append(self.plot.plot())
        for spare in self._pool[len(shares):]:
            spare.setVisible(False)
        self.lines = self._pool[:len(shares)]
        for line in self.lines:
            line.setVisible(True)
        for n, (line, epoch, share) in enumerate(zip(self.lines, self.epochs_shown, shares)):
            shade = int(200 - 170 * (n + 1) / len(values))
            look = "epoch 0" if epoch == 0 else (shade, n == len(values) - 1)
            if getattr(line, "look", None) == look:  # the same pen: only the data is updated
                line.setData(centres, share)
                continue
            line.look = look
            line.setData(centres, share, pen=_pen(look))
        label = (f"{kind} of {self.layer.currentText()} (epochs {self.epochs_shown[0]:,}–"
                 f"{self.epochs_shown[-1]:,})")
        if label != self.plot.getPlotItem().getAxis("bottom").labelText:  # a costly re-layout
            self.plot.setLabel("bottom", label)


def _pen(look):
    """Epoch 0 dashed grey; later epochs pale to dark blue, the newest one bluest."""
    if look == "epoch 0":
        return pg.mkPen("#888888", width=1.5, style=Qt.DashLine)
    shade, newest = look
    return pg.mkPen((shade, shade, 255 if newest else 230), width=1.5)
