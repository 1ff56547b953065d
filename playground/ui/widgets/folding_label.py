"""A wrapped label that shows its first line only, with "More" to unfold the rest.

Captions and hints sit above the plots: folded to one line they leave the plots their height
(issue 13: at 1366×768 three lines of caption squeezed Loss and Accuracy to strips).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget


class FoldingLabel(QWidget):
    """A QLabel look-alike (text, setText, setWordWrap…) folded to one line until asked."""

    toggled = Signal(bool)

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.label.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.more_button = QToolButton()
        self.more_button.setObjectName("more_button")
        self.more_button.setCheckable(True)
        self.more_button.setAutoRaise(True)
        self.more_button.setText("More ▾")
        self.more_button.setToolTip("Show the whole text (click again to fold it to one line)")
        self.more_button.toggled.connect(self._toggled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.label, 1)
        row.addWidget(self.more_button, 0, Qt.AlignTop)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Maximum)
        self._fold()

    # ----- QLabel's interface, for the code that knew a QLabel here -----
    def text(self) -> str:
        return self.label.text()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        self.label.setText(text)
        self._fold()

    def setWordWrap(self, on: bool) -> None:  # noqa: N802 (Qt name)
        self.label.setWordWrap(True)  # folding needs wrapped lines

    def setTextFormat(self, text_format) -> None:  # noqa: N802 (Qt name)
        self.label.setTextFormat(text_format)

    def setStyleSheet(self, sheet: str) -> None:  # noqa: N802 (Qt name)
        self.label.setStyleSheet(sheet)

    @property
    def unfolded(self) -> bool:
        return self.more_button.isChecked()

    # ----- folding -----
    def _one_line(self) -> int:
        # The whole text laid out on one line: rich text (bold) is taller than the font's line.
        return max(self.label.heightForWidth(100_000), self.label.fontMetrics().lineSpacing())

    def _needs_more(self) -> bool:
        width = max(self.width() - self.more_button.sizeHint().width() - 4, 50)
        return self.label.heightForWidth(width) > self._one_line()

    def _toggled(self, on: bool) -> None:
        self._fold()
        self.toggled.emit(on)

    def _fold(self) -> None:
        unfolded = self.more_button.isChecked()
        self.more_button.setText("Less ▴" if unfolded else "More ▾")
        self.more_button.setVisible(unfolded or self._needs_more())
        self.label.setMaximumHeight(16_777_215 if unfolded else self._one_line())
        self.updateGeometry()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if not self.more_button.isChecked():
            visible = self._needs_more()
            if visible == self.more_button.isHidden():  # not isVisible: the bar may be hidden
                self.more_button.setVisible(visible)
