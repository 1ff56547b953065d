"""A chart of |ΔW| / |W| per layer and epoch (core/inspection/update_sizes.py), log scale:
how fast each layer's kernel moves relative to its size."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from playground.core.inspection.update_sizes import UpdateSizes

#: One colour per layer, input side first (as the gradient-norm chart beside it).
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
#: Drawn at this floor where a layer did not move (a log axis has no 0).
FLOOR = 1e-12


class UpdateSizePlot(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent, background="w")
        self.setObjectName("backward_update_sizes")
        self.setLogMode(x=False, y=True)
        self.setLabel("left", "|ΔW| / |W| per epoch (log)")
        self.setLabel("bottom", "epoch")
        self.setMinimumHeight(90)
        self.setToolTip("How far each layer's weights move per epoch, as a share of their size "
                        "(from the weights kept after each report). About 1e-3 to 1e-2 is "
                        "healthy; far lower, the layer has stalled; far higher, it thrashes")
        self.legend = self.addLegend(offset=(-10, 10))
        self.curves: list = []
        self.sizes = UpdateSizes()

    def clear_run(self) -> None:
        """A new run: its curves are emptied, not removed (made again, they cost ~5 ms each)."""
        self.sizes.clear()
        for curve in self.curves:
            curve.setData([], [])

    def show_history(self, history) -> None:
        epochs, values = self.sizes.of(*history.weights_history())
        count = values.shape[1] if values.ndim == 2 else 0
        if count != len(self.curves):
            self._set_count(count)
        for curve, column in zip(self.curves, values.T):
            curve.setData(epochs, np.maximum(np.nan_to_num(column, posinf=1.0), FLOOR))

    def _set_count(self, count: int) -> None:
        self.clear()
        self.legend.clear()
        self.curves = [self.plot(pen=pg.mkPen(COLOURS[i % len(COLOURS)], width=2),
                                 name="output" if i == count - 1 else f"hidden {i + 1}")
                       for i in range(count)]
