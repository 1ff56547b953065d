"""Draw a digit with the mouse and watch the network's probabilities change as you draw.

The canvas keeps its ink as a 280×280 NumPy array (a soft, thick brush). What the network is
shown is that drawing made MNIST-like (`core.digit_preprocess.mnist_style`: cropped, scaled into
a 20×20 box, centred by mass, 0–1), and, when the run trains on raw 0–255 pixels, scaled the
same way. The probabilities come from the latest weights with NumPy, at most ~30 times a second.
"""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QPointF, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QStackedWidget, QVBoxLayout, QWidget)

from playground.core.inspection import predictions as image_eval
from playground.core.inspection.digits import mnist_style
from playground.core.inspection.forward import forward
from playground.ui.widgets.note import placeholder_note, set_tone
from playground.ui.widgets.probabilities import ProbabilityBars, image_pixmap

CANVAS = 280
#: The smallest the canvas is drawn (it shrinks in a short window; its ink stays 280×280).
MIN_CANVAS = 160
DIGITS = tuple(str(digit) for digit in range(10))
#: Brush radius in canvas pixels: a 200-pixel-tall digit becomes 20 pixels tall, so strokes
#: end up ~2 pixels wide, as in MNIST.
BRUSH_RADIUS = 11.0
#: Fully dark inside this share of the radius, fading to nothing at the edge.
BRUSH_CORE = 0.45
UPDATE_MS = 33
PREVIEW_SCALE = 3  # 84 px: the column beside the canvas fits a 720 px window


def _brush(radius: float = BRUSH_RADIUS, core: float = BRUSH_CORE) -> np.ndarray:
    size = int(np.ceil(radius))
    offsets = np.arange(-size, size + 1)
    distance = np.hypot(*np.meshgrid(offsets, offsets, indexing="ij")) / radius
    return np.clip((1.0 - distance) / (1.0 - core), 0.0, 1.0).astype(np.float32)


class DrawingCanvas(QWidget):
    """A square of paper: press and drag to draw. `drawing` is ink in [0, 1], 280×280, however
    large the square is shown (MIN_CANVAS to CANVAS pixels: a 720 px window cut it off)."""

    #: The drawing changed (every stroke segment).
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("drawing_canvas")
        self.setMinimumSize(MIN_CANVAS, MIN_CANVAS)
        self.setMaximumSize(CANVAS, CANVAS)
        self.setCursor(Qt.CrossCursor)
        self.setToolTip("Draw with the left mouse button; the right button erases")
        self.drawing = np.zeros((CANVAS, CANVAS), np.float32)
        self._brush = _brush()
        self._eraser = _brush(2 * BRUSH_RADIUS, 0.7)  # wider, so it takes soft edges too
        self._last: QPointF | None = None
        self._erasing = False

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(CANVAS, CANVAS)

    # ----- public -----
    def clear(self) -> None:
        self.drawing[:] = 0.0
        self.update()
        self.changed.emit()

    def stroke(self, points, erase: bool = False) -> None:
        """Draw a line through `points` ((x, y) in canvas pixels), as a mouse drag would."""
        points = [QPointF(*p) for p in points]
        if not points:
            return
        self._dab(points[0], erase)
        for a, b in zip(points, points[1:]):
            self._segment(a, b, erase)
        self.update()
        self.changed.emit()

    def image(self) -> np.ndarray:
        """The drawing as the network sees it: (28, 28) float32 in [0, 1]."""
        return mnist_style(self.drawing)

    @property
    def is_empty(self) -> bool:
        return not self.drawing.any()

    # ----- ink -----
    def _dab(self, point: QPointF, erase: bool) -> None:
        brush = self._eraser if erase else self._brush
        r = brush.shape[0] // 2
        cx, cy = int(round(point.x())), int(round(point.y()))
        top, left = cy - r, cx - r
        y0, x0 = max(top, 0), max(left, 0)
        y1, x1 = min(top + brush.shape[0], CANVAS), min(left + brush.shape[1], CANVAS)
        if y0 >= y1 or x0 >= x1:
            return
        patch = brush[y0 - top:y1 - top, x0 - left:x1 - left]
        target = self.drawing[y0:y1, x0:x1]
        if erase:
            np.minimum(target, 1.0 - patch, out=target)
        else:
            np.maximum(target, patch, out=target)  # overlapping dabs do not pile up

    def _segment(self, a: QPointF, b: QPointF, erase: bool) -> None:
        length = np.hypot(b.x() - a.x(), b.y() - a.y())
        steps = max(1, int(np.ceil(length / (BRUSH_RADIUS / 4))))
        for i in range(1, steps + 1):
            t = i / steps
            self._dab(QPointF(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t), erase)

    # ----- Qt -----
    @property
    def side(self) -> int:
        """The square's side on screen, in pixels."""
        return max(1, min(self.width(), self.height()))

    def _ink_point(self, event) -> QPointF:
        """Where the mouse is, in the 280×280 ink's pixels."""
        return event.position() * (CANVAS / self.side)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        # As wide as the layout lets it be tall: a square, with no paper-less strip beside it.
        self.setMaximumWidth(max(MIN_CANVAS, min(self.height(), CANVAS)))

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        grey = np.ascontiguousarray(255 - np.rint(self.drawing * 255).astype(np.uint8))
        image = QImage(grey.data, CANVAS, CANVAS, CANVAS, QImage.Format_Grayscale8)
        side = self.side
        painter = QPainter(self)
        painter.setRenderHint(QPainter.SmoothPixmapTransform)
        painter.drawImage(QRect(0, 0, side, side), image)
        painter.setPen(QPen(QColor("#cfd8e3"), 1, Qt.DashLine))
        margin = (side - side * 20 // 28) // 2  # MNIST's 20×20 box inside 28×28
        painter.drawRect(margin, margin, side - 2 * margin, side - 2 * margin)
        painter.setPen(QPen(QColor("#888"), 1))
        painter.drawRect(0, 0, side - 1, side - 1)
        painter.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() not in (Qt.LeftButton, Qt.RightButton):
            return
        self._erasing = event.button() == Qt.RightButton
        self._last = self._ink_point(event)
        self.stroke([(self._last.x(), self._last.y())], self._erasing)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self._last is None or not (event.buttons() & (Qt.LeftButton | Qt.RightButton)):
            return
        point = self._ink_point(event)
        self._segment(self._last, point, self._erasing)
        self._last = point
        self.update()
        self.changed.emit()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._last = None


class DrawView(QWidget):
    title = "Draw a digit"
    area = "bottom"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("draw_view")
        #: What the network was last shown (28×28, 0–1) and its answer (None: no answer yet).
        self.shown_image = np.zeros((28, 28), np.float32)
        self.probabilities: np.ndarray | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(UPDATE_MS)
        self._timer.timeout.connect(self.update_answer)

        self.canvas = DrawingCanvas()
        self.canvas.changed.connect(self._on_drawn)
        self._drawing_changed = True  # preprocess the canvas again (not at every new epoch)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("clear_drawing")
        self.clear_button.setToolTip("Wipe the drawing to start a new one")
        self.clear_button.clicked.connect(self.canvas.clear)
        self.preview = QLabel()
        self.preview.setObjectName("drawing_preview")
        self.preview.setFixedSize(28 * PREVIEW_SCALE, 28 * PREVIEW_SCALE)
        self.preview.setStyleSheet("border: 1px solid #bbb;")
        self.preview.setToolTip("Your drawing as the network sees it: cropped, scaled into a "
                                "20×20 box, centred by its mass in 28×28 pixels, like MNIST")
        self.answer = QLabel()
        self.answer.setObjectName("drawing_answer")
        self.answer.setWordWrap(True)
        self.answer.setTextFormat(Qt.RichText)
        self.answer.setStyleSheet("font-size: 13pt;")
        #: Which weights answered, in the theme's note tone (a fixed grey was unreadable dark).
        self.answer_epoch = set_tone(QLabel(objectName="drawing_answer_epoch"), "note")
        self.answer_epoch.setStyleSheet("font-size: 9pt;")
        self.chart = ProbabilityBars()
        self.chart.setMinimumWidth(180)  # "Ankle boot" and 99.9% fit; a 1280 px window too
        self.hint = QLabel()
        self.hint.setObjectName("drawing_hint")
        self.hint.setWordWrap(True)
        set_tone(self.hint, "note")  # readable light and dark

        how = set_tone(QLabel("Left button draws, right button erases."), "note")
        how.setWordWrap(True)
        paper = QVBoxLayout()
        paper.addWidget(self.canvas)
        paper.addWidget(how)
        paper.addStretch(1)
        middle = QVBoxLayout()
        middle.addWidget(QLabel("The network sees:"))
        middle.addWidget(self.preview)
        middle.addWidget(self.answer)
        middle.addWidget(self.answer_epoch)
        middle.addStretch(1)
        middle.addWidget(self.clear_button)
        content = QWidget()
        row = QHBoxLayout(content)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(paper)
        row.addLayout(middle)
        row.addWidget(self.chart, 1)
        self.answer.setMinimumWidth(28 * 4)
        self.answer.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)

        self.empty_note = placeholder_note(
            "Pick <b>MNIST digits</b> (or Fashion-MNIST) as the dataset to draw a digit and see "
            "what the network makes of it.", "draw_empty_note")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_note)
        self.stack.addWidget(content)
        self.content = content
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.hint)

        session.run_started.connect(self.start)
        session.history_changed.connect(self._schedule)
        self.start()

    # ----- state -----
    def start(self) -> None:
        self.probabilities = None
        self._drawing_changed = True  # the new run may scale pixels otherwise
        if not self.session.has_images:
            self.stack.setCurrentWidget(self.empty_note)
            self.hint.clear()
            return
        self.stack.setCurrentWidget(self.content)
        dataset, experiment = self.session.dataset, self.session.experiment
        self.chart.set_classes(dataset.class_names)
        hints = []
        names = dataset.class_names
        if names != DIGITS:  # e.g. Fashion-MNIST: a drawn 3 becomes a kind of clothing
            hints.append(f"This network learnt {names[0]}, {names[1]}, … ({len(names)} "
                         "classes), not digits: it judges your drawing as one of them.")
        if not experiment.normalize:
            hints.append("Normalise pixels is off: the drawing goes in as 0–255, as the "
                         "network was trained.")
        self.hint.setText(" ".join(hints))
        self._schedule()

    def _on_drawn(self) -> None:
        self._drawing_changed = True
        self._schedule()

    def _schedule(self) -> None:
        if self.isVisible() and not self._timer.isActive():
            self._timer.start()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._schedule()

    def update_answer(self) -> None:
        """Preprocess the drawing and ask the latest weights (NumPy) what it is."""
        if self._drawing_changed:
            self._drawing_changed = False
            self.shown_image = self.canvas.image()
            self.preview.setPixmap(image_pixmap(np.rint(self.shown_image * 255), PREVIEW_SCALE,
                                                self.preview.devicePixelRatioF()))
            # The Filters tab can show this digit's feature maps and saliency.
            self.session.set_drawn_digit(None if self.canvas.is_empty or
                                         not self.session.has_images else self._row())
        weights = self.session.history.latest_weights
        if not self.session.has_images or not weights:
            self.probabilities = None
            self.chart.clear_values()
            self.answer.setText("Train (or wait for the model) to see its answer.")
            self.answer_epoch.clear()
            return
        if self.canvas.is_empty:
            self.probabilities = None
            self.chart.clear_values()
            self.answer.setText("Draw a digit in the box.")
            self.answer_epoch.clear()
            return
        self.probabilities = forward(weights, self.session.activations, self._row()[None])[0]
        self.chart.set_values(self.probabilities)
        top = int(self.probabilities.argmax())
        name = self.session.dataset.class_names[top]
        epoch = self.session.history.last_epoch
        self.answer.setText(f"It looks like <b>{html.escape(name)}</b><br>"
                            f"{image_eval.percent(self.probabilities[top])} sure")
        self.answer_epoch.setText(f"network after epoch {epoch:,}")

    def _row(self) -> np.ndarray:
        """The drawing as the network is fed it: one flat row, 0–255 when it trains on raw
        pixels."""
        row = self.shown_image.reshape(-1)
        return row if self.session.experiment.normalize else row * 255.0
