"""What the views look at: the current run, its history and the class threshold (GUI thread).

The session receives reports from the worker, appends them to a `RunHistory` (cheap), and
emits `history_changed` from a timer at most ~30 times a second, however fast epochs come, so
views redraw at a bounded rate. Views never train and never call TensorFlow: they draw from the
history and evaluate weight snapshots with NumPy (`core.forward`).

Qt paints everything changed in a window in one pass, so a redraw that touched every plot at
once would be one long stall of the event loop. Redraws therefore take turns (`in_turn`): one job
per event-loop turn, each followed by its own paint pass. While a run streams in and when it
ends, `history_changed` is emitted in such a turn, where the cheap views (curves, status bar)
redraw; the costly ones (the boundary, the Outputs table and chart, the Weights and Forward pass
tabs) queue their redraw as turns of their own, through a `StreamedRedraw`.
"""
from __future__ import annotations

import time
from collections import deque

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from playground.core.data.dataset import Dataset
from playground.core.experiment import Experiment
from playground.core.inspection.dead_units import DeadUnits, dead_units
from playground.core.inspection.feature_maps import dense_only_note
from playground.core.inspection.forward import activations_of
from playground.core.inspection.neuron_maps import without_neurons
from playground.core.training.history import RunHistory

REDRAW_INTERVAL_MS = 33
#: Between two `in_turn` jobs: long enough that a job never runs in the timer pass that queued
#: it, short enough not to be seen.
TURN_MS = 1


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
    #: A view asks for `model.predict(rows)`: (rows, token); the run controller relays it.
    predict_requested = Signal(object, object)
    #: The answer: (rows, outputs or None when there is no model, token).
    predicted = Signal(object, object, object)
    #: A view asks to set some fields of the form: a dict of Experiment fields.
    experiment_requested = Signal(object)
    #: The epoch being looked at moved (Outputs' slider): views of the network's answers follow.
    looked_at_changed = Signal()
    #: The digit drawn in the Draw tab changed (`drawn_digit`): Filters may show its maps.
    drawn_digit_changed = Signal()
    #: The boundary's plane changed (`plane_slice`): the neuron maps follow.
    plane_slice_changed = Signal()

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
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._turns: deque = deque()
        self._after: list = []
        # A plot's change takes two passes of the event loop to be painted (pyqtgraph's scene
        # gathers its changed items in a queued call, then the view repaints), so each job is
        # followed by a pass without one.
        self._settling = False
        self._turn_timer = QTimer(self, singleShot=True, interval=TURN_MS, timeout=self._next_turn)
        #: Set by the run controller: gives hand-set weights to the model; "" or why not.
        self.weights_editor = None
        #: The epoch being looked at (Outputs' slider), None: the newest, following training.
        self.looked_at: int | None = None
        #: The Draw tab's digit as the network is fed it (one flat row), None: nothing drawn.
        self.drawn_digit: np.ndarray | None = None
        #: Hidden neurons switched off in the diagram, (hidden layer, unit): the views evaluate
        #: the network with their outputs held at 0 (see shown_weights); the model keeps them.
        self.switched_off: frozenset = frozenset()
        self._without: tuple = (None, None, None)  # (weights, switched_off, copy) last made
        self._dead: tuple = (None, None)  # (weights, DeadUnits) last found
        self._plane_slice: tuple | None = None

    @property
    def plane_slice(self) -> tuple | None:
        """The boundary's plane for > 2 inputs, (axes, held values), set by the boundary view:
        the neuron maps show the same slice (`plane_slice_changed` says when it moves)."""
        return self._plane_slice

    @plane_slice.setter
    def plane_slice(self, value: tuple | None) -> None:
        old = self._plane_slice
        same = (value is None) == (old is None) and (value is None or (
            tuple(value[0]) == tuple(old[0]) and np.array_equal(value[1], old[1])))
        self._plane_slice = value
        if not same:
            self.plane_slice_changed.emit()

    # ----- what views ask for -----
    def set_weights(self, weights: list) -> str:
        """Give `weights` (a `get_weights()`-shaped list) to the model; "" or why not. The
        model's fresh report follows through `history_changed`."""
        if self.weights_editor is None:
            return "There is no model to edit yet."
        return self.weights_editor(list(weights))

    def predict(self, rows, token) -> None:
        """Ask for the real `model.predict(rows)`; `predicted` answers with `token`."""
        self.predict_requested.emit(rows, token)

    def look_at(self, epoch: int | None) -> None:
        """Look at the network as it was at `epoch` (None: the newest, following training)."""
        if epoch is not None and epoch >= self.history.last_epoch:
            epoch = None
        if epoch != self.looked_at:
            self.looked_at = epoch
            self.looked_at_changed.emit()

    def switch_neuron(self, layer: int, unit: int) -> bool:
        """Switch hidden neuron `unit` of hidden layer `layer` off, or on again; True: now off.
        The views redraw at once (boundary, accuracy, diagram)."""
        off = set(self.switched_off) ^ {(layer, unit)}
        self.switched_off = frozenset(off)
        self.looked_at_changed.emit()
        return (layer, unit) in off

    def shown_weights(self) -> tuple[int, list | None]:
        """(epoch, weights) of the network being looked at, with any neuron switched off held
        at 0 (on a copy, made once per snapshot so views can tell an unchanged one by `is`)."""
        epoch, weights = self.looked_at_weights()
        if not self.switched_off or not weights:
            return epoch, weights
        source, off, copy = self._without
        if source is not weights or off != self.switched_off:
            copy = without_neurons(weights, self.switched_off)
            self._without = (weights, self.switched_off, copy)
        return epoch, copy

    def dead_units(self) -> DeadUnits | None:
        """The dead ReLU units of the network being looked at (its own weights, every neuron
        on), on the first training rows; found once per snapshot. None: no dense network."""
        weights = self.looked_at_weights()[1]
        if not weights or self.dataset is None or dense_only_note(weights, ""):
            return None
        x = self.dataset.x_train
        if len(self.activations) != len(weights) // 2 or \
                np.shape(weights[0])[0] != int(np.prod(np.shape(x)[1:])):
            return None  # a network for other data (a file being opened)
        source, found = self._dead
        if source is not weights:
            found = dead_units(weights, self.activations, self.dataset.x_train)
            self._dead = (weights, found)
        return found

    def looked_at_weights(self) -> tuple[int, list | None]:
        """(epoch, weights) of the network being looked at: the newest, or the weights kept
        at or just before the looked-at epoch (as Outputs shows them: RunHistory.weights_at)."""
        history = self.history
        if self.looked_at is None or not history.latest_weights:
            return history.last_epoch, history.latest_weights
        kept = history.weights_at(self.looked_at)
        if kept is None:
            return history.last_epoch, history.latest_weights
        return int(kept[0]), kept[1]

    def set_drawn_digit(self, row) -> None:
        """The Draw tab's digit (a flat row as the network is fed it; None: none drawn)."""
        self.drawn_digit = None if row is None else np.asarray(row)
        self.drawn_digit_changed.emit()

    def request_experiment(self, changes: dict) -> None:
        """Ask for some fields of the form to change (a preset, a new data seed)."""
        self.experiment_requested.emit(dict(changes))

    # ----- fed by the main window from worker signals -----
    def start_run(self, experiment: Experiment, dataset: Dataset, probe_x, probe_labels) -> None:
        self.experiment = experiment
        self.dataset = dataset
        self.probe_x = np.asarray(probe_x)
        self.probe_labels = np.asarray(probe_labels)
        self.history = RunHistory()
        self.threshold = experiment.default_threshold
        self.looked_at = None
        self.switched_off = frozenset()  # a new network: every neuron on
        self._dirty = False
        self.run_started.emit()
        self.threshold_changed.emit(self.threshold)

    def retarget(self, experiment: Experiment) -> None:
        """The same model trains on with `experiment`'s training settings (history kept)."""
        self.experiment = experiment

    def add_report(self, report) -> None:
        if not hasattr(report, "epochs"):  # progress within an epoch (large data)
            self.batch_progress.emit(report)
            return
        self.history.append(report)
        self._dirty = True

    def flush(self) -> None:
        """Redraw now if anything changed."""
        self._flush()

    def replace_history(self, history: RunHistory) -> None:
        """Show `history` (a run read from a file) in place of the current one."""
        self.history = history
        self.looked_at = None
        self.in_turn(self.redraw)

    def redraw(self) -> None:
        """Redraw now, changed or not: at a run's end every view draws where it ended, also
        one whose last redraw, throttled while the run streamed in, is still waiting."""
        self._dirty = True
        self._flush()

    def in_turn(self, job) -> None:
        """Run `job` in an event-loop turn of its own, after the jobs queued before it (a job
        already waiting keeps its place)."""
        if job not in self._turns:
            self._turns.append(job)
        if not self._turn_timer.isActive():
            self._turn_timer.start()

    def when_drawn(self, callback) -> None:
        """Call `callback` once every queued job, and every job those queue, has run."""
        self._after.append(callback)
        if not self._turn_timer.isActive():
            self._turn_timer.start()

    def _next_turn(self) -> None:
        try:
            if self._settling:  # a pass for the last job's drawing to reach the screen
                self._settling = False
            elif self._turns:
                self._settling = True
                self._turns.popleft()()
            elif self._after:
                self._after.pop(0)()
        finally:  # a job that raised must not stop the ones after it (nor the window's idle)
            if self._turns or self._after or self._settling:
                self._turn_timer.start()

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
                and self.dataset.is_images)

    def _tick(self) -> None:
        if self._dirty:
            self.in_turn(self._flush)

    def _flush(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        started = time.perf_counter()
        self.history_changed.emit()
        self.last_redraw_seconds = time.perf_counter() - started


class StreamedRedraw(QObject):
    """A costly view's redraw as epochs arrive (`history_changed`): always in an event-loop
    turn of its own (`Session.in_turn`); while a run streams in, at most once every `pause()`
    seconds; otherwise (a run's end, a Step, a file opened) at the next turn, so the window
    turns idle only after it. `clock` (seconds) is there for tests."""

    def __init__(self, session: Session, redraw, pause, parent: QObject,
                 clock=time.perf_counter):
        super().__init__(parent)
        self.session, self.redraw, self.pause, self.clock = session, redraw, pause, clock
        self.last = float("-inf")  # when `redraw` last ran from here
        # Put off, it still comes in a turn of its own, not in the pass of a timer due with it.
        self._later = QTimer(self, singleShot=True, timeout=self._queue)
        session.history_changed.connect(self.request)

    def request(self) -> None:
        if self.session.streaming:
            wait = self.last + self.pause() - self.clock()
            if wait > 0:
                if not self._later.isActive():
                    self._later.start(int(wait * 1000) + 1)
                return
        self._later.stop()
        self._queue()

    def _queue(self) -> None:
        self.session.in_turn(self._run)

    def _run(self) -> None:
        self.last = self.clock()
        self.redraw()
