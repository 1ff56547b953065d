"""Mistakes lab: step through the test images the network gets wrong, costliest first, bend one
(noise, rotation, shift, stroke thickness) and watch every class's probability move; and pick a
confidence under which the network says "I don't know", with what that costs in coverage.

The answers for all test images come from a NumPy pass over a weights snapshot in a thread of
its own (the gallery's `AnswerJob`); the one bent image is a single NumPy forward pass on the GUI
thread (~1 ms for an MLP, a few ms for a small convnet). Nothing here calls TensorFlow.
"""
from __future__ import annotations

import html
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QSlider,
                               QStackedWidget, QVBoxLayout, QWidget)

from playground.core.inspection import predictions as image_eval
from playground.core.inspection.forward import forward
from playground.core.inspection.perturb import coverage_curve, mistakes_by_loss, per_sample_loss
from playground.core.inspection.perturb import perturb
from playground.ui.views.gallery_answers import AnswerJob, WaitsForAnswers
from playground.ui.widgets.note import placeholder_note
from playground.ui.widgets.probabilities import ProbabilityBars, image_pixmap

#: Answers are recomputed at most this often while training (seconds).
MIN_INTERVAL = 2.0
POLL_MS = 100
THRESHOLDS = np.linspace(0.0, 1.0, 101)
PREVIEW_SCALE = 3  # 84 px: the sliders fit under it in a 1366 × 768 window
#: name -> (label, minimum, maximum, unit, value per slider step)
SLIDERS = {
    "noise": ("Noise", 0, 50, "", 0.01),
    "rotation": ("Rotation", -60, 60, "°", 1.0),
    "right": ("Shift right", -8, 8, " px", 1.0),
    "down": ("Shift down", -8, 8, " px", 1.0),
    "thickness": ("Stroke", -2, 3, " px", 1.0),
}


class MistakesView(WaitsForAnswers, QWidget):
    title = "Mistakes lab"
    area = "bottom"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("mistakes_view")
        self.predictions = None
        self.evaluated_weights = None
        self.mistakes = np.zeros(0, int)  # test image numbers answered wrongly, in the order
        self.index: int | None = None     # the test image in the lab
        self.probabilities: np.ndarray | None = None
        self.curve: tuple[np.ndarray, np.ndarray] | None = None  # (coverage, accuracy)
        self._job: AnswerJob | None = None
        self._next_allowed = 0.0
        self._poll = QTimer(self, interval=POLL_MS, timeout=self._check_job)
        self._later = QTimer(self, singleShot=True, timeout=self._evaluate_if_needed)
        self._build()
        session.run_started.connect(self.start)
        session.history_changed.connect(self._on_history)

    def _build(self) -> None:
        self.previous_button = QPushButton("◀ Previous mistake", objectName="previous_mistake")
        self.next_button = QPushButton("Next mistake ▶", objectName="next_mistake")
        self.previous_button.setToolTip("Show the previous test image the network gets wrong")
        self.next_button.setToolTip("Show the next test image the network gets wrong")
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.order = QComboBox(objectName="mistakes_order")
        self.order.addItem("Costliest first (highest loss)", "loss")
        self.order.addItem("Test set order", "index")
        self.order.setToolTip("The order Next and Previous step through the mistakes in")
        self.order.currentIndexChanged.connect(lambda _: self._sort())
        self.where = QLabel(objectName="mistakes_where", textFormat=Qt.RichText)
        top = QHBoxLayout()
        for widget in (self.previous_button, self.next_button, self.order):
            top.addWidget(widget)
        top.addWidget(self.where, 1)

        self.preview = QLabel(objectName="mistakes_image")
        self.preview.setFixedSize(28 * PREVIEW_SCALE, 28 * PREVIEW_SCALE)
        self.preview.setStyleSheet("border: 1px solid #bbb;")
        self.sliders: dict[str, QSlider] = {}
        self.slider_labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, (label, low, high, _unit, _step) in SLIDERS.items():
            slider = QSlider(Qt.Horizontal, objectName=f"mistakes_{name}")
            slider.setRange(low, high)
            slider.setToolTip(f"{label}: bend the chosen image and watch the probabilities move")
            slider.valueChanged.connect(lambda _: self.update_probe())
            self.sliders[name], self.slider_labels[name] = slider, QLabel()
            row = QHBoxLayout()
            row.addWidget(slider, 1)
            row.addWidget(self.slider_labels[name])
            form.addRow(label, row)
        self.reset_button = QPushButton("Undo changes", objectName="mistakes_reset")
        self.reset_button.clicked.connect(self.reset_sliders)
        self.reset_button.setToolTip("Put every slider back to 0: the image as in the test set")
        self.answer = QLabel(objectName="mistakes_answer", wordWrap=True, textFormat=Qt.RichText)
        # The answer beside the picture, not under the sliders: at 1366 × 768 the column was
        # taller than the tab and the picture overlapped the first slider.
        picture_row = QHBoxLayout()
        picture_row.addWidget(self.preview, 0, Qt.AlignTop)
        picture_row.addWidget(self.answer, 1)
        self.answer.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.answer.setMinimumWidth(110)
        left = QVBoxLayout()
        left.addLayout(picture_row)
        left.addLayout(form)
        left.addWidget(self.reset_button)
        left.addStretch(1)
        self.chart = ProbabilityBars()

        self.threshold = QSlider(Qt.Horizontal, objectName="mistakes_threshold")
        self.threshold.setRange(0, 100)
        self.threshold.setToolTip("Below this top probability the network says 'I don't know'")
        self.threshold.valueChanged.connect(lambda _: self._show_coverage())
        self.coverage_label = QLabel(objectName="mistakes_coverage", wordWrap=True)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setLabel("bottom", "coverage (share of test images answered)")
        self.plot.setLabel("left", "accuracy on them")
        self.plot.setMinimumWidth(240)
        self.curve_item = self.plot.plot(pen=pg.mkPen("#1f77b4", width=2))
        self.marker = pg.ScatterPlotItem(size=10, brush="#d62728")
        self.plot.addItem(self.marker)
        right = QVBoxLayout()
        right.addWidget(QLabel("Confidence needed to answer:"))
        right.addWidget(self.threshold)
        right.addWidget(self.coverage_label)
        right.addWidget(self.plot, 1)

        lab = QHBoxLayout()
        lab.addLayout(left)
        lab.addWidget(self.chart, 1)
        lab.addLayout(right, 1)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(top)
        inner.addLayout(lab, 1)
        self.empty_note = placeholder_note(
            "Pick <b>MNIST digits</b> or Fashion-MNIST and train: this tab steps through the "
            "test images the network gets wrong and lets you bend one to see what it takes "
            "to change the answer.", "mistakes_empty_note")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_note)
        self.stack.addWidget(content)
        self.content = content
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.stack)
        self._show_values()

    # ----- a new model, new answers -----
    def start(self) -> None:
        if self._job is not None:
            self._job.cancel()
        self._job, self.predictions, self.evaluated_weights = None, None, None
        self.mistakes, self.index, self.probabilities, self.curve = np.zeros(0, int), None, \
            None, None
        self._poll.stop()
        self._later.stop()
        self._next_allowed = 0.0
        has_images = self.session.has_images
        self.stack.setCurrentWidget(self.content if has_images else self.empty_note)
        if has_images:
            self.chart.set_classes(self.session.dataset.class_names)
        self.chart.clear_values()
        self.preview.clear()
        self.answer.clear()
        self._show_place()
        self._show_coverage()

    def _on_history(self) -> None:
        self._evaluate_if_needed()
        if self.isVisible():
            self.update_probe()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._evaluate_if_needed()
        self.update_probe()

    def _evaluate_if_needed(self) -> None:
        weights = self.session.history.latest_weights
        if not self.session.has_images or not weights or weights is self.evaluated_weights \
                or self._job is not None or not self.isVisible():
            return
        wait = self._next_allowed - time.monotonic()
        if wait > 0:
            self._later.start(int(wait * 1000) + 1)
            return
        dataset = self.session.dataset
        self._job = AnswerJob(weights, self.session.activations, dataset.x_test,
                              dataset.labels_test).start()
        self.where.setText(f"Answering {len(dataset.x_test):,} test images…")
        self._poll.start()

    def _check_job(self) -> None:
        if self._job is not None and self._job.finished:
            self._finish(self._job)

    def _finish(self, job: AnswerJob) -> None:
        self._poll.stop()
        self._job = None
        self._next_allowed = time.monotonic() + MIN_INTERVAL
        self.evaluated_weights = job.weights
        if job.error:
            self.where.setText(f"Could not answer the test images: {html.escape(job.error)}")
            return
        self.predictions = job.predictions(self.session.dataset.n_classes)
        self._sort()
        self._show_coverage()
        self._evaluate_if_needed()  # newer weights may have come meanwhile

    # ----- stepping through the mistakes -----
    def _sort(self) -> None:
        p = self.predictions
        if p is None:
            return
        self.mistakes = mistakes_by_loss(p.probabilities, p.labels)
        if self.order.currentData() == "index":
            self.mistakes = np.sort(self.mistakes)
        self._show_place()

    def step(self, by: int) -> None:
        """Go to the next (`by` = 1) or previous (-1) mistake in the chosen order."""
        if not len(self.mistakes):
            return
        here = np.flatnonzero(self.mistakes == self.index)
        position = (int(here[0]) + by) % len(self.mistakes) if len(here) else \
            (0 if by > 0 else len(self.mistakes) - 1)
        self.show_image(int(self.mistakes[position]))

    def show_image(self, index: int) -> None:
        """Put test image `index` in the lab, unbent."""
        self.index = int(index)
        self.reset_sliders()
        self._show_place()

    def _show_place(self) -> None:
        p, names = self.predictions, self.session.dataset.class_names \
            if self.session.dataset is not None else ()
        for button in (self.previous_button, self.next_button):
            button.setEnabled(len(self.mistakes) > 0)
        if p is None or self.index is None:
            self.where.setText(f"{len(self.mistakes):,} mistakes: click Next mistake."
                               if p is not None else "")
            return
        i = self.index
        here = np.flatnonzero(self.mistakes == i)
        place = f"Mistake {int(here[0]) + 1:,} of {len(self.mistakes):,}: " if len(here) else ""
        truth, answer = int(p.labels[i]), int(p.predicted[i])
        loss = float(per_sample_loss(p.probabilities[i:i + 1], p.labels[i:i + 1])[0])
        self.where.setText(
            f"{place}test image #{i:,}, a <b>{html.escape(names[truth])}</b> answered "
            f"<b>{html.escape(names[answer])}</b> ({image_eval.percent(p.confidence[i])}), "
            f"loss {loss:.2f}")

    # ----- bending the image -----
    def reset_sliders(self) -> None:
        for slider in self.sliders.values():
            slider.blockSignals(True)
            slider.setValue(0)
            slider.blockSignals(False)
        self.update_probe()

    def settings(self) -> dict:
        value = {name: self.sliders[name].value() * SLIDERS[name][4] for name in SLIDERS}
        return dict(noise=value["noise"], rotation=value["rotation"],
                    shift=(value["right"], value["down"]), thickness=int(value["thickness"]))

    def _show_values(self) -> None:
        for name, (_label, _low, _high, unit, step) in SLIDERS.items():
            value = self.sliders[name].value() * step
            self.slider_labels[name].setText(f"{value:g}{unit}")

    def update_probe(self) -> None:
        """The lab's image, bent as the sliders say, and the network's answer for it."""
        self._show_values()
        weights = self.session.history.latest_weights
        if self.index is None or not weights or not self.session.has_images:
            return
        dataset, normalize = self.session.dataset, self.session.experiment.normalize
        scale = 1.0 if normalize else 255.0
        picture = np.asarray(dataset.x_test[self.index], np.float64).reshape(dataset.image_shape)
        bent = perturb(picture, scale=scale, **self.settings())
        self.preview.setPixmap(image_pixmap(np.rint(np.clip(bent / scale, 0, 1) * 255),
                                            PREVIEW_SCALE, self.preview.devicePixelRatioF()))
        self.probabilities = forward(weights, self.session.activations,
                                     bent.reshape(1, -1))[0]
        truth = int(dataset.labels_test[self.index])
        self.chart.set_values(self.probabilities, truth)
        top = int(self.probabilities.argmax())
        sure = float(self.probabilities[top])
        names = dataset.class_names
        verdict = "right" if top == truth else "wrong"
        text = (f"Now: <b>{html.escape(names[top])}</b>, {image_eval.percent(sure)} sure "
                f"({verdict}; true class {html.escape(names[truth])})")
        if sure < self.threshold.value() / 100:
            text += "<br>Below the confidence needed: the network <b>does not know</b>."
        self.answer.setText(text)

    # ----- "I don't know" below a confidence -----
    def _show_coverage(self) -> None:
        p = self.predictions
        if p is None:
            self.curve = None
            self.curve_item.setData([], [])
            self.marker.setData([], [])
            self.coverage_label.setText("")
            return
        coverage, accuracy = coverage_curve(p.confidence, p.correct, THRESHOLDS)
        self.curve = (coverage, accuracy)
        kept = ~np.isnan(accuracy)
        self.curve_item.setData(coverage[kept], accuracy[kept])
        t = self.threshold.value()
        self.marker.setData([coverage[t]], [0.0 if np.isnan(accuracy[t]) else accuracy[t]])
        share = f"{100 * coverage[t]:.1f}%"
        right = "—" if np.isnan(accuracy[t]) else f"{100 * accuracy[t]:.1f}%"
        self.coverage_label.setText(
            f"Answer only at ≥ {t}% confidence: {share} of the test images answered, {right} of "
            f"them right (all images: {100 * p.accuracy:.1f}%); 'I don't know' for "
            f"{100 * (1 - coverage[t]):.1f}%.")
        self.update_probe()
