"""What the network answers for each input: a table, the class threshold, the answers through time.

The table shows a set of rows at the epoch the slider picks, filterable to the wrong ones. By
default the probe rows (every row of a logic gate; the first 64 rows of larger data), whose
outputs `RunHistory` records: every epoch up to 2,000, then at most 2,000 evenly spaced. For
larger tabular data the user can pick another set instead (all training rows, the validation
rows, the test rows): those, like a typed input, are evaluated with `core.forward` on the
recorded weight snapshots (one per report, at most 500), never with the live model. The
threshold drives the session, so the boundary view re-classifies with it; nothing here retrains.
"""
from __future__ import annotations


import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDoubleSpinBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QSizePolicy, QSlider,
                               QSpinBox, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from playground.core.inspection.forward import forward
from playground.core.inspection.metrics import (class_label, classify, is_multiclass,
                                                output_heading, predicted_classes, shown_output,
                                                threshold_range)
from playground.ui.session import StreamedRedraw
# class_colours, describe_row and parse_input are also read from here (the boundary, tests).
from playground.ui.views.output_rows import (  # noqa: F401
    RIGHT_BG, WRONG_BG, TranslucentSelection, _number, class_colours, describe_row, parse_input,
    probability_columns, target_text)
from playground.ui.widgets.grid_plot import grid_plot
from playground.ui.widgets.live_range import LiveRange

#: Text on the light right/wrong row colours, in any theme.
ROW_TEXT = QBrush(QColor("#1a1a1a"))

CURVE_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f")
#: Outputs of at most this many epochs are kept (RunHistory's default `max_snapshots`).
HISTORY_BOUND = 2000
MAX_TYPED_INPUTS = 10
#: While training, the table and chart redraw at most this often.
REFRESH_SECONDS = 0.1
#: A row set larger than this is cut to its first rows (a table of thousands helps nobody).
MAX_TABLE_ROWS = 1000
DEFAULT_CURVES = 4
ERROR_STYLE = "color: #b00020;"
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
        self.columns: list[str] = []
        self.row_names: list[str] = []  # how each listed row reads in the legend
        self.row_set = "probe"          # which rows the table lists (see `_row_sets`)
        self.rows_x: np.ndarray = np.zeros((0, 0))  # those rows and their labels
        self.rows_labels: np.ndarray = np.zeros(0, int)
        self.weights_epoch: int | None = None  # the weights behind a computed table
        # Curves of chosen non-probe rows: (row set, rows) -> {snapshot epoch: outputs}.
        self._rows_key: tuple | None = None
        self._rows_cache: dict[int, np.ndarray] = {}
        self.typed_row: np.ndarray | None = None
        self._typed_cache: dict[int, float] = {}
        self._typed_data: tuple | None = None  # (dataset, inputs) the typed row is for
        self._legend_names: list[str] = []
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

        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setToolTip("Each input row: its target, the network's output, the class "
                              "that output implies at the threshold, and whether it is right. "
                              "Select rows to choose the curves on the right.")
        self.table.setItemDelegate(TranslucentSelection(self.table))
        self.table.itemSelectionChanged.connect(self._draw_curves)

        self.chart = grid_plot()
        self.chart.setLabel("bottom", "epoch")
        self.chart.getAxis("left").enableAutoSIPrefix(False)
        # Long runs: draw only what is in view, at most a few points a pixel (as the curves).
        self.chart.getPlotItem().setDownsampling(auto=True, mode="peak")
        self.chart.getPlotItem().setClipToView(True)
        self.chart.setTitle("Output of each input through training", size="10pt")
        # Right, below the top: trained outputs end near the extremes, not there.
        # Right of the data, in the plot's own layout: never over the curves' ends.
        self.legend = pg.LegendItem(labelTextSize="8pt", labelTextColor="#222",
                                    brush="#ffffffd0")
        self.chart.getPlotItem().layout.addItem(self.legend, 2, 3)
        self.legend.setSizePolicy(QSizePolicy.Maximum, QSizePolicy.Maximum)  # rows kept tight
        self.chart.getPlotItem().layout.setAlignment(self.legend, Qt.AlignTop | Qt.AlignLeft)
        self.chart.getPlotItem().legend = self.legend
        self.curves = [self.chart.plot(pen=pg.mkPen(c, width=2)) for c in CURVE_COLOURS]
        # Dots: the typed input is evaluated only where weights were recorded (once a report).
        self.typed_curve = self.chart.plot(pen=pg.mkPen("k", width=1.5, style=Qt.DashLine),
                                           symbol="o", symbolSize=4, symbolBrush="k")
        self.threshold_line = pg.InfiniteLine(
            angle=0, movable=True, pen=pg.mkPen("#b00020", width=1.5, style=Qt.DashLine),
            label="threshold", labelOpts={"position": 0.55, "color": "#b00020"})
        self.threshold_line.setToolTip("The class threshold: drag it to move it")
        self.threshold_line.sigPositionChanged.connect(self._threshold_dragged)
        self.epoch_line = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen("#555", width=1))
        self.epoch_line.setToolTip("The epoch the table shows: drag it to go back in time")
        self.epoch_line.sigPositionChanged.connect(self._epoch_dragged)
        for line in (self.threshold_line, self.epoch_line):
            self.chart.addItem(line, ignoreBounds=True)
        self.chart_range = LiveRange(self.chart, grow_y=False)

        self.input_edit = QLineEdit()
        self.input_edit.setPlaceholderText("e.g. 1, 1  or  0.3 0.1")
        self.input_edit.setToolTip("Type one input row, numbers separated by commas or spaces, "
                                   "to see what the network answers for it")
        self.input_edit.textChanged.connect(self._typed)
        self.input_result = QLabel()
        self.input_result.setObjectName("input_result")
        self.input_result.setTextInteractionFlags(Qt.TextSelectableByMouse)
        typed = QHBoxLayout()
        typed.addWidget(QLabel("Try an input"))
        typed.addWidget(self.input_edit, 1)
        typed.addWidget(self.input_result, 2)

        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setSizes([520, 480])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addLayout(typed)

    # ----- a new model -----
    def start(self) -> None:
        s = self.session
        dataset = s.dataset
        sets = self._row_sets()
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
        self.chart.setLabel("left", "P(right class)" if multiclass
                            else output_heading(s.experiment.output))
        # Bounded outputs keep their whole range in view: 0.50 for ever should look flat.
        if s.experiment.output in ("sigmoid", "tanh", "softmax"):
            self.chart.setYRange(low - 0.03 * (high - low), high + 0.03 * (high - low),
                                 padding=0)
        else:
            self.chart.enableAutoRange(axis="y")
        self.input_edit.setEnabled(dataset.n_inputs <= MAX_TYPED_INPUTS)
        if dataset.n_inputs > MAX_TYPED_INPUTS:
            self.input_edit.setPlaceholderText(f"{dataset.n_inputs} inputs: too many to type")
        self.epochs, self.outputs = [], None
        self._rows_key = None
        self.chart_range.reset()
        self.follow.setChecked(True)
        self._typed_cache.clear()
        data = (s.experiment.dataset, dataset.n_inputs)
        if data != self._typed_data:  # a typed row belongs to the data it was typed for
            self._typed_data = data
            with QSignalBlocker(self.input_edit):
                self.input_edit.clear()
        self._typed(self.input_edit.text())
        self.refresh()

    def _row_sets(self) -> dict[str, tuple[str, np.ndarray, np.ndarray]]:
        """The row sets to offer: key -> (menu text, rows, labels). The probe always; the
        other parts of tabular data when the probe is not all of them. Images have the gallery
        for their test set, so they list the probe only."""
        s = self.session
        d = s.dataset
        n = len(s.probe_x)
        whole = n >= len(d.x_train) + len(d.x_val)  # the probe is training + validation rows
        sets = {"probe": (f"All {n:,} rows" if whole else
                          f"Sample: {n:,} rows, recorded every epoch", s.probe_x, s.probe_labels)}
        if s.has_images:
            return sets
        for key, name, x, labels in (("train", "training", d.x_train, d.labels_train),
                                     ("val", "validation", d.x_val, d.labels_val),
                                     ("test", "test", d.x_test, d.labels_test)):
            if len(x) and not (whole and key != "test"):
                cut = "" if len(x) <= MAX_TABLE_ROWS else f" (first {MAX_TABLE_ROWS:,})"
                sets[key] = (f"{name.capitalize()} rows: {len(x):,}{cut}",
                             x[:MAX_TABLE_ROWS], labels[:MAX_TABLE_ROWS])
        return sets

    def _fill_rows(self) -> None:
        """List the chosen rows: their inputs and targets (outputs follow in `show_epoch`)."""
        s = self.session
        dataset = s.dataset
        _text, self.rows_x, self.rows_labels = self._row_sets()[self.row_set]
        features = list(dataset.feature_names) if dataset.n_inputs <= 6 else ["inputs"]
        images = s.has_images
        regression = dataset.is_regression
        self.columns = features + (["target", "output", "error"] if regression else
                                   ["target", *probability_columns(dataset, s.encoding),
                                    output_heading(s.experiment.output), "class", "result"])
        self.row_names = []
        self.table.clearContents()
        self.table.setRowCount(len(self.rows_x))
        self.table.setColumnCount(len(self.columns))
        self.table.setHorizontalHeaderLabels(self.columns)
        for r, (row, label) in enumerate(zip(self.rows_x, self.rows_labels)):
            self.row_names.append(f"test image {r + 1}" if images else describe_row(row))
            cells = ([_number(v) for v in row] if len(features) == len(row)
                     else [self.row_names[-1]]) + [target_text(dataset, s.encoding, label)]
            for c, text in enumerate(cells + [""] * (len(self.columns) - len(cells))):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignCenter)
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

    def _row_set_chosen(self) -> None:
        key = self.rows_combo.currentData()
        if key is None or key == self.row_set or self.session.dataset is None:
            return
        self.row_set = key
        self._fill_rows()
        self._legend_names = []
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
        self.show_epoch(target, follow=self.follow.isChecked())
        self.session.in_turn(self._draw_curves)  # the chart in a turn of its own

    def show_epoch(self, epoch: int, follow: bool | None = None) -> None:
        """Show the table at the recorded epoch at or before `epoch`."""
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
        s = self.session
        if self.outputs is None or s.dataset is None:
            return
        values = shown_output(self.outputs, s.encoding)
        if s.dataset.is_regression:
            self._show_values(values)
            return
        classes, right = classify(self.outputs, self.rows_labels, s.encoding, s.threshold)
        first = self.columns.index("class") - 1
        per_class = len(probability_columns(s.dataset, s.encoding))
        for r in range(len(values) if per_class else 0):  # every class's probability
            for k in range(per_class):
                item = self.table.item(r, first - per_class + k)
                item.setText(f"{self.outputs[r, k]:.4f}")
                item.setData(Qt.UserRole, float(self.outputs[r, k]))
        for r in range(len(values)):
            cells = (f"{values[r]:.4f}", class_label(s.dataset, s.encoding, int(classes[r])),
                     "✓ right" if right[r] else "✗ wrong")
            brush = QBrush(RIGHT_BG if right[r] else WRONG_BG)
            data = (float(values[r]), int(classes[r]), bool(right[r]))
            for c, (text, value) in enumerate(zip(cells, data), start=first):
                item = self.table.item(r, c)
                item.setText(text)
                item.setData(Qt.UserRole, value)
            for c in range(len(self.columns)):
                self.table.item(r, c).setBackground(brush)
                self.table.item(r, c).setForeground(ROW_TEXT)  # readable in a dark theme too
        self._apply_filter()

    def _show_values(self, values: np.ndarray) -> None:
        """A regression's rows: the output and how far it is from the target."""
        first = self.columns.index("output")
        errors = values - np.asarray(self.rows_labels, np.float64)
        for r in range(len(values)):
            for c, value in enumerate((float(values[r]), float(errors[r])), start=first):
                item = self.table.item(r, c)
                item.setText(f"{value:.4f}")
                item.setData(Qt.UserRole, value)

    def _apply_filter(self) -> None:
        mode = self.filter.currentIndex()
        rows = self.table.rowCount()
        column = len(self.columns) - 1
        for r in range(rows):
            item = self.table.item(r, column)
            wrong = item is not None and item.text().startswith("✗")
            self.table.setRowHidden(r, (mode == 1 and not wrong) or (mode == 2 and wrong))

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
        for i, curve in enumerate(self.curves):
            if i < len(chosen):
                r = chosen[i]
                unit = int(self.rows_labels[r]) if is_multiclass(s.encoding) else 0  # its class
                column = r if self.row_set == "probe" else chosen_index[r]
                curve.setData(np.asarray(epochs), outputs[:, column, unit])
            else:
                curve.setData([], [])
        self.chart_range.update(s.target_epoch)
        names = [f"{self.row_names[r]} → "
                 f"{target_text(s.dataset, s.encoding, self.rows_labels[r])}"
                 for r in chosen]
        if self.typed_row is not None:
            names.append(f"typed {describe_row(self.typed_row)}")
        if names != self._legend_names:  # rebuilding the legend is slow: only on a change
            self._legend_names = names
            self.legend.clear()
            items = self.curves[:len(chosen)] + [self.typed_curve]
            for item, name in zip(items, names):
                self.legend.addItem(item, name)

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
    def _typed(self, text: str) -> None:
        self._typed_cache.clear()
        self.typed_row = None
        dataset = self.session.dataset
        if not text.strip() or dataset is None:
            self.input_result.setText("")
        else:
            row, error = parse_input(text, dataset.n_inputs)
            self.typed_row = row
            if error:
                self.input_result.setStyleSheet(ERROR_STYLE)
                self.input_result.setText(error)
        self._show_typed()
        self._draw_curves()

    def _show_typed(self) -> None:
        s, row = self.session, self.typed_row
        if row is None or not s.history.latest_weights:
            self.typed_curve.setData([], [])
            return
        epochs, snapshots = s.history.weights_history()
        # Weights are kept once a report: use the snapshot nearest the shown epoch.
        epoch, weights = self.session.history.weights_at(self.shown_epoch)
        out = s.dataset.in_data_units(forward(weights, s.activations, row[None]))
        value = float(shown_output(out, s.encoding)[0])
        cls = 0 if s.dataset.is_regression else int(predicted_classes(out, s.encoding,
                                                                       s.threshold)[0])
        when = (f"at epoch {epoch:,}" if epoch == self.shown_epoch else
                f"with the weights of epoch {epoch:,}, the closest recorded to "
                f"{self.shown_epoch:,}")
        self.input_result.setStyleSheet("")
        meaning = "" if s.dataset.is_regression else \
            f" → class <b>{class_label(s.dataset, s.encoding, cls)}</b>"
        self.input_result.setText(f"output <b>{value:.4f}</b>{meaning} {when}")
        # The curve through the recorded weights (at most 500 snapshots), each computed once.
        unit = cls if is_multiclass(s.encoding) else 0
        cache = self._typed_cache
        units = s.dataset.in_data_units
        values = [cache[e] if e in cache else
                  float(units(forward(w, s.activations, row[None]))[0, unit])
                  for e, w in zip(epochs, snapshots)]
        self._typed_cache = dict(zip(epochs, values))  # thinned with the history
        self.typed_curve.setData(epochs, values)

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
        c = self.columns.index(column)
        items = [self.table.item(r, c) for r in range(self.table.rowCount())]
        return [item.data(Qt.UserRole) if item.data(Qt.UserRole) is not None else item.text()
                for item in items]

    def _latest(self) -> int:
        return self.epochs[-1] if self.epochs else 0
