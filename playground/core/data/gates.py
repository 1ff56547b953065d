"""Logic gates: the four rows of a two-input truth table (seed 000)."""
from __future__ import annotations

import numpy as np

from playground.core.data.dataset import Dataset, split_validation

TRUTH_TABLE = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
GATES = {
    "xor": np.array([0, 1, 1, 0]),
    "and": np.array([0, 0, 0, 1]),
    "or": np.array([0, 1, 1, 1]),
}


def build(experiment) -> Dataset:
    labels = GATES[experiment.dataset]
    x_train, y_train, x_val, y_val = split_validation(TRUTH_TABLE, labels,
                                                      experiment.validation_split)
    empty = np.zeros((0, 2), np.float32)
    return Dataset(
        key=experiment.dataset,
        x_train=x_train, labels_train=y_train,
        x_val=x_val, labels_val=y_val,
        x_test=empty, labels_test=np.zeros(0, np.int64),
        feature_names=("x1", "x2"),
        class_names=("0", "1"),
        plot_range=((-0.25, 1.25), (-0.25, 1.25)),
    )


def train_rows(experiment) -> int:
    return int(len(TRUTH_TABLE) * (1.0 - experiment.validation_split))


def script(experiment) -> tuple[list[str], int, tuple[str, ...]]:
    """The data as lines of a plain-Keras script (x, labels, x_test, labels_test), the number
    of inputs and the class names (see core.files.codegen)."""
    labels = ", ".join(str(int(v)) for v in GATES[experiment.dataset])
    return [
        f"# {experiment.dataset.upper()}: the four rows of the truth table and their labels.",
        'x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")',
        f"labels = np.array([{labels}])",
        "x_test, labels_test = x[:0], labels[:0]  # a truth table has no separate test set",
    ], 2, ("0", "1")
