"""The view range of a plot that grows while training: still, unless the data leaves it.

Left to pyqtgraph's auto-range, every redraw moves the axes (one more epoch, a lower loss), and
redrawing an axis's tick labels is the costliest thing a frame paints: ~15 ms an axis here,
~100 ms a frame for the window's plots, which stalled the event loop far past 33 ms
(benchmarks/bench_gui.py). So x spans [0, 64 epochs] at first and doubles whenever the run
passes its end, never beyond the epoch the run trains to (a 500-epoch run: 64, 128, 256, 500),
and y (when it is not fixed) starts at 0 and grows by a quarter more than needed whenever the
data pokes above it: the axes change a handful of times a run instead of every frame. Once the user
zooms or pans, the range is theirs until the next run (or pyqtgraph's "A" button).
"""
from __future__ import annotations

import numpy as np

#: When the data outgrows the y range, the new top leaves this much room above it.
HEADROOM = 1.25
#: The first x span, in epochs (then doubled as needed).
FIRST_EPOCHS = 64


class LiveRange:
    def __init__(self, plot, grow_y: bool):
        self.plot = plot
        self.grow_y = grow_y
        self.view_box = plot.getPlotItem().getViewBox()
        self.x_max = self.y_max = None
        self.target = 0
        self.user_zoomed = False
        self.view_box.sigRangeChangedManually.connect(self._zoomed)
        self.view_box.disableAutoRange(axis="x")
        if grow_y:
            self.view_box.disableAutoRange(axis="y")

    def reset(self) -> None:
        """A new run: follow the data again (also after the "A" button gave it to pyqtgraph)."""
        self.x_max = self.y_max = None
        self.user_zoomed = False
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
            x, y = item.xData, item.yData  # the data itself: getData() is clipped to the view
            if x is None or not len(x):
                continue
            needed = max(needed, float(np.nanmax(x)))
            finite = np.asarray(y)[np.isfinite(y)]
            if len(finite):
                y_max = max(y_max, float(finite.max()))
        if self.x_max is None or needed > self.x_max:
            grown = FIRST_EPOCHS if self.x_max is None else 2 * self.x_max
            cap = float(target_epoch) if target_epoch > 0 else float("inf")  # 0: not known
            self.x_max = max(needed, min(grown, cap))
            self.view_box.setXRange(0, self.x_max, padding=0.02)
        if self.grow_y and y_max > 0 and (self.y_max is None or y_max > self.y_max):
            self.y_max = y_max * HEADROOM
            self.view_box.setYRange(0, self.y_max, padding=0)

    def _zoomed(self, *_args) -> None:
        if self.view_box.state["autoRange"][0] or self.view_box.state["autoRange"][1]:
            return  # the "A" button: pyqtgraph ranges it from now on
        self.user_zoomed = True
