"""The researcher's tools in the menus: Run ▸ Sweep…, Run ▸ Find learning rate and
File ▸ Export Runs for TensorBoard…. The dialogs are made on first use and kept."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from playground.core.files.tensorboard import ExportError, check_directory


def _menu(window, title: str, object_name: str = ""):
    bar = window.menuBar()
    for action in bar.actions():
        menu = action.menu()
        if menu is not None and (menu.objectName() == object_name or
                                 action.text().replace("&", "") == title):
            return menu
    return bar.addMenu(title)


class ResearchTools(QObject):
    #: An export ended: (folder, "" or why it failed).
    exported = Signal(str, str)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.sweep_dialog = None
        self.lr_dialog = None
        self.sweep_action = QAction("S&weep…", window)
        self.sweep_action.setToolTip("Train over a grid of up to four settings and several "
                                     "seeds, one run after another; compare mean ± spread")
        self.sweep_action.triggered.connect(self.show_sweep)
        self.lr_action = QAction("Find &learning rate", window)
        self.lr_action.setToolTip("The range test: the loss as the learning rate grows; the "
                                  "steepest fall is suggested")
        self.lr_action.triggered.connect(self.show_lr_finder)
        self.export_action = QAction("Export Runs for &TensorBoard…", window)
        self.export_action.setToolTip("Write the Runs list's curves as TensorBoard logs, one "
                                      "folder per run (tensorboard --logdir FOLDER)")
        self.export_action.triggered.connect(self.export_dialog)
        run = _menu(window, "Run")
        run.addSeparator()
        run.addAction(self.sweep_action)
        run.addAction(self.lr_action)
        file_menu = _menu(window, "File", "file_menu")
        anchor = next((a for a in file_menu.actions() if a.text().startswith("Export &History")),
                      None)
        following = file_menu.actions()
        after = following[following.index(anchor) + 1] if anchor and \
            following.index(anchor) + 1 < len(following) else None
        file_menu.insertAction(after, self.export_action) if after else \
            file_menu.addAction(self.export_action)
        self.exported.connect(self._on_exported)
        if hasattr(window, "closing"):
            window.closing.connect(self.shutdown)

    def show_sweep(self):
        from playground.ui.menus.sweep_dialog import SweepDialog
        if self.sweep_dialog is None:
            self.sweep_dialog = SweepDialog(self.window)
        self.sweep_dialog.show()
        self.sweep_dialog.raise_()
        return self.sweep_dialog

    def show_lr_finder(self):
        from playground.ui.menus.lr_finder_dialog import LearningRateDialog
        if self.lr_dialog is None:
            self.lr_dialog = LearningRateDialog(self.window)
        self.lr_dialog.show()
        self.lr_dialog.raise_()
        if self.lr_dialog.result is None:
            self.lr_dialog.start()
        return self.lr_dialog

    def export_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Export Runs for TensorBoard")
        if folder:
            self.export(folder)

    def export(self, folder: str) -> bool:
        """Write the Runs list into `folder` in a thread; `exported` says how it went."""
        runs = self.window.views.get("runs")
        records = list(runs.runs) if runs is not None else []
        if not records:
            self._say("No runs to export: train, and finished runs are kept in the Runs tab.")
            return False
        try:
            check_directory(folder)
        except ExportError as error:
            self._say(f"Export for TensorBoard: {error}")
            return False
        self._say(f"Writing {len(records)} runs for TensorBoard…")

        def write():
            from playground.core.files.tensorboard import export_records
            try:
                export_records(folder, records)
                self.exported.emit(folder, "")
            except (ExportError, OSError) as error:
                self.exported.emit(folder, str(error))

        threading.Thread(target=write, name="tensorboard-export", daemon=True).start()
        return True

    def _on_exported(self, folder: str, problem: str) -> None:
        self._say(f"Export for TensorBoard: {problem}" if problem else
                  f"Runs written to {folder}; see them with: tensorboard --logdir \"{folder}\"")

    def _say(self, text: str) -> None:
        self.window.run.message.emit(text)

    def shutdown(self) -> None:
        for dialog in (self.sweep_dialog, self.lr_dialog):
            if dialog is not None:
                dialog.shutdown()


def install_research_tools(window) -> ResearchTools:
    """Add the sweep, learning-rate finder and TensorBoard export to `window`'s menus (once)."""
    tools = getattr(window, "research_tools", None)
    if tools is None:
        tools = window.research_tools = ResearchTools(window)
    return tools
