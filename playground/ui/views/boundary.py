"""The decision boundary: the network's output over the plane of two inputs, the threshold contour,
and the training rows on top (seed 000: one neuron draws a straight line, and no line splits XOR).

It draws classes over data whose inputs form a plane (`Dataset.is_plane`; with more than two
inputs, a slice). Two classes: the output's value, blue to orange, cut at the threshold. More
classes (a softmax): the predicted class at each point in its colour, paler where the network
is unsure, with the borders between classes. Training rows are filled marks, test rows hollow
(*Test points* hides them). A regression shows its fit instead (`regression.RegressionPlot`:
a curve for one input, a heatmap for two); images get a note.

The grid is one vectorised NumPy forward pass over the latest weight snapshot
(`core.forward.decision_grid`), never a TensorFlow call. Redraws follow `history_changed` (at
most ~30 a second) and are skipped while the view is hidden; a redraw waits at least three
times as long as the last one took, so a large network never starves training of the GIL.
The grid's colours are `boundary_painting`; the held inputs' spin boxes `held_inputs`.
"""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QStackedWidget,
                               QVBoxLayout, QWidget)

from playground.core.data.features import plane_expander
from playground.core.inspection.forward import decision_grid, forward
from playground.core.inspection.planes import plane_range, threshold_segments
from playground.core.inspection.metrics import class_label, is_multiclass, predicted_classes
from playground.ui.session import StreamedRedraw
from playground.ui.widgets.note import placeholder_note
from playground.ui.views.boundary_painting import (class_borders, class_image, colour_map,
                                                   output_levels)
from playground.ui.views.held_inputs import HeldInputs
from playground.ui.views.output_rows import class_colours
from playground.ui.views.points_editor import PointsEditor
from playground.ui.views.regression import RegressionPlot

#: Multiply-adds one redraw may cost; bigger networks get a coarser grid (~5 ms in NumPy).
GRID_BUDGET = 1.5e7
MIN_RESOLUTION = 24
WRONG_PEN = pg.mkPen("#d00000", width=2.5)

#: Pixels above the plot: the colour bar's top tick label is centred on the bar's end.
COLOUR_BAR_ROOM = 8
#: While training, the boundary redraws at most this often.
STREAMING_SECONDS = 0.1


class DecisionBoundaryView(QWidget):
    title = "Decision boundary"
    area = "top"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("boundary_view")
        self.axes = (0, 1)
        self.fixed: np.ndarray | None = None
        self.xs = self.ys = self.grid = None     # the last grid drawn (for tests)
        self.resolution_used = 0
        self.last_draw_seconds = 0.0
        self._last_draw_at = 0.0
        self._stale = False
        self._bar_state = None
        self._timer = QTimer(self, singleShot=True, timeout=self.refresh)
        self._build()
        session.run_started.connect(self.start)
        # While a run streams in, at most ~10 times a second (or once its cost is paid back
        # three times over, for a fine grid).
        self._streamed = StreamedRedraw(
            session, self.refresh, parent=self,
            pause=lambda: max(3 * self.last_draw_seconds, STREAMING_SECONDS))
        session.threshold_changed.connect(lambda _value: self.schedule())
        session.looked_at_changed.connect(self.schedule)  # Outputs' epoch slider

    def _build(self) -> None:
        self.x_axis, self.y_axis = QComboBox(), QComboBox()
        self.x_axis.setToolTip("The input along the horizontal axis")
        self.y_axis.setToolTip("The input along the vertical axis")
        for combo in (self.x_axis, self.y_axis):
            combo.currentIndexChanged.connect(self._axes_changed)
        self.discretize = QCheckBox("Discretize")
        self.discretize.setToolTip("Colour only the two classes instead of the output value")
        self.discretize.toggled.connect(self.refresh)
        self.resolution = QComboBox()
        for n in (50, 100, 200):
            self.resolution.addItem(f"{n}×{n}", n)
        self.resolution.setCurrentIndex(1)
        self.resolution.setToolTip("How many points of the plane the network is evaluated at")
        self.resolution.currentIndexChanged.connect(self.refresh)
        self.show_test = QCheckBox("Test points")
        self.show_test.setObjectName("show_test_points")
        self.show_test.setChecked(True)
        self.show_test.setToolTip("Show the held-out test rows (hollow marks) beside the "
                                  "training rows (filled)")
        self.show_test.toggled.connect(self._test_shown)
        self.axis_row = QWidget()
        axes = QHBoxLayout(self.axis_row)
        axes.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("x"), self.x_axis, QLabel("y"), self.y_axis):
            axes.addWidget(widget)
        self.key = QLabel()  # what the marks mean (a legend inside the plot would hide data)
        self.key.setObjectName("boundary_key")
        self.key.setWordWrap(True)  # wraps rather than squeezing the curves beside the view
        self.key.setAlignment(Qt.AlignCenter)
        # The title is a Qt label, not the plot's: a plot title that changes every frame (the
        # epoch) re-lays out the plot, and its axes are then repainted each frame too.
        self.heading = QLabel("Output over the input plane")
        self.heading.setObjectName("boundary_heading")
        bar = QHBoxLayout()
        bar.addWidget(self.heading)
        bar.addWidget(self.axis_row)
        bar.addStretch(1)
        bar.addWidget(self.show_test)
        bar.addWidget(self.discretize)
        bar.addWidget(self.resolution)
        self.held = HeldInputs()  # values for the inputs not shown (more than two inputs)
        self.held.changed.connect(self._held_changed)

        self.plot = pg.PlotWidget()
        self.plot.setObjectName("boundaryPlot")
        self.plot.setBackground("w")
        self.plot.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.plot.addItem(self.image)
        self.contour = pg.PlotDataItem(pen=pg.mkPen("k", width=2), connect="pairs")
        self.plot.addItem(self.contour)
        self.points = pg.ScatterPlotItem(size=12, pen=pg.mkPen("k", width=1))
        self.wrong = pg.ScatterPlotItem(size=21, symbol="o", pen=WRONG_PEN, brush=None)
        self.plot.addItem(self.points)
        self.test_marks = pg.ScatterPlotItem(size=12, brush=None)
        self.plot.addItem(self.test_marks)
        self.plot.addItem(self.wrong)
        self.colour_bar = pg.ColorBarItem(values=(0, 1), width=14, interactive=False,
                                          colorMapMenu=False)
        self.colour_bar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        # Room above the plot for the half of the colour bar's top label ("1.0") above its end.
        self.plot.getPlotItem().layout.setContentsMargins(1, COLOUR_BAR_ROOM, 1, 1)
        self.plot.setToolTip("Colour: the network's output at each point of the plane. Black "
                             "line: where it equals the threshold. Dots: the training rows, "
                             "coloured by their target; a red ring marks a row classified wrong. "
                             "With more than two inputs the plane is a slice at the held values, "
                             "and the dots are every row seen from above.")

        self.editor = PointsEditor(self.session, self.plot)
        self.editor.hide()
        bar.insertWidget(2, self.editor)
        self.note = placeholder_note("", "boundary_note")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.plot)
        self.stack.addWidget(self.note)
        self.fit = RegressionPlot(self.session)
        self.stack.addWidget(self.fit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.held)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.key)

    # ----- a new model -----
    def start(self) -> None:
        s = self.session
        dataset = s.dataset
        reason = self.why_no_boundary()
        self.note.setText(reason)
        self.stack.setCurrentWidget(self.note if reason else self.plot)
        self.show_test.setVisible(dataset is not None and len(dataset.x_test) > 0)
        self.editor.start()
        if self.fitting:
            return self._start_fit()
        # Images have no plane to show at all: the curves beside get the room instead.
        self.setHidden(bool(reason) and dataset.is_images)
        multi = is_multiclass(s.encoding)
        self.colour_bar.setVisible(not multi)  # K classes: a colour each, no scale
        self.discretize.setVisible(not reason)
        self.resolution.setVisible(not reason)
        self.heading.setVisible(not reason)
        n = dataset.n_inputs
        for combo, default in ((self.x_axis, 0), (self.y_axis, 1)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(list(dataset.feature_names))
            combo.setCurrentIndex(min(default, n - 1))
            combo.blockSignals(False)
        self.axis_row.setVisible(not reason and n > 2)
        self.axes = (0, min(1, n - 1))
        self._build_held(dataset)
        colours = class_colours(dataset.n_classes)
        marks = [f'<span style="color:{c}; font-size:14pt">●</span>&nbsp;target '
                 f'{class_label(dataset, s.encoding, i)}' for i, c in enumerate(colours)]
        if len(dataset.x_test):
            marks.append('<span style="font-size:14pt">○</span>&nbsp;test row')  # hollow
        # Short words: at 1366 px the key fits on one line beside the plot (it wrapped).
        marks += ['<span style="color:#d00000; font-size:14pt">○</span>&nbsp;wrong',
                  "<b>—</b>&nbsp;" + ("border between classes" if multi else "threshold")]
        self.key.setText("&nbsp;&nbsp; ".join(marks))
        self.key.setVisible(not reason)
        self.xs = self.ys = self.grid = None
        self._bar_state = None
        self.image.clear()
        self.contour.setData([], [])
        self.points.setData([])
        self.test_marks.setData([])
        self.wrong.setData([])
        if not reason:
            self._place_axes()
        self.refresh()

    @property
    def fitting(self) -> bool:
        """A regression (not images): the view shows the fitted curve or value heatmap."""
        dataset = self.session.dataset
        return dataset is not None and dataset.is_regression and not dataset.is_images

    def _start_fit(self) -> None:
        self.stack.setCurrentWidget(self.fit)
        self.colour_bar.setVisible(False)
        for widget in (self.discretize, self.resolution, self.axis_row, self.held):
            widget.setVisible(False)
        self.heading.setVisible(True)
        self.heading.setText("Fitted curve" if self.fit.one_input else "Predicted value")
        self.grid = None
        self.fit.start()
        self.key.setText(
            '<span style="color:#1f77b4; font-size:14pt">●</span>&nbsp;training rows&nbsp;&nbsp; '
            '<span style="color:#ff7f0e; font-size:14pt">○</span>&nbsp;test rows&nbsp;&nbsp; '
            + ('<span style="color:#d62728"><b>—</b></span>&nbsp;the network\'s output, drawn '
               'past the data' if self.fit.one_input else
               "colour: the value, blue (low) to orange (high); marks coloured by target"))
        self.key.setVisible(True)
        self.refresh()

    def why_no_boundary(self) -> str:
        """"" when a boundary can be drawn, else why not, in words for the user."""
        s = self.session
        dataset = s.dataset
        if dataset is None:
            return "Build a model to see its decision boundary."
        if dataset.is_images:
            shape = "×".join(str(n) for n in dataset.image_shape)
            return (f"A decision boundary is drawn over a plane of inputs. This dataset has "
                    f"{dataset.n_inputs:,} inputs ({shape} pixels) and "
                    f"{dataset.n_classes} classes: see the Outputs tab for its answers.")
        if dataset.is_regression and dataset.n_inputs <= 2:
            return ""  # the fit is drawn instead (RegressionPlot)
        if dataset.is_regression:
            return (f"This view draws a regression's fit over one or two inputs. This "
                    f"dataset has {dataset.n_inputs} inputs: the Outputs tab shows the output "
                    "for each row.")
        if not dataset.is_plane:
            return ("This dataset has only one input, so the inputs form a line, not a plane: "
                    "the boundary is a single point on that line. The Outputs tab shows the "
                    "output for each input.")
        return ""

    @property
    def held_spins(self) -> list:
        return self.held.spins

    def _build_held(self, dataset) -> None:
        shown = dataset.n_inputs > 2 and not self.why_no_boundary()
        self.fixed = self.held.build(dataset, shown)
        if shown:
            self._axes_changed()

    # ----- redraws -----
    def schedule(self) -> None:
        """Redraw now, or once the last redraw's cost has been paid back three times over (the
        threshold dragged over a fine grid)."""
        wait = self._last_draw_at + 3 * self.last_draw_seconds - time.perf_counter()
        if wait <= 0:
            self.refresh()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    def refresh(self) -> None:
        s = self.session
        shown_epoch, weights = s.shown_weights()  # the epoch being looked at
        if s.dataset is None or not weights or self.why_no_boundary():
            return
        if not self.isVisible():
            self._stale = True
            return
        started = time.perf_counter()
        self._stale = False
        if self.fitting:
            self.heading.setText(self.fit.refresh())
            self._last_draw_at = time.perf_counter()
            self.last_draw_seconds = self._last_draw_at - started
            return
        dataset, (ax, ay) = s.dataset, self.axes
        x_range, y_range = plane_range(dataset, ax), plane_range(dataset, ay)
        resolution = self._resolution(weights)
        # Over the plane of x1, x2, engineered features follow them (core/data/features.py).
        expand = plane_expander(s.experiment.features) if self.axes == (0, 1) else None
        outputs = decision_grid(weights, s.activations, x_range, y_range, resolution,
                                fixed=self.fixed, axes=self.axes, expand=expand)
        self.xs = np.linspace(*x_range, resolution)
        self.ys = np.linspace(*y_range, resolution)
        self.resolution_used = resolution
        threshold = s.threshold
        dx = (x_range[1] - x_range[0]) / (resolution - 1)
        dy = (y_range[1] - y_range[0]) / (resolution - 1)
        if is_multiclass(s.encoding):
            self._draw_classes(outputs)
        else:
            self._draw_output(outputs[..., 0], threshold)
        self.image.setRect(QRectF(x_range[0] - dx / 2, y_range[0] - dy / 2,
                                  x_range[1] - x_range[0] + dx, y_range[1] - y_range[0] + dy))
        x, labels = self._rows, self._labels
        if self.show_test.isChecked():  # ring wrong test rows too
            x = np.concatenate([x, self._test_rows])
            labels = np.concatenate([labels, s.dataset.labels_test])
        wrong = predicted_classes(forward(weights, s.activations, x), s.encoding,
                                  threshold) != labels
        self.wrong.setData(x[wrong, ax], x[wrong, ay])
        note = "" if resolution == self.resolution.currentData() else \
            f" ({resolution}×{resolution}: a large network)"
        self.heading.setText(f"Output over the input plane, epoch {shown_epoch:,}{note}")
        self._last_draw_at = time.perf_counter()
        self.last_draw_seconds = self._last_draw_at - started

    def _draw_output(self, values: np.ndarray, threshold: float) -> None:
        """One output unit: its value blue to orange, white and a line at the threshold."""
        self.grid = values
        low, high = output_levels(self.session.experiment.output, values, threshold)
        shown = np.where(values > threshold, high, low) if self.discretize.isChecked() else values
        self.image.setImage(shown, autoLevels=False, levels=(low, high))
        if self._bar_state != (low, high, threshold):  # costly: only when it changes
            self._bar_state = (low, high, threshold)
            self.colour_bar.setColorMap(colour_map((threshold - low) / (high - low)))
            self.colour_bar.setLevels((low, high))
        self.contour.setData(*threshold_segments(values, self.xs, self.ys, threshold))

    def _draw_classes(self, probabilities: np.ndarray) -> None:
        """A softmax: each point in its predicted class's colour, paler where the top class is
        barely ahead (all white at even odds, unless discretized); borders between classes."""
        self.grid, rgb = class_image(probabilities, self.discretize.isChecked())
        self.image.setImage(rgb, autoLevels=False, levels=(0, 255))
        self.contour.setData(*class_borders(probabilities, self.grid, self.xs, self.ys))

    def _place_axes(self) -> None:
        """What changes only with the dataset or the chosen inputs: points, labels, range."""
        s = self.session
        dataset, (ax, ay) = s.dataset, self.axes
        self._rows = np.concatenate([dataset.x_train, dataset.x_val])
        self._labels = np.concatenate([dataset.labels_train, dataset.labels_val])
        brushes = [pg.mkBrush(colour) for colour in class_colours(dataset.n_classes)]
        size = 12 if len(self._rows) <= 32 else 8 if len(self._rows) <= 500 else 5
        self.points.setData(self._rows[:, ax], self._rows[:, ay], size=size,
                            brush=[brushes[int(v)] for v in self._labels])
        self._test_rows = dataset.x_test
        pens = [pg.mkPen(colour, width=2) for colour in class_colours(dataset.n_classes)]
        self.test_marks.setData(dataset.x_test[:, ax], dataset.x_test[:, ay], size=size,
                                pen=[pens[int(v)] for v in dataset.labels_test])
        self.test_marks.setVisible(self.show_test.isChecked())
        self.wrong.setSize(size + 9)
        self.plot.setLabel("bottom", dataset.feature_names[ax])
        self.plot.setLabel("left", dataset.feature_names[ay])
        self.colour_bar.setLabel("right", "P(class 1)" if s.experiment.output == "sigmoid"
                                 else "output")
        self.plot.setRange(xRange=plane_range(dataset, ax), yRange=plane_range(dataset, ay),
                           padding=0)

    def _resolution(self, weights) -> int:
        chosen = self.resolution.currentData()
        per_point = sum(np.asarray(w).size for w in weights[0::2])
        fits = int(np.sqrt(GRID_BUDGET / max(per_point, 1)))
        return int(max(MIN_RESOLUTION, min(chosen, fits)))

    # ----- control events -----
    def _axes_changed(self) -> None:
        ax, ay = self.x_axis.currentIndex(), self.y_axis.currentIndex()
        if ax < 0 or ay < 0:
            return
        self.axes = (ax, ay)
        self.held.on_axes(self.axes)
        self._place_axes()
        self.session.plane_slice = (self.axes, self.fixed)  # the diagram's neuron maps follow
        self.refresh()

    def _test_shown(self, shown: bool) -> None:
        self.test_marks.setVisible(shown)
        self.fit.set_test_shown(shown)
        self.refresh()

    def _held_changed(self) -> None:
        self.fixed = self.held.values()
        self.session.plane_slice = (self.axes, self.fixed)  # the diagram's neuron maps follow
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._stale:
            QTimer.singleShot(0, self.refresh)
