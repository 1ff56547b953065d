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
