"""The grey, centred sentence a view shows in place of its content when it has none to show."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def placeholder_note(text: str, name: str) -> QLabel:
    """A word-wrapped note, e.g. "Pick MNIST digits as the dataset to …"."""
    note = QLabel(text)
    note.setObjectName(name)
    note.setWordWrap(True)
    note.setAlignment(Qt.AlignCenter)
    note.setStyleSheet("color: #444; padding: 20px; font-size: 11pt;")
    return note
