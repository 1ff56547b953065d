"""The Backward tab's small pieces of text: numbers to four decimals, vectors, a value still to
come, the SGD step's note and the typed target read as a class or a value."""
from __future__ import annotations

import numpy as np

from playground.core.inspection import weights as W


def number(value: float) -> str:
    return W.format_value(float(value))


def pending(value) -> str:
    return "…" if value is None else number(value)


def sgd_note(experiment) -> str:
    rate = float(experiment.learning_rate)
    text = (f"SGD's step on this row: w − η·∂L/∂w with η = {rate:g} (training averages the "
            f"gradient over a batch of {experiment.batch_size}).")
    if experiment.momentum:
        text += (f" With momentum {experiment.momentum:g} training also adds part of the "
                 "earlier steps; shown is the step from rest, which is exactly this.")
    return text


def parse_target(text: str, regression: bool, classes: int):
    """(label, "") or (None, why not): a class 0..classes-1, or any number for a regression."""
    value, message = W.parse_value(text)
    if message:
        return None, message or "type the row's target"
    if regression:
        return float(value), ""
    if value != int(value) or not 0 <= value < classes:
        return None, f"a class is a whole number from 0 to {classes - 1}"
    return int(value), ""


def vector(values) -> str:
    values = list(np.asarray(values).reshape(-1))
    shown = ", ".join(number(v) for v in values[:12])
    return shown if len(values) == 1 else f"[{shown}{', …' if len(values) > 12 else ''}]"

