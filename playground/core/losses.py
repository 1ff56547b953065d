"""Losses: how each is named, which output activations fit it, how targets are encoded, and
which losses fit which data (from its task and class count, never from a dataset's name)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

CLASSIFICATION, REGRESSION = "classification", "regression"


@dataclass(frozen=True)
class LossSpec:
    """How a loss is named, which output activations fit it, and how targets are encoded."""

    label: str
    keras_name: str
    outputs: tuple[str, ...]  # allowed output activations, the first is the natural one
    # "binary": targets 0/1; "signed": targets -1/+1; "onehot"/"sparse": class vectors/indices;
    # "value": regression targets, passed through as they are
    encoding: Callable[[str], str]


LOSSES: dict[str, LossSpec] = {
    "bce": LossSpec("Binary cross-entropy", "binary_crossentropy", ("sigmoid",),
                    lambda out: "binary"),
    "mse": LossSpec("Mean squared error", "mean_squared_error", ("sigmoid", "tanh", "linear"),
                    lambda out: "signed" if out == "tanh" else "binary"),
    "hinge": LossSpec("Hinge", "hinge", ("tanh", "linear"), lambda out: "signed"),
    "categorical": LossSpec("Categorical cross-entropy", "categorical_crossentropy",
                            ("softmax",), lambda out: "onehot"),
    "sparse-categorical": LossSpec("Sparse categorical cross-entropy",
                                   "sparse_categorical_crossentropy", ("softmax",),
                                   lambda out: "sparse"),
    # Regression only: a number in the data's units comes from a linear output.
    "mae": LossSpec("Mean absolute error", "mean_absolute_error", ("linear",),
                    lambda out: "value"),
    "huber": LossSpec("Huber", "huber", ("linear",), lambda out: "value"),
}

#: A regression target is any number: only a linear output can reach it.
REGRESSION_OUTPUTS = ("linear",)


def fitting_losses(task: str, n_classes: int) -> tuple[str, ...]:
    """Losses that can learn the data, the natural one first: a regression target takes one
    linear output; two classes one 0/1 or ±1 output neuron; more classes a softmax."""
    if task == REGRESSION:
        return ("mse", "mae", "huber")
    if n_classes <= 2:
        return ("bce", "mse", "hinge")
    return ("sparse-categorical", "categorical")


def fitting_outputs(loss: str, task: str) -> tuple[str, ...]:
    """Output activations that fit `loss` on data of `task`, the natural one first."""
    spec = LOSSES.get(loss)
    if task == REGRESSION:
        return REGRESSION_OUTPUTS
    return spec.outputs if spec else ("sigmoid",)


def encoding(loss: str, output: str, task: str) -> str:
    """How targets are encoded for `loss` with `output` on data of `task`."""
    if task == REGRESSION:
        return "value"
    spec = LOSSES.get(loss)
    return spec.encoding(output) if spec else "binary"
