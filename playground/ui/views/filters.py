"""Filters: what the first layer looks for, and what each conv layer sees in one picture.

First-layer weights as pictures: an MLP's 784 weights into each first hidden unit drawn as a
28×28 image (the classic "templates"), or a CNN's first kernels; blue for positive weights,
red for negative, white near zero. Feature maps: each conv and pooling layer's output channels
for the chosen test image (or the digit drawn in Draw), computed in NumPy from the latest
weights (core/inspection/feature_maps.py), darker where the channel responds more.
Nothing here calls TensorFlow.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox,
                               QStackedWidget, QVBoxLayout, QWidget)

from playground.core.inspection.feature_maps import feature_maps, first_layer_pictures
from playground.core.inspection.forward import forward
from playground.core.inspection.saliency import gradient, occlusion, smoothgrad
from playground.ui.session import StreamedRedraw
from playground.ui.views.background import InThread
from playground.ui.views.filter_sheet import FilterSheet
from playground.ui.widgets.note import placeholder_note
from playground.ui.widgets.shown_view import ShownView

#: Most pictures drawn per layer (a 512-unit layer would be a wall of tiles).
MAX_TILES = 64
TILE_PIXELS = 56
#: A conv kernel or channel: about a 26×26 map's own size, so a 32-channel layer is one row.
SMALL_TILE = 28


def signed_pixmap(values: np.ndarray, size: int = TILE_PIXELS, dpr: float = 1.0) -> QPixmap:
    """Weights as colour: blue > 0, red < 0, white at 0, scaled by the largest |w|."""
    values = np.asarray(values, np.float64)
    scale = float(np.max(np.abs(values))) or 1.0
    v = np.clip(values / scale, -1, 1)
    rgb = np.empty((*v.shape, 3), np.uint8)
    rgb[..., 0] = np.where(v < 0, 255, (255 * (1 - v))).astype(np.uint8)
    rgb[..., 1] = (255 * (1 - np.abs(v))).astype(np.uint8)
    rgb[..., 2] = np.where(v > 0, 255, (255 * (1 + v))).astype(np.uint8)
    return _pixmap(np.ascontiguousarray(rgb), QImage.Format_RGB888, size, dpr)


def map_pixmap(values: np.ndarray, size: int = TILE_PIXELS, dpr: float = 1.0) -> QPixmap:
    """An activation map: white at its smallest, black at its largest."""
    values = np.asarray(values, np.float64)
    low, high = float(values.min()), float(values.max())
    grey = 255 - (255 * (values - low) / (high - low) if high > low else 0 * values)
    return _pixmap(np.ascontiguousarray(grey.astype(np.uint8)), QImage.Format_Grayscale8, size,
                   dpr)


def _pixmap(array: np.ndarray, fmt, size: int, dpr: float = 1.0) -> QPixmap:
    """`size` logical pixels drawn in device pixels at `dpr`: square cells stay sharp at 200 %."""
    h, w = array.shape[:2]
    image = QImage(array.data, w, h, array.strides[0], fmt).copy()
    side = max(1, round(size * dpr))
    pixmap = QPixmap.fromImage(image.scaled(side, side, Qt.KeepAspectRatio,
                                            Qt.FastTransformation))
    pixmap.setDevicePixelRatio(dpr)
    return pixmap


class FiltersView(ShownView):
    title = "Filters"
    area = "bottom"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("filters_view")
        #: (what it is for, InThread) of the latest saliency asked for, and the last shown.
        self._saliency_job: tuple | None = None
        self._saliency_shown: tuple[str, list[QPixmap]] | None = None
        self._saliency_poll = QTimer(self, interval=50, timeout=self._saliency_ready)

        self.empty_note = placeholder_note(
            "Pick <b>MNIST digits</b> or Fashion-MNIST and train: this tab shows what the first "
            "layer looks for (each unit's weights as a picture) and, for a convolutional "
            "network, what every conv layer sees in a test image.", "filters_empty_note")
        self.info = QLabel(objectName="filters_info", wordWrap=True)
        self.image = QSpinBox(objectName="filters_image")
        self.image.setPrefix("Test image #")
        self.image.setToolTip("The test image whose feature maps are shown (0 = the first)")
        self.image.valueChanged.connect(lambda _: self.refresh())
        self.source = QComboBox(objectName="filters_source")
        self.source.addItem("Test image", "test")
        self.source.addItem("The drawn digit", "drawn")
        self.source.setToolTip("Show the feature maps and saliency of a test image, or of the "
                               "digit you drew in the Draw tab")
        self.source.currentIndexChanged.connect(lambda _: self.refresh())
        self.saliency = QCheckBox("Saliency", objectName="filters_saliency")
        self.saliency.setToolTip(
            "What the network looks at in this image, for the class it predicts: the gradient "
            "of that class's output with respect to each pixel (darker: a small change there "
            "moves the answer most), SmoothGrad (the same averaged over 25 noisy copies: less "
            "speckle) and occlusion (blue where greying out a 4×4 square lowers the class's "
            "probability, red where it raises it). Costs a moment per redraw.")
        self.saliency.toggled.connect(lambda _: self.refresh())
        self.sheet = FilterSheet()
        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        top.addWidget(self.source)
        top.addWidget(self.image)
        top.addWidget(self.saliency)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(top)
        inner.addWidget(self.sheet, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_note)
        self.stack.addWidget(content)
        self.content = content
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.stack)
        session.run_started.connect(self._new_model)
        # Feature maps and pictures of a conv network cost tens of ms: at most twice a second
        # while a run streams in (the last state is drawn when it ends).
        self._streamed = StreamedRedraw(session, self.refresh, parent=self, pause=lambda: 0.5)
        session.drawn_digit_changed.connect(self._on_drawn)

    @property
    def tiles(self) -> dict[str, list[QLabel]]:
        """Each section's picture labels by its name, in the order shown."""
        return self.sheet.tiles

    # ----- drawing -----
    def draw(self) -> None:
        dataset, weights = self.session.dataset, self.session.history.latest_weights
        if dataset is None or not dataset.is_images or not weights:
            self.stack.setCurrentWidget(self.empty_note)
            return
        self.stack.setCurrentWidget(self.content)
        self.image.setMaximum(max(len(dataset.x_test) - 1, 0))
        first = first_layer_pictures(weights, dataset.image_shape)
        convolutional = np.ndim(weights[0]) == 4
        small = SMALL_TILE if convolutional else TILE_PIXELS  # an MLP unit is a 28×28 picture
        dpr = self.devicePixelRatioF()
        sections = [("First layer", [signed_pixmap(p, small, dpr) for p in first[:MAX_TILES]])]
        drawn = self.source.currentData() == "drawn"
        self.image.setEnabled(not drawn)
        row = self._chosen_row()
        picture = "Drawn digit" if drawn else "Test image"
        if convolutional and row is not None:
            sections.insert(0, (picture, [map_pixmap(row.reshape(dataset.image_shape), dpr=dpr)]))
            for i, fmap in enumerate(feature_maps(weights, self.session.activations, row), 1):
                channels = np.moveaxis(fmap.values, -1, 0)[:MAX_TILES]
                sections.append((f"{i}: {fmap.step}",
                                 [map_pixmap(c, small, dpr) for c in channels]))
        saliency = self._saliency(weights, dataset, row) \
            if self.saliency.isChecked() and row is not None else None
        if saliency is not None:
            sections.append(saliency)
        self.info.setText(
            f"First layer: {len(first)} {'kernels' if convolutional else 'units'} "
            f"(blue weight > 0, red < 0). "
            + ("Below: what each conv and pooling layer outputs for the chosen "
               f"{'drawn digit' if drawn else 'test image'}, one picture per channel, darker "
               "where it responds more." if convolutional else
               "Each picture is the 784 weights into one first hidden unit, laid out as the "
               "28×28 image they multiply: the pattern the unit responds to.")
            + (" Draw a digit in the Draw tab to see its maps here." if drawn and row is None
               else ""))
        self.sheet.show_sections(sections, side=picture)

    def _on_drawn(self) -> None:
        if self.source.currentData() == "drawn":
            self.refresh()

    def _chosen_row(self) -> np.ndarray | None:
        """The picture whose maps are shown: the chosen test image or the drawn digit (None:
        nothing drawn yet)."""
        if self.source.currentData() == "drawn":
            return self.session.drawn_digit
        x_test = self.session.dataset.x_test
        return x_test[self.image.value()] if len(x_test) else None

    def _saliency(self, weights, dataset, row) -> tuple[str, list[QPixmap]] | None:
        """The saliency section for `row`: worked out in a thread (~0.2 s for mnist_convnet),
        so until it is, the last one shown stays (None: none yet)."""
        drawn = self.source.currentData() == "drawn"
        key = (weights, drawn, self.image.value(), self.session.drawn_digit if drawn else None)
        done = self._saliency_job
        if done is not None and done[1].done.is_set() and _same(done[0], key):
            if done[1].error:
                return (f"Saliency: could not be computed ({done[1].error})", [])
            title, maps = done[1].result
            dpr = self.devicePixelRatioF()
            pictures = [map_pixmap(m, dpr=dpr) for m in maps[:2]] \
                + [signed_pixmap(maps[2], dpr=dpr)]
            self._saliency_shown = (title, pictures)
            return self._saliency_shown
        if done is None or done[1].done.is_set():
            steps, shape, names = self.session.activations, dataset.image_shape, \
                dataset.class_names
            job = InThread(lambda: saliency_maps(weights, steps, row, shape, names))
            self._saliency_job = (key, job)
            self._saliency_poll.start()
        return self._saliency_shown

    def _new_model(self) -> None:
        self._saliency_job = self._saliency_shown = None
        self.refresh()

    def _saliency_ready(self) -> None:
        if self._saliency_job is None or self._saliency_job[1].done.is_set():
            self._saliency_poll.stop()
            self.refresh()


def _same(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(x is y or (not isinstance(x, (list, np.ndarray))
                                               and x == y) for x, y in zip(a, b))


def saliency_maps(weights, steps, row, shape, names) -> tuple[str, list[np.ndarray]]:
    """(title, [|gradient|, |SmoothGrad|, occlusion]) for `row`'s predicted class (NumPy)."""
    row = np.asarray(row, np.float64)
    outputs = forward(weights, steps, row[None])[0]
    unit = int(np.argmax(outputs)) if outputs.size > 1 else 0
    name = names[unit] if unit < len(names) else str(unit)
    maps = [np.abs(gradient(weights, steps, row[None], unit)[0]).reshape(shape),
            np.abs(smoothgrad(weights, steps, row, unit)).reshape(shape),
            occlusion(weights, steps, row, unit, shape)]
    return (f"Saliency for '{name}' (its prediction): gradient · SmoothGrad · occlusion", maps)
