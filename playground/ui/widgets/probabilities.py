"""The probability of every class for one image: a bar chart with percentages, and the numbers as
Keras prints them (9.99916673e-01) in its tooltip and the Copy button.

`ProbabilityBars` is the chart alone (the drawing canvas uses it too). `ProbabilityPanel` shows
one test image: at once from the latest weights with NumPy, then — when the worker is free —
the real `model.predict` for the same row (`predict_requested`), whose numbers replace the
NumPy ones, so what is copied is exactly what Keras returns (seed 001's question).
"""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (QColor, QFont, QFontMetrics, QGuiApplication, QImage, QPainter,
                           QPalette, QPixmap)
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from playground.core.inspection import predictions as image_eval
from playground.core.inspection.forward import forward
from playground.ui.widgets.note import set_tone, tone_span

RIGHT, WRONG, OTHER, TRUTH = "#2f9e44", "#d6336c", "#9db4d0", "#8ce99a"
IMAGE_SCALE = 3
EMPTY_HEADING = ("Under each image: the class the network answered and its probability (red ✗: "
                 "wrong). Click an image to see the probability of every class.")


def image_pixmap(pixels: np.ndarray, scale: int = IMAGE_SCALE, dpr: float = 1.0) -> QPixmap:
    """A (28, 28) uint8 image (0 = background) drawn dark on white, `scale` times larger, in
    device pixels at `dpr` (the screen's ratio: sharp square pixels at 200 %, not blurred)."""
    ink = np.ascontiguousarray(255 - np.asarray(pixels, np.uint8))
    h, w = ink.shape
    image = QImage(ink.data, w, h, w, QImage.Format_Grayscale8).copy()
    factor = max(1, round(scale * dpr))
    pixmap = QPixmap.fromImage(image.scaled(w * factor, h * factor, Qt.IgnoreAspectRatio,
                                            Qt.FastTransformation))
    pixmap.setDevicePixelRatio(factor / scale)
    return pixmap


def readable_percent(value: float) -> str:
    """A probability as a learner reads it: 99.9%, 0.3%, and "<0.1%" for a tiny one rather
    than 0.0% (the gallery's labels use the same `percent`)."""
    return "<0.1%" if 0 < value < 0.0005 else image_eval.percent(value)


class ProbabilityBars(QWidget):
    """One row per class: its name, a bar as long as its probability, and the number as a
    percentage; the tooltip (and the panel's Copy button) give Keras's own 9.99916673e-01."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("probability_bars")
        self.names: tuple[str, ...] = ()
        self.values = np.zeros(0)
        self.truth: int | None = None
        self.mono = QFont("monospace")
        self.mono.setStyleHint(QFont.Monospace)
        self.setMinimumSize(170, 10 * 13)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(360, 10 * 22)

    def set_classes(self, names) -> None:
        names = tuple(names)
        if names != self.names:
            self.names = names
            self.clear_values()

    def clear_values(self) -> None:
        self.values = np.zeros(0)
        self.truth = None
        self.setToolTip("")
        self.update()

    def set_values(self, probabilities, truth: int | None = None) -> None:
        """Bars for `probabilities`; the top class green when right (or no truth given), red
        when wrong, and then the true class light green."""
        self.values = np.asarray(probabilities, np.float64).ravel()
        self.truth = truth
        self.setToolTip("As print(model.predict(x)) writes them:\n"
                        + image_eval.keras_array(self.values))
        self.update()

    def text_of(self, value: float) -> str:
        return readable_percent(value)

    def name_width(self) -> int:
        """The names' column: wide enough for the longest name in bold (the answer's row is
        bold; measured plain, "Ankle boot" lost its "A")."""
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        return max((metrics.horizontalAdvance(name) for name in self.names), default=0) + 8

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        palette = self.palette()  # the theme's: white on a dark window glared
        painter.fillRect(self.rect(), palette.color(QPalette.Base))
        text = palette.color(QPalette.Text)
        track = palette.color(QPalette.AlternateBase)
        n = len(self.names)
        if not n:
            painter.end()
            return
        row = min(28.0, self.height() / n)
        mono = QFontMetrics(self.mono)
        name_w = self.name_width()
        number_w = mono.horizontalAdvance("99.99%") + 10
        track_x = name_w
        track_w = max(20, self.width() - name_w - number_w - 4)
        values = self.values if len(self.values) == n else None
        top = int(values.argmax()) if values is not None else -1
        bold = QFont(self.font())
        bold.setBold(True)
        bold_mono = QFont(self.mono)
        bold_mono.setBold(True)
        for i, name in enumerate(self.names):
            y = i * row
            is_top = i == top
            painter.setFont(bold if is_top else self.font())
            painter.setPen(text)
            painter.drawText(QRectF(0, y, name_w - 6, row), Qt.AlignRight | Qt.AlignVCenter,
                             name)
            painter.fillRect(QRectF(track_x, y + row * 0.15, track_w, row * 0.7), track)
            if values is None:
                continue
            value = float(values[i])
            colour = OTHER
            if is_top:
                colour = RIGHT if self.truth in (None, top) else WRONG
            elif self.truth == i:
                colour = TRUTH
            width = max(value * track_w, 1.0 if value > 0 else 0.0)
            painter.fillRect(QRectF(track_x, y + row * 0.15, width, row * 0.7), QColor(colour))
            painter.setFont(bold_mono if is_top else self.mono)
            painter.setPen(QColor(WRONG) if is_top and colour == WRONG else text)
            painter.drawText(QRectF(track_x + track_w + 6, y, number_w, row),
                             Qt.AlignLeft | Qt.AlignVCenter, self.text_of(value))
        painter.end()


class ProbabilityPanel(QWidget):
    """One test image: its picture, the bars, and the ten numbers."""

    #: Ask the worker for `model.predict(rows)`: (rows, token).
    predict_requested = Signal(object, object)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("probability_panel")
        #: The test image shown (index into the test subset), or None.
        self.index: int | None = None
        #: The probabilities shown, and where they came from: "model.predict" or "weights".
        self.probabilities: np.ndarray | None = None
        self.source = ""
        self._weights = None       # the weights `probabilities` belong to
        self._key = None           # (index, raw pixels) `probabilities` belong to
        self._asked = None         # (token, weights, rows) of the open model.predict question

        self.heading = QLabel(EMPTY_HEADING)
        self.heading.setObjectName("probability_heading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.RichText)
        self.picture = QLabel()
        self.picture.setFixedSize(28 * IMAGE_SCALE, 28 * IMAGE_SCALE)
        self.picture.setStyleSheet("border: 1px solid #bbb;")
        self.raw_pixels = QCheckBox("Forget ÷255")
        self.raw_pixels.setObjectName("forget_normalisation")
        self.raw_pixels.setToolTip(
            "Feed this image's raw 0–255 pixels to a network trained on pixels ÷ 255, as seed "
            "001's prediction script did: the softmax saturates and every answer becomes a "
            "hard 1 and 0s.")
        self.raw_pixels.toggled.connect(self.refresh)
        self.source_label = QLabel()
        self.source_label.setObjectName("probability_source")
        self.source_label.setWordWrap(True)
        set_tone(self.source_label, "note")  # readable light and dark
        self.copy_button = QPushButton("Copy numbers")
        self.copy_button.setToolTip("Copy the ten probabilities as print(model.predict(x)) "
                                    "writes them")
        self.copy_button.clicked.connect(self.copy_numbers)
        self.copy_button.setEnabled(False)
        side = QVBoxLayout()
        side.addWidget(self.picture)
        side.addWidget(self.raw_pixels)
        side.addWidget(self.copy_button)
        side.addStretch(1)
        #: The bars; each class's exact probability as Keras prints it in the tooltip.
        self.chart = ProbabilityBars()
        top = QHBoxLayout()
        top.addLayout(side)
        top.addWidget(self.chart, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addLayout(top, 1)
        layout.addWidget(self.source_label)

    # ----- what to show -----
    def clear(self) -> None:
        self.index = None
        self.probabilities = None
        self.source = ""
        self._weights = None
        self._key = None
        self.picture.clear()
        self.copy_button.setEnabled(False)
        self.source_label.clear()
        self.heading.setText(EMPTY_HEADING)
        dataset = self.session.dataset
        if dataset is not None:
            self.chart.set_classes(dataset.class_names)
        self.chart.clear_values()
        experiment = self.session.experiment
        self.raw_pixels.setEnabled(bool(experiment and experiment.normalize))

    def show_image(self, index: int) -> None:
        self.index = int(index)
        self.refresh()

    def rows(self) -> np.ndarray | None:
        """The input row fed to the network (raw pixels when "Forget ÷255" is on)."""
        dataset, experiment = self.session.dataset, self.session.experiment
        if self.index is None or dataset is None or self.index >= len(dataset.x_test):
            return None
        row = np.asarray(dataset.x_test[self.index:self.index + 1], np.float32)
        if self.raw_pixels.isChecked() and experiment.normalize:
            row = row * np.float32(255.0)
        return row

    def refresh(self) -> None:
        """Recompute for the latest weights (NumPy), then ask for `model.predict`."""
        rows = self.rows()
        weights = self.session.history.latest_weights
        if rows is None:
            return
        dataset = self.session.dataset
        self.chart.set_classes(dataset.class_names)
        self.picture.setPixmap(image_pixmap(
            image_eval.pixels(dataset.x_test[self.index:self.index + 1],
                              self.session.experiment.normalize)[0],
            dpr=self.picture.devicePixelRatioF()))
        key = (self.index, self.raw_pixels.isChecked())
        if not weights or (weights is self._weights and key == self._key):
            return
        self._key = key
        self.probabilities = forward(weights, self.session.activations, rows)[0]
        self.source = "weights"
        self._weights = weights
        self._show()
        self._ask_model(weights, rows)

    def _show(self) -> None:
        dataset = self.session.dataset
        names = dataset.class_names
        truth = int(dataset.labels_test[self.index])
        probs = self.probabilities
        top = int(probs.argmax())
        right = top == truth
        verdict = tone_span("<b>right</b>", "good") if right else \
            tone_span("<b>wrong</b>", "error")
        self.heading.setText(
            f"Test image #{self.index:,}: true class <b>{html.escape(names[truth])}</b>; "
            f"the network says <b>{html.escape(names[top])}</b> "
            f"({image_eval.percent(probs[top])}) — {verdict}")
        self.chart.set_values(probs, truth)
        self.copy_button.setEnabled(True)
        epoch = self.session.history.last_epoch
        if self.source == "model.predict":
            where = f"model.predict(x_test[{self.index}:{self.index + 1}]) after epoch {epoch}"
        else:
            where = (f"from the weights after epoch {epoch} (NumPy); model.predict's own "
                     "numbers replace these when training stops")
        if self.raw_pixels.isChecked():
            where += " — fed raw 0–255 pixels"
        self.source_label.setText(where + ". Point at the bars for the numbers as Keras "
                                  "prints them.")

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange) \
                and self.probabilities is not None:
            self._show()  # "right" / "wrong" again in the new scheme's tone

    def copy_numbers(self) -> None:
        if self.probabilities is not None:
            QGuiApplication.clipboard().setText(image_eval.keras_array(self.probabilities))

    # ----- model.predict, from the worker thread -----
    def _ask_model(self, weights, rows) -> None:
        if self._asked is not None:
            return  # one question at a time: the answer triggers a new one if needed
        token = object()
        self._asked = (token, weights, rows)
        self.predict_requested.emit(rows, token)

    def show_predicted(self, rows, outputs, token) -> None:
        """The worker's answer to `predict_requested`."""
        if self._asked is None or token is not self._asked[0]:
            return  # another view's question
        _, weights, asked_rows = self._asked
        self._asked = None
        if outputs is None or self.index is None:
            return
        current = self.rows()
        latest = self.session.history.latest_weights
        if weights is not latest or current is None or not np.array_equal(current, asked_rows):
            if current is not None and latest:
                self._ask_model(latest, current)  # the question went stale: ask again
            return
        self.probabilities = np.asarray(outputs)[0]
        self.source = "model.predict"
        self._show()
