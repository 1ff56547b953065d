"""Your own points: clicking on the boundary plot adds a point of the chosen class, right-click
deletes it, Clear empties the set; the window rebuilds the data from the points setting."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from playground.core.data import planar
from playground.core.experiment import Experiment
from tests.ui.gui import open_window

DRAWN = Experiment(dataset="drawn", classes=2, loss="bce", epochs=5, batch_size=1,
                   test_fraction=0.2)


def pixel(view, x1: float, x2: float) -> QPoint:
    """Where the plane's point (x1, x2) is in the plot's viewport."""
    box = view.plot.getPlotItem().getViewBox()
    return view.plot.mapFromScene(box.mapViewToScene(QPointF(x1, x2)))


def last_point(window) -> tuple[float, float, int]:
    """The last point of the form's points setting."""
    x, labels, _ = planar.parse_points(window.form.experiment.points, 2)
    return float(x[-1, 0]), float(x[-1, 1]), int(labels[-1])


def rows(window) -> int:
    return window.session.dataset.rows


def test_click_adds_a_point_of_the_chosen_class_and_right_click_deletes_it(qtbot):
    window = open_window(qtbot, DRAWN)
    view = window.views["boundary"]
    editor = view.editor
    starter = len(planar.STARTER_POINTS.split(";"))
    qtbot.waitUntil(lambda: window.session.dataset is not None and rows(window) == starter)
    assert editor.isVisible() and editor.picker.count() == 2
    qtbot.mouseClick(view.plot.viewport(), Qt.LeftButton, pos=pixel(view, 0.0, 2.0))
    qtbot.waitUntil(lambda: rows(window) == starter + 1, timeout=10_000)
    x1, x2, label = last_point(window)
    assert abs(x1) < 0.05 and abs(x2 - 2.0) < 0.05 and label == 0
    x = np.concatenate([window.session.dataset.x_train, window.session.dataset.x_test])
    assert np.isclose(x, [0.0, 2.0], atol=0.1).all(axis=1).any()  # about where it was clicked

    editor.picker.setCurrentIndex(1)
    qtbot.mouseClick(view.plot.viewport(), Qt.LeftButton, pos=pixel(view, 2.0, 2.0))
    qtbot.waitUntil(lambda: rows(window) == starter + 2, timeout=10_000)
    x1, x2, label = last_point(window)
    assert abs(x1 - 2.0) < 0.05 and abs(x2 - 2.0) < 0.05 and label == 1

    qtbot.mouseClick(view.plot.viewport(), Qt.RightButton, pos=pixel(view, 0.0, 2.0))
    qtbot.waitUntil(lambda: rows(window) == starter + 1, timeout=10_000)
    x1, x2, label = last_point(window)
    assert abs(x1 - 2.0) < 0.05 and label == 1  # the class-0 point at (0, 2) is gone

    editor.clear_button.click()
    qtbot.waitUntil(lambda: "at least 4 points" in window.form.field_error("points"))
    assert len(editor.marks.data) == 0


def drag(widget, start: QPoint, end: QPoint) -> None:
    """Press at `start`, move to `end` in steps with the button held, release."""
    def send(kind, point, pressed, buttons):
        p = QPointF(point)
        QApplication.sendEvent(widget, QMouseEvent(kind, p, widget.mapToGlobal(p), pressed,
                                                   buttons, Qt.NoModifier))

    send(QEvent.MouseButtonPress, start, Qt.LeftButton, Qt.LeftButton)
    for i in range(1, 11):
        step = start + (end - start) * (i / 10)
        send(QEvent.MouseMove, step, Qt.NoButton, Qt.LeftButton)
    send(QEvent.MouseButtonRelease, end, Qt.LeftButton, Qt.NoButton)


def test_dragging_a_point_moves_it(qtbot):
    points = "-2,2,0; -2,-2,0; 2,2,1; 2,-2,1; 0,0,1"
    window = open_window(qtbot, DRAWN.replace(points=points))
    view = window.views["boundary"]
    qtbot.waitUntil(lambda: window.session.dataset is not None and rows(window) == 5)
    drag(view.plot.viewport(), pixel(view, 0.0, 0.0), pixel(view, 1.0, -1.5))
    qtbot.waitUntil(lambda: "0,0,1" not in window.form.experiment.points, timeout=10_000)
    x1, x2, label = last_point(window)  # the same point, same class, moved
    assert abs(x1 - 1.0) < 0.05 and abs(x2 + 1.5) < 0.05 and label == 1
    assert rows(window) == 5


def test_other_data_has_no_points_editor(qtbot):
    window = open_window(qtbot, Experiment(dataset="circle", loss="bce", epochs=5,
                                           validation_split=0.0, batch_size=10))
    assert not window.views["boundary"].editor.isVisible()
