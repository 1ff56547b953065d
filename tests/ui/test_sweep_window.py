"""Run ▸ Sweep…, Run ▸ Find learning rate and File ▸ Export Runs for TensorBoard in the real
window: a 2×2 sweep of tiny XOR runs lands in the Runs list, its heatmap and table show mean ±
spread, and clicking a cell loads that setting into the form."""
from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt

from playground.core.experiment import Experiment


def _menu_texts(window, title):
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title:
            return [a.text().replace("&", "") for a in action.menu().actions()]
    return []


def test_a_two_by_two_sweep_lands_in_runs_and_a_cell_loads_its_settings(window, qtbot):
    assert "Sweep…" in _menu_texts(window, "Run")
    assert "Find learning rate" in _menu_texts(window, "Run")
    assert "Export Runs for TensorBoard…" in _menu_texts(window, "File")
    window.form.set_experiment(Experiment(epochs=3))
    dialog = window.research_tools.show_sweep()
    dialog.values[0].clear()
    qtbot.keyClicks(dialog.values[0], "0.1|2")
    dialog.fields[1].setCurrentText("hidden")
    dialog.values[1].clear()
    qtbot.keyClicks(dialog.values[1], "2|4,4")
    dialog.seeds.setValue(1)
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.thread is None, timeout=120_000)
    assert dialog.status.text().startswith("Done: 4 runs")
    runs = window.views["runs"].runs
    assert [r.name for r in runs] == [
        "Sweep 1: lr 0.1 · hidden 2 · seed 0", "Sweep 1: lr 0.1 · hidden 4,4 · seed 0",
        "Sweep 1: lr 2 · hidden 2 · seed 0", "Sweep 1: lr 2 · hidden 4,4 · seed 0"]
    table = dialog.view.table
    assert table.rowCount() == 4
    assert table.horizontalHeaderItem(2).text() == "accuracy (mean ± spread)"
    # The heatmap shows a cell per setting, labelled with its mean.
    assert dialog.view.image.isVisible() and dialog.view.image.image.shape == (2, 2)
    assert dialog.view.heatmap_row(1.5, 0.5) == 2  # lr 2, hidden 2
    # Sorted by the metric, the rows still load their own settings.
    table.sortItems(2, Qt.DescendingOrder)
    row = next(r for r in range(4) if table.item(r, 0).text() == "2"
               and table.item(r, 1).text() == "4,4")
    rect = table.visualItemRect(table.item(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())
    loaded = window.form.experiment
    assert loaded.learning_rate == 2 and [layer.units for layer in loaded.layers] == [4, 4]
    assert runs[3].shown  # its curves are drawn over the charts


def test_a_bad_value_is_named_beside_the_settings_and_nothing_runs(window, qtbot):
    dialog = window.research_tools.show_sweep()
    dialog.values[0].setText("0.1|-1")
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    assert dialog.error.text() == "learning_rate=-1: must be greater than 0"
    assert dialog.thread is None and len(window.views["runs"].runs) == 0


def test_learning_rate_finder_plots_and_puts_its_suggestion_in_the_form(window, qtbot):
    dialog = window.research_tools.show_lr_finder()
    qtbot.waitUntil(lambda: dialog.use_button.isEnabled() or dialog.thread is None,
                    timeout=120_000)
    result = dialog.result
    assert result is not None and math.isfinite(result.suggested)
    assert dialog.plot.getPlotItem().ctrl.logXCheck.isChecked()  # a log axis
    qtbot.mouseClick(dialog.use_button, Qt.LeftButton)
    assert window.form.experiment.learning_rate == pytest.approx(result.suggested, rel=1e-2)


def test_export_runs_for_tensorboard_writes_a_folder_per_run(window, qtbot, tmp_path):
    from tests.ui.gui import train
    window.form.set_experiment(Experiment(epochs=3))
    train(qtbot, window)
    assert len(window.views["runs"].runs) == 1
    with qtbot.waitSignal(window.research_tools.exported, timeout=60_000) as done:
        assert window.research_tools.export(str(tmp_path))
    assert done.args == [str(tmp_path), ""]
    assert [p.name for p in tmp_path.iterdir()] == ["Run 1"]
    assert "tensorboard --logdir" in window.message_label.text()


def test_pause_holds_the_sweep_and_cancel_ends_it_without_another_run(qtbot):
    from playground.core.training.sweep import Sweep, parse_axis
    from playground.ui.menus.sweep_dialog import SweepThread
    points = Sweep(Experiment(epochs=2), (parse_axis("learning_rate=0.1|1"),)).points()
    thread = SweepThread(points, None)
    results = []
    thread.result.connect(results.append)
    thread.pause(True)  # held before its first report reaches the window
    with qtbot.waitSignal(thread.ended, timeout=60_000) as ended:
        thread.start()
        qtbot.wait(50)
        assert results == []
        thread.cancel()
    thread.wait()
    assert ended.args == ["cancelled"] and results == []


def test_a_three_setting_sweep_draws_a_line_per_combination_and_a_click_loads_it(window,
                                                                                  qtbot):
    window.form.set_experiment(Experiment(epochs=2))
    dialog = window.research_tools.show_sweep()
    dialog.resize(760, 900)
    for box, field, values in zip(dialog.fields, ("learning_rate", "hidden", "batch_size"),
                                  ("0.1|1", "2|3", "1|4")):
        box.setCurrentText(field)
        dialog.values[dialog.fields.index(box)].setText(values)
    dialog.seeds.setValue(1)
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.thread is None, timeout=120_000)
    assert dialog.status.text().startswith("Done: 8 runs")
    view = dialog.view
    assert view.table.rowCount() == 8
    # Three settings: parallel coordinates (an axis each and one for accuracy), not the heatmap.
    parallel = view.parallel
    assert parallel.isVisible() and not view.plot.isVisible()
    assert len(parallel.lines) == 8 and parallel.points.shape == (8, 4, 2)
    combinations = {(r.settings["learning_rate"], r.settings["hidden"], r.settings["batch_size"])
                    for r in parallel.rows}
    assert len(combinations) == 8
    # Each line ends on the metric axis at its own accuracy (lowest at 0, highest at 1).
    means = [r.mean for r in parallel.rows]
    if max(means) > min(means):
        ends = parallel.points[:, -1, 1]
        assert ends[means.index(max(means))] == 1.0 and ends[means.index(min(means))] == 0.0
    # Hovering a line names its settings and exact metric; clicking it loads them.
    wanted = next(i for i, r in enumerate(parallel.rows)
                  if r.settings == {"learning_rate": 1.0, "hidden": (3,), "batch_size": 4})
    scene = parallel.scene_point(wanted, fraction=0.1)
    assert parallel.line_at(scene) == wanted
    assert parallel.tip(wanted).startswith("lr 1 · hidden 3 · batch 4\naccuracy ")
    qtbot.mouseClick(parallel.viewport(), Qt.LeftButton,
                     pos=parallel.mapFromScene(scene))
    loaded = window.form.experiment
    assert loaded.learning_rate == 1 and loaded.batch_size == 4
    assert [layer.units for layer in loaded.layers] == [3]
    assert dialog.status.text() == "Loaded lr 1 · hidden 3 · batch 4 into the form"
