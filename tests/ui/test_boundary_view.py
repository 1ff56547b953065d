"""The decision boundary: grid values equal Keras, one neuron draws a straight line that cannot
split XOR, the threshold and "discretize" redraw without training, and datasets without a
two-input plane say why."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from playground.core.data.dataset import Dataset
from playground.core.experiment import Experiment, Layer
from playground.core.inspection.forward import forward
from playground.core.model.build import build_model
from playground.core.training.trainer import Report
from playground.ui.session import Session
from playground.core.inspection.planes import threshold_segments
from playground.ui.views.boundary import DecisionBoundaryView
from tests.ui.gui import open_window
from tests.ui.gui import train as click_train


def predict(model, x) -> np.ndarray:
    return model.predict(np.asarray(x, np.float32), verbose=0)


def open_ready(qtbot, experiment):
    window = open_window(qtbot, experiment)
    qtbot.waitUntil(lambda: window.session.history.latest_outputs is not None, timeout=30000)
    return window


def train(qtbot, window) -> None:
    assert click_train(qtbot, window) == "finished"
    qtbot.waitUntil(lambda: window.views["boundary"].grid is not None)


def keras_model_at(session):
    """A plain Keras model holding the weights the view last drew with."""
    model = build_model(session.experiment, session.dataset)
    model.set_weights(session.history.latest_weights)
    return model


# ----- without a window ----------------------------------------------------------------------

def test_threshold_segments_trace_a_straight_line_and_a_circle():
    xs = ys = np.linspace(-1, 1, 41)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    x, y = threshold_segments(gx + gy, xs, ys, 0.25)  # the line x + y = 0.25
    assert len(x) > 0 and len(x) % 2 == 0
    np.testing.assert_allclose(x + y, 0.25, atol=1e-9)
    x, y = threshold_segments(gx ** 2 + gy ** 2, xs, ys, 0.5)
    np.testing.assert_allclose(np.hypot(x, y), np.sqrt(0.5), atol=0.01)
    assert threshold_segments(gx * 0 + 1.0, xs, ys, 0.5)[0].size == 0  # never crosses: no line


def fake_session(qtbot, dataset, experiment, model=None) -> tuple[Session, DecisionBoundaryView]:
    """A session fed by hand (no worker), with one report of `model`'s weights."""
    session = Session()
    view = DecisionBoundaryView(session)
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    probe = np.concatenate([dataset.x_train, dataset.x_val])[:64]
    labels = np.concatenate([dataset.labels_train, dataset.labels_val])[:64]
    session.start_run(experiment, dataset, probe, labels)
    if model is not None:
        outputs = predict(model, probe)
        session.add_report(Report(
            epochs=np.array([0]), loss=np.array([1.0]), metrics={"accuracy": np.array([0.5])},
            val_loss=None, val_metrics=None, outputs=outputs[None],
            weights=tuple(model.get_weights()), epochs_per_second=0.0))
        session.flush()
    return session, view


def table_dataset(n_inputs: int, n_classes: int = 2, rows: int = 40) -> Dataset:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (rows, n_inputs)).astype(np.float32)
    labels = (x.sum(1) > n_inputs / 2).astype(np.int64) if n_classes == 2 else \
        rng.integers(0, n_classes, rows)
    empty = np.zeros((0, n_inputs), np.float32)
    return Dataset("sum-threshold", x, labels, empty, np.zeros(0, np.int64), empty,
                   np.zeros(0, np.int64), tuple(f"x{i + 1}" for i in range(n_inputs)),
                   tuple(str(c) for c in range(n_classes)))


def test_more_than_two_inputs_choose_the_plane_and_hold_the_rest(qtbot):
    dataset = table_dataset(4)
    experiment = Experiment(dataset="sum-threshold", layers=(Layer(5, "tanh"),), loss="hinge")
    model = build_model(experiment, dataset)
    session, view = fake_session(qtbot, dataset, experiment, model)
    assert view.axis_row.isVisibleTo(view) and view.held.isVisibleTo(view)
    assert [s.value() for s in view.held_spins] == pytest.approx(dataset.x_train.mean(0), abs=1e-3)
    view.x_axis.setCurrentIndex(3)  # x4 across, x2 up; x1 and x3 held
    view.y_axis.setCurrentIndex(1)
    view.held_spins[0].setValue(0.9)
    assert view.axes == (3, 1)
    assert not view.held_spins[3].isEnabled() and view.held_spins[0].isEnabled()
    i, j = 7, 80
    point = np.array([s.value() for s in view.held_spins])
    point[3], point[1] = view.xs[i], view.ys[j]
    assert view.grid[i, j] == pytest.approx(predict(model, point[None])[0, 0], abs=1e-5)
    assert view.colour_bar.levels() == (-1.0, 1.0)  # tanh output


def test_one_input_and_many_classes_say_why_there_is_no_boundary(qtbot):
    _, view = fake_session(qtbot, table_dataset(1), Experiment(dataset="sum-threshold"))
    assert view.stack.currentWidget() is view.note
    assert "only one input" in view.note.text()
    images = dataclasses.replace(table_dataset(784, n_classes=10, rows=12), image_shape=(28, 28))
    _, view = fake_session(qtbot, images, Experiment(dataset="mnist", loss="categorical"))
    assert view.stack.currentWidget() is view.note
    assert "784 inputs (28×28 pixels) and 10 classes" in view.note.text()
    assert view.grid is None
    assert view.isHidden()  # nothing to draw: the curves beside it get the room


def test_three_classes_colour_the_plane_by_predicted_class_with_borders(qtbot):
    from playground.core.data import registry as datasets
    experiment = Experiment(dataset="gaussians", loss="sparse-categorical",
                            layers=(Layer(6, "tanh"),), validation_split=0.2, batch_size=32)
    dataset = datasets.load(experiment)
    model = build_model(experiment, dataset)
    _, view = fake_session(qtbot, dataset, experiment, model)
    assert view.stack.currentWidget() is view.plot and not view.isHidden()
    qtbot.waitUntil(lambda: view.grid is not None)
    assert view.grid.shape == (100, 100)
    for i, j in [(0, 0), (30, 70), (99, 50)]:
        expected = predict(model, [[view.xs[i], view.ys[j]]])[0]
        assert view.grid[i, j] == int(np.argmax(expected))  # the predicted class
    assert not view.colour_bar.isVisible()
    assert "blob 3" in view.key.text() and "border between classes" in view.key.text()
    seen = (dataset.x_train, dataset.x_val, dataset.x_test)  # test rows are shown too
    wrong = predict(model, np.concatenate(seen)).argmax(1) != \
        np.concatenate([dataset.labels_train, dataset.labels_val, dataset.labels_test])
    assert len(view.wrong.data) == int(wrong.sum())


def regression_view(qtbot, key: str):
    """(dataset, untrained model, view) for a regression on the dataset `key`."""
    from playground.core.data import registry as datasets
    experiment = Experiment(dataset=key, loss="mse", layers=(Layer(8, "tanh"),),
                            validation_split=0.2, batch_size=32)
    dataset = datasets.load(experiment)
    model = build_model(experiment, dataset)
    return dataset, model, fake_session(qtbot, dataset, experiment, model)[1]


def test_a_sine_is_drawn_as_points_and_a_curve_reaching_past_the_data(qtbot):
    dataset, model, view = regression_view(qtbot, "sine")
    fit = view.fit
    assert view.stack.currentWidget() is fit and not view.isHidden()
    qtbot.waitUntil(lambda: fit.curve_x is not None)
    data_x = np.concatenate([dataset.x_train, dataset.x_val, dataset.x_test])[:, 0]
    span = data_x.max() - data_x.min()
    assert fit.curve_x[-1] - fit.curve_x[0] > 1.8 * span  # drawn well past the data
    assert fit.curve_x[0] < data_x.min() and fit.curve_x[-1] > data_x.max()
    np.testing.assert_allclose(fit.curve_y, predict(model, fit.curve_x[:, None])[:, 0],
                               atol=1e-5)
    assert len(fit.train_points.data) == len(dataset.x_train) + len(dataset.x_val)
    assert len(fit.test_points.data) == len(dataset.x_test) and fit.test_points.isVisible()
    assert "Fitted curve, epoch 0" in view.heading.text()
    assert "test rows" in view.key.text()
    view.show_test.click()  # hide the test points
    assert not fit.test_points.isVisible()


def test_a_two_input_regression_is_a_heatmap_of_the_predicted_value(qtbot):
    from playground.core.inspection.planes import plane_range
    dataset, model, view = regression_view(qtbot, "gaussian-hills")
    fit = view.fit
    assert view.stack.currentWidget() is fit
    qtbot.waitUntil(lambda: fit.grid is not None)
    assert fit.grid.shape == (100, 100)
    xs = np.linspace(*plane_range(dataset, 0), 100)
    ys = np.linspace(*plane_range(dataset, 1), 100)
    for i, j in [(0, 0), (40, 70), (99, 10)]:
        assert fit.grid[i, j] == pytest.approx(predict(model, [[xs[i], ys[j]]])[0, 0], abs=1e-5)
    # The points wear their target's colour: the highest target is the warmest mark.
    brushes = fit.train_points.data["brush"]
    targets = np.concatenate([dataset.labels_train, dataset.labels_val])
    assert brushes[int(targets.argmax())].color().red() > \
        brushes[int(targets.argmin())].color().red()


def test_test_rows_are_hollow_marks_that_can_be_hidden_and_are_ringed_when_wrong(qtbot):
    from playground.core.data import registry as datasets
    experiment = Experiment(dataset="gaussians", classes=4, loss="sparse-categorical",
                            layers=(Layer(3, "tanh"),), validation_split=0.2, batch_size=32,
                            noise=0.4)
    dataset = datasets.load(experiment)
    model = build_model(experiment, dataset)
    _, view = fake_session(qtbot, dataset, experiment, model)
    qtbot.waitUntil(lambda: view.grid is not None)
    assert len(view.test_marks.data) == len(dataset.x_test) > 0
    assert view.test_marks.opts["brush"].style() == Qt.NoBrush  # hollow
    assert view.points.opts["brush"].style() != Qt.NoBrush  # training rows are filled
    assert "○</span>&nbsp;test row" in view.key.text()  # a hollow ring names them
    # Four targets, test rows, wrong and the border on one line 760 px wide (it took ~880).
    assert view.key.heightForWidth(760) == view.key.heightForWidth(5000)
    # The colour bar's top label ("1.0", centred on the bar's end) is not cut off at the top.
    axis = view.colour_bar.axis
    text_height = QFontMetrics(axis.style["tickFont"] or view.plot.font()).height()
    label_top = axis.mapRectToScene(axis.rect()).top() - text_height / 2
    assert label_top >= 0, label_top
    seen = np.concatenate([dataset.x_train, dataset.x_val, dataset.x_test])
    labels = np.concatenate([dataset.labels_train, dataset.labels_val, dataset.labels_test])
    wrong = predict(model, seen).argmax(1) != labels
    assert len(view.wrong.data) == int(wrong.sum())
    view.show_test.click()
    assert not view.test_marks.isVisible()
    n_train = len(dataset.x_train) + len(dataset.x_val)
    assert len(view.wrong.data) == int(wrong[:n_train].sum())  # only shown rows are ringed


# ----- in the window -------------------------------------------------------------------------

def test_boundary_values_equal_keras_and_follow_the_threshold(qtbot):
    window = open_ready(qtbot, Experiment(epochs=150))
    try:
        train(qtbot, window)
        view = window.views["boundary"]
        session = window.session
        assert view.grid.shape == (100, 100)
        assert (view.xs[0], view.xs[-1], view.ys[0], view.ys[-1]) == (-0.25, 1.25, -0.25, 1.25)
        model = keras_model_at(session)
        for i, j in [(0, 0), (17, 83), (50, 50), (99, 12), (99, 99)]:
            expected = predict(model, [[view.xs[i], view.ys[j]]])[0, 0]
            assert view.grid[i, j] == pytest.approx(expected, abs=1e-6)
        # Four training points coloured by target; the colour bar spans probabilities.
        assert len(view.points.data) == 4
        assert view.colour_bar.levels() == (0.0, 1.0)
        epochs = len(session.history)
        before = view.contour.getData()[0].copy()
        wrong_before = len(view.wrong.data)
        window.views["outputs"].threshold_spin.setValue(0.99)
        qtbot.waitUntil(lambda: not np.array_equal(view.contour.getData()[0], before))
        x, y = view.contour.getData()
        expected = forward(session.history.latest_weights, session.activations,
                           np.stack([x, y], 1))[:, 0]
        np.testing.assert_allclose(expected, 0.99, atol=0.02)  # the contour is at the threshold
        assert len(view.wrong.data) >= wrong_before
        assert len(session.history) == epochs  # no training happened
        view.discretize.setChecked(True)
        assert set(np.unique(view.image.image)) == {0.0, 1.0}
    finally:
        window.close()


def test_one_neuron_draws_a_straight_line_that_cannot_split_xor(qtbot):
    # Seed 000: Dense(1, sigmoid) straight from the inputs, SGD lr 0.1, 200 epochs.
    window = open_ready(qtbot, Experiment(layers=(), learning_rate=0.1, epochs=200))
    try:
        train(qtbot, window)
        view = window.views["boundary"]
        x, y = view.contour.getData()
        assert len(x) >= 2
        # All points of the threshold contour lie on one straight line.
        centred = np.stack([x - x.mean(), y - y.mean()], 1)
        assert np.linalg.svd(centred, compute_uv=False)[1] < 1e-6 * len(x)
        assert len(view.wrong.data) >= 1  # no line splits XOR: some row is on the wrong side
    finally:
        window.close()
