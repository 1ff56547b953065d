"""The forward pass by hand in the window: every layer's numbers, and model.predict beside them."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.experiment import Experiment
from playground.core.data.sum_threshold import PRESETS
from tests.ui.gui import open_window, train

SEED_002 = Experiment().replace(**PRESETS["2 inputs, t = 0.5 (hidden 5 tanh)"])


@pytest.fixture
def seed_window(qtbot):
    window = open_window(qtbot, SEED_002.replace(epochs=30))
    yield window
    window.close()


def show(qtbot, window):
    view = window.views["forward"]
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.predicted is not None, timeout=10_000)
    return view


def test_seed_input_is_computed_by_hand_and_agrees_with_predict(qtbot, seed_window):
    window = seed_window
    assert train(qtbot, window) == "finished"
    view = show(qtbot, window)
    assert view.input.text() == "0.3, 0.1"
    weights = window.session.history.latest_weights
    kernel, bias, v, c = (np.asarray(w, np.float64) for w in weights)
    x = np.array([0.3, 0.1], np.float32).astype(np.float64)
    h = np.tanh(x @ kernel + bias)
    y = np.tanh(h @ v + c)
    np.testing.assert_allclose(view.steps[0].outputs, h, atol=1e-12)
    np.testing.assert_allclose(view.by_hand, y, atol=1e-12)
    np.testing.assert_allclose(view.predicted, y, atol=1e-5)
    text = view.text.toPlainText()
    assert f"{h[2]:.4f}" in text and f"{y[0]:.4f}" in text
    assert f"0.3000×{kernel[0, 0]:.4f}".replace("×-", "×(-") in text
    result = view.result.text()
    assert f"y = {y[0]:.4f}" in result and f"{view.predicted[0]:.8f}" in result
    assert "agree" in result
    # In the theme's "good" tone (a fixed dark green was unreadable on the dark theme).
    from playground.ui.widgets.note import tone_span
    assert tone_span("✓ agree", "good") in result
    # 0.3 + 0.1 = 0.4 is not above 0.5: the truth is shown beside the model's answer.
    assert "0.3000 + 0.1000 = 0.4000 ≤ 0.5" in result


def test_a_data_row_and_a_typed_row_and_a_weight_edit_update_both_values(qtbot, seed_window):
    window = seed_window
    view = show(qtbot, window)
    view.rows.setCurrentIndex(3)
    view.rows.activated.emit(3)
    x_row = window.session.dataset.x_train[2]
    qtbot.waitUntil(lambda: view.predicted is not None and np.allclose(view.x, x_row),
                    timeout=10_000)
    np.testing.assert_allclose(view.predicted, view.by_hand, atol=1e-5)

    view.set_input("abc")
    assert "not a number" in view.error.text()
    view.set_input("0.9, 0.8")
    qtbot.waitUntil(lambda: view.predicted is not None, timeout=10_000)
    before = view.predicted.copy()

    weights = window.views["weights"]
    with qtbot.waitSignal(window.training_idle, timeout=10_000):
        assert weights.request([w * 2 for w in window.session.history.latest_weights]) == ""
    qtbot.waitUntil(lambda: view.predicted is not None
                    and not np.allclose(view.predicted, before), timeout=10_000)
    np.testing.assert_allclose(view.predicted, view.by_hand, atol=1e-5)
