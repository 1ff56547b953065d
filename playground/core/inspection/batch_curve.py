"""Loss and accuracy within the epoch (issue 17): a point per chunk of batches, on a step axis
in fractions of an epoch, smoothed as TensorBoard smooths its scalars.

The trainer's batch schedule yields `BatchProgress` with running means over the epoch so far;
the mean of just the batches since the previous progress is recovered from two running means
(weighted by the samples each covers). `smoothed` is TensorBoard's debiased exponential moving
average, so the first points are not dragged toward 0.
"""
from __future__ import annotations

import math

import numpy as np

#: TensorBoard's default smoothing weight.
SMOOTHING = 0.6


class BatchCurve:
    """Per-chunk loss and metric values as a run's `BatchProgress` arrives."""

    def __init__(self, metric: str = "accuracy"):
        self.metric = metric
        self.steps: list[float] = []
        self.loss: list[float] = []
        self.values: list[float] = []
        self._last = (0, 0, 0.0, 0.0)  # (epoch, samples done, running loss, running metric)

    def clear(self) -> None:
        self.__init__(self.metric)

    def add(self, progress) -> bool:
        """Take one progress; False when it adds no point (no new samples)."""
        epoch, done = progress.epoch, progress.samples_done
        metric = float(progress.metrics.get(self.metric, math.nan))
        last_epoch, last_done, last_loss, last_metric = self._last
        if epoch != last_epoch or done < last_done:  # a new epoch: its means start afresh
            last_done, last_loss, last_metric = 0, 0.0, 0.0
        new = done - last_done
        if new <= 0 or progress.samples_total <= 0:
            return False
        self._last = (epoch, done, float(progress.loss), metric)
        self.steps.append(epoch - 1 + done / progress.samples_total)
        self.loss.append((progress.loss * done - last_loss * last_done) / new)
        self.values.append((metric * done - last_metric * last_done) / new)
        return True

    def arrays(self, weight: float = SMOOTHING) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(steps in epochs, smoothed loss, smoothed metric)."""
        return (np.asarray(self.steps), smoothed(self.loss, weight),
                smoothed(self.values, weight))


def smoothed(values, weight: float = SMOOTHING) -> np.ndarray:
    """TensorBoard's smoothing: an exponential moving average, debiased; non-finite values are
    passed through without entering the average."""
    out = np.empty(len(values))
    last, count = 0.0, 0
    for i, value in enumerate(values):
        if not math.isfinite(value):
            out[i] = value
            continue
        count += 1
        last = last * weight + (1 - weight) * value
        out[i] = last / (1 - weight ** count) if weight < 1 else value
    return out
