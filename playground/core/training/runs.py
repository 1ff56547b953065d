"""Finished runs, kept to compare: settings, final numbers and curves, as plain JSON-able data.

A `RunRecord` is taken from a `RunHistory` when a run ends (or at a chosen epoch of it: seed
003's 1, 5 and 500 epochs are the first 1, 5 and 500 epochs of one run with the same seed, which
is exactly what three separate trainings from the same start give). `RunList` keeps them in
order, names them, and round-trips through `to_dict` / `from_dict` so an experiment file can
carry them. `comparison_rows` / `comparison_text` are the table the Runs tab shows.

Test numbers: image runs with no validation split measure their "validation" curve on the test
images (like seed 001's `validation_data=(x_test, y_test)`), so those values are the test
numbers at every epoch. Otherwise, where the dataset has test rows and the run's weights at the
epoch are known, the test loss and accuracy are computed from those weights with NumPy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

import numpy as np

from playground.core.data import registry as datasets
from playground.core.data.dataset import encode_targets, predicted_classes
from playground.core.experiment import LOSSES, OPTIMIZERS, Experiment, ExperimentError
from playground.core.inspection.forward import activations_of, forward
from playground.core.training.history import RunHistory

#: The numbers a record keeps for its last epoch, in table order.
FINAL_NAMES = ("loss", "accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy")
#: Column headings for `FINAL_NAMES`.
FINAL_HEADINGS = {"loss": "train loss", "accuracy": "train acc.", "val_loss": "val loss",
                  "val_accuracy": "val acc.", "test_loss": "test loss",
                  "test_accuracy": "test acc."}
#: Curves are kept with at most this many points (evenly thinned, first and last kept): a
#: million-epoch run would otherwise keep 40 MB per record.
MAX_CURVE_POINTS = 2000
#: Keras's clipping of probabilities inside cross-entropy losses.
EPSILON = 1e-7
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
    #: `FINAL_NAMES` -> value, None where not measured.
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
               status: str = "finished", upto: int | None = None) -> RunRecord:
    """A record of `history` (up to epoch `upto`, default all of it). `dataset` (the run's
    `Dataset`) lets test numbers be measured from the weights."""
    epochs = np.asarray(history.epochs)
    # After "Reset weights" a history may count from 0 again: keep the latest stretch only.
    drops = np.flatnonzero(np.diff(epochs) < 0)
    start = int(drops[-1]) + 1 if drops.size else 0
    epochs = epochs[start:]
    count = len(epochs) if upto is None else int(np.searchsorted(epochs, upto, side="right"))
    last = int(epochs[count - 1]) if count else 0
    columns = {name_: np.asarray(history.metric(name_))[start:start + count]
               for name_ in ("loss", "accuracy", "val_loss", "val_accuracy")}
    test_from_val = _test_from_val(experiment)
    curves: dict[str, np.ndarray] = {"epoch": epochs[:count].astype(np.float64)}
    curves["loss"], curves["accuracy"] = columns["loss"], columns["accuracy"]
    final: dict[str, float | None] = {name_: None for name_ in FINAL_NAMES}
    if count:
        final["loss"] = _number(columns["loss"][-1])
        final["accuracy"] = _number(columns["accuracy"][-1])
    has_val = count > 0 and bool(np.isfinite(columns["val_loss"]).any())
    if has_val:
        prefix = "test_" if test_from_val else "val_"
        curves[prefix + "loss"] = columns["val_loss"]
        curves[prefix + "accuracy"] = columns["val_accuracy"]
        final[prefix + "loss"] = _number(columns["val_loss"][-1])
        final[prefix + "accuracy"] = _number(columns["val_accuracy"][-1])
    if final["test_loss"] is None and dataset is not None and len(dataset.x_test) and count:
        snapshot = history.weights_at(last)
        if snapshot is not None and snapshot[0] == last and snapshot[1]:
            loss, accuracy = evaluate(experiment, snapshot[1], dataset.x_test,
                                      dataset.labels_test, dataset.n_classes)
            final["test_loss"], final["test_accuracy"] = _number(loss), _number(accuracy)
    return RunRecord(name=name, experiment=experiment.replace(epochs=max(last, 1)),
                     summary=settings_summary(experiment), epochs=last, status=status,
                     final=final, curves={k: _thinned(v) for k, v in curves.items()})


def model_key(experiment: Experiment) -> Experiment:
    """What makes two experiments the same model whatever their epoch count (with the output
    spelled out: "" and the loss's natural output are the same)."""
    return experiment.replace(epochs=1, output_activation=experiment.output)


def evaluate(experiment: Experiment, weights, x, labels, n_classes: int) -> tuple[float, float]:
    """(loss, accuracy) of `weights` on rows `x`, in NumPy, as Keras's loss computes it."""
    if len(x) == 0:
        return math.nan, math.nan
    outputs = forward(weights, activations_of(experiment), x)
    encoding = experiment.encoding
    targets = encode_targets(labels, encoding, n_classes).astype(np.float64)
    loss = LOSSES[experiment.loss].keras_name
    if loss == "binary_crossentropy":
        p = np.clip(outputs, EPSILON, 1 - EPSILON)
        value = -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
    elif loss == "mean_squared_error":
        value = np.mean((targets - outputs) ** 2)
    elif loss == "hinge":
        value = np.mean(np.maximum(1 - targets * outputs, 0))
    elif loss == "categorical_crossentropy":
        p = np.clip(outputs / outputs.sum(axis=-1, keepdims=True), EPSILON, 1 - EPSILON)
        value = -np.mean(np.sum(targets * np.log(p), axis=-1))
    else:  # sparse categorical: targets are class indices
        p = np.clip(outputs[np.arange(len(outputs)), np.asarray(labels, np.int64)],
                    EPSILON, 1 - EPSILON)
        value = -np.mean(np.log(p))
    classes = predicted_classes(outputs, encoding, experiment.default_threshold)
    return float(value), float(np.mean(classes == np.asarray(labels)))


def settings_summary(experiment: Experiment) -> str:
    """The settings that tell runs apart, in one line."""
    try:
        spec = datasets.get(experiment.dataset)
        data, kind = spec.label, spec.kind
    except KeyError:
        data, kind = experiment.dataset, ""
    if kind == "images":
        size = f"{experiment.train_size:,} images" if experiment.train_size else "all images"
        data += f" ({size}{'' if experiment.normalize else ', raw 0–255 pixels'})"
    elif experiment.dataset == "sum-threshold":
        data += f" ({experiment.inputs} inputs, t {experiment.threshold:g})"
    if experiment.layers:
        hidden = " → ".join(f"{layer.units} {layer.activation}"
                            + (f" (dropout {layer.dropout:g})" if layer.dropout else "")
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
    def comparison_rows(self) -> list[dict[str, str]]:
        """One dict per record: name, settings, epochs, ended, and each of `FINAL_NAMES`
        formatted ("–" where not measured)."""
        rows = []
        for record in self._records:
            row = {"name": record.name, "settings": record.summary,
                   "epochs": f"{record.epochs:,}", "ended": record.status}
            for name in FINAL_NAMES:
                row[name] = format_metric(record.final.get(name))
            rows.append(row)
        return rows

    def comparison_text(self, separator: str = "") -> str:
        """The table as text: aligned columns, or cells joined by `separator` (e.g. a tab)."""
        header = ["name", "epochs"] + [FINAL_HEADINGS[n] for n in FINAL_NAMES] + ["settings"]
        lines = [header]
        for row in self.comparison_rows():
            lines.append([row["name"], row["epochs"]] + [row[n] for n in FINAL_NAMES]
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


def _test_from_val(experiment: Experiment) -> bool:
    try:
        kind = datasets.get(experiment.dataset).kind
    except KeyError:
        return False
    return kind == "images" and experiment.validation_split == 0


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
