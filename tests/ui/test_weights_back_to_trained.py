"""'Back to trained weights' keeps the trained weights through switching a neuron off and
looking at another epoch (it once forgot them at the next redraw)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from playground.core.experiment import Experiment
from tests.ui.gui import open_window, train
from tests.ui.test_weights_view import set_cell, show_tab

XOR_SHORT = Experiment(dataset="xor", learning_rate=0.5, epochs=20)  # 2-4-1 tanh


def click_neuron_2(qtbot, view):
    """Click neuron 2 of the hidden layer in the diagram (where it is drawn now)."""
    hidden = view.diagram.neurons[1][1]
    centre = view.diagram.mapFromScene(hidden.sceneBoundingRect().center())
    qtbot.mouseClick(view.diagram.viewport(), Qt.LeftButton, pos=centre)


def test_trained_weights_come_back_exactly_after_a_switch_off_an_edit_and_another_epoch(qtbot):
    window = open_window(qtbot, XOR_SHORT)
    try:
        assert train(qtbot, window) == "finished"
        session = window.session
        trained = [np.array(w) for w in session.history.latest_weights]
        view = show_tab(qtbot, window, "weights")
        qtbot.waitUntil(lambda: len(view.panels) == 2 and bool(view.diagram.neurons),
                        timeout=10_000)

        click_neuron_2(qtbot, view)  # off
        assert session.switched_off == {(0, 1)}

        set_cell(qtbot, window, view, 0, 0, 0, "3")  # an edit: the model takes it
        assert session.history.latest_weights[0][0, 0] == 3
        assert view.trained_button.isEnabled()

        outputs = show_tab(qtbot, window, "outputs")  # look at epoch 0, then the newest again
        outputs.epoch_slider.setValue(0)
        assert session.looked_at == 0
        outputs.follow.setChecked(True)
        assert session.looked_at is None
        view = show_tab(qtbot, window, "weights")
        qtbot.waitUntil(lambda: not view._stale, timeout=5_000)

        assert view.trained_button.isEnabled()  # the trained weights are still kept
        with qtbot.waitSignal(window.training_idle, timeout=30_000):
            view.trained_button.click()
        click_neuron_2(qtbot, view)  # on again
        assert session.switched_off == frozenset()
        for got, want in zip(session.history.latest_weights, trained):
            assert np.array_equal(got, want)
        for got, want in zip(session.shown_weights()[1], trained):
            assert np.array_equal(got, want)
        qtbot.waitUntil(lambda: view.panels[0].model.data(
            view.panels[0].model.index(0, 0), Qt.EditRole) != "3", timeout=5_000)
    finally:
        window.close()
