"""A sweep's results: a sortable table (mean ± spread over seeds, time per run) and a plot, a
heatmap for two settings, a line with error bars for one, parallel coordinates for three or more.
Clicking a row, a cell, a point or a line says which setting was chosen (`chosen`); exact values
show on hover everywhere.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from playground.core.training.sweep import Aggregate, settings_text, value_text
from playground.ui.widgets.parallel_coordinates import ParallelCoordinatesPlot


class _NumberItem(QTableWidgetItem):
    """Sorts by its number, not its text (NaN last)."""

    def __init__(self, text: str, number: float):
        super().__init__(text)
        self.number = number
        self.setData(Qt.UserRole, number)

    def __lt__(self, other) -> bool:
        mine = self.number if math.isfinite(self.number) else math.inf
        theirs = getattr(other, "number", math.inf)
        return mine < (theirs if math.isfinite(theirs) else math.inf)


def mean_text(row: Aggregate) -> str:
    if not math.isfinite(row.mean):
        return "–"
    return f"{row.mean:.4f} ± {row.spread:.4f}" if row.runs > 1 else f"{row.mean:.4f}"


class SweepResultsView(QWidget):
    #: A setting was clicked: its `Aggregate` row.
    chosen = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Aggregate] = []
        self.fields: list[str] = []
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("sweep_table")
        self.table.setSortingEnabled(True)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.cellClicked.connect(self._table_clicked)
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("sweep_plot")
        self.plot.setMinimumHeight(180)
        self.plot.scene().sigMouseClicked.connect(self._plot_clicked)
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.labels: list[pg.TextItem] = []
        self.curve = pg.PlotDataItem(pen=pg.mkPen("#1f77b4", width=2))
        self.errors = pg.ErrorBarItem(pen=pg.mkPen("#1f77b4"), beam=0.15)
        self.points = pg.ScatterPlotItem(size=10, brush="#1f77b4", hoverable=True,
                                         tip=self._point_tip)
        self.points.sigClicked.connect(self._point_clicked)
        for item in (self.image, self.curve, self.errors, self.points):
            self.plot.addItem(item)
        self.parallel = ParallelCoordinatesPlot()
        self.parallel.chosen.connect(self.choose)
        self.parallel.setVisible(False)
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.plot)
        splitter.addWidget(self.parallel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # ----- showing -----
    def show_results(self, fields: list[str], rows: list[Aggregate]) -> None:
        """Fill the table and the plot with `rows` (one per setting, grid order)."""
        self.fields, self.rows = list(fields), list(rows)
        self._fill_table()
        self._draw()

    def _fill_table(self) -> None:
        table, metric = self.table, self.rows[0].metric if self.rows else "metric"
        table.setSortingEnabled(False)
        headings = self.fields + [metric.replace("_", " ") + " (mean ± spread)", "runs",
                                  "s a run"]
        table.setColumnCount(len(headings))
        table.setHorizontalHeaderLabels(headings)
        table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = [_NumberItem(value_text(f, row.settings[f]), _order(row.settings[f]))
                     for f in self.fields]
            cells += [_NumberItem(mean_text(row), row.mean),
                      _NumberItem(str(row.runs), row.runs),
                      _NumberItem(f"{row.seconds:.2f}", row.seconds)]
            for c, item in enumerate(cells):
                item.setData(Qt.UserRole + 1, r)  # the row's index in `rows`, whatever the sort
                item.setToolTip(f"{settings_text(row.settings)}: {metric} "
                                f"{_exact(row.mean)} ± {_exact(row.spread)} over {row.runs} "
                                f"run{'s' if row.runs > 1 else ''}; click to load its settings")
                table.setItem(r, c, item)
        table.setSortingEnabled(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)

    def _draw(self) -> None:
        for label in self.labels:
            self.plot.removeItem(label)
        self.labels = []
        many = len(self.fields) > 2  # parallel coordinates instead of the plot
        self.plot.setVisible(not many)
        self.parallel.setVisible(many)
        if many:
            self.parallel.show_rows(self.fields, self.rows)
            return
        two = len(self.fields) == 2
        self.image.setVisible(two)
        for item in (self.curve, self.errors, self.points):
            item.setVisible(not two and bool(self.rows))
        if not self.rows:
            return
        if two:
            self._draw_heatmap()
        else:
            self._draw_line()

    def _axis_values(self, field: str) -> list:
        seen: list = []
        for row in self.rows:
            if row.settings[field] not in seen:
                seen.append(row.settings[field])
        return seen

    def _draw_heatmap(self) -> None:
        first, second = (self._axis_values(f) for f in self.fields)
        grid = np.full((len(first), len(second)), np.nan)
        for row in self.rows:
            i, j = first.index(row.settings[self.fields[0]]), \
                second.index(row.settings[self.fields[1]])
            grid[i, j] = row.mean
            label = pg.TextItem(mean_text(row), color="w", anchor=(0.5, 0.5))
            label.setPos(i + 0.5, j + 0.5)
            self.plot.addItem(label)
            self.labels.append(label)
        finite = grid[np.isfinite(grid)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self.image.setImage(np.nan_to_num(grid, nan=low), levels=(low, high or 1.0))
        self.image.setRect(0, 0, len(first), len(second))
        self._ticks(first, second)
        self.plot.setLabel("bottom", self.fields[0])
        self.plot.setLabel("left", self.fields[1])
        self.plot.autoRange()

    def _draw_line(self) -> None:
        field = self.fields[0]
        values = self._axis_values(field)
        x = np.arange(len(self.rows), dtype=float)
        mean = np.array([r.mean for r in self.rows])
        spread = np.nan_to_num(np.array([r.spread for r in self.rows]))
        self.curve.setData(x, mean)
        self.errors.setData(x=x, y=mean, height=2 * spread)
        self.points.setData(x=x, y=mean, data=list(range(len(self.rows))))
        self._ticks(values, None)
        self.plot.setLabel("bottom", field)
        self.plot.setLabel("left", self.rows[0].metric.replace("_", " "))
        self.plot.autoRange()

    def _ticks(self, bottom: list, left: list | None) -> None:
        offset = 0.5 if left is not None else 0.0
        self.plot.getAxis("bottom").setTicks(
            [[(i + offset, value_text(self.fields[0], v)) for i, v in enumerate(bottom)]])
        self.plot.getAxis("left").setTicks(
            None if left is None else
            [[(j + 0.5, value_text(self.fields[1], v)) for j, v in enumerate(left)]])

    # ----- choosing -----
    def choose(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            self.chosen.emit(self.rows[index])

    def heatmap_row(self, x: float, y: float) -> int | None:
        """The row drawn at heatmap point (x, y) (plot coordinates), or None."""
        if len(self.fields) != 2 or x < 0 or y < 0:
            return None
        first, second = (self._axis_values(f) for f in self.fields)
        i, j = int(x), int(y)
        if i >= len(first) or j >= len(second):
            return None
        wanted = {self.fields[0]: first[i], self.fields[1]: second[j]}
        return next((k for k, row in enumerate(self.rows) if row.settings == wanted), None)

    def _table_clicked(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.choose(int(item.data(Qt.UserRole + 1)))

    def _plot_clicked(self, event) -> None:
        if len(self.fields) != 2:
            return
        point = self.plot.getViewBox().mapSceneToView(event.scenePos())
        index = self.heatmap_row(point.x(), point.y())
        if index is not None:
            self.choose(index)

    def _point_clicked(self, _item, points, *_args) -> None:
        if len(points):
            self.choose(int(points[0].data()))

    def _point_tip(self, x, y, data) -> str:
        row = self.rows[int(data)] if 0 <= int(data) < len(self.rows) else None
        if row is None:
            return ""
        return f"{settings_text(row.settings)}\n{row.metric} {_exact(row.mean)} ± " \
               f"{_exact(row.spread)} ({row.runs} runs)"


def _order(value) -> float:
    """A number to sort a setting by (layer lists by total units)."""
    if isinstance(value, tuple):
        return float(sum(value))
    try:
        return float(value)
    except (TypeError, ValueError):
        return float(hash(value) % 1000)


def _exact(value: float) -> str:
    return f"{value:.6g}" if math.isfinite(value) else "not measured"
