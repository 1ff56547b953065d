"""A table's regression in the window: Outputs and the fit read in the file's units."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.data import registry as datasets
from playground.core.experiment import Experiment, Layer
from playground.core.inspection.forward import forward
from tests.ui.gui import train


def test_outputs_rows_show_prices_in_the_files_units(qtbot, window, tmp_path):
    rng = np.random.default_rng(5)
    a, b = rng.uniform(0, 1, 120), rng.uniform(-1, 1, 120)
    path = tmp_path / "prices.csv"
    path.write_text("a,b,price\n" + "".join(
        f"{x:.4f},{y:.4f},{3000 + 1000 * x + 500 * y:.2f}\n" for x, y in zip(a, b)))
    experiment = Experiment(dataset="csv", csv=str(path))
    experiment = experiment.replace(**datasets.follow("csv", experiment.loss, "xor",
                                                      experiment)).replace(
        layers=(Layer(8, "tanh"),), optimizer="adam", learning_rate=0.05, batch_size=16,
        epochs=40)
    window.form.set_experiment(experiment)
    qtbot.waitUntil(lambda: window.state == "idle", timeout=30_000)
    assert train(qtbot, window) == "finished"
    view, session = window.views["outputs"], window.session
    view.refresh()
    data = session.dataset
    targets = np.array(view.values("target"), float)
    outputs = np.array(view.values("output"), float)
    assert 2000 < targets.mean() < 5000
    assert np.abs(outputs - targets).mean() < 150  # prices, near their targets
    raw = forward(session.history.latest_weights, session.activations, view.rows_x)[:, 0]
    np.testing.assert_allclose(outputs, raw * data.target_scale + data.target_shift,
                               rtol=1e-4)
    # the test rows (computed from the weights in NumPy, not recorded outputs): prices too
    view.rows_combo.setCurrentIndex(view.rows_combo.findData("test"))
    assert view.row_set == "test"
    tested = np.array(view.values("output"), float)
    assert np.abs(tested - np.array(view.values("target"), float)).mean() < 150
    # the backward pass: the loss compares the output with the target as it is learnt
    backward = window.views["backward"]
    window.tabs.setCurrentWidget(backward)
    qtbot.waitUntil(backward.isVisible)
    backward.pick_row(1)  # the first training row
    qtbot.waitUntil(lambda: backward.result is not None)
    price = float(data.labels_train[0])
    assert float(backward.result.target[0]) == pytest.approx(
        (price - data.target_shift) / data.target_scale, rel=1e-5)
    assert abs(float(backward.result.target[0])) < 5
    qtbot.waitUntil(lambda: "agree" in backward.summary.text())  # Keras answers from a thread
    # the forward pass: by hand in the network's own numbers, the verdict in prices
    forward_view = window.views["forward"]
    window.tabs.setCurrentWidget(forward_view)
    qtbot.waitUntil(forward_view.isVisible)
    forward_view.rows.setCurrentIndex(1)
    qtbot.waitUntil(lambda: "The target is" in forward_view.result.text())
    text = forward_view.result.text()
    assert "in the file's units" in text
    off = float(text.rsplit("off by", 1)[1].split("<")[0].strip().replace("−", "-"))
    assert abs(off) < 300  # tens of price units, not thousands
