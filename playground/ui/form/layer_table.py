"""The hidden-layer table: one row per Dense layer (units, activation, dropout); no rows means a
single output neuron with no hidden layer, the model of seed 000."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from playground.core.experiment import ACTIVATIONS, LAYER_FIELDS, FieldError, Layer

ERROR_BACKGROUND = QColor("#ffd6d6")
COLUMNS = ("units", "activation", "dropout")
ACTIVATION_TIP = ("The function each neuron of this layer applies to its weighted sum: relu "
                  "cuts negatives to 0, tanh squashes into -1..1, sigmoid into 0..1, linear "
                  "keeps the sum (a stack of linear layers is still one straight line).")


class LayerTable(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("layer_table")
        self.table.setHorizontalHeaderLabels(["Units", "Activation", "Dropout"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.AllEditTriggers)
        self.table.setMinimumHeight(90)
        self.table.setMaximumHeight(170)
        self.table.setToolTip("Hidden layers, input side first. Each row is a Dense layer: how "
                              "many neurons, their activation, and the dropout rate after it.")
        self.table.itemChanged.connect(lambda _: self.changed.emit())
        self.add_button = QPushButton("Add layer")
        self.add_button.setToolTip("Add a hidden layer after the selected one (or at the end).")
        self.remove_button = QPushButton("Remove layer")
        self.remove_button.setToolTip("Remove the selected hidden layer (or the last one).")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.empty_note = QLabel("No hidden layer: one output neuron straight from the inputs.")
        self.empty_note.setWordWrap(True)
        self.empty_note.setStyleSheet("color: #555; font-style: italic;")
        self.error = QLabel()
        self.error.setObjectName("layers_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.empty_note)
        layout.addLayout(buttons)
        layout.addWidget(self.error)

    # ----- editing -----
    def set_layers(self, layers: tuple[Layer, ...]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for layer in layers:
            self._insert(self.table.rowCount(), layer)
        self.table.blockSignals(False)
        self._update_note()
        self.changed.emit()

    def add_row(self) -> None:
        row = self.table.currentRow() + 1 if self.table.currentRow() >= 0 else self.table.rowCount()
        template = self._layer_at(row - 1) if row > 0 else Layer(4, "tanh")
        self.table.blockSignals(True)
        self._insert(row, template if isinstance(template, Layer) else Layer(4, "tanh"))
        self.table.blockSignals(False)
        self.table.selectRow(row)
        self._update_note()
        self.changed.emit()

    def remove_row(self) -> None:
        if self.table.rowCount() == 0:
            return
        row = self.table.currentRow()
        self.table.removeRow(row if row >= 0 else self.table.rowCount() - 1)
        self._update_note()
        self.changed.emit()

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
        """Colour bad cells and list the messages under the table."""
        bad = set()
        for error in errors:
            if error.field.startswith("layers["):
                row = int(error.field[7:error.field.index("]")])
                column = error.field.rsplit(".", 1)[-1]
                if column in COLUMNS:
                    bad.add((row, COLUMNS.index(column)))
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            for column in (0, 2):
                item = self.table.item(row, column)
                if item is not None:
                    item.setBackground(ERROR_BACKGROUND if (row, column) in bad
                                       else QColor(0, 0, 0, 0))
        self.table.blockSignals(False)
        text = "\n".join(_describe(e) for e in errors if e.field.startswith("layers"))
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # ----- internals -----
    def _insert(self, row: int, layer: Layer) -> None:
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(str(layer.units)))
        combo = QComboBox()
        combo.addItems(ACTIVATIONS)
        combo.setCurrentText(layer.activation)
        combo.setToolTip(ACTIVATION_TIP)
        combo.currentTextChanged.connect(lambda _: self.changed.emit())
        self.table.setCellWidget(row, 1, combo)
        self.table.setItem(row, 2, QTableWidgetItem(f"{layer.dropout:g}"))
        for column in (0, 2):
            self.table.item(row, column).setTextAlignment(Qt.AlignCenter)

    def _layer_at(self, row: int):
        values, errors = {}, []
        for column, name in ((0, "units"), (2, "dropout")):
            item = self.table.item(row, column)
            value, message = LAYER_FIELDS[name].parse(item.text() if item else "")
            if message:
                errors.append(FieldError(f"layers[{row}].{name}", message))
            values[name] = value
        values["activation"] = self.table.cellWidget(row, 1).currentText()
        return errors if errors else Layer(**values)

    def _update_note(self) -> None:
        self.empty_note.setVisible(self.table.rowCount() == 0)


def _describe(error: FieldError) -> str:
    if error.field.startswith("layers["):
        row = int(error.field[7:error.field.index("]")])
        column = error.field.rsplit(".", 1)[-1]
        return f"Layer {row + 1} {column}: {error.message}"
    return error.message
