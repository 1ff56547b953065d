"""Backward pass's charts: how far each layer's weights move per epoch (|ΔW| / |W|) and the
distributions of a layer's weights and activations through training."""
from __future__ import annotations

import numpy as np

from playground.core.experiment import Experiment, Layer
from playground.core.inspection.update_sizes import ratios
from tests.ui.gui import backward_charts_shown, open_window, train


def test_one_curve_per_layer_of_each_kernels_relative_change_per_epoch(qtbot):
    window = open_window(qtbot, Experiment(layers=(Layer(4, "tanh"), Layer(3, "tanh")),
                                           epochs=200))
    try:
        assert train(qtbot, window) == "finished"
        with backward_charts_shown(qtbot, window) as view:
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

            # Distributions: one histogram per kept epoch from epoch 0, the first layer's weights.
            dist = view.distributions
            qtbot.waitUntil(lambda: len(dist.lines) >= 2, timeout=10_000)
            assert dist.epochs_shown[0] == 0 and dist.epochs_shown[-1] == epochs[-1]
            assert all(abs(line.yData.sum() - 1) < 1e-9 for line in dist.lines)  # every weight
            dist.kind.setCurrentText("activations")
            dist.layer.setCurrentIndex(1)
            assert "activations of hidden 2" in dist.plot.getPlotItem().getAxis("bottom").labelText
            assert all(abs(line.yData.sum() - 1) < 1e-9 for line in dist.lines)  # every output
    finally:
        window.close()
