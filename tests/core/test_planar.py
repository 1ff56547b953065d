"""Generated planes and curves: seeded, a test fraction held out, inputs standardised."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.data import planar
from playground.core.data import registry as datasets
from playground.core.experiment import Experiment

CLASSIFIERS = ("circle", "xor-cloud", "gaussians", "spiral", "moons")
REGRESSIONS = ("sine", "plane", "gaussian-hills")


def made(dataset: str, **changes) -> Experiment:
    """`dataset` with the settings the form gives it when chosen."""
    chosen = Experiment(dataset=dataset)
    return chosen.replace(**datasets.follow(dataset, chosen.loss, "xor", chosen)).replace(
        **changes)


def blobs(**changes) -> Experiment:
    return made("gaussians", **changes)


def sine(**changes) -> Experiment:
    return made("sine", **changes)


@pytest.mark.parametrize("key", CLASSIFIERS + REGRESSIONS)
def test_every_generated_set_is_valid_split_by_the_test_fraction_and_standardised(key):
    experiment = made(key, samples=400, test_fraction=0.25, validation_split=0.2)
    assert experiment.validate() == []
    data = datasets.load(experiment)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (240, 60, 100)
    assert data.task == ("regression" if key in REGRESSIONS else "classification")
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(data.x_train.std(axis=0), 1.0, atol=1e-4)
    for axis, (low, high) in enumerate(data.plot_range):  # the plot covers the data
        assert low <= data.x_train[:, axis].min() and data.x_train[:, axis].max() <= high
    if key not in REGRESSIONS:
        assert set(np.unique(data.labels_train)) == set(range(data.n_classes))
    assert datasets.get(key).train_rows(experiment) == 240


@pytest.mark.parametrize("key", CLASSIFIERS + REGRESSIONS)
def test_standardising_is_switchable_and_only_moves_and_scales(key):
    plain = datasets.load(made(key, standardize=False))
    scaled = datasets.load(made(key))
    mean, spread = plain.x_train.mean(axis=0), plain.x_train.std(axis=0)
    np.testing.assert_allclose(scaled.x_test, (plain.x_test - mean) / spread, atol=1e-4)
    assert np.array_equal(scaled.labels_test, plain.labels_test)


@pytest.mark.parametrize("classes", [2, 3, 6])
def test_gaussian_blobs_have_every_class_and_say_what_they_are(classes):
    data = datasets.load(blobs(classes=classes, samples=300, test_fraction=0.2))
    assert (data.task, data.n_classes, data.input_shape) == ("classification", classes, (2,))
    assert data.is_plane and not data.is_images and data.rows == 300
    assert data.class_names == tuple(f"blob {i + 1}" for i in range(classes))
    assert len(data.x_train) == 192 and len(data.x_val) == 48 and len(data.x_test) == 60
    assert data.output_units == (1 if classes == 2 else classes)


@pytest.mark.parametrize("arms", [2, 3, 4])
def test_the_spiral_has_two_to_four_arms_winding_out(arms):
    data = datasets.load(made("spiral", classes=arms, noise=0.0, standardize=False))
    assert data.class_names == tuple(f"arm {i + 1}" for i in range(arms))
    radius = np.linalg.norm(data.x_train, axis=1)
    assert radius.max() <= planar.RADIUS + 1e-5 and radius.min() < 0.2
    assert made("spiral", classes=5).validate()[0].field == "classes"


def test_the_circle_is_a_disc_inside_a_ring():
    data = datasets.load(made("circle", noise=0.0, standardize=False, samples=1000))
    radius = np.linalg.norm(data.x_train, axis=1)
    inside = data.labels_train == 1
    assert radius[inside].max() <= 0.5 * planar.RADIUS + 1e-5
    assert radius[~inside].min() >= 0.7 * planar.RADIUS - 1e-5
    noisy = datasets.load(made("circle", noise=0.5, standardize=False, samples=1000))
    flipped = (np.linalg.norm(noisy.x_train, axis=1) < 0.6 * planar.RADIUS) != \
        (noisy.labels_train == 1)
    assert flipped.mean() > 0.05  # noise blurs the labels near the gap


def test_xor_clouds_are_labelled_by_the_signs():
    data = datasets.load(made("xor-cloud", noise=0.0, standardize=False))
    same = data.x_train[:, 0] * data.x_train[:, 1] > 0
    assert np.array_equal(same, data.labels_train == 1)


def test_samples_must_be_between_ten_and_ten_thousand():
    assert [e.field for e in made("moons", samples=9).validate()] == ["samples"]
    assert made("moons", samples=10_000).validate() == []
    assert [e.field for e in made("moons", samples=10_001).validate()] == ["samples"]


def test_each_blob_gathers_round_its_own_centre():
    data = datasets.load(blobs(noise=0.0, samples=600, standardize=False))
    means = [data.x_train[data.labels_train == k].mean(axis=0) for k in range(3)]
    distances = [np.linalg.norm(m) for m in means]
    assert np.allclose(distances, planar.BLOB_RADIUS, atol=0.1)
    assert min(np.linalg.norm(means[i] - means[j]) for i in range(3) for j in range(i)) > 1.5


def test_noise_spreads_the_blobs():
    calm = datasets.load(blobs(noise=0.0, samples=600, standardize=False)).x_train
    wild = datasets.load(blobs(noise=0.5, samples=600, standardize=False)).x_train
    assert wild.std() > calm.std() * 1.2


def test_the_sine_is_a_regression_over_one_input():
    data = datasets.load(sine(noise=0.0, samples=250, test_fraction=0.2, standardize=False))
    assert (data.task, data.n_classes, data.class_names, data.n_inputs) == \
        ("regression", 0, (), 1)
    assert not data.is_plane and data.output_units == 1 and len(data.x_test) == 50
    assert data.labels_train.dtype == np.float32
    assert np.abs(data.x_train).max() <= planar.SINE_SPAN
    np.testing.assert_allclose(data.labels_train, np.sin(data.x_train[:, 0]), atol=1e-6)
    noisy = datasets.load(sine(noise=0.3, samples=200, standardize=False))
    residual = noisy.labels_train - np.sin(noisy.x_train[:, 0])
    assert 0.2 < residual.std() < 0.4


@pytest.mark.parametrize("key", CLASSIFIERS + REGRESSIONS)
def test_same_seed_same_rows_a_new_seed_new_points(key):
    a = datasets.load(made(key, seed=4))
    b = datasets.load(made(key, seed=4))
    c = datasets.load(made(key, seed=5))
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.labels_test, b.labels_test)
    assert not np.array_equal(a.x_train, c.x_train)
    plain = datasets.load(made(key, seed=4, standardize=False))
    with pytest.raises(ValueError):
        plain.x_train[0, 0] = 1.0  # shared through the cache: read-only


# ----- your own points -------------------------------------------------------------------------

def drawn(**changes) -> Experiment:
    return made("drawn", classes=2, loss="bce", **changes)


def test_drawn_points_are_a_dataset_with_a_seeded_test_split():
    points = "; ".join(f"{i / 10:g},{-i / 10:g},{i % 2}" for i in range(20))
    experiment = drawn(points=points, test_fraction=0.25)
    assert experiment.validate() == []
    data = datasets.load(experiment)
    assert (len(data.x_train), len(data.x_test), data.n_classes) == (15, 5, 2)
    every = np.concatenate([data.x_train, data.x_test])
    assert sorted(every[:, 0].tolist()) == pytest.approx([i / 10 for i in range(20)])
    for (x1, x2), label in zip(every, np.concatenate([data.labels_train, data.labels_test])):
        assert x2 == pytest.approx(-x1) and label == round(x1 * 10) % 2  # kept as drawn
    other = datasets.load(experiment.replace(seed=1))
    assert not np.array_equal(other.x_test, data.x_test)  # another seed holds out others


def test_no_points_yet_is_a_starter_set_and_points_round_trip_as_text():
    starter = datasets.load(drawn())
    assert starter.rows == len(planar.STARTER_POINTS.split(";"))
    x, labels, problem = planar.parse_points(planar.format_points([[0.1234, -2.5]], [1]), 2)
    assert problem == "" and labels.tolist() == [1]
    np.testing.assert_allclose(x, [[0.12, -2.5]])


@pytest.mark.parametrize("points, message", [
    ("1,2,0; 3,x,1", "point 2 ('3,x,1') is not 'x1, x2, class'"),
    ("1,2,0; 3,4,5", "point 2 has class 5; classes run from 0 to 1"),
    ("1,2,0; 3,4,1", "draw at least 4 points"),
])
def test_bad_points_get_one_message_naming_the_point(points, message):
    errors = drawn(points=points).validate()
    assert [e.field for e in errors] == ["points"] and message in errors[0].message


def test_drawn_points_are_saved_opened_again_and_exported_as_literal_arrays(tmp_path):
    import json

    from playground.core.files import codegen
    from playground.core.files.experiment_file import read_experiment
    experiment = drawn(points="0.5,0.5,1; -0.5,0.5,0; -0.5,-0.5,1; 0.5,-0.5,0; 1,1,1",
                       test_fraction=0.4, seed=3)
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(experiment.to_dict()))
    opened = read_experiment(path)
    assert opened == experiment
    data = datasets.load(opened)
    script = codegen.keras_script(opened)
    assert "points = np.array([[0.5, 0.5], [-0.5, 0.5]" in script
    namespace: dict = {}
    exec(compile(script.split("model.summary()")[0], "<generated>", "exec"), namespace)  # noqa: S102
    np.testing.assert_array_equal(namespace["x"], data.x_train)
    np.testing.assert_array_equal(namespace["labels_test"], data.labels_test)
