"""A Dense layer as a learner reads it: a table of numbers (kernel rows, then the bias row) and
the same table as a diverging-colour heatmap. Edits are only *requested* here (signals); the
weights view decides what becomes of them.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from playground.core.inspection import weights as W

POSITIVE = QColor("#2166ac")  # blue
NEGATIVE = QColor("#b2182b")  # red
DIVERGING = pg.ColorMap([0.0, 0.5, 1.0], [NEGATIVE, QColor("white"), POSITIVE])


def diverging(value: float, scale: float, strength: float = 1.0) -> QColor:
    """White at 0, red for negative, blue for positive; full colour at ±`scale`; grey for
    NaN or infinity (a diverged run)."""
    if not np.isfinite(value):
        return QColor("#9e9e9e")
    t = min(abs(value) / scale, 1.0) * strength if scale > 0 else 0.0
    end = POSITIVE if value >= 0 else NEGATIVE
    return QColor(round(255 + (end.red() - 255) * t), round(255 + (end.green() - 255) * t),
                  round(255 + (end.blue() - 255) * t))


def scale_of(matrix: np.ndarray) -> float:
    """The largest finite |value| (colours saturate there), 1 when there is none."""
    finite = np.abs(matrix[np.isfinite(matrix)])
    largest = float(finite.max()) if finite.size else 0.0
    return largest if largest > 0 else 1.0


class WeightTableModel(QAbstractTableModel):
    """A layer's (inputs + 1) × units table; edits are *requested*, never applied here."""

    #: A cell was typed into: (row, column, value).
    edited = Signal(int, int, float)
    #: What was typed is not a number: the message.
    rejected = Signal(str)

    def __init__(self, row_names, column_names, parent=None):
        super().__init__(parent)
        self.row_names = list(row_names) + ["bias"]
        self.column_names = list(column_names)
        self.table = np.zeros((len(self.row_names), len(self.column_names)))
        self.scale = 1.0

    def set_table(self, table: np.ndarray) -> None:
        self.table = table
        self.scale = scale_of(table)
        if table.size:
            self.dataChanged.emit(self.index(0, 0), self.index(*[n - 1 for n in table.shape]))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else self.table.shape[0]

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.table.shape[1]

    def data(self, index, role=Qt.DisplayRole):
        value = float(self.table[index.row(), index.column()])
        if role == Qt.DisplayRole:
            return W.format_value(value)
        if role == Qt.EditRole:
            return W.exact_text(value)
        if role == Qt.BackgroundRole:
            return QBrush(diverging(value, self.scale, 0.55))
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ToolTipRole:
            return self.describe(index.row(), index.column())
        if role == Qt.FontRole and index.row() == self.table.shape[0] - 1:
            font = QFont()
            font.setItalic(True)  # the bias row
            return font
        return None

    def describe(self, row: int, column: int) -> str:
        value = W.exact_text(self.table[row, column])
        neuron = self.column_names[column]
        if row == self.table.shape[0] - 1:
            return f"bias of {neuron}: b = {value}"
        return f"weight {self.row_names[row]} → {neuron}: w = {value}"

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role != Qt.DisplayRole:
            return None
        names = self.column_names if orientation == Qt.Horizontal else self.row_names
        return names[section] if section < len(names) else None

    def flags(self, index):
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsEditable

    def setData(self, index, value, role=Qt.EditRole):  # noqa: N802
        if role != Qt.EditRole or not index.isValid():
            return False
        number, message = W.parse_weight(str(value))
        if message:
            self.rejected.emit(f"{self.describe(index.row(), index.column()).split(':')[0]}: "
                               f"{message}; the old value is kept.")
            return False
        self.edited.emit(index.row(), index.column(), number)
        return True


class WeightTable(QTableView):
    """A table that pastes a block of numbers at the current cell and copies the selection."""

    #: Text pasted at (row, column).
    pasted = Signal(int, int, str)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.matches(QKeySequence.Paste):
            index = self.currentIndex()
            row, column = (index.row(), index.column()) if index.isValid() else (0, 0)
            self.pasted.emit(row, column, QGuiApplication.clipboard().text())
            return
        if event.matches(QKeySequence.Copy):
            QGuiApplication.clipboard().setText(self.selected_text())
            return
        super().keyPressEvent(event)

    def selected_text(self) -> str:
        """The selection as tab-separated rows, full precision (pastes into a spreadsheet)."""
        indexes = self.selectedIndexes()
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        model = self.model()
        return "\n".join("\t".join(model.data(model.index(r, c), Qt.EditRole) for c in columns)
                         for r in rows)


class HeatmapItem(pg.ImageItem):
    """The image of a layer's table; hovering names the cell under the mouse."""

    def __init__(self, on_hover: Callable[[int, int], None]):
        super().__init__()
        self._on_hover = on_hover

    def hoverEvent(self, event) -> None:  # noqa: N802 (pyqtgraph name)
        if event.isExit():
            self._on_hover(-1, -1)
            return
        pos = event.pos()
        self._on_hover(int(pos.y()), int(pos.x()))  # image x = neuron, y = input row


class LayerPanel(QWidget):
    """One Dense layer: its title, its table of numbers and, below, its heatmap."""

    COLUMN_WIDTH = 64
    ROW_HEIGHT = 22
    #: Bigger tables scroll inside this many rows and columns.
    MAX_ROWS = 7
    MAX_COLUMNS = 7

    def __init__(self, layer: int, title: str, row_names, column_names,
                 on_hover: Callable[[str], None], parent=None):
        super().__init__(parent)
        self.layer = layer
        self._on_hover = on_hover
        self.title = QLabel(title)
        self.title.setObjectName(f"layer_{layer}_title")
        self.title.setWordWrap(True)
        self.model = WeightTableModel(row_names, column_names, self)
        self.table = WeightTable()
        self.table.setObjectName(f"layer_{layer}_table")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked
                                   | QAbstractItemView.EditKeyPressed
                                   | QAbstractItemView.AnyKeyPressed)
        self.table.verticalHeader().setDefaultSectionSize(self.ROW_HEIGHT)
        self.table.verticalHeader().setMinimumSectionSize(self.ROW_HEIGHT)
        self.table.horizontalHeader().setDefaultSectionSize(self.COLUMN_WIDTH)
        rows, columns = self.model.table.shape
        width = (self.table.verticalHeader().sizeHint().width()
                 + self.COLUMN_WIDTH * min(columns, self.MAX_COLUMNS) + 4
                 + (16 if rows > self.MAX_ROWS else 0))
        height = (self.table.horizontalHeader().sizeHint().height()
                  + self.ROW_HEIGHT * min(rows, self.MAX_ROWS) + 4
                  + (16 if columns > self.MAX_COLUMNS else 0))
        self.table.setFixedSize(width, height)
        self.heatmap = pg.GraphicsLayoutWidget()
        self.heatmap.setBackground("w")
        self.heatmap.setFixedSize(width, 40)
        self.heatmap.ci.setContentsMargins(0, 0, 0, 0)
        box = self.heatmap.addViewBox(invertY=True, enableMouse=False)
        box.setMenuEnabled(False)
        self.image = HeatmapItem(self._hover)
        self.image.setLookupTable(DIVERGING.getLookupTable(nPts=256))
        box.addItem(self.image)
        self.box = box
        self.heatmap.setToolTip("The same table as a heatmap: blue > 0, red < 0, white = 0")
        self.title.setFixedWidth(max(width, 240))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(2)
        column.addWidget(self.title)
        column.addWidget(self.table)
        column.addWidget(self.heatmap)
        column.addStretch(1)

    def set_table(self, table: np.ndarray) -> None:
        self.model.set_table(table)
        scale = scale_of(table)
        self.image.setImage(table.T, levels=(-scale, scale), autoLevels=False)
        self.image.setRect(QRectF(0, 0, table.shape[1], table.shape[0]))
        self.box.autoRange(padding=0)

    def _hover(self, row: int, column: int) -> None:
        rows, columns = self.model.table.shape
        inside = 0 <= row < rows and 0 <= column < columns
        self._on_hover(self.model.describe(row, column) if inside else "")
