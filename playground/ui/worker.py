"""The training thread: builds trainers and relays their reports as Qt signals.

The worker is a QObject living in its own QThread; commands arrive as queued signals, so they run
one after another in that thread. While a run is going, the thread is inside the trainer's
generator, so Stop and Pause cannot arrive as queued signals: they are `threading.Event`s checked
between reports (a report comes at least every ~33 ms, so Stop acts well within 0.2 s). Pause
leaves the generator and keeps the model, so nothing blocks and Step works while paused.
Nothing here draws, and nothing here reads a widget.
"""
from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, QThread, Signal, Slot

from playground.core.experiment import Experiment, needs_new_model


class TrainingWorker(QObject):
    """Runs in the worker thread. Every outcome ends in `idle` or `failed`."""

    #: TensorFlow is imported and the worker takes commands.
    loaded = Signal()
    #: A new model was built: (experiment, dataset, trainer's probe inputs, probe labels).
    built = Signal(object, object, object, object)
    #: The model was kept with new training settings (optimizer, learning rate, momentum,
    #: batch size, epochs): the experiment it trains with now.
    retargeted = Signal(object)
    #: One `Report` (a chunk of epochs), or a progress object from a large-data trainer.
    report = Signal(object)
    #: Training started: (first epoch, target epoch).
    started = Signal(int, int)
    #: The worker is idle again; reason: "finished", "stopped", "paused", "diverged", "step",
    #: "reset", "weights" (set by hand).
    idle = Signal(str)
    #: Something went wrong; a message for the user (the traceback goes to stderr only).
    failed = Signal(str)
    #: A dataset's files are not in Keras's cache (`MissingFilesError`): its key. `failed`
    #: came just before, with the message naming the files.
    missing_data = Signal(str)
    #: Weights set by hand reached the model; its fresh report was emitted just before.
    weights_set = Signal()
    #: `model.predict` answered a view: (rows, outputs or None when there is no model, token).
    predicted = Signal(object, object, object)
    #: A file was written from the model: (path, "" or a message saying why not).
    saved = Signal(str, str)
    #: A file's model is in place (after `built`, and for a plain Keras model after its
    #: epoch-0 report): (experiment, restored `RunHistory` or None, path). `idle` follows.
    opened = Signal(object, object, str)
    #: A file could not be opened: (path, message); the model in place is untouched.
    #: `idle("open-failed")` follows.
    open_failed = Signal(str, str)

    def __init__(self):
        super().__init__()
        self._stop = threading.Event()
        self._pause = threading.Event()
        #: The thread is shutting down: no run starts or goes on (never cleared, unlike Stop,
        #: so a Stop that comes while a model is still being built is not lost).
        self._quit = threading.Event()
        self.trainer = None

    # ----- called from the GUI thread, directly (thread-safe) -----
    def request_stop(self) -> None:
        self._stop.set()

    def request_quit(self) -> None:
        self._quit.set()

    def request_pause(self) -> None:
        self._pause.set()

    # ----- slots, run in the worker thread -----
    @Slot()
    def load(self) -> None:
        try:
            from playground.core.model.runtime import load

            load()
            import playground.core.training.trainer  # noqa: F401  (imports Keras's pieces once)
        except Exception as error:  # noqa: BLE001 - any failure must reach the user as a message
            self._fail("TensorFlow could not be loaded", error)
            return
        self.loaded.emit()

    @Slot(object)
    def build(self, experiment: Experiment) -> None:
        """A fresh model for `experiment`; its untrained epoch-0 report follows."""
        if self._build(experiment):
            self._run(0, "reset")

    def _build(self, experiment: Experiment) -> bool:
        try:
            self.trainer = self._make_trainer(experiment)
        except Exception as error:  # noqa: BLE001
            self.trainer = None
            from playground.core.data.downloads import MissingFilesError

            self._fail("Could not build the model", error)
            if isinstance(error, MissingFilesError):  # the window offers download / import
                self.missing_data.emit(error.key)  # after the message: it is there when asked
            return False
        t = self.trainer
        self.built.emit(experiment, t.dataset, t.probe_x, t.probe_labels)
        return True

    @Slot(object, int)
    def train(self, experiment: Experiment, epochs: int) -> None:
        """Train `epochs` more epochs (0: up to the experiment's total, or that many more once
        it is reached). Builds a fresh model first when `needs_new_model` says so; a change of
        training settings alone continues the model with them."""
        if self.trainer is None or needs_new_model(self.trainer.experiment, experiment):
            if not self._build(experiment):
                return
        elif not self._retarget(experiment):
            return
        if epochs == 0:
            epochs = experiment.epochs - self.trainer.epoch
            if epochs <= 0:
                epochs = experiment.epochs
        self._run(epochs, "finished" if epochs > 1 else "step")

    @Slot(object)
    def reset(self, experiment: Experiment | None = None) -> None:
        """The model back at epoch 0, trained next with `experiment`'s training settings."""
        if self.trainer is None:
            self.idle.emit("reset")
            return
        if experiment is not None and not self._retarget(experiment):
            return
        try:
            self.trainer.reset()
        except Exception as error:  # noqa: BLE001
            self._fail("Could not reset the weights", error)
            return
        self._run(0, "reset")

    @Slot(object)
    def set_weights(self, weights: list) -> None:
        """Give the model hand-set weights (a `get_weights()`-shaped list), then report it as
        it now is (same epoch: outputs, loss and accuracy), so every view updates."""
        if self.trainer is None:
            self._fail("Could not set the weights", RuntimeError("there is no model yet"))
            return
        try:
            import numpy as np

            self.trainer.model.set_weights([np.asarray(w, np.float32) for w in weights])
            report = self.trainer.report_now()
        except Exception as error:  # noqa: BLE001
            self._fail("Could not set the weights", error)
            return
        self.report.emit(report)
        self.weights_set.emit()
        self.idle.emit("weights")

    @Slot(object, object)
    def predict(self, rows, token) -> None:
        """`model.predict(rows)` for a view (queued, so it never runs during training)."""
        outputs = None
        if self.trainer is not None:
            try:
                import numpy as np

                outputs = self.trainer.model.predict(np.asarray(rows, np.float32), verbose=0)
            except Exception:  # noqa: BLE001 - the view shows the NumPy value alone
                traceback.print_exc()
        self.predicted.emit(rows, outputs, token)

    # ----- files (playground.core.files.experiment_file), queued: never while a run is going -----
    @Slot(str, object, object, object)
    def save(self, path: str, experiment, history, runs=None) -> None:
        """Write an experiment file: `experiment`, the model, `history` (a `HistoryData`) and
        the Runs list `runs` (a `RunList` the GUI thread no longer changes, or None)."""
        self._write(path, lambda persist: persist.save_run(
            path, experiment, self.trainer.model, history, self.trainer.epoch, runs))

    @Slot(str)
    def export_model(self, path: str) -> None:
        """Write the model alone as a `.keras` file."""
        self._write(path, lambda persist: persist.export_model(path, self.trainer.model))

    @Slot(object)
    def restore(self, saved) -> None:
        """Put a read experiment file (`persist.SavedRun`) in place: its model continues."""
        from playground.core.files import keras_models as model_files

        path = str(saved.path)
        try:
            trainer = model_files.restore_trainer(saved)
        except Exception as error:  # noqa: BLE001 - every failure must reach the user
            self._open_failed(path, error)
            return
        self.trainer = trainer
        self.built.emit(saved.experiment, trainer.dataset, trainer.probe_x, trainer.probe_labels)
        self.opened.emit(saved.experiment, saved.history, path)
        self.idle.emit("opened")

    @Slot(str)
    def open_model(self, path: str) -> None:
        """Open a plain Keras model (.keras, .h5) as the experiment it fits, at epoch 0."""
        from playground.core.files import keras_models as model_files

        try:
            trainer = model_files.open_keras_model(path)
        except Exception as error:  # noqa: BLE001
            self._open_failed(path, error)
            return
        self.trainer = trainer
        t = trainer
        self.built.emit(t.experiment, t.dataset, t.probe_x, t.probe_labels)
        self.opened.emit(t.experiment, None, path)
        self._run(0, "opened")

    def _write(self, path: str, write) -> None:
        from playground.core.files import experiment_file as persist

        if self.trainer is None:
            self.saved.emit(path, "There is no model to save yet.")
            return
        try:
            # An image epoch paused half-way is undone first, as Resume would: the file then
            # holds the model at its last whole epoch, which is what its history shows.
            stop = getattr(self.trainer, "_stop_active", None)
            if stop is not None:
                stop()
            write(persist)
        except persist.PersistError as error:
            self.saved.emit(path, str(error))
            return
        except Exception as error:  # noqa: BLE001
            traceback.print_exc()
            self.saved.emit(path, f"Could not save {path}: {error}")
            return
        self.saved.emit(path, "")

    def _open_failed(self, path: str, error: Exception) -> None:
        from playground.core.files.experiment_file import PersistError

        if not isinstance(error, PersistError):
            traceback.print_exc()
        if isinstance(error, PersistError):
            message = str(error)
        else:
            message = f"Could not open {path}: {error}"
        self.open_failed.emit(path, message)
        self.idle.emit("open-failed")

    # ----- internals -----
    def _retarget(self, experiment: Experiment) -> bool:
        """Keep the model, train it next with `experiment`'s training settings."""
        if experiment == self.trainer.experiment:
            return True
        try:
            self.trainer.retarget(experiment)
        except Exception as error:  # noqa: BLE001
            self._fail("Could not change the training settings", error)
            return False
        self.retargeted.emit(experiment)
        return True

    def _make_trainer(self, experiment: Experiment):
        from playground.core.training.trainer import Trainer

        return Trainer(experiment)

    def _run(self, epochs: int, end: str) -> None:
        if self._quit.is_set():  # closing: a run queued before it never starts
            self.idle.emit("stopped")
            return
        self._stop.clear()
        self._pause.clear()
        trainer = self.trainer
        start = trainer.epoch
        self.started.emit(start, start + epochs)
        reason = end
        try:
            for item in trainer.run(epochs):
                self.report.emit(item)
                if getattr(item, "status", "") == "diverged":
                    reason = "diverged"
                    break
                if self._pause.is_set():
                    reason = "paused"
                    break
                if self._stop.is_set() or self._quit.is_set():
                    reason = "stopped"
                    break
        except Exception as error:  # noqa: BLE001
            self._fail("Training failed", error)
            return
        self.idle.emit(reason)

    def _fail(self, what: str, error: Exception) -> None:
        traceback.print_exc()
        self.failed.emit(f"{what}: {error}")


class _PythonEventLoopThread(QThread):
    """A QThread whose event loop runs inside a Python frame.

    With the default `run()`, PySide6 creates and destroys the thread's Python state around
    every slot call; TensorFlow keeps its eager context in `threading.local`, which dies with
    that state, and the next slot that touches a tensor segfaults. Running `exec()` from Python
    keeps one thread state alive for the thread's whole life
    (tests/ui/test_worker.py::test_tensorflow_survives_separate_slot_calls).
    """

    def run(self) -> None:
        self.exec()


class WorkerThread:
    """Owns the QThread and the worker, and shuts both down cleanly (no 'Destroyed while
    thread is still running' on exit)."""

    def __init__(self):
        self.thread = _PythonEventLoopThread()
        self.thread.setObjectName("training")
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.thread)
        self.thread.start()

    def shutdown(self) -> None:
        """Stop any run, end the thread and wait for it. Every command it may be in ends by
        itself (a run within a report, a save once written): waiting has no deadline, as a
        thread destroyed while it runs aborts the process (and loses a save under way)."""
        self.worker.request_quit()
        self.thread.quit()
        self.thread.wait()
