"""What the trainer yields: immutable epoch `Report`s and, inside long epochs, `BatchProgress`.

A report states the trainer's policies beside its numbers, so no view has to guess them:
`held_out` says what the `val_*` numbers measure ("validation" split, "test" set, or "" when
nothing is held out) and `epoch_metrics` how the training numbers were taken ("full pass": the
whole training set after the epoch; "running mean": the mean over the epoch's batches, with
dropout active, as `fit` prints them).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Mapping

import numpy as np

FULL_PASS = "full pass"
RUNNING_MEAN = "running mean"
#: A loss that grows past this many times its starting value (or 1, whichever is larger) is
#: divergence, even while it is still a finite number (issue 12, item 15).
DIVERGENCE_FACTOR = 1000.0


@dataclass(frozen=True, eq=False)
class Report:
    """What happened in a chunk of epochs. Arrays have one row per epoch of the chunk.

    `epochs` counts completed epochs, so the report for the untrained model has epochs == [0].
    `metrics` maps the task's metric names (`inspection.metrics.metric_names`) to one value per
    epoch; `val_metrics` the same on the held-out rows (None when nothing is held out).
    """

    epochs: np.ndarray
    loss: np.ndarray
    metrics: Mapping[str, np.ndarray]
    val_loss: np.ndarray | None
    val_metrics: Mapping[str, np.ndarray] | None
    #: Outputs for the probe rows after each epoch: shape (epochs, probe rows, output units).
    outputs: np.ndarray
    #: The model's weights after the last epoch of the chunk (kernel, bias per Dense layer).
    weights: tuple[np.ndarray, ...]
    #: Epochs per second over this chunk (0 for the epoch-0 report).
    epochs_per_second: float
    #: "running", or how the run ended: "finished", "diverged".
    status: str = "running"
    #: What `val_loss` / `val_metrics` measure: "validation", "test" or "" (nothing held out).
    held_out: str = ""
    #: How `loss` / `metrics` were measured: FULL_PASS or RUNNING_MEAN.
    epoch_metrics: str = FULL_PASS
    #: Why the run diverged, in words (empty otherwise).
    reason: str = ""
    #: Norm of the full-pass loss's gradient for each Dense kernel (input to output) after each
    #: epoch: shape (epochs, layers); None where not recorded (the batch schedule, epoch 0).
    gradient_norms: np.ndarray | None = None
    #: The L1/L2 penalty beside the data loss `loss`, per epoch (NaN but at the chunk's last
    #: epoch, whose weights the report holds); None when neither is on (core/training/penalty).
    penalty: np.ndarray | None = None

    @property
    def accuracy(self) -> np.ndarray | None:
        """The accuracy per epoch (classification), for callers written before `metrics`."""
        return self.metrics.get("accuracy")

    @property
    def val_accuracy(self) -> np.ndarray | None:
        return self.val_metrics.get("accuracy") if self.val_metrics else None

    @property
    def last_epoch(self) -> int:
        return int(self.epochs[-1])

    @property
    def message(self) -> str:
        if self.status == "diverged":
            reason = self.reason or f"the loss became {self.loss[-1]}"
            return (f"Training stopped at epoch {self.last_epoch}: {reason}. "
                    "Try a smaller learning rate.")
        return ""


@dataclass(frozen=True)
class BatchProgress:
    """Progress inside an epoch, yielded between epoch reports (never counted as an epoch)."""

    #: The epoch in progress, counted from 1 (it completes as `epoch` in the next Report).
    epoch: int
    batches_done: int
    batches_total: int
    samples_done: int
    samples_total: int
    #: Training speed over recent chunks (excludes the one-off tracing of the first chunk);
    #: 0 while not yet known, and then the two estimates below are 0 too.
    samples_per_second: float
    #: Estimated seconds to the end of this epoch (batches only).
    seconds_left: float
    #: Estimated seconds to the end of the whole `run` call (evaluation included).
    run_seconds_left: float
    #: Running means over this epoch's batches so far, as `fit`'s progress bar shows them.
    loss: float
    metrics: Mapping[str, float]

    @property
    def accuracy(self) -> float:
        return float(self.metrics.get("accuracy", float("nan")))

    @property
    def fraction(self) -> float:
        """Share of this epoch's batches done, 0..1."""
        return self.batches_done / self.batches_total if self.batches_total else 1.0


def frozen(array) -> np.ndarray:
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array


def frozen_metrics(metrics: Mapping[str, np.ndarray] | None):
    if metrics is None:
        return None
    return MappingProxyType({name: frozen(values) for name, values in metrics.items()})


def with_status(report: Report, status: str) -> Report:
    return replace(report, status=status)


def divergence(loss: np.ndarray, reference: float | None) -> tuple[int, str] | None:
    """(index of the first diverged epoch, why in words), or None while the loss is sane.

    Diverged: the loss is not a finite number, or it grew past DIVERGENCE_FACTOR times
    max(`reference`, 1) -- e.g. XOR with learning rate 1e6 keeps a finite loss of ~1e5."""
    loss = np.asarray(loss, np.float64)
    limit = DIVERGENCE_FACTOR * max(reference if reference is not None else 1.0, 1.0)
    bad = np.flatnonzero(~np.isfinite(loss) | (loss > limit))
    if not bad.size:
        return None
    index = int(bad[0])
    value = loss[index]
    if not np.isfinite(value):
        return index, f"the loss became {value} (not a finite number)"
    start = f"{reference:.3g}" if reference is not None else "its start"
    return index, (f"the loss grew from {start} to {value:.3g}, over "
                   f"{DIVERGENCE_FACTOR:,.0f} times larger")
