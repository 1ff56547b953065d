"""The gallery's answers for the test images, worked out in a thread of its own (issue 17),
and the note it shows when too many of them are hard.

A conv network's NumPy forward pass over 10,000 test images costs ~12 s of CPU: done on the GUI
thread, even a slice at a time, it would freeze the window for seconds. An `AnswerJob` runs the
chunks of `predictions.output_chunks` in a daemon thread (NumPy's matrix products release the
GIL, so the window keeps painting); the gallery polls it from a timer for progress and the
result. It never touches the live model nor any Qt object, only a weights snapshot.
"""
from __future__ import annotations

import threading
import time

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from playground.core.inspection import predictions as image_eval
from playground.core.inspection.predictions import Predictions


class WaitsForAnswers:
    """`evaluate_now` for a view that answers its test images in an `AnswerJob` (the gallery,
    Mistakes): it needs `_job`, `_later` (the timer of a throttled start), `_next_allowed`,
    `_evaluate_if_needed()` and `_finish(job)`."""

    def evaluate_now(self) -> None:
        """Wait for the answers for the latest weights (tests, the command line)."""
        while True:  # the job under way, then one for any weights newer than its own
            self._next_allowed = 0.0
            self._later.stop()
            if self._job is None:
                self._evaluate_if_needed()
            if self._job is None:
                return
            self._job.wait()
            self._finish(self._job)


class AnswerJob:
    """`chunks(weights, activations, x)` -> (outputs, logits) slices, run in a thread."""

    def __init__(self, weights, activations, x, labels, chunks=image_eval.output_chunks,
                 clock=time.perf_counter):
        self.weights = weights
        self.activations = list(activations)
        self.labels = np.asarray(labels)
        self.total = len(x)
        self.done_rows = 0
        self.seconds = 0.0
        self.error = ""
        self._x, self._chunks, self._clock = x, chunks, clock
        self._parts: list[tuple[np.ndarray, np.ndarray]] = []
        self._cancelled = threading.Event()
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gallery-answers", daemon=True)

    def start(self) -> "AnswerJob":
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop after the slice under way; the job's answers are never read."""
        self._cancelled.set()

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._finished.wait(timeout)

    def _run(self) -> None:
        started = self._clock()
        try:
            for outputs, logits in self._chunks(self.weights, self.activations, self._x):
                if self._cancelled.is_set():
                    return
                self._parts.append((outputs, logits))
                self.done_rows += len(outputs)
                time.sleep(0)  # hand the GIL to the GUI thread between slices
        except Exception as error:  # noqa: BLE001 (shown to the user, not a traceback)
            self.error = f"{type(error).__name__}: {error}"
        finally:
            self.seconds = self._clock() - started
            self._finished.set()

    def predictions(self, n_classes: int) -> Predictions:
        """The answers, once `finished` without an error."""
        parts = self._parts
        empty = np.zeros((0, n_classes), np.float32)
        probs = np.concatenate([p for p, _ in parts]) if parts else empty
        logits = np.concatenate([z for _, z in parts]) if parts else empty
        softmax = bool(self.activations) and self.activations[-1] == "softmax"
        return Predictions(probs, self.labels, logits if softmax else None)


#: A yellow note with dark text in either theme (the dark theme's light text on yellow was
#: unreadable).
NOTE_STYLE = "background: #fff3bf; color: #3b3000; border: 1px solid #f0c36d; padding: 4px;"


class SaturationNote(QWidget):
    """A yellow note over the gallery when many answers are hard, with a button to normalise
    pixels when raw 0–255 pixels are the cause."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.note = QLabel(objectName="saturation_note", wordWrap=True, textFormat=Qt.RichText)
        self.note.setStyleSheet(NOTE_STYLE)
        self.normalise_button = QPushButton("Normalise pixels (÷255)")
        self.normalise_button.setToolTip("Turn on Normalise pixels in the form; then Train again")
        self.normalise_button.clicked.connect(
            lambda: session.request_experiment({"normalize": True}))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.note, 1)
        row.addWidget(self.normalise_button)
        self.hide()

    def show_for(self, p: Predictions | None, normalize: bool) -> None:
        if p is None or not p.saturated:
            self.hide()
            return
        self.note.setText(saturation_text(p, normalize))
        self.normalise_button.setVisible(not normalize)
        self.show()


def saturation_text(p: Predictions, normalize: bool) -> str:
    """Why so many answers are hard (probability 1 for one class), for the gallery's note."""
    share = f"{100 * p.hard_share:.0f}%"
    if normalize:
        return (f"{share} of the test images get a hard answer: probability 1 for one "
                "class and 0 for the rest. The network is extremely sure of itself; when "
                "such sure answers are wrong, the test loss grows (over-fitting, as in "
                "seed 003 after 500 epochs).")
    return (f"<b>{share} of the test images get a hard answer</b> (1.00000000e+00 "
            "and zeros, like seed 001's <code>[1. 0. 0. …]</code>): "
            "<i>Normalise pixels</i> is off, so 0–255 pixels make the first layer's "
            "sums huge and the softmax saturates. Divide them by 255:")
