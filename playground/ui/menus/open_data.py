"""File ▸ Open Data… and CSV files dropped on the window: the import dialog for your own table.

The dialog (`open_data_dialog`) shows the first rows as they will be read and what was detected
(delimiter, decimal mark, encoding, header row: each overridable), lets the user pick the
target and the input columns (numeric ones ticked; text columns named and left out), the task,
the test fraction, standardisation and what to do with missing cells, and says in one line what
will be imported or why not. The whole file is read in a background thread with progress and
Cancel; nothing reaches the form until Import.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

SUFFIXES = (".csv", ".tsv", ".txt")
OPEN_FILTER = "Tables (*.csv *.tsv *.txt);;All files (*)"


class _Drops(QObject):
    """Lets `.csv`, `.tsv` and `.txt` files be dropped on the window."""

    def __init__(self, tools: "OpenData"):
        super().__init__(tools.window)
        self.tools = tools

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind in (QEvent.DragEnter, QEvent.DragMove) and _table_path(event.mimeData()):
            event.acceptProposedAction()
            return True
        if kind == QEvent.Drop:
            path = _table_path(event.mimeData())
            if path:
                event.acceptProposedAction()
                QTimer.singleShot(0, lambda: self.tools.open_path(path))
                return True
        return False


def _table_path(mime) -> str:
    urls = mime.urls() if mime.hasUrls() else []
    if len(urls) == 1 and urls[0].isLocalFile() and \
            Path(urls[0].toLocalFile()).suffix.lower() in SUFFIXES:
        return urls[0].toLocalFile()
    return ""


class OpenData:
    """The File ▸ Open Data… action and drops of table files on the window."""

    def __init__(self, window):
        self.window = window
        self.dialog = None  # the OpenDataDialog shown last
        self.action = QAction("Open &Data…", window)
        self.action.setStatusTip("Train on your own table: a CSV file with input columns and "
                                 "a column to predict")
        self.action.setToolTip(self.action.statusTip())
        self.action.triggered.connect(self.open_dialog)
        menu = window.file_actions.file_menu
        after = window.file_actions.recent_menu.menuAction()
        following = menu.actions()
        index = following.index(after) + 1 if after in following else len(following)
        if index < len(following):
            menu.insertAction(following[index], self.action)
        else:
            menu.addAction(self.action)
        window.setAcceptDrops(True)
        self.drops = _Drops(self)
        window.installEventFilter(self.drops)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open Data",
                                              self.window.file_actions._folder(), OPEN_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str):
        """Show the import dialog for `path` (non-modal; tests drive it)."""
        from playground.ui.menus.open_data_dialog import OpenDataDialog  # pandas loads here

        if self.dialog is not None:
            self.dialog.close()
        self.dialog = OpenDataDialog(self.window, path)
        self.dialog.show()
        return self.dialog


def install_open_data(window) -> OpenData:
    """Add File ▸ Open Data… and table drops to `window` (once)."""
    tools = getattr(window, "open_data", None)
    if tools is None:
        tools = window.open_data = OpenData(window)
    return tools
