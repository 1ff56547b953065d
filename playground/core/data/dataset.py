"""The data of one experiment, already split, with labels kept as class indices.

Targets are derived from labels on demand because their encoding (0/1, ±1, one-hot) follows
the loss, not the data: the same XOR rows serve binary cross-entropy and hinge alike.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs as float32 rows and labels as class indices (0 = negative class for binary)."""

    key: str
    x_train: np.ndarray
    labels_train: np.ndarray
    x_val: np.ndarray
    labels_val: np.ndarray
    x_test: np.ndarray
    labels_test: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    #: Per input, the range a plot of the input plane should span (data plus a margin).
    plot_range: tuple[tuple[float, float], ...] = ()

    @property
    def n_inputs(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def is_binary(self) -> bool:
        return self.n_classes == 2

    @property
    def output_units(self) -> int:
        return 1 if self.is_binary else self.n_classes

    @property
    def held_out(self) -> str:
        """What `val_*` metrics measure: the validation split, or, where none is held out (the
        image trainer then measures the test set every epoch, as seed 001 does), the test set."""
        return "validation" if len(self.x_val) else "test"


def encode_targets(labels: np.ndarray, encoding: str, n_classes: int) -> np.ndarray:
    """Class indices -> the float32 targets a loss expects (see `LossSpec.encoding`)."""
    labels = np.asarray(labels)
    if encoding == "binary":
        return labels.astype(np.float32).reshape(-1, 1)
    if encoding == "signed":
        return (2.0 * labels - 1.0).astype(np.float32).reshape(-1, 1)
    if encoding == "onehot":
        return np.eye(n_classes, dtype=np.float32)[labels]
    if encoding == "sparse":
        return labels.astype(np.int32)
    raise ValueError(f"unknown target encoding {encoding!r}")


def predicted_classes(outputs: np.ndarray, encoding: str, threshold: float) -> np.ndarray:
    """The class each output row implies: output above `threshold` -> class 1; argmax for softmax.

    For ±1 targets this is sign agreement (threshold 0), which Keras's default binary accuracy
    (threshold 0.5 against 0/1 labels) gets wrong.
    """
    outputs = np.asarray(outputs)
    if encoding in ("onehot", "sparse"):
        return outputs.argmax(axis=-1)
    return (outputs[..., 0] > threshold).astype(np.int64)


def split_validation(x: np.ndarray, labels: np.ndarray, fraction: float):
    """Hold out the *last* `fraction` of rows, exactly as Keras's `validation_split` does."""
    cut = int(len(x) * (1.0 - fraction)) if fraction > 0 else len(x)
    return x[:cut], labels[:cut], x[cut:], labels[cut:]
