"""Text tones that stay readable in both themes, and the grey note a view shows when it has none.

A fixed grey (#555) that reads well on a light window is unreadable on a dark one, so notes,
captions and error messages take a *tone* instead of a colour: `set_tone(label, "note")`. The
colour follows the scheme now and again whenever the theme switches (ui/theme.py recolours every
widget that has a tone). Each colour is at least 4.5:1 (WCAG AA) against the backgrounds it is
shown on: the window, the example bar and the hints bar, light and dark.
"""
from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel, QWidget

#: Tone -> (colour on a light background, colour on a dark one).
TONES = {"note": ("#4a4a4a", "#b9bcc2"), "error": ("#b00020", "#ff8f8f"),
         "good": ("#146c2e", "#6cd27f")}


def is_dark() -> bool:
    """The application's palette is dark (the theme or the system chose it)."""
    return QGuiApplication.palette().color(QPalette.Window).lightness() < 128


def tone_colour(tone: str, dark: bool | None = None) -> QColor:
    """The colour of `tone` in the current scheme (or the one named by `dark`)."""
    return QColor(TONES[tone][int(is_dark() if dark is None else dark)])


def tone_span(text: str, tone: str) -> str:
    """`text` (HTML) in `tone`'s colour for the current scheme, for rich text such as
    "✗ differ"; the span names its tone, so a theme switch recolours it (`retone`)."""
    return f"<span class='tone-{tone}' style='color:{tone_colour(tone).name()}'>{text}</span>"


_TONE_SPAN = re.compile(r"<span class='tone-(\w+)' style='color:#[0-9a-fA-F]{6}'>")


def retone(html: str, dark: bool | None = None) -> str:
    """`html` with every `tone_span` in its tone's colour for the scheme (or `dark`)."""
    return _TONE_SPAN.sub(lambda m: f"<span class='tone-{m[1]}' style='color:"
                          f"{tone_colour(m[1], dark).name()}'>", html)


def has_tone_spans(html: str) -> bool:
    return "<span class='tone-" in html


def set_tone(widget: QWidget, tone: str) -> QWidget:
    """Give `widget`'s text the colour of `tone` ("note", "error"), now and after theme
    switches; returns `widget`."""
    widget.setProperty("tone", tone)
    recolour(widget)
    return widget


def clear_tone(widget: QWidget) -> None:
    """Back to the ordinary text colour (a message that was an error is not any more)."""
    widget.setProperty("tone", None)
    widget.setPalette(QPalette())  # an empty palette: everything inherited again


def recolour(widget: QWidget, dark: bool | None = None) -> None:
    """Colour a toned widget's text for the scheme (the palette: a stylesheet colour would
    override the scheme's and hide the change)."""
    tone = widget.property("tone")
    if tone not in TONES:
        return
    colour = tone_colour(tone, dark)
    palette = widget.palette()
    for role in (QPalette.WindowText, QPalette.Text):
        palette.setColor(role, colour)
    widget.setPalette(palette)


def placeholder_note(text: str, name: str) -> QLabel:
    """A word-wrapped note, e.g. "Pick MNIST digits as the dataset to …"."""
    note = QLabel(text)
    note.setObjectName(name)
    note.setWordWrap(True)
    note.setAlignment(Qt.AlignCenter)
    note.setStyleSheet("padding: 20px; font-size: 11pt;")
    return set_tone(note, "note")
