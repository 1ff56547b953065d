"""The backward pass in the window: a row's gradients beside Keras's, and Apply this step."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.core.experiment import Experiment, Layer
from playground.core.inspection.backward import backward_of, dead_relu_units
from playground.core.inspection.distributions import histograms
from playground.ui.views.backward_pass import CHARTS_NEED_PX
from tests.ui.gui import backward_charts_shown, open_window, train

XOR = Experiment(layers=(Layer(3, "tanh"),), epochs=30, learning_rate=0.5)


@pytest.fixture
def xor_window(qtbot):
    window = open_window(qtbot, XOR)
    assert train(qtbot, window) == "finished"
    yield window
    window.close()


@pytest.fixture
def adam_window(qtbot):
    """XOR trained with Adam: its step is the optimizer's own, computed by Keras."""
    window = open_window(qtbot, XOR.replace(optimizer="adam", learning_rate=0.01, epochs=5))
    assert train(qtbot, window) == "finished"
    yield window
    window.close()


@pytest.fixture
def charts_shown(qtbot, xor_window):
    """The Backward tab of the trained XOR window, its charts shown."""
    with backward_charts_shown(qtbot, xor_window) as view:
        yield view


def show(qtbot, window, key):
    view = window.views[key]
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(view.isVisible)
    return view


def test_a_rows_gradients_agree_with_keras_and_apply_moves_the_weights_by_the_step(
        qtbot, xor_window, charts_shown):
    window, view = xor_window, charts_shown
    view.pick_row(2)  # training row 2 of XOR: (0, 1) -> 1
    qtbot.waitUntil(lambda: view.result is not None and view.target.text() == "1")
    qtbot.waitUntil(lambda: view.keras is not None)  # Keras's side comes from its thread
    before = [np.array(w, np.float64) for w in window.session.history.latest_weights]
    expected = backward_of(XOR, before, [0.0, 1.0], 1)
    np.testing.assert_allclose(view.result.gradients()[0], expected.gradients()[0], atol=1e-12)
    summary = view.summary.text()
    assert "agree" in summary and f"{expected.loss:.4f}" in summary
    from playground.ui.widgets.note import tone_span
    assert tone_span("✓ agree", "good") in summary  # the theme's tone, readable in dark too
    text = view.text.toPlainText()
    assert "Hidden layer 1" in text and "Output layer" in text
    assert f"{expected.layers[0].delta[1]:.4f}" in text  # a hidden δ, to four decimals
    assert "w − η·∂L/∂w with η = 0.5" in view.step_note.text()
    # The chart beside: one curve per layer, one point per epoch, the trainer's numbers.
    epochs, norms = window.session.history.gradient_norms()
    assert len(view.norm_curves) == 2 and list(epochs) == list(range(1, 31))
    xs, ys = view.norm_curves[1].getData()  # log10 of the values: the axis is logarithmic
    np.testing.assert_array_equal(xs, epochs)
    np.testing.assert_allclose(10 ** ys, norms[1], rtol=1e-9)

    with qtbot.waitSignal(window.session.history_changed, timeout=10_000):
        qtbot.mouseClick(view.apply_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.state == "idle", timeout=10_000)
    after = window.session.history.latest_weights
    for now, was, grad in zip(after, before, expected.gradients(), strict=True):
        np.testing.assert_array_equal(now, np.float32(was - 0.5 * grad))  # exactly −η∇W
    weights_view = show(qtbot, window, "weights")
    qtbot.waitUntil(lambda: weights_view._shown_weights is after)
    table = weights_view.panels[0].table.model()
    shown = table.data(table.index(1, 0), Qt.DisplayRole)  # x2 -> h1: x2 = 1 moved it
    assert shown == f"{after[0][1, 0]:.4f}" and after[0][1, 0] != np.float32(before[0][1, 0])


def test_a_bad_target_is_named_and_a_typed_row_is_computed(qtbot, xor_window):
    view = show(qtbot, xor_window, "backward")
    qtbot.waitUntil(lambda: view.result is not None)
    view.input.clear()
    qtbot.keyClicks(view.input, "0.5, 0.5")
    view.target.clear()
    qtbot.keyClicks(view.target, "3")
    assert view.error.isVisible() and "Target: a class is a whole number from 0 to 1" in \
        view.error.text()
    view.target.clear()
    qtbot.keyClicks(view.target, "0")
    assert not view.error.isVisible()
    weights = xor_window.session.history.latest_weights
    np.testing.assert_allclose(view.result.loss, backward_of(XOR, weights, [0.5, 0.5], 0).loss)


def test_another_optimizer_says_its_step_differs(qtbot, adam_window):
    window = adam_window
    view = show(qtbot, window, "backward")
    qtbot.waitUntil(lambda: view.result is not None)
    qtbot.waitUntil(lambda: view.step is not None)  # Adam's step is Keras's: it comes later
    assert view.apply_button.isEnabled()
    assert "Adam's step is not W − η∇W" in view.step_note.text()
    weights = window.session.history.latest_weights
    # Adam's first step moves every weight with a gradient by about η, whatever its size.
    moved = np.abs(view.step[0] - weights[0])
    nonzero = np.abs(view.result.gradients()[0]) > 1e-6
    np.testing.assert_allclose(moved[nonzero], 0.01, rtol=1e-2)


def test_dead_relu_units_are_counted(qtbot):
    relu = XOR.replace(layers=(Layer(4, "relu"),), epochs=3)
    window = open_window(qtbot, relu)
    try:
        assert train(qtbot, window) == "finished"
        view = show(qtbot, window, "backward")
        qtbot.waitUntil(lambda: view.result is not None)
        weights = [np.array(w) for w in window.session.history.latest_weights]
        weights[1][2] = -100.0  # unit h3 can no longer be active on any XOR row
        assert window.session.set_weights(weights) == ""
        qtbot.waitUntil(lambda: "h3" in view.summary.text(), timeout=10_000)
        latest = window.session.history.latest_weights
        dead = dead_relu_units(latest, ["relu", "sigmoid"], window.session.dataset.x_train)
        assert 2 in dead[0][1]
        assert f"Dead ReLU units (never active on the training rows; no gradient reaches " \
            f"them): <b>{len(dead[0][1])} of 4</b>" in view.summary.text()
    finally:
        window.close()


def test_while_a_run_streams_keras_waits_and_each_turn_draws_one_part_of_the_tab(
        qtbot, monkeypatch):
    """Keras is asked only once the run ends, and not on the GUI thread; while reports stream
    in, and when the run starts and ends, the tables and the three charts are drawn in
    event-loop turns of their own, so each paint pass draws one of them (one pass drawing them
    all stalled the window ~50 ms)."""
    import threading

    from playground.ui.session import Session
    from playground.ui.views import keras_side

    calls = []  # (streaming or not, on the GUI thread or not) at each call of GradientTape
    real = keras_side.keras_gradients

    def counted(*args, **kwargs):
        calls.append((window.session.streaming,
                      threading.current_thread() is threading.main_thread()))
        return real(*args, **kwargs)

    monkeypatch.setattr(keras_side, "keras_gradients", counted)
    turn = [0]
    next_turn = Session._next_turn
    monkeypatch.setattr(Session, "_next_turn",
                        lambda self: (turn.__setitem__(0, turn[0] + 1), next_turn(self)))
    # Long enough to stream for seconds even on an idle machine (~6,000 XOR epochs a second),
    # so the throttled view redraws while reports arrive.
    window = open_window(qtbot, XOR.replace(epochs=20_000))
    try:
        with backward_charts_shown(qtbot, window) as view:
            qtbot.waitUntil(lambda: view.keras is not None)  # the window's first draw, before Train
            drawn = []  # (turn, part) for each part drawn from the moment Train is clicked

            def noting(owner, name, part):
                step = getattr(owner, name)
                monkeypatch.setattr(owner, name, lambda: (drawn.append((turn[0], part)), step()))

            noting(view, "_show_text", "tables")
            noting(view.charts, "show_norms", "gradient norms")
            noting(view.charts, "show_update_sizes", "update sizes")
            noting(view.charts, "show_distributions", "distributions")
            drawn_live = []  # what the view showed while reports streamed in
            redraw = view._streamed.redraw

            def noted():
                redraw()
                if window.session.streaming and view.result is not None:
                    drawn_live.append(view.summary.text())

            view._streamed.redraw = noted
            calls.clear()
            assert train(qtbot, window) == "finished"
            qtbot.waitUntil(lambda: "agree" in view.summary.text(), timeout=10_000)
            assert drawn_live, "the view redrew while the run streamed"
            assert all("computed when training pauses or stops" in t for t in drawn_live)
            assert calls == [(False, False)]  # none during the run, one after it ended, off the GUI
            by_turn = {}
            for when, part in drawn:
                by_turn.setdefault(when, []).append(part)
            assert len(by_turn) > 4  # the run's start, redraws while streaming, its end
            assert all(len(parts) == 1 for parts in by_turn.values()), by_turn
    finally:
        window.close()


def test_keras_answers_from_its_thread_and_only_the_newest_row_is_shown(qtbot, xor_window,
                                                                         monkeypatch):
    """While Keras is busy with one row the window goes on: the hand computation of each typed
    row shows at once, Keras's column says it is coming, and of the rows typed meanwhile only
    the last is asked; an answer for a row no longer shown is not shown."""
    import threading

    from playground.ui.views import keras_side

    view = show(qtbot, xor_window, "backward")
    qtbot.waitUntil(lambda: view.keras is not None)
    asked, release = [], threading.Event()
    real = keras_side.keras_gradients

    def held(model, experiment, row, label):
        asked.append(list(row))
        release.wait(10)
        return real(model, experiment, row, label)

    monkeypatch.setattr(keras_side, "keras_gradients", held)
    view.target.clear()
    qtbot.keyClicks(view.target, "0")
    view.input.clear()
    qtbot.keyClicks(view.input, "0.25, 0.75")
    assert view.result is not None and view.keras is None
    assert "asking Keras…" in view.summary.text()
    weights = xor_window.session.history.latest_weights
    typed = backward_of(XOR, weights, [0.25, 0.75], 0)
    np.testing.assert_allclose(view.result.loss, typed.loss, rtol=1e-12)  # by hand: at once
    # The first keystroke's row is being answered (the thread may still be setting weights);
    # the rows typed after it wait, and only the newest is kept.
    qtbot.waitUntil(lambda: len(asked) == 1)
    qtbot.wait(50)
    assert len(asked) == 1
    release.set()
    qtbot.waitUntil(lambda: view.keras is not None, timeout=10_000)
    assert len(asked) == 2 and asked[-1] == [0.25, 0.75]  # only the newest row was asked next
    assert view.keras[0] == pytest.approx(typed.loss, abs=1e-5)
    assert "agree" in view.summary.text()
    # The tables' Keras and step columns fill in (they showed "…" while Keras was asked).
    qtbot.waitUntil(lambda: "…" not in view.text.toPlainText())
    assert f"{view.keras[1][0][1, 0]:.4f}" in view.text.toPlainText()


def test_the_keras_copy_is_built_once_for_the_same_network_across_runs(qtbot, monkeypatch):
    from playground.ui.views import keras_side

    built = []
    real = keras_side.keras_copy
    monkeypatch.setattr(keras_side, "keras_copy",
                        lambda *args: built.append(1) or real(*args))
    window = open_window(qtbot, XOR.replace(epochs=5))
    try:
        view = show(qtbot, window, "backward")
        qtbot.waitUntil(lambda: view.keras is not None)
        assert train(qtbot, window) == "finished"
        window.reset_weights()  # back to epoch 0: a new run of the same network
        qtbot.waitUntil(lambda: window.state == "idle", timeout=10_000)
        assert train(qtbot, window) == "finished"
        qtbot.waitUntil(lambda: "agree" in view.summary.text(), timeout=10_000)
        assert len(built) == 1
    finally:
        window.close()


def test_the_distributions_chart_updates_its_lines_in_place_and_redraws_after_a_reset(
        qtbot, xor_window, charts_shown):
    window, dist = xor_window, charts_shown.distributions
    qtbot.waitUntil(lambda: len(dist.lines) >= 2, timeout=10_000)
    lines = list(dist.lines)
    dist.show_history(window.session)  # a redraw during a run: same lines, new data
    # (lines still to come are added a few a turn: the ones drawn are kept, not made again)
    assert [id(line) for line in dist.lines[:len(lines)]] == [id(line) for line in lines]
    window.reset_weights()  # a new run clears the chart: its next lines are on the chart
    qtbot.waitUntil(lambda: window.state == "idle", timeout=10_000)
    assert train(qtbot, window) == "finished"
    qtbot.waitUntil(lambda: len(dist.lines) >= 2, timeout=10_000)
    shown = dist.plot.getPlotItem().listDataItems()
    assert all(line in shown for line in dist.lines)
    assert all(abs(line.yData.sum() - 1) < 1e-9 for line in dist.lines)


def test_gradient_distributions_draw_one_histogram_per_kept_epoch_from_epoch_0(
        qtbot, xor_window, charts_shown):
    window, dist = xor_window, charts_shown.distributions
    qtbot.waitUntil(lambda: len(dist.lines) >= 2, timeout=10_000)
    dist.kind.setCurrentText("gradients")
    epochs, snapshots = window.session.history.weights_history()
    qtbot.waitUntil(lambda: dist.epochs_shown == list(epochs))  # new lines come a few a turn
    assert dist.epochs_shown[0] == 0
    assert len(dist.lines) == len(epochs)
    assert dist.lines[0].opts["pen"].style() == Qt.DashLine  # epoch 0, for comparison
    axis = dist.plot.getPlotItem().getAxis("bottom").labelText
    assert axis.startswith("gradients of hidden 1")
    # Each line: the histogram of ∂(training loss)/∂W of the first kernel at its epoch.
    dataset = window.session.dataset
    _, expected = histograms(snapshots, ["tanh", "sigmoid"], 0, "gradients", dataset.x_train,
                             experiment=XOR, labels=dataset.labels_train)
    for line, shares in zip(dist.lines, expected, strict=True):
        np.testing.assert_allclose(line.yData, shares, atol=1e-12)
    # A trained XOR network's gradients are not those it started with.
    assert not np.allclose(dist.lines[0].yData, dist.lines[-1].yData)


@pytest.mark.parametrize("size", [(1366, 768), (1500, 940)])
def test_the_arithmetic_takes_most_of_the_tab_and_the_charts_the_rest(qtbot, xor_window, size):
    # The by-hand tables are what the tab is for: they were squeezed to ~4 lines by the charts.
    window = xor_window
    window.resize(*size)
    view = show(qtbot, window, "backward")
    qtbot.waitUntil(lambda: view.text.height() > 0)
    lines = view.text.fontMetrics().lineSpacing()
    assert view.text.height() >= 6 * lines
    if size[1] >= 900:  # room to share: the arithmetic gets the larger part
        assert view.charts.isVisible() and view.charts_button.isChecked()
        assert view.charts.height() >= 80
        assert view.text.height() > view.charts.height()
        return
    # At 1366×768 there is room for one: the tables (at both each got ~80 px, the charts'
    # labels cut). "Show charts" shows them as well, and the choice is remembered.
    assert not view.charts.isVisible() and view.charts_button.text() == "Show charts"
    assert view.text.height() >= 9 * lines
    with backward_charts_shown(qtbot, window):
        qtbot.waitUntil(lambda: view.charts.height() >= 80)
        assert view.text.height() >= 6 * lines
        qtbot.waitUntil(lambda: len(view.norm_curves) == 2)  # drawn now they show
        again = open_window(qtbot, XOR)  # the next launch: shown, as chosen
        try:
            again.resize(*size)
            assert show(qtbot, again, "backward").charts.isVisible()
        finally:
            again.close()
        qtbot.mouseClick(view.charts_button, Qt.LeftButton)  # hidden again, by choice
        assert not view.charts.isVisible()
        tall = open_window(qtbot, XOR)  # the next launch, on a tall screen: hidden as chosen
        try:
            tall.resize(1920, 1200)
            shown = show(qtbot, tall, "backward")
            qtbot.waitUntil(lambda: shown.split.height() >= CHARTS_NEED_PX)  # room for both
            assert not shown.charts.isVisible() and shown.charts_button.text() == "Show charts"
        finally:
            tall.close()


def test_charts_that_get_room_while_the_tab_is_behind_another_are_drawn_when_it_is_shown(
        qtbot):
    window = open_window(qtbot, XOR)
    try:
        window.resize(1366, 768)
        view = show(qtbot, window, "backward")
        qtbot.waitUntil(lambda: view.charts_button.text() == "Show charts")  # too short
        assert train(qtbot, window) == "finished"  # with the tab in front: charts not drawn
        qtbot.waitUntil(lambda: "agree" in view.summary.text(), timeout=10_000)
        assert view.norm_curves == []
        show(qtbot, window, "forward")
        window.resize(1920, 1200)  # reaches the Backward tab only when it is shown again
        show(qtbot, window, "backward")
        qtbot.waitUntil(lambda: view.charts.isVisible() and len(view.norm_curves) == 2)
        assert len(view.update_plot.curves) == 2
    finally:
        window.close()


def test_when_keras_fails_the_tab_says_so_where_its_answer_would_be(qtbot, monkeypatch,
                                                                    adam_window):
    from playground.ui.views import keras_side

    def failing(*_args):
        raise RuntimeError("no memory left for the tape")

    view = show(qtbot, adam_window, "backward")
    qtbot.waitUntil(lambda: view.step is not None)
    monkeypatch.setattr(keras_side, "keras_gradients", failing)
    view.input.clear()
    qtbot.keyClicks(view.input, "1, 1")
    qtbot.waitUntil(lambda: "could not compute" in view.summary.text())
    assert "RuntimeError: no memory left for the tape" in view.summary.text()
    assert "asking Keras" not in view.summary.text()
    assert "Adam's step could not be computed" in view.step_note.text()
    assert not view.apply_button.isEnabled()
    monkeypatch.undo()  # another row is asked again, and answered
    view.input.clear()
    qtbot.keyClicks(view.input, "0, 1")
    qtbot.waitUntil(lambda: "agree" in view.summary.text(), timeout=10_000)
    assert view.apply_button.isEnabled()
