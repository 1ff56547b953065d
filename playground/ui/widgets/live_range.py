"""The view range of a plot that grows while training: still, unless the data leaves it.

Left to pyqtgraph's auto-range, every redraw moves the axes (one more epoch, a lower loss), and
redrawing an axis's tick labels is the costliest thing a frame paints: ~15 ms an axis here,
~100 ms a frame for the window's plots, which stalled the event loop far past 33 ms
(benchmarks/bench_gui.py). So x spans [0, 64 epochs] at first and doubles whenever the run
passes its end, never beyond the epoch the run trains to (a 500-epoch run: 64, 128, 256, 500),
and y (when it is not fixed) starts at 0 and grows by a quarter more than needed whenever the
data pokes above it: the axes change a handful of times a run instead of every frame. Once the
user zooms or pans, the range is theirs until the next run.

Curves only grow during a run, so each update looks at the points added since the last one
(a million-epoch run would otherwise rescan megabytes every frame).
"""
from __future__ import annotations

import numpy as np

#: When the data outgrows the y range, the new top leaves this much room above it.
HEADROOM = 1.25
#: The first x span, in epochs (then doubled as needed).
FIRST_EPOCHS = 64


class LiveRange:
    def __init__(self, plot, grow_y: bool, linked=()):
        """`linked`: other plots whose x follows this one's (their zooms count as the user's)."""
        self.plot = plot
        self.grow_y = grow_y
        self.view_box = plot.getPlotItem().getViewBox()
        self.user_zoomed = False
        for box in (self.view_box, *(p.getPlotItem().getViewBox() for p in linked)):
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
            self.view_box.setXRange(0, self.x_max, padding=0.02)
        if self.grow_y and y_max > 0 and (self.y_max is None or y_max > self.y_max):
            self.y_max = y_max * HEADROOM
            self.view_box.setYRange(0, self.y_max, padding=0)

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
