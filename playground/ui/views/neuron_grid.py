"""Neuron maps: every neuron of one chosen layer as a grid of heatmaps of its output over the
input plane (TensorFlow Playground's neuron view, larger than the diagram's), with its index;
the output layer's map is the decision boundary. Hovering or clicking a map enlarges it beside
the grid with its numbers (min, mean, max, and the value under the mouse).

Inputs as the boundary view draws them: x1, x2, or for more inputs its slice. Follows the run
at the views' rate, only while shown (stale while hidden, redrawn on show): one NumPy forward
pass over the grid and one small picture per neuron, the tiles reused. Nothing here calls
TensorFlow.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QLabel, QScrollArea,
                               QVBoxLayout, QWidget)

from playground.core.inspection import weights as W
from playground.core.inspection.feature_maps import dense_only_note
from playground.core.inspection.neuron_maps import value_range
from playground.ui.session import StreamedRedraw
from playground.ui.widgets.shown_view import ShownView
from playground.ui.widgets.map_tile import PAD, TITLE_HEIGHT, MapTile
from playground.ui.widgets.neuron_map_items import PlaneMaps, map_centre

#: Each map's grid (finer than the diagram's: drawn larger here).
GRID_RESOLUTION = 40
TILE_SIDE = 96
ZOOM_SIDE = 260
MIN_ZOOM_SIDE = 120
#: At most this many neurons of a layer are drawn.
MAX_TILES = 64
MIN_REDRAW_SECONDS = 0.1
NO_PLANE = ("Neuron maps draw each neuron's output over a plane of two inputs; this data has "
            "none ({why}).")


class NeuronGridView(ShownView):
    title = "Neuron maps"
    area = "bottom"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("neuron_grid_view")
        self.layer_combo = QComboBox(objectName="neuron_layer")
        self.layer_combo.setToolTip("The layer whose neurons are drawn; the output layer's map "
                                    "is the decision boundary")
        self.layer_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.layer_combo.currentIndexChanged.connect(self._layer_chosen)
        self.info = QLabel(objectName="neuron_grid_info", wordWrap=True)
        self.tiles: list[MapTile] = []
        self._columns = 0
        grid = QWidget()
        self.grid_layout = QGridLayout(grid)
        self.grid_layout.setContentsMargins(4, 4, 4, 4)
        self.grid_layout.setSpacing(6)
        row = QHBoxLayout()
        row.addWidget(grid)
        row.addStretch(1)
        box = QWidget()  # the grid at the top left, whatever the room
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(box)
        self.scroll.setWidgetResizable(True)
        self.scroll.viewport().installEventFilter(self)  # its width sets the columns
        self.zoom = MapTile(-1, ZOOM_SIDE)
        self.zoom.setObjectName("neuron_zoom")
        self.zoom.hovered.connect(lambda _, cell: self._hover(self.chosen_unit(), cell, True))
        self.zoom_numbers = QLabel(objectName="neuron_zoom_numbers", wordWrap=True)
        self.zoom_numbers.setFixedWidth(190)
        self.zoom_numbers.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.plane_maps = PlaneMaps(GRID_RESOLUTION)
        self.maps: list[np.ndarray] | None = None  # per Dense layer, as last drawn
        self.chosen: int | None = None   # the neuron clicked (its map stays enlarged)
        self.hover: tuple | None = None  # (unit, cell or None) under the mouse
        self._layers_key = None
        self._epoch = 0

        top = QHBoxLayout()
        top.addWidget(QLabel("Layer:"))
        top.addWidget(self.layer_combo)
        top.addStretch(1)
        zoom_column = QVBoxLayout()  # the enlarged map keeps to the top, its numbers beside it
        zoom_column.addWidget(self.zoom)
        zoom_column.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.scroll, 1)
        body.addLayout(zoom_column)
        body.addWidget(self.zoom_numbers)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addLayout(body, 1)

        session.run_started.connect(self.reset)
        self._streamed = StreamedRedraw(session, self.refresh, parent=self,
                                        pause=lambda: MIN_REDRAW_SECONDS)
        session.looked_at_changed.connect(self.refresh)  # an epoch looked at, a neuron off
        session.threshold_changed.connect(lambda _: self.maps is not None and self.refresh())
        session.plane_slice_changed.connect(self.refresh)  # the boundary's plane
        self.reset()

    # ----- following the run -----
    def reset(self) -> None:
        """A new model: nothing chosen; the tiles stay for its first redraw to reuse."""
        self.maps, self.chosen, self.hover, self._layers_key = None, None, None, None
        self.refresh()

    def draw(self) -> None:
        session = self.session
        self._epoch, weights = session.shown_weights()
        note = dense_only_note(weights, "Neuron maps") if weights else \
            "Neuron maps show each neuron of a network once one is built."
        maps = None if note else self.plane_maps.maps(session, weights)
        if maps is None:
            self.maps = None
            self._set_tiles(0)
            self.zoom.clear()
            self.zoom_numbers.setText("")
            dataset = session.dataset
            why = "its inputs are images" if dataset is not None and dataset.is_images \
                else "it has a single input"
            self.info.setText(note or NO_PLANE.format(why=why))
            return
        self._choices(weights)
        self.maps = maps
        self._draw()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Resize and watched is self.scroll.viewport():
            self._place_tiles()
            room = self.scroll.height() - TITLE_HEIGHT - 2 * PAD  # as large as height allows
            self.zoom.set_side(max(MIN_ZOOM_SIDE, min(ZOOM_SIDE, room)))
        return False

    def _choices(self, weights) -> None:
        """The layers to choose from, rebuilt when the network's shape changes."""
        sizes = W.layer_sizes(weights)
        activations = self.session.activations
        key = (tuple(sizes), tuple(activations))
        if key == self._layers_key:
            return
        self._layers_key = key
        keep = self.layer_combo.currentIndex()
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        for k, (units, activation) in enumerate(zip(sizes, activations)):
            last = k == len(sizes) - 1
            name = "Output layer" if last else f"Hidden layer {k + 1}"
            boundary = ", the boundary" if last and units == 1 and \
                not self.session.dataset.is_regression else ""
            self.layer_combo.addItem(f"{name} ({units} {activation}{boundary})")
        self.layer_combo.setCurrentIndex(keep if 0 <= keep < len(sizes) else 0)
        self.layer_combo.blockSignals(False)

    def _layer_chosen(self) -> None:
        self.chosen, self.hover = None, None
        if self.maps is not None:
            self._draw()

    # ----- drawing -----
    @property
    def layer(self) -> int:
        return max(self.layer_combo.currentIndex(), 0)

    def is_output(self) -> bool:
        return self.maps is not None and self.layer == len(self.maps) - 1

    def _values(self) -> tuple[np.ndarray, float, float]:
        """The chosen layer's maps, the white value (the threshold at a single output), and
        one colour scale for the layer, so its neurons compare."""
        layer_maps = self.maps[self.layer]
        centre = map_centre(self.session, self.maps) if self.is_output() else 0.0
        scale = float(np.max(np.abs(layer_maps - centre))) if layer_maps.size else 1.0
        return layer_maps, centre, scale

    def _draw(self) -> None:
        layer_maps, centre, scale = self._values()
        self._set_tiles(min(len(layer_maps), MAX_TILES))
        session, output = self.session, self.is_output()
        dead = session.dead_units()
        for tile in self.tiles:
            j = tile.index
            tile.set_map(layer_maps[j], scale, centre)
            key = (self.layer, j)
            why = dead.why() if dead is not None and not output and key in dead.units else ""
            tile.set_marks(f"{j + 1}" + (" · off" if key in session.switched_off and not output
                                          else " · dead" if why else ""),
                           off=not output and key in session.switched_off, dead=why,
                           selected=j == self.chosen)
        self.info.setText(self._caption(len(layer_maps), centre, scale, dead))
        self._show_zoom()

    def _caption(self, units: int, centre: float, scale: float, dead) -> str:
        across, up = self._axis_names()
        epoch = f"Epoch {self._epoch:,}. "
        more = f" The first {MAX_TILES} of {units} are drawn." if units > MAX_TILES else ""
        dead_text = f" {dead.summary()} (crossed out)." if dead is not None and dead.count \
            and not self.is_output() else ""
        white = (f"white at the threshold {W.format_value(centre)}, blue above: the decision "
                 "boundary" if centre else "white at 0")
        return (f"{epoch}Each map: the neuron's output over {across} (across) and {up} (up); "
                f"blue > 0, red < 0, {white}; one colour scale for the layer "
                f"(±{W.format_value(scale)}). Hover or click a map to enlarge it with its "
                f"numbers.{dead_text}{more}")

    def _axis_names(self) -> tuple[str, str]:
        names = self.session.dataset.feature_names
        return tuple(names[a] if a < len(names) else f"x{a + 1}" for a in self.plane_maps.axes)

    def _set_tiles(self, count: int) -> None:
        """Keep `count` tiles, made once each and reused at every redraw."""
        while len(self.tiles) > count:
            tile = self.tiles.pop()
            tile.setParent(None)
            tile.deleteLater()
        while len(self.tiles) < count:
            tile = MapTile(len(self.tiles), TILE_SIDE)
            tile.hovered.connect(lambda unit, cell: self._hover(unit, cell, False))
            tile.clicked.connect(self._click)
            self.tiles.append(tile)
        self._place_tiles()

    def _place_tiles(self) -> None:
        """As many columns as the width holds; tiles move only when that number changes."""
        margins, spacing = 8, self.grid_layout.spacing()
        fit = (self.scroll.viewport().width() - margins + spacing) // (
            TILE_SIDE + 2 * PAD + spacing)
        columns = max(1, min(fit, len(self.tiles) or 1))
        placed = [self.grid_layout.indexOf(tile) >= 0 for tile in self.tiles]
        if columns == self._columns and all(placed):
            return
        self._columns = columns
        for tile in self.tiles:
            self.grid_layout.removeWidget(tile)
        for i, tile in enumerate(self.tiles):
            self.grid_layout.addWidget(tile, *divmod(i, columns))

    # ----- enlarging -----
    def chosen_unit(self) -> int:
        return self.chosen if self.chosen is not None else 0

    def _click(self, unit: int) -> None:
        self.chosen = unit
        for tile in self.tiles:
            tile.set_marks(tile.title, tile.off, tile.dead, selected=tile.index == unit)
        self._show_zoom()

    def _hover(self, unit: int, cell, on_zoom: bool) -> None:
        if cell is None and not on_zoom:
            self.hover = None  # left the tile: back to the one clicked
        else:
            self.hover = (unit, cell)
        self._show_zoom()

    def _show_zoom(self) -> None:
        """The hovered map (else the clicked one, else the first) enlarged, with its numbers."""
        if self.maps is None or not self.tiles:
            return
        unit, cell = self.hover if self.hover is not None else (self.chosen_unit(), None)
        unit = min(unit, len(self.tiles) - 1)
        layer_maps, centre, scale = self._values()
        grid = layer_maps[unit]
        self.zoom.set_map(grid, scale, centre)
        tile = self.tiles[unit]
        self.zoom.set_marks(f"Neuron {unit + 1}", tile.off, tile.dead)
        self.zoom_numbers.setText(self._numbers(unit, grid, cell))

    def _numbers(self, unit: int, grid: np.ndarray, cell) -> str:
        layer = "the output layer" if self.is_output() else f"hidden layer {self.layer + 1}"
        low, mean, high = value_range(grid)
        lines = [f"<b>Neuron {unit + 1} of {layer}</b>",
                 f"min {W.format_value(low)}, mean {W.format_value(mean)}, "
                 f"max {W.format_value(high)}"]
        across, up = self._axis_names()
        (x_low, x_high), (y_low, y_high) = self.plane_maps.ranges
        if cell is not None:
            ix, iy = cell
            n = grid.shape[0]
            x = x_low + (x_high - x_low) * ix / (n - 1)
            y = y_low + (y_high - y_low) * iy / (n - 1)
            lines.append(f"at {across} = {W.format_value(x)}, {up} = {W.format_value(y)}: "
                         f"<b>{W.format_value(float(grid[ix, iy]))}</b>")
        else:
            lines.append(f"{across} from {W.format_value(x_low)} to {W.format_value(x_high)} "
                         f"(across), {up} from {W.format_value(y_low)} to "
                         f"{W.format_value(y_high)} (up); hover for the value at a point")
        if self.zoom.dead:
            lines.append(self.zoom.dead)
        elif self.zoom.off:
            lines.append("switched off in the diagram: its output is held at 0")
        return "<br>".join(lines)
