"""Dead ReLU units in the Weights tab's diagram: crossed out, counted, and why on hover."""
from __future__ import annotations

from playground.core.experiment import Experiment
from playground.core.layers import Layer
from tests.ui.gui import open_window, train
from tests.ui.test_weights_view import set_cell, show_tab

XOR_RELU = Experiment(dataset="xor", layers=(Layer(4, "relu"),), learning_rate=0.1, epochs=30,
                      seed=5)  # seed 5: no unit dead after 30 epochs (most seeds kill 1-2)


def _hover(qtbot, view, neuron):
    centre = view.diagram.mapFromScene(neuron.sceneBoundingRect().center())
    qtbot.mouseMove(view.diagram.viewport(), centre)


def test_a_unit_pushed_below_zero_is_crossed_out_and_counted_and_a_healthy_one_is_not(qtbot):
    window = open_window(qtbot, XOR_RELU)
    try:
        assert train(qtbot, window) == "finished"
        view = show_tab(qtbot, window, "weights")
        diagram = view.diagram
        qtbot.waitUntil(lambda: len(diagram.maps.items) == 5, timeout=10_000)
        hidden = diagram.neurons[1]
        # Healthy: every unit active on some training row; the count says so, nothing crossed.
        assert view.dead_label.isVisible()
        assert view.dead_label.text().startswith("<b>0 of 4 ReLU units dead</b>")
        assert not any(n.dead_mark is not None and n.dead_mark.isVisible() for n in hidden)

        set_cell(qtbot, window, view, 0, 2, 1, "-100")  # neuron 2's bias: below 0 on every row
        qtbot.waitUntil(lambda: "1 of 4 ReLU units dead" in view.dead_label.text(),
                        timeout=5_000)
        assert "0 on every one of the 4 training rows" in view.dead_label.text()
        assert hidden[1].dead_mark.isVisible()
        assert hidden[1].toolTip().startswith("dead: its ReLU output is 0 on every one of")
        assert [n.dead_mark is not None and n.dead_mark.isVisible() for n in hidden] == \
            [False, True, False, False]
        _hover(qtbot, view, hidden[1])
        qtbot.waitUntil(lambda: "it no longer learns" in view.hover_label.text())

        # Training on cannot revive it: no gradient reaches it (the mark stays).
        assert train(qtbot, window) == "finished"
        qtbot.waitUntil(lambda: not view._stale and view._shown_weights is not None)
        assert "1 of 4 ReLU units dead" in view.dead_label.text()
        assert window.session.history.latest_weights[1][1] == -100
        assert hidden[1].dead_mark.isVisible()

        set_cell(qtbot, window, view, 0, 2, 1, "0.5")  # alive again: the mark goes
        qtbot.waitUntil(lambda: "0 of 4 ReLU units dead" in view.dead_label.text(),
                        timeout=5_000)
        assert not hidden[1].dead_mark.isVisible() and hidden[1].toolTip() == ""
    finally:
        window.close()
