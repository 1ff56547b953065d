"""The Outputs tab: the table equals Keras at epoch 0, at a recorded epoch and at the end; the
threshold re-classifies without training; the history slider and a typed input (seed 000)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from playground.core.data import registry as datasets
from playground.core.experiment import Experiment, Layer
from playground.core.inspection.forward import forward
from playground.core.model.build import build_model
from playground.core.training.trainer import Trainer
from playground.ui.views.outputs import classify, describe_row, parse_input
from tests.ui.gui import open_window
from tests.ui.gui import train as click_train

XOR_LABELS = [0, 1, 1, 0]


def predict(model, x) -> np.ndarray:
    return model.predict(np.asarray(x, np.float32), verbose=0)


@pytest.fixture
def window(qtbot):
    """The main window with the untrained default XOR model (2-4-1, seed 0) shown."""
    win = open_window(qtbot)
    qtbot.waitUntil(lambda: win.session.history.latest_outputs is not None, timeout=30000)
    yield win
    win.close()


def train(qtbot, window, epochs: int) -> None:
    window.form.texts["epochs"].setText(str(epochs))
    assert click_train(qtbot, window) == "finished"


# ----- without a window ----------------------------------------------------------------------

@pytest.mark.parametrize("text,row", [("1, 1", [1, 1]), ("0.3 0.1", [0.3, 0.1]),
                                      ("[0, 1]", [0, 1]), (" -1;2 ", [-1, 2]),
                                      ("1e-1,2", [0.1, 2])])
def test_typed_inputs_are_read_like_a_person_writes_them(text, row):
    parsed, error = parse_input(text, 2)
    assert error == ""
    np.testing.assert_array_equal(parsed, row)


@pytest.mark.parametrize("text,message", [("1", "needs 2 numbers, got 1"),
                                          ("1, 2, 3", "needs 2 numbers, got 3"),
                                          ("a, 1", "'a' is not a number"),
                                          ("1, nan", "'nan' is not a finite number"),
                                          ("", "type 2 numbers")])
def test_wrong_typed_inputs_say_what_is_wrong(text, message):
    parsed, error = parse_input(text, 2)
    assert parsed is None and message in error


def test_classes_follow_the_threshold_and_signed_outputs_use_zero():
    outputs = np.array([[0.2], [0.6], [0.9]])
    classes, right = classify(outputs, [0, 1, 0], "binary", 0.5)
    assert classes.tolist() == [0, 1, 1] and right.tolist() == [True, True, False]
    classes, _ = classify(outputs, [0, 1, 0], "binary", 0.95)
    assert classes.tolist() == [0, 0, 0]
    classes, _ = classify(np.array([[-0.3], [0.1]]), [0, 1], "signed", 0.0)
    assert classes.tolist() == [0, 1]
    assert describe_row(np.arange(8.0)).endswith("(8 values)")


# ----- in the window -------------------------------------------------------------------------

def test_table_equals_keras_at_epoch_0_epoch_100_and_the_end(qtbot, window):
    train(qtbot, window, 200)
    view = window.views["outputs"]
    session = window.session
    experiment, dataset = session.experiment, session.dataset
    assert session.history.last_epoch == 200
    assert view.follow.isChecked() and view.shown_epoch == 200
    assert view.values("target") == ["0", "1", "1", "0"]

    # The same experiment trained headless with the same seed, checked with model.predict.
    untrained = build_model(experiment, datasets.load(experiment))
    trainer = Trainer(experiment)
    list(trainer.run(100))
    at_100 = predict(trainer.model, session.probe_x)[:, 0]
    list(trainer.run(100))
    at_end = predict(trainer.model, session.probe_x)[:, 0]
    heading = view.columns[dataset.n_inputs + 1]
    assert heading == "P(class 1)"

    np.testing.assert_allclose(view.values(heading), at_end, atol=1e-6)
    view.epoch_slider.setValue(0)  # drag the history slider to the start: untrained
    assert view.shown_epoch == 0 and not view.follow.isChecked()
    np.testing.assert_allclose(view.values(heading), predict(untrained, session.probe_x)[:, 0],
                               atol=1e-6)
    view.epoch_spin.setValue(100)
    assert view.shown_epoch == 100
    np.testing.assert_allclose(view.values(heading), at_100, atol=1e-6)
    texts = [view.table.item(r, view.columns.index(heading)).text() for r in range(4)]
    assert all(len(t.split(".")[1]) == 4 for t in texts)  # 0.5015, as the seed prints it
    view.epoch_slider.setValue(view.epoch_slider.maximum())  # and back to the end
    assert view.shown_epoch == 200 and view.follow.isChecked()
    np.testing.assert_allclose(view.values(heading), at_end, atol=1e-6)
    # A trained hidden layer gets XOR right: every row reads right.
    assert view.values("result") == [True] * 4
    # One curve per input, over every recorded epoch, ending at the table's values.
    epochs, values = view.curves[0].getData()
    assert epochs[0] == 0 and epochs[-1] == 200 and len(epochs) == 201
    assert values[-1] == pytest.approx(at_end[0], abs=1e-6)


def test_threshold_reclassifies_without_training(qtbot, window):
    view = window.views["outputs"]
    session = window.session
    epochs_before = len(session.history)
    probabilities = np.array(view.values("P(class 1)"))
    assert view.threshold_spin.value() == 0.5 == session.threshold
    view.threshold_spin.setValue(0.0)  # everything is class 1
    assert session.threshold == 0.0
    assert view.values("class") == [1, 1, 1, 1]
    assert view.values("result") == [label == 1 for label in XOR_LABELS]
    view.threshold_spin.setValue(1.0)  # nothing is class 1
    assert view.values("class") == [0, 0, 0, 0]
    assert view.values("result") == [label == 0 for label in XOR_LABELS]
    middle = float(np.sort(probabilities)[1] + np.sort(probabilities)[2]) / 2
    view.threshold_spin.setValue(round(middle, 3))
    assert sum(view.values("class")) == 2
    # The probabilities themselves did not move, and nothing trained.
    np.testing.assert_array_equal(view.values("P(class 1)"), probabilities)
    assert len(session.history) == epochs_before and session.history.last_epoch == 0
    assert view.threshold_line.value() == pytest.approx(round(middle, 3))
    view.filter.setCurrentIndex(1)  # wrong rows only
    wrong = [r for r, ok in enumerate(view.values("result")) if not ok]
    assert [r for r in range(4) if not view.table.isRowHidden(r)] == wrong


def test_typed_input_shows_output_class_and_its_history(qtbot, window):
    train(qtbot, window, 60)
    view = window.views["outputs"]
    session = window.session
    view.input_edit.setText("1, 1")
    expected = forward(session.history.latest_weights, session.activations, [[1.0, 1.0]])[0, 0]
    text = view.input_result.text()
    assert f"{expected:.4f}" in text and "epoch 60" in text
    assert f"class <b>{int(expected > 0.5)}</b>" in text
    epochs, values = view.typed_curve.getData()
    assert epochs[0] == 0 and epochs[-1] == 60
    assert values[-1] == pytest.approx(expected)
    assert values[0] == pytest.approx(session.history.outputs_at(0)[1][3, 0], abs=1e-6)
    view.epoch_slider.setValue(0)  # the typed input follows the slider back to the start
    assert "at epoch 0" in view.input_result.text()
    view.input_edit.setText("1, two")
    assert view.input_result.text() == "'two' is not a number"
    assert view.input_result.property("tone") == "error"  # a colour per theme, not #b00020
    view.input_edit.setText("0.3")
    assert view.input_result.text() == "needs 2 numbers, got 1"
    assert view.typed_curve.getData()[0] is None or len(view.typed_curve.getData()[0]) == 0
    view.input_edit.setText("1, 1")
    assert not view.input_result.property("tone")  # an answer again, in the ordinary colour
    # The threshold is named in the legend beside the chart, not by a label over the curves.
    chart = view.per_input
    assert [label.text for _sample, label in chart.legend.items][-1] == "threshold"
    assert not [item for item in chart.plot.scene().items()
                if isinstance(item, pg.TextItem) and "threshold" in item.toPlainText()]
    # "P(class 1)" beside the y axis stays clear of its tick labels (the two touched).
    axis = chart.plot.getAxis("left")
    label_right = axis.label.mapRectToParent(axis.label.boundingRect()).right()
    ticks_left = (axis.width() - max(0, axis.style["tickLength"])
                  - axis.style["tickTextOffset"][0] - axis.textWidth)
    assert ticks_left - label_right >= 4, (label_right, ticks_left)


def test_long_runs_keep_a_bounded_evenly_thinned_history(qtbot):
    """5,000 epochs reported without a window: at most 2,000 are kept, the last exactly."""
    from playground.core.training.trainer import Report
    from playground.ui.session import Session
    from playground.ui.views.outputs import OutputsView

    experiment = Experiment(epochs=5000)
    dataset = datasets.load(experiment)
    session = Session()
    view = OutputsView(session)
    qtbot.addWidget(view)
    session.start_run(experiment, dataset, dataset.x_train, dataset.labels_train)
    rng = np.random.default_rng(0)
    weights = tuple(w.astype(np.float32) for w in (rng.normal(size=(2, 4)), np.zeros(4),
                                                   rng.normal(size=(4, 1)), np.zeros(1)))
    for start in range(0, 5000, 250):
        epochs = np.arange(start, start + 250)
        session.add_report(Report(
            epochs=epochs, loss=np.ones(250), metrics={"accuracy": np.ones(250)},
            val_loss=None, val_metrics=None, outputs=rng.uniform(size=(250, 4, 1)),
            weights=weights,
            epochs_per_second=0.0))
        session.flush()
    drawn = []  # the view redraws in an event-loop turn of its own
    session.when_drawn(lambda: drawn.append(True))
    qtbot.waitUntil(lambda: bool(drawn))
    last = session.history.latest_outputs[:, 0]
    assert len(session.history.snapshot_epochs) <= 2000
    assert view.epoch_slider.maximum() + 1 <= 2001
    assert view.epoch_note.text().endswith("of 5,000 epochs kept")
    assert view.shown_epoch == 4999
    np.testing.assert_allclose(view.values("P(class 1)"), last)
    view.epoch_spin.setValue(3001)  # not recorded: the recorded epoch just before it
    assert view.shown_epoch <= 3001 and view.shown_epoch in session.history.snapshot_epochs
    assert 3001 - view.shown_epoch < 5000 / 1000


def test_larger_data_lists_a_chosen_row_set_as_keras_computes_it(qtbot):
    # Seed 002's data: the table samples 64 of 250 rows; the user can list the validation or
    # the fresh test rows instead, each output as model.predict gives it.
    experiment = Experiment(dataset="sum-threshold", inputs=2, threshold=0.5, samples=250,
                            test_samples=200, validation_split=0.2, layers=(Layer(5, "tanh"),),
                            loss="hinge", optimizer="adam", learning_rate=0.01, epochs=30,
                            batch_size=32)
    window = open_window(qtbot, experiment)
    try:
        assert click_train(qtbot, window) == "finished"
        view = window.views["outputs"]
        combo = view.rows_combo
        texts = [combo.itemText(i) for i in range(combo.count())]
        assert not combo.isHidden() and len(texts) == 4
        assert texts[0].startswith("Sample: 64 rows") and "Test rows: 200" in texts[3]
        assert view.table.rowCount() == 64

        trainer = Trainer(experiment)  # same seed: the same run, bit for bit
        list(trainer.run())
        data = trainer.dataset
        heading = view.columns[data.n_inputs + 1]
        for key, x, labels in (("val", data.x_val, data.labels_val),
                               ("test", data.x_test, data.labels_test)):
            combo.setCurrentIndex(combo.findData(key))
            assert view.table.rowCount() == len(x)
            np.testing.assert_allclose(view.values(heading), predict(trainer.model, x)[:, 0],
                                       atol=1e-5)
            assert view.values("target") == ["+1" if label else "−1" for label in labels]
            wrong = view.values("result").count(False)
            accuracy = np.mean((predict(trainer.model, x)[:, 0] > 0) == labels)
            assert wrong == round((1 - accuracy) * len(x))

        view.epoch_slider.setValue(0)  # back in time: the untrained weights, for these rows too
        untrained = build_model(experiment, data)
        np.testing.assert_allclose(view.values(heading), predict(untrained, data.x_test)[:, 0],
                                   atol=1e-5)
        epochs, values = view.curves[0].getData()
        assert epochs[0] == 0 and epochs[-1] == 30
        combo.setCurrentIndex(0)
        assert view.table.rowCount() == 64
    finally:
        window.close()


def test_reset_weights_starts_the_history_again_at_epoch_0(qtbot, window):
    # Reset rewinds the same model: its epoch-0 report must not be appended to the old run's
    # history (the typed input's curve raised, the slider sat at its start, and epochs 0…N
    # showed the old run's outputs after training again).
    view = window.views["outputs"]
    view.input_edit.setText("1, 1")
    untrained = window.session.history.latest_outputs.copy()
    train(qtbot, window, 30)
    with qtbot.waitSignal(window.training_idle, timeout=10_000):
        window.reset_action.trigger()
    history = window.session.history
    assert history.last_epoch == 0 and history.snapshot_epochs == [0]
    assert view.epochs == [0] and view.shown_epoch == 0
    np.testing.assert_allclose(view.values(view.columns[3]), untrained[:, 0], atol=1e-7)
    train(qtbot, window, 10)
    assert view.epochs == list(range(11)) and view.follow.isChecked()
    epochs, values = view.typed_curve.getData()  # at the weights kept once a report
    assert epochs[0] == 0 and epochs[-1] == 10 and (np.diff(epochs) > 0).all()
    assert len(values) == len(epochs)
    view.epoch_slider.setValue(5)  # this run's epoch 5, not the first run's
    trainer = Trainer(window.session.experiment)
    list(trainer.run(5))
    np.testing.assert_allclose(view.values(view.columns[3]),
                               predict(trainer.model, window.session.probe_x)[:, 0], atol=1e-6)


@pytest.mark.parametrize("experiment", [
    Experiment(dataset="gaussians", loss="sparse-categorical", layers=(Layer(6, "tanh"),),
               optimizer="adam", learning_rate=0.05, epochs=20, batch_size=32,
               validation_split=0.2),
    Experiment(dataset="sine", loss="mse", layers=(Layer(8, "tanh"),), optimizer="adam",
               learning_rate=0.05, epochs=20, batch_size=32, validation_split=0.2),
], ids=["three-blobs", "sine"])
def test_every_view_shows_three_blobs_and_the_sine(qtbot, experiment):
    window = open_window(qtbot, experiment)
    try:
        assert click_train(qtbot, window) == "finished"
        for view in window.views.values():  # each tab drawn once: none may fail
            if window.tabs.indexOf(view) >= 0:
                window.tabs.setCurrentWidget(view)
                qtbot.wait(10)
        view = window.views["outputs"]
        window.tabs.setCurrentWidget(view)
        trainer = Trainer(experiment)  # same seed: the same run
        list(trainer.run())
        outputs = predict(trainer.model, window.session.probe_x)
        if experiment.dataset == "sine":
            assert view.columns[-3:] == ["target", "output", "error"]
            np.testing.assert_allclose(view.values("output"), outputs[:, 0], atol=1e-5)
            errors = outputs[:, 0] - window.session.probe_labels
            np.testing.assert_allclose(view.values("error"), errors, atol=1e-5)
            assert not view.threshold_spin.isEnabled() and not view.filter.isEnabled()
            data = window.views["data"]
            qtbot.waitUntil(lambda: "mse" in data.test_scores)
            assert "·" in data.accuracy_labels["Test"].text()  # MSE · R²
            status = window.metrics_label.text()
            assert "val mse" in status and "r2" in status and "accuracy" not in status
        else:
            assert view.values("class") == outputs.argmax(1).tolist()
            shown = view.table.item(0, view.columns.index("class")).text()
            assert shown == f"blob {outputs[0].argmax() + 1}"
            np.testing.assert_allclose(view.values("top probability"), outputs.max(1),
                                       atol=1e-5)
            data = window.views["data"]
            qtbot.waitUntil(lambda: data.test_accuracy == data.test_accuracy)  # not NaN
            assert data.test_accuracy > 0.8
    finally:
        window.close()


def test_a_redraw_recolours_only_the_rows_that_turned_right_or_wrong(qtbot, window, monkeypatch):
    # Each brush set repaints its row: every report recoloured every cell of the table.
    from PySide6.QtWidgets import QTableWidgetItem

    from playground.ui.views.output_rows import RIGHT_BG, WRONG_BG

    view = window.views["outputs"]
    recoloured = []
    set_background = QTableWidgetItem.setBackground
    monkeypatch.setattr(QTableWidgetItem, "setBackground", lambda item, brush: (
        recoloured.append(item.row()), set_background(item, brush)))
    before = view.values("result")
    view.refresh()
    view.refresh()
    assert recoloured == []  # nothing changed, nothing repainted
    view.threshold_spin.setValue(0.0)  # every row class 1: the class-0 rows turn wrong
    after = view.values("result")
    assert before != after
    assert set(recoloured) == {r for r in range(4) if before[r] != after[r]}
    for r, right in enumerate(after):
        for c in range(len(view.columns)):
            assert view.table.item(r, c).background().color() == (RIGHT_BG if right
                                                                   else WRONG_BG)


def test_showing_other_outputs_measures_no_cell_when_no_text_grew(qtbot, monkeypatch):
    # The header fitted its columns by measuring every cell again at each cell set: a 64-row
    # table took over a second a redraw, every redraw while training. Now a column is fitted
    # only when its text grows.
    from PySide6.QtWidgets import QStyledItemDelegate

    from playground.ui.views.output_rows import TranslucentSelection

    measured = []
    monkeypatch.setattr(TranslucentSelection, "sizeHint", lambda self, option, index: (
        measured.append(index.row()), QStyledItemDelegate.sizeHint(self, option, index))[1],
        raising=False)  # before the window: Qt asks a Python override it has seen
    window = open_window(qtbot)
    try:
        view = window.views["outputs"]
        train(qtbot, window, 30)
        assert measured  # the columns were fitted to their text
        trained = view.values("P(class 1)")
        measured.clear()
        view.epoch_slider.setValue(0)
        assert view.values("P(class 1)") != trained  # other numbers, as wide as before
        view.epoch_slider.setValue(view.epoch_slider.maximum())
        assert view.values("P(class 1)") == trained
        assert measured == []
    finally:
        window.close()


def test_a_long_table_writes_the_rows_in_view_then_the_rest_as_they_come_into_view(
        qtbot, monkeypatch):
    # Writing every row of a 1,000-row set took ~35 ms a redraw: the rows in view are written
    # at once, the others when scrolled to or read.
    from PySide6.QtWidgets import QTableWidgetItem

    window = open_window(qtbot, Experiment(dataset="circle"))
    try:
        view = window.views["outputs"]
        window.tabs.setCurrentWidget(view)
        train(qtbot, window, 5)
        table = view.table
        assert table.rowCount() == 64
        written = []
        set_text = QTableWidgetItem.setText
        monkeypatch.setattr(QTableWidgetItem, "setText", lambda item, text: (
            written.append(item.row()), set_text(item, text)))
        view.epoch_slider.setValue(0)  # the untrained answers
        in_view = set(range(table.rowAt(0), table.rowAt(table.viewport().height() - 1) + 1))
        assert written and set(written) <= in_view and len(in_view) < 64
        written.clear()
        table.scrollToBottom()
        assert 63 in written and 0 not in written
        heading = view.columns[window.session.dataset.n_inputs + 1]
        untrained = window.session.history.outputs_at(0)[1][:, 0]
        np.testing.assert_allclose(view.values(heading), untrained, atol=1e-6)  # every row
    finally:
        window.close()
