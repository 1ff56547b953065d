"""The Outputs tab's "Try an input" row: one typed input, its answer at the shown epoch, its curve.

Kept apart from the table (outputs.py) because it has its own state: the row typed, which data
it was typed for (it is cleared when other data opens, never carried over), and the outputs it
had at each kept weight snapshot, each computed once with `core.forward`, never the live model.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from playground.core.inspection.forward import forward
from playground.core.inspection.metrics import (class_label, is_multiclass, predicted_classes,
                                                shown_output)
from playground.ui.views.output_rows import parse_input
from playground.ui.widgets.note import clear_tone, set_tone

#: More inputs than this cannot sensibly be typed on one line.
MAX_TYPED_INPUTS = 10


class TryInput(QWidget):
    """A line to type one input row and what the network answers for it."""

    #: The typed row changed (its curve must be drawn again, or taken away).
    changed = Signal()

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.row: np.ndarray | None = None
        self._cache: dict[int, float] = {}  # snapshot epoch -> output, thinned with history
        self._data: tuple | None = None  # (dataset, inputs) the typed row is for
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("e.g. 1, 1  or  0.3 0.1")
        self.edit.setToolTip("Type one input row, numbers separated by commas or spaces, "
                             "to see what the network answers for it")
        self.edit.textChanged.connect(self._typed)
        self.result = QLabel()
        self.result.setObjectName("input_result")
        self.result.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Try an input"))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.result, 2)

    def start(self) -> None:
        """A new model: forget the kept outputs; other data clears the row typed for the last."""
        s = self.session
        dataset = s.dataset
        self.edit.setEnabled(dataset.n_inputs <= MAX_TYPED_INPUTS)
        if dataset.n_inputs > MAX_TYPED_INPUTS:
            self.edit.setPlaceholderText(f"{dataset.n_inputs} inputs: too many to type")
        self._cache.clear()
        data = (s.experiment.dataset, dataset.n_inputs)
        if data != self._data:  # a typed row belongs to the data it was typed for
            self._data = data
            with QSignalBlocker(self.edit):
                self.edit.clear()
        self._parse(self.edit.text())

    def _typed(self, text: str) -> None:
        self._parse(text)
        self.changed.emit()

    def _parse(self, text: str) -> None:
        self._cache.clear()
        self.row = None
        dataset = self.session.dataset
        if not text.strip() or dataset is None:
            self.result.setText("")
            return
        self.row, error = parse_input(text, dataset.n_inputs)
        if error:
            set_tone(self.result, "error")  # readable in the light and the dark theme
            self.result.setText(error)

    def show_at(self, shown_epoch: int) -> tuple[list, list]:
        """Say the answer at `shown_epoch`; (epochs, outputs) of the row through the kept
        weights, for its curve (empty without a valid row or weights)."""
        s, row = self.session, self.row
        if row is None or not s.history.latest_weights:
            return [], []
        epochs, snapshots = s.history.weights_history()
        # Weights are kept once a report: use the snapshot nearest the shown epoch.
        epoch, weights = s.history.weights_at(shown_epoch)
        out = s.dataset.in_data_units(forward(weights, s.activations, row[None]))
        value = float(shown_output(out, s.encoding)[0])
        cls = 0 if s.dataset.is_regression else int(predicted_classes(out, s.encoding,
                                                                       s.threshold)[0])
        when = (f"at epoch {epoch:,}" if epoch == shown_epoch else
                f"with the weights of epoch {epoch:,}, the closest recorded to "
                f"{shown_epoch:,}")
        clear_tone(self.result)
        meaning = "" if s.dataset.is_regression else \
            f" → class <b>{class_label(s.dataset, s.encoding, cls)}</b>"
        self.result.setText(f"output <b>{value:.4f}</b>{meaning} {when}")
        # The curve through the recorded weights (at most 500 snapshots), each computed once.
        unit = cls if is_multiclass(s.encoding) else 0
        cache, units = self._cache, s.dataset.in_data_units
        values = [cache[e] if e in cache else
                  float(units(forward(w, s.activations, row[None]))[0, unit])
                  for e, w in zip(epochs, snapshots)]
        self._cache = dict(zip(epochs, values))  # thinned with the history
        return epochs, values
