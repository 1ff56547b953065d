"""A regression's fit, where the decision boundary would be: for one input, the data as points
and the network's curve drawn over twice the data's span, so extrapolation shows (a tanh
network flattens out past the data, a ReLU one goes straight); for two inputs, a heatmap of the
predicted value with the points coloured by their target on the same scale.

Training rows are filled, test rows hollow (hidden with *Test points*). Like the boundary, the
curve is one NumPy forward pass over the latest weight snapshot, never a TensorFlow call.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QWidget

from playground.core.inspection.forward import decision_grid, forward
from playground.core.inspection.planes import plane_range

#: Points along the fitted curve.
CURVE_POINTS = 400
#: The curve spans this many times the data's span, centred on it.
EXTRAPOLATE = 2.0
HEATMAP_RESOLUTION = 100
TRAIN_COLOUR, TEST_COLOUR, CURVE_COLOUR = "#1f77b4", "#ff7f0e", "#d62728"
VALUE_MAP = pg.ColorMap([0.0, 0.5, 1.0], ["#5a8fd0", "#f7f7f7", "#f0a050"])


class RegressionPlot(pg.PlotWidget):
    """The fitted curve (one input) or predicted-value heatmap (two) of the session's model."""

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("regression_plot")
        self.setBackground("w")
        self.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.data_span = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(0, 0, 0, 12),
                                             pen=pg.mkPen(None))
        self.curve = pg.PlotDataItem(pen=pg.mkPen(CURVE_COLOUR, width=2.5))
        self.train_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("k", width=0.5))
        self.test_points = pg.ScatterPlotItem(size=7, brush=None)
        for item in (self.image, self.data_span, self.curve, self.train_points,
                     self.test_points):
            self.addItem(item)
        self.curve_x = self.curve_y = self.grid = None  # the last drawn (for tests)
        self.levels = (0.0, 1.0)
        self.show_test = True

    @property
    def one_input(self) -> bool:
        return self.session.dataset.n_inputs == 1

    def start(self) -> None:
        """A new dataset: place the points (they change only with the data)."""
        dataset = self.session.dataset
        x_train = np.concatenate([dataset.x_train, dataset.x_val])
        y_train = np.concatenate([dataset.labels_train, dataset.labels_val])
        self.curve_x = self.curve_y = self.grid = None
        self.curve.setData([], [])
        self.image.clear()
        targets = np.concatenate([y_train, dataset.labels_test]).astype(np.float64)
        low, high = (float(targets.min()), float(targets.max())) if len(targets) else (0, 1)
        self.levels = (low, high if high > low else low + 1.0)
        if self.one_input:
            low_x, high_x = plane_range(dataset, 0)
            middle, half = (low_x + high_x) / 2, (high_x - low_x) / 2 * EXTRAPOLATE
            self.span = (middle - half, middle + half)
            self.data_span.setRegion((low_x, high_x))
            self.data_span.show()
            self.image.hide()
            self.train_points.setData(x_train[:, 0], y_train, brush=pg.mkBrush(TRAIN_COLOUR))
            self.test_points.setData(dataset.x_test[:, 0], dataset.labels_test,
                                     pen=pg.mkPen(TEST_COLOUR, width=1.5))
            self.setLabel("bottom", dataset.feature_names[0])
            self.setLabel("left", "target · output")
            margin = 0.25 * (self.levels[1] - self.levels[0])
            self.setRange(xRange=self.span, yRange=(self.levels[0] - margin,
                                                     self.levels[1] + margin), padding=0)
        else:
            self.data_span.hide()
            self.image.show()
            brushes = self._value_brushes(y_train)
            self.train_points.setData(x_train[:, 0], x_train[:, 1], brush=brushes)
            self.test_points.setData(dataset.x_test[:, 0], dataset.x_test[:, 1],
                                     pen=[pg.mkPen(b.color(), width=2) for b in
                                          self._value_brushes(dataset.labels_test)])
            self.setLabel("bottom", dataset.feature_names[0])
            self.setLabel("left", dataset.feature_names[1])
            self.setRange(xRange=plane_range(dataset, 0), yRange=plane_range(dataset, 1),
                          padding=0)
        self.test_points.setVisible(self.show_test)

    def set_test_shown(self, shown: bool) -> None:
        self.show_test = shown
        self.test_points.setVisible(shown)

    def refresh(self) -> str:
        """Redraw from the latest weights; returns the heading."""
        s = self.session
        weights = s.history.latest_weights
        if not weights:
            return ""
        if self.one_input:
            self.curve_x = np.linspace(*self.span, CURVE_POINTS)
            self.curve_y = s.dataset.in_data_units(  # a table's target in its units
                forward(weights, s.activations, self.curve_x[:, None]))[:, 0]
            self.curve.setData(self.curve_x, np.nan_to_num(self.curve_y, nan=0.0))
            return (f"Fitted curve, epoch {s.history.last_epoch:,} (shaded: where the "
                    "training data lies)")
        dataset = s.dataset
        x_range, y_range = plane_range(dataset, 0), plane_range(dataset, 1)
        n = HEATMAP_RESOLUTION
        fixed = np.concatenate([dataset.x_train, dataset.x_val]).mean(axis=0)
        self.grid = dataset.in_data_units(decision_grid(weights, s.activations, x_range,
                                                        y_range, n, fixed=fixed,
                                                        axes=(0, 1)))[..., 0]
        self.image.setImage(self.grid, autoLevels=False, levels=self.levels,
                            lut=VALUE_MAP.getLookupTable(nPts=256))
        dx, dy = (x_range[1] - x_range[0]) / (n - 1), (y_range[1] - y_range[0]) / (n - 1)
        self.image.setRect(QRectF(x_range[0] - dx / 2, y_range[0] - dy / 2,
                                  x_range[1] - x_range[0] + dx, y_range[1] - y_range[0] + dy))
        return f"Predicted value over the input plane, epoch {s.history.last_epoch:,}"

    def _value_brushes(self, values) -> list:
        low, high = self.levels
        scaled = (np.asarray(values, np.float64) - low) / (high - low)
        colours = VALUE_MAP.map(np.clip(scaled, 0.0, 1.0), mode="qcolor")
        return [pg.mkBrush(c) for c in colours]
