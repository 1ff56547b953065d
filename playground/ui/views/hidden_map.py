"""Map of a hidden layer: up to 2,000 test images placed by a chosen layer's activations,
projected onto their two main directions (PCA: core/inspection/hidden_map.py), coloured by true
class; hovering a point shows its image. Drawn on demand (the *Draw map* button): PCA of conv
maps takes seconds, so it runs in a thread of its own and the window stays responsive.
Nothing here calls TensorFlow."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.core.inspection.hidden_map import (MAX_IMAGES, activations_at, layer_choices,
                                                   pca_2d)
from playground.ui.views.background import InThread
from playground.ui.widgets.probabilities import image_pixmap

def placement(weights, steps, x, layer: int):
    """(coordinates, variance shares) of `x` by `layer`'s outputs: the costly part."""
    return pca_2d(activations_at(weights, steps, x, layer))


COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf"]


class HiddenMapView(QWidget):
    title = "Layer map"
    area = "bottom"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("hidden_map_view")
        self.layer = QComboBox(objectName="hidden_map_layer")
        self.layer.setToolTip("The layer whose activations place the images")
        self.draw_button = QPushButton("Draw map", objectName="hidden_map_draw")
        self.draw_button.clicked.connect(self.draw)
        self.draw_button.setToolTip("Place up to 2,000 test images by the chosen layer's outputs "
                                    "(PCA onto their two main directions), coloured by class")
        self.info = QLabel(objectName="hidden_map_info", wordWrap=True)
        self.hovered = QLabel(objectName="hidden_map_hovered")
        self.hovered.setFixedSize(84, 84)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setLabel("bottom", "1st principal component")
        self.plot.setLabel("left", "2nd principal component")
        self.scatter = pg.ScatterPlotItem(size=5, hoverable=True)
        self.scatter.sigHovered.connect(self._on_hover)
        self.plot.addItem(self.scatter)
        self.rows: np.ndarray | None = None
        #: (weights, steps, x, layer) -> (coords, shares), run off the GUI thread.
        self.placement = placement
        self._placing: tuple | None = None  # (InThread, rows, labels)
        self._poll = QTimer(self, interval=100, timeout=self._check)
        top = QHBoxLayout()
        top.addWidget(QLabel("Layer:"))
        top.addWidget(self.layer, 1)
        top.addWidget(self.draw_button)
        side = QVBoxLayout()
        side.addWidget(self.hovered)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.plot, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addLayout(body, 1)
        session.run_started.connect(self.start)
        self.start()

    def start(self) -> None:
        self._placing = None  # a thread still at work is left to finish unread
        self._poll.stop()
        self.scatter.clear()
        self.layer.clear()
        dataset = self.session.dataset
        usable = dataset is not None and dataset.is_images and self.session.experiment is not None
        for index, label in layer_choices(self.session.activations) if usable else []:
            self.layer.addItem(label, index)
        self.draw_button.setEnabled(self.layer.count() > 0)
        self.info.setText("Pick a layer and click Draw map: each dot is a test image, placed by "
                          "what that layer outputs for it, coloured by its true class. Classes "
                          "in separate islands are ones the layer already tells apart."
                          if self.layer.count() else
                          "Train a network with hidden layers on MNIST or Fashion-MNIST to map "
                          "where its layers put the test images.")

    def draw(self) -> None:
        dataset, weights = self.session.dataset, self.session.history.latest_weights
        if dataset is None or not weights or self.layer.count() == 0:
            return
        x = dataset.x_test[:MAX_IMAGES]
        labels = np.asarray(dataset.labels_test[:MAX_IMAGES])
        steps, layer = list(self.session.activations), self.layer.currentData()
        job = InThread(lambda: self.placement(weights, steps, x, layer))
        self._placing = (job, x, labels)
        self.draw_button.setEnabled(False)
        self.info.setText(f"Placing {len(x):,} test images by this layer's outputs…")
        self._poll.start()

    def _check(self) -> None:
        if self._placing is None or not self._placing[0].done.is_set():
            return
        (job, x, labels), self._placing = self._placing, None
        self._poll.stop()
        self.draw_button.setEnabled(self.layer.count() > 0)
        if job.error:
            self.info.setText(f"Could not map this layer: {job.error}")
            return
        coords, (first, second) = job.result
        dataset = self.session.dataset
        self.rows = x
        brushes = [pg.mkBrush(COLOURS[int(label) % len(COLOURS)]) for label in labels]
        self.scatter.setData(x=coords[:, 0], y=coords[:, 1], brush=brushes, pen=None,
                             data=np.arange(len(x)))
        names = dataset.class_names
        legend = ", ".join(f"<span style='color:{COLOURS[i % len(COLOURS)]}'>{name}</span>"
                           for i, name in enumerate(names))
        self.info.setText(f"{len(x):,} test images; the two directions hold {first:.0%} and "
                          f"{second:.0%} of the spread of this layer's outputs. {legend}")

    def _on_hover(self, _item, points, _event) -> None:
        if self.rows is None or not len(points):
            return
        row = self.rows[int(points[0].data())]
        pixels = np.clip(row * (255 if row.max() <= 1 else 1), 0, 255).astype(np.uint8)
        self.hovered.setPixmap(image_pixmap(pixels.reshape(28, 28), scale=3))
