"""The dataset registry: one line per dataset, saying what its data is without building it.

A dataset module provides `build(experiment) -> Dataset` and `train_rows(experiment) -> int`,
and may provide `check(experiment) -> list[FieldError]` for its own options. Modules are
imported only when used, so listing datasets costs nothing at start-up. This module imports no
`Experiment`: the experiment asks the registry, never the other way round.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from playground.core.data.dataset import Dataset
from playground.core.errors import FieldError
from playground.core.losses import LOSSES, REGRESSION, fitting_losses


@dataclass(frozen=True)
class DatasetSpec:
    """What a dataset is (task, classes, images) and the settings a run of it starts from."""

    key: str
    label: str
    module: str
    #: "classification" or "regression".
    task: str = "classification"
    #: Number of classes (0 for regression) unless `classes_field` names the setting holding it.
    n_classes: int = 2
    classes_field: str = ""
    #: Rows are images (a gallery and a canvas show them; no input plane to draw).
    images: bool = False
    #: The task and classes are read from the data (a file): the module's `task(experiment)`
    #: and `classes(experiment)` say them.
    from_file: bool = False
    #: Experiment fields this dataset reads, so forms show only those options.
    options: tuple[str, ...] = ()
    # Starting values for the settings tuned to how much data there is (see `follow`).
    validation_split: float = 0.0
    epochs: int = 500
    batch_size: int = 1

    def _module(self):
        return importlib.import_module(self.module)

    def task_of(self, experiment) -> str:
        """The task of `experiment`'s data ("classification" or "regression")."""
        return self._module().task(experiment) if self.from_file else self.task

    def classes(self, experiment) -> int:
        """How many classes the data of `experiment` has (0 for regression)."""
        if self.from_file:
            return self._module().classes(experiment)
        if self.task == REGRESSION:
            return 0
        return int(getattr(experiment, self.classes_field)) if self.classes_field \
            else self.n_classes

    def losses(self, experiment) -> tuple[str, ...]:
        """Losses that can learn this data, the natural one first."""
        return fitting_losses(self.task_of(experiment), self.classes(experiment))

    def starting_settings(self) -> dict[str, Any]:
        return dict(validation_split=self.validation_split, epochs=self.epochs,
                    batch_size=self.batch_size)

    def build(self, experiment) -> Dataset:
        return self._module().build(experiment)

    def describe(self, experiment, dataset: Dataset) -> str:
        """The data in a sentence or two (plain text), where its module says more than its
        rows: e.g. how sum-threshold labels its rows. Empty otherwise."""
        describe = getattr(self._module(), "describe", None)
        return describe(experiment, dataset) if describe else ""

    def example_input(self, experiment) -> str:
        """An input worth typing first (seed 002's "0.3, 0.1"), or "" for a data row."""
        example = getattr(self._module(), "example_input", None)
        return example(experiment) if example else ""

    def truth(self, experiment, row):
        """(label, how it follows, in words) for any input `row` where the data has a rule
        (sum-threshold: the sum against the threshold); None where only data rows are known."""
        truth = getattr(self._module(), "truth", None)
        return truth(experiment, row) if truth else None

    def train_rows(self, experiment) -> int:
        return self._module().train_rows(experiment)

    def check(self, experiment) -> list:
        errors = []
        fitting = self.losses(experiment)
        if experiment.loss not in fitting:  # e.g. a softmax over XOR's two classes reads 1
            errors.append(FieldError("loss", self._loss_advice(experiment, fitting)))
        check = getattr(self._module(), "check", None)
        errors += list(check(experiment)) if check else []
        if not errors and self.train_rows(experiment) < 1:
            errors.append(FieldError("validation_split", "leaves no rows to train on"))
        return errors

    def _loss_advice(self, experiment, fitting: tuple[str, ...]) -> str:
        first, *others = (LOSSES[key].label.lower() for key in fitting)
        classes = self.classes(experiment)
        if self.task_of(experiment) == REGRESSION:
            what = "a regression target takes one linear output"
            output = "linear"
        else:
            output = LOSSES[fitting[0]].outputs[0]
            what = ("two classes take one output neuron" if classes == 2
                    else f"{'images have' if self.images else 'the data has'} {classes} classes")
        return f"{what}: use {first} (with a {output} output), or {' or '.join(others)}"


_REGISTRY: dict[str, DatasetSpec] = {}


def register(spec: DatasetSpec) -> None:
    _REGISTRY[spec.key] = spec


def names() -> list[str]:
    return list(_REGISTRY)


def get(key: str) -> DatasetSpec:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"unknown dataset {key!r}; choose one of {', '.join(_REGISTRY)}") from None


def find(key: str) -> DatasetSpec | None:
    """The spec of `key`, or None when there is no such dataset."""
    return _REGISTRY.get(key)


def load(experiment) -> Dataset:
    """The experiment's data, with its engineered input features (the one place they are
    computed for training and the views: core/data/features.py)."""
    from playground.core.data import features
    return features.apply(get(experiment.dataset).build(experiment),
                          getattr(experiment, "features", ""))


# ----- settings that follow the dataset ------------------------------------------------------

def follow(key: str, loss: str, before: str | None = None, experiment=None) -> dict[str, Any]:
    """The settings to change when the dataset becomes `key` (it was `before`), as a dict of
    Experiment fields.

    A loss that cannot learn the new data (its task and number of classes, read from
    `experiment` where a setting holds it) becomes its natural loss, with that loss's natural
    output activation, stored as "". When the new data starts from other settings than the old
    (its size), the validation split, epochs and batch size take the new starting values: they
    were chosen for the old data's size, and batch 1 for 500 epochs, right for 4 rows, is 30
    million steps on 60,000 images. Between data of the same size (XOR -> AND, MNIST ->
    Fashion-MNIST) the user's values stay.
    """
    spec = get(key)
    fitting = spec.losses(experiment) if experiment is not None else \
        fitting_losses(spec.task, spec.n_classes)
    changes: dict[str, Any] = {}
    if loss not in fitting:
        changes.update(loss=fitting[0], output_activation="")
    old = find(before) if before is not None else None
    if old is None or old.task != spec.task or \
            old.starting_settings() != spec.starting_settings():
        changes.update(spec.starting_settings())
    task = spec.task_of(experiment) if experiment is not None else spec.task
    if task == REGRESSION and experiment is not None and \
            experiment.output_activation not in ("", "linear"):
        changes.update(output_activation="")  # a regression target needs a linear output
    return changes


# Seed 000 (the Experiment defaults): 4 rows, one row per step; holding out even one of them
# leaves a truth table with a corner missing.
_GATE = dict(module="playground.core.data.gates", validation_split=0.0, epochs=500,
             batch_size=1)
# Seed 002 with Keras's validation_split=0.2 and default batch size of 32; the generated planes
# are tables of the same size.
_TABLE = dict(validation_split=0.2, epochs=150, batch_size=32)
# The TensorFlow classification tutorial (5 epochs, batch 32); no split, so the test set serves
# as validation data, as the tutorial's validation_data does.
_IMAGES = dict(module="playground.core.data.images", n_classes=10, images=True,
               options=("train_size", "test_size", "normalize"), validation_split=0.0,
               epochs=5, batch_size=32)
_PLANAR = "playground.core.data.planar"

register(DatasetSpec("xor", "XOR", **_GATE))
register(DatasetSpec("and", "AND", **_GATE))
register(DatasetSpec("or", "OR", **_GATE))
register(DatasetSpec("sum-threshold", "Sum above threshold", "playground.core.data.sum_threshold",
                     options=("inputs", "threshold", "samples", "test_samples"), **_TABLE))
# The 2-D playground (core/data/planar.py): a test fraction of the samples is held out.
_PLANE_OPTIONS = ("noise", "samples", "test_fraction", "standardize")
for _key, _label in (("circle", "Circle"), ("xor-cloud", "XOR clouds"), ("moons", "Moons")):
    register(DatasetSpec(_key, _label, _PLANAR, options=_PLANE_OPTIONS, **_TABLE))
register(DatasetSpec("gaussians", "Gaussian blobs", _PLANAR, classes_field="classes",
                     options=("classes",) + _PLANE_OPTIONS, **_TABLE))
register(DatasetSpec("spiral", "Spiral", _PLANAR, classes_field="classes",
                     options=("classes",) + _PLANE_OPTIONS, **_TABLE))
# Your own points: clicked onto the boundary plot; batch 1 fits any number of them.
register(DatasetSpec("drawn", "Your own points", _PLANAR, classes_field="classes",
                     options=("points", "classes", "test_fraction"), validation_split=0.0,
                     epochs=300, batch_size=1))
for _key, _label in (("sine", "Noisy sine"), ("plane", "Tilted plane"),
                     ("gaussian-hills", "Gaussian hills")):
    register(DatasetSpec(_key, _label, _PLANAR, task=REGRESSION, n_classes=0,
                         options=_PLANE_OPTIONS, **_TABLE))
register(DatasetSpec("mnist", "MNIST digits", **_IMAGES))
register(DatasetSpec("fashion-mnist", "Fashion-MNIST", **_IMAGES))
# Your own table: task, classes and inputs come from the file; a test set is cut from its rows.
register(DatasetSpec("csv", "Your own table (CSV)", "playground.core.data.tables",
                     from_file=True, validation_split=0.0, epochs=100, batch_size=32,
                     options=("csv", "target", "input_columns", "table_task", "test_fraction",
                              "standardize", "missing", "csv_delimiter", "csv_decimal",
                              "csv_encoding", "csv_header")))
