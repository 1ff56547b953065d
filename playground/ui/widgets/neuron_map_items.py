"""Neuron maps in the network diagram: each neuron's output over the input plane as a small
heatmap at the neuron (TensorFlow Playground's view), enlarged with its numbers on hover;
a switched-off neuron's map is drawn faded, a dead ReLU unit's half faded (and crossed out by
the diagram).

Colours: blue > 0, red < 0, white at 0 (the output neuron: white at the class threshold, so
its map is the decision boundary), one scale per layer so its neurons compare.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsRectItem, QGraphicsSimpleTextItem

from playground.core.data.features import plane_expander
from playground.core.inspection import weights as W
from playground.core.inspection.metrics import evaluate, metric_names
from playground.core.inspection.neuron_maps import maps_over, plane_rows, value_range
from playground.core.inspection.planes import plane_range
from playground.ui.widgets.weight_table import NEGATIVE, POSITIVE

#: The enlarged map's side, in scene units (a neuron's map is the neuron's diameter).
ZOOM_SIDE = 110


def _lut() -> np.ndarray:
    """256 colours red -> white -> blue as 0xAARRGGBB."""
    t = np.linspace(-1.0, 1.0, 256)[:, None]
    white = np.array([255.0, 255.0, 255.0])
    pos = np.array(POSITIVE.getRgb()[:3], float)
    neg = np.array(NEGATIVE.getRgb()[:3], float)
    rgb = np.where(t >= 0, white + t * (pos - white), white - t * (neg - white))
    rgb = rgb.round().astype(np.uint32)
    return (0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]).astype(np.uint32)


LUT = _lut()


def map_images(grids: np.ndarray, scale: float) -> list[QImage]:
    """Maps (n, r, r) indexed [unit, ix, iy] as pictures: x to the right, y upwards; ±scale at
    full colour. One colour lookup for them all (a redraw makes one per neuron)."""
    scale = scale if scale > 0 and np.isfinite(scale) else 1.0
    grids = np.asarray(grids)
    index = np.clip((np.nan_to_num(grids) / scale + 1.0) * 127.5, 0, 255).astype(np.uint8)
    pixels = np.ascontiguousarray(LUT[index.transpose(0, 2, 1)[:, ::-1]])
    images = []
    for picture in pixels:
        height, width = picture.shape
        image = QImage(picture.data, width, height, 4 * width, QImage.Format_RGB32)
        images.append(image.copy())  # copy: the array's buffer goes away
    return images


def map_image(grid: np.ndarray, scale: float) -> QImage:
    return map_images(np.asarray(grid)[None], scale)[0]


def map_centre(session, maps) -> float:
    """The value drawn white in the output layer's maps: the class threshold for one sigmoid
    or tanh output (so its map is the decision boundary), else 0."""
    dataset = session.dataset
    one_output = bool(maps) and np.shape(maps[-1])[0] == 1
    return session.threshold if one_output and not dataset.is_regression else 0.0


class NeuronMaps:
    """The maps drawn over a `NetworkDiagram`'s neurons (hidden layers and the output)."""

    def __init__(self, diagram):
        self.diagram = diagram
        self.items: dict[tuple[int, int], QGraphicsPixmapItem] = {}  # (dense layer, unit)
        self.grids: dict[tuple[int, int], np.ndarray] = {}
        self.scales: list[float] = []
        self.off: frozenset = frozenset()
        self.zoom: QGraphicsPixmapItem | None = None
        self.zoom_text: QGraphicsSimpleTextItem | None = None

    def clear(self) -> None:
        """The scene was cleared (its items are gone with it)."""
        self.items, self.grids, self.zoom, self.zoom_text = {}, {}, None, None

    def draw(self, maps: list[np.ndarray], off=frozenset(), centre: float = 0.0) -> None:
        """`maps`: per Dense layer (units, r, r); the output layer's is drawn about `centre`
        (the class threshold). Neurons in `off` ((hidden layer, unit)) are drawn faded."""
        diagram = self.diagram
        self.scales, self.off = [], frozenset(off)
        for k, layer_maps in enumerate(maps):
            if k + 1 >= len(diagram.neurons):
                break
            shift = centre if k == len(maps) - 1 else 0.0
            values = np.asarray(layer_maps) - shift
            scale = float(np.max(np.abs(values))) if values.size else 1.0
            self.scales.append(scale)
            shown = diagram.shown[k + 1]
            images = map_images(values[shown], scale)
            for item, j, image in zip(diagram.neurons[k + 1], shown, images):
                pixmap_item = self.items.get((k, j))
                if pixmap_item is None:
                    pixmap_item = self._new_item(item)
                    pixmap_item.setScale(2 * diagram.RADIUS / max(values.shape[1], 1))
                    self.items[(k, j)] = pixmap_item
                pixmap_item.setPixmap(QPixmap.fromImage(image))
                self.grids[(k, j)] = layer_maps[j]
                item.switched_off = (k, j) in off
        self.restyle()

    def restyle(self) -> None:
        """Fade the maps of switched-off neurons, and half fade those of dead units."""
        for key, pixmap_item in self.items.items():
            pixmap_item.setOpacity(0.25 if key in self.off else
                                   0.5 if key in self.diagram.dead else 1.0)

    def _new_item(self, neuron) -> QGraphicsPixmapItem:
        rect = neuron.rect()
        pixmap_item = QGraphicsPixmapItem(neuron)  # a child: it moves and hovers with it
        pixmap_item.setPos(rect.left(), rect.top())
        pixmap_item.setTransformationMode(Qt.FastTransformation)
        pixmap_item.setAcceptHoverEvents(False)
        for child in neuron.childItems():  # the neuron's short name gives way to its map
            if isinstance(child, QGraphicsSimpleTextItem):
                child.hide()
        return pixmap_item

    def numbers(self, layer: int, unit: int) -> str:
        """'' without a map; else its min, mean and max (worked out on hover only)."""
        if (layer, unit) not in self.grids:
            return ""
        low, mean, high = value_range(self.grids[(layer, unit)])
        return (f"output over the plane: min {W.format_value(low)}, mean "
                f"{W.format_value(mean)}, max {W.format_value(high)}")

    def show_zoom(self, neuron, layer: int, unit: int) -> None:
        """Enlarge (layer, unit)'s map beside its neuron, its numbers under it."""
        pixmap_item = self.items.get((layer, unit))
        if pixmap_item is None:
            return
        scene = self.diagram.scene()
        if self.zoom is None:
            self.zoom = scene.addPixmap(QPixmap())
            self.zoom.setZValue(10)
            frame = QGraphicsRectItem(QRectF(0, 0, 1, 1), self.zoom)
            frame.setPen(QPen(QColor("#444444"), 0))
            self.zoom.frame = frame
            self.zoom_text = scene.addSimpleText("")
            self.zoom_text.setZValue(10)
        pixmap = pixmap_item.pixmap()
        self.zoom.setPixmap(pixmap)
        self.zoom.setScale(ZOOM_SIDE / max(pixmap.width(), 1))
        self.zoom.frame.setRect(QRectF(0, 0, pixmap.width(), pixmap.height()))
        rect = neuron.sceneBoundingRect()
        # Beside the neuron, on the side with room (the output layer is the rightmost).
        left = rect.right() + 6 if layer < len(self.scales) - 1 else rect.left() - 6 - ZOOM_SIDE
        self.zoom.setPos(left, rect.center().y() - ZOOM_SIDE / 2)
        low, mean, high = value_range(self.grids[(layer, unit)])
        self.zoom_text.setText(f"min {W.format_value(low)}\nmean {W.format_value(mean)}\n"
                               f"max {W.format_value(high)}")
        self.zoom_text.setPos(left, rect.center().y() + ZOOM_SIDE / 2 + 2)
        self.zoom.show()
        self.zoom_text.show()

    def hide_zoom(self) -> None:
        if self.zoom is not None:
            self.zoom.hide()
            self.zoom_text.hide()


#: Each map's grid: coarse, since it is drawn a neuron wide (enlarged, its cells show).
MAP_RESOLUTION = 24


class PlaneMaps:
    """Every neuron's map for the session's network over its data's plane (the boundary's
    plane: x1, x2, or for more inputs the slice `session.plane_slice` = (axes, held values)
    when the boundary view publishes one, else x1, x2 with the rest at their mean). The grid's
    rows are kept while the plane stays, so a redraw is one small NumPy forward pass."""

    def __init__(self, resolution: int = MAP_RESOLUTION):
        self.resolution = resolution
        self._key, self._rows = None, None
        #: The last maps' plane: the inputs along x and y, and their (low, high) spans.
        self.axes: tuple[int, int] = (0, 1)
        self.ranges: tuple | None = None

    def maps(self, session, weights) -> list[np.ndarray] | None:
        dataset, experiment = session.dataset, session.experiment
        if dataset is None or experiment is None or not dataset.is_plane or dataset.is_images:
            return None
        axes, fixed = getattr(session, "plane_slice", None) or ((0, 1), None)
        if fixed is None or len(fixed) != dataset.n_inputs or max(axes) >= dataset.n_inputs:
            axes = (0, 1)  # no slice chosen for this data (yet)
            rows = np.concatenate([dataset.x_train, dataset.x_val])
            fixed = rows.mean(axis=0) if len(rows) else np.zeros(dataset.n_inputs)
        fixed = np.asarray(fixed, np.float64)
        self.axes = tuple(axes)
        key = (id(dataset), tuple(axes), fixed.tobytes(), experiment.features)
        if key != self._key:
            expand = plane_expander(experiment.features) if tuple(axes) == (0, 1) else None
            n_inputs = 2 if expand is not None else dataset.n_inputs
            self.ranges = (plane_range(dataset, axes[0]), plane_range(dataset, axes[1]))
            self._rows = plane_rows(*self.ranges,
                                    self.resolution, n_inputs, fixed, tuple(axes), expand)
            self._key = key
        if self._rows.shape[1] != np.shape(weights[0])[0]:
            return None  # a network for other inputs (a file being opened)
        return maps_over(self._rows, weights, session.activations, self.resolution)


def switched_off_text(session, weights) -> str:
    """'' with every neuron on; else which are off and the training rows' score without them
    beside the score with every neuron on (the model itself is unchanged)."""
    off = sorted(session.switched_off)
    dataset = session.dataset
    if not off or dataset is None or not len(dataset.x_train):
        return ""
    names = ", ".join(f"neuron {unit + 1} of hidden layer {layer + 1}" for layer, unit in off)
    name = metric_names(dataset.task)[0]
    args = (dataset.x_train, dataset.labels_train, dataset, session.threshold)
    now = evaluate(session.experiment, weights, *args)[name]
    full = evaluate(session.experiment, session.looked_at_weights()[1], *args)[name]
    return (f"Switched off (output held at 0): {names}. Training {name} "
            f"{now:.3f} without it, {full:.3f} with every neuron on. Click it again to "
            "switch it on.")
