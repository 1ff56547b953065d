"""The Backward pass tab's gradient-norm chart on a long run: drawn from a few points per pixel,
not one per epoch (a paint of 20,000 points per curve stalled the window ~35 ms)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from playground.ui.views.backward_charts import BackwardCharts


def test_a_long_runs_gradient_norms_are_drawn_from_a_few_points_per_pixel(qtbot):
    epochs = np.arange(1, 20_001)
    norms = [np.exp(np.sin(epochs / 500.0)), np.full(len(epochs), 0.5)]
    norms[0][12_345] = 1e3  # one exploding epoch: its peak must still be drawn
    history = SimpleNamespace(gradient_norms=lambda: (epochs, norms))
    charts = BackwardCharts(SimpleNamespace(history=history))
    qtbot.addWidget(charts)
    charts.resize(900, 200)
    charts.show()
    qtbot.waitExposed(charts)
    charts.show_norms()
    qtbot.wait(10)
    curve = charts.norm_curves[0].curve  # what is painted
    xs, ys = curve.xData, curve.yData
    assert len(xs) < len(epochs) / 4
    assert np.isclose(10 ** ys.max(), 1e3)  # log axis: the peak kept
    assert xs[0] <= 100 and xs[-1] >= epochs[-1] - 100  # the whole run, end to end
