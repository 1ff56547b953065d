"""Parallel coordinates for a sweep of three or more settings: one vertical axis per varied
setting plus one for the final metric, and a line per setting combination coloured by that metric.
Hovering near a line shows its exact values; clicking it says which row was chosen (`chosen`).

Values of a setting sit evenly spaced on its axis in grid order; lines that share a value are
spread a little around it, so every combination stays visible and clickable.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Signal
from PySide6.QtWidgets import QToolTip

from playground.core.training.sweep import Aggregate, settings_text, value_text

#: Half the band, in axis units (an axis spans 0..1), that lines sharing a value spread over.
SPREAD = 0.08
#: How near (pixels) the mouse must be to a line to hover or click it.
NEAR_PIXELS = 8.0


class ParallelCoordinatesPlot(pg.PlotWidget):
    #: A line was clicked: its index in the rows shown.
    chosen = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("sweep_parallel")
        self.setMinimumHeight(180)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getAxis("left").setTicks([[]])
        self.getAxis("left").setStyle(showValues=False)
        self.rows: list[Aggregate] = []
        self.fields: list[str] = []
        self.lines: list[pg.PlotCurveItem] = []
        #: Each line's points in plot coordinates: shape (rows, axes, 2).
        self.points = np.zeros((0, 0, 2))
        self.colormap = pg.colormap.get("viridis")
        self._decorations: list = []
        self.hovered: int | None = None
        self.scene().sigMouseClicked.connect(self._clicked)
        self.scene().sigMouseMoved.connect(self._moved)

    # ----- showing -----
    def show_rows(self, fields: list[str], rows: list[Aggregate]) -> None:
        """Draw one line per row over an axis per field and one for the metric."""
        self.fields, self.rows = list(fields), list(rows)
        for item in self.lines + self._decorations:
            self.removeItem(item)
        self.lines, self._decorations, self.hovered = [], [], None
        if not self.rows:
            self.points = np.zeros((0, 0, 2))
            return
        means = np.array([row.mean for row in self.rows], dtype=float)
        finite = means[np.isfinite(means)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        columns = [self._setting_heights(field) for field in self.fields]
        columns.append(np.where(np.isfinite(means), _scaled(means, low, high), 0.0))
        heights = np.stack(columns, axis=1)
        x = np.arange(heights.shape[1], dtype=float)
        self.points = np.stack([np.broadcast_to(x, heights.shape), heights], axis=2)
        for index, row in enumerate(self.rows):
            line = pg.PlotCurveItem(x, heights[index], pen=self._pen(row.mean, low, high))
            line.setToolTip(self.tip(index))
            self.addItem(line)
            self.lines.append(line)
        self._draw_axes(low, high)
        self.setXRange(-0.3, len(x) - 0.7, padding=0)
        self.setYRange(-0.12, 1.1, padding=0)

    def _setting_heights(self, field: str) -> np.ndarray:
        """Each row's height on `field`'s axis: its value's place, spread among its sharers."""
        values = _distinct(row.settings[field] for row in self.rows)
        places = [values.index(row.settings[field]) for row in self.rows]
        heights = np.zeros(len(self.rows))
        for place in range(len(values)):
            sharers = [i for i, p in enumerate(places) if p == place]
            offsets = np.linspace(-SPREAD, SPREAD, len(sharers)) if len(sharers) > 1 else [0.0]
            for i, offset in zip(sharers, offsets):
                heights[i] = _place(place, len(values)) + offset
        return heights

    def _pen(self, mean: float, low: float, high: float):
        if not math.isfinite(mean):
            return pg.mkPen("#999999", width=2, style=pg.QtCore.Qt.DashLine)
        return pg.mkPen(self.colormap.map(_scaled(np.array([mean]), low, high)[0], mode="qcolor"),
                        width=2)

    def _draw_axes(self, low: float, high: float) -> None:
        metric = self.rows[0].metric.replace("_", " ")
        names = self.fields + [metric]
        for i in range(len(names)):
            self._add(pg.InfiniteLine(pos=i, angle=90, pen=pg.mkPen("#888888", width=1)))
        for i, field in enumerate(self.fields):
            values = _distinct(row.settings[field] for row in self.rows)
            for place, value in enumerate(values):
                self._label(i, _place(place, len(values)), value_text(field, value))
        for value in (low, (low + high) / 2, high) if high > low else (low,):
            self._label(len(self.fields), float(_scaled(np.array([value]), low, high)[0]),
                        f"{value:.4g}")
        self.getAxis("bottom").setTicks([[(i, name) for i, name in enumerate(names)]])

    def _label(self, x: float, y: float, text: str) -> None:
        label = pg.TextItem(text, color="#cccccc", anchor=(1.05, 0.5))
        label.setPos(x, y)
        self._add(label)

    def _add(self, item) -> None:
        self.addItem(item)
        self._decorations.append(item)

    # ----- finding lines -----
    def tip(self, index: int) -> str:
        row = self.rows[index]
        runs = f"{row.runs} run{'s' if row.runs > 1 else ''}"
        return (f"{settings_text(row.settings)}\n{row.metric} {_exact(row.mean)} ± "
                f"{_exact(row.spread)} ({runs}, {row.seconds:.2f} s a run); click to load it")

    def scene_point(self, index: int, fraction: float = 0.1, segment: int = 0) -> QPointF:
        """Where line `index` passes, `fraction` of the way along its `segment`-th span
        (scene coordinates): what a test or a tour clicks."""
        start, end = self.points[index, segment], self.points[index, segment + 1]
        x, y = start + fraction * (end - start)
        return self.getViewBox().mapViewToScene(QPointF(float(x), float(y)))

    def line_at(self, scene_pos: QPointF) -> int | None:
        """The line nearest a scene position, if within `NEAR_PIXELS`; None otherwise."""
        if not len(self.rows):
            return None
        view = self.getViewBox()
        best, best_distance = None, NEAR_PIXELS
        for index in range(len(self.rows)):
            scene = [view.mapViewToScene(QPointF(float(x), float(y)))
                     for x, y in self.points[index]]
            for a, b in zip(scene, scene[1:]):
                distance = _segment_distance(scene_pos, a, b)
                if distance <= best_distance:
                    best, best_distance = index, distance
        return best

    def _clicked(self, event) -> None:
        index = self.line_at(event.scenePos())
        if index is not None:
            self.chosen.emit(index)

    def _moved(self, scene_pos) -> None:
        index = self.line_at(scene_pos)
        if index == self.hovered:
            return
        if self.hovered is not None and self.hovered < len(self.lines):
            pen = self.lines[self.hovered].opts["pen"]
            self.lines[self.hovered].setPen(pg.mkPen(pen.color(), width=2, style=pen.style()))
        self.hovered = index
        if index is None:
            QToolTip.hideText()
            return
        pen = self.lines[index].opts["pen"]
        self.lines[index].setPen(pg.mkPen(pen.color(), width=4, style=pen.style()))
        global_pos = self.mapToGlobal(self.mapFromScene(scene_pos))
        QToolTip.showText(global_pos, self.tip(index), self)


def _distinct(values) -> list:
    seen: list = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def _place(place: int, count: int) -> float:
    """A value's height on its axis: evenly spaced from 0 to 1 (the middle when alone)."""
    return 0.5 if count == 1 else place / (count - 1)


def _scaled(values: np.ndarray, low: float, high: float) -> np.ndarray:
    return (values - low) / (high - low) if high > low else np.full(values.shape, 0.5)


def _segment_distance(p: QPointF, a: QPointF, b: QPointF) -> float:
    ax, ay, bx, by, px, py = a.x(), a.y(), b.x(), b.y(), p.x(), p.y()
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _exact(value: float) -> str:
    return f"{value:.6g}" if math.isfinite(value) else "not measured"
