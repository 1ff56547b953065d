"""The Filters tab's pictures laid out to fit a laptop: the input picture in a column of its own,
each layer one row (its name on the left, its channels flowing across the width), so that at
1366×768 several layers show at once instead of one 16-wide grid a layer."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

#: Width of a layer's name beside its row of pictures.
HEADING_WIDTH = 110
SPACING = 2


class FilterSheet(QScrollArea):
    """Sections of pictures: `show_sections([(name, [QPixmap])], side=name)`; `tiles` maps each
    name to its labels, in order. Rows of small pictures re-flow when the width changes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # rows flow to the width
        self.tiles: dict[str, list[QLabel]] = {}
        self.rows: dict[str, QWidget] = {}
        self._grids: list[tuple[QGridLayout, list[QLabel], int, bool]] = []
        self._side_width = 0
        self._new_box()
        self.viewport().installEventFilter(self)

    def _new_box(self) -> None:
        box = QWidget()
        self.side = QVBoxLayout()
        self.column = QVBoxLayout()
        self.column.setSpacing(6)
        layout = QHBoxLayout(box)
        layout.addLayout(self.side)
        layout.addLayout(self.column, 1)
        self.setWidget(box)  # the old box is deleted

    def show_sections(self, sections: list[tuple[str, list[QPixmap]]],
                      side: str | None = None) -> None:
        names = [name for name, _ in sections]
        if list(self.tiles) != names or any(len(self.tiles[n]) != len(p) for n, p in sections):
            self._rebuild(sections, side)
        for name, pixmaps in sections:
            for label, pixmap in zip(self.tiles[name], pixmaps):
                label.setPixmap(pixmap)

    def _rebuild(self, sections, side) -> None:
        self._new_box()
        self.tiles, self.rows, self._grids = {}, {}, []
        self._side_width = 0
        for name, pixmaps in sections:
            size = max((round(p.deviceIndependentSize().width()) for p in pixmaps), default=0)
            heading = QLabel(f"<b>{name}</b>", wordWrap=True)
            row = QWidget()
            grid = QGridLayout()
            grid.setSpacing(SPACING)
            grid.setContentsMargins(0, 0, 0, 0)
            # Big pictures (the input, an MLP's 28×28 units, saliency) keep their name above.
            beside = name != side and size < 56
            outer = QHBoxLayout(row) if beside else QVBoxLayout(row)
            outer.setContentsMargins(0, 0, 0, 0)
            if beside:
                heading.setFixedWidth(HEADING_WIDTH)
                heading.setAlignment(Qt.AlignLeft | Qt.AlignTop)
            outer.addWidget(heading)
            pictures = QHBoxLayout()  # the pictures at their size, not spread over the width
            pictures.addLayout(grid)
            pictures.addStretch(1)
            outer.addLayout(pictures)
            labels = [QLabel(objectName="filter_tile") for _ in pixmaps]
            self.tiles[name], self.rows[name] = labels, row
            if name == side:
                for label in labels:
                    grid.addWidget(label)
                self.side.addWidget(row)
                self.side.addStretch(1)
                self._side_width = max(size, 80) + 12
            else:
                self._grids.append((grid, labels, size, beside))
                self.column.addWidget(row)
        self.column.addStretch(1)
        self._flow()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self.viewport() and event.type() == QEvent.Resize:
            self._flow()
        return super().eventFilter(watched, event)

    def _flow(self) -> None:
        """Put each row's pictures in as many columns as the viewport's width holds."""
        width = self.viewport().width() - self._side_width - 30  # the box's margins
        for grid, labels, size, beside in self._grids:
            room = width - (HEADING_WIDTH + 6 if beside else 0)
            columns = max(1, room // (max(size, 1) + SPACING))
            for label in labels:
                grid.removeWidget(label)
            for i, label in enumerate(labels):
                grid.addWidget(label, i // columns, i % columns)
