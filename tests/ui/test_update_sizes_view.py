"""Backward pass's second chart: how far each layer's weights move per epoch, |ΔW| / |W|."""
from __future__ import annotations

import numpy as np

from playground.core.experiment import Experiment, Layer
from playground.core.inspection.update_sizes import ratios
from tests.ui.gui import open_window, train


def test_one_curve_per_layer_of_each_kernels_relative_change_per_epoch(qtbot):
    window = open_window(qtbot, Experiment(layers=(Layer(4, "tanh"), Layer(3, "tanh")),
                                           epochs=200))
    try:
        assert train(qtbot, window) == "finished"
        view = window.views["backward"]
        window.tabs.setCurrentWidget(view)
        qtbot.waitUntil(view.isVisible)
        plot = view.update_plot
        qtbot.waitUntil(lambda: len(plot.curves) == 3, timeout=10_000)  # 2 hidden + output
        epochs, snapshots = window.session.history.weights_history()
        steps = [i for i in range(1, len(epochs)) if epochs[i] > epochs[i - 1]]
        last = steps[-1]
        expected = ratios(snapshots[last - 1], snapshots[last]) / (epochs[last] -
                                                                   epochs[last - 1])
        shown = [curve.yData[-1] for curve in plot.curves]
        assert np.allclose(shown, expected) and all(value > 0 for value in shown)
        assert [curve.xData[-1] for curve in plot.curves] == [epochs[last]] * 3
        legend = [label.text for _, label in plot.legend.items]
        assert legend == ["hidden 1", "hidden 2", "output"]
    finally:
        window.close()
