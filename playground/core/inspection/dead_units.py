"""Dead ReLU units: hidden ReLU neurons whose output is 0 on every training row.

A ReLU's slope is 0 wherever its input is negative, so a unit negative on every row passes no
gradient back: nothing moves its weights and it no longer learns (often after one step too
large pushed its bias far down). The diagram marks them and counts them; the Backward pass tab
and the hints name them. One forward pass over the first training rows, as many as fit a
budget of multiply-adds (all of a small plane's, a few dozen of MNIST's), cheap enough for every
redraw during training.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.core.inspection.backward import dead_relu_units

#: Dead units are looked for on the first training rows: at most MAX_ROWS (as the Backward
#: pass tab), at least MIN_ROWS, else as many as BUDGET multiply-adds allow (a few ms).
MAX_ROWS = 5000
MIN_ROWS = 64
BUDGET = 10_000_000


@dataclass(frozen=True)
class DeadUnits:
    """Which hidden ReLU units are dead, out of how many, judged on how many rows."""

    #: (hidden layer from 0, unit) of each dead unit.
    units: frozenset
    #: How many hidden ReLU units the network has.
    relu_units: int
    #: The rows looked at, and the training rows there are.
    rows: int
    all_rows: int

    @property
    def count(self) -> int:
        return len(self.units)

    @property
    def where(self) -> str:
        """'the 4 training rows' or 'the first 300 of 1,000 training rows'."""
        if self.rows >= self.all_rows:
            return f"the {self.all_rows:,} training rows"
        return f"the first {self.rows:,} of {self.all_rows:,} training rows"

    def summary(self) -> str:
        """'2 of 8 ReLU units dead'; '' for a network without hidden ReLU units."""
        if not self.relu_units:
            return ""
        return f"{self.count} of {self.relu_units} ReLU units dead"

    def why(self) -> str:
        """What a dead mark means, for its tooltip."""
        return (f"dead: its ReLU output is 0 on every one of {self.where} — no gradient "
                "reaches it, so it no longer learns")


def rows_to_check(weights) -> int:
    """How many rows one forward pass of this network may take within BUDGET."""
    per_row = sum(int(np.size(w)) for w in weights[0::2]) or 1
    return int(min(MAX_ROWS, max(MIN_ROWS, BUDGET // per_row)))


def dead_units(weights, activations, x, max_rows: int | None = None) -> DeadUnits:
    """The dead hidden ReLU units of a dense network (`get_weights()` order) on the first
    `max_rows` rows of `x` (the training inputs; default: `rows_to_check`)."""
    x = np.asarray(x)
    max_rows = rows_to_check(weights) if max_rows is None else max_rows
    rows = x[:max_rows].reshape(min(len(x), max_rows), -1)  # images as flat rows
    relu_units = sum(int(np.shape(weights[2 * i])[1]) for i, activation in
                     enumerate(activations[:-1]) if activation == "relu"
                     and 2 * i < len(weights))
    if not len(rows) or not relu_units:
        return DeadUnits(frozenset(), relu_units, len(rows), len(x))
    dead = dead_relu_units(weights, activations, rows)
    units = frozenset((layer, unit) for layer, found in dead for unit in found)
    return DeadUnits(units, relu_units, len(rows), len(x))
