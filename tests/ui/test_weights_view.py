"""Weights in the window: tables and diagram follow the run; a typed weight reaches the model."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.core.experiment import Experiment
from playground.core.data.sum_threshold import PRESETS
from tests.ui.gui import open_window, train

ONE_NEURON = Experiment().replace(**PRESETS["One neuron, to set by hand"])


def show_tab(qtbot, window, name):
    view = window.views[name]
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(view.isVisible)
    return view


def set_cell(qtbot, window, view, layer, row, column, text):
    """Type `text` into a table cell as the editor does, and wait for the model to take it."""
    model = view.panels[layer].model
    with qtbot.waitSignal(window.training_idle, timeout=30_000) as blocker:
        assert model.setData(model.index(row, column), text)
    assert blocker.args == ["weights"]
    qtbot.waitUntil(lambda: view.panels[layer].model.data(model.index(row, column),
                                                          Qt.EditRole) == text, timeout=5_000)


@pytest.fixture
def neuron_window(qtbot):
    window = open_window(qtbot, ONE_NEURON)
    yield window
    window.close()


def test_typed_weights_reach_the_model_and_make_the_seed_002_neuron_perfect(qtbot,
                                                                          neuron_window):
    window = neuron_window
    assert train(qtbot, window) == "finished"
    view = show_tab(qtbot, window, "weights")
    qtbot.waitUntil(lambda: len(view.panels) == 1)
    data = window.views["data"]
    trained = [np.array(w) for w in window.session.history.latest_weights]
    assert [panel.model.table.shape for panel in view.panels] == [(3, 1)]
    assert view.panels[0].model.row_names == ["x1", "x2", "bias"]

    set_cell(qtbot, window, view, 0, 0, 0, "1")
    set_cell(qtbot, window, view, 0, 1, 0, "1")
    set_cell(qtbot, window, view, 0, 2, 0, "-0.5")
    weights = window.session.history.latest_weights
    assert np.array_equal(weights[0], [[1], [1]]) and np.array_equal(weights[1], [-0.5])
    assert window.session.history.last_epoch == 150  # the epoch count is kept
    assert "accuracy 1.000" in window.metrics_label.text()
    show_tab(qtbot, window, "data")
    qtbot.waitUntil(lambda: data.test_accuracy == 1.0, timeout=5_000)
    assert data.accuracy_labels["Test"].text() == "100.0 %"
    assert data.rows_labels["Test"].text() == "200 of 200"
    assert data.accuracy_labels["Validation"].text() == "100.0 %"

    # Back to the trained weights: the accuracy they had comes back.
    view = show_tab(qtbot, window, "weights")
    assert view.trained_button.isEnabled()
    with qtbot.waitSignal(window.training_idle, timeout=30_000):
        view.trained_button.click()
    for got, want in zip(window.session.history.latest_weights, trained):
        assert np.array_equal(got, want)


def test_bad_text_and_edits_while_training_are_refused_with_a_message(qtbot, neuron_window):
    window = neuron_window
    view = show_tab(qtbot, window, "weights")
    qtbot.waitUntil(lambda: len(view.panels) == 1)
    model = view.panels[0].model
    before = model.data(model.index(0, 0), Qt.EditRole)
    assert not model.setData(model.index(0, 0), "one")
    assert "not a number" in view.message.text() and "old value is kept" in view.message.text()
    assert model.data(model.index(0, 0), Qt.EditRole) == before

    window.form.texts["epochs"].setText("100000")
    window.train_action.trigger()
    qtbot.waitUntil(lambda: window.session.history.last_epoch > 5, timeout=30_000)
    assert model.setData(model.index(0, 0), "3")  # a number: asked of the window, refused
    assert "Training is running" in view.message.text()
    with qtbot.waitSignal(window.training_idle, timeout=30_000):
        window.stop_action.trigger()
    assert not np.any(window.session.history.latest_weights[0] == 3)


def test_pasting_a_matrix_and_the_seed_button(qtbot, neuron_window):
    window = neuron_window
    view = show_tab(qtbot, window, "weights")
    qtbot.waitUntil(lambda: len(view.panels) == 1)
    assert view.paste(0, 0, 0, "1, 1\n2") != ""  # ragged rows: refused
    assert "same number" in view.message.text()
    with qtbot.waitSignal(window.training_idle, timeout=30_000):
        assert view.paste(0, 0, 0, "[[2], [3], [-1]]") == ""
    assert np.array_equal(window.session.history.latest_weights[0], [[2], [3]])
    assert view.paste(0, 1, 0, "1\n2\n3") != ""  # does not fit below row 2
    assert "does not fit" in view.message.text()

    assert view.hand_button.isVisible()
    with qtbot.waitSignal(window.training_idle, timeout=30_000):
        view.hand_button.click()
    assert "accuracy 1.000" in window.metrics_label.text()


def test_tables_heatmaps_and_diagram_follow_a_trained_network(qtbot, window):
    preset = PRESETS["2 inputs, t = 0.5 (hidden 5 tanh)"]
    window.views["data"].preset_buttons["2 inputs, t = 0.5 (hidden 5 tanh)"].click()
    assert window.form.experiment == Experiment().replace(**preset)
    qtbot.waitUntil(lambda: window.session.experiment == window.form.experiment
                    and window.state == "idle", timeout=30_000)
    view = show_tab(qtbot, window, "weights")
    assert train(qtbot, window) == "finished"
    weights = window.session.history.latest_weights
    # Throttled while the run streamed in, the tab still shows its end once the window is idle.
    assert view._shown_weights is weights
    assert view.info.text().startswith(f"Epoch {window.session.history.last_epoch:,}.")
    assert [p.model.table.shape for p in view.panels] == [(3, 5), (6, 1)]
    model = view.panels[0].model
    assert model.data(model.index(1, 2), Qt.DisplayRole) == f"{weights[0][1, 2]:.4f}"
    assert model.data(model.index(2, 4), Qt.ToolTipRole).startswith("bias of h5")
    assert np.allclose(view.panels[1].image.image, np.vstack([weights[2], weights[3][None]]).T)

    diagram = view.diagram
    assert [len(layer) for layer in diagram.neurons] == [2, 5, 1]
    edge = diagram.edges[1][(3, 0)]
    assert edge.text == f"weight h4 → y: w = {weights[2][3, 0]:.4f}"
    colour = edge.pen().color()
    assert (colour.blue() > colour.red()) == (weights[2][3, 0] > 0)
    edge.hoverEnterEvent(None)
    assert view.hover_label.text() == edge.text
    assert diagram.neurons[1][0].text == f"neuron h1: bias b = {weights[1][0]:.4f}"

    if os.environ.get("PLAYGROUND_SCREENSHOTS"):
        for name in ("weights", "forward", "data"):
            show_tab(qtbot, window, name)
            qtbot.wait(400)
            window.grab().save(os.path.join(os.environ["PLAYGROUND_SCREENSHOTS"], name + ".png"))

    # "New data" asks the form for the next seed; the preview builds the new rows at once.
    before = window.session.dataset.x_train.copy()
    window.views["data"].regenerate_button.click()
    assert window.form.experiment.seed == 1
    qtbot.waitUntil(lambda: window.session.experiment.seed == 1 and window.state == "idle",
                    timeout=30_000)
    assert not np.array_equal(window.session.dataset.x_train, before)
