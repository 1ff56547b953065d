"""A slim bar above the window's content: the run's hints (`core.hints`), with "Why?" and "Fix".

The bar is hidden while there is nothing to say. Hints are recomputed when a model is built,
when training pauses or ends, and at most once a second while it runs. "Why?" unfolds the
explanation in place; "Fix" puts the fixed settings in the form and trains them from epoch 0;
"✕" hides that hint until the next model. `install_hints(window)` adds it (idempotent).
"""
from __future__ import annotations

import html
import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QToolButton, QVBoxLayout)

from playground.core.teaching.hints import Hint, hints_for
from playground.ui.menus.examples import add_bar, start_fresh
from playground.ui.widgets.folding_label import FoldingLabel
from playground.ui.widgets.note import set_tone

#: While training, hints are recomputed at most this often.
UPDATE_SECONDS = 1.0
#: At most this many hints are shown at once (the most basic first).
MAX_SHOWN = 3


class HintRow(QFrame):
    """One hint: its text, "Why?" (unfolds the explanation), "Fix", and "✕"."""

    fix_clicked = Signal(object)
    dismissed = Signal(str)

    def __init__(self, hint: Hint, parent=None):
        super().__init__(parent)
        self.hint = hint
        self.setObjectName(f"hint_{hint.key}")
        self.text = FoldingLabel()  # one line; "More" unfolds the rest
        self.text.setObjectName("hint_text")
        self.text.setTextFormat(Qt.RichText)
        self.text.setText(f"<b>Hint:</b> {html.escape(hint.text, quote=False)}")
        self.why = QLabel(hint.why)
        self.why.setObjectName("hint_why")
        self.why.setWordWrap(True)
        self.why.setTextFormat(Qt.PlainText)
        set_tone(self.why, "note")
        self.why.hide()
        self.why_button = QPushButton("Why?")
        self.why_button.setObjectName("hint_why_button")
        self.why_button.setCheckable(True)
        self.why_button.setToolTip("Explain why this happens (click again to fold it away)")
        self.why_button.toggled.connect(self.why.setVisible)
        self.fix_button = QPushButton("Fix")
        self.fix_button.setObjectName("hint_fix_button")
        if hint.fix is not None:
            self.fix_button.setToolTip(f"Change {hint.fix_text}, then train again from the "
                                       "start")
        else:
            self.fix_button.setToolTip("There is no one-click fix for this; “Why?” says what "
                                       "to try")
            self.fix_button.setEnabled(False)
        self.fix_button.clicked.connect(lambda: self.fix_clicked.emit(self.hint))
        self.close_button = QToolButton()
        self.close_button.setObjectName("hint_close")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hide this hint until the next run")
        self.close_button.clicked.connect(lambda: self.dismissed.emit(self.hint.key))
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.text, 1)
        for button in (self.why_button, self.fix_button):
            top.addWidget(button, 0, Qt.AlignTop)
        top.addWidget(self.close_button, 0, Qt.AlignTop)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.why)


class HintsBar(QFrame):
    """The rows of the current hints; hidden when there are none."""

    fix_requested = Signal(object)
    dismissed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("hints_bar")
        self.setStyleSheet("#hints_bar { background: #fff8e1; border: 1px solid #f0d58c; "
                           "border-radius: 3px; }")
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.rows: list[HintRow] = []
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(8, 3, 2, 3)
        self.column.setSpacing(4)

    @property
    def hints(self) -> list[Hint]:
        return [row.hint for row in self.rows]

    def set_hints(self, hints: list[Hint]) -> None:
        """Show `hints`; rows whose hint is unchanged stay as they are ("Why?" stays open)."""
        hints = hints[:MAX_SHOWN]
        if hints == self.hints:
            return
        kept = {row.hint: row for row in self.rows}
        for row in self.rows:
            if row.hint not in hints:
                row.setParent(None)
                row.deleteLater()
        self.rows = []
        for hint in hints:
            row = kept.get(hint)
            if row is None:
                row = HintRow(hint)
                row.fix_clicked.connect(self.fix_requested)
                row.dismissed.connect(self.dismissed)
            self.column.addWidget(row)
            self.rows.append(row)

    def row(self, key: str) -> HintRow | None:
        return next((row for row in self.rows if row.hint.key == key), None)


class HintsController(QObject):
    """Keeps one window's hints bar up to date and applies fixes."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.dismissed: set[str] = set()
        self.bar = HintsBar()
        self.bar.fix_requested.connect(self.apply_fix)
        self.bar.dismissed.connect(self.dismiss)
        self.bar.setVisible(False)
        add_bar(window, self.bar, rank=1)
        self._last_update = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.update)
        session = window.session
        session.run_started.connect(self._on_run_started)
        session.history_changed.connect(self._schedule)
        window.training_idle.connect(lambda _reason: self.update())

    @property
    def hints(self) -> list[Hint]:
        return self.bar.hints

    def update(self) -> list[Hint]:
        """Recompute the hints now and show them."""
        self._timer.stop()
        self._last_update = time.perf_counter()
        session = self.window.session
        found = [hint for hint in hints_for(session.experiment, session.history,
                                            session.dataset)
                 if hint.key not in self.dismissed]
        self.bar.set_hints(found)
        self.bar.setVisible(bool(self.bar.rows))
        return found

    def apply_fix(self, hint: Hint) -> None:
        """Put the fixed settings in the form and train them from epoch 0."""
        if hint.fix is None:
            return
        start_fresh(self.window, hint.fix, train=True)

    def dismiss(self, key: str) -> None:
        self.dismissed.add(key)
        self.update()

    def _on_run_started(self) -> None:
        self.dismissed.clear()
        self.update()

    def _schedule(self) -> None:
        if self._timer.isActive():
            return
        wait = UPDATE_SECONDS - (time.perf_counter() - self._last_update)
        self._timer.start(max(0, int(wait * 1000)))


def install_hints(window) -> HintsController:
    """Add the hints bar to `window` (idempotent); returns its controller."""
    controller = getattr(window, "hints", None)
    if not isinstance(controller, HintsController):
        controller = HintsController(window)
        window.hints = controller
    return controller
