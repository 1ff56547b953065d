"""Sum above a threshold (seed 002): generated rows, splits, reproducibility, ±1 accuracy."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.data import registry as datasets
from playground.core.data.dataset import encode_targets
from playground.core.inspection.metrics import predicted_classes
from playground.core.experiment import Experiment, Layer
from playground.core.data.sum_threshold import PRESETS, labels_for

SEED_002 = Experiment().replace(**PRESETS["2 inputs, t = 0.5 (hidden 5 tanh)"])


def make(**changes) -> Experiment:
    return Experiment(dataset="sum-threshold").replace(**changes)


def test_registered_with_the_options_the_form_shows():
    spec = datasets.get("sum-threshold")
    assert (spec.task, spec.classes(make()), spec.images) == ("classification", 2, False)
    assert spec.options == ("inputs", "threshold", "samples", "test_samples")


def test_rows_are_uniform_in_the_unit_cube_and_labelled_by_their_sum():
    experiment = make(inputs=5, threshold=2.5, samples=20_000, test_samples=0)
    data = datasets.load(experiment)
    x = data.x_train
    assert x.shape == (20_000, 5) and x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() < 1.0
    assert np.allclose(x.mean(axis=0), 0.5, atol=0.01)
    assert np.allclose(x.var(axis=0), 1 / 12, atol=0.005)
    assert np.array_equal(data.labels_train, (x.astype(np.float64).sum(axis=1) > 2.5))
    assert abs(data.labels_train.mean() - 0.5) < 0.02  # symmetric around n / 2


def test_two_inputs_threshold_half_is_mostly_positive():
    # P(x1 + x2 <= 0.5) is the triangle's area, 0.125.
    data = datasets.load(make(samples=50_000, test_samples=0))
    assert abs(data.labels_train.mean() - 0.875) < 0.01


def test_seed_002_settings_split_like_keras_and_add_a_fresh_test_set():
    data = datasets.load(SEED_002)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (200, 50, 200)
    assert datasets.get("sum-threshold").train_rows(SEED_002) == 200
    assert data.feature_names == ("x1", "x2")
    assert data.class_names == ("sum ≤ 0.5", "sum > 0.5")
    assert data.plot_range == ((-0.1, 1.1), (-0.1, 1.1))
    assert data.is_binary and data.output_units == 1
    # The test rows are new points, not training or validation rows.
    seen = {tuple(row) for row in np.concatenate([data.x_train, data.x_val])}
    assert not any(tuple(row) in seen for row in data.x_test)
    assert np.array_equal(data.labels_test, labels_for(data.x_test, 0.5))


def test_same_seed_same_rows_other_seed_other_rows():
    first, again = datasets.load(SEED_002), datasets.load(SEED_002)
    for name in ("x_train", "x_val", "x_test", "labels_train", "labels_test"):
        assert np.array_equal(getattr(first, name), getattr(again, name))
    other = datasets.load(SEED_002.replace(seed=1))
    assert not np.array_equal(first.x_train, other.x_train)
    assert not np.array_equal(first.x_test, other.x_test)


def test_test_set_size_never_changes_the_training_rows():
    small = datasets.load(SEED_002.replace(test_samples=10))
    large = datasets.load(SEED_002.replace(test_samples=500))
    assert np.array_equal(small.x_train, large.x_train)
    assert np.array_equal(small.x_test, large.x_test[:10])
    assert len(datasets.load(SEED_002.replace(test_samples=0)).x_test) == 0


def test_labels_follow_the_loss_as_targets():
    labels = datasets.load(SEED_002).labels_train
    signed = encode_targets(labels, SEED_002.encoding, 2)
    assert SEED_002.encoding == "signed" and set(np.unique(signed)) == {-1.0, 1.0}
    bce = SEED_002.replace(loss="bce")
    assert set(np.unique(encode_targets(labels, bce.encoding, 2))) == {0.0, 1.0}


@pytest.mark.parametrize("threshold, words", [(3.0, "no sample sums above 3"),
                                              (-0.5, "every sample sums above -0.5")])
def test_a_threshold_leaving_one_class_empty_is_named(threshold, words):
    errors = make(threshold=threshold).validate()
    assert [e.field for e in errors] == ["threshold"]
    assert words in errors[0].message


def test_five_inputs_threshold_two_and_a_half_is_valid():
    assert Experiment().replace(**PRESETS["5 inputs, t = 2.5 (hidden 20 tanh)"]).validate() == []
    assert make(inputs=11).validate()[0].field == "inputs"


# ----- accuracy with ±1 targets -------------------------------------------------------------

def test_accuracy_is_sign_agreement_for_tanh_and_hinge():
    """Keras's default binary accuracy cuts at 0.5 and compares with 0/1: wrong for ±1."""
    from playground.core.model.runtime import load
    from playground.core.training.trainer import Trainer
    from playground.core.inspection.weights import hand_set_neuron

    _, keras = load()
    experiment = SEED_002.replace(layers=())
    trainer = Trainer(experiment)
    trainer.model.set_weights(hand_set_neuron(2, 0.5))
    data = trainer.dataset
    outputs = trainer.predict(data.x_test)
    assert np.array_equal(predicted_classes(outputs, "signed", 0.0), data.labels_test)
    assert trainer.evaluate(data.x_test, data.labels_test)[1] == 1.0

    keras_accuracy = keras.metrics.BinaryAccuracy()
    keras_accuracy.update_state(encode_targets(data.labels_test, "signed", 2), outputs)
    assert float(keras_accuracy.result()) < 0.9  # what the default metric would have said


def test_reported_accuracy_equals_sign_agreement_while_training():
    from playground.core.training.trainer import Trainer

    trainer = Trainer(SEED_002.replace(layers=(Layer(5, "tanh"),), epochs=20))
    reports = list(trainer.run())
    data = trainer.dataset
    for x, labels, reported in ((data.x_train, data.labels_train, reports[-1].accuracy[-1]),
                                (data.x_val, data.labels_val, reports[-1].val_accuracy[-1])):
        sign = predicted_classes(trainer.predict(x), "signed", 0.0)
        assert reported == pytest.approx(np.mean(sign == labels), abs=1e-6)
