"""Draw your own points on the decision-boundary plot ("Your own points", dataset `drawn`).

Click to add a point of the class chosen beside the plot, drag a point to move it, right-click
to delete it; *Clear* removes them all. Every edit becomes the `points` setting (text, so it is
saved, opened again and exported like any setting) through `session.request_experiment`: the
form takes it and the window builds the new data, as after any change of settings.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from playground.core.data.planar import format_points, parse_points
from playground.ui.views.outputs import class_colours

#: A click within this many pixels of a point picks it (to drag or delete).
PICK_PIXELS = 8


class PointsEditor(QWidget):
    """The class picker and Clear; edits the points of the plot it is given."""

    def __init__(self, session, plot: pg.PlotWidget, parent=None):
        super().__init__(parent)
        self.session = session
        self.plot = plot
        self.setObjectName("points_editor")
        self.picker = QComboBox()
        self.picker.setObjectName("point_class")
        self.picker.setToolTip("The class a click adds")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("clear_points")
        self.clear_button.setToolTip("Remove every drawn point")
        self.clear_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Click adds"))
        layout.addWidget(self.picker)
        layout.addWidget(self.clear_button)
        self.x = np.zeros((0, 2), np.float32)
        self.labels = np.zeros(0, np.int64)
        self._dragged: int | None = None
        self.active = False
        plot.scene().sigMouseClicked.connect(self._clicked)
        self._box = plot.getPlotItem().getViewBox()
        self._pan = self._box.mouseDragEvent
        self._box.mouseDragEvent = self._drag  # a drag moves a point instead of panning
        # The points as edited, at once (the data follows once the form has them and at
        # least MIN_POINTS are drawn): a black dot in each.
        self.marks = pg.ScatterPlotItem(size=4, brush=pg.mkBrush("k"), pen=None)
        self.marks.setZValue(20)
        plot.addItem(self.marks)

    def start(self) -> None:
        """A new model: edit its points when the data is drawn, else stay out of the way."""
        s = self.session
        experiment = s.experiment
        self.active = experiment is not None and experiment.dataset == "drawn"
        self.setVisible(self.active)
        self.marks.setVisible(self.active)
        if not self.active:
            return
        self.x, self.labels, _problem = parse_points(experiment.points, experiment.classes)
        chosen = self.picker.currentIndex()
        colours = class_colours(experiment.classes)
        self.picker.blockSignals(True)
        self.picker.clear()
        for k in range(experiment.classes):
            self.picker.addItem(f"● class {k}", k)
            self.picker.setItemData(k, pg.mkColor(colours[k]), Qt.ForegroundRole)
        self.picker.setCurrentIndex(min(max(chosen, 0), experiment.classes - 1))
        self.picker.blockSignals(False)
        self._show()

    def _show(self) -> None:
        self.marks.setData(self.x[:, 0], self.x[:, 1])

    # ----- edits -----
    def add(self, x1: float, x2: float, label: int | None = None) -> None:
        label = self.picker.currentData() if label is None else label
        self._commit(np.vstack([self.x, [[x1, x2]]]), np.append(self.labels, int(label)))

    def remove(self, index: int) -> None:
        self._commit(np.delete(self.x, index, axis=0), np.delete(self.labels, index))

    def move(self, index: int, x1: float, x2: float) -> None:
        x = self.x.copy()
        x[index] = (x1, x2)
        self._commit(x, self.labels)

    def clear(self) -> None:
        self._commit(np.zeros((0, 2), np.float32), np.zeros(0, np.int64))

    def _commit(self, x, labels) -> None:
        self.x, self.labels = np.asarray(x, np.float32).reshape(-1, 2), np.asarray(labels)
        self._show()
        # ";" (no points), not "": "" is the starter set.
        self.session.request_experiment({"points": format_points(self.x, self.labels) or ";"})

    # ----- the mouse -----
    def _view_point(self, scene_pos) -> QPointF:
        return self._box.mapSceneToView(scene_pos)

    def _nearest(self, scene_pos) -> int | None:
        """The drawn point within PICK_PIXELS of `scene_pos`, if any."""
        if not len(self.x):
            return None
        where = [self._box.mapViewToScene(QPointF(float(a), float(b))) for a, b in self.x]
        distances = [np.hypot(p.x() - scene_pos.x(), p.y() - scene_pos.y()) for p in where]
        best = int(np.argmin(distances))
        return best if distances[best] <= PICK_PIXELS else None

    def _clicked(self, event) -> None:
        if not self.active or not self._box.sceneBoundingRect().contains(event.scenePos()):
            return
        near = self._nearest(event.scenePos())
        if event.button() == Qt.RightButton:
            if near is not None:
                self.remove(near)
            event.accept()
        elif event.button() == Qt.LeftButton and near is None:
            point = self._view_point(event.scenePos())
            self.add(point.x(), point.y())
            event.accept()

    def _drag(self, event, axis=None) -> None:
        if not self.active:
            return self._pan(event, axis)
        event.accept()
        if event.isStart():
            self._dragged = self._nearest(event.buttonDownScenePos())
        if self._dragged is not None and event.isFinish():
            point = self._view_point(event.scenePos())
            index, self._dragged = self._dragged, None
            self.move(index, point.x(), point.y())
