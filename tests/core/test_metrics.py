"""Metrics follow the task: classes from outputs, accuracy, MSE/MAE/R², losses as Keras has them."""
from __future__ import annotations

import math

import numpy as np
import pytest

from playground.core.data import registry as datasets
from playground.core.experiment import Experiment, Layer
from playground.core.inspection import metrics


def test_each_task_names_its_metrics():
    assert metrics.metric_names("classification") == ("accuracy",)
    assert metrics.metric_names("regression") == ("mse", "mae", "r2")


def test_one_output_is_cut_at_the_threshold_and_softmax_rows_take_their_top_class():
    one = np.array([[0.2], [0.7], [0.5]])
    assert metrics.predicted_classes(one, "binary", 0.5).tolist() == [0, 1, 0]
    assert metrics.predicted_classes(one, "binary", 0.1).tolist() == [1, 1, 1]
    assert metrics.predicted_classes(np.array([[-0.3], [0.2]]), "signed", 0.0).tolist() == [0, 1]
    soft = np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]])
    assert metrics.predicted_classes(soft, "sparse", 0.5).tolist() == [1, 0]
    classes, right = metrics.classify(soft, [1, 2], "onehot", 0.5)
    assert classes.tolist() == [1, 0] and right.tolist() == [True, False]


def test_accuracy_counts_the_rows_whose_class_is_the_label():
    outputs = np.array([[0.9], [0.2], [0.8], [0.4]])
    assert metrics.scores(outputs, [1, 0, 0, 0], "classification") == {"accuracy": 0.75}
    assert math.isnan(metrics.accuracy(np.zeros((0, 1)), [], "binary", 0.5))


def test_regression_scores_are_in_the_targets_units():
    targets = np.array([1.0, 2.0, 3.0, 4.0])
    outputs = (targets + np.array([0.5, -0.5, 0.5, -0.5]))[:, None]
    got = metrics.scores(outputs, targets, "regression")
    assert got["mse"] == pytest.approx(0.25) and got["mae"] == pytest.approx(0.5)
    assert got["r2"] == pytest.approx(1 - 1.0 / 5.0)  # residuals 1.0, spread 5.0
    perfect = metrics.scores(targets[:, None], targets, "regression")
    assert perfect == {"mse": 0.0, "mae": 0.0, "r2": 1.0}
    # Predicting the mean explains nothing.
    assert metrics.scores(np.full((4, 1), 2.5), targets, "regression")["r2"] == pytest.approx(0)


@pytest.mark.parametrize("loss, outputs, targets, expected", [
    ("mean_squared_error", [[0.5], [2.0]], [1.0, 1.0], (0.25 + 1.0) / 2),
    ("mean_absolute_error", [[0.5], [2.0]], [1.0, 1.0], 0.75),
    ("huber", [[0.5], [3.0]], [1.0, 1.0], (0.5 * 0.25 + (2.0 - 0.5)) / 2),
])
def test_regression_losses_are_computed_as_keras_does(loss, outputs, targets, expected):
    assert metrics.loss_value(np.array(outputs), np.array(targets), loss, "value", 0) == \
        pytest.approx(expected)


def test_numpy_losses_match_keras():
    from playground.core.model.runtime import load
    _, keras = load()
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 20)
    soft = rng.random((20, 3)) + 0.1
    soft /= soft.sum(axis=1, keepdims=True)
    one = rng.random((20, 1)) * 0.9 + 0.05
    values = rng.normal(size=20).astype(np.float32)
    cases = [
        ("sparse_categorical_crossentropy", soft, labels, "sparse", 3,
         keras.losses.SparseCategoricalCrossentropy()(labels, soft)),
        ("categorical_crossentropy", soft, labels, "onehot", 3,
         keras.losses.CategoricalCrossentropy()(np.eye(3)[labels], soft)),
        ("binary_crossentropy", one, labels % 2, "binary", 2,
         keras.losses.BinaryCrossentropy()((labels % 2)[:, None].astype("float32"), one)),
        ("huber", one * 4, values, "value", 0,
         keras.losses.Huber()(values[:, None], (one * 4).astype("float32"))),
        ("mean_absolute_error", one, values, "value", 0,
         keras.losses.MeanAbsoluteError()(values[:, None], one.astype("float32"))),
    ]
    for name, outputs, labels_, encoding, n, expected in cases:
        got = metrics.loss_value(outputs, labels_, name, encoding, n)
        assert got == pytest.approx(float(expected), rel=1e-4), name


def test_evaluate_measures_weights_on_rows_by_the_task():
    sine = Experiment(dataset="sine", loss="mse", layers=(), validation_split=0.2,
                      epochs=150, batch_size=32)
    data = datasets.load(sine)
    weights = [np.zeros((1, 1)), np.zeros(1)]  # predicts 0 everywhere
    got = metrics.evaluate(sine, weights, data.x_test, data.labels_test, data)
    assert set(got) == {"loss", "mse", "mae", "r2"}
    assert got["mse"] == pytest.approx(np.mean(data.labels_test.astype(float) ** 2))
    assert got["loss"] == pytest.approx(got["mse"])
    xor = Experiment(layers=())
    gate = datasets.load(xor)
    up = [np.zeros((2, 1)), np.ones(1)]  # sigmoid(1) > 0.5: class 1 for every row
    assert metrics.evaluate(xor, up, gate.x_train, gate.labels_train, gate)["accuracy"] == 0.5
    assert metrics.evaluate(xor, up, gate.x_train, gate.labels_train, gate,
                            threshold=0.9)["accuracy"] == 0.5
    assert math.isnan(metrics.evaluate(xor, up, gate.x_test, gate.labels_test, gate)["loss"])


def test_class_labels_read_as_the_targets_do():
    data = datasets.load(Experiment(dataset="gaussians", loss="sparse-categorical",
                                    layers=(Layer(4),)))
    assert metrics.class_label(data, "sparse", 2) == "blob 3"
    assert metrics.class_label(data, "signed", 0) == "−1"
    assert metrics.class_label(None, "binary", 1) == "1"
