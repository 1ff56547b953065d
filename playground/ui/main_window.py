"""The main window: the form on the left, the views on the right, the run controls on top.

It translates clicks into worker commands and worker signals into session updates and status
text. It holds no training state of its own beyond what the buttons need.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QGraphicsItem, QHBoxLayout, QLabel, QMainWindow, QProgressBar,
                               QScrollArea, QSplitter, QTabWidget, QToolBar, QVBoxLayout,
                               QWidget)

from playground.core.experiment import TRAINING_ONLY_FIELDS, Experiment
from playground.ui.form.experiment_form import ExperimentForm
from playground.ui.menus.data_files import DataFilesDialog
from playground.ui.menus.examples import install_examples
from playground.ui.menus.file_actions import install_file_actions
from playground.ui.garbage import collect_in_gui_thread
from playground.ui.hints_bar import install_hints
from playground.ui.session import Session
from playground.ui.views import VIEWS
from playground.ui.views.runs import install_runs
from playground.ui.worker import WorkerThread


class MainWindow(QMainWindow):
    # Commands to the worker thread (queued connections).
    _load = Signal()
    _build = Signal(object)
    _train = Signal(object, int)
    _reset = Signal()
    _set_weights = Signal(object)
    #: The worker became idle after a command; reason as in `TrainingWorker.idle`.
    training_idle = Signal(str)
    #: TensorFlow finished loading.
    ready = Signal()
    #: The window is being closed (emitted first, while its layout is still there).
    closing = Signal()

    def __init__(self, experiment: Experiment | None = None):
        super().__init__()
        collect_in_gui_thread()  # before the worker thread exists (see ui/garbage.py)
        self.setWindowTitle("Neural Playground")
        self.session = Session(self)
        self.state = "loading"  # loading -> idle <-> running / paused
        self.loaded = False
        self.target_epoch = 0
        self.message = ""

        self.form = ExperimentForm()
        if experiment is not None:
            self.form.set_experiment(experiment)
        self._build_actions()
        self._build_layout()
        self._build_status()

        self.workers = WorkerThread()
        worker = self.workers.worker
        self._load.connect(worker.load)
        self._build.connect(worker.build)
        self._train.connect(worker.train)
        self._reset.connect(worker.reset)
        worker.loaded.connect(self._on_loaded)
        worker.built.connect(self.session.start_run)
        worker.report.connect(self.session.add_report)
        worker.started.connect(self._on_started)
        worker.idle.connect(self._on_idle)
        worker.failed.connect(self._on_failed)
        # Image data files (download / import) and progress within a long epoch.
        self.data_files = DataFilesDialog(self)
        worker.missing_data.connect(self.data_files.show_missing)
        self.data_files.files_ready.connect(self._on_data_files_ready)
        self.session.batch_progress.connect(self._on_batch_progress)
        # The status bar follows the session's redraws (≤ 30 a second), not each report: then
        # it is painted in the same pass as the plots.
        self.session.history_changed.connect(self._on_history)
        self._idle_reason = None  # the worker's, while the window draws the end of a run
        self.training_idle.connect(self._hide_batch_progress)
        self._set_weights.connect(worker.set_weights)
        # Views that edit the model's weights, ask Keras for outputs, or fill in the form.
        for view in self.views.values():
            if hasattr(view, "weight_editor"):
                view.weight_editor = self.set_weights
            if hasattr(view, "predict_requested"):
                view.predict_requested.connect(worker.predict)
                worker.predicted.connect(view.show_predicted)
            if hasattr(view, "experiment_requested"):
                view.experiment_requested.connect(self.apply_to_form)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(300)
        self._preview_timer.timeout.connect(self._preview)
        self.form.changed.connect(self._on_form_changed)
        self._update_controls()
        self.resize(1360, 860)
        # Features that live in modules of their own. The order is the menu bar's:
        # File (put first), Run, Examples, Help (put last).
        install_examples(self, start_page=False)  # the start page is the app's, at launch
        install_hints(self)
        install_runs(self)
        install_file_actions(self)
        # TensorFlow (~3.5 s) loads in the worker thread once the window has painted: the
        # import holds the GIL, and begun before the first paint it delays it by ~0.5 s. A
        # window that is never painted (hidden) starts loading after a second anyway.
        self._loading_started = False
        self.installEventFilter(self)  # until the first paint (a Python filter costs every event)
        QTimer.singleShot(1000, self._start_loading)

    # ----- layout -----
    def _build_actions(self) -> None:
        def action(text, shortcuts, tip, slot):
            act = QAction(text, self)
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
            keys = ", ".join(QKeySequence(s).toString(QKeySequence.NativeText) for s in shortcuts)
            act.setToolTip(f"{tip} ({keys})")
            act.triggered.connect(slot)
            return act

        self.train_action = action("Train", ["Ctrl+Return", "F5"],
                                   "Train up to the number of epochs set (continues the current "
                                   "model when only epochs or nothing changed)", self.train)
        self.pause_action = action("Pause", ["Ctrl+P", "F6"],
                                   "Pause training; Resume continues where it stopped",
                                   self.toggle_pause)
        self.step_action = action("Step", ["Ctrl+Right", "F10"],
                                  "Train exactly one epoch and look at what changed", self.step)
        self.stop_action = action("Stop", ["Esc", "Shift+F5"],
                                  "Stop training; the weights stay as they are", self.stop)
        self.reset_action = action("Reset weights", ["Ctrl+R"],
                                   "Back to the untrained weights of this seed (epoch 0)",
                                   self.reset_weights)
        self.actions_by_name = {a.text(): a for a in (self.train_action, self.pause_action,
                                                       self.step_action, self.stop_action,
                                                       self.reset_action)}
        toolbar = QToolBar("Run")
        toolbar.setObjectName("run_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        for act in self.actions_by_name.values():
            toolbar.addAction(act)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        menu = self.menuBar().addMenu("&Run")
        for act in self.actions_by_name.values():
            menu.addAction(act)

    def _build_layout(self) -> None:
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(self.form.minimumSizeHint().width() + 24)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)

        self.views = {}
        top = QSplitter(Qt.Horizontal)
        self.tabs = QTabWidget()
        for view_class in VIEWS:
            view = view_class(self.session)
            self.views[view_class.__name__] = view
            if getattr(view_class, "area", "bottom") == "top":
                top.addWidget(view)
            else:
                self.tabs.addTab(view, view_class.title)
        right = QSplitter(Qt.Vertical)
        right.addWidget(top)
        if self.tabs.count():
            right.addWidget(self.tabs)
        right.setSizes([480, 380])

        main = QSplitter(Qt.Horizontal)
        main.addWidget(scroll)
        main.addWidget(right)
        main.setStretchFactor(1, 1)
        main.setSizes([350, 1010])
        self.setCentralWidget(main)
        # An axis repaints its tick labels (text: the costliest thing a frame draws) whenever
        # anything near it changes; a cached pixmap makes that a copy until the ticks change.
        for view in self.findChildren(pg.GraphicsView):
            for item in view.scene().items():
                if isinstance(item, pg.AxisItem):
                    item.setCacheMode(QGraphicsItem.DeviceCoordinateCache)

    def _build_status(self) -> None:
        self.state_label = QLabel()
        self.state_label.setObjectName("state_label")
        self.epoch_label = QLabel("Epoch 0")
        self.epoch_label.setObjectName("epoch_label")
        self.metrics_label = QLabel()
        self.metrics_label.setObjectName("metrics_label")
        self.speed_label = QLabel()
        self.speed_label.setObjectName("speed_label")
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setMaximumWidth(240)
        self.progress.setTextVisible(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b00020;")
        # Shown only with a message: an empty one showing, then hidden at the first Train,
        # would resize the whole window's content (and repaint every plot) mid-run.
        self.message_label.hide()
        bar = QWidget()
        row = QHBoxLayout()
        row.setContentsMargins(8, 2, 8, 2)
        for widget in (self.state_label, self.epoch_label, self.progress, self.metrics_label,
                       self.speed_label):
            row.addWidget(widget)
        # Batches done within the epoch, samples/s, time left (image data: epochs take seconds).
        self.batch_bar = QProgressBar()
        self.batch_bar.setObjectName("batch_progress")
        self.batch_bar.setMaximumWidth(160)
        self.batch_bar.setFormat("batch %v / %m")
        self.batch_bar.setToolTip("Batches done in the epoch under way")
        self.batch_label = QLabel()
        self.batch_label.setObjectName("batch_label")
        for widget in (self.batch_bar, self.batch_label):
            widget.hide()
            row.insertWidget(row.indexOf(self.metrics_label), widget)
        row.addStretch(1)
        column = QVBoxLayout(bar)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.message_label)
        self.statusBar().addPermanentWidget(bar, 1)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self and event.type() == QEvent.Paint:
            self.removeEventFilter(self)
            QTimer.singleShot(0, self._start_loading)  # after this paint is on screen
        return False

    def _start_loading(self) -> None:
        if not self._loading_started:
            self._loading_started = True
            self._load.emit()

    # ----- commands -----
    def train(self) -> None:
        self._start(0)

    def step(self) -> None:
        self._start(1)

    def _start(self, epochs: int) -> None:
        experiment = self.form.experiment
        if experiment is None or self.state == "running":
            return
        if self.state == "paused" and epochs == 0:
            epochs = max(self.target_epoch - self.session.history.last_epoch, 1)
        self._set_message("")
        self.state = "running"
        self._update_controls()
        self._train.emit(experiment, epochs)

    def toggle_pause(self) -> None:
        if self.state == "running":
            self.workers.worker.request_pause()
        elif self.state == "paused":
            self.train()

    def stop(self) -> None:
        if self.state == "running":
            if self._idle_reason == "paused":  # paused already; its last redraws are under way
                self._idle_reason = "stopped"
            elif self._idle_reason is None:
                self.workers.worker.request_stop()
        elif self.state == "paused":  # the worker is idle already: the run just ends here
            self.state = "idle"
            self._update_controls()
            self.training_idle.emit("stopped")

    def reset_weights(self) -> None:
        if self.state in ("running", "loading"):
            return
        self.state = "running"
        self._update_controls()
        experiment = self.form.experiment
        if experiment is not None and self.needs_new_model(experiment):
            self._build.emit(experiment)
        else:
            # The same model is rewound, not rebuilt: its epochs start again from 0, so the
            # session's history starts afresh too, as for a new model (views, Runs, hints).
            s = self.session
            if s.experiment is not None:
                s.start_run(s.experiment, s.dataset, s.probe_x, s.probe_labels)
            self._reset.emit()

    def set_weights(self, weights: list) -> str:
        """Hand-set weights go to the model at once; returns "" or why they were refused."""
        if self.state not in ("idle", "paused") or self.session.experiment is None:
            message = ("Training is running: pause or stop it to edit weights."
                       if self.state == "running" else "There is no model to edit yet.")
            self._set_message(message)
            return message
        self._set_message("")
        self.state = "running"
        self._update_controls()
        self._set_weights.emit(list(weights))
        return ""

    def apply_to_form(self, changes: dict) -> None:
        """Set some fields of the form (a preset, a new data seed); the preview follows."""
        base = self.form.experiment or self.session.experiment or Experiment()
        self.form.set_experiment(base.replace(**changes))

    # ----- worker signals -----
    def _on_loaded(self) -> None:
        self.loaded = True
        if self.state == "loading":
            self.state = "idle"
        self.ready.emit()
        self._preview()
        self._update_controls()

    def _on_started(self, first: int, target: int) -> None:
        self.session.streaming = True
        self.set_target_epoch(target)

    def set_target_epoch(self, target: int) -> None:
        """The epoch the run trains to: the progress bar's end and the live plots' extent."""
        self.target_epoch = self.session.target_epoch = target
        self.progress.setRange(0, max(target, 1))

    def show_status(self) -> None:
        """Epoch counter, progress and metrics in the status bar, from the session's history."""
        history = self.session.history
        epoch = history.last_epoch
        self.epoch_label.setText(f"Epoch {epoch:,} / {max(self.target_epoch, epoch):,}")
        # QProgressBar.setValue repaints the bar at once (a paint and flush of its own, every
        # time); with updates off it only records the value, and turning them back on asks for
        # a repaint in the window's next paint pass.
        self.progress.setUpdatesEnabled(False)
        self.progress.setValue(min(epoch, self.progress.maximum()))
        self.progress.setUpdatesEnabled(True)
        text = f"loss {history.last('loss'):.4f}   accuracy {history.last('accuracy'):.3f}"
        if history.has_validation:
            held_out = "test" if self.session.dataset.held_out == "test" else "val"
            text += (f"   {held_out} loss {history.last('val_loss'):.4f}   "
                     f"{held_out} accuracy {history.last('val_accuracy'):.3f}")
        self.metrics_label.setText(text)

    def _on_history(self) -> None:
        self.show_status()
        speed = self.session.history.epochs_per_second
        self.speed_label.setText(f"{speed:,.0f} epochs/s" if speed else "")

    def _on_idle(self, reason: str) -> None:
        self.session.streaming = False
        # Every view draws where the run ended, in turns as the run's reports were
        # (`Session.in_turn`); the window turns idle once they have. Until then the worker is
        # idle already and `stop` knows it from `_idle_reason`.
        self._idle_reason = reason
        self.session.in_turn(self.session.redraw)
        self.session.when_drawn(self._become_idle)

    def _become_idle(self) -> None:
        reason, self._idle_reason = self._idle_reason, None
        self.state = "paused" if reason == "paused" else "idle"
        if reason == "diverged":
            self._set_message(self.session.history.message)
        self._update_controls()
        self.training_idle.emit(reason)

    def _on_failed(self, message: str) -> None:
        self.session.streaming = False
        self.state = "idle" if self.loaded else "loading"
        self._set_message(message)
        self._update_controls()
        self.training_idle.emit("failed")

    # ----- image data files and progress within an epoch -----
    def _on_data_files_ready(self, key: str) -> None:
        """The files were downloaded or imported: build the experiment that needed them."""
        self._set_message("")
        self._preview()

    def _on_batch_progress(self, progress) -> None:
        self.batch_bar.setRange(0, max(progress.batches_total, 1))
        self.batch_bar.setValue(progress.batches_done)
        text = (f"{progress.samples_done:,} / {progress.samples_total:,} images of epoch "
                f"{progress.epoch:,}")
        if progress.samples_per_second > 0:
            text += (f" · {progress.samples_per_second:,.0f} samples/s · "
                     f"{_duration(progress.seconds_left)} left")
        self.batch_label.setText(text)
        self.batch_bar.show()
        self.batch_label.show()

    def _hide_batch_progress(self, *_args) -> None:
        self.batch_bar.hide()
        self.batch_label.hide()

    # ----- form -----
    def _on_form_changed(self) -> None:
        self._update_controls()
        if self.form.experiment is not None:
            self._preview_timer.start()

    def _preview(self) -> None:
        """Show a new dataset or network shape at once (untrained), when nothing is running."""
        experiment = self.form.experiment
        if (self.loaded and self.state == "idle" and experiment is not None
                and self.needs_new_model(experiment, ignore=TRAINING_ONLY_FIELDS)):
            self.state = "running"
            self._update_controls()
            self._build.emit(experiment)

    def needs_new_model(self, experiment: Experiment, ignore=("epochs",)) -> bool:
        """Whether `experiment` differs from the model shown in more than the fields `ignore`."""
        current = self.session.experiment
        if current is None:
            return True
        kept = {name: getattr(current, name) for name in ignore}
        return experiment.replace(**kept) != current

    # ----- display -----
    def _update_controls(self) -> None:
        valid = self.form.experiment is not None
        state = self.state
        self.train_action.setEnabled(valid and state in ("idle", "paused", "loading"))
        self.step_action.setEnabled(valid and state in ("idle", "paused"))
        self.pause_action.setEnabled(state in ("running", "paused"))
        self.pause_action.setText("Resume" if state == "paused" else "Pause")
        self.stop_action.setEnabled(state in ("running", "paused"))
        self.reset_action.setEnabled(state in ("idle", "paused"))
        if state == "loading":
            text = "Loading TensorFlow…"
        elif state == "running":
            text = "Training…" if self.loaded else "Starting (loading TensorFlow)…"
        elif state == "paused":
            text = "Paused"
        elif not valid:
            text = "Fix the highlighted fields to train"
        else:
            text = "Ready"
        self.state_label.setText(f"<b>{text}</b>")

    def _set_message(self, text: str) -> None:
        self.message = text
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    # ----- closing -----
    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.closing.emit()  # while the window still has its size and layout
        # Stop the run and wait for the worker thread, so Qt never destroys a running thread.
        self.hide()
        self.workers.shutdown()
        super().closeEvent(event)


def _duration(seconds: float) -> str:
    """3 s, 1 min 05 s."""
    seconds = max(0, int(round(seconds)))
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60:02d} s"
