"""The layer table with kinds (issue 17): image data offers Conv2D, MaxPooling2D, Flatten and
Dropout rows, shows the shape after every layer and its parameters as model.summary() does, and
refuses a bad stack beside its row; dense data keeps today's three columns."""
from __future__ import annotations

from PySide6.QtCore import Qt

from playground.core.experiment import Experiment
from playground.core.layers import MNIST_CONVNET, conv, flatten, pool
from playground.core.model.presets import preset_fields
from playground.ui.form.experiment_form import ExperimentForm
from playground.ui.form.layer_table import KIND, PARAMS, SHAPE, UNITS


def _form(qtbot, experiment: Experiment) -> ExperimentForm:
    form = ExperimentForm()
    qtbot.addWidget(form)
    form.set_experiment(experiment)
    return form


def _column(table, column):
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_the_convnet_shows_model_summary_s_shapes_and_parameters(qtbot):
    form = _form(qtbot, Experiment(**preset_fields("mnist-convnet")))
    table = form.layers.table
    assert not table.isColumnHidden(KIND) and not table.isColumnHidden(SHAPE)
    assert _column(table, SHAPE) == ["26×26×32", "13×13×32", "11×11×64", "5×5×64", "1600",
                                     "1600"]
    assert _column(table, PARAMS) == ["320", "0", "18,496", "0", "0", "0"]
    assert form.layers.total.text() == "34,826 parameters with the output layer"
    assert form.experiment is not None and form.experiment.layers == MNIST_CONVNET


def test_typing_a_bad_stack_is_refused_beside_the_row(qtbot):
    form = _form(qtbot, Experiment(**preset_fields("mnist-convnet")).replace(
        layers=(conv(4, 3), pool(2), pool(2), pool(2), pool(2), flatten())))
    table = form.layers.table
    assert form.experiment is not None
    form.layers.add_row()  # after the selected row (none: at the end) a copy of the last row
    form.layers.set_kind(5, "pool")  # a fifth pool of 2 after 1×1
    form.layers.set_kind(6, "flatten")
    assert form.experiment is None
    assert table.item(5, SHAPE).text() == "✗ a pool of 2 shrinks 1×1 below 1×1"
    assert form.layers.error.text() == "Layer 6: a pool of 2 shrinks 1×1 below 1×1"
    table.item(5, UNITS).setText("1")  # a pool of 1 keeps 1×1
    assert form.experiment is not None and table.item(5, SHAPE).text() == "1×1×4"
    form.layers.set_kind(6, "dense")
    assert form.experiment is None
    assert table.item(6, SHAPE).text().startswith("✗ Dense before Flatten on image rows")


def test_changing_a_row_s_kind_offers_only_its_settings(qtbot):
    form = _form(qtbot, Experiment(**preset_fields("mnist-convnet")))
    table = form.layers.table
    form.layers.set_kind(0, "dense")
    assert table.item(0, UNITS).text() == "4" and table.item(0, UNITS).flags() & Qt.ItemIsEditable
    form.layers.set_kind(0, "flatten")
    assert not table.item(0, UNITS).flags() & Qt.ItemIsEditable
    assert not table.cellWidget(0, 1).isEnabled()  # a Flatten has no activation


def test_dense_data_keeps_three_columns(qtbot):
    form = _form(qtbot, Experiment())
    table = form.layers.table
    assert [table.isColumnHidden(c) for c in range(table.columnCount())] == \
        [False, False, False, True, True, True, True, True]
    table.item(0, UNITS).setText("8")
    assert form.experiment.layers[0].units == 8
