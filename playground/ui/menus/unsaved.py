"""Closing the window never silently drops a trained model or the Runs list.

With work that no file holds (a model trained, weights set, runs kept since the last save or
open), closing asks: Save (the file is written, then the window closes), Discard, or Cancel.
The app turns the question on (`FileActions.start`); a window made by a script or a test closes
without asking unless it sets `enabled`.
"""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from playground.ui.run_controller import RunState

QUESTION = "Save the trained model and the Runs list before closing?"
DETAIL = ("The model's weights, its curves and the runs listed in Runs are kept only in an "
          "experiment file: without saving, they are gone when the window closes.")


class UnsavedWork(QObject):
    """Knows whether the window holds unsaved work and asks before it closes."""

    def __init__(self, window, file_actions):
        super().__init__(window)
        self.window = window
        self.file_actions = file_actions
        #: Ask before closing (the app sets it; see the module's note).
        self.enabled = False
        #: The question box while it is open (for tests).
        self.box: QMessageBox | None = None
        self._saved = self._mark()
        file_actions.finished.connect(self._on_file_done)

    def _mark(self) -> tuple:
        """What a file holds: this history, this many reports, this many runs."""
        history = self.window.session.history
        return id(history), len(history), len(self.window.views["runs"].runs)

    def _on_file_done(self, operation: str, _path: str, message: str) -> None:
        if operation in ("save", "open") and not message:
            self._saved = self._mark()

    def pending(self) -> bool:
        """Work no file holds: a model trained or edited, or runs kept, since the last save
        or open (an untrained model with no runs is nothing to lose)."""
        history = self.window.session.history
        runs = self.window.views["runs"].runs
        has_work = len(history) > 1 or history.last_epoch > 0 or len(runs) > 0
        return has_work and self._mark() != self._saved

    def allows_close(self) -> bool:
        """True: close now. False: stay open (Cancel, or Save under way: the window closes
        once the file is written)."""
        if not self.enabled or not self.pending():
            return True
        answer = self.ask()
        if answer == QMessageBox.Discard:
            return True
        if answer == QMessageBox.Save:
            run = self.window.run
            if run.is_running:  # the run ends first; the file then holds where it stopped
                run.stop()
                run.when_idle(lambda _reason: self._save_then_close())
            else:
                self._save_then_close()
        return False

    def ask(self) -> QMessageBox.StandardButton:
        box = QMessageBox(QMessageBox.Question, "Neural Playground", QUESTION,
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel,
                          self.window)
        box.setObjectName("unsaved_question")
        box.setInformativeText(DETAIL)
        box.setDefaultButton(QMessageBox.Save)
        self.box = box
        try:
            return box.exec()
        finally:
            self.box = None

    def _save_then_close(self) -> None:
        self.file_actions.save()  # Save As asks where when the experiment has no file yet
        if self.window.run.state is RunState.SAVING:
            self.window.close_after_save()
