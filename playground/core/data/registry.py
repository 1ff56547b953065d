"""The dataset registry: one line per dataset, pointing at the module that builds it.

A dataset module provides `build(experiment) -> Dataset` and `train_rows(experiment) -> int`,
and may provide `check(experiment) -> list[FieldError]` for its own options. Modules are
imported only when used, so listing datasets costs nothing at start-up.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from playground.core.data.dataset import Dataset


@dataclass(frozen=True)
class DatasetSpec:
    key: str
    label: str
    module: str
    #: "gate" (4-row truth table), "table" (generated rows) or "images".
    kind: str
    #: Experiment fields this dataset reads, so forms show only those options.
    options: tuple[str, ...] = ()

    def _module(self):
        return importlib.import_module(self.module)

    def build(self, experiment) -> Dataset:
        return self._module().build(experiment)

    def train_rows(self, experiment) -> int:
        return self._module().train_rows(experiment)

    def check(self, experiment) -> list:
        from playground.core.experiment import LOSSES, FieldError

        errors = []
        fitting = KIND_SETTINGS[self.kind].losses
        if experiment.loss not in fitting:  # e.g. a softmax over XOR's two classes reads 1
            first, *others = (LOSSES[key].label.lower() for key in fitting)
            what = ("images have 10 classes" if self.kind == "images"
                    else "two classes take one output neuron")
            errors.append(FieldError("loss", f"{what}: use {first} (with a "
                                     f"{LOSSES[fitting[0]].outputs[0]} output), or "
                                     f"{' or '.join(others)}"))
        check = getattr(self._module(), "check", None)
        errors += list(check(experiment)) if check else []
        if not errors and self.train_rows(experiment) < 1:
            errors.append(FieldError("validation_split", "leaves no rows to train on"))
        return errors


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


def load(experiment) -> Dataset:
    return get(experiment.dataset).build(experiment)


# ----- settings that follow the dataset ------------------------------------------------------

@dataclass(frozen=True)
class KindSettings:
    """What fits one kind of data: the losses that can learn it, and starting values for the
    settings that are tuned to how much data there is."""

    #: Losses that fit, the natural one first: two classes take one 0/1 or ±1 output neuron,
    #: ten image classes a softmax.
    losses: tuple[str, ...]
    validation_split: float
    epochs: int
    batch_size: int


KIND_SETTINGS: dict[str, KindSettings] = {
    # Seed 000 (the Experiment defaults): 4 rows, one row per step; holding out even one of
    # them leaves a truth table with a corner missing.
    "gate": KindSettings(("bce", "mse", "hinge"), 0.0, 500, 1),
    # Seed 002 with Keras's validation_split=0.2 and default batch size of 32.
    "table": KindSettings(("bce", "mse", "hinge"), 0.2, 150, 32),
    # The TensorFlow classification tutorial (5 epochs, batch 32); no split, so the test set
    # serves as validation data, as the tutorial's validation_data does.
    "images": KindSettings(("sparse-categorical", "categorical"), 0.0, 5, 32),
}


def kind_settings(key: str) -> KindSettings:
    return KIND_SETTINGS[get(key).kind]


def follow(key: str, loss: str, before: str | None = None) -> dict[str, Any]:
    """The settings to change when the dataset becomes `key` (it was `before`), as a dict of
    Experiment fields.

    A loss that cannot learn the new data becomes its natural loss (with that loss's natural
    output activation, stored as ""). When the kind of data changes, the validation split,
    epochs and batch size take the new kind's starting values: they were chosen for the old
    data's size, and batch 1 for 500 epochs, right for 4 rows, is 30 million steps on 60,000
    images. Within a kind (XOR -> AND, MNIST -> Fashion-MNIST) the user's values stay.
    """
    settings = kind_settings(key)
    changes: dict[str, Any] = {}
    if loss not in settings.losses:
        changes.update(loss=settings.losses[0], output_activation="")
    if before is None or before not in _REGISTRY or get(before).kind != get(key).kind:
        changes.update(validation_split=settings.validation_split, epochs=settings.epochs,
                       batch_size=settings.batch_size)
    return changes


register(DatasetSpec("xor", "XOR", "playground.core.data.gates", "gate"))
register(DatasetSpec("and", "AND", "playground.core.data.gates", "gate"))
register(DatasetSpec("or", "OR", "playground.core.data.gates", "gate"))
register(DatasetSpec("sum-threshold", "Sum above threshold", "playground.core.data.sum_threshold", "table", options=("inputs", "threshold", "samples", "test_samples")))
register(DatasetSpec("mnist", "MNIST digits", "playground.core.data.images", "images", ("train_size", "test_size", "normalize")))
register(DatasetSpec("fashion-mnist", "Fashion-MNIST", "playground.core.data.images", "images", ("train_size", "test_size", "normalize")))
