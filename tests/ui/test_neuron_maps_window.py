"""Neuron maps in the Weights tab's diagram, and switching a neuron off by clicking it."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from playground.core.experiment import Experiment
from playground.core.inspection.forward import forward
from playground.core.inspection.metrics import accuracy
from tests.ui.gui import open_window, train

XOR_2_4_1 = Experiment(dataset="xor", learning_rate=0.5,  # 2-4-1 tanh
                       epochs=300)


def _centre(view, item):
    return view.diagram.mapFromScene(item.sceneBoundingRect().center())


def test_each_neuron_shows_its_map_and_a_click_switches_it_off_and_on(qtbot):
    window = open_window(qtbot, XOR_2_4_1)
    try:
        assert train(qtbot, window) == "finished"
        view = window.views["weights"]
        window.tabs.setCurrentWidget(view)
        qtbot.waitUntil(view.isVisible)
        diagram = view.diagram
        qtbot.waitUntil(lambda: len(diagram.maps.items) == 5, timeout=10_000)  # 4 hidden + out
        session = window.session
        weights = session.history.latest_weights
        # The output neuron's map is the network's output over the plane (the boundary).
        ds = session.dataset
        out = diagram.maps.grids[(1, 0)]
        assert out.shape == (24, 24)
        x_range = view.plane_maps._rows[:, 0]
        y_range = view.plane_maps._rows[:, 1]
        expected = forward(weights, session.activations, [[x_range[-1], y_range[-1]]])[0, 0]
        assert abs(out[-1, -1] - expected) < 1e-9

        def accuracy_of(w):
            return accuracy(forward(w, session.activations, ds.x_train), ds.labels_train,
                            session.encoding, session.threshold)

        def held_at_0(unit):
            held = [np.array(w) for w in weights]
            held[2][unit, :] = 0
            return held

        full = accuracy_of(weights)
        unit = int(np.argmin([accuracy_of(held_at_0(u)) for u in range(4)]))
        held, without = held_at_0(unit), accuracy_of(held_at_0(unit))
        assert without < full == 1.0  # XOR needs this neuron

        # Hovering a hidden neuron enlarges its map and gives its numbers.
        hidden = diagram.neurons[1][unit]
        qtbot.mouseMove(diagram.viewport(), _centre(view, hidden))
        qtbot.waitUntil(lambda: "output over the plane: min" in view.hover_label.text())
        assert diagram.maps.zoom.isVisible()

        # Click it: its output is held at 0, the boundary and the accuracy change at once.
        qtbot.mouseClick(diagram.viewport(), Qt.LeftButton, pos=_centre(view, hidden))
        assert session.switched_off == {(0, unit)}
        qtbot.waitUntil(lambda: view.switch_label.isVisible(), timeout=5_000)
        assert f"Training accuracy {without:.3f} without it, {full:.3f}" in \
            view.switch_label.text()
        assert np.array_equal(session.shown_weights()[1][2], held[2])
        assert np.array_equal(session.history.latest_weights[2], weights[2])  # model unchanged
        boundary = window.views["boundary"]
        window.tabs.setCurrentWidget(boundary) if window.tabs.indexOf(boundary) >= 0 else None
        qtbot.waitUntil(lambda: boundary.grid is not None and abs(
            boundary.grid[-1, -1] - forward(held, session.activations,
                                               [[boundary.xs[-1], boundary.ys[-1]]])[0, 0])
            < 1e-5, timeout=10_000)

        # Click again: on, as before.
        window.tabs.setCurrentWidget(view)
        qtbot.waitUntil(view.isVisible)
        qtbot.mouseClick(diagram.viewport(), Qt.LeftButton, pos=_centre(view, hidden))
        assert session.switched_off == frozenset()
        qtbot.waitUntil(lambda: not view.switch_label.isVisible(), timeout=5_000)
        assert session.shown_weights()[1] is session.history.latest_weights
    finally:
        window.close()
