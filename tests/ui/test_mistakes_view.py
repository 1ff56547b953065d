"""Mistakes lab (issue 17): step through wrongly answered test images, bend one and read the
network's probabilities, and see what a confidence threshold costs in coverage."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.experiment import Experiment
from playground.core.layers import dense
from tests.ui.gui import open_window, train

#: A few seconds of training on 200 images: plenty of mistakes among 100 test images.
SMALL = Experiment(dataset="mnist", layers=(dense(16, "relu"),), loss="sparse-categorical",
                   optimizer="adam", learning_rate=0.01, epochs=1, batch_size=32,
                   train_size=200, test_size=100)


def lab(qtbot, experiment=SMALL):
    window = open_window(qtbot, experiment)
    assert train(qtbot, window) in ("finished", "step")
    view = window.views["mistakes"]
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(view.isVisible)
    view.evaluate_now()
    assert view.predictions is not None
    return window, view


@pytest.mark.needs_datasets
def test_next_mistake_goes_to_wrong_answers_costliest_first(qtbot, offline_datasets):
    window, view = lab(qtbot)
    p = view.predictions
    wrong = np.flatnonzero(p.predicted != p.labels)
    assert len(wrong) > 1 and f"{len(wrong)} mistakes" in view.where.text()
    seen = []
    for _ in range(2):
        view.next_button.click()
        seen.append(view.index)
        assert p.predicted[view.index] != p.labels[view.index]
        assert "answered" in view.where.text() and "Mistake" in view.where.text()
    truth = p.labels[seen]
    losses = -np.log(p.probabilities[seen, truth])
    assert seen[0] != seen[1] and losses[0] >= losses[1]
    assert "Mistake 2 of" in view.where.text()
    view.previous_button.click()
    assert view.index == seen[0] and "Mistake 1 of" in view.where.text()
    window.close()


@pytest.mark.needs_datasets
def test_unbent_probabilities_are_model_predict_s_and_bending_changes_them(qtbot,
                                                                        offline_datasets):
    window, view = lab(qtbot)
    view.next_button.click()
    index = view.index
    row = np.asarray(window.session.dataset.x_test[index:index + 1], np.float32)
    expected = window.workers.worker.trainer.model.predict(row, verbose=0)[0]
    np.testing.assert_allclose(view.probabilities, expected, rtol=1e-4, atol=1e-6)
    view.sliders["rotation"].setValue(45)
    assert view.slider_labels["rotation"].text() == "45°"
    assert not np.allclose(view.probabilities, expected, rtol=1e-3, atol=1e-4)
    view.sliders["rotation"].setValue(0)
    np.testing.assert_allclose(view.probabilities, expected, rtol=1e-4, atol=1e-6)
    view.sliders["thickness"].setValue(2)
    view.sliders["noise"].setValue(30)
    assert not np.allclose(view.probabilities, expected, rtol=1e-3, atol=1e-4)
    view.reset_button.click()
    assert all(slider.value() == 0 for slider in view.sliders.values())
    np.testing.assert_allclose(view.chart.values, expected, rtol=1e-4, atol=1e-6)
    window.close()


@pytest.mark.needs_datasets
def test_the_coverage_curve_at_threshold_zero_is_the_accuracy(qtbot, offline_datasets):
    window, view = lab(qtbot)
    p = view.predictions
    view.threshold.setValue(0)
    coverage, accuracy = view.curve
    assert coverage[0] == 1.0 and accuracy[0] == pytest.approx(p.accuracy)
    assert f"100.0% of the test images answered, {100 * p.accuracy:.1f}%" \
        in view.coverage_label.text()
    view.threshold.setValue(90)
    sure = p.confidence >= 0.9
    assert coverage[90] == pytest.approx(sure.mean())
    assert f"{100 * sure.mean():.1f}% of the test images answered" in view.coverage_label.text()
    window.close()


def test_other_data_gets_a_note(qtbot, window):
    view = window.views["mistakes"]
    assert view.stack.currentWidget() is view.empty_note
