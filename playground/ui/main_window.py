"""The main window: the form on the left, the views on the right, the run controls on top.

It turns clicks into the run controller's commands (ui/run_controller.py) and follows its state:
which actions are enabled, what the status line says. It holds no run state of its own.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QGraphicsItem, QMainWindow, QScrollArea, QSplitter, QTabWidget,
                               QToolBar)

from playground.core.experiment import Experiment
from playground.ui.form.experiment_form import ExperimentForm
from playground.ui.garbage import collect_in_gui_thread, freeze_what_is_loaded
from playground.ui.hints_bar import install_hints
from playground.ui.menus.about import install_shortcuts_help
from playground.ui.menus.data_files import DataFilesDialog
from playground.ui.menus.examples import install_examples
from playground.ui.menus.file_actions import install_file_actions
from playground.ui.menus.open_data import install_open_data
from playground.ui.menus.research_menu import install_research_tools
from playground.ui.run_controller import RunController, RunState
from playground.ui.session import Session
from playground.ui.status_bar import RunStatus
from playground.ui.theme import colours_for_new_plots, install_theme
from playground.ui.views import VIEWS
from playground.ui.views.runs import install_runs

S = RunState
#: The status line's words for each state (IDLE's depend on the form; FINISHING keeps the
#: words of what is finishing).
STATE_TEXT = {
    S.LOADING: "Loading TensorFlow…",
    S.PREPARING: "Preparing the model…",
    S.TRAINING: "Training…",
    S.PAUSING: "Pausing…",
    S.STOPPING: "Stopping…",
    S.PAUSED: "Paused",
    S.OPENING: "Opening the file…",
    S.SAVING: "Saving…",
}
CLOSE_AFTER_SAVE = "Saving… the window closes as soon as the file is written."
#: Tab titles shortened so every tab fits a 1280 px wide window (a 2560×1440 screen at 200 %)
#: without scrolling; the tab's tooltip gives the whole title.
SHORT_TAB_TITLES = {"Forward pass": "Forward", "Backward pass": "Backward",
                    "Draw a digit": "Draw", "Mistakes lab": "Mistakes", "Neuron maps": "Neurons"}


class MainWindow(QMainWindow):
    #: The window is being closed (emitted first, while its layout is still there).
    closing = Signal()

    def __init__(self, experiment: Experiment | None = None):
        super().__init__()
        collect_in_gui_thread()  # before the worker thread exists (see ui/garbage.py)
        self.setWindowTitle("Neural Playground")
        self.session = Session(self)
        self.run = RunController(self.session, self)
        # The controller's signals under the names menus, views and tests know.
        #: The worker became idle after a command; reason as in `RunController.ended`.
        self.training_idle = self.run.ended
        #: TensorFlow finished loading.
        self.ready = self.run.loaded
        self.workers = self.run.workers
        self.message = ""
        #: Close was asked while a file is being written: the window closes once it is.
        self.close_pending = False

        try:
            self._build_window(experiment)
        except BaseException:
            self.run.shutdown()  # a thread left running when the window dies aborts the app
            raise

    def _build_window(self, experiment: Experiment | None) -> None:
        colours_for_new_plots()  # before the views make their plots
        self.form = ExperimentForm()
        if experiment is not None:
            self.form.set_experiment(experiment)
        self._build_actions()
        self._build_layout()
        self.status = RunStatus(self.session)
        self.statusBar().addPermanentWidget(self.status, 1)
        for name in ("state_label", "epoch_label", "metrics_label", "speed_label", "progress",
                     "message_label", "batch_bar", "batch_label"):
            setattr(self, name, getattr(self.status, name))  # for tests and screenshots

        self.run.state_changed.connect(self._update_controls)
        self.run.loaded.connect(self._on_loaded)
        self.run.message.connect(self._set_message)
        self.run.saved.connect(self._on_saved)
        self.training_idle.connect(self.status.hide_batch_progress)
        # Image data files (download / import).
        self.data_files = DataFilesDialog(self)
        self.run.missing_data.connect(self.data_files.show_missing)
        self.data_files.files_ready.connect(self._on_data_files_ready)
        # Views talk to the session only: `model.predict` goes to the run controller, changes
        # to the form (a preset, a new data seed, a run's settings) come here.
        self.session.experiment_requested.connect(self.apply_to_form)

        self._preview_timer = QTimer(self, singleShot=True, interval=300, timeout=self._preview)
        self.form.changed.connect(self._on_form_changed)
        self._update_controls()
        self.resize(1360, 860)
        # Features that live in modules of their own. The order is the menu bar's:
        # File (put first), Run, Examples, Help (put last).
        install_examples(self, start_page=False)  # the start page is the app's, at launch
        install_hints(self)
        install_runs(self)
        install_file_actions(self)
        install_open_data(self)  # File ▸ Open Data…, and CSV files dropped on the window
        install_research_tools(self)  # Run ▸ Sweep…, Find learning rate; File ▸ Export Runs
        install_theme(self)  # View ▸ Theme: System (the desktop's scheme), Light, Dark
        install_shortcuts_help(self)  # Help ▸ Keyboard Shortcuts, read from the menus
        for index in range(self.tabs.count()):  # every tab is in place now (Runs came last)
            title = self.tabs.tabText(index)
            self.tabs.setTabText(index, SHORT_TAB_TITLES.get(title, title))
            self.tabs.setTabToolTip(index, f"The {title} tab")
        # Narrower still, titles are cut short ("Outp…", whole on hover) rather than scrolled.
        self.tabs.setUsesScrollButtons(False)
        self.tabs.setElideMode(Qt.ElideRight)
        # Tab: the form top to bottom, then Train, Pause, Step, Stop, Reset, then the views
        # (after the bars above the content rewrapped it: that re-made the focus chain).
        self.form.tab_tail = self.run_buttons
        self.form.chain_tab_order(force=True)
        self.form.dataset.setFocus()  # the first field, where reading starts
        # TensorFlow (~3.5 s) loads in the worker thread once the window has painted: the
        # import holds the GIL, and begun before the first paint it delays it by ~0.5 s. A
        # window that is never painted (hidden) starts loading after a second anyway.
        self.installEventFilter(self)  # until the first paint (a Python filter costs every event)
        QTimer.singleShot(1000, self.run.start_loading)

    @property
    def state(self) -> RunState:
        """The run controller's state (read only: commands change it)."""
        return self.run.state

    @property
    def loaded(self) -> bool:
        return self.run.is_loaded

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
                                   "model when only training settings changed: epochs, "
                                   "optimizer, learning rate, momentum, batch size)", self.train)
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
        toolbar.widgetForAction(self.train_action).setObjectName("trainButton")
        self.toolbar = toolbar
        self.run_buttons = [toolbar.widgetForAction(a) for a in self.actions_by_name.values()]
        for button in self.run_buttons:  # Tab reaches them after the form's last field
            button.setFocusPolicy(Qt.TabFocus)
        menu = self.menuBar().addMenu("&Run")
        for act in self.actions_by_name.values():
            menu.addAction(act)

    def _build_layout(self) -> None:
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(self.form.minimumSizeHint().width() + 24)
        # A conv stack's layer table is wider than the form's usual width: scroll to it
        # rather than cut it off.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        scroll.setFocusPolicy(Qt.NoFocus)  # its fields take the focus, not the frame round them

        self.views = {}
        top = QSplitter(Qt.Horizontal)
        self.tabs = QTabWidget()
        for key, view_class in VIEWS.items():
            view = view_class(self.session)
            self.views[key] = view
            if getattr(view_class, "area", "bottom") == "top":
                top.addWidget(view)
            else:
                self.tabs.addTab(view, view_class.title)
        right = QSplitter(Qt.Vertical)
        right.addWidget(top)
        if self.tabs.count():
            right.addWidget(self.tabs)
        right.setSizes([480, 380])
        right.setChildrenCollapsible(False)  # a dragged splitter never hides the plots
        # The tallest tab (Draw a digit) would otherwise push the window past 768 px.
        self.tabs.setMinimumHeight(240)
        top.setChildrenCollapsible(False)

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

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self and event.type() == QEvent.Paint:
            self.removeEventFilter(self)
            QTimer.singleShot(0, self.run.start_loading)  # after this paint is on screen
        return False

    # ----- commands -----
    def train(self) -> None:
        """Train (a paused run resumes where it was going)."""
        if self.form.experiment is not None:
            self.run.train(self.form.experiment)

    def step(self) -> None:
        if self.form.experiment is not None:
            self.run.step(self.form.experiment)

    def toggle_pause(self) -> None:
        """Pause a run; Resume a paused one (with the form's training settings)."""
        if self.state is S.PAUSED:
            if self.form.experiment is not None:
                self.run.train(self.form.experiment)
        else:
            self.run.pause()

    def stop(self) -> None:
        self.run.stop()

    def reset_weights(self) -> None:
        self.run.reset(self.form.experiment)

    def set_weights(self, weights: list) -> str:
        """Hand-set weights go to the model at once; returns "" or why they were refused."""
        return self.run.set_weights(weights)

    def apply_to_form(self, changes: dict) -> None:
        """Set some fields of the form (a preset, a new data seed); the preview follows."""
        base = self.form.experiment or self.session.experiment or Experiment()
        self.form.set_experiment(base.replace(**changes))

    # ----- controller signals -----
    def _on_loaded(self) -> None:
        freeze_what_is_loaded()  # TensorFlow's objects: out of every later collection
        self._preview()
        self._update_controls()

    def _on_data_files_ready(self, key: str) -> None:
        """The files were downloaded or imported: build the experiment that needed them."""
        self._set_message("")
        self._preview()

    # ----- form -----
    def _on_form_changed(self) -> None:
        self._update_controls()
        if self.form.experiment is not None:
            self._preview_timer.start()

    def _preview(self) -> None:
        """A new dataset or network shape shows at once (untrained) when nothing runs."""
        self.run.preview(self.form.experiment)

    # ----- display -----
    def _update_controls(self, *_state) -> None:
        valid = self.form.experiment is not None
        state = self.state
        self.train_action.setEnabled(valid and state in (S.IDLE, S.PAUSED, S.LOADING))
        self.step_action.setEnabled(valid and state in (S.IDLE, S.PAUSED))
        self.pause_action.setEnabled(state in (S.TRAINING, S.PAUSED))
        self.pause_action.setText("Resume" if state is S.PAUSED else "Pause")
        self.stop_action.setEnabled(self.run.can_stop)
        self.reset_action.setEnabled(state in (S.IDLE, S.PAUSED))
        if state is S.FINISHING:
            return  # the words of what is finishing stay until it has
        if state in (S.TRAINING, S.PREPARING) and not self.loaded:
            text = "Starting (loading TensorFlow)…"
        elif state is S.IDLE:
            text = "Ready" if valid else "Fix the highlighted fields to train"
        else:
            text = STATE_TEXT[state]
        self.status.show_state(text)

    def _set_message(self, text: str) -> None:
        self.message = text
        self.status.show_message(text)

    # ----- closing -----
    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.state is S.SAVING:
            # A save cut short would be lost (and a thread destroyed mid-write aborts the
            # process): the window stays, says so, and closes once the file is written.
            event.ignore()
            self.close_after_save()
            return
        if not self.file_actions.unsaved.allows_close():  # Save / Discard / Cancel
            event.ignore()
            return
        self.close_pending = False
        self.closing.emit()  # while the window still has its size and layout
        # Stop the run and wait for the worker thread, so Qt never destroys a running thread.
        self.hide()
        self.run.shutdown()
        super().closeEvent(event)

    def close_after_save(self) -> None:
        """Close once the file being written is (not if writing it fails)."""
        self.close_pending = True
        self._set_message(CLOSE_AFTER_SAVE)

    def _on_saved(self, _path: str, message: str) -> None:
        if self.close_pending:
            self.close_pending = False
            if message:  # not written: the window stays open with the file's message
                self._set_message("")
            else:
                QTimer.singleShot(0, self.close)
