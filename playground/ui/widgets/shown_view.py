"""A view that draws only while it is on screen: a redraw asked while it is hidden (a tab behind
another) marks it stale, and it catches up in the event-loop turn after it is shown. Views with
costly drawing subclass it and put their drawing in `draw`; callers ask for `refresh`."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget


class ShownView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._stale = False

    def refresh(self) -> None:
        if not self.isVisible():
            self._stale = True  # drawn when the tab is shown
            return
        self._stale = False
        self.draw()

    def draw(self) -> None:
        raise NotImplementedError

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._stale:
            QTimer.singleShot(0, self.refresh)
