"""The run controller: the one owner of the training worker and of the run state.

Every command (train, step, pause, resume, stop, reset weights, set weights, open, save,
predict) is a method here. Each moves the run state along one table, `TRANSITIONS`; a move the
table does not list is a programming error (`IllegalTransition`). `state_changed` tells the
window, whose actions and status bar follow it. The worker thread (ui/worker.py) does the work;
what it reports goes to the session (ui/session.py), where the views read it.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Callable

from PySide6.QtCore import QObject, Signal

from playground.core.experiment import Experiment, needs_new_model
from playground.ui.session import Session
from playground.ui.worker import WorkerThread


class RunState(StrEnum):
    LOADING = "loading"      #: TensorFlow is being imported; commands wait for it in the queue
    IDLE = "idle"
    PREPARING = "preparing"  #: a model is being built, rewound or given hand-set weights
    TRAINING = "training"
    PAUSING = "pausing"      #: Pause was asked; the worker ends the chunk under way
    STOPPING = "stopping"    #: Stop was asked; the worker ends the chunk under way
    FINISHING = "finishing"  #: the worker is idle; the views draw where it ended
    PAUSED = "paused"
    OPENING = "opening"      #: a file's model is being put in place
    SAVING = "saving"        #: the worker is writing a file


S = RunState
#: Every allowed move. A failure goes back to IDLE (LOADING while TensorFlow is not in).
TRANSITIONS: dict[RunState, frozenset[RunState]] = {
    S.LOADING: frozenset({S.IDLE, S.TRAINING, S.PREPARING}),
    S.IDLE: frozenset({S.TRAINING, S.PREPARING, S.OPENING, S.SAVING}),
    S.PAUSED: frozenset({S.TRAINING, S.PREPARING, S.OPENING, S.SAVING, S.IDLE}),
    S.TRAINING: frozenset({S.PAUSING, S.STOPPING, S.FINISHING, S.IDLE, S.LOADING}),
    S.PAUSING: frozenset({S.STOPPING, S.FINISHING, S.IDLE}),
    S.STOPPING: frozenset({S.FINISHING, S.IDLE}),
    S.PREPARING: frozenset({S.FINISHING, S.IDLE, S.LOADING}),
    S.OPENING: frozenset({S.FINISHING, S.IDLE}),
    S.FINISHING: frozenset({S.IDLE, S.PAUSED}),
    S.SAVING: frozenset({S.IDLE, S.PAUSED}),
}
#: The worker is free and takes any command.
QUIET = frozenset({S.IDLE, S.PAUSED})
#: A run is under way (Stop acts on it within a report).
RUNNING = frozenset({S.TRAINING, S.PAUSING, S.STOPPING})
#: How a run (not a build, a rewind or a file) ends.
RUN_ENDS = frozenset({"finished", "stopped", "paused", "diverged", "step"})


class IllegalTransition(RuntimeError):
    """A move `TRANSITIONS` does not allow: a bug in the caller, never the user's doing."""


class RunController(QObject):
    """Owns the worker thread and the run state; the window calls its commands."""

    #: The state moved: the new `RunState`.
    state_changed = Signal(object)
    #: The worker is idle again after a command and the views show where it ended (the
    #: window's `training_idle`): "finished", "stopped", "paused", "diverged", "step",
    #: "reset", "weights", "opened", "open-failed", "failed".
    ended = Signal(str)
    #: TensorFlow is imported.
    loaded = Signal()
    #: A message for the status line ("" clears it).
    message = Signal(str)
    #: Relayed from the worker once the state has moved (see `TrainingWorker`).
    saved = Signal(str, str)
    opened = Signal(object, object, str)
    open_failed = Signal(str, str)
    failed = Signal(str)
    missing_data = Signal(str)

    # Commands to the worker thread (queued connections: they run there, in order).
    _load = Signal()
    _build = Signal(object)
    _train = Signal(object, int)
    _reset = Signal(object)
    _set_weights = Signal(object)
    _predict = Signal(object, object)
    _save = Signal(str, object, object, object)
    _export_model = Signal(str)
    _restore = Signal(object)
    _open_model = Signal(str)

    def __init__(self, session: Session, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.state = S.LOADING
        self.is_loaded = False
        self.workers = WorkerThread()
        self._load_asked = False
        self._ending = ""          # the worker's reason, while the views draw a run's end
        self._after_save = S.IDLE  # where SAVING goes back to
        self._resume_target = 0    # the epoch a paused run was going to
        self._step_in_pause = False  # a Step of a paused run: it stays paused after
        self._fresh_asked = 0  # the latest `fresh`: an earlier one still waiting gives way
        self._when_idle: list[Callable[[str], None]] = []
        self._previews_asked = 0  # a deferred preview acts only if no newer one was asked
        worker = self.workers.worker
        for command, slot in ((self._load, worker.load), (self._build, worker.build),
                              (self._train, worker.train), (self._reset, worker.reset),
                              (self._set_weights, worker.set_weights),
                              (self._predict, worker.predict), (self._save, worker.save),
                              (self._export_model, worker.export_model),
                              (self._restore, worker.restore),
                              (self._open_model, worker.open_model)):
            command.connect(slot)
        worker.loaded.connect(self._on_loaded)
        worker.built.connect(session.start_run)
        worker.retargeted.connect(session.retarget)
        worker.report.connect(session.add_report)
        worker.started.connect(self._on_started)
        worker.idle.connect(self._on_worker_idle)
        worker.failed.connect(self._on_failed)
        worker.saved.connect(self._on_saved)
        worker.opened.connect(self.opened)
        worker.open_failed.connect(self.open_failed)
        worker.missing_data.connect(self.missing_data)
        worker.predicted.connect(session.predicted)
        session.predict_requested.connect(self._predict)
        session.weights_editor = self.set_weights

    # ----- the state -----
    def _go(self, new: RunState) -> None:
        if new is self.state:
            return
        if new not in TRANSITIONS[self.state]:
            raise IllegalTransition(f"{self.state.value} -> {new.value}")
        self.state = new
        self.state_changed.emit(new)

    @property
    def is_quiet(self) -> bool:
        """The worker is free: a command runs at once."""
        return self.state in QUIET

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING or (self.state is S.FINISHING and self._ending in RUN_ENDS)

    @property
    def can_stop(self) -> bool:
        return (self.state in (S.TRAINING, S.PAUSING, S.PAUSED)
                or (self.state is S.FINISHING and self._ending == "paused"))

    def when_idle(self, callback: Callable[[str], None]) -> None:
        """Call `callback(reason)` once the state is IDLE: now ("" for the reason) or when it
        next gets there (with the reason the last command ended)."""
        if self.state is S.IDLE:
            callback("")
        else:
            self._when_idle.append(callback)

    # ----- commands -----
    def start_loading(self) -> None:
        """Import TensorFlow in the worker thread (once)."""
        if not self._load_asked:
            self._load_asked = True
            self._load.emit()

    def train(self, experiment: Experiment, epochs: int = 0) -> bool:
        """Train `epochs` more (0: up to the experiment's epochs, or that many more; while
        paused, on to where the paused run was going)."""
        if self.state not in (S.IDLE, S.PAUSED, S.LOADING) or (epochs and not self.is_loaded):
            return False
        current = self.session.experiment
        if self.state is S.PAUSED and current is not None \
                and not needs_new_model(current, experiment):
            if epochs == 0:  # Resume: on to where the paused run was going
                epochs = max(self._resume_target - self.session.history.last_epoch, 1)
            else:
                self._step_in_pause = True
        self.message.emit("")
        self._go(S.TRAINING)
        self._train.emit(experiment, epochs)
        return True

    def step(self, experiment: Experiment) -> bool:
        """Train exactly one epoch."""
        return self.train(experiment, 1)

    def pause(self) -> None:
        if self.state is S.TRAINING:
            self._go(S.PAUSING)
            self.workers.worker.request_pause()

    def stop(self) -> None:
        """End the run: at the next report, at once when paused."""
        if self.state in (S.TRAINING, S.PAUSING):
            self._go(S.STOPPING)
            self.workers.worker.request_stop()
        elif self.state is S.FINISHING and self._ending == "paused":
            self._ending = "stopped"  # paused already; its last redraws are under way
        elif self.state is S.PAUSED:  # the worker is idle already: the run just ends here
            self._end("stopped")

    def reset(self, experiment: Experiment | None) -> bool:
        """Back to epoch 0: the same model rewound (with `experiment`'s training settings), or
        a new one when `experiment` needs one."""
        if self.state not in (S.IDLE, S.PAUSED):
            return False
        s = self.session
        self._go(S.PREPARING)
        if experiment is not None and (s.experiment is None
                                       or needs_new_model(s.experiment, experiment)):
            self._build.emit(experiment)
            return True
        # Rewound, its epochs start again from 0: the session's history starts afresh too,
        # as for a new model (views, Runs, hints).
        if s.experiment is not None:
            s.start_run(experiment or s.experiment, s.dataset, s.probe_x, s.probe_labels)
        self._reset.emit(experiment)
        return True

    def fresh(self, experiment: Experiment, then: Callable[[], None] | None = None) -> None:
        """A model for `experiment` at epoch 0, after stopping whatever runs; then `then()`
        once it is in place (not if building it failed, nor if another `fresh` came after)."""
        self._fresh_asked += 1
        asked = self._fresh_asked

        def latest(job):
            return lambda reason: job(reason) if asked == self._fresh_asked else None
        if self.state is S.LOADING:  # the first model is fresh: built once TensorFlow is in
            self._go(S.PREPARING)
            self._build.emit(experiment)
        elif self.state not in QUIET:
            self.stop()
            self.when_idle(latest(lambda _reason: self.fresh(experiment, then)))
            return
        else:
            self.stop()  # a paused run ends at once
            self.reset(experiment)
        if then is not None:
            self.when_idle(latest(lambda reason: then() if reason == "reset" else None))

    def preview(self, experiment: Experiment | None) -> None:
        """Show a new dataset or network shape at once (untrained) when nothing runs; a change
        of training settings alone keeps the model."""
        self._previews_asked += 1
        if (self.is_loaded and experiment is not None and self.state in (S.PREPARING, S.FINISHING)
                and not self.is_running):
            # A model is still being built (a drawn point just before this one, on a slow
            # machine): show this one once that is done, or the newer change would be lost.
            asked = self._previews_asked
            self.when_idle(lambda _reason: self.preview(experiment)
                           if asked == self._previews_asked else None)
            return
        current = self.session.experiment
        if (self.is_loaded and self.state is S.IDLE and experiment is not None
                and (current is None or needs_new_model(current, experiment))):
            self._go(S.PREPARING)
            self._build.emit(experiment)

    def set_weights(self, weights: list) -> str:
        """Hand-set weights go to the model at once; returns "" or why they were refused."""
        if self.state not in QUIET or self.session.experiment is None:
            why = ("Training is running: pause or stop it to edit weights."
                   if self.is_running else "There is no model to edit yet.")
            self.message.emit(why)
            return why
        self.message.emit("")
        self._go(S.PREPARING)
        self._set_weights.emit(list(weights))
        return ""

    def predict(self, rows, token) -> None:
        """`model.predict(rows)` in the worker, after what is queued; `session.predicted`."""
        self._predict.emit(rows, token)

    # ----- files -----
    def file_refusal(self) -> str:
        """Why a file cannot be saved or opened now ("" when it can)."""
        if not self.is_loaded:
            return "TensorFlow is still loading."
        if self.is_running or self.state is S.PREPARING:
            return "Training is running: pause or stop it first."
        if self.state is S.OPENING:
            return "Another file is still opening."
        if self.state is S.SAVING:
            return "Another file is still being written."
        return ""

    def save(self, path: str, experiment, history, runs) -> None:
        self._saving()
        self._save.emit(path, experiment, history, runs)

    def export_model(self, path: str) -> None:
        self._saving()
        self._export_model.emit(path)

    def open_experiment(self, saved) -> None:
        """Put a read experiment file (`experiment_file.SavedRun`) in place."""
        self._go(S.OPENING)
        self._restore.emit(saved)

    def open_model(self, path: str) -> None:
        """Open a plain Keras model as the experiment it fits, at epoch 0."""
        self._go(S.OPENING)
        self._open_model.emit(path)

    def _saving(self) -> None:
        self._after_save = self.state
        self._go(S.SAVING)

    # ----- closing -----
    def shutdown(self) -> None:
        """Stop any run and wait for the worker thread to end (never leaves it running)."""
        self.workers.shutdown()

    # ----- worker signals -----
    def _on_loaded(self) -> None:
        self.is_loaded = True
        if self.state is S.LOADING:
            self._go(S.IDLE)
            self._run_when_idle("")  # commands that waited for TensorFlow (a file to open)
        self.loaded.emit()

    def _on_started(self, first: int, target: int) -> None:
        self.session.streaming = True
        self.session.target_epoch = target

    def _on_worker_idle(self, reason: str) -> None:
        if self.state is S.STOPPING and reason == "paused":
            reason = "stopped"  # Stop came after Pause, before the worker saw either
        self.session.streaming = False
        self._ending = reason
        self._go(S.FINISHING)
        # Every view draws where the run ended, in turns as the run's reports were
        # (`Session.in_turn`); the state moves on once they have.
        self.session.in_turn(self.session.redraw)
        self.session.when_drawn(self._drawn)

    def _drawn(self) -> None:
        reason, self._ending = self._ending, ""
        if reason == "diverged":
            self.message.emit(self.session.history.message)
        if reason == "paused":
            self._resume_target = self.session.target_epoch
        elif reason == "step" and self._step_in_pause:
            self.session.target_epoch = self._resume_target  # still where Resume goes
        else:
            self._step_in_pause = False
            self._end(reason)
            return
        self._step_in_pause = False
        self._go(S.PAUSED)
        self.ended.emit(reason)

    def _end(self, reason: str) -> None:
        self._go(S.IDLE)
        self.ended.emit(reason)
        self._run_when_idle(reason)

    def _run_when_idle(self, reason: str) -> None:
        while self._when_idle and self.state is S.IDLE:
            self._when_idle.pop(0)(reason)

    def _on_failed(self, message: str) -> None:
        self.session.streaming = False
        self._ending, self._step_in_pause = "", False
        self.message.emit(message)
        if self.state in (S.LOADING, S.IDLE, S.PAUSED, S.SAVING):
            self.failed.emit(message)  # nothing was under way that could end
            return
        self._go(S.IDLE if self.is_loaded else S.LOADING)
        self.failed.emit(message)
        self.ended.emit("failed")
        self._run_when_idle("failed")

    def _on_saved(self, path: str, message: str) -> None:
        if self.state is S.SAVING:
            self._go(self._after_save)
        self.saved.emit(path, message)
        if self.state is S.IDLE:
            self._run_when_idle("saved")
