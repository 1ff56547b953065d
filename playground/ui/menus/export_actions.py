"""File ▸ Export Plot, Export History as CSV and Show as Keras Code, as commands of `FileActions`.

A mixin (`ExportActions`): it reads the window and the session and writes files here, on the GUI
thread (nothing touches the model); each export ends in `FileActions._end`, which reports it.
"""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog

from playground.core.files import codegen
from playground.core.files import experiment_file as persist
from playground.ui.menus import exports


class ExportActions:
    """Export commands; mixed into `FileActions`, which provides `window`, `code_dialog`,
    `_folder()` and `_end()`."""

    def plots(self) -> dict[str, object]:
        """Every plot in the window, by a label naming its view: label -> PlotItem or scene."""
        return exports.find_plots(self.window)

    def export_plot_dialog(self) -> None:
        plots = self.plots()
        if not plots:
            self._end("export-plot", "", "There is no plot to export.")
            return
        label, ok = QInputDialog.getItem(self.window, "Export plot", "Plot:", list(plots), 0,
                                         False)
        if not ok:
            return
        stem = re.sub(r"[^\w.-]+", "-", label.lower()).strip("-") or "plot"
        path, _ = QFileDialog.getSaveFileName(self.window, "Export plot",
                                              str(Path(self._folder()) / f"{stem}.png"),
                                              "PNG image (*.png);;SVG drawing (*.svg)")
        if path:
            self.export_plot(plots[label], path if Path(path).suffix else path + ".png")

    def export_plot(self, item, path) -> str:
        """Write plot `item` (a PlotItem or a scene) as PNG or SVG, by `path`'s suffix."""
        path = Path(path)
        try:
            exports.export_plot(item, path)
            message = ""
        except persist.PersistError as error:
            message = str(error)
        self._end("export-plot", str(path), message, f"Saved {path}")
        return message

    def export_csv_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export history",
                                              str(Path(self._folder()) / "history.csv"),
                                              "CSV files (*.csv)")
        if path:
            self.export_history_csv(path if Path(path).suffix else path + ".csv")

    def export_history_csv(self, path) -> str:
        message = ""
        try:
            persist.write_text(path, persist.history_csv(self.window.session.history))
        except persist.PersistError as error:
            message = str(error)
        self._end("export-csv", str(path), message, f"Saved {path}")
        return message

    def show_code(self) -> "exports.CodeDialog | None":
        experiment = self.window.form.experiment or self.window.session.experiment
        if experiment is None:
            self._end("save-code", "", "Fix the highlighted fields first: the code is written "
                                       "from a valid experiment.")
            return None
        if self.code_dialog is not None:
            self.code_dialog.close()
        self.code_dialog = exports.CodeDialog(codegen.keras_script(experiment), self,
                                              self.window)
        self.code_dialog.show()
        return self.code_dialog
