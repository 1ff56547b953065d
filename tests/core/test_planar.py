"""Generated planes and curves: seeded, split like Keras, with a separate test set."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.data import planar
from playground.core.data import registry as datasets
from playground.core.experiment import Experiment


def blobs(**changes) -> Experiment:
    return Experiment(dataset="gaussians", loss="sparse-categorical", validation_split=0.2,
                      epochs=150, batch_size=32).replace(**changes)


def sine(**changes) -> Experiment:
    return Experiment(dataset="sine", loss="mse", validation_split=0.2, epochs=150,
                      batch_size=32).replace(**changes)


@pytest.mark.parametrize("classes", [2, 3, 6])
def test_gaussian_blobs_have_every_class_and_say_what_they_are(classes):
    data = datasets.load(blobs(classes=classes, samples=300, test_samples=60))
    assert (data.task, data.n_classes, data.input_shape) == ("classification", classes, (2,))
    assert data.is_plane and not data.is_images and data.rows == 360
    assert data.class_names == tuple(f"blob {i + 1}" for i in range(classes))
    assert len(data.x_train) == 240 and len(data.x_val) == 60 and len(data.x_test) == 60
    assert set(np.unique(data.labels_train)) == set(range(classes))
    assert data.output_units == (1 if classes == 2 else classes)


def test_each_blob_gathers_round_its_own_centre():
    data = datasets.load(blobs(noise=0.0, samples=600))
    means = [data.x_train[data.labels_train == k].mean(axis=0) for k in range(3)]
    distances = [np.linalg.norm(m) for m in means]
    assert np.allclose(distances, planar.BLOB_RADIUS, atol=0.1)
    assert min(np.linalg.norm(means[i] - means[j]) for i in range(3) for j in range(i)) > 1.5


def test_noise_spreads_the_blobs():
    calm = datasets.load(blobs(noise=0.0, samples=600)).x_train
    wild = datasets.load(blobs(noise=0.5, samples=600)).x_train
    assert wild.std() > calm.std() * 1.2


def test_the_sine_is_a_regression_over_one_input():
    data = datasets.load(sine(noise=0.0, samples=200, test_samples=50))
    assert (data.task, data.n_classes, data.class_names, data.n_inputs) == \
        ("regression", 0, (), 1)
    assert not data.is_plane and data.output_units == 1
    assert data.labels_train.dtype == np.float32
    assert np.abs(data.x_train).max() <= planar.SINE_SPAN
    np.testing.assert_allclose(data.labels_train, np.sin(data.x_train[:, 0]), atol=1e-6)
    noisy = datasets.load(sine(noise=0.3, samples=200))
    residual = noisy.labels_train - np.sin(noisy.x_train[:, 0])
    assert 0.2 < residual.std() < 0.4


@pytest.mark.parametrize("make", [blobs, sine])
def test_same_seed_same_rows_and_the_test_set_never_moves_the_training_rows(make):
    a = datasets.load(make(seed=4))
    b = datasets.load(make(seed=4, test_samples=17))
    c = datasets.load(make(seed=5))
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.labels_val, b.labels_val)
    assert len(b.x_test) == 17 and not np.shares_memory(a.x_train, b.x_test)
    assert not np.array_equal(a.x_train, c.x_train)
    with pytest.raises(ValueError):
        a.x_train[0, 0] = 1.0  # shared through the cache: read-only
