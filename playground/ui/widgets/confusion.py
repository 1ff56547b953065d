"""The confusion matrix: for each true class (row), how the test images of that class were
answered (columns). Clicking a cell asks the gallery for exactly those images; clicking a row's
name asks for every image of that class."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

#: Short column headings for Fashion-MNIST, whose full names do not fit ten columns.
SHORT_NAMES = {"T-shirt/top": "T-shirt", "Ankle boot": "Boot"}


#: The counts' colour: every cell is a light tint (white, pale green, pink) in either theme.
CELL_TEXT = "#1a1a1a"


def short_name(name: str) -> str:
    return SHORT_NAMES.get(name, name)


def cell_colour(count: int, row_total: int, diagonal: bool) -> QColor:
    """Green for right answers, red for mistakes, stronger for a larger share of the row."""
    share = count / row_total if row_total else 0.0
    if count == 0:
        return QColor("white")
    if diagonal:
        strength = share
        base = (47, 158, 68)
    else:
        strength = min(1.0, 0.15 + 4 * share)  # mistakes are rarer: make them show
        base = (214, 51, 108)
    mix = 0.15 + 0.6 * strength
    return QColor(*(int(255 - (255 - c) * mix) for c in base))


class ConfusionView(QWidget):
    #: (true class, predicted class) of a clicked cell.
    cell_chosen = Signal(int, int)
    #: A row heading was clicked: every image of this true class.
    true_class_chosen = Signal(int)

    def __init__(self, parent=None, noun: str = "images", clickable: bool = True):
        super().__init__(parent)
        self.setObjectName("confusion_view")
        #: What is counted ("images", "test rows"); cells say "click" only where a click shows them.
        self.noun, self.clickable = noun, clickable
        self.counts: np.ndarray | None = None
        self.names: tuple[str, ...] = ()
        self.note = QLabel("Rows: true class · columns: the network's answer · diagonal: "
                           "right answers." + (f" Click a cell to see its {noun}."
                                               if clickable else f" Counted on the {noun}."))
        self.note.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setObjectName("confusion_table")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.cellClicked.connect(self._on_cell)
        self.table.verticalHeader().sectionClicked.connect(self.true_class_chosen.emit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def set_classes(self, names) -> None:
        names = tuple(names)
        if names == self.names:
            return
        self.names = names
        n = len(names)
        self.table.setRowCount(n)
        self.table.setColumnCount(n)
        # Rows carry the names; columns the class numbers, so ten columns stay narrow.
        numbered = any(name != str(i) for i, name in enumerate(names))
        self.table.setVerticalHeaderLabels(
            [f"{i} {name} " if numbered else f"{name} " for i, name in enumerate(names)])
        self.table.setHorizontalHeaderLabels([str(i) for i in range(n)])
        for column, name in enumerate(names):
            self.table.horizontalHeaderItem(column).setToolTip(f"answered {name}")
            self.table.verticalHeaderItem(column).setToolTip(
                f"true class {name}" + (f": click to see all its {self.noun}"
                                        if self.clickable else ""))
        self.clear_counts()

    def clear_counts(self) -> None:
        self.counts = None
        n = len(self.names)
        for r in range(n):
            for c in range(n):
                item = QTableWidgetItem("")
                item.setTextAlignment(Qt.AlignCenter)
                self.table.setItem(r, c, item)

    def set_counts(self, counts: np.ndarray) -> None:
        self.counts = np.asarray(counts)
        totals = self.counts.sum(axis=1)
        names = self.names
        for r in range(len(names)):
            for c in range(len(names)):
                count = int(self.counts[r, c])
                item = self.table.item(r, c)
                item.setText(f"{count:,}" if count else "·")
                item.setBackground(QBrush(cell_colour(count, int(totals[r]), r == c)))
                item.setForeground(QBrush(QColor(CELL_TEXT)))  # the theme's white was unreadable
                if r == c:
                    tip = f"{count:,} of {int(totals[r]):,} {names[r]} {self.noun} answered right"
                else:
                    tip = f"{count:,} {names[r]} {self.noun} taken for {names[c]}"
                item.setToolTip(tip + (" — click to show them"
                                       if count and self.clickable else ""))

    def _on_cell(self, row: int, column: int) -> None:
        self.cell_chosen.emit(row, column)
