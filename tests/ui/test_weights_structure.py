"""A new model of the same shape reuses the Weights tables, the diagram and the Neuron maps
tiles (rebuilding them when a run started stalled the window); a new shape rebuilds them."""
from __future__ import annotations

import numpy as np

from playground.core.layers import Layer
from tests.ui.gui import train
from tests.ui.test_weights_view import show_tab


def test_reset_keeps_the_tables_and_tiles_and_a_new_shape_rebuilds_them(qtbot, window):
    session = window.session
    window.form.texts["epochs"].setText("5")
    assert train(qtbot, window) == "finished"
    view = show_tab(qtbot, window, "weights")
    qtbot.waitUntil(lambda: len(view.panels) == 2, timeout=10_000)
    panels, neuron = list(view.panels), view.diagram.neurons[1][0]
    grid = show_tab(qtbot, window, "neurons")
    qtbot.waitUntil(lambda: len(grid.tiles) == 4, timeout=10_000)
    tiles = list(grid.tiles)
    view = show_tab(qtbot, window, "weights")
    before = np.array(session.history.latest_weights[0])

    with qtbot.waitSignal(window.training_idle, timeout=30_000):
        window.reset_weights()  # a new model: the same network, its initial weights
    after = session.history.latest_weights[0]
    assert not np.array_equal(after, before)
    qtbot.waitUntil(lambda: view._shown_weights is not None, timeout=5_000)
    assert view.panels == panels and view.diagram.neurons[1][0] is neuron  # reused
    assert np.allclose(view.panels[0].model.table[:2], after)  # showing the new weights
    show_tab(qtbot, window, "neurons")
    qtbot.waitUntil(lambda: grid.maps is not None, timeout=5_000)
    assert grid.tiles == tiles

    session.request_experiment({"layers": (Layer(3, "tanh"),)})  # another shape: rebuilt
    qtbot.waitUntil(lambda: len(grid.tiles) == 3, timeout=30_000)
    view = show_tab(qtbot, window, "weights")
    qtbot.waitUntil(lambda: view.panels[0].model.table.shape == (3, 3), timeout=10_000)
    assert len(view.diagram.neurons[1]) == 3
