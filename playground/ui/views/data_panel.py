"""The data of the run: seed 002's settings in one click, new data, and accuracy on each part.

Training and validation accuracy come from the run's reports (the same numbers as the curves);
test accuracy is measured here on the separate test rows from the latest weights with NumPy
(`core.forward`), classes cut at the session's threshold — sign agreement for ±1 outputs.
The preset and "new data" buttons do not touch the run: they ask the main window to fill the
form (`experiment_requested`, a dict of Experiment fields), and the form's preview follows.
"""
from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from playground.core.data import registry as datasets
from playground.core.data.dataset import predicted_classes
from playground.core.inspection.forward import forward
from playground.core.data.sum_threshold import PRESETS

#: Test accuracy is recomputed at most this often.
MIN_TEST_SECONDS = 0.25
PARTS = ("Training", "Validation", "Test")


class DataPanel(QWidget):
    title = "Data"
    area = "bottom"

    #: Fill the form with these Experiment fields (a preset, a new seed).
    experiment_requested = Signal(object)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("data_panel")
        #: Accuracy on the test rows for the latest weights (NaN when there are none).
        self.test_accuracy = math.nan
        self._scored_weights = None
        self._stale = False
        self._last_test = 0.0
        self._test_cost = 0.0

        presets = QGroupBox("Sum above threshold: seed 002's settings in one click")
        row = QHBoxLayout(presets)
        self.preset_buttons = {}
        for label, changes in PRESETS.items():
            button = QPushButton(label)
            button.setToolTip(_describe(changes))
            button.clicked.connect(lambda _=False, changes=changes:
                                   self.experiment_requested.emit(dict(changes)))
            row.addWidget(button)
            self.preset_buttons[label] = button
        self.regenerate_button = QPushButton("New data (next seed)")
        self.regenerate_button.setObjectName("regenerate")
        self.regenerate_button.setToolTip("Draw new random rows: the seed goes up by one (it "
                                          "also seeds the initial weights)")
        self.regenerate_button.clicked.connect(self.regenerate)
        row.addWidget(self.regenerate_button)
        row.addStretch(1)

        self.summary = QLabel("No data yet.")
        self.summary.setObjectName("data_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.RichText)

        scores = QGroupBox("Accuracy")
        grid = QGridLayout(scores)
        self.epoch_label = QLabel()
        self.epoch_label.setObjectName("accuracy_epoch")
        grid.addWidget(self.epoch_label, 0, 0, 1, 3)
        for column, text in enumerate(("", "accuracy", "rows")):
            grid.addWidget(_bold(text), 1, column)
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
                      "Test accuracy is measured from the current weights, so it follows "
                      "weights you set by hand at once.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555555;")
        grid.addWidget(note, len(PARTS) + 2, 0, 1, 4)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(presets)
        layout.addWidget(self.summary)
        layout.addWidget(scores)
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
            self.experiment_requested.emit({"seed": experiment.seed + 1})

    # ----- display -----
    def _on_run_started(self) -> None:
        self.test_accuracy = math.nan
        self._scored_weights = None
        experiment, dataset = self.session.experiment, self.session.dataset
        spec = datasets.get(experiment.dataset)
        self.regenerate_button.setVisible(spec.kind == "table")
        train, val, test = len(dataset.x_train), len(dataset.x_val), len(dataset.x_test)
        text = f"<b>{spec.label}</b>: "
        if experiment.dataset == "sum-threshold":
            n, t = experiment.inputs, experiment.threshold
            labels = np.concatenate([dataset.labels_train, dataset.labels_val])
            share = 100.0 * labels.mean() if len(labels) else 0.0
            text += (f"{n} input{'s' if n != 1 else ''} uniform in [0, 1); class "
                     f"“sum &gt; {t:g}” when {_sum_text(n)} &gt; {t:g}. {experiment.samples:,} "
                     f"samples (seed {experiment.seed}), {share:.1f} % of them above. "
                     f"Targets: {_targets(experiment)}. ")
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
        for part, metric in (("Training", "accuracy"), ("Validation", "val_accuracy")):
            self.accuracy_labels[part].setText(_percent(history.last(metric)))
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
        self.test_accuracy = self.score(weights)
        self._test_cost = time.perf_counter() - self._last_test
        self._scored_weights = weights
        correct = round(self.test_accuracy * len(dataset.x_test))
        self.accuracy_labels["Test"].setText(_percent(self.test_accuracy))
        self.rows_labels["Test"].setText(f"{correct:,} of {len(dataset.x_test):,}")

    def score(self, weights) -> float:
        """Accuracy of `weights` on the test rows, as the app counts it everywhere."""
        dataset = self.session.dataset
        outputs = forward(weights, self.session.activations, dataset.x_test)
        classes = predicted_classes(outputs, self.session.encoding, self.session.threshold)
        return float(np.mean(classes == dataset.labels_test))


def _sum_text(n: int) -> str:
    return " + ".join(f"x{i}" for i in range(1, n + 1)) if n <= 3 else f"x1 + … + x{n}"


def _percent(value: float) -> str:
    return "–" if not math.isfinite(value) else f"{100 * value:.1f} %"


def _bold(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return label


def _targets(experiment) -> str:
    return ("−1 / +1 (the loss is " + experiment.loss + ", the output " + experiment.output + ")"
            if experiment.encoding == "signed" else "0 / 1")


def _describe(changes: dict) -> str:
    layers = changes.get("layers", ())
    network = (" → ".join(f"{layer.units} {layer.activation}" for layer in layers) + " → 1 tanh"
               if layers else "a single tanh neuron (no hidden layer)")
    return (f"{changes['inputs']} inputs, threshold {changes['threshold']:g}, "
            f"{changes['samples']} samples, validation split {changes['validation_split']:g}; "
            f"{network}; {changes['loss']} loss, {changes['optimizer']} "
            f"lr {changes['learning_rate']:g}, batch {changes['batch_size']}, "
            f"{changes['epochs']} epochs")
