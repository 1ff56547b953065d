"""The growing plots' range and thinning: the costly work of a frame is split and bounded.

A new x range regenerates every axis's ticks and grid; painted in the same event-loop turn as the
curves' new data (and both linked charts at once), one turn cost more than a 16 ms frame.
"""
import numpy as np
import pyqtgraph as pg

from playground.ui.widgets.grid_plot import grid_plot, thin_long_curves
from playground.ui.widgets.live_range import LiveRange


class Turns(list):
    """`Session.in_turn` without the event loop: jobs wait here until run one at a time."""

    def __call__(self, job):
        if job not in self:
            self.append(job)

    def run_one(self):
        self.pop(0)()


def x_range(plot):
    return tuple(round(v, 3) for v in plot.getPlotItem().getViewBox().viewRange()[0])


def test_a_grown_x_range_is_set_in_a_turn_of_its_own_and_the_linked_chart_follows_in_the_next(
        qtbot):
    loss, metric = grid_plot(), grid_plot()
    for plot in (loss, metric):
        qtbot.addWidget(plot)
    metric.setXLink(loss)
    turns = Turns()
    live = LiveRange(loss, grow_y=True, linked=(metric,), in_turn=turns)
    curve = loss.plot()
    curve.setData(np.arange(1, 11), np.linspace(1, 0.5, 10))
    live.update(target_epoch=500)
    turns.run_one()
    first = x_range(loss)
    assert x_range(metric) != first
    turns.run_one()
    assert x_range(metric) == first == (-1.28, 65.28)  # 64 epochs and 2 % each side

    curve.setData(np.arange(1, 101), np.linspace(1, 0.5, 100))  # past 64: x must grow
    live.update(target_epoch=500)
    live.update(target_epoch=500)
    assert x_range(loss) == first  # not yet: the data's turn is not the axes' turn
    assert len(turns) == 1  # asked twice, set once
    turns.run_one()
    assert x_range(loss) == (-2.56, 130.56) and x_range(metric) == first
    turns.run_one()
    assert x_range(metric) == x_range(loss)


def test_a_long_run_changes_the_axes_a_handful_of_times(qtbot):
    plot = grid_plot()
    qtbot.addWidget(plot)
    turns = Turns()
    live = LiveRange(plot, grow_y=True, in_turn=turns)
    curve = plot.plot()
    epochs = np.arange(1, 2001)
    losses = 1.0 / np.sqrt(epochs)
    for end in range(10, 2001, 10):  # 200 reports
        curve.setData(epochs[:end], losses[:end])
        live.update(target_epoch=2000)
        while turns:
            turns.run_one()
    # x: 64, 128, 256, 512, 1024, 2000 (y set with the first): 6 changes, not one a report.
    assert live.changes == 6
    assert x_range(plot) == (-40.0, 2040.0)


def test_a_long_curve_is_drawn_with_about_a_vertex_a_pixel_and_keeps_its_spikes(qtbot):
    plot = grid_plot()
    qtbot.addWidget(plot)
    curve = plot.plot(pen=pg.mkPen("b", width=2))
    thin_long_curves(plot)
    plot.resize(500, 250)
    plot.show()
    qtbot.waitExposed(plot)
    y = np.full(20_000, 0.5)
    y[12_345] = 3.0  # one diverging epoch
    curve.setData(np.arange(20_000), y)
    plot.setXRange(0, 20_000)
    plot.setYRange(0, 3.2)
    shown_x, shown_y = curve.getData()
    width = plot.getPlotItem().getViewBox().width()
    assert 0 < len(shown_x) <= width  # pyqtgraph's default drew 4,444 here
    assert shown_y.max() == 3.0
