"""The File and Help menus: experiment files, plain Keras models, exports, remembered settings.

`install_file_actions(window)` adds them to a `MainWindow` and returns its `FileActions`
(calling it again returns the same one). What touches the model (writing `model.keras`, loading
a model) is queued to the training worker, which owns the model, and only while no run is
going; reading and checking an experiment file, exporting plots and CSV happen here, on the GUI
thread. Every operation ends in `finished(operation, path, message)`, message "" on success;
a failure is also shown to the user, and leaves the window as it was.

An experiment file carries the Runs tab's list too: Save writes it, and opening an experiment
file replaces the list with the file's (see `open_path`).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from playground import desktop
from playground.core.files import experiment_file as persist
from playground.core.experiment import Experiment, needs_new_model
from playground.core.training.runs import RunList
from playground.ui.menus import exports
from playground.ui.app import app_icon
from playground.ui.menus.about import AboutDialog
from playground.ui.menus.export_actions import ExportActions
from playground.ui.menus.unsaved import UnsavedWork
from playground.ui.settings import RememberedSettings

EXPERIMENT_FILTER = "Neural Playground experiments (*.playground)"
OPEN_FILTER = ("Experiments and Keras models (*.playground *.keras *.h5);;"
               "Neural Playground experiments (*.playground);;Keras models (*.keras *.h5);;"
               "All files (*)")


def install_file_actions(window) -> "FileActions":
    """Add the File and Help menus to `window` (idempotent); returns its `FileActions`."""
    existing = getattr(window, "file_actions", None)
    if existing is None:
        existing = window.file_actions = FileActions(window)
    return existing


class FileActions(ExportActions, QObject):
    #: An operation ended: (operation, path, "" or the message shown). Operations: "save",
    #: "export-model", "open", "export-plot", "export-csv", "save-code".
    finished = Signal(str, str, str)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        #: The last experiment, window layout and recent files, kept between launches.
        self.memory = RememberedSettings(window)
        #: The experiment file last saved or opened (Save writes there).
        self.path: Path | None = None
        self.last_error = ""
        self.message_box: QMessageBox | None = None
        self.code_dialog: exports.CodeDialog | None = None
        self._writing: dict[str, str] = {}  # path -> operation, for saves in flight
        self._opening: list[str] | None = None  # [path, message] while an open is in flight
        self._opening_runs = None  # the Runs list of the experiment file being opened

        run = window.run  # every command that touches the model goes through the controller
        run.saved.connect(self._on_saved)
        run.opened.connect(self._on_opened)
        run.open_failed.connect(self._on_open_failed)
        # The controller's end, not the worker's: it comes once the views show the opened file.
        run.ended.connect(self._on_worker_idle)
        run.failed.connect(self._on_worker_failed)

        icon = app_icon()
        if not icon.isNull():
            window.setWindowIcon(icon)
            if QApplication.instance() is not None:
                QApplication.instance().setWindowIcon(icon)
        self._build_menus()
        #: Asks Save / Discard / Cancel before the window closes with unsaved work.
        self.unsaved = UnsavedWork(window, self)

    # ----- menus -----
    def _build_menus(self) -> None:
        w = self.window

        def action(text, slot, shortcut=None, tip=""):
            act = QAction(text, w)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.setStatusTip(tip)
            act.setToolTip(tip or text)
            act.triggered.connect(slot)
            return act

        self.open_action = action("&Open…", self.open_dialog, QKeySequence.Open,
                                  "Open an experiment file, or a Keras model (.keras, .h5)")
        self.save_action = action("&Save", self.save, QKeySequence.Save,
                                  "Save the experiment, model and history in one file")
        self.save_as_action = action("Save &As…", self.save_as_dialog, QKeySequence.SaveAs,
                                     "Save the experiment under a new name")
        self.export_model_action = action("Export Model as .&keras…", self.export_model_dialog,
                                          tip="The model alone: keras.models.load_model "
                                              "reads it in any script")
        self.export_plot_action = action("Export &Plot…", self.export_plot_dialog,
                                         tip="Save a plot as PNG or SVG")
        self.export_csv_action = action("Export &History as CSV…", self.export_csv_dialog,
                                        tip="Loss and accuracy per epoch")
        self.code_action = action("Show as Keras &Code…", self.show_code,
                                  tip="A plain Keras script that runs this experiment")
        self.reset_action = action("Reset to &Defaults", self.reset_to_defaults,
                                   tip="The default experiment and window layout")
        self.quit_action = action("&Quit", w.close, QKeySequence.Quit,
                                  "Stop any run and close the app (asking to save a trained "
                                  "model first); the experiment and layout come back next time")
        self.about_action = action("&About Neural Playground", self.show_about,
                                   tip="Versions of the app and the libraries under it, and "
                                       "where it keeps its files")

        bar = w.menuBar()
        menu = bar.addMenu("&File")
        menu.setObjectName("file_menu")
        first = bar.actions()[0] if bar.actions() else None
        if first is not None and first is not menu.menuAction():
            bar.insertMenu(first, menu)  # File comes first, before Run
        menu.addAction(self.open_action)
        self.recent_menu = menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        menu.addAction(self.save_action)
        menu.addAction(self.save_as_action)
        menu.addSeparator()
        for act in (self.export_model_action, self.export_plot_action, self.export_csv_action,
                    self.code_action):
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.reset_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self.file_menu = menu
        self.help_menu = bar.addMenu("&Help")
        self.help_menu.addAction(self.about_action)
        self._fill_recent()

    # ----- start-up and settings -----
    def start(self, args: list[str] | None = None) -> None:
        """For the app (not tests): restore the last session, then open FILE if given."""
        QGuiApplication.setDesktopFileName(desktop.APP_ID)  # matches the desktop entry
        self.unsaved.enabled = True
        self.restore_settings()
        if args:
            self.open_path(args[0])

    def restore_settings(self) -> None:
        """Bring back the last experiment and window layout; keep them again on close."""
        self.memory.restore()

    def reset_to_defaults(self) -> None:
        """The default experiment in the form, and the window's first layout (untitled)."""
        self.memory.reset()
        self.untitled()

    # ----- recent files -----
    def recent_files(self) -> list[str]:
        return self.memory.recent_files()

    def _add_recent(self, path: str) -> None:
        self.memory.add_recent(path)
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for i, path in enumerate(files, start=1):
            act = self.recent_menu.addAction(f"&{i} {Path(path).name}")
            act.setToolTip(path)
            act.setStatusTip(path)
            act.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear Menu", self._clear_recent)
        self.recent_menu.setEnabled(bool(files))

    def _clear_recent(self) -> None:
        self.memory.clear_recent()
        self._fill_recent()

    def _folder(self) -> str:
        return self.memory.folder()

    # ----- messages -----
    def _end(self, operation: str, path: str, message: str = "", done: str = "") -> None:
        if message:
            self.last_error = message
            self.window.statusBar().showMessage(message, 10_000)
            box = QMessageBox(QMessageBox.Warning, "Neural Playground", message,
                              QMessageBox.Ok, self.window)
            box.setObjectName("file_message")
            box.open()  # not exec(): the window and the worker keep going meanwhile
            self.message_box = box
        elif done:
            self.window.statusBar().showMessage(done, 5_000)
        self.finished.emit(operation, str(path), message)

    def _refusal(self) -> str:
        """Why the model cannot be saved right now ("" when it can)."""
        refusal = self.window.run.file_refusal()
        if not refusal and self.window.session.experiment is None:
            return "There is no model to save yet."
        return refusal

    def _set_title(self, name: str) -> None:
        self.window.setWindowTitle(f"{name} — Neural Playground")

    def untitled(self) -> None:
        """A new experiment (an example, the defaults): Save asks where to write it, so it
        never overwrites the file that was open."""
        self.path = None
        self.window.setWindowTitle("Neural Playground")

    # ----- saving -----
    def save(self) -> None:
        if self.path is None:
            self.save_as_dialog()
        else:
            self.save_to(self.path)

    def save_as_dialog(self) -> None:
        start = str(self.path or Path(self._folder()) / "experiment.playground")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save experiment", start,
                                              EXPERIMENT_FILTER)
        if path:
            self.save_to(path if Path(path).suffix else path + persist.SUFFIX)

    def experiment_to_save(self) -> Experiment | None:
        """The model's experiment, with the form's training settings (optimizer, learning
        rate, momentum, batch size, epochs) when only they differ: the weights are saved with
        the settings they will be trained with next, on the same model."""
        form, current = self.window.form.experiment, self.window.session.experiment
        if form is not None and current is not None and not needs_new_model(current, form):
            return form
        return current

    def _runs_view(self):
        return self.window.views["runs"]

    def save_to(self, path) -> None:
        """Write the experiment file at `path`, with the Runs tab's list (in the worker;
        `finished` says how it went)."""
        path = str(path)
        refusal = self._refusal()
        if refusal:
            self._end("save", path, f"Could not save {Path(path).name}: {refusal}")
            return
        history = persist.HistoryData.of(self.window.session.history)
        runs = self._runs_view().runs.copy()
        self._writing[path] = "save"
        self.window.run.save(path, self.experiment_to_save(), history, runs)

    def export_model_dialog(self) -> None:
        start = str(Path(self._folder()) / "model.keras")
        path, _ = QFileDialog.getSaveFileName(self.window, "Export model", start,
                                              "Keras models (*.keras)")
        if path:
            self.export_model_to(path if path.endswith(".keras") else path + ".keras")

    def export_model_to(self, path) -> None:
        path = str(path)
        refusal = self._refusal()
        if refusal:
            self._end("export-model", path, f"Could not save {Path(path).name}: {refusal}")
            return
        self._writing[path] = "export-model"
        self.window.run.export_model(path)

    def _on_saved(self, path: str, message: str) -> None:
        operation = self._writing.pop(path, "save")
        if not message and operation == "save":
            self.path = Path(path)
            self._set_title(self.path.name)
            self._add_recent(path)
        self._end(operation, path, message, f"Saved {path}")

    # ----- opening -----
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open", self._folder(), OPEN_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path) -> None:
        """Open an experiment file or a plain Keras model; `finished` says how it went.

        An experiment file is a document: once it has opened, the Runs tab shows the runs
        saved in it, *replacing* the runs listed before (they belonged to the experiment that
        was open; mixing them in would save another experiment's runs into this file at the
        next Save). A file saved before runs were kept opens with an empty list. A plain Keras
        model carries no runs, so it leaves the list as it is. A file that cannot be read,
        runs.json included, changes nothing: its message names the problem.
        """
        path = str(path)
        w = self.window
        if not w.loaded:  # the worker takes files once TensorFlow is in
            w.run.when_idle(lambda _reason: self.open_path(path))
            return
        refusal = w.run.file_refusal()
        if refusal:
            self._end("open", path, f"Could not open {Path(path).name}: {refusal}")
            return
        try:  # a folder, a pipe or a device is named as what it is, not "no such file"
            persist.check_readable(path)
        except persist.PersistError as error:
            self.memory.forget_recent(path)
            self._fill_recent()
            self._end("open", path, str(error))
            return
        is_model = (Path(path).suffix.lower() in persist.MODEL_SUFFIXES
                    and not persist.is_experiment_file(path))
        if not is_model:
            try:
                saved = persist.read_run(path)
            except persist.PersistError as error:
                self._end("open", path, str(error))
                return
        self._opening = [path, ""]
        self._opening_runs = None if is_model else saved.runs
        if is_model:
            w.run.open_model(path)
        else:
            w.run.open_experiment(saved)

    def _on_opened(self, experiment: Experiment, history, path: str) -> None:
        w = self.window
        w.form.set_experiment(experiment)
        runs, self._opening_runs = self._opening_runs, None
        if history is not None:  # an experiment file: its runs, curves, outputs and weights
            view = self._runs_view()
            # An example's milestones belonged to what was open: none are taken from the
            # file's history (its runs are in its list already).
            view.watch_milestones(None, ())
            view.set_runs(runs if runs is not None else RunList())
            # The status bar and views as after the run that was saved (no report comes).
            w.session.target_epoch = max(experiment.epochs, history.last_epoch)
            w.session.replace_history(history)
            self.path = Path(path)
        else:
            self.path = None  # a plain model: Save asks where to write the experiment
        self._set_title(Path(path).name)
        self._add_recent(path)

    def _on_open_failed(self, path: str, message: str) -> None:
        self._opening_runs = None
        if self._opening is not None:
            self._opening[1] = message

    def _on_worker_idle(self, reason: str) -> None:
        if self._opening is not None and reason in ("opened", "open-failed"):
            path, message = self._opening
            self._opening = None
            self._end("open", path, message, f"Opened {path}")

    def _on_worker_failed(self, message: str) -> None:
        self._opening_runs = None
        if self._opening is not None:
            path, _ = self._opening
            self._opening = None
            self._end("open", path, message)

    # ----- dialogs -----
    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.window)
        dialog.show()
        self.about_dialog = dialog
        return dialog
