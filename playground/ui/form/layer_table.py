"""The layer table: one row per layer before the output, input side first; no rows means a
single output neuron with no hidden layer, the model of seed 000.

Columns 0-2 are a Dense layer's units, activation and dropout, as always. For image data the
table also offers the layer's kind (Dense, Conv2D, MaxPooling2D, Flatten, Dropout), a conv
layer's kernel size and padding, and for every row the shape after it and its parameter count,
as `model.summary()` prints them (core.layers.stack_shapes). Column 0 holds a conv layer's
filters and a pool's size; a Dropout row's rate is in the Dropout column. A stack that cannot
be built is refused beside its row: the row's shape cell says why.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QComboBox, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QStyledItemDelegate,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from playground.core.experiment import ACTIVATIONS, LAYER_FIELDS, FieldError, Layer
from playground.core.layers import KIND_LABELS, KINDS, PADDINGS, stack_shapes
from playground.ui.widgets.note import set_tone, tone_colour

# Translucent, so that light and dark tables both show them with readable text.
ERROR_BACKGROUND = QColor(230, 0, 40, 60)
OFF_BACKGROUND = QColor(128, 128, 128, 50)
UNITS, ACTIVATION, DROPOUT, KIND, KERNEL, PADDING, SHAPE, PARAMS = range(8)
HEADERS = ("Units", "Activation", "Dropout", "Kind", "Kernel", "Padding", "Output shape",
           "Params")
#: The column each layer setting is typed in (a conv layer's filters and a pool's size share
#: column 0 with a Dense layer's units).
FIELD_COLUMNS = {"units": UNITS, "filters": UNITS, "pool_size": UNITS, "activation": ACTIVATION,
                 "dropout": DROPOUT, "kind": KIND, "kernel_size": KERNEL, "padding": PADDING}
#: Which text columns each kind uses, and the field each holds.
TEXT_FIELDS = {"dense": {UNITS: "units", DROPOUT: "dropout"},
               "conv": {UNITS: "filters", KERNEL: "kernel_size"},
               "pool": {UNITS: "pool_size"}, "flatten": {}, "dropout": {DROPOUT: "dropout"}}
ACTIVATION_TIP = ("The function each neuron of this layer applies to its weighted sum: relu "
                  "cuts negatives to 0, tanh squashes into -1..1, sigmoid into 0..1, linear "
                  "keeps the sum (a stack of linear layers is still one straight line).")
KIND_TIP = ("Dense: every input to every unit. Conv2D: small filters slid over the picture. "
            "MaxPooling2D: keeps the largest value of each square, shrinking the picture. "
            "Flatten: the picture as one long row (needed before Dense). Dropout: drops a share "
            "of the values while training.")
#: A new row of each kind starts as mnist_convnet's layers do.
TEMPLATES = {"dense": Layer(4, "tanh"), "conv": Layer(kind="conv", activation="relu"),
             "pool": Layer(kind="pool"), "flatten": Layer(kind="flatten"),
             "dropout": Layer(kind="dropout", dropout=0.5)}


class LayerTable(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("layer_table")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        # Not on a change of current cell: the keyboard's focus arriving set one and opened an
        # editor, row 1 looking selected though nobody clicked. A click still edits at once.
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked
                                   | QAbstractItemView.SelectedClicked
                                   | QAbstractItemView.EditKeyPressed
                                   | QAbstractItemView.AnyKeyPressed)
        self.table.cellClicked.connect(self._edit_clicked)
        self.table.currentCellChanged.connect(self._focus_cell_combo)
        # Tab leaves the table for the next field (arrows move between cells); from a cell's
        # editor too, which would otherwise go round the cells for ever.
        self.table.setTabKeyNavigation(False)
        self.table.setItemDelegate(TabLeavesDelegate(self.table))
        self.table.setToolTip("Layers before the output, input side first. A Dense row: how "
                              "many neurons, their activation, and the dropout rate after it.")
        self.table.itemChanged.connect(lambda _: self._edited())
        self.add_button = QPushButton("Add layer")
        self.add_button.setToolTip("Add a layer after the selected one (or at the end).")
        self.remove_button = QPushButton("Remove layer")
        self.remove_button.setToolTip("Remove the selected layer (or the last one).")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.empty_note = QLabel("No hidden layer: one output neuron straight from the inputs.")
        self.empty_note.setWordWrap(True)
        self.empty_note.setStyleSheet("font-style: italic;")
        set_tone(self.empty_note, "note")
        self.error = QLabel()
        self.error.setObjectName("layers_error")
        self.error.setWordWrap(True)
        set_tone(self.error, "error")
        self.error.hide()
        self.total = QLabel()
        self.total.setObjectName("layers_total")
        self._images: tuple[int, ...] = ()
        self._inputs = 0
        self._outputs = 0
        self._problems: dict[int, str] = {}

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        # On a line of its own, wrapped: beside the buttons its ~40 characters made the whole
        # form wider than its column, every field cut at the right (image data).
        self.total.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.empty_note)
        layout.addLayout(buttons)
        layout.addWidget(self.total)
        layout.addWidget(self.error)
        self.set_data((), 0, 0)

    # ----- the data the layers read -----
    def set_data(self, image_shape: tuple[int, ...], n_inputs: int, output_units: int) -> None:
        """What the stack reads and feeds: image data shows kinds; known sizes show shapes."""
        changed = (tuple(image_shape), n_inputs, output_units) != (self._images, self._inputs,
                                                                   self._outputs)
        self._images, self._inputs, self._outputs = tuple(image_shape), n_inputs, output_units
        for column in (KIND, KERNEL, PADDING):
            self.table.setColumnHidden(column, not self._images)
        for column in (SHAPE, PARAMS):
            self.table.setColumnHidden(column, not n_inputs)
        self.table.horizontalHeaderItem(UNITS).setText("Units · filters · pool" if self._images
                                                       else "Units")
        # Nine columns squeezed into the form's width cut their headings ("ctivatio"): size
        # them to their contents for image data; three columns stretch to fill it.
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeToContents if self._images else QHeaderView.Stretch)
        if changed:
            self._update_shapes()

    # ----- editing -----
    def set_layers(self, layers: tuple[Layer, ...]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for layer in layers:
            self._insert(self.table.rowCount(), layer)
        self.table.setCurrentItem(None)  # nothing chosen until the user clicks
        self.table.clearSelection()
        self.table.blockSignals(False)
        self._update_note()
        self._edited()

    def add_row(self) -> None:
        row = self.table.currentRow() + 1 if self.table.currentRow() >= 0 else self.table.rowCount()
        template = self._layer_at(row - 1) if row > 0 else TEMPLATES["dense"]
        self.table.blockSignals(True)
        self._insert(row, template if isinstance(template, Layer) else TEMPLATES["dense"])
        self.table.blockSignals(False)
        self.table.selectRow(row)
        self._update_note()
        self._edited()

    def remove_row(self) -> None:
        if self.table.rowCount() == 0:
            return
        row = self.table.currentRow()
        self.table.removeRow(row if row >= 0 else self.table.rowCount() - 1)
        self._update_note()
        self._edited()

    def _edit_clicked(self, row: int, column: int) -> None:
        item = self.table.item(row, column)
        if item is not None and item.flags() & Qt.ItemIsEditable:
            self.table.editItem(item)

    def _focus_cell_combo(self, row: int, column: int, *_previous) -> None:
        """Arrows onto a combo's cell (activation, kind, padding) hand it the keyboard, so the
        keyboard reaches every setting of a row; Left and Right move on from it."""
        combo = self.table.cellWidget(row, column)
        if combo is not None and combo.isEnabled() and self.table.hasFocus():
            combo.setFocus(Qt.TabFocusReason)

    def tab_stops(self) -> list[QWidget]:
        """What Tab visits here, in order: the table (its rows' combos follow it, as its
        children), then the buttons."""
        return [self.table, self.add_button, self.remove_button]

    def kind_at(self, row: int) -> str:
        return self.table.cellWidget(row, KIND).currentData()

    def set_kind(self, row: int, kind: str) -> None:
        combo = self.table.cellWidget(row, KIND)
        combo.setCurrentIndex(combo.findData(kind))

    # ----- reading -----
    def layers(self) -> tuple[tuple[Layer, ...] | None, list[FieldError]]:
        """The layers typed in, or None with an error per bad cell (field `layers[i].name`)."""
        layers, errors = [], []
        for row in range(self.table.rowCount()):
            result = self._layer_at(row)
            if isinstance(result, Layer):
                layers.append(result)
            else:
                errors.extend(result)
        return (None if errors else tuple(layers)), errors

    def show_errors(self, errors: list[FieldError]) -> None:
        """Colour bad cells, say a bad stack beside its row, list the messages under the table."""
        bad = set()
        self._problems = {}
        for error in errors:
            if error.field.startswith("layers["):
                row = int(error.field[7:error.field.index("]")])
                column = FIELD_COLUMNS.get(error.field.rsplit(".", 1)[-1])
                if column is not None:
                    bad.add((row, column))
                if error.message.startswith("layer "):  # the stack: said beside the row
                    self._problems[row] = error.message.split(": ", 1)[-1]
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            for column in (UNITS, DROPOUT, KERNEL):
                item = self.table.item(row, column)
                if item is not None and item.flags() & Qt.ItemIsEditable:
                    item.setBackground(ERROR_BACKGROUND if (row, column) in bad
                                       else QColor(0, 0, 0, 0))
        self.table.blockSignals(False)
        self._update_shapes()
        text = "\n".join(_describe(e) for e in errors if e.field.startswith("layers"))
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # ----- internals -----
    def _edited(self) -> None:
        self._update_shapes()
        self.changed.emit()

    def _insert(self, row: int, layer: Layer) -> None:
        self.table.insertRow(row)
        kind = QComboBox()
        for key in KINDS:
            kind.addItem(KIND_LABELS[key], key)
        kind.setCurrentIndex(kind.findData(layer.kind))
        kind.setToolTip(KIND_TIP)
        kind.currentIndexChanged.connect(lambda _, combo=kind: self._kind_changed(combo))
        self.table.setCellWidget(row, KIND, kind)
        combo = QComboBox()
        combo.addItems(ACTIVATIONS)
        combo.setToolTip(ACTIVATION_TIP)
        combo.currentTextChanged.connect(lambda _: self._edited())
        self.table.setCellWidget(row, ACTIVATION, combo)
        padding = QComboBox()
        padding.addItems(PADDINGS)
        padding.setToolTip("valid: the filter stays inside the picture, which shrinks by the "
                           "kernel size - 1; same: the picture is padded and keeps its size.")
        padding.currentTextChanged.connect(lambda _: self._edited())
        self.table.setCellWidget(row, PADDING, padding)
        for column in (SHAPE, PARAMS):
            item = QTableWidgetItem("")
            item.setFlags(Qt.ItemIsEnabled)
            item.setTextAlignment(Qt.AlignCenter)
            self.table.setItem(row, column, item)
        self._fill(row, layer)

    def _fill(self, row: int, layer: Layer) -> None:
        """Show `layer` in `row`: its kind's cells editable, the others greyed out."""
        fields = TEXT_FIELDS[layer.kind]
        for column in (UNITS, DROPOUT, KERNEL):
            name = fields.get(column)
            value = getattr(layer, name) if name else ""
            item = QTableWidgetItem(f"{value:g}" if isinstance(value, float) else str(value))
            item.setTextAlignment(Qt.AlignCenter)
            if not name:
                item.setFlags(Qt.ItemIsEnabled)
                item.setBackground(OFF_BACKGROUND)
            self.table.setItem(row, column, item)
        activation = self.table.cellWidget(row, ACTIVATION)
        activation.blockSignals(True)
        activation.setCurrentText(layer.activation)
        activation.blockSignals(False)
        activation.setEnabled(layer.kind in ("dense", "conv"))
        padding = self.table.cellWidget(row, PADDING)
        padding.blockSignals(True)
        padding.setCurrentText(layer.padding)
        padding.blockSignals(False)
        padding.setEnabled(layer.kind == "conv")

    def _kind_changed(self, combo: QComboBox) -> None:
        row = next(r for r in range(self.table.rowCount())
                   if self.table.cellWidget(r, KIND) is combo)
        self.table.blockSignals(True)
        self._fill(row, TEMPLATES[combo.currentData()])
        self.table.blockSignals(False)
        self._edited()

    def _layer_at(self, row: int):
        kind = self.kind_at(row)
        values, errors = {"kind": kind}, []
        for column, name in TEXT_FIELDS[kind].items():
            item = self.table.item(row, column)
            value, message = LAYER_FIELDS[name].parse(item.text() if item else "")
            if message:
                errors.append(FieldError(f"layers[{row}].{name}", message))
            values[name] = value
        if kind in ("dense", "conv"):
            values["activation"] = self.table.cellWidget(row, ACTIVATION).currentText()
        if kind == "conv":
            values["padding"] = self.table.cellWidget(row, PADDING).currentText()
        return errors if errors else Layer(**values)

    def _update_shapes(self) -> None:
        """The shape after each row and its parameters, as model.summary(); a bad row says why."""
        if not self._inputs:
            self.total.setText("")
            return
        layers = [self._layer_at(row) for row in range(self.table.rowCount())]
        rows, problem = [], None
        if all(isinstance(layer, Layer) for layer in layers):
            rows, problem = stack_shapes(layers, self._inputs, self._images, self._outputs)
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            shape, params = self.table.item(row, SHAPE), self.table.item(row, PARAMS)
            why = self._problems.get(row) or (problem.message.split(": ", 1)[-1]
                                              if problem and problem.index == row else "")
            if why:
                shape.setText(f"✗ {why}")
                shape.setToolTip(why)
                shape.setForeground(tone_colour("error"))
                params.setText("")
            elif row < len(rows):
                shape.setText("×".join(str(d) for d in rows[row].shape))
                shape.setToolTip("")
                shape.setData(Qt.ForegroundRole, None)  # the table's own text colour
                params.setText(f"{rows[row].params:,}")
            else:
                shape.setText("")
                params.setText("")
        self.table.blockSignals(False)
        complete = problem is None and len(rows) == self.table.rowCount() + (1 if self._outputs
                                                                            else 0)
        self.total.setText(f"{sum(r.params for r in rows):,} parameters with the output layer"
                           if complete and self._outputs else "")

    def _update_note(self) -> None:
        self.empty_note.setVisible(self.table.rowCount() == 0)
        # As tall as its rows (two at least, room for one more): an empty table 170 px high
        # pushed Epochs, Batch size and Seed out of sight on a laptop screen.
        rows = max(self.table.rowCount() + 1, 2)
        height = (self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
                  + rows * self.table.verticalHeader().defaultSectionSize() + 2)
        self.table.setFixedHeight(min(height, 220))


class TabLeavesDelegate(QStyledItemDelegate):
    """Tab in a cell's editor keeps what was typed and moves on to the field after the table
    (Shift+Tab: before it), as everywhere else in the form."""

    def eventFilter(self, editor, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Tab, Qt.Key_Backtab):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.NoHint)
            table = self.parent()
            table.setFocus(Qt.OtherFocusReason)
            table.focusNextPrevChild(event.key() == Qt.Key_Tab)
            return True
        return super().eventFilter(editor, event)


def _describe(error: FieldError) -> str:
    if error.field.startswith("layers["):
        if error.message.startswith("layer "):
            return error.message[0].upper() + error.message[1:]
        row = int(error.field[7:error.field.index("]")])
        column = error.field.rsplit(".", 1)[-1]
        return f"Layer {row + 1} {column}: {error.message}"
    return error.message
