"""The hidden layers an experiment stacks (Dense only, for now)."""
from __future__ import annotations

from dataclasses import dataclass

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")


@dataclass(frozen=True)
class Layer:
    """One hidden layer: a Dense layer of `units` neurons, optionally followed by Dropout."""

    units: int = 4
    activation: str = "tanh"
    dropout: float = 0.0
