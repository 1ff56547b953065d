"""Finished runs, kept to compare: settings, final numbers and curves, as plain JSON-able data.

A `RunRecord` is taken from a `RunHistory` when a run ends (or at a chosen epoch of it: seed
003's 1, 5 and 500 epochs are the first 1, 5 and 500 epochs of one run with the same seed, which
is exactly what three separate trainings from the same start give). `RunList` keeps them in
order, names them, and round-trips through `to_dict` / `from_dict` so an experiment file can
carry them. `comparison_rows` / `comparison_text` are the table the Runs tab shows.

Metrics follow the task (accuracy; or MSE, MAE and R²). Test numbers: a run whose trainer held
out the test set (image runs with no validation split measure their "validation" curve on the
test images, like seed 001's `validation_data=(x_test, y_test)`) has the test numbers at every
epoch. Otherwise, where the dataset has test rows and the run's weights at the epoch are known,
the test loss and metrics are computed from those weights with NumPy (`metrics.evaluate`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

import numpy as np

from playground.core.data import registry as datasets
from playground.core.experiment import LOSSES, OPTIMIZERS, Experiment, ExperimentError
from playground.core.inspection import metrics
from playground.core.training.history import RunHistory


def final_names(task: str = "classification") -> tuple[str, ...]:
    """The numbers a record keeps for its last epoch, in table order."""
    names = ("loss",) + metrics.metric_names(task)
    return names + tuple(f"{part}_{n}" for part in ("val", "test") for n in names)


def final_heading(name: str) -> str:
    """A column heading for one of `final_names` ("train acc.", "test R²")."""
    part, _, metric = name.rpartition("_") if name.startswith(("val_", "test_")) \
        else ("train", "", name)
    short = {"accuracy": "acc."}.get(metric, metrics.metric_label(metric))
    return f"{part} {short}"


#: The numbers a classification record keeps (see `final_names`).
FINAL_NAMES = final_names()
#: Column headings for `FINAL_NAMES`.
FINAL_HEADINGS = {name: final_heading(name) for name in FINAL_NAMES}
#: Curves are kept with at most this many points (evenly thinned, first and last kept): a
#: million-epoch run would otherwise keep 40 MB per record.
MAX_CURVE_POINTS = 2000
FORMAT = 1


@dataclass(frozen=True, eq=False)
class RunRecord:
    """One finished run (or a run up to a chosen epoch)."""

    name: str
    experiment: Experiment
    #: The settings in one line ("XOR · no hidden layer → sigmoid · SGD 0.1 · batch 1").
    summary: str
    #: Epochs trained.
    epochs: int
    #: How the run ended: "finished", "stopped", "diverged" (or what the caller says).
    status: str
    #: `final_names(task)` -> value, None where not measured.
    final: dict[str, float | None]
    #: "epoch" and each metric measured ("loss", "accuracy", "val_…" or "test_…") per epoch.
    curves: dict[str, np.ndarray] = field(default_factory=dict)
    #: Overlaid on the charts.
    shown: bool = False
    #: Identity within its `RunList` (names can repeat while being edited; uids do not).
    uid: int = 0

    def to_dict(self, max_points: int | None = None) -> dict[str, Any]:
        """Plain JSON data; `max_points` thins the curves further (0: leave them out), e.g.
        to keep a file of many runs small. The final numbers are always kept whole."""
        curves = self.curves
        if max_points == 0:
            curves = {}
        elif max_points is not None:
            curves = {k: _thinned(v, max_points) for k, v in curves.items()}
        return {
            "name": self.name,
            "experiment": self.experiment.to_dict(),
            "summary": self.summary,
            "epochs": int(self.epochs),
            "status": self.status,
            "final": {k: _json_number(v) for k, v in self.final.items()},
            "curves": {k: [_json_number(v) for v in np.asarray(values)]
                       for k, values in curves.items()},
            "shown": bool(self.shown),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], uid: int = 0) -> "RunRecord":
        """Raises ValueError with a readable message when `data` is not a saved record."""
        if not isinstance(data, dict):
            raise ValueError("a run must be a JSON object")
        try:
            experiment = Experiment.from_dict(data["experiment"])
            final = {str(k): (None if v is None else float(v))
                     for k, v in dict(data.get("final", {})).items()}
            curves = {str(k): np.array([np.nan if v is None else float(v) for v in values],
                                       dtype=np.float64)
                      for k, values in dict(data.get("curves", {})).items()}
            return cls(name=str(data["name"]), experiment=experiment,
                       summary=str(data.get("summary") or settings_summary(experiment)),
                       epochs=int(data.get("epochs", 0)), status=str(data.get("status", "")),
                       final=final, curves=curves, shown=bool(data.get("shown", False)), uid=uid)
        except ExperimentError as error:
            raise ValueError(f"run {data.get('name', '?')!r}: {error}") from None
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"run {data.get('name', '?')!r} is damaged ({error})") from None

    @property
    def held_out(self) -> str:
        """"validation" or "test": which held-out curve this record has (if any)."""
        return "test" if "test_loss" in self.curves else "validation"


# ---------------------------------------------------------------------------------------------
# Taking a record from a run


def record_run(name: str, experiment: Experiment, history: RunHistory, dataset=None,
               status: str = "finished", upto: int | None = None,
               held_out: str | None = None) -> RunRecord:
    """A record of `history` (up to epoch `upto`, default all of it). `dataset` (the run's
    `Dataset`) lets test numbers be measured from the weights; `held_out` is what the run's
    held-out curve measured ("validation" or "test"; default: what the history's reports
    said)."""
    epochs = np.asarray(history.epochs)
    # After "Reset weights" a history may count from 0 again: keep the latest stretch only.
    drops = np.flatnonzero(np.diff(epochs) < 0)
    start = int(drops[-1]) + 1 if drops.size else 0
    epochs = epochs[start:]
    count = len(epochs) if upto is None else int(np.searchsorted(epochs, upto, side="right"))
    last = int(epochs[count - 1]) if count else 0
    names = ("loss",) + metrics.metric_names(experiment.task)
    columns = {key: _column(history, key, start, count)
               for key in names + tuple(f"val_{n}" for n in names)}
    test_from_val = (held_out or history.held_out) == "test"
    curves: dict[str, np.ndarray] = {"epoch": epochs[:count].astype(np.float64)}
    final: dict[str, float | None] = {key: None for key in final_names(experiment.task)}
    for key in names:
        curves[key] = columns[key]
        final[key] = _number(columns[key][-1]) if count else None
    if count > 0 and bool(np.isfinite(columns["val_loss"]).any()):
        prefix = "test_" if test_from_val else "val_"
        for key in names:
            curves[prefix + key] = columns["val_" + key]
            final[prefix + key] = _number(columns["val_" + key][-1])
    if final["test_loss"] is None and dataset is not None and len(dataset.x_test) and count:
        snapshot = history.weights_at(last)
        if snapshot is not None and snapshot[0] == last and snapshot[1]:
            measured = metrics.evaluate(experiment, snapshot[1], dataset.x_test,
                                        dataset.labels_test, dataset)
            final.update({f"test_{key}": _number(value) for key, value in measured.items()})
    return RunRecord(name=name, experiment=experiment.replace(epochs=max(last, 1)),
                     summary=settings_summary(experiment), epochs=last, status=status,
                     final=final, curves={k: _thinned(v) for k, v in curves.items()})


def _column(history: RunHistory, name: str, start: int, count: int) -> np.ndarray:
    """One metric of the history's latest stretch; NaN where the history does not keep it."""
    try:
        values = np.asarray(history.metric(name), np.float64)
    except KeyError:
        return np.full(count, np.nan)
    return values[start:start + count]


def model_key(experiment: Experiment) -> Experiment:
    """What makes two experiments the same model whatever their epoch count (with the output
    spelled out: "" and the loss's natural output are the same)."""
    return experiment.replace(epochs=1, output_activation=experiment.output)


def settings_summary(experiment: Experiment) -> str:
    """The settings that tell runs apart, in one line."""
    spec = datasets.find(experiment.dataset)
    data = spec.label if spec else experiment.dataset
    options = spec.options if spec else ()
    if spec is not None and spec.images:
        size = f"{experiment.train_size:,} images" if experiment.train_size else "all images"
        data += f" ({size}{'' if experiment.normalize else ', raw 0–255 pixels'})"
    elif "threshold" in options:
        data += f" ({experiment.inputs} inputs, t {experiment.threshold:g})"
    elif "classes" in options or "noise" in options:
        data += f" ({experiment.classes} classes, " if "classes" in options else " ("
        data += f"noise {experiment.noise:g})"
    if experiment.layers:
        hidden = " → ".join((f"{layer.units} {layer.activation}"
                             + (f" (dropout {layer.dropout:g})" if layer.dropout else ""))
                            if layer.kind == "dense" else layer.label  # Conv2D 32 3×3 relu
                            for layer in experiment.layers)
    else:
        hidden = "no hidden layer"
    optimizer = OPTIMIZERS.get(experiment.optimizer, experiment.optimizer)
    parts = [data, f"{hidden} → {experiment.output}", LOSSES[experiment.loss].label.lower(),
             f"{optimizer} {experiment.learning_rate:g}", f"batch {experiment.batch_size:,}"]
    if experiment.validation_split:
        parts.append(f"validation {experiment.validation_split:g}")
    if experiment.seed:
        parts.append(f"seed {experiment.seed}")
    return " · ".join(parts)


# ---------------------------------------------------------------------------------------------
# The list


class RunList:
    """Records in the order they were taken; names are unique, uids never reused."""

    def __init__(self, records: list[RunRecord] | None = None):
        self._records: list[RunRecord] = []
        self._next_uid = 1
        self._next_number = 1
        for record in records or []:
            self.add(record)

    def __iter__(self) -> Iterator[RunRecord]:
        return iter(list(self._records))

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: int) -> RunRecord:
        return self._records[index]

    def get(self, uid: int) -> RunRecord | None:
        return next((r for r in self._records if r.uid == uid), None)

    def index(self, uid: int) -> int:
        return next(i for i, r in enumerate(self._records) if r.uid == uid)

    def next_name(self) -> str:
        """"Run N" with the next number not yet used."""
        while self._name_taken(f"Run {self._next_number}"):
            self._next_number += 1
        return f"Run {self._next_number}"

    def add(self, record: RunRecord) -> RunRecord:
        """Append `record` under a unique name and a fresh uid; returns the stored record."""
        name = self._unique(record.name.strip() or self.next_name())
        if name == f"Run {self._next_number}":
            self._next_number += 1
        stored = replace(record, name=name, uid=self._next_uid)
        self._next_uid += 1
        self._records.append(stored)
        return stored

    def rename(self, uid: int, name: str) -> str:
        """Rename; returns the name actually given (made unique; blank keeps the old one)."""
        record = self.get(uid)
        if record is None:
            raise KeyError(uid)
        name = name.strip()
        if not name or name == record.name:
            return record.name
        name = self._unique(name, ignore=uid)
        self._replace(record, name=name)
        return name

    def remove(self, uid: int) -> None:
        self._records = [r for r in self._records if r.uid != uid]

    def clear(self) -> None:
        self._records = []

    def copy(self) -> "RunList":
        """The same records, names, uids and numbering, in a list of its own (records are
        immutable, so the copy can go to another thread, e.g. to be saved there)."""
        other = RunList()
        other._records = list(self._records)
        other._next_uid, other._next_number = self._next_uid, self._next_number
        return other

    def set_shown(self, uid: int, shown: bool) -> None:
        record = self.get(uid)
        if record is not None and record.shown != shown:
            self._replace(record, shown=bool(shown))

    def shown(self) -> list[RunRecord]:
        return [r for r in self._records if r.shown]

    # ----- the comparison table -----
    def columns(self) -> tuple[str, ...]:
        """The final numbers the table shows: every record's `final_names`, in table order
        (accuracy for classification runs, MSE/MAE/R² for regression runs)."""
        tasks = {record.experiment.task for record in self._records} or {"classification"}
        order = [name for task in ("classification", "regression") if task in tasks
                 for name in final_names(task)]
        return tuple(sorted(set(order), key=lambda name: (_part(name), order.index(name))))

    def comparison_rows(self) -> list[dict[str, str]]:
        """One dict per record: name, settings, epochs, ended, and each of `columns()`
        formatted ("–" where not measured)."""
        rows = []
        for record in self._records:
            row = {"name": record.name, "settings": record.summary,
                   "epochs": f"{record.epochs:,}", "ended": record.status}
            for name in self.columns():
                row[name] = format_metric(record.final.get(name))
            rows.append(row)
        return rows

    def comparison_text(self, separator: str = "") -> str:
        """The table as text: aligned columns, or cells joined by `separator` (e.g. a tab)."""
        names = self.columns()
        header = ["name", "epochs"] + [final_heading(n) for n in names] + ["settings"]
        lines = [header]
        for row in self.comparison_rows():
            lines.append([row["name"], row["epochs"]] + [row[n] for n in names]
                         + [row["settings"]])
        if separator:
            return "\n".join(separator.join(cells) for cells in lines)
        widths = [max(len(line[c]) for line in lines) for c in range(len(header))]
        return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip()
                         for line in lines)

    # ----- JSON -----
    def to_dict(self, max_points: int | None = None) -> dict[str, Any]:
        """The records (curves thinned to `max_points` when given, see `RunRecord.to_dict`)
        and the next "Run N" number, so a list read back goes on naming as it would have."""
        return {"format": FORMAT, "runs": [r.to_dict(max_points) for r in self._records],
                "next_number": self._next_number}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "RunList":
        """Raises ValueError naming the problem when `data` is not a saved run list."""
        if data is None:
            return cls()
        if not isinstance(data, dict) or not isinstance(data.get("runs", []), list):
            raise ValueError("the runs must be a JSON object with a list of runs")
        version = data.get("format", FORMAT)
        if not isinstance(version, int) or version > FORMAT:
            raise ValueError(f"the runs were saved in a newer format ({version})")
        number = data.get("next_number", 1)
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise ValueError("next_number must be a whole number ≥ 1")
        runs = cls([RunRecord.from_dict(item) for item in data.get("runs", [])])
        runs._next_number = max(runs._next_number, number)
        return runs

    # ----- internals -----
    def _name_taken(self, name: str, ignore: int = -1) -> bool:
        return any(r.name == name and r.uid != ignore for r in self._records)

    def _unique(self, name: str, ignore: int = -1) -> str:
        candidate, n = name, 2
        while self._name_taken(candidate, ignore):
            candidate = f"{name} ({n})"
            n += 1
        return candidate

    def _replace(self, record: RunRecord, **changes) -> None:
        self._records[self.index(record.uid)] = replace(record, **changes)


def format_metric(value: float | None) -> str:
    """Four decimals (seed 003's table reads 0.8263), "–" when missing, "nan" when not finite."""
    if value is None:
        return "–"
    if not math.isfinite(value):
        return "nan"
    return f"{value:.4f}" if abs(value) < 1e4 else f"{value:.4g}"


def _part(name: str) -> int:
    """Train, validation, test: the order of a final number's group in the table."""
    return 2 if name.startswith("test_") else 1 if name.startswith("val_") else 0


def _number(value) -> float:
    return float(value)


def _json_number(value) -> float | str | None:
    """A JSON value: finite numbers with 7 significant digits (the model computes in float32,
    and a saved file stays small), NaN and infinities as "nan", "inf", "-inf" (strict JSON
    has no NaN; `float()` reads these strings back)."""
    if value is None:
        return None
    value = float(value)
    return float(f"{value:.7g}") if math.isfinite(value) else str(value)


def _thinned(values: np.ndarray, limit: int = MAX_CURVE_POINTS) -> np.ndarray:
    """At most `limit` (≥ 2) evenly spaced values, the first and last kept."""
    values = np.asarray(values, np.float64)
    if len(values) <= limit:
        return values.copy()
    # More values than kept: the positions are over one apart, so rounding never repeats one.
    keep = np.linspace(0, len(values) - 1, max(limit, 2)).round().astype(int)
    return values[keep]
