"""What the network answers for each input: a table, the class threshold, the answers through time.

The table shows a set of rows at the epoch the slider picks, filterable to the wrong ones. By
default the probe rows (every row of a logic gate; the first 64 rows of larger data), whose
outputs `RunHistory` records: every epoch up to 2,000, then at most 2,000 evenly spaced. For
larger tabular data the user can pick another set instead (all training rows, the validation
rows, the test rows): those, like a typed input, are evaluated with `core.forward` on the
recorded weight snapshots (one per report, at most 500), never with the live model. The
threshold drives the session, so the boundary view re-classifies with it; nothing here retrains.
The table is `outputs_table`, the chart `widgets.per_input_curves`, the "Try an input" row
`try_input`.
"""
from __future__ import annotations


import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel,
                               QSlider, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from playground.core.inspection.forward import forward
from playground.core.inspection.metrics import is_multiclass, output_heading, threshold_range
from playground.core.inspection.metrics import classify  # noqa: F401 - tests import it here
from playground.ui.session import StreamedRedraw
# class_colours, describe_row and parse_input are also read from here (the boundary, tests).
from playground.ui.views.output_rows import (  # noqa: F401
    class_colours, describe_row, parse_input, row_sets, target_text)
from playground.ui.views.outputs_table import OutputsTable
from playground.ui.views.try_input import TryInput
from playground.ui.widgets.per_input_curves import PerInputCurves

#: Outputs of at most this many epochs are kept (RunHistory's default `max_snapshots`).
HISTORY_BOUND = 2000
#: While training, the table and chart redraw at most this often.
REFRESH_SECONDS = 0.1
DEFAULT_CURVES = 4
THRESHOLD_TIP = ("Outputs above this value count as class 1, the rest as class 0. Moving it "
                 "re-classifies at once, without training: the output and the class are two "
                 "things.")


# ----- the view ----------------------------------------------------------------------------------

class OutputsView(QWidget):
    title = "Outputs"
    area = "bottom"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("outputs_view")
        self.epochs: list[int] = []      # the epochs the slider can show
        self.shown_epoch = 0
        self.outputs: np.ndarray | None = None  # the outputs shown (rows × units)
        self.row_set = "probe"          # which rows the table lists (see `row_sets`)
        self.weights_epoch: int | None = None  # the weights behind a computed table
        # Curves of chosen non-probe rows: (row set, rows) -> {snapshot epoch: outputs}.
        self._rows_key: tuple | None = None
        self._rows_cache: dict[int, np.ndarray] = {}
        self._syncing = False
        self._build()
        session.run_started.connect(self.start)
        # While a run streams in, at most ~10 times a second: the table and chart cost more
        # than the curves above.
        self._streamed = StreamedRedraw(session, self.refresh, parent=self,
                                        pause=lambda: REFRESH_SECONDS)
        session.threshold_changed.connect(self.on_threshold)

    # ----- widgets -----
    def _build(self) -> None:
        self.threshold_spin = QDoubleSpinBox(decimals=3, singleStep=0.05)
        self.threshold_spin.setObjectName("threshold")
        self.threshold_spin.setRange(0.0, 1.0)
        self.threshold_spin.setValue(self.session.threshold)  # not 0.000 before the first model
        self.threshold_spin.setToolTip(THRESHOLD_TIP)
        self.threshold_spin.valueChanged.connect(self._threshold_edited)
        self.filter = QComboBox()
        self.filter.addItems(["All rows", "Wrong only", "Right only"])
        self.filter.setToolTip("Which rows the table lists")
        self.filter.currentIndexChanged.connect(lambda: (self._apply_filter(),
                                                         self._draw_curves()))
        self.rows_combo = QComboBox()
        self.rows_combo.setObjectName("row_set")
        self.rows_combo.setToolTip(
            "Which rows of the data to list. The sample of training rows is recorded every "
            "epoch; the other sets are computed from the weights kept at each report.")
        self.rows_combo.currentIndexChanged.connect(self._row_set_chosen)
        self.epoch_slider = QSlider(Qt.Horizontal)
        self.epoch_slider.setObjectName("epochSlider")
        self.epoch_slider.setToolTip(
            f"Show the outputs as they were at a recorded epoch: 0 = untrained. Every epoch is "
            f"kept until a run passes {HISTORY_BOUND:,}; then at most {HISTORY_BOUND:,}, "
            "evenly spaced.")
        self.epoch_slider.valueChanged.connect(self._slider_moved)
        self.epoch_spin = QSpinBox()
        self.epoch_spin.setToolTip("Type an epoch to show (the nearest recorded one at or "
                                   "before it is used)")
        self.epoch_spin.valueChanged.connect(self._spin_moved)
        self.follow = QCheckBox("Follow latest")
        self.follow.setChecked(True)
        self.follow.setToolTip("Keep showing the newest epoch while training")
        self.follow.toggled.connect(lambda on: on and self.show_epoch(self._latest()))
        self.epoch_note = QLabel()
        self.epoch_note.setObjectName("epoch_note")
        bar = QHBoxLayout()
        for widget in (QLabel("Threshold"), self.threshold_spin, self.rows_combo, self.filter,
                       QLabel("Epoch"), self.epoch_slider, self.epoch_spin, self.follow,
                       self.epoch_note):
            bar.addWidget(widget)
        bar.setStretch(5, 1)

        self.table = OutputsTable()
        self.table.itemSelectionChanged.connect(self._draw_curves)

        self.per_input = PerInputCurves(self.session.in_turn)
        # The chart's items, by the names the rest of the view (and its tests) use.
        self.chart, self.curves = self.per_input.plot, self.per_input.curves
        self.typed_curve = self.per_input.typed_curve
        self.threshold_line, self.epoch_line = (self.per_input.threshold_line,
                                                self.per_input.epoch_line)
        self.threshold_line.sigPositionChanged.connect(self._threshold_dragged)
        self.epoch_line.sigPositionChanged.connect(self._epoch_dragged)

        self.try_input = TryInput(self.session)
        self.input_edit, self.input_result = self.try_input.edit, self.try_input.result
        self.try_input.changed.connect(self._typed_changed)

        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setSizes([520, 480])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.try_input)

    # ----- a new model -----
    def start(self) -> None:
        s = self.session
        dataset = s.dataset
        sets = row_sets(s)
        with QSignalBlocker(self.rows_combo):
            self.rows_combo.clear()
            for key, (text, _x, _labels) in sets.items():
                self.rows_combo.addItem(text, key)
            keep = self.rows_combo.findData(self.row_set)  # a new seed keeps the choice
            self.rows_combo.setCurrentIndex(max(keep, 0))
        self.row_set = self.rows_combo.currentData()
        self.rows_combo.setVisible(len(sets) > 1)
        self._fill_rows()
        low, high = threshold_range(s.experiment.output)
        multiclass = is_multiclass(s.encoding)
        regression = dataset.is_regression
        with QSignalBlocker(self.threshold_spin):
            self.threshold_spin.setRange(low, high)
            self.threshold_spin.setValue(s.threshold)
        self.threshold_spin.setEnabled(not multiclass and not regression)
        self.threshold_spin.setToolTip(
            "A regression's output is its answer: there are no classes to cut" if regression
            else "With several classes the class is the most probable one: there is no "
            "threshold" if multiclass else THRESHOLD_TIP)
        self.threshold_line.setVisible(not multiclass and not regression)
        self.filter.setEnabled(not regression)  # no right or wrong, only an error
        if regression:
            self.filter.setCurrentIndex(0)
        bounded = s.experiment.output in ("sigmoid", "tanh", "softmax")
        self.per_input.start("P(right class)" if multiclass
                             else output_heading(s.experiment.output),
                             (low, high) if bounded else None)
        self.epochs, self.outputs = [], None
        self._rows_key = None
        self.follow.setChecked(True)
        self.try_input.start()
        self._typed_changed()
        self.refresh()

    def _fill_rows(self) -> None:
        """List the chosen rows: their inputs and targets (outputs follow in `show_epoch`)."""
        self.table.fill(self.session, self.row_set)

    # The listed rows, as the table holds them.
    columns = property(lambda self: self.table.columns)
    row_names = property(lambda self: self.table.row_names)
    rows_x = property(lambda self: self.table.rows_x)
    rows_labels = property(lambda self: self.table.rows_labels)

    def _row_set_chosen(self) -> None:
        key = self.rows_combo.currentData()
        if key is None or key == self.row_set or self.session.dataset is None:
            return
        self.row_set = key
        self._fill_rows()
        self.per_input.forget_legend()
        self.show_epoch(self.shown_epoch, follow=self.follow.isChecked())
        self._draw_curves()

    # ----- redraws -----
    def refresh(self) -> None:
        history = self.session.history
        if self.session.experiment is None or history.latest_outputs is None:
            self._set_epochs([0])
            self._show_outputs(None)
            return
        epochs = history.snapshot_epochs  # ends at the last epoch
        self._set_epochs(epochs)
        recorded = len(epochs)
        total = history.last_epoch + 1
        self.epoch_note.setText("every epoch kept" if recorded >= total else
                                f"{recorded:,} of {total:,} epochs kept")
        target = self._latest() if self.follow.isChecked() else self.shown_epoch
        self.show_epoch(target, follow=self.follow.isChecked(), move_line=False)
        self.session.in_turn(self._draw_chart)  # the chart in a turn of its own

    def _draw_chart(self) -> None:
        """The curves and the epoch line together: the chart repaints once a report."""
        self._syncing = True
        self.epoch_line.setValue(self.shown_epoch)
        self._syncing = False
        self._draw_curves()

    def show_epoch(self, epoch: int, follow: bool | None = None, move_line: bool = True) -> None:
        """Show the table at the recorded epoch at or before `epoch` (and the chart's epoch
        line there, unless the caller moves it with the curves)."""
        found = self.session.history.outputs_at(int(epoch))
        if found is None:
            return
        self.shown_epoch, outputs = found
        self.weights_epoch = None
        if self.row_set != "probe":
            near = self.session.history.weights_at(self.shown_epoch)
            if near is None:
                return
            self.weights_epoch, weights = near
            outputs = self.session.dataset.in_data_units(  # a table's target in its units
                forward(weights, self.session.activations, self.rows_x))
        if follow is None:
            follow = self.shown_epoch >= self._latest()
        with QSignalBlocker(self.follow):
            self.follow.setChecked(follow)
        index = int(np.searchsorted(self.epochs, self.shown_epoch, side="right")) - 1
        self._syncing = True
        self.epoch_slider.setValue(max(index, 0))
        self.epoch_spin.setValue(self.shown_epoch)
        if move_line:
            self.epoch_line.setValue(self.shown_epoch)
        self._syncing = False
        self._show_outputs(outputs)
        self._show_typed()
        # The epoch being looked at: the boundary, Weights and Forward pass follow it.
        self.session.look_at(None if follow else self.shown_epoch)
        if self.weights_epoch is not None and self.weights_epoch != self.shown_epoch:
            self.epoch_note.setText(f"these rows: weights of epoch {self.weights_epoch:,}, "
                                    "the closest kept")

    def on_threshold(self, value: float) -> None:
        self._syncing = True
        if abs(self.threshold_spin.value() - value) > 1e-9:  # re-set while typing loses the text
            with QSignalBlocker(self.threshold_spin):
                self.threshold_spin.setValue(value)
        self.threshold_line.setValue(value)
        self._syncing = False
        self._show_outputs(self.outputs)
        self._show_typed()
        self._draw_curves()  # a filter by right/wrong now lists other rows

    def _show_outputs(self, outputs) -> None:
        self.outputs = None if outputs is None else np.asarray(outputs)
        if self.outputs is None or self.session.dataset is None:
            return
        self.table.show_outputs(self.session, self.outputs)
        self._apply_filter()

    def _apply_filter(self) -> None:
        self.table.filter_rows(self.filter.currentIndex())

    def _draw_curves(self) -> None:
        s = self.session
        chosen = sorted({i.row() for i in self.table.selectedIndexes()})
        if not chosen:  # the first few rows listed; selecting rows picks others (up to 8)
            chosen = [r for r in range(self.table.rowCount())
                      if not self.table.isRowHidden(r)][:DEFAULT_CURVES]
        chosen = chosen[:len(self.curves)]
        if self.row_set == "probe":
            epochs, outputs = s.history.outputs_history()
        else:  # the chosen rows only, through the kept weights (≤ 500 small forward passes)
            epochs, snapshots = s.history.weights_history()
            outputs = self._chosen_rows_through(epochs, snapshots, chosen) \
                if epochs and chosen else None
            chosen_index = {r: i for i, r in enumerate(chosen)}
        if not len(epochs):
            chosen = []
        series = []
        for r in chosen:
            unit = int(self.rows_labels[r]) if is_multiclass(s.encoding) else 0  # its class
            column = r if self.row_set == "probe" else chosen_index[r]
            series.append(outputs[:, column, unit])
        names = [f"{self.row_names[r]} → "
                 f"{target_text(s.dataset, s.encoding, self.rows_labels[r])}"
                 for r in chosen]
        if self.try_input.row is not None:
            names.append(f"typed {describe_row(self.try_input.row)}")
        self.per_input.show(epochs, series, names, s.target_epoch)

    def _chosen_rows_through(self, epochs, snapshots, chosen) -> np.ndarray:
        """(epochs × chosen rows × units) from the weight snapshots; each kept snapshot is
        computed once (the latest, which hand-set weights can change, every time)."""
        key = (self.row_set, tuple(chosen))
        if key != self._rows_key:
            self._rows_key, self._rows_cache = key, {}
        cache, rows, activations = self._rows_cache, self.rows_x[chosen], self.session.activations
        values = []
        for i, (epoch, weights) in enumerate(zip(epochs, snapshots)):
            if i == len(epochs) - 1 or epoch not in cache:
                cache[epoch] = self.session.dataset.in_data_units(
                    forward(weights, activations, rows))
            values.append(cache[epoch])
        return np.stack(values)

    # ----- the typed input -----
    def _typed_changed(self) -> None:
        self._show_typed()
        self._draw_curves()

    def _show_typed(self) -> None:
        epochs, values = self.try_input.show_at(self.shown_epoch)
        if len(epochs) or self.typed_curve.xData is not None and len(self.typed_curve.xData):
            self.typed_curve.setData(epochs, values)  # (an empty curve set again repaints)

    # ----- control events -----
    def _threshold_edited(self, value: float) -> None:
        self.session.set_threshold(value)

    def _threshold_dragged(self) -> None:
        if not self._syncing:
            low, high = threshold_range(self.session.experiment.output) \
                if self.session.experiment else (0.0, 1.0)
            self.session.set_threshold(round(min(max(self.threshold_line.value(), low), high), 3))

    def _slider_moved(self, index: int) -> None:
        if not self._syncing and 0 <= index < len(self.epochs):
            self.show_epoch(self.epochs[index], follow=index == len(self.epochs) - 1)

    def _spin_moved(self, epoch: int) -> None:
        if not self._syncing:
            self.show_epoch(epoch)

    def _epoch_dragged(self) -> None:
        if not self._syncing:
            self.show_epoch(int(round(max(self.epoch_line.value(), 0))))

    def _set_epochs(self, epochs: list[int]) -> None:
        self.epochs = list(epochs)
        self._syncing = True
        self.epoch_slider.setRange(0, max(len(self.epochs) - 1, 0))
        self.epoch_spin.setRange(0, self.epochs[-1] if self.epochs else 0)
        self._syncing = False

    def values(self, column: str) -> list:
        """The exact values of a column, top to bottom (numbers for output and class)."""
        return self.table.values(column)

    def _latest(self) -> int:
        return self.epochs[-1] if self.epochs else 0
