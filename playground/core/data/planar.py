"""Small generated data to see a network learn: points on a plane, a curve over a line.

Each generator is a pure, seeded NumPy function `(rng, samples, noise, experiment) -> (x, labels)`
in the style of TensorFlow Playground's dataset.ts; `GENERATORS` names them by dataset key and
says what their data is, so a new shape (circle, spiral, moons) is one function and one entry.
As in sum-threshold, the training rows (`samples`, split like Keras's `validation_split`) and
the separate test rows (`test_samples`) come from two independent streams of the seed: the same
seed gives the same data, and changing the test-set size never changes the training rows.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from playground.core.data.dataset import Dataset, split_validation

_TRAIN_STREAM, _TEST_STREAM = 0, 1
#: Gaussian blobs: centres on a circle of this radius, each blob's spread grows with the noise.
BLOB_RADIUS = 1.0
BLOB_SPREAD = 0.25
#: The sine's inputs span [-SINE_SPAN, SINE_SPAN].
SINE_SPAN = 3.0


def gaussian_blobs(rng: np.random.Generator, samples: int, noise: float, classes: int):
    """`classes` round blobs, centres evenly spaced on a circle, rows dealt round-robin to
    them (so every class has rows); noise widens each blob, making them overlap."""
    labels = np.arange(samples) % classes
    rng.shuffle(labels)
    angles = 2 * np.pi * np.arange(classes) / classes + np.pi / 2
    centres = BLOB_RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    x = centres[labels] + rng.normal(0.0, BLOB_SPREAD + noise, (samples, 2))
    return x.astype(np.float32), labels.astype(np.int64)


def noisy_sine(rng: np.random.Generator, samples: int, noise: float, classes: int):
    """y = sin(x) plus Gaussian noise of standard deviation `noise`, x uniform in the span."""
    x = rng.uniform(-SINE_SPAN, SINE_SPAN, (samples, 1))
    y = np.sin(x[:, 0]) + rng.normal(0.0, noise, samples) if noise else np.sin(x[:, 0])
    return x.astype(np.float32), y.astype(np.float32)


@dataclass(frozen=True)
class Generator:
    """One generated dataset: its function and what its rows mean."""

    make: Callable
    feature_names: tuple[str, ...]
    #: Class names for `classes` classes; None for regression.
    class_names: Callable[[int], tuple[str, ...]] | None
    #: Per input, the range its plots span.
    plot_range: tuple[tuple[float, float], ...]
    #: What the data is, in a line (the exported script's comment).
    about: str = ""
    #: Module constants `make` reads (copied into the exported script).
    constants: tuple[str, ...] = ()


GENERATORS: dict[str, Generator] = {
    "gaussians": Generator(gaussian_blobs, ("x1", "x2"),
                           lambda k: tuple(f"blob {i + 1}" for i in range(k)),
                           ((-2.5, 2.5), (-2.5, 2.5)),
                           "Gaussian blobs on the plane, one per class; noise widens them.",
                           ("BLOB_RADIUS", "BLOB_SPREAD")),
    "sine": Generator(noisy_sine, ("x",), None, ((-SINE_SPAN - 0.25, SINE_SPAN + 0.25),),
                      "y = sin(x) plus Gaussian noise, one input: a regression.",
                      ("SINE_SPAN",)),
}


@lru_cache(maxsize=8)
def _rows(key: str, seed: int, stream: int, count: int, noise: float, classes: int):
    """`count` read-only (x, labels), cached: the form validates on every keystroke."""
    rng = np.random.default_rng([seed, stream])
    x, labels = GENERATORS[key].make(rng, count, noise, classes)
    for array in (x, labels):
        array.setflags(write=False)
    return x, labels


def build(experiment) -> Dataset:
    key, generator = experiment.dataset, GENERATORS[experiment.dataset]
    classes = experiment.classes if generator.class_names else 0
    args = (experiment.noise, classes)
    x, labels = _rows(key, experiment.seed, _TRAIN_STREAM, experiment.samples, *args)
    x_train, y_train, x_val, y_val = split_validation(x, labels, experiment.validation_split)
    x_test, y_test = _rows(key, experiment.seed, _TEST_STREAM, experiment.test_samples, *args)
    regression = generator.class_names is None
    return Dataset(
        key=key,
        x_train=x_train, labels_train=y_train,
        x_val=x_val, labels_val=y_val,
        x_test=x_test, labels_test=y_test,
        feature_names=generator.feature_names,
        class_names=() if regression else generator.class_names(classes),
        plot_range=generator.plot_range,
        task="regression" if regression else "classification",
    )


def train_rows(experiment) -> int:
    # The same cut as split_validation.
    if experiment.validation_split > 0:
        return int(experiment.samples * (1.0 - experiment.validation_split))
    return experiment.samples


def describe(experiment, dataset) -> str:
    if dataset.n_classes:
        what = (f"{dataset.n_classes} Gaussian blobs on the plane, one per class, centres on a "
                f"circle of radius {BLOB_RADIUS:g}, spread {BLOB_SPREAD + experiment.noise:g}")
    else:
        what = (f"y = sin(x) for x uniform in [−{SINE_SPAN:g}, {SINE_SPAN:g}], plus Gaussian "
                f"noise of spread {experiment.noise:g}")
    return f"{what}. {experiment.samples:,} samples (seed {experiment.seed})."


def script(experiment) -> tuple[list[str], int, tuple[str, ...]]:
    """The data as lines of a plain-Keras script (see `gates.script`): this module's own
    generator, copied, with the same seed streams."""
    generator = GENERATORS[experiment.dataset]
    name = generator.make.__name__
    classes = experiment.classes if generator.class_names else 0
    lines = [f"# {generator.about}"]
    lines += [f"{constant} = {globals()[constant]!r}" for constant in generator.constants]
    lines += ["", ""] + inspect.getsource(generator.make).rstrip().splitlines() + ["", ""]
    lines += [
        f"NOISE, CLASSES = {experiment.noise!r}, {classes}",
        "# (seed, stream) picks an independent random sequence: the test rows (stream 1)",
        "# never change the training rows (stream 0).",
        f"x, labels = {name}(np.random.default_rng([SEED, 0]), {experiment.samples}, NOISE, "
        "CLASSES)",
        f"x_test, labels_test = {name}(np.random.default_rng([SEED, 1]), "
        f"{experiment.test_samples}, NOISE, CLASSES)",
    ]
    names = generator.class_names(classes) if generator.class_names else ()
    return lines, len(generator.feature_names), names
