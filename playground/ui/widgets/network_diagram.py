"""The network as a diagram: neurons by layer, edges blue (w > 0) or red (w < 0) and thicker
for larger |w|, neurons tinted by their bias; hovering one names its weight or bias. A dead
ReLU unit is crossed out, its outline grey and dashed, and says why on hover."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsLineItem, QGraphicsPathItem,
                               QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView)

from playground.core.inspection import weights as W
from playground.ui.widgets.neuron_map_items import NeuronMaps
from playground.ui.widgets.weight_table import NEGATIVE, POSITIVE, diverging, scale_of

#: At most this many neurons of a layer are drawn (MNIST has 784 inputs).
MAX_DRAWN_NEURONS = 12
NEURON_PEN = QPen(QColor("#444444"), 1.2)
DEAD_PEN = QPen(QColor("#888888"), 1.6, Qt.DashLine)
#: An edge's thickness and opacity take this many steps from w = 0 to the largest |w|.
EDGE_LEVELS = 40


class EdgeItem(QGraphicsLineItem):
    """A connection; easy to hover even when drawn thin."""

    def __init__(self, x1, y1, x2, y2, on_hover, label=""):
        super().__init__(x1, y1, x2, y2)
        self.setAcceptHoverEvents(True)
        self.on_hover = on_hover
        self.label, self.weight = label, None  # "weight h1 → y", and its value once drawn
        self.style = None  # the pen's (sign, strength level) last set: unchanged, not set again

    @property
    def text(self) -> str:
        """What hovering it says (formatted only then: a redraw sets many edges)."""
        return "" if self.weight is None else f"{self.label}: w = {W.format_value(self.weight)}"

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.moveTo(self.line().p1())
        path.lineTo(self.line().p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(max(self.pen().widthF(), 7.0))
        return stroker.createStroke(path)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.on_hover(self.text)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self.on_hover("")


class NeuronItem(QGraphicsEllipseItem):
    def __init__(self, x, y, radius, on_hover):
        super().__init__(x - radius, y - radius, 2 * radius, 2 * radius)
        self.setAcceptHoverEvents(True)
        self.setZValue(2)
        self.on_hover = on_hover
        self.text = ""
        self.layer = self.unit = -1  # set by the diagram: which neuron this is
        self.on_enter = self.on_click = None  # the diagram's (neuron maps, switching off)
        self.switched_off = False
        self.dead, self.dead_mark = "", None  # why it is dead ("": alive), its cross

    def hoverEnterEvent(self, event) -> None:  # noqa: N802
        self.on_enter(self, True) if self.on_enter else self.on_hover(self.text)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self.on_enter(self, False) if self.on_enter else self.on_hover("")

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if self.on_click and event.button() == Qt.LeftButton:
            self.on_click(self)
        else:
            super().mousePressEvent(event)


class NetworkDiagram(QGraphicsView):
    """Neurons by layer; edges blue (w > 0) or red (w < 0), thicker for larger |w|; hover one
    to read its weight, a neuron to read its bias."""

    hovered = Signal(str)
    #: A hidden neuron was clicked: (hidden layer from 0, unit) — the view switches it.
    neuron_clicked = Signal(int, int)

    SPACING_X = 150
    SPACING_Y = 34
    RADIUS = 12

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.scene().setItemIndexMethod(QGraphicsScene.NoIndex)  # nothing moves: no index kept
        self.setRenderHint(QPainter.Antialiasing)
        self.setBackgroundBrush(QBrush(QColor("white")))
        self.setMinimumWidth(220)
        self.sizes: list[int] = []
        self.neurons: list[list[NeuronItem]] = []  # per layer (inputs first)
        self.shown: list[list[int]] = []            # which neuron indices are drawn
        self.edges: list[dict[tuple[int, int], EdgeItem]] = []  # per Dense layer
        self.maps = NeuronMaps(self)  # each neuron's output over the plane, when given
        self.dead: frozenset = frozenset()  # (hidden layer, unit) of each dead ReLU unit

    def set_structure(self, names: list[list[str]]) -> None:
        scene = self.scene()
        scene.clear()
        self.maps.clear()
        self.dead = frozenset()
        self.sizes = [len(layer) for layer in names]
        self.neurons, self.shown, self.edges = [], [], []
        positions = []
        for k, layer_names in enumerate(names):
            n = len(layer_names)
            shown = list(range(min(n, MAX_DRAWN_NEURONS)))
            rows = len(shown) + (1 if n > len(shown) else 0)
            x = k * self.SPACING_X
            top = -(rows - 1) * self.SPACING_Y / 2
            items, layer_pos = [], []
            for slot, j in enumerate(shown):
                y = top + slot * self.SPACING_Y
                item = NeuronItem(x, y, self.RADIUS, self._hover)
                item.setPen(NEURON_PEN)
                item.setBrush(QBrush(QColor("#eeeeee")))
                item.text = f"input {layer_names[j]}" if k == 0 else layer_names[j]
                item.layer, item.unit = k, j
                if k > 0:
                    item.on_enter = self._enter
                    item.on_click = self._click if k < len(names) - 1 else None
                short = layer_names[j] if len(layer_names[j]) <= 4 else str(j + 1)
                label = QGraphicsSimpleTextItem(short, item)
                font = label.font()
                font.setPointSizeF(7.5)
                label.setFont(font)
                box = label.boundingRect()
                label.setPos(x - box.width() / 2, y - box.height() / 2)
                scene.addItem(item)
                items.append(item)
                layer_pos.append((x, y))
            if n > len(shown):
                more = scene.addSimpleText(f"+{n - len(shown)} more")
                more.setPos(x - 24, top + len(shown) * self.SPACING_Y - 8)
            self.neurons.append(items)
            self.shown.append(shown)
            positions.append(layer_pos)
        for k in range(1, len(names)):
            edges = {}
            for a, (x1, y1) in zip(self.shown[k - 1], positions[k - 1]):
                for b, (x2, y2) in zip(self.shown[k], positions[k]):
                    edge = EdgeItem(x1 + self.RADIUS, y1, x2 - self.RADIUS, y2, self._hover,
                                    f"weight {names[k - 1][a]} → {names[k][b]}")
                    scene.addItem(edge)
                    edges[(a, b)] = edge
            self.edges.append(edges)
        self._names = names
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self._fit()

    def set_weights(self, weights) -> None:
        names = self._names
        kernels = [np.asarray(weights[2 * i]) for i in range(len(self.edges))]
        scale = scale_of(np.concatenate([k.ravel() for k in kernels])) if kernels else 1.0
        for edges, kernel in zip(self.edges, kernels):
            for (a, b), edge in edges.items():
                edge.weight = w = float(kernel[a, b])
                strength = min(abs(w) / scale, 1.0) if np.isfinite(w) else 0.0
                # In steps too fine to see: most edges keep their pen from one redraw to the next.
                style = (w >= 0 if np.isfinite(w) else None, round(strength * EDGE_LEVELS))
                if style == edge.style:
                    continue
                edge.style = style
                strength = style[1] / EDGE_LEVELS
                colour = QColor(POSITIVE if w >= 0 else NEGATIVE) if np.isfinite(w) \
                    else diverging(w, scale)
                colour.setAlphaF(0.35 + 0.65 * strength)
                edge.setPen(QPen(colour, 0.6 + 5.4 * strength))
        biases = [np.asarray(weights[2 * i + 1]) for i in range(len(self.edges))]
        bias_scale = scale_of(np.concatenate([b.ravel() for b in biases])) if biases else 1.0
        for k, bias in enumerate(biases, start=1):
            for item, j in zip(self.neurons[k], self.shown[k]):
                b = float(bias[j])
                item.setBrush(QBrush(diverging(b, bias_scale, 0.7)))
                item.text = f"neuron {names[k][j]}: bias b = {W.format_value(b)}"

    def set_smooth(self, smooth: bool) -> None:
        """Antialiased edges (costly: most of a redraw's painting), or plain while a run
        streams in and the diagram changes several times a second."""
        if (QPainter.Antialiasing in self.renderHints()) != smooth:
            self.setRenderHint(QPainter.Antialiasing, smooth)
            self.viewport().update()

    def set_maps(self, maps, off=frozenset(), centre: float = 0.0) -> None:
        """Draw each neuron's output over the plane at the neuron (see neuron_map_items)."""
        self.maps.draw(maps, off, centre)

    def set_dead(self, dead, why: str = "") -> None:
        """Cross out each dead ReLU unit of `dead` ((hidden layer, unit)); `why` on hover."""
        self.dead = frozenset(dead)
        for k, layer in enumerate(self.neurons[1:-1]):
            for item in layer:
                text = why if (k, item.unit) in self.dead else ""
                if text == item.dead:
                    continue
                item.dead = text
                item.setToolTip(text)
                item.setPen(DEAD_PEN if text else NEURON_PEN)
                if text and item.dead_mark is None:
                    item.dead_mark = _cross(item)
                if item.dead_mark is not None:
                    item.dead_mark.setVisible(bool(text))
        self.maps.restyle()

    def _enter(self, item, entered: bool) -> None:
        if not entered:
            self.maps.hide_zoom()
            return self._hover("")
        self.maps.show_zoom(item, item.layer - 1, item.unit)
        numbers = self.maps.numbers(item.layer - 1, item.unit)
        text = item.text + (f"; {numbers}" if numbers else "")
        text += f"; {item.dead}" if item.dead else ""
        if item.on_click:
            text += ("; switched off: click to switch it on" if item.switched_off
                     else "; click to switch it off")
        self._hover(text)

    def _click(self, item) -> None:
        self.neuron_clicked.emit(item.layer - 1, item.unit)

    def _hover(self, text: str) -> None:
        self.hovered.emit(text)

    def _fit(self) -> None:
        if self.scene().items():
            self.fitInView(self.scene().sceneRect(), Qt.KeepAspectRatio)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit()


def _cross(neuron: NeuronItem) -> QGraphicsPathItem:
    """An X over `neuron`, above its map (a child: it moves with it)."""
    rect = neuron.rect().adjusted(3, 3, -3, -3)
    path = QPainterPath(rect.topLeft())
    path.lineTo(rect.bottomRight())
    path.moveTo(rect.bottomLeft())
    path.lineTo(rect.topRight())
    mark = QGraphicsPathItem(path, neuron)
    mark.setPen(QPen(QColor("#222222"), 2.4, Qt.SolidLine, Qt.RoundCap))
    mark.setZValue(1)
    mark.setAcceptHoverEvents(False)
    return mark
