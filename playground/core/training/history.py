"""Everything a run has reported, kept in bounded memory for the views and the command line.

Metrics are kept for every epoch (five numbers an epoch: a million epochs is 40 MB). Outputs of
the probe rows are kept for at most `max_snapshots` epochs (2,000 by default; with the 64 probe
rows of one output, at most 2,000 × 64 × 8 bytes ≈ 1 MB), evenly thinned: when the store is
full, every other recorded epoch is dropped and the recording stride doubles, so a long run keeps
epoch 0, a uniform sample and, always, the latest epoch. Weights are kept the same way at the end
of each report (they are needed to replay a typed input through history).
"""
from __future__ import annotations

import numpy as np

from playground.core.training.trainer import Report

METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


class _Growable:
    """A float64 array that doubles its capacity as it grows (amortised O(1) appends)."""

    def __init__(self):
        self._data = np.empty(256)
        self._size = 0

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

    def __init__(self, limit: int):
        self.limit = limit
        self.stride = 1
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
        self._metrics = {name: _Growable() for name in ("epoch",) + METRICS}
        self._outputs = _Thinned(max_snapshots)
        self._weights = _Thinned(max_weight_snapshots)
        self.latest_outputs: np.ndarray | None = None
        self.latest_weights: tuple[np.ndarray, ...] = ()
        self.status = "empty"
        self.message = ""
        self.epochs_per_second = 0.0
        self._has_validation = False

    def __len__(self) -> int:
        return len(self._metrics["epoch"].view())

    @property
    def last_epoch(self) -> int:
        epochs = self.epochs
        return int(epochs[-1]) if len(epochs) else 0

    @property
    def epochs(self) -> np.ndarray:
        return self._metrics["epoch"].view()

    def metric(self, name: str) -> np.ndarray:
        return self._metrics[name].view()

    def last(self, name: str) -> float:
        values = self.metric(name)
        return float(values[-1]) if len(values) else float("nan")

    @property
    def has_validation(self) -> bool:
        """Some epoch has a held-out loss (kept as reports arrive: asked at every redraw)."""
        return self._has_validation

    def extend_metrics(self, epochs, metrics: dict) -> None:
        """Add epochs and their `METRICS` (a missing or None one: NaN for those epochs)."""
        n = len(epochs)
        self._metrics["epoch"].extend(epochs)
        for name in METRICS:
            values = metrics.get(name)
            self._metrics[name].extend(values if values is not None else np.full(n, np.nan))
        val_loss = metrics.get("val_loss")
        if not self._has_validation and val_loss is not None:
            self._has_validation = bool(np.isfinite(val_loss).any())

    def append(self, report: Report) -> None:
        self.extend_metrics(report.epochs, {name: getattr(report, name) for name in METRICS})
        for epoch, outputs in zip(report.epochs, report.outputs):
            self._outputs.add(int(epoch), outputs)
        self._weights.add(report.last_epoch, report.weights)
        self.latest_outputs = report.outputs[-1]
        self.latest_weights = report.weights
        self.status = report.status
        self.message = report.message
        if report.epochs_per_second:
            self.epochs_per_second = report.epochs_per_second

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
