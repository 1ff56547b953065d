"""Engineered input features for 2-input data, as TensorFlow Playground offers them.

`--features "x1*x2,sin(x1)"` feeds the network x1, x2 and then those columns: the raw inputs
stay the first two, so every view still draws the original plane, and the extra columns are
computed from them in one place (`apply`, called by `registry.load`) for training, the views'
NumPy forward pass (`plane_expander` for a grid over the plane) and the exported script
(`script_lines`). The lesson: with x1·x2, XOR is linearly separable and one neuron solves it.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

#: Each feature: how it is written, and how it is computed from the columns x1, x2.
FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
#: The same features in the exported script's NumPy (x: the rows, shape (n, 2)).
SCRIPT = {"x1^2": "x[:, 0] ** 2", "x2^2": "x[:, 1] ** 2", "x1*x2": "x[:, 0] * x[:, 1]",
          "sin(x1)": "np.sin(x[:, 0])", "sin(x2)": "np.sin(x[:, 1])"}
#: Other spellings a user may type.
ALIASES = {"x1x2": "x1*x2", "x1²": "x1^2", "x2²": "x2^2", "x1**2": "x1^2", "x2**2": "x2^2",
           "sinx1": "sin(x1)", "sinx2": "sin(x2)"}


def parse(text: str) -> tuple[tuple[str, ...], str]:
    """"x1*x2, sin(x1)" -> the engineered features in order (x1, x2 are always in and left
    out here), or ((), why not)."""
    names: list[str] = []
    for part in (text or "").split(","):
        name = part.strip().replace(" ", "").lower()
        if not name:
            continue
        name = ALIASES.get(name, name)
        if name not in FEATURES:
            return (), (f"unknown feature '{part.strip()}'; choose from "
                        f"{', '.join(FEATURES)}")
        if name not in ("x1", "x2") and name not in names:
            names.append(name)
    return tuple(names), ""


def columns(text: str) -> tuple[str, ...]:
    """Every input column the network sees: x1, x2, then the engineered features."""
    names, _ = parse(text)
    return ("x1", "x2", *names)


def expand(x: np.ndarray, names) -> np.ndarray:
    """Rows of (x1, x2, …) -> the same rows with the engineered columns `names` appended
    (recomputed from columns 0 and 1, so a grid over the plane gets them too)."""
    x = np.asarray(x)
    x1, x2 = x[:, 0], x[:, 1]
    extra = [FEATURES[name](x1, x2) for name in names]
    return np.column_stack([x1, x2, *extra]).astype(x.dtype) if extra else x[:, :2]


def apply(dataset, text: str):
    """`dataset` with the engineered features of `text` appended to its rows (unchanged when
    there are none). `ValueError` when the data does not have exactly two inputs."""
    names, message = parse(text)
    if message:
        raise ValueError(message)
    if not names:
        return dataset
    if dataset.is_images or dataset.n_inputs != 2:
        raise ValueError(f"engineered features need 2-input data; {dataset.key} has "
                         f"{dataset.n_inputs} inputs")
    raw = tuple(dataset.feature_names[:2])
    plot = tuple(dataset.plot_range[:2]) if dataset.plot_range else ()
    if plot:  # the new columns' ranges, from the data they take
        rows = expand(np.concatenate([dataset.x_train, dataset.x_val, dataset.x_test]), names)
        plot += tuple((float(rows[:, j].min()), float(rows[:, j].max()))
                      for j in range(2, rows.shape[1]))
    return dataclasses.replace(
        dataset, x_train=expand(dataset.x_train, names), x_val=expand(dataset.x_val, names),
        x_test=expand(dataset.x_test, names), feature_names=raw + names, plot_range=plot)


def plane_expander(text: str) -> Callable[[np.ndarray], np.ndarray] | None:
    """For views drawing the plane of x1, x2: rows -> rows with the features recomputed."""
    names, message = parse(text)
    if message or not names:
        return None
    return lambda rows: expand(rows, names)


def script_lines(text: str) -> list[str]:
    """Lines of the exported script that append the features to its rows x and x_test."""
    names, _ = parse(text)
    if not names:
        return []
    terms = ", ".join(SCRIPT[name] for name in names)
    return ["", f"# Engineered input features: x1, x2, {', '.join(names)}",
            "def features(x):",
            f"    return np.column_stack([x[:, 0], x[:, 1], {terms}]).astype(np.float32)",
            "", "x, x_test = features(x), features(x_test)"]
