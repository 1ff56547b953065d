"""Help > About: the versions of everything underneath, and where the app keeps its files.

Versions come from the installed packages' metadata, so opening the dialog never imports
TensorFlow (which takes seconds and holds the GIL while the worker may be training).
"""
from __future__ import annotations

import platform
import sys
from importlib import metadata

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QTableWidget, QTableWidgetItem)

from playground import __version__
from playground import desktop
from playground.core.data import downloads
from playground.ui.settings import settings


def _version(*distributions: str) -> str:
    for name in distributions:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def versions() -> dict[str, str]:
    return {
        "TensorFlow": _version("tensorflow", "tensorflow-cpu", "tensorflow-macos",
                               "tensorflow-intel"),
        "Keras": _version("keras"),
        "Qt": f"{qVersion()} (PySide6 {PySide6.__version__})",
        "pyqtgraph": _version("pyqtgraph"),
        "NumPy": _version("numpy"),
        "Python": f"{platform.python_version()} ({sys.executable})",
        "System": platform.platform(),
    }


def places() -> dict[str, str]:
    entry = desktop.entry_path()
    store = settings()
    folder = store.value("last_folder")
    return {
        "Settings (recent files, last experiment, layout)": store.fileName(),
        "Experiment files": f"where you save them (last folder: {folder})" if folder
        else "where you save them (*.playground)",
        "Image datasets (KERAS_HOME)": str(downloads.datasets_dir()),
        "Desktop entry": str(entry) if entry.exists() else "not installed (python -m "
                                                           "playground install-desktop-entry)",
        "Icon and desktop template": str(desktop.RESOURCES),
    }


def about_text() -> str:
    """Versions and places as plain text (also what Copy puts on the clipboard)."""
    lines = [f"Neural Playground {__version__}", "See what a neural network does while it "
             "learns.", ""]
    for title, table in (("Versions", versions()), ("Where files are kept", places())):
        lines.append(f"{title}:")
        lines += [f"  {name}: {value}" for name, value in table.items()]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


class AboutDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle("About Neural Playground")
        self.text = about_text()
        icon = QLabel()
        if parent is not None and not parent.windowIcon().isNull():
            icon.setPixmap(parent.windowIcon().pixmap(96, 96))
        label = QLabel(self.text)
        label.setObjectName("about_text")
        label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(icon, 0, Qt.AlignTop)
        row.addWidget(label, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        copy = QPushButton("Copy")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text))
        buttons.addButton(copy, QDialogButtonBox.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)


# ----- Help ▸ Keyboard Shortcuts ------------------------------------------------------------

def shortcut_rows(window) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every menu action with a shortcut, in the menu bar's order."""
    rows = []

    def walk(menu, path):
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{path} ▸ {action.text().replace('&', '')}")
            elif action.shortcuts():
                keys = ", ".join(k.toString(QKeySequence.NativeText) for k in action.shortcuts())
                rows.append((path, action.text().replace("&", ""), keys))

    for action in window.menuBar().actions():
        if action.menu() is not None:
            walk(action.menu(), action.text().replace("&", ""))
    return rows


class ShortcutsDialog(QDialog):
    """Every shortcut of the window's menus, as a table (read from the actions themselves)."""

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle("Keyboard Shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcuts_table")
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        note = QLabel("Menus open with Alt and the underlined letter; Tab moves between the "
                      "fields of the form; arrows move a slider or a table's selection.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(560, 460)


def install_shortcuts_help(window) -> QAction:
    """Help ▸ Keyboard Shortcuts (Ctrl+/), listing every shortcut of the menus."""
    help_menu = next((a.menu() for a in window.menuBar().actions()
                      if a.text().replace("&", "") == "Help"), None) \
        or window.menuBar().addMenu("&Help")
    action = QAction("&Keyboard Shortcuts", window)
    action.setObjectName("keyboard_shortcuts")
    action.setShortcut(QKeySequence("Ctrl+/"))
    action.setToolTip("List every keyboard shortcut (Ctrl+/)")
    action.triggered.connect(lambda: ShortcutsDialog(window).exec())
    help_menu.insertAction(help_menu.actions()[0] if help_menu.actions() else None, action)
    return action
