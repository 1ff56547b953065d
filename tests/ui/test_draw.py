"""Drawing a digit with the mouse: the canvas gives a 28×28 MNIST-like image in [0, 1], and the
class probabilities follow the drawing."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from playground.core.experiment import Experiment, Layer
from playground.core.inspection.forward import forward
from playground.ui.views.draw import CANVAS, DrawingCanvas
from tests.ui.gui import open_window, train


def drag(widget, points, button=Qt.LeftButton) -> None:
    """Press at the first point, move through the others with the button held, release."""
    def send(kind, point, pressed, buttons):
        p = QPointF(*point)
        QApplication.sendEvent(widget, QMouseEvent(kind, p, widget.mapToGlobal(p), pressed,
                                                   buttons, Qt.NoModifier))

    send(QEvent.MouseButtonPress, points[0], button, button)
    for point in points[1:]:
        send(QEvent.MouseMove, point, Qt.NoButton, button)
    send(QEvent.MouseButtonRelease, points[-1], button, Qt.NoButton)


def test_mouse_drawing_gives_a_28_by_28_image_in_0_1(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    canvas.show()
    assert canvas.is_empty and not canvas.image().any()
    with qtbot.waitSignal(canvas.changed):
        drag(canvas, [(60 + 4 * i, 50 + 8 * i) for i in range(25)])
    assert canvas.drawing.max() == pytest.approx(1.0)
    image = canvas.image()
    assert image.shape == (28, 28) and image.dtype == np.float32
    assert image.min() >= 0.0 and image.max() == pytest.approx(1.0)
    ink = np.argwhere(image > 0.05)
    assert (ink.max(axis=0) - ink.min(axis=0) + 1).max() == 20  # MNIST's 20×20 box
    rows, cols = np.indices(image.shape)
    # Centred by mass, as MNIST: shifted by whole pixels, so within half a pixel (plus float32).
    assert abs((rows * image).sum() / image.sum() - 14) <= 0.5 + 1e-4
    assert abs((cols * image).sum() / image.sum() - 14) <= 0.5 + 1e-4

    drag(canvas, [(60 + 4 * i, 50 + 8 * i) for i in range(25)], Qt.RightButton)
    assert not canvas.drawing.any()  # the right button rubbed it all out
    canvas.stroke([(10, 10), (CANVAS + 50, CANVAS + 50)])  # off the edge: clipped, no error
    canvas.clear()
    assert canvas.is_empty


@pytest.mark.needs_datasets
def test_probabilities_follow_the_drawing(qtbot):
    experiment = Experiment(dataset="mnist", layers=(Layer(64, "relu"),),
                            loss="sparse-categorical", optimizer="adam", learning_rate=0.001,
                            batch_size=32, epochs=2, train_size=5000, test_size=500)
    window = open_window(qtbot, experiment)
    view = window.views["draw"]
    window.tabs.setCurrentWidget(view)
    assert view.stack.currentWidget() is view.content
    assert train(qtbot, window) == "finished"
    qtbot.waitUntil(lambda: "Draw a digit" in view.answer.text())

    drag(view.canvas, [(140, 40 + 10 * i) for i in range(21)])  # a vertical stroke: a one
    qtbot.waitUntil(lambda: view.probabilities is not None)
    expected = forward(window.session.history.latest_weights, window.session.activations,
                       view.canvas.image().reshape(1, -1))[0]
    np.testing.assert_allclose(view.probabilities, expected)
    assert view.probabilities.sum() == pytest.approx(1.0)
    assert int(view.probabilities.argmax()) == 1
    assert "It looks like <b>1</b>" in view.answer.text()
    assert view.chart.values.tolist() == pytest.approx(view.probabilities.tolist())

    view.clear_button.click()
    qtbot.waitUntil(lambda: view.probabilities is None)
    assert "Draw a digit" in view.answer.text()
    window.close()


def test_a_short_window_shows_the_whole_canvas_smaller_and_draws_where_the_mouse_is(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(CANVAS, 175)  # the room a 1280 × 720 window leaves the tab
    canvas.show()
    assert canvas.side == 175 and canvas.maximumWidth() == 175  # square, not cut off
    drag(canvas, [(87, 20 + 5 * i) for i in range(28)])  # down the middle of what is shown
    rows, columns = np.nonzero(canvas.drawing > 0.5)
    assert abs(columns.mean() - CANVAS / 2) < 4 and rows.max() > 0.8 * CANVAS
