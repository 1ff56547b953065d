"""Light and dark: follow the system's colour scheme, or View ▸ Theme's choice (remembered).

Qt restyles widgets from the palette, but pyqtgraph paints its plots in colours of its own and
the network diagram and heatmaps have white backgrounds: `Theme.apply` restyles those too
(backgrounds, axes, titles, legends, grids), and again whenever a view builds new plots (a new
model) or the system switches scheme. `install_theme(window)` adds the menu.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QBrush, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QGraphicsView, QLabel, QMenu,
                               QWidget)

from playground.ui.settings import settings
from playground.ui.widgets.grid_plot import GridAxis
from playground.ui.widgets.note import has_tone_spans, recolour, retone

MODES = ("system", "light", "dark")
KEY = "view/theme"
#: Plot colours per scheme: (background, foreground: axes, ticks, titles, legend text).
PLOT_COLOURS = {False: ("#ffffff", "#404040"), True: ("#1e1f22", "#c8c8c8")}
#: The slim bars above the content (their light colours are the examples' and hints' own).
DARK_BARS = {
    "example_bar": "#example_bar { background: #1d2f45; border: 1px solid #35557a; "
                   "border-radius: 3px; }",
    "hints_bar": "#hints_bar { background: #3a3220; border: 1px solid #7a6530; "
                 "border-radius: 3px; }",
}
#: Fusion outlines a check box in the window colour made darker: on the dark base that is
#: black on black, so a table's unticked boxes (Runs' "Show") were invisible. Ticked ones keep
#: Fusion's look (their tick is drawn in the text colour).
DARK_CHECK_BOXES = ("QAbstractItemView::indicator:unchecked { border: 1px solid #9a9da3; "
                    "border-radius: 2px; background: #1e1f22; }")


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.Window: "#2b2d30", QPalette.WindowText: "#dfe1e5", QPalette.Base: "#1e1f22",
        QPalette.AlternateBase: "#2b2d30", QPalette.ToolTipBase: "#3c3f41",
        QPalette.ToolTipText: "#dfe1e5", QPalette.Text: "#dfe1e5", QPalette.Button: "#3c3f41",
        QPalette.ButtonText: "#dfe1e5", QPalette.BrightText: "#ff6b6b",
        QPalette.Link: "#6ea8fe", QPalette.Highlight: "#2f65ca",
        QPalette.HighlightedText: "#ffffff", QPalette.PlaceholderText: "#8c8f94",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.Text, QPalette.ButtonText, QPalette.WindowText):
        palette.setColor(QPalette.Disabled, role, QColor("#7a7d82"))
    return palette


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def colours_for_new_plots() -> None:
    """pyqtgraph's colours for the plots made from now on, in the scheme the theme will choose
    (its own default, grey #969696 text, is 2.9:1 on white: too faint for tick labels)."""
    mode = settings().value(KEY, "system")
    dark = system_is_dark() if mode not in ("light", "dark") else mode == "dark"
    background, foreground = PLOT_COLOURS[dark]
    pg.setConfigOptions(background=background, foreground=foreground)


class Theme(QObject):
    """One window's theme: the mode chosen ("system", "light", "dark") and its restyling."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        value = settings().value(KEY, "system")
        self.mode = value if value in MODES else "system"
        self.dark = False
        self._light_sheets: dict[str, str] = {}
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)
        # New plots come with new models (weight tables, layers): restyle after they exist.
        window.session.run_started.connect(
            lambda: self.dark and QTimer.singleShot(0, self.restyle_plots))

    def _system_changed(self, _scheme) -> None:
        if self.mode == "system":
            self.apply()

    def set_mode(self, mode: str) -> None:
        """Choose "system", "light" or "dark" (remembered)."""
        self.mode = mode if mode in MODES else "system"
        settings().setValue(KEY, self.mode)
        self.apply()

    def apply(self) -> None:
        dark = system_is_dark() if self.mode == "system" else self.mode == "dark"
        if not dark and not self.dark:
            return  # light as built: nothing to restyle (a launch pays nothing)
        self.dark = dark
        app = QApplication.instance()
        app.setPalette(dark_palette() if self.dark else app.style().standardPalette())
        background, foreground = PLOT_COLOURS[self.dark]
        pg.setConfigOptions(background=background, foreground=foreground)  # plots made later
        for name, dark_sheet in DARK_BARS.items():
            bar = self.window.findChild(QWidget, name)
            if bar is not None:
                self._light_sheets.setdefault(name, bar.styleSheet())
                bar.setStyleSheet(dark_sheet if self.dark else self._light_sheets[name])
        for widget in self.window.findChildren(QWidget):  # notes and errors: readable greys
            if widget.property("tone"):
                recolour(widget, self.dark)
            retone_widget(widget, self.dark)  # "✓ agree", "wrong" … inside rich text
        self.restyle_plots()

    def restyle_plots(self) -> None:
        """The plots' colours, and the tables' check boxes (both may be built with a model)."""
        for view in self.window.findChildren(QAbstractItemView):
            if view.styleSheet() in ("", DARK_CHECK_BOXES):  # never another's own sheet
                view.setStyleSheet(DARK_CHECK_BOXES if self.dark else "")
        background, foreground = PLOT_COLOURS[self.dark]
        back, fore = QColor(background), QColor(foreground)
        for view in self.window.findChildren(QGraphicsView):
            if isinstance(view, pg.GraphicsView):
                restyle_plot(view, back, fore)
            else:  # the network diagram
                view.setBackgroundBrush(QBrush(back))


def retone_widget(widget: QWidget, dark: bool) -> None:
    """A label's rich text with its tone spans in the scheme's colours (they were written in
    the colours of the scheme when the text was made)."""
    if isinstance(widget, QLabel) and has_tone_spans(widget.text()):
        widget.setText(retone(widget.text(), dark))


def restyle_plot(view: pg.GraphicsView, back: QColor, fore: QColor) -> None:
    """pyqtgraph's colours for one plot widget: background, axes, titles and legends."""
    view.setBackground(back)
    for item in view.scene().items():
        if isinstance(item, pg.AxisItem):
            if isinstance(item, GridAxis):
                item.background = back
                item._opaque.clear()  # grid lines were mixed with the old background
            item.setPen(fore)
            item.setTextPen(fore)
            item.label.setDefaultTextColor(fore)
        elif isinstance(item, pg.LegendItem):
            item.setLabelTextColor(fore)
            for _sample, label in item.items:  # pyqtgraph keeps a shown label's old colour
                label.setText(label.text, color=fore)
            item.setBrush(QBrush(QColor(back.red(), back.green(), back.blue(), 200)))
        elif isinstance(item, pg.PlotItem) and item.titleLabel.text:
            item.titleLabel.setText(item.titleLabel.text, color=fore)


def install_theme(window) -> Theme:
    """View ▸ Theme (System / Light / Dark) on `window`, applied now."""
    theme = Theme(window)
    window.theme = theme
    bar = window.menuBar()
    view_menu = QMenu("&View", bar)
    view_menu.setObjectName("view_menu")
    help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    bar.insertMenu(help_menu, view_menu) if help_menu else bar.addMenu(view_menu)
    menu = view_menu.addMenu("&Theme")
    menu.setToolTip("Light or dark; System follows the desktop's colour scheme")
    group = QActionGroup(menu)
    for mode in MODES:
        action = QAction(mode.capitalize(), menu, checkable=True)
        action.setObjectName(f"theme_{mode}")
        action.setToolTip("Follow the desktop's colour scheme" if mode == "system"
                          else f"Always {mode}")
        action.setChecked(mode == theme.mode)
        action.triggered.connect(lambda _=False, mode=mode: theme.set_mode(mode))
        group.addAction(action)
        menu.addAction(action)
    theme.actions = {action.objectName(): action for action in group.actions()}
    theme.apply()
    return theme
