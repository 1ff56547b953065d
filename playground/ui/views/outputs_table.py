"""The Outputs tab's table: one line per listed row, its target, output, class and right/wrong.

Kept apart from the view (outputs.py), which chooses the epoch and the rows: the table is made
once per row set (`fill`) and then only has its cells' text and data set (`show_outputs`); a
row's colours are set again only when it turns right or wrong, since every brush set repaints
the row. Only the rows in view are written at once; the others when they scroll into view or
are read (`values`): a 1,000-row set took ~35 ms a redraw. Columns are fitted to their text
when it grows, not by the header's ResizeToContents mode: that mode measured every row of
every column again at each cell set (a 64-row table took over a second a redraw).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

from playground.core.inspection.metrics import class_label, classify, output_heading, shown_output
from playground.ui.views.output_rows import (RIGHT_BG, WRONG_BG, TranslucentSelection, _number,
                                             describe_row, probability_columns, row_sets,
                                             target_text)

#: Text on the light right/wrong row colours, in any theme.
ROW_TEXT = QBrush(QColor("#1a1a1a"))
#: The filter's choices, in the order of its menu.
ALL_ROWS, WRONG_ONLY, RIGHT_ONLY = 0, 1, 2


class OutputsTable(QTableWidget):
    """The listed rows and what the network answers for each (numbers under Qt.UserRole)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setToolTip("Each input row: its target, the network's output, the class that "
                        "output implies at the threshold, and whether it is right. Select rows "
                        "to choose the curves on the right.")
        self.setItemDelegate(TranslucentSelection(self))
        self.columns: list[str] = []
        self.row_names: list[str] = []  # how each listed row reads in the legend
        self.rows_x: np.ndarray = np.zeros((0, 0))  # the listed rows and their labels
        self.rows_labels: np.ndarray = np.zeros(0, int)
        self._row_right: list = []  # each row's right/wrong as last coloured (None: not yet)
        self._fitted: dict[int, int] = {}  # column -> the longest text its width was fitted to
        self.horizontalHeader().setStretchLastSection(True)
        # The latest answers: a function writing row r's cells, the rows not written yet, and
        # each row's right/wrong (None: a regression, or no answers yet).
        self._write = None
        self._stale = np.zeros(0, bool)
        self._right: np.ndarray | None = None
        self.verticalScrollBar().valueChanged.connect(lambda _value: self._write_visible())

    def fill(self, session, row_set: str) -> None:
        """List the rows of `row_set` (see `row_sets`): inputs and targets; no outputs yet."""
        s = session
        dataset = s.dataset
        _text, self.rows_x, self.rows_labels = row_sets(s)[row_set]
        features = list(dataset.feature_names) if dataset.n_inputs <= 6 else ["inputs"]
        images = s.has_images
        regression = dataset.is_regression
        self.columns = features + (["target", "output", "error"] if regression else
                                   ["target", *probability_columns(dataset, s.encoding),
                                    output_heading(s.experiment.output), "class", "result"])
        self.row_names = []
        # The last row set's writer must not run on the emptied table (a resize while it fills).
        self._write, self._stale = None, np.zeros(0, bool)
        self.clearContents()
        self.setRowCount(len(self.rows_x))
        self.setColumnCount(len(self.columns))
        self.setHorizontalHeaderLabels(self.columns)
        longest = {c: len(name) for c, name in enumerate(self.columns)}
        for r, (row, label) in enumerate(zip(self.rows_x, self.rows_labels)):
            self.row_names.append(f"test image {r + 1}" if images else describe_row(row))
            cells = ([_number(v) for v in row] if len(features) == len(row)
                     else [self.row_names[-1]]) + [target_text(dataset, s.encoding, label)]
            for c, text in enumerate(cells + [""] * (len(self.columns) - len(cells))):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignCenter)
                self.setItem(r, c, item)
                longest[c] = max(longest[c], len(text))
        self._row_right = [None] * len(self.rows_x)
        self._fitted = {}
        self._write, self._stale, self._right = None, np.zeros(len(self.rows_x), bool), None
        self._fit_columns(longest)

    def _set(self, r: int, c: int, text: str, value, longest: dict[int, int]) -> None:
        """A cell's text and exact value; `longest` keeps each column's longest text."""
        item = self.item(r, c)
        item.setText(text)
        item.setData(Qt.UserRole, value)
        longest[c] = max(longest.get(c, 0), len(text))

    def _fit_columns(self, longest: dict[int, int]) -> None:
        """Fit the columns to their text when some column's text (`longest`: its length) is
        longer than at the last fit: a string length per cell, not Qt measuring every cell."""
        if any(n > self._fitted.get(c, -1) for c, n in longest.items()):
            self._fitted.update({c: max(n, self._fitted.get(c, 0)) for c, n in longest.items()})
            self.resizeColumnsToContents()

    def show_outputs(self, session, outputs: np.ndarray) -> None:
        """The network's `outputs` for the listed rows (rows × units), classified at the
        session's threshold; a regression's output and error. Rows out of view are written
        when they come into view."""
        s = session
        values = shown_output(outputs, s.encoding)
        if s.dataset.is_regression:
            first = self.columns.index("output")
            errors = values - np.asarray(self.rows_labels, np.float64)
            self._right = None

            def write(r: int, longest: dict[int, int]) -> None:
                for c, value in enumerate((float(values[r]), float(errors[r])), start=first):
                    self._set(r, c, f"{value:.4f}", value, longest)
        else:
            classes, right = classify(outputs, self.rows_labels, s.encoding, s.threshold)
            self._right = right
            first = self.columns.index("class") - 1
            per_class = len(probability_columns(s.dataset, s.encoding))

            def write(r: int, longest: dict[int, int]) -> None:
                for k in range(per_class):  # every class's probability
                    self._set(r, first - per_class + k, f"{outputs[r, k]:.4f}",
                              float(outputs[r, k]), longest)
                cells = (f"{values[r]:.4f}", class_label(s.dataset, s.encoding, int(classes[r])),
                         "✓ right" if right[r] else "✗ wrong")
                data = (float(values[r]), int(classes[r]), bool(right[r]))
                for c, (text, value) in enumerate(zip(cells, data), start=first):
                    self._set(r, c, text, value, longest)
                if self._row_right[r] != right[r]:  # colours only when right/wrong flips
                    self._row_right[r] = bool(right[r])
                    brush = QBrush(RIGHT_BG if right[r] else WRONG_BG)
                    for c in range(len(self.columns)):
                        self.item(r, c).setBackground(brush)
                        self.item(r, c).setForeground(ROW_TEXT)  # readable in a dark theme
        self._write = write
        self._stale = np.ones(len(values), bool)
        self._write_visible()

    def _write_rows(self, rows) -> None:
        longest: dict[int, int] = {}
        for r in rows:
            if self._stale[r]:
                self._stale[r] = False
                self._write(r, longest)
        self._fit_columns(longest)

    def _write_visible(self) -> None:
        """Write the rows in view that still show older answers."""
        if self._write is None or not self._stale.any():
            return
        top, bottom = self.rowAt(0), self.rowAt(self.viewport().height() - 1)
        self._write_rows(range(max(top, 0), bottom + 1 if bottom >= 0 else len(self._stale)))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._write_visible()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._write_visible()

    def filter_rows(self, mode: int) -> None:
        """Hide the rows `mode` leaves out (ALL_ROWS, WRONG_ONLY, RIGHT_ONLY)."""
        right = self._right
        for r in range(self.rowCount()):
            wrong = right is not None and not right[r]
            self.setRowHidden(r, (mode == WRONG_ONLY and not wrong)
                              or (mode == RIGHT_ONLY and wrong))
        self._write_visible()  # other rows came into view

    def values(self, column: str) -> list:
        """The exact values of a column, top to bottom (numbers for output and class)."""
        c = self.columns.index(column)
        if self._write is not None:
            self._write_rows(np.flatnonzero(self._stale))  # every row, as a reader expects
        items = [self.item(r, c) for r in range(self.rowCount())]
        return [item.data(Qt.UserRole) if item.data(Qt.UserRole) is not None else item.text()
                for item in items]
