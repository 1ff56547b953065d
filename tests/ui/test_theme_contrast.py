"""Issue 13: every note, caption, hint and error is readable (WCAG AA, 4.5:1) in both themes."""
from __future__ import annotations

import re

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QWidget

AA = 4.5
BARS = ("example_bar", "hints_bar")


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def bar_background(bar: QWidget) -> QColor:
    return QColor(re.search(r"background:\s*(#[0-9a-fA-F]{6})", bar.styleSheet()).group(1))


def background_of(widget: QWidget) -> QColor:
    """What the widget's text sits on: a slim bar's own colour, else the window's."""
    parent = widget
    while parent is not None:
        if parent.objectName() in BARS:
            return bar_background(parent)
        parent = parent.parentWidget()
    return QApplication.palette().color(QPalette.Window)


def text_colour(widget: QWidget) -> QColor:
    """The colour a widget's text is drawn in: its stylesheet's, else its palette's."""
    found = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", widget.styleSheet())
    return QColor(found.group(1)) if found else widget.palette().color(QPalette.WindowText)


def test_notes_captions_hints_and_errors_are_readable_light_and_dark(qtbot, window):
    from playground.ui.widgets.note import TONES
    window.form.layers.set_layers(())  # "No hidden layer: …", the grey note
    window.form.texts["epochs"].setText("many")  # an error under its field
    bars = [window.findChild(QWidget, name) for name in BARS]
    assert all(bars)
    try:
        for mode in ("light", "dark"):
            window.theme.set_mode(mode)
            qtbot.wait(20)  # Qt hands the new palette to the widgets in a posted event
            palette = QApplication.palette()
            toned = [w for w in window.findChildren(QWidget) if w.property("tone")]
            names = {w.objectName() for w in toned}
            assert {"layers_error", "epochs_error", "message_label"} <= names
            assert window.form.layers.empty_note in toned
            assert any(name.endswith("_note") for name in names)  # the views' placeholders
            for widget in toned:
                text = widget.palette().color(QPalette.WindowText)
                ratio = contrast(text, background_of(widget))
                assert ratio >= AA, (mode, widget.objectName(), text.name(), ratio)
            for name in ("lossPlot", "accuracyPlot", "boundaryPlot"):  # tick labels, titles
                plot = window.findChild(QWidget, name)
                ratio = contrast(plot.getAxis("left").textPen().color(),
                                 plot.backgroundBrush().color())
                assert ratio >= AA, (mode, name, ratio)
                for _sample, label in plot.getPlotItem().legend.items if name != "boundaryPlot" \
                        else ():  # "training": shown since launch, in the launch's colour
                    html = label.item.toHtml()  # pyqtgraph colours the text in a span
                    shown = re.findall(r"color:\s*(#[0-9a-fA-F]{6,8})", html)[-1]
                    ratio = contrast(QColor(shown), plot.backgroundBrush().color())
                    assert ratio >= AA, (mode, name, label.text, ratio)
            for index in range(window.tabs.count()):  # what each tab shows, in front
                window.tabs.setCurrentIndex(index)
                shown = [w for w in window.findChildren(QLabel) if w.isVisible()]
                for label in shown:
                    text = text_colour(label)
                    ratio = contrast(text, background_of(label))
                    assert ratio >= AA, (mode, window.tabs.tabText(index),
                                         label.objectName() or label.text()[:40], text.name())
            # A hint's "Why?" (a note) and any error may show on either bar.
            dark = mode == "dark"
            for bar in bars:
                for tone, colours in TONES.items():
                    ratio = contrast(QColor(colours[dark]), bar_background(bar))
                    assert ratio >= AA, (mode, bar.objectName(), tone, ratio)
            # A table's unticked check box (Runs' "Show"): Fusion outlined it black on black.
            runs = window.findChild(QAbstractItemView, "runs_table")
            outline = re.search(r"indicator:unchecked[^}]*border:[^#]*(#[0-9a-fA-F]{6})",
                                runs.styleSheet())
            if dark:
                assert outline, runs.styleSheet()
                ratio = contrast(QColor(outline.group(1)), palette.color(QPalette.Base))
                assert ratio >= 3, (mode, ratio)  # WCAG's 3:1 for a control's outline
            for role in (QPalette.Text, QPalette.PlaceholderText):  # "e.g. 1, 1" in a field
                ratio = contrast(palette.color(role), palette.color(QPalette.Base))
                assert ratio >= AA, (mode, role, ratio)
    finally:
        window.theme.set_mode("system")


def test_verdicts_inside_text_take_the_new_scheme_at_once(qtbot, window):
    """"✓ agree" in the Forward and Backward tabs is coloured inside rich text; a theme switch
    recolours it at once (it kept the light green on a dark window until the next redraw)."""
    from playground.ui.widgets.note import TONES
    labels = (window.views["backward"].summary, window.views["forward"].result)
    for label in labels:
        window.tabs.setCurrentWidget(window.views[label.objectName().split("_")[0]])
        qtbot.waitUntil(lambda label=label: "agree" in label.text(), timeout=10_000)
    greens = {dark: QColor(TONES["good"][dark]).name() for dark in (False, True)}
    try:
        for mode, dark in (("dark", True), ("light", False)):
            window.theme.set_mode(mode)  # no redraw asked: the text as it stands
            for label in labels:
                text = label.text()
                assert f"color:{greens[dark]}'>✓ agree" in text, (mode, text)
                assert f"color:{greens[not dark]}" not in text
                assert contrast(QColor(greens[dark]), QApplication.palette().color(
                    QPalette.Window)) >= AA
    finally:
        window.theme.set_mode("system")
