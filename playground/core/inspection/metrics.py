"""Metrics follow the task: how outputs become classes, and how well they answer, in NumPy.

One place for the rules every view, hint, record and the command line share: which class an
output implies (a threshold on one output unit; the top probability of a softmax), the accuracy
of a set of outputs (classification), MSE, MAE and R² in the data's units (regression), and the
loss as Keras computes it, so numbers measured here from weight snapshots match the trainer's.
"""
from __future__ import annotations

import math

import numpy as np

from playground.core.data.dataset import encode_targets
from playground.core.experiment import LOSSES
from playground.core.inspection.forward import activations_of, forward
from playground.core.losses import CLASSIFICATION, REGRESSION

__all__ = ["CLASSIFICATION", "REGRESSION", "accuracy", "class_label", "classify", "evaluate",
           "is_multiclass", "loss_value", "metric_label", "metric_names", "output_heading",
           "predicted_classes", "regression_scores", "scores", "shown_output",
           "threshold_range"]
#: Keras's clipping of probabilities inside cross-entropy losses.
EPSILON = 1e-7
#: Huber's switch from squared to absolute error (Keras's default delta).
HUBER_DELTA = 1.0


def metric_names(task: str) -> tuple[str, ...]:
    """The metrics a run of `task` reports each epoch, besides its loss."""
    return ("mse", "mae", "r2") if task == REGRESSION else ("accuracy",)


def metric_label(name: str) -> str:
    """How a metric reads in a heading ("R²", "MSE")."""
    return {"accuracy": "accuracy", "mse": "MSE", "mae": "MAE", "r2": "R²"}.get(name, name)


# ----- classes ---------------------------------------------------------------------------------

def is_multiclass(encoding: str) -> bool:
    """Several output units, one per class (a softmax), rather than one unit cut by a threshold."""
    return encoding in ("onehot", "sparse")


def predicted_classes(outputs: np.ndarray, encoding: str, threshold: float) -> np.ndarray:
    """The class each output row implies: output above `threshold` -> class 1; argmax for softmax.

    For ±1 targets this is sign agreement (threshold 0), which Keras's default binary accuracy
    (threshold 0.5 against 0/1 labels) gets wrong.
    """
    outputs = np.asarray(outputs)
    if is_multiclass(encoding):
        return outputs.argmax(axis=-1)
    return (outputs[..., 0] > threshold).astype(np.int64)


def classify(outputs, labels, encoding: str, threshold: float):
    """(predicted class per row, True where it equals the label)."""
    classes = predicted_classes(outputs, encoding, threshold)
    return classes, classes == np.asarray(labels)


def shown_output(outputs, encoding: str) -> np.ndarray:
    """One number per row: the output unit, or for several classes the top probability."""
    outputs = np.asarray(outputs)
    return outputs.max(axis=-1) if is_multiclass(encoding) else outputs[..., 0]


def class_label(dataset, encoding: str, index: int) -> str:
    """How a class reads in a table: ±1 when the targets are ±1, else the class name."""
    if encoding == "signed":
        return "+1" if index else "−1"
    names = dataset.class_names if dataset is not None else ()
    return names[index] if 0 <= index < len(names) else str(index)


def output_heading(output_activation: str) -> str:
    return {"sigmoid": "P(class 1)", "softmax": "top probability"}.get(output_activation,
                                                                       "output")


def threshold_range(output_activation: str) -> tuple[float, float]:
    """Where a class threshold on this output can sensibly lie."""
    return {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0),
            "tanh": (-1.0, 1.0)}.get(output_activation, (-100.0, 100.0))


# ----- scores ------------------------------------------------------------------------------------

def accuracy(outputs, labels, encoding: str, threshold: float) -> float:
    """Share of rows whose implied class is the label (NaN for no rows)."""
    labels = np.asarray(labels)
    if len(labels) == 0:
        return math.nan
    return float(np.mean(predicted_classes(outputs, encoding, threshold) == labels))


def regression_scores(outputs, targets) -> dict[str, float]:
    """MSE, MAE and R² of one output unit against float targets, in the targets' units."""
    predicted = np.asarray(outputs, np.float64).reshape(len(outputs), -1)[:, 0]
    targets = np.asarray(targets, np.float64).reshape(-1)
    if len(targets) == 0:
        return {"mse": math.nan, "mae": math.nan, "r2": math.nan}
    error = predicted - targets
    spread = float(np.sum((targets - targets.mean()) ** 2))
    mse = float(np.mean(error ** 2))
    r2 = 1.0 - float(np.sum(error ** 2)) / spread if spread > 0 else math.nan
    return {"mse": mse, "mae": float(np.mean(np.abs(error))), "r2": r2}


def scores(outputs, labels, task: str, encoding: str = "binary",
           threshold: float = 0.5) -> dict[str, float]:
    """`metric_names(task)` -> value for these outputs: accuracy, or MSE/MAE/R²."""
    if task == REGRESSION:
        return regression_scores(outputs, labels)
    return {"accuracy": accuracy(outputs, labels, encoding, threshold)}


def loss_value(outputs, labels, keras_loss: str, encoding: str, n_classes: int) -> float:
    """The mean loss over the rows, as Keras's loss of that name computes it."""
    outputs = np.asarray(outputs, np.float64)
    if len(outputs) == 0:
        return math.nan
    if keras_loss == "sparse_categorical_crossentropy":  # targets are class indices
        p = np.clip(outputs[np.arange(len(outputs)), np.asarray(labels, np.int64)],
                    EPSILON, 1 - EPSILON)
        return float(-np.mean(np.log(p)))
    targets = encode_targets(labels, encoding, n_classes).astype(np.float64)
    if keras_loss == "binary_crossentropy":
        p = np.clip(outputs, EPSILON, 1 - EPSILON)
        return float(-np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p)))
    if keras_loss == "categorical_crossentropy":
        p = np.clip(outputs / outputs.sum(axis=-1, keepdims=True), EPSILON, 1 - EPSILON)
        return float(-np.mean(np.sum(targets * np.log(p), axis=-1)))
    error = targets - outputs
    if keras_loss == "mean_squared_error":
        return float(np.mean(error ** 2))
    if keras_loss == "mean_absolute_error":
        return float(np.mean(np.abs(error)))
    if keras_loss == "huber":
        size = np.abs(error)
        quadratic = np.minimum(size, HUBER_DELTA)
        return float(np.mean(0.5 * quadratic ** 2 + HUBER_DELTA * (size - quadratic)))
    if keras_loss == "hinge":
        return float(np.mean(np.maximum(1 - targets * outputs, 0)))
    raise ValueError(f"unknown loss {keras_loss!r}")


def evaluate(experiment, weights, x, labels, dataset, threshold: float | None = None
             ) -> dict[str, float]:
    """Loss and the task's metrics of weight snapshot `weights` on rows `x` (NumPy forward pass):
    the one way the app measures "these weights on these rows" outside the trainer."""
    names = ("loss",) + metric_names(dataset.task)
    if len(x) == 0:
        return {name: math.nan for name in names}
    outputs = forward(weights, activations_of(experiment), x)
    encoding = experiment.encoding
    cut = experiment.default_threshold if threshold is None else threshold
    # The loss is training's: on the targets as the model learns them (standardised for a
    # table's regression); the metrics are in the data's units.
    result = {"loss": loss_value(outputs, dataset.scaled_targets(labels),
                                 LOSSES[experiment.loss].keras_name, encoding,
                                 dataset.n_classes)}
    result.update(scores(dataset.in_data_units(outputs), labels, dataset.task, encoding, cut))
    return result
