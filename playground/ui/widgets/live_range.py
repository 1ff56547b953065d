"""The view range of a plot that grows while training: still, unless the data leaves it.

Left to pyqtgraph's auto-range, every redraw moves the axes (one more epoch, a lower loss), and
redrawing an axis's tick labels is the costliest thing a frame paints: ~15 ms an axis here,
~100 ms a frame for the window's plots, which stalled the event loop far past 33 ms
(benchmarks/bench_gui.py). So x spans [0, 64 epochs] at first and doubles whenever the run
passes its end, never beyond the epoch the run trains to (a 500-epoch run: 64, 128, 256, 500),
and y (when it is not fixed) starts at 0 and grows by a quarter more than needed whenever the
data pokes above it: the axes change a handful of times a run instead of every frame. Once the
user zooms or pans, the range is theirs until the next run.

A new range is set in an event-loop turn of its own (`in_turn`, the session's) when one is
given: a range change regenerates the axes' ticks and grid (~5 ms a plot), and painted in the
same turn as the curves' new data, the two passed the 16 ms frame budget together.

Curves only grow during a run, so each update looks at the points added since the last one
(a million-epoch run would otherwise rescan megabytes every frame).
"""
from __future__ import annotations

import numpy as np

#: When the data outgrows the y range, the new top leaves this much room above it.
HEADROOM = 1.25
#: Room left and right of the epochs, a share of the x span.
X_MARGIN = 0.02
#: The first x span, in epochs (then doubled as needed).
FIRST_EPOCHS = 64


class LiveRange:
    def __init__(self, plot, grow_y: bool, linked=(), in_turn=None):
        """`linked`: other plots whose x follows this one's (their zooms count as the user's);
        `in_turn(job)`: runs a job in a later event-loop turn of its own (None: now)."""
        self.plot = plot
        self.grow_y = grow_y
        self.in_turn = in_turn
        #: How many times a new range was set (for tests: each regenerates the axes).
        self.changes = 0
        self._pending: set[str] = set()  # the axes ("x", "y") whose new range is not set yet
        self.view_box = plot.getPlotItem().getViewBox()
        self.followers = [p.getPlotItem().getViewBox() for p in linked]
        self.user_zoomed = False
        for box in (self.view_box, *self.followers):
            box.sigRangeChangedManually.connect(self._zoomed)
            box.disableAutoRange(axis="x")
        self.refit()

    def reset(self) -> None:
        """A new run: follow the data again (also after a zoom or the "A" button)."""
        self.user_zoomed = False
        self.refit()

    def refit(self) -> None:
        """Fit the curves from scratch at the next update (they were replaced), keeping a zoom."""
        self.x_max = self.y_max = None
        self.target = 0
        self._pending = set()
        self._seen: dict[int, tuple[int, float, float]] = {}  # item -> points, x max, y max
        if not self.user_zoomed:
            self.view_box.disableAutoRange(axis="x")
            if self.grow_y:
                self.view_box.disableAutoRange(axis="y")

    def update(self, target_epoch: int) -> None:
        """Take in every curve of the plot (overlays too), and the epoch the run goes to."""
        if self.user_zoomed:
            return
        if target_epoch != self.target:  # Train again with another epoch count: span it anew
            self.target, self.x_max = target_epoch, None
        needed, y_max = 1.0, 0.0
        for item in self.plot.getPlotItem().listDataItems():
            item_x, item_y = self._extent(item)
            needed, y_max = max(needed, item_x), max(y_max, item_y)
        if self.x_max is None or needed > self.x_max:
            grown = FIRST_EPOCHS if self.x_max is None else 2 * self.x_max
            cap = float(target_epoch) if target_epoch > 0 else float("inf")  # 0: not known
            self.x_max = max(needed, min(grown, cap))
            self._pending.add("x")
        if self.grow_y and y_max > 0 and (self.y_max is None or y_max > self.y_max):
            self.y_max = y_max * HEADROOM
            self._pending.add("y")
        if not self._pending:
            return
        if self.in_turn is None:
            self._apply()
        else:
            self.in_turn(self._apply)  # a job already waiting keeps its place and sets both

    def _apply(self) -> None:
        """Set the ranges that changed, x and y in one call: the axes are regenerated once."""
        pending, self._pending = self._pending, set()
        if not pending or self.user_zoomed:
            return
        self.changes += 1
        ranges = {}
        if "x" in pending:  # 2 % of margin each side, as setXRange's padding=0.02
            ranges["xRange"] = (-X_MARGIN * self.x_max, (1 + X_MARGIN) * self.x_max)
        if "y" in pending:
            ranges["yRange"] = (0, self.y_max)
        if "xRange" not in ranges or self.in_turn is None:
            self.view_box.setRange(**ranges, padding=0)
            return
        # The linked plots follow in a turn of their own: each plot's axes regenerated per turn.
        for box in self.followers:
            box.blockLink(True)
        self.view_box.setRange(**ranges, padding=0)
        for box in self.followers:
            box.blockLink(False)
        if self.followers:
            self.in_turn(self._follow)

    def _follow(self) -> None:
        """The linked plots take this one's x range, as their link would have done."""
        for box in self.followers:
            box.linkedViewChanged(self.view_box, box.XAxis)

    def _extent(self, item) -> tuple[float, float]:
        """(largest x, largest finite y) of an item's data, from the points not seen yet."""
        x, y = item.xData, item.yData  # the data itself: getData() is clipped to the view
        n = 0 if x is None else len(x)
        seen, x_max, y_max = self._seen.get(id(item), (0, 0.0, 0.0))
        if n < seen:  # replaced by shorter data: look again from the start
            seen, x_max, y_max = 0, 0.0, 0.0
        if n > seen:
            x_max = max(x_max, float(np.nanmax(x[seen:])))
            new = np.asarray(y[seen:])
            finite = new[np.isfinite(new)]
            if len(finite):
                y_max = max(y_max, float(finite.max()))
            self._seen[id(item)] = (n, x_max, y_max)
        return x_max, y_max

    def _zoomed(self, *_args) -> None:
        self.user_zoomed = True
