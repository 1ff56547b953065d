"""Exports from the window: any plot as PNG or SVG, and the experiment as Keras code.

PNG goes through pyqtgraph's ImageExporter. SVG is drawn straight from the scene into Qt's
QSvgGenerator: pyqtgraph 0.14's SVGExporter cannot parse the path data newer Qt versions write
(pyqtgraph issue #3485). Files are written atomically (`persist.atomic_path`).
"""
from __future__ import annotations

import re
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QFontDatabase, QGuiApplication, QPainter
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QGraphicsScene,
                               QPlainTextEdit, QPushButton, QVBoxLayout)

from playground.core.files import experiment_file as persist

PLOT_SUFFIXES = (".png", ".svg")
#: Exported PNGs are at least this wide (the plot is scaled up, not cropped).
MIN_PNG_WIDTH = 800


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text or "").strip()


def find_plots(window) -> dict[str, object]:
    """Every plot in the window, by a label naming its view: label -> PlotItem or scene."""
    titles = {id(view): getattr(view, "title", name)
              for name, view in window.views.items()}
    found: dict[str, object] = {}
    for widget in window.findChildren(pg.GraphicsView):
        owner = widget.parentWidget()
        while owner is not None and id(owner) not in titles:
            owner = owner.parentWidget()
        view = titles.get(id(owner), "") if owner is not None else ""
        if isinstance(widget, pg.PlotWidget):
            item = widget.getPlotItem()
            title = _plain(item.titleLabel.text) if item.titleLabel.isVisible() else ""
        else:
            item, title = widget.scene(), ""
        label = " — ".join(p for p in (view, title) if p) or "Plot"
        base, n = label, 2
        while label in found:
            label, n = f"{base} ({n})", n + 1
        found[label] = item
    return found


def export_plot(item, path: Path) -> None:
    """Write plot `item` (a PlotItem or a scene) as PNG or SVG by `path`'s suffix, atomically;
    `PersistError` says why not."""
    from pyqtgraph import exporters

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise persist.PersistError(f"Could not save {path.name}: choose a .png or .svg name.")
    try:
        with persist.atomic_path(path, suffix=suffix) as temp:
            if suffix == ".svg":
                _write_svg(item, temp, path.stem)
            else:
                exporter = exporters.ImageExporter(item)
                width = int(exporter.parameters()["width"])
                if width <= 0 or int(exporter.parameters()["height"]) <= 0:
                    raise ValueError("the plot has no size yet: show it, then export it")
                exporter.parameters()["width"] = max(width, MIN_PNG_WIDTH)
                exporter.export(str(temp))
            if not temp.stat().st_size:
                raise ValueError("nothing was drawn")
    except persist.PersistError:
        raise
    except Exception as error:  # noqa: BLE001 - pyqtgraph raises plain Exception
        raise persist.PersistError(f"Could not save {path.name}: {error}.") from None


def _write_svg(item, path: Path, title: str) -> None:
    """Draw a PlotItem (or a whole scene) into an SVG file with Qt's own SVG generator."""
    from PySide6.QtSvg import QSvgGenerator

    if isinstance(item, QGraphicsScene):
        scene, view = item, (item.views() or [None])[0]
        source = view.mapToScene(view.viewport().rect()).boundingRect() if view \
            else scene.sceneRect()
    else:
        scene, view, source = item.scene(), item.getViewWidget(), item.sceneBoundingRect()
    if scene is None or source.width() < 1 or source.height() < 1:
        raise ValueError("the plot has no size yet: show it, then export it")
    target = QRectF(0, 0, source.width(), source.height())
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(int(target.width()), int(target.height())))
    generator.setViewBox(target)
    if view is not None:  # fonts and cached axis drawings are sized for the screen's DPI
        generator.setResolution(view.logicalDpiX())
    generator.setTitle(title)
    generator.setDescription("Exported from Neural Playground")
    painter = QPainter(generator)
    # Export mode: symbols are drawn as shapes, not copied from a cache of screen pixmaps.
    items = [it for it in scene.items() if hasattr(it, "setExportMode")]
    for it in items:
        it.setExportMode(True, {"antialias": True, "painter": painter, "resolutionScale": 1.0})
    try:
        if view is not None:
            painter.fillRect(target, view.backgroundBrush())
        scene.render(painter, target, source)
    finally:
        painter.end()
        for it in items:
            it.setExportMode(False)


class CodeDialog(QDialog):
    """The experiment as a plain Keras script: read-only, with Copy and Save."""

    def __init__(self, script: str, actions, parent=None):
        super().__init__(parent)
        self.setObjectName("code_dialog")
        self.setWindowTitle("Keras code for this experiment")
        self.actions = actions
        self.script = script
        self.editor = QPlainTextEdit(script)
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.NoWrap)
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton("Save…")
        self.save_button.clicked.connect(self.save_dialog)
        buttons.addButton(self.copy_button, QDialogButtonBox.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        self.resize(760, 640)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.script)

    def save_dialog(self) -> None:
        start = str(Path(self.actions._folder()) / "experiment.py")
        path, _ = QFileDialog.getSaveFileName(self, "Save Keras script", start,
                                              "Python scripts (*.py)")
        if path:
            self.save_to(path if Path(path).suffix else path + ".py")

    def save_to(self, path) -> str:
        message = ""
        try:
            persist.write_text(path, self.script)
        except persist.PersistError as error:
            message = str(error)
        self.actions._end("save-code", str(path), message, f"Saved {path}")
        return message
