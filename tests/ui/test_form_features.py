"""The form's engineered features, initial weights and L1/L2 rates, typed and ticked."""
from __future__ import annotations

from PySide6.QtCore import Qt

from playground.core.experiment import Experiment
from tests.ui.gui import open_window, train

XOR_NO_HIDDEN = Experiment(layers=(), learning_rate=1.0, epochs=300)


def _type(qtbot, edit, text):
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_ticking_x1x2_and_typing_l2_trains_xor_with_one_neuron(qtbot):
    window = open_window(qtbot, XOR_NO_HIDDEN)
    try:
        form = window.form
        assert form.rows["features"].isVisible() and form.rows["l2"].isVisible()
        assert "XOR" in form.features.toolTip() and "|w|" in form.texts["l1"].toolTip()
        _type(qtbot, form.texts["l1"], "-1")
        assert "l1" in {e.field for e in form.errors} and form.field_error("l1")
        _type(qtbot, form.texts["l1"], "0")
        _type(qtbot, form.texts["l2"], "0.0001")
        box = form.features.boxes["x1*x2"]
        qtbot.mouseClick(box, Qt.LeftButton)
        assert box.isChecked()
        form.init.setCurrentIndex(form.init.findData("small"))
        assert form.experiment is not None, form.errors
        assert (form.experiment.features, form.experiment.l2, form.experiment.init) == \
            ("x1*x2", 0.0001, "small")
        assert train(qtbot, window) == "finished"
        experiment = window.session.experiment
        assert (experiment.features, experiment.l1, experiment.l2) == ("x1*x2", 0.0, 0.0001)
        assert window.session.dataset.feature_names == ("x1", "x2", "x1*x2")
        assert window.session.history.last("accuracy") == 1.0
        # The loss chart draws the L2 penalty as a line of its own beside the data loss.
        curves = window.views["curves"]
        qtbot.waitUntil(lambda: curves.penalty_curve.yData is not None
                        and len(curves.penalty_curve.yData) > 0, timeout=5_000)
        assert curves.penalty_curve.yData[-1] == window.session.history.last("penalty") > 0
        legend = [label.text for _, label in curves.legends["val_loss"].items]
        assert "L1/L2 penalty" in legend
    finally:
        window.close()


def test_without_x1x2_one_neuron_cannot_learn_xor(qtbot):
    window = open_window(qtbot, XOR_NO_HIDDEN.replace(features="x1*x2"))
    try:
        box = window.form.features.boxes["x1*x2"]
        assert box.isChecked()  # an experiment's features show in the form
        box.click()  # off again
        assert window.form.experiment.features == ""
        assert train(qtbot, window) == "finished"
        assert window.session.history.last("accuracy") < 1.0
        assert window.views["curves"].penalty_curve.yData is None or \
            not len(window.views["curves"].penalty_curve.yData)  # no L1/L2: no penalty line
    finally:
        window.close()
