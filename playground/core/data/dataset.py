"""The data of one experiment, already split, saying what it is: its task, classes and shape.

Labels are class indices (classification) or float target values (regression). Targets are
derived from labels on demand because their encoding (0/1, ±1, one-hot) follows the loss, not
the data: the same XOR rows serve binary cross-entropy and hinge alike.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs as float32 rows; labels as class indices (0 = negative class for binary) or, for
    regression, float32 target values."""

    key: str
    x_train: np.ndarray
    labels_train: np.ndarray
    x_val: np.ndarray
    labels_val: np.ndarray
    x_test: np.ndarray
    labels_test: np.ndarray
    feature_names: tuple[str, ...]
    #: Class names in index order; empty for regression.
    class_names: tuple[str, ...]
    #: Per input, the range a plot of the input plane should span (data plus a margin).
    plot_range: tuple[tuple[float, float], ...] = ()
    #: "classification" or "regression".
    task: str = "classification"
    #: The shape each row has as an image, e.g. (28, 28) for MNIST (rows are stored flat);
    #: empty when rows are not images.
    image_shape: tuple[int, ...] = ()
    #: Regression: the model learns (target - target_shift) / target_scale (a table's targets
    #: may be in the thousands) and its outputs are read back with `in_data_units`. Identity
    #: by default.
    target_shift: float = 0.0
    target_scale: float = 1.0

    def scaled_targets(self, values) -> np.ndarray:
        """Regression targets (file units) as the model learns them; other labels unchanged."""
        if not self.is_regression:
            return np.asarray(values)
        return ((np.asarray(values, np.float64) - self.target_shift)
                / self.target_scale).astype(np.float32)

    def in_data_units(self, outputs) -> np.ndarray:
        """The model's outputs in the data's own units (regression); others unchanged."""
        if not self.is_regression or (self.target_shift == 0.0 and self.target_scale == 1.0):
            return np.asarray(outputs)
        out = np.asarray(outputs)
        return (out * self.target_scale + self.target_shift).astype(out.dtype)

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(int(n) for n in self.x_train.shape[1:])

    @property
    def n_inputs(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_classes(self) -> int:
        """0 for regression."""
        return len(self.class_names)

    @property
    def is_regression(self) -> bool:
        return self.task == "regression"

    @property
    def is_binary(self) -> bool:
        return self.n_classes == 2

    @property
    def is_images(self) -> bool:
        return bool(self.image_shape)

    @property
    def is_plane(self) -> bool:
        """Inputs that can be drawn as a plane (or a 2-input slice of more inputs)."""
        return not self.is_images and self.n_inputs >= 2

    @property
    def rows(self) -> int:
        return len(self.x_train) + len(self.x_val) + len(self.x_test)

    @property
    def output_units(self) -> int:
        """One unit for two classes (0/1 or ±1) and for a regression target, else one a class."""
        return 1 if self.is_binary or self.is_regression else self.n_classes


def encode_targets(labels: np.ndarray, encoding: str, n_classes: int) -> np.ndarray:
    """Class indices (or regression values) -> the float32 targets a loss expects (see
    `LossSpec.encoding`)."""
    labels = np.asarray(labels)
    if encoding in ("binary", "value"):
        return labels.astype(np.float32).reshape(-1, 1)
    if encoding == "signed":
        return (2.0 * labels - 1.0).astype(np.float32).reshape(-1, 1)
    if encoding == "onehot":
        return np.eye(n_classes, dtype=np.float32)[labels]
    if encoding == "sparse":
        return labels.astype(np.int32)
    raise ValueError(f"unknown target encoding {encoding!r}")


def split_validation(x: np.ndarray, labels: np.ndarray, fraction: float):
    """Hold out the *last* `fraction` of rows, exactly as Keras's `validation_split` does."""
    cut = int(len(x) * (1.0 - fraction)) if fraction > 0 else len(x)
    return x[:cut], labels[:cut], x[cut:], labels[cut:]

