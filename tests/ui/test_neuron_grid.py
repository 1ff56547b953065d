"""The Neuron maps tab: one layer's neurons as a grid of maps, live, enlarged on hover/click."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter

from playground.core.experiment import Experiment
from playground.core.inspection.forward import forward
from playground.core.inspection.weights import format_value
from tests.ui.gui import open_window, train
from tests.ui.test_weights_view import show_tab

XOR_2_4_1 = Experiment(dataset="xor", learning_rate=0.5, epochs=40)  # 2-4-1 tanh


def test_a_layers_maps_are_its_neurons_outputs_and_hover_and_click_enlarge_them(qtbot):
    window = open_window(qtbot, XOR_2_4_1)
    try:
        view = window.views["neurons"]
        assert train(qtbot, window) == "finished"
        assert not view.isVisible() and view._stale  # not drawn while hidden
        view = show_tab(qtbot, window, "neurons")
        qtbot.waitUntil(lambda: len(view.tiles) == 4, timeout=10_000)
        session = window.session
        weights = session.history.latest_weights
        (x_low, x_high), (y_low, y_high) = view.plane_maps.ranges
        assert view.layer_combo.currentText() == "Hidden layer 1 (4 tanh)"
        corner = np.tanh(np.array([x_high, y_low]) @ weights[0] + weights[1])
        for j, tile in enumerate(view.tiles):  # neuron j's output at the bottom-right corner
            assert tile.title == str(j + 1)
            assert abs(tile.grid[-1, 0] - corner[j]) < 1e-9

        # Hover neuron 3's map: enlarged, with the value under the mouse.
        tile = view.tiles[2]
        rect = tile.image_rect()
        qtbot.waitUntil(tile.isVisible)
        qtbot.mouseMove(tile, rect.center())
        qtbot.mouseMove(tile, QPoint(rect.right(), rect.top()))  # the top right cell
        qtbot.waitUntil(lambda: "Neuron 3 of hidden layer 1" in view.zoom_numbers.text())
        assert np.array_equal(view.zoom.grid, tile.grid)
        value = np.tanh(np.array([x_high, y_high]) @ weights[0] + weights[1])[2]
        assert f"at x1 = {format_value(x_high)}, x2 = {format_value(y_high)}: " \
            f"<b>{format_value(value)}</b>" in view.zoom_numbers.text()

        # Click neuron 2: it stays enlarged after the mouse leaves.
        qtbot.mouseClick(view.tiles[1], Qt.LeftButton, pos=rect.center())
        qtbot.mouseMove(view.info, QPoint(5, 5))
        qtbot.waitUntil(lambda: "Neuron 2 of hidden layer 1" in view.zoom_numbers.text())
        assert view.tiles[1].selected and np.array_equal(view.zoom.grid, view.tiles[1].grid)

        # A neuron switched off in the diagram is marked here too.
        session.switch_neuron(0, 3)
        qtbot.waitUntil(lambda: view.tiles[3].title == "4 · off")
        assert view.tiles[3].off

        # The output layer: one map, the network's output (the boundary).
        view.layer_combo.setCurrentIndex(1)
        assert view.layer_combo.currentText() == "Output layer (1 sigmoid, the boundary)"
        assert len(view.tiles) == 1
        held = session.shown_weights()[1]  # neuron 4 still off
        out = forward(held, session.activations, [[x_high, y_high]])[0, 0]
        assert abs(view.tiles[0].grid[-1, -1] - out) < 1e-9
        assert "white at the threshold 0.5000" in view.info.text()
    finally:
        window.close()


def test_the_grid_follows_training_while_shown_and_catches_up_when_shown_again(qtbot):
    window = open_window(qtbot, XOR_2_4_1.replace(epochs=20_000))
    try:
        view = show_tab(qtbot, window, "neurons")
        epochs_drawn = set()
        window.train_action.trigger()
        qtbot.waitUntil(lambda: epochs_drawn.add(view.info.text().split(".")[0])
                        or len(epochs_drawn) >= 3, timeout=30_000)  # redrawn while it runs
        assert window.state != "idle"
        weights = show_tab(qtbot, window, "weights")
        qtbot.waitUntil(lambda: view._stale, timeout=10_000)  # hidden: not drawn
        hidden_text = view.info.text()
        # The diagram paints plain edges while the run streams in, smooth ones at its end.
        qtbot.waitUntil(lambda: weights._shown_weights is not None, timeout=10_000)
        assert QPainter.Antialiasing not in weights.diagram.renderHints()
        with qtbot.waitSignal(window.training_idle, timeout=30_000):
            window.stop_action.trigger()
        qtbot.waitUntil(lambda: QPainter.Antialiasing in weights.diagram.renderHints(),
                        timeout=5_000)
        assert view.info.text() == hidden_text
        show_tab(qtbot, window, "neurons")
        last = window.session.history.last_epoch
        qtbot.waitUntil(lambda: view.info.text().startswith(f"Epoch {last:,}."), timeout=5_000)
    finally:
        window.close()


def test_with_three_inputs_the_maps_show_the_boundarys_slice(qtbot):
    window = open_window(qtbot, Experiment(dataset="sum-threshold", inputs=3))
    try:
        diagram = show_tab(qtbot, window, "weights").diagram  # maps drawn over x1, x2
        qtbot.waitUntil(lambda: len(diagram.maps.grids) == 5, timeout=10_000)
        view = show_tab(qtbot, window, "neurons")
        qtbot.waitUntil(lambda: len(view.tiles) == 4, timeout=10_000)
        assert "over x1 (across) and x2 (up)" in view.info.text()
        boundary = window.views["boundary"]
        boundary.x_axis.setCurrentIndex(2)  # the boundary shows x3 across: the maps follow
        qtbot.waitUntil(lambda: "over x3 (across) and x2 (up)" in view.info.text(),
                        timeout=5_000)
        session = window.session
        weights = session.history.latest_weights
        (x_low, x_high), (y_low, y_high) = view.plane_maps.ranges
        row = np.array(boundary.fixed, float)  # x1 held where the boundary holds it
        row[2], row[1] = x_high, y_low
        expected = np.tanh(row @ weights[0] + weights[1])
        assert np.allclose([tile.grid[-1, 0] for tile in view.tiles], expected)
        # The diagram's maps, hidden when the plane moved, show the same slice once shown.
        show_tab(qtbot, window, "weights")
        qtbot.waitUntil(lambda: np.allclose(
            [diagram.maps.grids[(0, j)][-1, 0] for j in range(4)], expected), timeout=5_000)
    finally:
        window.close()
