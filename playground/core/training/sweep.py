"""Sweeps: the same experiment trained over a grid of settings and seeds, one run after another.

A `Sweep` is a base `Experiment`, one or more `Axis` (a field and the values it takes) and a
number of seeds. Values are typed as text and parsed by the `FIELDS` table, so any field the
form knows can be swept, with the form's messages; `hidden` takes layer lists ("4", "8,4",
"none"), `activation` and `dropout` set every hidden layer. `run_sweep` trains each point with
the one `Trainer` and yields a `SweepResult` per run (and `SweepProgress` while it trains), so a
consumer pauses by not asking and cancels by closing it, as with the trainer. `aggregate` folds
the seeds of each setting into mean ± spread.
"""
from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import numpy as np

from playground.core.errors import ExperimentError, FieldError
from playground.core.experiment import (FIELDS, LAYER_FIELDS, TRAINING_ONLY_FIELDS, Experiment,
                                        Layer)
from playground.core.training.history import RunHistory
from playground.core.training.runs import RunRecord, record_run

#: Sweepable names besides `FIELDS`: they set the hidden layers.
LAYER_AXES = ("hidden", "activation", "dropout")
NO_HIDDEN = ("none", "0", "-", "")
#: Most runs one sweep may ask for (settings x seeds): a typo like "1|2|…" x 1000 seeds stops here.
MAX_RUNS = 1000
#: Short names in run names and tables.
SHORT = {"learning_rate": "lr", "batch_size": "batch", "validation_split": "val split"}


class SweepError(ValueError):
    """A sweep that cannot run, in one line naming the field and value at fault."""


@dataclass(frozen=True)
class Axis:
    """One swept setting: `field` (a `FIELDS` name or one of `LAYER_AXES`) and its values."""

    field: str
    values: tuple

    @property
    def label(self) -> str:
        if self.field == "hidden":
            return "Hidden layers"
        if self.field in LAYER_AXES:
            return LAYER_FIELDS[self.field].label
        return FIELDS[self.field].label


def sweepable() -> tuple[str, ...]:
    """Every name `parse_axis` accepts: numbers and choices (the dataset is not swept: its runs
    would not compare; seeds are the sweep's own)."""
    return tuple(name for name, spec in FIELDS.items() if name not in ("dataset", "seed")
                 and (spec.kind in (int, float) or spec.choices)) + LAYER_AXES


def parse_value(name: str, text: str) -> Any:
    """One value of `name` from text, or `SweepError` naming field and value."""
    text = text.strip()
    if name == "hidden":
        if text.lower() in NO_HIDDEN:
            return ()
        units = []
        for part in text.split(","):
            value, message = LAYER_FIELDS["units"].parse(part)
            if message:
                raise SweepError(f"hidden={text}: {part.strip() or 'a layer'}: {message}")
            units.append(value)
        return tuple(units)
    spec = LAYER_FIELDS[name] if name in LAYER_AXES else FIELDS.get(name)
    if spec is None:
        raise SweepError(f"'{name}' is not a setting; choose one of {', '.join(sweepable())}")
    if text == "" and "" in spec.choices:
        return ""
    value, message = spec.parse(text)
    if message:
        raise SweepError(f"{name}={text}: {message}")
    return value


def parse_axis(text: str) -> Axis:
    """"FIELD=V1|V2|…" -> Axis; `SweepError` names what is wrong."""
    name, sep, values = text.partition("=")
    name = name.strip().replace("-", "_")
    if name == "lr":
        name = "learning_rate"
    if not sep or not name:
        raise SweepError(f"'{text}' is not FIELD=V1|V2|… (e.g. learning_rate=0.01|0.1|1)")
    if name not in sweepable():
        raise SweepError(f"'{name}' cannot be swept; choose one of {', '.join(sweepable())}")
    parts = values.split("|")
    if not values.strip() or (not any(p.strip() for p in parts) and name != "hidden"):
        raise SweepError(f"{name}: give at least one value, e.g. {name}=V1|V2")
    parsed = tuple(parse_value(name, part) for part in parts)
    if len(set(parsed)) != len(parsed):
        raise SweepError(f"{name}: a value is given twice")
    return Axis(name, parsed)


def apply(experiment: Experiment, settings: dict[str, Any]) -> Experiment:
    """`experiment` with `settings` (axis name -> value) put in; layer axes set every layer."""
    plain = {k: v for k, v in settings.items() if k not in LAYER_AXES}
    experiment = experiment.replace(**plain)
    layers = experiment.layers
    if "hidden" in settings:
        if any(getattr(layer, "kind", "dense") != "dense" for layer in layers):
            raise SweepError("hidden: the network has convolution or pooling layers; a "
                             "layer list sweeps dense networks only")
        like = layers[0] if layers else Layer()
        layers = tuple(Layer(units, like.activation, like.dropout)
                       for units in settings["hidden"])
    for name in ("activation", "dropout"):
        if name in settings:
            layers = tuple(Layer(**{**layer.__dict__, name: settings[name]}) for layer in layers)
    return experiment.replace(layers=layers)


def value_text(name: str, value: Any) -> str:
    """A value as a table shows it: "8,4" for layers, "0.01" for numbers."""
    if name == "hidden":
        return ",".join(str(u) for u in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value) if value != "" else "(natural)"


def settings_text(settings: dict[str, Any]) -> str:
    """"lr 0.1 · hidden 8,4"."""
    return " · ".join(f"{SHORT.get(k, k)} {value_text(k, v)}" for k, v in settings.items())


def json_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class SweepPoint:
    """One run of the sweep: its settings (axis -> value), seed and full experiment."""

    index: int
    settings: dict[str, Any]
    seed: int
    experiment: Experiment


@dataclass(frozen=True)
class Sweep:
    base: Experiment
    axes: tuple[Axis, ...]
    seeds: int = 1

    def __post_init__(self):
        if not 1 <= self.seeds <= 100:
            raise SweepError(f"seeds: must be between 1 and 100, not {self.seeds}")
        names = [a.field for a in self.axes]
        if len(set(names)) != len(names):
            raise SweepError(f"{names[0]}: swept twice; put all its values in one FIELD=V1|V2")
        if self.size > MAX_RUNS:
            raise SweepError(f"{self.size:,} runs is too many; at most {MAX_RUNS:,} per sweep")

    @property
    def grid(self) -> list[dict[str, Any]]:
        """Every combination of the axes' values, first axis slowest."""
        return [dict(zip((a.field for a in self.axes), combo))
                for combo in itertools.product(*(a.values for a in self.axes))]

    @property
    def size(self) -> int:
        return math.prod(len(a.values) for a in self.axes) * self.seeds

    def points(self) -> list[SweepPoint]:
        """Every run, checked: `SweepError` names the first setting that cannot run."""
        points = []
        for settings in self.grid:
            for s in range(self.seeds):
                seed = self.base.seed + s
                experiment = apply(self.base, settings).replace(seed=seed)
                errors = experiment.validate()
                if errors:
                    raise SweepError(f"{settings_text(settings) or 'the base settings'}: "
                                     f"{_errors_text(errors)}")
                points.append(SweepPoint(len(points), settings, seed, experiment))
        return points


def _errors_text(errors: list[FieldError]) -> str:
    return "; ".join(f"{e.field}: {e.message}" for e in errors)


@dataclass(frozen=True, eq=False)
class SweepResult:
    point: SweepPoint
    #: The run as the Runs list keeps it (name, final numbers, curves).
    record: RunRecord
    history: RunHistory = field(repr=False)
    seconds: float = 0.0

    @property
    def final(self) -> dict[str, float | None]:
        return self.record.final


@dataclass(frozen=True)
class SweepProgress:
    """Training inside run `index` (0-based) of `total`: `epoch` of `epochs`."""

    index: int
    total: int
    epoch: int
    epochs: int


def run_sweep(points: list[SweepPoint], name: Callable[[SweepPoint], str] | None = None,
              clock: Callable[[], float] = time.perf_counter
              ) -> Iterator[SweepResult | SweepProgress]:
    """Train every point in turn; yields progress and one result per run. Points that share
    their data (same dataset options and seed) load it once."""
    from playground.core.data import registry as datasets
    from playground.core.training.trainer import BatchProgress, Trainer

    data: dict[Experiment, Any] = {}
    total = len(points)
    for point in points:
        experiment = point.experiment
        key = data_key(experiment)
        if key not in data:
            data.clear()  # one dataset at a time: MNIST is ~200 MB
            data[key] = datasets.load(experiment)
        started = clock()
        trainer = Trainer(experiment, dataset=data[key])
        history = RunHistory()
        for report in trainer.run():
            if isinstance(report, BatchProgress):
                yield SweepProgress(point.index, total, report.epoch - 1, experiment.epochs)
                continue
            history.append(report)
            yield SweepProgress(point.index, total, report.last_epoch, experiment.epochs)
        title = name(point) if name else \
            f"{settings_text(point.settings) or 'base'} · seed {point.seed}"
        record = record_run(title, experiment, history, trainer.dataset, status=history.status,
                            held_out=history.held_out or None)
        yield SweepResult(point, record, history, clock() - started)


def data_key(experiment: Experiment) -> Experiment:
    """What decides a run's data: the experiment less its network and training settings."""
    base = Experiment()
    return experiment.replace(layers=(), **{n: getattr(base, n) for n in TRAINING_ONLY_FIELDS})


@dataclass(frozen=True)
class Aggregate:
    """One setting of the grid over its seeds."""

    settings: dict[str, Any]
    metric: str
    mean: float
    #: Standard deviation over seeds (0 for one seed); NaN when nothing was measured.
    spread: float
    runs: int
    seconds: float
    results: tuple[SweepResult, ...]


def aggregate(results: list[SweepResult], metric: str) -> list[Aggregate]:
    """Mean ± spread of `metric` (a `final` name such as "test_accuracy") per setting, in grid
    order; runs that did not measure it are left out of the mean."""
    groups: dict[tuple, list[SweepResult]] = {}
    for result in results:
        key = tuple((k, v) for k, v in result.point.settings.items())
        groups.setdefault(key, []).append(result)
    rows = []
    for key, group in groups.items():
        values = np.array([r.final.get(metric) for r in group
                           if r.final.get(metric) is not None], np.float64)
        finite = values[np.isfinite(values)] if values.size else values
        mean = float(finite.mean()) if finite.size else math.nan
        spread = float(finite.std()) if finite.size else math.nan
        rows.append(Aggregate(dict(key), metric, mean, spread, len(group),
                              float(np.mean([r.seconds for r in group])), tuple(group)))
    return rows


def best_metric(results: list[SweepResult]) -> str:
    """The number a sweep compares by default: among those the runs measured, a test number
    if any, then validation, then training; accuracy (or R²) before loss."""
    measured = {k for r in results for k, v in r.final.items() if v is not None}
    for prefix in ("test_", "val_", ""):
        for metric in ("accuracy", "r2", "loss"):
            if prefix + metric in measured:
                return prefix + metric
    return "loss"


def measured_names(results: list[SweepResult]) -> list[str]:
    """The final numbers at least one run measured, in the records' order."""
    names: list[str] = []
    for result in results:
        names += [k for k, v in result.final.items() if v is not None and k not in names]
    return names


__all__ = ["Axis", "Sweep", "SweepError", "SweepPoint", "SweepProgress", "SweepResult",
           "aggregate", "apply", "best_metric", "measured_names", "parse_axis", "parse_value",
           "run_sweep", "settings_text", "sweepable", "value_text", "ExperimentError"]
