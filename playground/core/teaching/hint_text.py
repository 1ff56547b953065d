"""What a hint is, and its fix in words: the `Hint` record, `make_hint`, `describe_changes`.

Kept apart from the checks (hints.py, gradient_hints.py) so that both build hints the same way
without importing each other: hints.py runs gradient_hints' checks, and both need `make_hint`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from playground.core.experiment import FIELDS, Experiment
from playground.core.training.history import RunHistory


@dataclass(frozen=True)
class Hint:
    """Something worth knowing about the run, why it happens, and a fix if one exists."""

    #: Stable identifier ("no-hidden-layer", "learning-rate-too-high", …).
    key: str
    #: One line: what is wrong.
    text: str
    #: A few sentences: why it happens (shown on "Why?").
    why: str
    #: The experiment with the fix applied (None where no one-click fix exists).
    fix: Optional[Experiment] = None
    #: What the fix changes, in words ("learning rate 5 → 0.5").
    fix_text: str = ""


def make_hint(key: str, text: str, why: str, before: Experiment,
              fix: Experiment | None = None) -> Hint:
    """A `Hint` whose `fix_text` says what `fix` changes from `before`."""
    return Hint(key, text, why, fix, describe_changes(before, fix) if fix else "")


def held_out_name(history: RunHistory) -> str:
    """What the held-out curve measures, as the trainer's reports say ("validation" or "test")."""
    return history.held_out or "validation"


def describe_changes(before: Experiment, after: Experiment) -> str:
    """The fields that differ, in words: "learning rate 5 → 0.5; epochs 200 → 500"."""
    parts = []
    if before.layers != after.layers:
        parts.append(f"hidden layers {layers_text(before.layers)} → {layers_text(after.layers)}")
    for name, spec in FIELDS.items():
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            parts.append(f"{spec.label.lower()} {_value_text(old)} → {_value_text(new)}")
    return "; ".join(parts)


def layers_text(layers) -> str:
    """"none", "4 tanh", "512 relu + dropout 0.2, 512 relu + dropout 0.2"."""
    if not layers:
        return "none"
    return ", ".join((f"{layer.units} {layer.activation}"
                      + (f" + dropout {layer.dropout:g}" if layer.dropout else ""))
                     if layer.kind == "dense" else layer.label  # Conv2D 32 3×3 relu
                     for layer in layers)


def _value_text(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def round_rate(rate: float) -> float:
    """A learning rate with two significant digits (0.05, not 0.049999999999999996)."""
    return float(f"{rate:.2g}") if rate > 0 and math.isfinite(rate) else rate
