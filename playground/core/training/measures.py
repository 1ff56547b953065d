"""The task's metrics inside the compiled graph, as sums that add up over chunks of rows.

Every measurement (a full pass, a chunk of an evaluation, a running mean over batches) returns
the loss times the rows and a small vector of sums; `finish` turns totals into the metrics of
`inspection.metrics.metric_names(task)`: accuracy from correct answers; MSE and MAE from summed
squared and absolute errors; R² = 1 - SSE / SST, with SST (the targets' spread, which no model
changes) computed once in NumPy per set of rows, in float64.
"""
from __future__ import annotations

import math

import numpy as np

from playground.core.inspection.metrics import REGRESSION, metric_names


class Measures:
    """In-graph sums and their NumPy finish for one task, encoding and class threshold."""

    def __init__(self, task: str, encoding: str, threshold: float, scale: float = 1.0):
        """`scale`: the data's units per unit of the targets the model learns
        (`Dataset.target_scale`): MSE and MAE are finished in the data's units."""
        self.task = task
        self.encoding = encoding
        self.threshold = float(threshold)
        self.scale = float(scale)
        self.names = metric_names(task)

    def sums(self, tf, targets, outputs):
        """A float32 vector: [correct rows] or [summed squared error, summed absolute error]."""
        if self.task == REGRESSION:
            error = tf.cast(outputs, tf.float32) - tf.reshape(tf.cast(targets, tf.float32),
                                                              tf.shape(outputs))
            return tf.stack([tf.reduce_sum(tf.square(error)), tf.reduce_sum(tf.abs(error))])
        if self.encoding in ("onehot", "sparse"):
            predicted = tf.argmax(outputs, axis=-1, output_type=tf.int32)
            truth = (tf.argmax(targets, axis=-1, output_type=tf.int32)
                     if self.encoding == "onehot"
                     else tf.cast(tf.reshape(targets, [-1]), tf.int32))
        else:
            predicted = outputs[:, 0] > self.threshold
            truth = targets[:, 0] > (0.0 if self.encoding == "signed" else 0.5)
        return tf.reshape(tf.reduce_sum(tf.cast(tf.equal(predicted, truth), tf.float32)), [1])

    def finish(self, sums: np.ndarray, rows: int, spread: float) -> dict[str, np.ndarray]:
        """Metrics from `sums` (shape (k,) or (epochs, k)) over `rows` rows whose targets have
        total squared deviation `spread` (regression only)."""
        sums = np.asarray(sums, np.float64)
        if rows <= 0:
            nan = np.full(sums.shape[:-1], np.nan)
            return {name: nan for name in self.names}
        if self.task == REGRESSION:
            squared, absolute = sums[..., 0] * self.scale ** 2, sums[..., 1] * self.scale
            r2 = 1.0 - squared / spread if spread > 0 else np.full(squared.shape, np.nan)
            return {"mse": squared / rows, "mae": absolute / rows, "r2": r2}
        return {"accuracy": sums[..., 0] / rows}


def spread(targets: np.ndarray, task: str) -> float:
    """Total squared deviation of regression targets from their mean (SST; NaN otherwise)."""
    if task != REGRESSION or len(targets) == 0:
        return math.nan
    values = np.asarray(targets, np.float64).reshape(-1)
    return float(np.sum((values - values.mean()) ** 2))
