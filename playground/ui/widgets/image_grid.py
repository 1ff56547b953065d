"""A page of test images painted in one widget (64 labels and pixmaps as widgets would cost
far more), each with the network's answer, its confidence and a mark when it is wrong."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from playground.ui.widgets.probabilities import WRONG

SELECTED = "#1c7ed6"


@dataclass(frozen=True)
class Cell:
    index: int            # test image number
    pixmap: QPixmap
    name: str             # the answer's (short) class name; "" before any answer
    confidence: str       # "99.9%"
    wrong: bool
    tip: str


class GalleryGrid(QWidget):
    """As many images as fit, at most 8 × 8; `capacity` says how many that is."""

    clicked = Signal(int)
    #: The number of images that fit changed (after a resize).
    capacity_changed = Signal()

    MAX_COLUMNS = MAX_ROWS = 8
    MIN_CELL, MAX_CELL = 52, 96

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("gallery_grid")
        self.cells: list[Cell] = []
        self.selected: int | None = None
        self.two_lines = False
        self.setMinimumSize(2 * self.MIN_CELL, 2 * self.MIN_CELL)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setFocusPolicy(Qt.ClickFocus)  # Page Up / Page Down then turn the pages
        self.small = QFont(self.font())
        self.small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1.5))
        self._layout = (1, 1, self.MIN_CELL)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(8 * 60, 4 * 76)

    # ----- geometry -----
    def _text_height(self) -> int:
        return QFontMetrics(self.small).height() * (2 if self.two_lines else 1) + 6

    def _best_layout(self) -> tuple[int, int, int]:
        """(columns, rows, cell width): the most images, then the largest cells."""
        w, h = self.width(), self.height()
        text = self._text_height()
        best = (0, 0, 1, 1)
        for cols in range(1, self.MAX_COLUMNS + 1):
            widest = min(w // cols, self.MAX_CELL)
            if widest < self.MIN_CELL and cols > 1:
                break
            for cell in range(widest, max(self.MIN_CELL, 8) - 1, -1):
                rows = max(1, min(self.MAX_ROWS, h // (cell - 8 + text)))
                best = max(best, (cols * rows, cell, cols, rows))
        return best[2], best[3], best[1]

    @property
    def capacity(self) -> int:
        cols, rows, _ = self._layout
        return cols * rows

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._relayout()

    def _relayout(self) -> None:
        before = self.capacity
        self._layout = self._best_layout()
        if self.capacity != before:
            self.capacity_changed.emit()
        self.update()

    def cell_rect(self, position: int) -> QRect:
        """Where image number `position` of the page is drawn (spread over the width)."""
        cols, _, cell = self._layout
        height = cell - 8 + self._text_height()
        pitch = max(cell, self.width() // cols)
        left = (pitch - cell) // 2
        return QRect((position % cols) * pitch + left, (position // cols) * height, cell, height)

    def position_at(self, point) -> int | None:
        for position in range(len(self.cells)):
            if self.cell_rect(position).contains(point):
                return position
        return None

    # ----- content -----
    def set_cells(self, cells: list[Cell], two_lines: bool) -> None:
        self.cells = cells
        if two_lines != self.two_lines:
            self.two_lines = two_lines
            self._relayout()
        self.update()

    def set_selected(self, index: int | None) -> None:
        self.selected = index
        self.update()

    # ----- painting and mouse -----
    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        palette = self.palette()  # the theme's: white on a dark window glared
        painter.fillRect(self.rect(), palette.color(QPalette.Base))
        painter.setFont(self.small)
        metrics = painter.fontMetrics()
        line = metrics.height()
        for position, cell in enumerate(self.cells):
            rect = self.cell_rect(position)
            side = rect.width() - 8
            image = QRect(rect.x() + 4, rect.y() + 3, side, side)
            painter.drawPixmap(image, cell.pixmap)
            if cell.wrong:
                painter.setPen(QPen(QColor(WRONG), 2))
                painter.drawRect(image.adjusted(-1, -1, 1, 1))
                painter.drawText(image.adjusted(0, 1, -3, 0), Qt.AlignRight | Qt.AlignTop, "✗")
            if cell.index == self.selected:
                painter.setPen(QPen(QColor(SELECTED), 3))
                painter.drawRect(rect.adjusted(1, 1, -2, -2))
            painter.setPen(QColor(WRONG) if cell.wrong else palette.color(QPalette.Text))
            top = image.bottom() + 2
            texts = ([cell.name, cell.confidence] if self.two_lines
                     else [f"{cell.name} {cell.confidence}".strip()])
            for i, text in enumerate(texts):
                box = QRect(rect.x() + 1, top + i * line, rect.width() - 2, line)
                painter.drawText(box, Qt.AlignHCenter | Qt.AlignTop,
                                 metrics.elidedText(text, Qt.ElideRight, box.width()))
        painter.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        position = self.position_at(event.position().toPoint())
        if position is not None:
            self.clicked.emit(self.cells[position].index)

    def event(self, event) -> bool:
        if event.type() == QEvent.ToolTip:
            position = self.position_at(event.pos())
            if position is not None:
                QToolTip.showText(event.globalPos(), self.cells[position].tip, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
