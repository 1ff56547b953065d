"""The dataset registry: one line per dataset, pointing at the module that builds it.

A dataset module provides `build(experiment) -> Dataset` and `train_rows(experiment) -> int`,
and may provide `check(experiment) -> list[FieldError]` for its own options. Modules are
imported only when used, so listing datasets costs nothing at start-up.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from playground.core.dataset import Dataset


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
        check = getattr(self._module(), "check", None)
        errors = list(check(experiment)) if check else []
        if not errors and self.train_rows(experiment) < 1:
            from playground.core.experiment import FieldError
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


register(DatasetSpec("xor", "XOR", "playground.core.gates", "gate"))
register(DatasetSpec("and", "AND", "playground.core.gates", "gate"))
register(DatasetSpec("or", "OR", "playground.core.gates", "gate"))
register(DatasetSpec("sum-threshold", "Sum above threshold", "playground.core.sum_threshold", "table", options=("inputs", "threshold", "samples", "test_samples")))
register(DatasetSpec("mnist", "MNIST digits", "playground.core.images", "images", ("train_size", "test_size", "normalize")))
register(DatasetSpec("fashion-mnist", "Fashion-MNIST", "playground.core.images", "images", ("train_size", "test_size", "normalize")))
