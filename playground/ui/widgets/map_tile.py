"""One neuron's map over the input plane as a tile: its title above, the map below (x to the
right, y upwards; blue > 0, red < 0, white at the centre value), faded when the neuron is
switched off, crossed out when it is a dead ReLU unit. It says which cell the mouse is over
(`hovered`) and when it is clicked. The picture is rebuilt only by `set_map`; painting scales it.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

from playground.ui.widgets.neuron_map_items import map_image

PAD = 3
TITLE_HEIGHT = 16


class MapTile(QWidget):
    #: (index, (ix, iy) of the cell under the mouse, or None once it left).
    hovered = Signal(int, object)
    clicked = Signal(int)

    def __init__(self, index: int, side: int, parent=None):
        super().__init__(parent)
        self.index, self.side = index, side
        self.grid: np.ndarray | None = None  # the values drawn, indexed [ix, iy]
        self.image: QImage | None = None
        self.title = ""
        self.off, self.dead, self.selected = False, "", False
        self.setMouseTracking(True)
        self.set_side(side)

    def set_side(self, side: int) -> None:
        """The map's width and height on screen, in pixels."""
        self.side = side
        self.setFixedSize(side + 2 * PAD, side + TITLE_HEIGHT + 2 * PAD)

    def set_map(self, grid: np.ndarray, scale: float, centre: float = 0.0) -> None:
        """Draw `grid` with ±`scale` about `centre` at full colour."""
        self.grid = grid
        self.image = map_image(grid - centre, scale)
        self.update()

    def set_marks(self, title: str, off: bool = False, dead: str = "",
                  selected: bool = False) -> None:
        """Its title; faded when switched off; crossed out when dead (`dead`: why)."""
        if (title, off, dead, selected) != (self.title, self.off, self.dead, self.selected):
            self.title, self.off, self.dead, self.selected = title, off, dead, selected
            self.setToolTip(dead)
            self.update()

    def clear(self) -> None:
        self.grid, self.image = None, None
        self.update()

    def image_rect(self) -> QRect:
        return QRect(PAD, PAD + TITLE_HEIGHT, self.side, self.side)

    def cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        """The map's cell (ix, iy) under `pos`, None outside the map."""
        rect = self.image_rect()
        if self.grid is None or not rect.contains(pos):
            return None
        nx, ny = self.grid.shape
        ix = min(int((pos.x() - rect.left()) * nx / rect.width()), nx - 1)
        iy = ny - 1 - min(int((pos.y() - rect.top()) * ny / rect.height()), ny - 1)
        return ix, iy

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.drawText(QRect(PAD, PAD, self.side, TITLE_HEIGHT),
                         Qt.AlignLeft | Qt.AlignVCenter, self.title)
        rect = self.image_rect()
        if self.image is not None:
            painter.setOpacity(0.25 if self.off else 0.5 if self.dead else 1.0)
            painter.drawImage(rect, self.image)
            painter.setOpacity(1.0)
        frame = QPen(QColor("#1f77b4"), 3) if self.selected else QPen(QColor("#888888"), 1)
        painter.setPen(frame)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        if self.dead:
            painter.setPen(QPen(QColor("#222222"), 3))
            inset = rect.adjusted(6, 6, -6, -6)
            painter.drawLine(inset.topLeft(), inset.bottomRight())
            painter.drawLine(inset.bottomLeft(), inset.topRight())
        painter.end()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        self.hovered.emit(self.index, self.cell_at(event.position().toPoint()))

    def leaveEvent(self, event) -> None:  # noqa: N802
        self.hovered.emit(self.index, None)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.LeftButton:
            self.clicked.emit(self.index)
