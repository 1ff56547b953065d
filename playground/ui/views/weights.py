"""Every layer's kernel and bias as numbers and as a heatmap, a network diagram, and editing.

The tables show a layer as `model.get_weights()` holds it: one row per input (x1, x2 or the
previous layer's neurons), one column per neuron, the bias as the last row. They, the heatmaps
and the diagram follow the latest report while training runs. Typing a number into a cell, or
pasting a block (Ctrl+V), builds a new weights list and hands it to the session
(`Session.set_weights`), which gives it to the real model; the fresh report that follows
redraws everything.
Nothing here calls TensorFlow.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QScrollArea, QSplitter,
                               QVBoxLayout, QWidget)

from playground.core.inspection import weights as W
from playground.core.inspection.feature_maps import dense_only_note
from playground.ui.session import StreamedRedraw
from playground.ui.widgets.network_diagram import NetworkDiagram
from playground.ui.widgets.neuron_map_items import PlaneMaps, map_centre, switched_off_text
from playground.ui.widgets.note import set_tone
from playground.ui.widgets.shown_view import ShownView
from playground.ui.widgets.weight_table import LayerPanel

#: Redraw the tables at most this often (they are the costly part with big layers).
MIN_REDRAW_SECONDS = 0.1
HOVER_HINT = ("Hover a heatmap cell or an edge of the diagram for its weight, a neuron for its "
              "bias. Edges: blue w > 0, red w < 0, thicker for larger |w|.")
DEAD_TIP = ("A ReLU unit is dead when its output is 0 on every training row: ReLU's slope is 0 "
            "there, so no gradient reaches its weights and it no longer learns. A smaller "
            "learning rate or He initial weights make it rarer.")


class WeightsView(ShownView):
    title = "Weights"
    area = "bottom"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("weights_view")
        self.panels: list[LayerPanel] = []
        self._structure: tuple | None = None  # what the panels and diagram were built for
        self._shown_weights = None
        self._trained: tuple | None = None  # the weights before the first edit since training
        self._pending: list | None = None   # weights asked for, not yet reported back
        self._model_weights = None  # the model's weights last seen (not the ones shown)

        self.info = QLabel()
        self.info.setObjectName("weights_info")
        self.info.setWordWrap(True)
        self.trained_button = QPushButton("Back to trained weights")
        self.trained_button.setToolTip("The weights as training left them, before your edits")
        self.trained_button.clicked.connect(self.back_to_trained)
        self.random_button = QPushButton("Re-initialise")
        self.random_button.setToolTip("New random weights, drawn as Keras does for a new "
                                      "model (Glorot uniform, biases 0); the epoch count stays")
        self.random_button.clicked.connect(self.reinitialise)
        self.hand_button = QPushButton("Set w = 1, b = −t (seed 002)")
        self.hand_button.setToolTip("Seed 002's neuron built by hand: every weight 1 and bias "
                                    "−threshold, so the output is positive exactly when the "
                                    "inputs sum above the threshold")
        self.hand_button.clicked.connect(self.set_by_hand)
        self.message = QLabel()
        self.message.setObjectName("weights_message")
        set_tone(self.message, "error")  # readable light and dark
        self.message.setWordWrap(True)
        self.message.hide()

        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        for button in (self.hand_button, self.trained_button, self.random_button):
            top.addWidget(button)

        self.panel_box = QWidget()
        self.panel_layout = QHBoxLayout(self.panel_box)
        self.panel_layout.setContentsMargins(4, 4, 4, 4)
        self.panel_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(self.panel_box)
        scroll.setWidgetResizable(True)

        self.diagram = NetworkDiagram()
        self.diagram.setObjectName("network_diagram")
        self.hover_label = QLabel(HOVER_HINT)
        self.hover_label.setObjectName("diagram_hover")
        self.hover_label.setWordWrap(True)
        self.diagram.hovered.connect(self._show_hover)
        self.diagram.neuron_clicked.connect(session.switch_neuron)  # views follow at once
        self.plane_maps = PlaneMaps()
        self.switch_label = QLabel()  # which neurons are off, and the accuracy without them
        self.switch_label.setObjectName("switched_off")
        self.switch_label.setWordWrap(True)
        self.switch_label.hide()
        self.dead_label = QLabel()  # "2 of 8 ReLU units dead", beside the crosses in the diagram
        self.dead_label.setObjectName("dead_units")
        self.dead_label.setWordWrap(True)
        self.dead_label.hide()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.diagram, 1)
        right_layout.addWidget(self.dead_label)
        right_layout.addWidget(self.switch_label)

        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([620, 360])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.hover_label)

        session.run_started.connect(self.new_model)
        self._streamed = StreamedRedraw(session, self.refresh, parent=self,
                                        pause=lambda: MIN_REDRAW_SECONDS)
        session.looked_at_changed.connect(self.refresh)  # Outputs' epoch slider
        session.threshold_changed.connect(self._redraw)  # the output's map: white at it
        session.plane_slice_changed.connect(self._redraw)  # the maps show the boundary's plane
        self._update_buttons()

    # ----- following the run -----
    def new_model(self) -> None:
        """A new model: its edits start afresh. The tables and the diagram stay while the
        network's shape does (rebuilding them when a run starts stalled the window)."""
        self._shown_weights = None
        self._trained = None
        self._pending = None
        self._model_weights = None
        self._set_message("")
        self.info.setText("")
        self._update_buttons()

    def clear(self) -> None:
        """No tables, no diagram (a network this tab cannot show)."""
        self.new_model()
        self._structure = None
        for panel in self.panels:
            panel.setParent(None)
            panel.deleteLater()
        self.panels = []
        self.diagram.set_structure([])
        self.dead_label.hide()

    def draw(self) -> None:
        epoch, weights = self.session.shown_weights()  # the epoch being looked at
        if not weights:
            return
        note = dense_only_note(weights, "The weights tab")
        if note:  # conv kernels are not tables: say so rather than draw nonsense
            self.clear()
            self.info.setText(note)
            return
        self._track_edits(self.session.history.latest_weights)
        if self._structure_of(weights) != self._structure:
            self._build(weights)
        self.diagram.set_smooth(not self.session.streaming)
        if weights is not self._shown_weights:
            for panel in self.panels:
                panel.set_table(W.layer_table(weights, panel.layer))
            self.diagram.set_weights(weights)
            self._mark_dead()
            self._draw_maps(weights)
            self._shown_weights = weights
        history = self.session.history
        when = f"Epoch {epoch:,}" if epoch == history.last_epoch else (
            f"Epoch {epoch:,}, as Outputs' epoch slider shows (the model is at epoch "
            f"{history.last_epoch:,}; an edit starts from its weights)")
        self.info.setText(f"{when}. Double-click a number to change it, "
                          "or paste a matrix at the selected cell (Ctrl+V); the model takes it "
                          "at once. Rows: inputs, then the bias; columns: neurons. "
                          "Blue > 0, red < 0.")
        self._update_buttons()

    def _redraw(self, *_) -> None:
        """The maps again with the same weights: now, or everything when the tab is shown."""
        if self._shown_weights is None:
            return
        if self.isVisible():
            self._draw_maps(self._shown_weights)
        else:
            self._shown_weights, self._stale = None, True

    def _build(self, weights) -> None:
        for panel in self.panels:
            panel.setParent(None)
            panel.deleteLater()
        dataset = self.session.dataset
        features = dataset.feature_names if dataset is not None else ()
        sizes = W.layer_sizes(weights)
        n_inputs = int(np.shape(weights[0])[0])
        if len(features) != n_inputs:
            features = tuple(f"x{i}" for i in range(1, n_inputs + 1))
        names = W.unit_names(sizes, features)
        activations = self.session.activations
        self.panels = []
        for layer in range(W.layer_count(weights)):
            kind = "Output layer" if layer == len(sizes) - 1 else f"Hidden layer {layer + 1}"
            activation = activations[layer] if layer < len(activations) else ""
            inputs, units = np.shape(weights[2 * layer])
            title = f"<b>{kind}</b> · {activation} · W {inputs}×{units} + b"
            panel = LayerPanel(layer, title, names[layer], names[layer + 1], self._show_hover)
            panel.model.edited.connect(
                lambda row, column, value, layer=layer: self.edit_cell(layer, row, column, value))
            panel.model.rejected.connect(self._set_message)
            panel.table.pasted.connect(
                lambda row, column, text, layer=layer: self.paste(layer, row, column, text))
            self.panel_layout.insertWidget(self.panel_layout.count() - 1, panel)
            self.panels.append(panel)
        self.diagram.set_structure(names)
        self._structure = self._structure_of(weights)
        self._shown_weights = None

    def _structure_of(self, weights) -> tuple:
        dataset = self.session.dataset
        return (tuple(np.shape(w) for w in weights), tuple(self.session.activations),
                dataset.feature_names if dataset is not None else (),
                dataset is not None and dataset.is_plane)

    def _draw_maps(self, weights) -> None:
        """Each neuron's output over the plane at the neuron; the accuracy with some off."""
        s = self.session
        maps = self.plane_maps.maps(s, weights)
        if maps is not None:  # the output neuron's map is the boundary: white at the threshold
            self.diagram.set_maps(maps, s.switched_off, map_centre(s, maps))
        text = switched_off_text(s, weights)
        self.switch_label.setText(text)
        self.switch_label.setVisible(bool(text))

    def _mark_dead(self) -> None:
        """Cross out the dead ReLU units in the diagram and count them under it."""
        dead = self.session.dead_units()
        summary = dead.summary() if dead is not None else ""
        self.diagram.set_dead(dead.units if summary else (), dead.why() if summary else "")
        if summary:
            self.dead_label.setText(
                f"<b>{summary}</b>" + (f" (crossed out): 0 on every one of {dead.where}"
                                        if dead.count else ""))  # why: on hover
            self.dead_label.setToolTip(DEAD_TIP)
        self.dead_label.setVisible(bool(summary))

    def _track_edits(self, weights) -> None:
        """Keep the trained weights while edits land; forget them once training moves on.
        Compared with the model's weights last seen, never the shown ones: those are a copy
        with a neuron switched off, or another epoch's, and differ without any change."""
        if weights is self._model_weights:
            return
        seen, self._model_weights = self._model_weights, weights
        if self._pending is not None and _equal(weights, self._pending):
            self._pending = None  # our edit, reported back
            return
        if seen is not None:
            self._pending = None
            self._trained = None  # training (or a reset) changed the weights

    # ----- editing -----
    def edit_cell(self, layer: int, row: int, column: int, value: float) -> str:
        new, message = W.with_value(self.session.history.latest_weights, layer, row, column,
                                    value)
        return self.request(new) if new is not None else self._set_message(message)

    def paste(self, layer: int, row: int, column: int, text: str) -> str:
        block, message = W.parse_block(text)
        if message:
            return self._set_message(f"Paste: {message}; nothing changed.")
        new, message = W.with_block(self.session.history.latest_weights, layer, row, column,
                                    block)
        if new is None:
            return self._set_message(f"Paste: {message}; nothing changed.")
        return self.request(new)

    def back_to_trained(self) -> str:
        if self._trained is None:
            return ""
        return self.request([np.array(w) for w in self._trained], keep_trained=False)

    def reinitialise(self) -> str:
        weights = self.session.history.latest_weights
        if not weights:
            return ""
        return self.request(W.glorot_uniform(weights))

    def set_by_hand(self) -> str:
        experiment = self.session.experiment
        if experiment is None or not self._single_neuron():
            return ""
        return self.request(W.hand_set_neuron(experiment.inputs, experiment.threshold))

    def request(self, weights: list, keep_trained: bool = True) -> str:
        """Ask the session to give `weights` to the model; "" or why it refused."""
        current = self.session.history.latest_weights
        message = W.same_shapes(current, weights)
        if not message:
            message = self.session.set_weights(list(weights))
        if message:
            self._shown_weights = None  # redraw: any typed value goes back to the model's
            self.refresh()
            return self._set_message(message)
        self._set_message("")
        if keep_trained and self._trained is None:
            self._trained = current
        elif not keep_trained:
            self._trained = None
        self._pending = [np.asarray(w, np.float32) for w in weights]
        self._update_buttons()
        return ""

    # ----- helpers -----
    def _single_neuron(self) -> bool:
        weights = self.session.history.latest_weights
        experiment = self.session.experiment
        return (experiment is not None and experiment.dataset == "sum-threshold"
                and len(weights) == 2 and np.shape(weights[0])[1] == 1)

    def _update_buttons(self) -> None:
        has_model = bool(self.session.history.latest_weights)
        self.trained_button.setEnabled(self._trained is not None)
        self.random_button.setEnabled(has_model)
        self.hand_button.setVisible(has_model and self._single_neuron())

    def _set_message(self, text: str) -> str:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        return text

    def _show_hover(self, text: str) -> None:
        self.hover_label.setText(text or HOVER_HINT)


def _equal(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(np.asarray(x, np.float32), y)
                                    for x, y in zip(a, b))
