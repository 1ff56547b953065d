"""Everything a run has reported, kept in bounded memory for the views and the command line.

Metrics are kept for every epoch, under flat names: "loss", "val_loss" and each of the task's
metrics with its "val_" form ("accuracy", "val_accuracy"; or "mse", "mae", "r2" ...); a few
numbers an epoch, so a million epochs is tens of MB. Outputs of the probe rows are kept for at
most `max_snapshots` epochs (2,000 by default; with the 64 probe rows of one output, at most
2,000 × 64 × 8 bytes ≈ 1 MB), evenly thinned: when the store is full, every other recorded
epoch is dropped and the recording stride doubles, so a long run keeps epoch 0, a uniform
sample and, always, the latest epoch. Weights are kept the same way at the end of each report
(they are needed to replay a typed input through history). Gradient norms, one per Dense kernel,
are kept for every epoch the trainer measured them.

`to_arrays` / `from_arrays` turn a history into plain arrays plus JSON-ready facts and back
(what an experiment file's history.npz and meta.json hold).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from playground.core.training.trainer import Report

#: The metrics of histories written before metrics followed the task (classification only).
METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


class _Growable:
    """A float64 array that doubles its capacity as it grows (amortised O(1) appends)."""

    def __init__(self, size: int = 0):
        self._data = np.full(max(256, size), np.nan)
        self._size = size

    def extend(self, values) -> None:
        values = np.asarray(values, dtype=np.float64)
        need = self._size + len(values)
        if need > len(self._data):
            grown = np.empty(max(need, 2 * len(self._data)))
            grown[:self._size] = self._data[:self._size]
            self._data = grown
        self._data[self._size:need] = values
        self._size = need

    def view(self) -> np.ndarray:
        return self._data[:self._size]


class _Thinned:
    """Up to `limit` (epoch, value) pairs, evenly spaced over the epochs seen so far."""

    def __init__(self, limit: int, stride: int = 1):
        self.limit = limit
        self.stride = stride
        self.epochs: list[int] = []
        self.values: list = []

    def add(self, epoch: int, value) -> None:
        if self.epochs and epoch - self.epochs[-1] < self.stride:
            return
        self.epochs.append(epoch)
        self.values.append(value)
        if len(self.epochs) > self.limit:  # full: keep every other record, double the spacing
            self.stride *= 2
            self.epochs = self.epochs[::2]
            self.values = self.values[::2]

    def at_or_before(self, epoch: int):
        """(epoch, value) of the latest record at or before `epoch`, or None."""
        index = np.searchsorted(self.epochs, epoch, side="right") - 1
        if index < 0:
            return None
        return self.epochs[index], self.values[index]


class RunHistory:
    """Appends `Report`s; answers what the run looked like at any recorded epoch."""

    def __init__(self, max_snapshots: int = 2000, max_weight_snapshots: int = 500):
        self._epochs = _Growable()
        self._metrics: dict[str, _Growable] = {"loss": _Growable(), "val_loss": _Growable()}
        self._outputs = _Thinned(max_snapshots)
        self._weights = _Thinned(max_weight_snapshots)
        self.latest_outputs: np.ndarray | None = None
        self.latest_weights: tuple[np.ndarray, ...] = ()
        self.status = "empty"
        self.message = ""
        self.epochs_per_second = 0.0
        #: The trainer's policies, from the latest report: what the held-out numbers measure
        #: ("validation", "test", "") and how epoch numbers were taken ("full pass", ...).
        self.held_out = ""
        self.epoch_metrics = ""
        self._has_validation = False
        #: Epochs with gradient norms, and one column per Dense kernel (input to output).
        self._norm_epochs = _Growable()
        self._norms: list[_Growable] = []

    def __len__(self) -> int:
        return len(self._epochs.view())

    @property
    def last_epoch(self) -> int:
        epochs = self.epochs
        return int(epochs[-1]) if len(epochs) else 0

    @property
    def epochs(self) -> np.ndarray:
        return self._epochs.view()

    @property
    def metric_names(self) -> tuple[str, ...]:
        """The task's metrics this history holds ("accuracy"; or "mse", "mae", "r2"), without
        the loss and the "val_" forms."""
        return tuple(name for name in self._metrics if name not in ("loss", "val_loss", "penalty")
                     and not name.startswith("val_"))

    @property
    def columns(self) -> tuple[str, ...]:
        """Every stored per-epoch column but "epoch": loss, the metrics, then their val_ forms."""
        held = [name for name in self._metrics if name.startswith("val_") and name != "val_loss"]
        penalty = ("penalty",) if "penalty" in self._metrics else ()
        return ("loss", *self.metric_names, "val_loss", *held, *penalty)

    def metric(self, name: str) -> np.ndarray:
        """One value per epoch (NaN throughout for a metric this run does not measure)."""
        if name == "epoch":
            return self.epochs
        store = self._metrics.get(name)
        return store.view() if store is not None else np.full(len(self), np.nan)

    def last(self, name: str) -> float:
        values = self.metric(name)
        return float(values[-1]) if len(values) else float("nan")

    @property
    def has_validation(self) -> bool:
        """Some epoch has a held-out loss (kept as reports arrive: asked at every redraw)."""
        return self._has_validation

    def extend_metrics(self, epochs, metrics: dict) -> None:
        """Add epochs and their metrics by flat name ("loss", "accuracy", "val_loss", ...);
        a missing or None one is NaN for those epochs. A new name gets NaN for earlier epochs."""
        n, before = len(epochs), len(self)
        self._epochs.extend(epochs)
        for name, values in metrics.items():
            if values is not None and name not in self._metrics:
                self._metrics[name] = _Growable(before)
        for name, store in self._metrics.items():
            values = metrics.get(name)
            store.extend(values if values is not None else np.full(n, np.nan))
        val_loss = metrics.get("val_loss")
        if not self._has_validation and val_loss is not None:
            self._has_validation = bool(np.isfinite(val_loss).any())

    def append(self, report: Report) -> None:
        flat = {"loss": report.loss, "val_loss": report.val_loss, **report.metrics}
        if getattr(report, "penalty", None) is not None:  # L1/L2 on: beside the data loss
            flat["penalty"] = report.penalty
        if report.val_metrics:
            flat.update({"val_" + name: values for name, values in report.val_metrics.items()})
        self.extend_metrics(report.epochs, flat)
        for epoch, outputs in zip(report.epochs, report.outputs):
            self._outputs.add(int(epoch), outputs)
        self._weights.add(report.last_epoch, report.weights)
        if report.gradient_norms is not None and len(report.gradient_norms):
            norms = np.asarray(report.gradient_norms).reshape(len(report.epochs), -1)
            self._norms = self._norms or [_Growable() for _ in range(norms.shape[1])]
            self._norm_epochs.extend(report.epochs)
            for column, values in zip(self._norms, norms.T):
                column.extend(values)
        self.latest_outputs = report.outputs[-1]
        self.latest_weights = report.weights
        self.status = report.status
        self.message = report.message
        self.held_out = report.held_out
        self.epoch_metrics = report.epoch_metrics
        if report.epochs_per_second:
            self.epochs_per_second = report.epochs_per_second

    def gradient_norms(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """(recorded epochs, one array of gradient norms per Dense kernel, input to output)."""
        return self._norm_epochs.view(), [column.view() for column in self._norms]

    # ----- recorded history -----
    @property
    def snapshot_epochs(self) -> list[int]:
        """Epochs whose probe outputs are recorded (thinned evenly for long runs; the last
        epoch always included)."""
        epochs = list(self._outputs.epochs)
        if len(self) and (not epochs or epochs[-1] != self.last_epoch):
            epochs.append(self.last_epoch)
        return epochs

    def outputs_at(self, epoch: int) -> tuple[int, np.ndarray] | None:
        """(recorded epoch, probe outputs) at or just before `epoch`; the latest is exact."""
        if len(self) and epoch >= self.last_epoch and self.latest_outputs is not None:
            return self.last_epoch, self.latest_outputs
        return self._outputs.at_or_before(epoch)

    def outputs_history(self) -> tuple[np.ndarray, np.ndarray]:
        """(epochs, outputs stacked as epochs × rows × units) for every recorded epoch."""
        if not self._outputs.epochs:
            return np.zeros(0, int), np.zeros((0, 0, 0))
        epochs, values = list(self._outputs.epochs), list(self._outputs.values)
        if epochs[-1] != self.last_epoch:
            epochs.append(self.last_epoch)
            values.append(self.latest_outputs)
        return np.array(epochs), np.stack(values)

    def weights_at(self, epoch: int) -> tuple[int, tuple[np.ndarray, ...]] | None:
        """(recorded epoch, weights) at or just before `epoch`; the latest is exact."""
        if len(self) and epoch >= self.last_epoch and self.latest_weights:
            return self.last_epoch, self.latest_weights
        return self._weights.at_or_before(epoch)

    def weights_history(self) -> tuple[list[int], list[tuple[np.ndarray, ...]]]:
        epochs, values = list(self._weights.epochs), list(self._weights.values)
        if epochs and epochs[-1] != self.last_epoch:
            epochs.append(self.last_epoch)
            values.append(self.latest_weights)
        return epochs, values

    # ----- as plain arrays -----
    def to_arrays(self, max_weight_bytes: int | None = None
                  ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """(arrays, facts): a copy of this history as named arrays and JSON-ready facts, safe to
        hand to another thread. Weight snapshots beyond `max_weight_bytes` are thinned evenly
        (the latest always kept)."""
        arrays = {"epoch": np.array(self.epochs, np.int64)}
        for name in self.columns:
            arrays[name] = np.array(self.metric(name), np.float64)
        epochs, outputs = self._outputs.epochs, self._outputs.values
        arrays["outputs_epochs"] = np.asarray(epochs, np.int64)
        arrays["outputs"] = (np.stack(outputs).astype(np.float32) if outputs
                             else np.zeros((0, 0, 0), np.float32))
        if self.latest_outputs is not None:
            arrays["latest_outputs"] = np.array(self.latest_outputs, np.float32)
        w_epochs, snapshots = list(self._weights.epochs), list(self._weights.values)
        count = len(self.latest_weights)
        if snapshots and max_weight_bytes is not None:
            size = sum(np.asarray(w).nbytes for w in snapshots[0]) or 1
            keep = max(1, max_weight_bytes // size)
            if len(snapshots) > keep:  # evenly thinned, the last one always kept
                picks = sorted(set(np.linspace(len(snapshots) - 1, 0, keep).round().astype(int)))
                w_epochs = [w_epochs[i] for i in picks]
                snapshots = [snapshots[i] for i in picks]
        arrays["weights_epochs"] = np.asarray(w_epochs, np.int64)
        if self._norms:  # epochs × Dense kernels; files without them read as no norms
            norm_epochs, norms = self.gradient_norms()
            arrays["gradient_norm_epochs"] = np.array(norm_epochs, np.int64)
            arrays["gradient_norms"] = np.stack(norms, axis=1).astype(np.float64)
        for j in range(count):
            arrays[f"latest_weights_{j}"] = np.array(self.latest_weights[j], np.float32)
            if snapshots:
                arrays[f"weights_{j}"] = np.stack([np.asarray(s[j], np.float32)
                                                   for s in snapshots])
        facts = {
            "status": self.status, "message": self.message,
            "epochs_per_second": float(self.epochs_per_second),
            "weight_arrays": count, "metrics": list(self.columns),
            "held_out": self.held_out, "epoch_metrics": self.epoch_metrics,
            "outputs_limit": self._outputs.limit, "outputs_stride": self._outputs.stride,
            "weights_limit": self._weights.limit, "weights_stride": self._weights.stride,
        }
        return arrays, facts

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], facts: dict[str, Any]) -> "RunHistory":
        """The history `to_arrays` described; ValueError saying what disagrees otherwise.
        Facts without "metrics" (files from before) mean the classification columns."""
        columns = facts.get("metrics")
        if columns is None:  # written before metrics followed the task: accuracy's columns
            columns = [name for name in METRICS if name in arrays or not name.startswith("val_")]
        problem = _problem(arrays, facts, columns)
        if problem:
            raise ValueError(problem)
        a = arrays
        history = cls(max_snapshots=int(facts.get("outputs_limit", 2000)),
                      max_weight_snapshots=int(facts.get("weights_limit", 500)))
        history.extend_metrics(a["epoch"], {name: a[name] for name in columns})
        count = int(facts.get("weight_arrays", 0))
        history._outputs.stride = int(facts.get("outputs_stride", 1))
        history._outputs.epochs = [int(e) for e in a["outputs_epochs"]]
        history._outputs.values = ([_frozen(v) for v in a["outputs"]]
                                   if len(a["outputs_epochs"]) else [])
        history._weights.stride = int(facts.get("weights_stride", 1))
        history._weights.epochs = [int(e) for e in a["weights_epochs"]]
        history._weights.values = [tuple(_frozen(a[f"weights_{j}"][i]) for j in range(count))
                                   for i in range(len(a["weights_epochs"]))]
        if "gradient_norm_epochs" in a and len(a["gradient_norm_epochs"]):
            history._norm_epochs.extend(a["gradient_norm_epochs"])
            history._norms = [_Growable() for _ in range(a["gradient_norms"].shape[1])]
            for column, values in zip(history._norms, a["gradient_norms"].T):
                column.extend(values)
        if "latest_outputs" in a:
            history.latest_outputs = _frozen(a["latest_outputs"])
        history.latest_weights = tuple(_frozen(a[f"latest_weights_{j}"]) for j in range(count))
        history.status = str(facts.get("status", "finished"))
        history.message = str(facts.get("message", ""))
        history.epochs_per_second = float(facts.get("epochs_per_second", 0.0))
        history.epoch_metrics = str(facts.get("epoch_metrics", ""))
        history.held_out = str(facts.get("held_out", "validation" if history.has_validation
                                         else ""))
        return history


def _problem(a: dict[str, np.ndarray], facts: dict[str, Any], columns) -> str:
    """What keeps `a` from being a history ("" when nothing)."""
    count = facts.get("weight_arrays", 0)
    if not isinstance(count, int) or count < 0:
        return "meta.json gives no valid weight_arrays count"
    if not isinstance(columns, (list, tuple)) or not all(isinstance(c, str) for c in columns):
        return "meta.json gives no valid list of metrics"
    needed = ["epoch", *columns, "outputs_epochs", "outputs", "weights_epochs"]
    needed += [f"latest_weights_{j}" for j in range(count)]
    if len(a["weights_epochs"] if "weights_epochs" in a else ()):
        needed += [f"weights_{j}" for j in range(count)]
    missing = [name for name in needed if name not in a]
    if missing:
        return f"missing {', '.join(missing)}"
    n = len(a["epoch"])
    if any(a[name].ndim != 1 or len(a[name]) != n for name in columns):
        return "the metrics do not all have one value per epoch"
    if n and np.any(np.diff(a["epoch"]) < 0):
        return "the epochs are not in order"
    if len(a["outputs_epochs"]) and (a["outputs"].ndim != 3
                                     or len(a["outputs"]) != len(a["outputs_epochs"])):
        return "the recorded outputs do not match their epochs"
    if len(a["weights_epochs"]) and any(len(a[f"weights_{j}"]) != len(a["weights_epochs"])
                                        for j in range(count)):
        return "the recorded weights do not match their epochs"
    if "gradient_norms" in a or "gradient_norm_epochs" in a:
        norms, norm_epochs = a.get("gradient_norms"), a.get("gradient_norm_epochs")
        if (norms is None or norm_epochs is None or norms.ndim != 2 or norm_epochs.ndim != 1
                or len(norms) != len(norm_epochs)):
            return "the gradient norms do not match their epochs"
    if n and "latest_outputs" not in a:
        return "missing latest_outputs"
    return ""


def _frozen(array) -> np.ndarray:
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array
