"""File ▸ Open Data…: a person opens a CSV, checks what was detected, imports it and trains."""
from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from playground.core.data import table_reader
from tests.ui.gui import train


@pytest.fixture
def flowers(tmp_path):
    """Sorted by class, labels as words, columns from 0.01 to thousands, `;` and decimal commas."""
    rng = np.random.default_rng(0)
    lines = ["petal;weight;angle;species"]
    for c, name in enumerate(("setosa", "versicolor", "virginica")):
        for _ in range(40):
            values = (0.02 + 0.01 * rng.normal(c, 0.3), 3000 + 1000 * rng.normal(c, 0.3),
                      rng.normal(-c, 0.3))
            lines.append(";".join(f"{v:.4f}".replace(".", ",") for v in values) + f";{name}")
    path = tmp_path / "flowers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def _open_through_the_menu(qtbot, window, path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.open_data.action.trigger()
    dialog = window.open_data.dialog
    qtbot.waitUntil(lambda: not dialog.reading(), timeout=10_000)
    return dialog


def test_import_a_table_through_the_dialog_and_train(qtbot, window, flowers, monkeypatch):
    assert "Open &Data…" in [a.text() for a in window.file_actions.file_menu.actions()]
    dialog = _open_through_the_menu(qtbot, window, flowers, monkeypatch)
    assert "semicolon-separated, decimal comma" in dialog.detected.text()
    assert "UTF-8 with BOM" in dialog.detected.text()
    assert dialog.preview.item(0, 3).text() == "setosa"
    assert dialog.target.currentText() == "species"
    assert dialog.chosen_inputs() == ["petal", "weight", "angle"]
    assert dialog.message.text().startswith("120 rows, 3 inputs, target 'species' (3 classes: "
                                            "setosa, versicolor, virginica)")
    # Leave one input out, as a person unticks it, and take a quarter as the test set.
    dialog.inputs.setCurrentRow(2)
    qtbot.keyClick(dialog.inputs, Qt.Key_Space)  # the tick of the selected column
    assert dialog.chosen_inputs() == ["petal", "weight"]
    dialog.test_fraction.lineEdit().selectAll()
    qtbot.keyClicks(dialog.test_fraction.lineEdit(), "0.25")
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    assert not dialog.isVisible()

    form = window.form
    experiment = form.experiment
    assert (experiment.dataset, experiment.input_columns, experiment.test_fraction) == \
        ("csv", "petal,weight", 0.25)
    assert experiment.loss == "sparse-categorical"
    assert form.texts["csv"].text() == str(flowers)
    for name, text in (("epochs", "60"), ("batch_size", "16")):
        form.texts[name].selectAll()
        qtbot.keyClicks(form.texts[name], text)
    form.optimizer.setCurrentIndex(form.optimizer.findData("adam"))
    form.learning_rate.setEditText("0.03")
    assert form.experiment is not None, form.errors
    assert train(qtbot, window) == "finished"
    history = window.session.history
    assert history.last_epoch == 60
    assert history.last("accuracy") > 0.9  # two standardised inputs separate the blobs
    assert "accuracy" in window.metrics_label.text()

    # The Data tab's confusion matrix speaks the file's class names and counts the test rows.
    data = window.views["data"]
    window.tabs.setCurrentWidget(data)
    qtbot.waitUntil(lambda: data.confusion.counts is not None, timeout=10_000)
    table = data.confusion.table
    assert [table.verticalHeaderItem(r).text().strip() for r in range(3)] == \
        ["0 setosa", "1 versicolor", "2 virginica"]
    counts = data.confusion.counts
    assert counts.sum() == len(window.session.dataset.x_test) == 30  # a quarter of 120
    assert counts.trace() / counts.sum() == pytest.approx(data.test_accuracy)
    assert table.item(0, 0).text() == f"{counts[0, 0]:,}"


def test_a_bad_file_is_named_in_the_dialog_and_nothing_is_imported(qtbot, window, tmp_path,
                                                                   monkeypatch):
    path = tmp_path / "one.csv"
    path.write_text("height\n1\n2\n3\n")
    before = window.form.experiment
    dialog = _open_through_the_menu(qtbot, window, path, monkeypatch)
    assert dialog.message.text().startswith("one.csv: has one column")
    assert not dialog.import_button.isEnabled()
    dialog.reject()
    assert window.form.experiment == before


def test_a_target_with_one_class_cannot_be_imported(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "cats.csv"
    path.write_text("a,b,kind\n" + "1,2,cat\n3,4,cat\n" * 5)
    dialog = _open_through_the_menu(qtbot, window, path, monkeypatch)
    assert "the target 'kind' has one class ('cat')" in dialog.message.text()
    assert not dialog.import_button.isEnabled()
    dialog.target.setCurrentIndex(dialog.target.findData("b"))  # another target
    assert dialog.import_button.isEnabled()
    assert dialog.message.text() == "10 rows, 1 input, target 'b' (2 classes: 2, 4)."


def test_reading_can_be_cancelled(qtbot, window, flowers, monkeypatch):
    def slow_read(path, options, progress=None, cancelled=None):
        progress(0.5)
        while not cancelled():
            time.sleep(0.01)
        raise table_reader.Cancelled()

    monkeypatch.setattr(table_reader, "read_table", slow_read)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(flowers), ""))
    window.open_data.action.trigger()
    dialog = window.open_data.dialog
    qtbot.waitUntil(lambda: dialog.progress.value() == 500, timeout=5_000)
    qtbot.mouseClick(dialog.cancel_read, Qt.LeftButton)
    assert dialog.message.text() == "Reading was cancelled: nothing imported."
    assert not dialog.import_button.isEnabled() and not dialog.reading()


def test_dropping_a_csv_on_the_window_opens_the_dialog(qtbot, window, flowers, tmp_path):
    def mime_of(path):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        return mime

    def drag_enter(path):
        mime = mime_of(path)  # kept alive: the event holds only a pointer to it
        event = QDragEnterEvent(QPoint(20, 20), Qt.CopyAction, mime, Qt.LeftButton,
                                Qt.NoModifier)
        return window.open_data.drops.eventFilter(window, event)

    # Offscreen Qt delivers no synthetic drop (no drag is under way): the events go to the
    # window's drop handler as Qt would hand them.
    assert window.acceptDrops()
    assert drag_enter(flowers)  # the window takes a table…
    assert not drag_enter(tmp_path / "picture.png")  # …and nothing else
    mime = mime_of(flowers)
    drop = QDropEvent(QPointF(20, 20), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    assert window.open_data.drops.eventFilter(window, drop)
    qtbot.waitUntil(lambda: window.open_data.dialog is not None, timeout=5_000)
    assert window.open_data.dialog.path == str(flowers)


def test_a_regression_table_imports_and_trains(qtbot, window, tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    path = tmp_path / "prices.csv"
    rows = [(a, b, 2 * a + 0.001 * b) for a, b in zip(rng.uniform(0, 1, 80),
                                                      rng.uniform(100, 3000, 80))]
    path.write_text("rate,area,price\n" + "".join(f"{a:.4f},{b:.1f},{p:.4f}\n"
                                                  for a, b, p in rows))
    dialog = _open_through_the_menu(qtbot, window, path, monkeypatch)
    assert dialog.message.text() == "80 rows, 2 inputs, target 'price' (regression: a number " \
                                    "to predict)."
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    experiment = window.form.experiment
    assert (experiment.task, experiment.loss, experiment.output) == ("regression", "mse", "linear")
    window.form.texts["epochs"].selectAll()
    qtbot.keyClicks(window.form.texts["epochs"], "5")
    assert train(qtbot, window) == "finished"
    assert "r2" in window.session.history.metric_names
