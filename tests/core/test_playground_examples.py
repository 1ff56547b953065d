"""The 2-D playground's lessons (issue 14): each example does what its caption says."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.data import registry as datasets
from playground.core.experiment import Layer
from playground.core.inspection import metrics
from playground.core.teaching import examples
from playground.core.training.trainer import train


def test_the_lessons_are_all_there_in_order():
    assert [e.key for e in examples.PLAYGROUND_EXAMPLES] == [
        "circle-no-hidden-layer", "circle-hidden-layer", "spiral-one-small-layer",
        "spiral-needs-depth", "noise-and-over-fitting", "sine-straight-line",
        "networks-do-not-extrapolate"]
    assert examples.get("spiral-needs-depth").experiment.layers == (
        Layer(16, "tanh"), Layer(16, "tanh"))
    deep = examples.SPIRAL_DEEP
    assert (deep.samples, deep.test_fraction, deep.optimizer, deep.learning_rate,
            deep.batch_size, deep.epochs) == (500, 0.5, "adam", 0.01, 10, 1000)


def scored(key: str) -> tuple[dict, list]:
    """Train example `key` to the end; its test-set scores and every report."""
    experiment = examples.get(key).experiment
    _trainer, reports = train(experiment)
    data = datasets.load(experiment)
    test = metrics.evaluate(experiment, reports[-1].weights, data.x_test, data.labels_test, data)
    return test, reports


@pytest.mark.slow
def test_a_line_cannot_split_a_circle_and_one_hidden_layer_can():
    assert scored("circle-no-hidden-layer")[0]["accuracy"] <= 0.8
    assert scored("circle-hidden-layer")[0]["accuracy"] >= 0.95


@pytest.mark.slow
def test_a_line_cannot_fit_a_sine_and_sixteen_sixteen_tanh_can():
    assert scored("sine-straight-line")[0]["r2"] < 0.8
    assert scored("networks-do-not-extrapolate")[0]["r2"] >= 0.9


@pytest.mark.slow
def test_twenty_noisy_points_and_a_big_network_over_fit():
    _test, reports = scored("noise-and-over-fitting")
    assert reports[-1].held_out == "validation"
    val_loss = np.concatenate([r.val_loss for r in reports])
    loss = np.concatenate([r.loss for r in reports])
    assert loss[-1] < 0.01  # it learns the training points, noise and all
    assert val_loss[-1] > 2 * np.nanmin(val_loss)  # while the held-out loss climbs
