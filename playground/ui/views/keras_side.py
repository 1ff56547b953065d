"""Keras's side of the Backward tab, asked in a thread of its own.

The tab shows its hand-computed gradients beside Keras's (GradientTape on a copy of the
network) and, for an optimizer other than SGD, the optimizer's own first step. Building the
copy takes a tenth of a second and a tape a few milliseconds of TensorFlow: on the GUI thread
that stalled the window at the end of every run. Here each question runs in a daemon thread
while the window goes on; the answer comes back through `answered` (the GUI thread polls).

One question at a time, so the Keras copy (built once per network shape, kept across runs) is
only ever touched by one thread; while one is being answered only the newest waiting question
is kept — a user typing a row asks many times, and only the last row matters.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer

from playground.core.inspection.backward import keras_copy, keras_gradients, optimizer_step
from playground.ui.views.background import InThread

#: How often the GUI thread looks whether the thread has answered (milliseconds).
POLL_MS = 15


@dataclass
class Question:
    """What to ask Keras: `key` says which row and weights the answer is for."""
    key: Any
    experiment: Any
    activations: tuple
    weights: list
    row: np.ndarray
    label: Any
    #: The hand-computed gradients the optimizer steps with; None for SGD (the step is shown
    #: from the hand computation).
    step_with: list | None = None


@dataclass
class Answer:
    key: Any
    loss: float = 0.0
    gradients: list = field(default_factory=list)
    step: list | None = None
    error: str = ""


class KerasSide(QObject):
    """Asks Keras off the GUI thread; `answered(answer)` is called on the GUI thread."""

    def __init__(self, answered: Callable[[Answer], None], parent=None):
        super().__init__(parent)
        self._answered = answered
        self._copy = None      # (what the copy depends on, the Keras model): the thread's own
        self._job: InThread | None = None
        self._asking: Question | None = None
        self._waiting: Question | None = None
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._check)

    def ask(self, question: Question) -> None:
        if self._job is None:
            self._start(question)
        else:
            self._waiting = question  # replaces one that waited: only the newest counts

    def forget(self) -> None:
        """Drop a waiting question (a run started: its answer would be stale)."""
        self._waiting = None

    def _start(self, question: Question) -> None:
        self._asking = question
        self._job = InThread(lambda: self._answer(question))
        self._poll.start()

    def _check(self) -> None:
        job = self._job
        if job is None or not job.done.is_set():
            return
        question, self._job, self._asking = self._asking, None, None
        answer = job.result if job.result is not None else Answer(question.key, error=job.error)
        if self._waiting is not None:
            waiting, self._waiting = self._waiting, None
            self._start(waiting)
        else:
            self._poll.stop()
        self._answered(answer)

    # ----- in the thread -----
    def _answer(self, question: Question) -> Answer:
        model = self._model(question)
        loss, gradients = keras_gradients(model, question.experiment, question.row,
                                          question.label)
        step = None
        if question.step_with is not None:
            step = optimizer_step(model, question.experiment, question.step_with)
        return Answer(question.key, loss, gradients, step)

    def _model(self, question: Question):
        experiment, weights = question.experiment, question.weights
        # Kept across runs: what the copy depends on (its weights are set on every question).
        key = (tuple(np.shape(w) for w in weights), question.activations, experiment.loss,
               getattr(experiment, "l1", 0.0), getattr(experiment, "l2", 0.0))
        if self._copy is None or self._copy[0] != key:
            self._copy = (key, keras_copy(experiment, weights))
        model = self._copy[1]
        model.set_weights([np.asarray(w, np.float32) for w in weights])
        return model
