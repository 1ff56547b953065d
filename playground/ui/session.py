"""What the views look at: the current run, its history and the class threshold (GUI thread).

The session receives reports from the worker, appends them to a `RunHistory` (cheap), and
emits `history_changed` from a timer at most ~30 times a second, however fast epochs come, so
views redraw at a bounded rate. Views never train and never call TensorFlow: they draw from the
history and evaluate weight snapshots with NumPy (`core.forward`).
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from playground.core import datasets
from playground.core.dataset import Dataset
from playground.core.experiment import Experiment
from playground.core.forward import activations_of
from playground.core.history import RunHistory

REDRAW_INTERVAL_MS = 33


class Session(QObject):
    #: A new model was built: views reset for (experiment, dataset).
    run_started = Signal()
    #: New reports arrived since the last redraw (throttled to ~30 per second).
    history_changed = Signal()
    #: The class threshold moved (views re-classify without retraining).
    threshold_changed = Signal(float)
    #: Per-report, unthrottled: (batches done, batches total, samples/s, seconds left) within an
    #: epoch of a large-data trainer.
    batch_progress = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.experiment: Experiment | None = None
        self.dataset: Dataset | None = None
        self.probe_x: np.ndarray | None = None
        self.probe_labels: np.ndarray | None = None
        self.history = RunHistory()
        self.threshold = 0.5
        #: The epoch the run under way trains to (live plots span it from the start).
        self.target_epoch = 0
        #: A run is sending reports now (costly views may then redraw less often).
        self.streaming = False
        self._dirty = False
        self.last_redraw_seconds = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_INTERVAL_MS)
        self._timer.timeout.connect(self._flush)
        self._timer.start()

    # ----- fed by the main window from worker signals -----
    def start_run(self, experiment: Experiment, dataset: Dataset, probe_x, probe_labels) -> None:
        self.experiment = experiment
        self.dataset = dataset
        self.probe_x = np.asarray(probe_x)
        self.probe_labels = np.asarray(probe_labels)
        self.history = RunHistory()
        self.threshold = experiment.default_threshold
        self._dirty = False
        self.run_started.emit()
        self.threshold_changed.emit(self.threshold)

    def add_report(self, report) -> None:
        if not hasattr(report, "epochs"):  # progress within an epoch (large data)
            self.batch_progress.emit(report)
            return
        self.history.append(report)
        self._dirty = True

    def flush(self) -> None:
        """Redraw now if anything changed (used when a run ends, so the last state shows)."""
        self._flush()

    def set_threshold(self, value: float) -> None:
        if value != self.threshold:
            self.threshold = float(value)
            self.threshold_changed.emit(self.threshold)

    # ----- helpers for views -----
    @property
    def activations(self) -> list[str]:
        return activations_of(self.experiment) if self.experiment else []

    @property
    def encoding(self) -> str:
        return self.experiment.encoding if self.experiment else "binary"

    @property
    def has_images(self) -> bool:
        """The model shown trains on images (MNIST, Fashion-MNIST)."""
        return (self.experiment is not None and self.dataset is not None
                and datasets.get(self.experiment.dataset).kind == "images")

    def _flush(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        started = time.perf_counter()
        self.history_changed.emit()
        self.last_redraw_seconds = time.perf_counter() - started
