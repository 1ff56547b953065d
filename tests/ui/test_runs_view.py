"""The Runs tab, driven as a user would: train, stop, tick, rename, remove, compare."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from playground.core.experiment import Experiment, Layer
from playground.core.teaching.examples import AND_SINGLE, XOR_HIDDEN
from playground.core.training.runs import RunList
from playground.ui.views.runs import RunsView, install_runs
from tests.ui.gui import train


@pytest.fixture
def runs(window) -> RunsView:
    view = install_runs(window)
    assert install_runs(window) is view  # idempotent
    return view


def set_experiment(qtbot, window, experiment):
    window.form.set_experiment(experiment)
    qtbot.waitUntil(lambda: window.state == "idle", timeout=30_000)


def test_a_finished_run_is_kept_with_its_numbers(qtbot, window, runs):
    assert window.tabs.indexOf(runs) >= 0 and runs.title == "Runs"
    set_experiment(qtbot, window, XOR_HIDDEN.replace(epochs=30, validation_split=0.25))
    assert train(qtbot, window) == "finished"
    assert len(runs.runs) == 1
    record = runs.runs[0]
    history = window.session.history
    assert (record.name, record.epochs, record.status) == ("Run 1", 30, "finished")
    assert record.final["loss"] == pytest.approx(history.last("loss"))
    assert record.final["val_accuracy"] == pytest.approx(history.last("val_accuracy"))
    assert runs.values("Name") == ["Run 1"]
    assert runs.values("Epochs") == ["30"]
    assert runs.values("Train loss") == [f"{history.last('loss'):.4f}"]
    assert runs.values("Test loss") == ["–"]  # XOR has no test rows
    assert "XOR · 4 tanh → sigmoid" in runs.values("Settings")[0]


def test_steps_are_not_runs_but_stopping_is(qtbot, window, runs):
    with qtbot.waitSignal(window.training_idle, timeout=30_000):
        window.step_action.trigger()
    assert len(runs.runs) == 0
    set_experiment(qtbot, window, XOR_HIDDEN.replace(epochs=1_000_000))
    with qtbot.waitSignal(window.training_idle, timeout=30_000) as blocker:
        window.train_action.trigger()
        qtbot.waitUntil(lambda: window.session.history.last_epoch > 50, timeout=30_000)
        window.stop_action.trigger()
    assert blocker.args == ["stopped"]
    assert [r.status for r in runs.runs] == ["stopped"]
    assert runs.values("Ended") == ["stopped"]
    assert runs.runs[0].epochs == window.session.history.last_epoch


def test_a_paused_run_that_is_stopped_is_kept_as_it_was_paused(qtbot, window, runs):
    set_experiment(qtbot, window, XOR_HIDDEN.replace(epochs=1_000_000))
    with qtbot.waitSignal(window.training_idle, timeout=30_000) as blocker:
        window.train_action.trigger()
        qtbot.waitUntil(lambda: window.session.history.last_epoch > 50, timeout=30_000)
        window.pause_action.trigger()
    assert blocker.args == ["paused"] and window.state == "paused"
    assert len(runs.runs) == 0  # a pause is no end
    history = window.session.history
    paused_at = history.last_epoch
    # Stop while paused: no report comes, only the window's training_idle("stopped").
    with qtbot.waitSignal(window.training_idle, timeout=1_000) as stopped:
        window.stop_action.trigger()
    assert stopped.args == ["stopped"] and window.state == "idle"
    assert [(r.name, r.status, r.epochs) for r in runs.runs] == [("Run 1", "stopped",
                                                                   paused_at)]
    assert runs.runs[0].final["loss"] == pytest.approx(history.last("loss"))
    assert runs.values("Ended") == ["stopped"]
    window.training_idle.emit("stopped")  # told twice: still one record
    assert len(runs.runs) == 1


def test_ticked_runs_are_overlaid_renamed_and_removed(qtbot, window, runs):
    curves = window.views["curves"]
    for experiment in (XOR_HIDDEN.replace(epochs=20, validation_split=0.25),
                       AND_SINGLE):
        set_experiment(qtbot, window, experiment)
        assert train(qtbot, window) == "finished"
    assert runs.values("Name") == ["Run 1", "Run 2"]
    before = len(curves.loss_plot.getPlotItem().listDataItems())

    # tick the first run, as a click on its box would
    runs.table.item(0, runs.columns.index("Show")).setCheckState(Qt.Checked)
    assert runs.runs[0].shown
    assert runs.overlay_names == ["Run 1", "Run 1 (validation)"] * 2  # loss, then accuracy
    assert runs.legend_names == ["Run 1", "Run 1"]
    loss_items = curves.loss_plot.getPlotItem().listDataItems()
    assert len(loss_items) == before + 2
    dashed = loss_items[before]
    assert dashed.opts["pen"].style() == Qt.DashLine
    np.testing.assert_array_equal(dashed.yData, runs.runs[0].curves["loss"])
    legend_labels = [label.text for _sample, label in curves.loss_plot.getPlotItem().legend.items]
    assert "Run 1" in legend_labels

    # rename by editing the name cell; the legend follows
    runs.table.item(0, runs.columns.index("Name")).setText("with hidden layer")
    assert runs.runs[0].name == "with hidden layer"
    legend_labels = [label.text for _sample, label in curves.loss_plot.getPlotItem().legend.items]
    assert "with hidden layer" in legend_labels and "Run 1" not in legend_labels

    # a second tick adds a second colour
    runs.set_shown(runs.runs[1].uid, True)
    assert runs.legend_names == ["with hidden layer"] * 2 + ["Run 2"] * 2  # per run: both charts
    colours = {item.opts["pen"].color().name()
               for item in curves.loss_plot.getPlotItem().listDataItems()[before:]}
    assert len(colours) == 2

    # remove the first: its row and its curves go
    runs.table.selectRow(0)
    assert runs.remove_button.isEnabled()
    runs.remove_button.click()
    assert runs.values("Name") == ["Run 2"]
    assert runs.legend_names == ["Run 2", "Run 2"]
    assert len(curves.loss_plot.getPlotItem().listDataItems()) == before + 1

    # a new model does not wipe the overlay (the live curves are cleared, the runs stay)
    set_experiment(qtbot, window, XOR_HIDDEN.replace(seed=3))
    assert runs.legend_names == ["Run 2", "Run 2"]


def test_load_settings_and_copy_table(qtbot, window, runs):
    set_experiment(qtbot, window, AND_SINGLE)
    train(qtbot, window)
    set_experiment(qtbot, window, XOR_HIDDEN.replace(epochs=7))
    runs.table.selectRow(0)
    runs.load_button.click()
    assert window.form.experiment == AND_SINGLE
    runs.copy_button.click()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:3] == ["name", "epochs", "train loss"]
    assert lines[1].split("\t")[:3] == ["Run 1", "10", runs.values("Train loss")[0]]


def test_runs_at_chosen_epochs_compare_like_seed_003(qtbot, window, runs):
    experiment = XOR_HIDDEN.replace(epochs=12, validation_split=0.25)
    set_experiment(qtbot, window, experiment)
    runs.watch_milestones(experiment.replace(epochs=500), (1, 5, 12))
    assert train(qtbot, window) == "finished"
    assert runs.values("Name") == ["1 epoch", "5 epochs", "12 epochs"]  # no duplicate "Run 1"
    history = window.session.history
    for record, epoch in zip(runs.runs, (1, 5, 12)):
        assert record.epochs == epoch
        assert record.final["loss"] == pytest.approx(history.metric("loss")[epoch])
        assert record.final["val_loss"] == pytest.approx(history.metric("val_loss")[epoch])
        assert record.experiment == experiment.replace(epochs=epoch)
    # another model stops the watching
    set_experiment(qtbot, window, AND_SINGLE)
    train(qtbot, window)
    assert runs.values("Name")[-1] == "Run 1"


def test_a_json_round_tripped_list_replaces_the_shown_one_with_its_ticks(qtbot, window,
                                                                        runs):
    """The view's side of saving: `set_runs` with a list read back from JSON (the file round
    trip itself is tests/ui/test_files.py::test_runs_are_saved_and_open_in_a_new_window)."""
    set_experiment(qtbot, window, AND_SINGLE)
    train(qtbot, window)
    runs.set_shown(runs.runs[0].uid, True)
    saved = json.loads(json.dumps(runs.runs.to_dict(), allow_nan=False))
    runs.set_runs(RunList())
    assert runs.table.rowCount() == 0 and runs.legend_names == []
    runs.set_runs(RunList.from_dict(saved))
    assert runs.values("Name") == ["Run 1"]
    assert runs.legend_names == ["Run 1", "Run 1"]
    assert runs.table.item(0, 0).checkState() == Qt.Checked


def test_every_runs_control_has_a_tooltip(runs):
    for widget in (runs.table, runs.remove_button, runs.load_button, runs.copy_button):
        assert widget.toolTip(), widget.objectName()
    for column in range(len(runs.columns)):
        assert runs.table.horizontalHeaderItem(column).toolTip()


def test_a_regression_run_shows_mse_mae_and_r2_in_the_table_and_the_curves(qtbot, window,
                                                                          runs):
    sine = Experiment(dataset="sine", loss="mse", output_activation="linear",
                      layers=(Layer(8, "tanh"),), optimizer="adam", learning_rate=0.02,
                      batch_size=16, epochs=15, validation_split=0.2)
    set_experiment(qtbot, window, sine)
    assert train(qtbot, window) == "finished"
    history = window.session.history
    assert "Train R²" in runs.columns and "Val MSE" in runs.columns
    assert "Train acc." not in runs.columns
    assert runs.values("Train R²") == [f"{history.last('r2'):.4f}"]
    assert runs.values("Val MAE") == [f"{history.last('val_mae'):.4f}"]
    curves = window.views["curves"]
    assert curves.metric == "r2" and curves.held_out_label == "validation"
    np.testing.assert_array_equal(curves.curves["metric"].yData, history.metric("r2"))
    low, high = curves.metric_plot.getPlotItem().getViewBox().viewRange()[1]
    finite = history.metric("r2")[np.isfinite(history.metric("r2"))]
    assert high >= 1.0 and low <= max(finite.min(), -1.0)  # the axis fits the curve
    # a classification run next: both kinds of columns, accuracy back on 0..1
    set_experiment(qtbot, window, AND_SINGLE)
    assert train(qtbot, window) == "finished"
    assert "Train acc." in runs.columns and "Train R²" in runs.columns
    assert runs.values("Train acc.")[0] == "–" and runs.values("Train R²")[1] == "–"
    assert curves.metric == "accuracy"
    assert curves.metric_plot.getPlotItem().getViewBox().viewRange()[1][1] <= 1.1


def test_the_held_out_curve_is_named_by_the_trainer_not_guessed(qtbot, window, runs):
    set_experiment(qtbot, window, XOR_HIDDEN.replace(epochs=10))
    assert train(qtbot, window) == "finished"
    curves = window.views["curves"]
    assert curves.held_out_label == ""  # XOR holds nothing out: no "test" curve
    assert window.session.history.held_out == ""
    # the circle with no validation split: its test set, every epoch, named "test"
    circle = Experiment(dataset="circle", samples=100, test_fraction=0.5, validation_split=0.0,
                        layers=(Layer(4, "tanh"),), epochs=5)
    set_experiment(qtbot, window, circle)
    assert train(qtbot, window) == "finished"
    assert window.session.history.held_out == "test" and curves.held_out_label == "test"
