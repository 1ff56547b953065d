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
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout)

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
