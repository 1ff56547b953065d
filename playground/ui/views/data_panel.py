"""The data of the run: seed 002's settings in one click, new data, and the score on each part.

The score follows the task: accuracy for classes, MSE and R² for a regression. Training and
validation numbers come from the run's reports (the same numbers as the curves); test numbers
are measured here on the separate test rows from the latest weights with NumPy
(`metrics.evaluate`), classes cut at the session's threshold — sign agreement for ±1 outputs.
The preset and "new data" buttons do not touch the run: they ask the session to fill the form
(`Session.request_experiment`, a dict of Experiment fields), and the form's preview follows.
"""
from __future__ import annotations

import html
import math
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QFrame, QGridLayout, QGroupBox, QLabel, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from playground.core.data import registry as datasets
from playground.core.data.sum_threshold import PRESETS
from playground.core.inspection import metrics
from playground.core.inspection.forward import activations_of, forward
from playground.core.inspection.predictions import confusion_matrix
from playground.ui.widgets.confusion import ConfusionView
from playground.ui.widgets.note import set_tone

#: Test accuracy is recomputed at most this often.
MIN_TEST_SECONDS = 0.25
PARTS = ("Training", "Validation", "Test")


class DataPanel(QWidget):
    title = "Data"
    area = "bottom"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("data_panel")
        #: Accuracy on the test rows for the latest weights (NaN when there are none, and for
        #: a regression, whose test numbers are in `test_scores`).
        self.test_accuracy = math.nan
        self.test_scores: dict[str, float] = {}
        self._scored_weights = None
        self._stale = False
        self._last_test = 0.0
        self._test_cost = 0.0

        presets = QGroupBox("Sum above threshold: seed 002's settings in one click")
        # Two buttons a row: four in one row asked 798 px, wider than a 1280 px window leaves.
        row = QGridLayout(presets)
        self.preset_buttons = {}
        for index, (label, changes) in enumerate(PRESETS.items()):
            button = QPushButton(label)
            button.setToolTip(_describe(changes))
            button.clicked.connect(lambda _=False, changes=changes:
                                   self.session.request_experiment(changes))
            row.addWidget(button, index // 2, index % 2)
            self.preset_buttons[label] = button
        self.regenerate_button = QPushButton("New data (next seed)")
        self.regenerate_button.setObjectName("regenerate")
        self.regenerate_button.setToolTip("Draw new random rows: the seed goes up by one (it "
                                          "also seeds the initial weights)")
        self.regenerate_button.clicked.connect(self.regenerate)
        row.addWidget(self.regenerate_button, len(PRESETS) // 2, len(PRESETS) % 2)
        row.setColumnStretch(2, 1)

        self.summary = QLabel("No data yet.")
        self.summary.setObjectName("data_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.RichText)

        self.scores_box = scores = QGroupBox("Accuracy")
        grid = QGridLayout(scores)
        self.epoch_label = QLabel()
        self.epoch_label.setObjectName("accuracy_epoch")
        grid.addWidget(self.epoch_label, 0, 0, 1, 3)
        self.metric_heading = _bold("accuracy")
        for column, label in enumerate((_bold(""), self.metric_heading, _bold("rows"))):
            grid.addWidget(label, 1, column)
        self.accuracy_labels, self.rows_labels = {}, {}
        for r, part in enumerate(PARTS, start=2):
            grid.addWidget(QLabel(part), r, 0)
            value, rows = QLabel("–"), QLabel("–")
            value.setObjectName(f"{part.lower()}_accuracy")
            for label in (value, rows):
                label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
                label.setMinimumWidth(80)
            grid.addWidget(value, r, 1)
            grid.addWidget(rows, r, 2)
            self.accuracy_labels[part] = value
            self.rows_labels[part] = rows
        grid.setColumnStretch(3, 1)
        note = QLabel("Validation rows are held out of training (Keras's validation_split); "
                      "test rows are fresh points the network never trains or validates on. "
                      "Test numbers are measured from the current weights, so they follow "
                      "weights you set by hand at once.")
        note.setWordWrap(True)
        set_tone(note, "note")  # readable light and dark
        grid.addWidget(note, len(PARTS) + 2, 0, 1, 4)

        # In a scroll area: at 1280×720 the tab is ~260 px high and the scores were crushed.
        body = QWidget()
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(presets)
        layout.addWidget(self.summary)
        layout.addWidget(scores)
        # Classes of tables and planes (images have theirs in Test images, with the pictures).
        self.confusion_box = QGroupBox("Confusion matrix (test rows)")
        self.confusion = ConfusionView(noun="test rows", clickable=False)
        QVBoxLayout(self.confusion_box).addWidget(self.confusion)
        self.confusion_box.setVisible(False)
        layout.addWidget(self.confusion_box, 1)
        layout.addStretch(1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh)
        session.run_started.connect(self._on_run_started)
        session.history_changed.connect(self.refresh)
        session.threshold_changed.connect(lambda _value: self._rescore())

    # ----- commands -----
    def regenerate(self) -> None:
        experiment = self.session.experiment
        if experiment is not None:
            self.session.request_experiment({"seed": experiment.seed + 1})

    # ----- display -----
    def _on_run_started(self) -> None:
        self.test_accuracy = math.nan
        self.test_scores = {}
        self._scored_weights = None
        experiment, dataset = self.session.experiment, self.session.dataset
        spec = datasets.get(experiment.dataset)
        # Generated rows (the data reads a sample count): another seed draws new ones.
        self.regenerate_button.setVisible("samples" in spec.options)
        regression = dataset.is_regression
        self.scores_box.setTitle("Error" if regression else "Accuracy")
        self.metric_heading.setText("<b>MSE · R²</b>" if regression else "<b>accuracy</b>")
        train, val, test = len(dataset.x_train), len(dataset.x_val), len(dataset.x_test)
        text = f"<b>{spec.label}</b>: "
        about = spec.describe(experiment, dataset)
        if about:
            text += f"{html.escape(about, quote=False)} Targets: {_targets(experiment, dataset)}. "
        text += (f"{train:,} training rows, {val:,} validation rows "
                 f"(the last {experiment.validation_split:g}, like Keras's validation_split), "
                 f"{test:,} separate test rows.")
        self.summary.setText(text)
        for part in PARTS:
            self.accuracy_labels[part].setText("–")
        self.rows_labels["Training"].setText(f"{train:,}")
        self.rows_labels["Validation"].setText(f"{val:,}")
        self.rows_labels["Test"].setText(f"{test:,}")
        self.epoch_label.setText("")
        shows_confusion = not regression and not dataset.is_images and len(dataset.x_test) > 0
        self.confusion_box.setVisible(shows_confusion)
        if shows_confusion:
            self.confusion.set_classes(dataset.class_names)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._stale:
            QTimer.singleShot(0, self.refresh)

    def _rescore(self) -> None:
        self._scored_weights = None
        self.refresh()

    def refresh(self) -> None:
        history, dataset = self.session.history, self.session.dataset
        if dataset is None or not len(history):
            return
        for part, prefix in (("Training", ""), ("Validation", "val_")):
            self.accuracy_labels[part].setText(_score_text(
                {name: history.last(prefix + name) for name in _shown(dataset)}))
        self.epoch_label.setText(f"After epoch {history.last_epoch:,}:")
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        weights = history.latest_weights
        if weights is self._scored_weights or len(dataset.x_test) == 0:
            return
        # Scoring 10,000 MNIST rows takes a while: wait five times as long between scores.
        interval = max(MIN_TEST_SECONDS, 5 * self._test_cost)
        wait = interval - (time.perf_counter() - self._last_test)
        if wait > 0:
            self._timer.start(int(wait * 1000) + 1)
            return
        self._last_test = time.perf_counter()
        self.test_scores = self.scores(weights)
        self.test_accuracy = self.test_scores.get("accuracy", math.nan)
        self._test_cost = time.perf_counter() - self._last_test
        self._scored_weights = weights
        self.accuracy_labels["Test"].setText(_score_text(self.test_scores))
        if self.confusion_box.isVisibleTo(self):
            self.confusion.set_counts(self.test_confusion(weights))
        rows = len(dataset.x_test)
        if not dataset.is_regression:
            self.rows_labels["Test"].setText(f"{round(self.test_accuracy * rows):,} of {rows:,}")

    def scores(self, weights) -> dict[str, float]:
        """Loss and the task's metrics of `weights` on the test rows, as the app counts them
        everywhere (classes cut at the session's threshold)."""
        s = self.session
        return metrics.evaluate(s.experiment, weights, s.dataset.x_test, s.dataset.labels_test,
                                s.dataset, s.threshold)

    def test_confusion(self, weights):
        """Counts of (true class, answered class) on the test rows, classes cut as everywhere."""
        s = self.session
        outputs = forward(weights, activations_of(s.experiment), s.dataset.x_test)
        answered = metrics.predicted_classes(outputs, s.experiment.encoding, s.threshold)
        return confusion_matrix(s.dataset.labels_test, answered, s.dataset.n_classes)

    def score(self, weights) -> float:
        """Accuracy of `weights` on the test rows (NaN for a regression)."""
        return self.scores(weights).get("accuracy", math.nan)


def _shown(dataset) -> tuple[str, ...]:
    return ("mse", "r2") if dataset.is_regression else ("accuracy",)


def _score_text(values: dict[str, float]) -> str:
    """"93.5 %" for accuracy; "0.0123 · 0.951" for MSE · R²; "–" where not measured."""
    if "accuracy" in values:
        value = values["accuracy"]
        return "–" if not math.isfinite(value) else f"{100 * value:.1f} %"
    mse, r2 = values.get("mse", math.nan), values.get("r2", math.nan)
    if not math.isfinite(mse):
        return "–"
    return f"{mse:.4g} · {r2:.3f}" if math.isfinite(r2) else f"{mse:.4g}"


def _bold(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return label


def _targets(experiment, dataset) -> str:
    encoding = experiment.encoding
    if encoding == "signed":
        return f"−1 / +1 (the loss is {experiment.loss}, the output {experiment.output})"
    return {"binary": "0 / 1", "value": "the values themselves",
            "sparse": f"class numbers 0 to {dataset.n_classes - 1}",
            "onehot": f"one-hot vectors of {dataset.n_classes}"}.get(encoding, encoding)


def _describe(changes: dict) -> str:
    layers = changes.get("layers", ())
    network = (" → ".join(f"{layer.units} {layer.activation}" for layer in layers) + " → 1 tanh"
               if layers else "a single tanh neuron (no hidden layer)")
    return (f"{changes['inputs']} inputs, threshold {changes['threshold']:g}, "
            f"{changes['samples']} samples, validation split {changes['validation_split']:g}; "
            f"{network}; {changes['loss']} loss, {changes['optimizer']} "
            f"lr {changes['learning_rate']:g}, batch {changes['batch_size']}, "
            f"{changes['epochs']} epochs")
