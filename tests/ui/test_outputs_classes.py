"""Outputs for several classes on the plane: every class's probability per row, and through
epochs the probability of each row's true class."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.experiment import Experiment, Layer
from tests.ui.gui import open_window

BLOBS = Experiment(dataset="gaussians", classes=3, loss="sparse-categorical",
                   layers=(Layer(6, "tanh"),), optimizer="adam", learning_rate=0.05, epochs=20,
                   batch_size=32, validation_split=0.2)


def test_every_class_has_a_probability_column_and_the_curves_follow_the_true_class(qtbot):
    window = open_window(qtbot, BLOBS)
    qtbot.waitUntil(lambda: window.session.history.latest_outputs is not None, timeout=30_000)
    view = window.views["outputs"]
    assert view.columns[2:8] == ["target", "P(blob 1)", "P(blob 2)", "P(blob 3)",
                                 "top probability", "class"]
    outputs = np.asarray(window.session.history.latest_outputs)
    shown = len(view.values("P(blob 1)"))
    for k in range(3):
        np.testing.assert_allclose(view.values(f"P(blob {k + 1})"), outputs[:shown, k],
                                   atol=1e-6)
    rows = np.asarray([view.values(f"P(blob {k + 1})") for k in range(3)]).T
    np.testing.assert_allclose(rows.sum(axis=1), 1.0, atol=1e-5)
    assert view.values("class") == list(rows.argmax(axis=1))
    # The chart: each curve is its row's probability of its own (true) class.
    x, y = view.curves[0].getData()
    label = int(view.rows_labels[0])
    assert y[-1] == pytest.approx(outputs[0, label], abs=1e-6)
