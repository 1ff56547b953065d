"""The test-image gallery, the probability panel and the confusion matrix, driven as a user would:
train a small MNIST model, click images and cells, read what is shown."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.core.inspection import predictions as image_eval
from playground.core.experiment import Experiment, Layer
from playground.core.inspection.forward import forward
from playground.ui.views.gallery import PRESETS
from tests.ui.gui import open_window, train

def small_mnist(**changes) -> Experiment:
    """A few seconds of training: 1,000 training and 500 test images, one hidden layer of 32."""
    experiment = Experiment(dataset="mnist", layers=(Layer(32, "relu"),),
                            loss="sparse-categorical", optimizer="rmsprop",
                            learning_rate=0.001, batch_size=32, epochs=2, train_size=1000,
                            test_size=500)
    return experiment.replace(**changes)


def trained_view(qtbot, experiment):
    """The window after training `experiment`, the Test images tab shown and its answers in."""
    window = open_window(qtbot, experiment)
    view = window.views["images"]
    window.tabs.setCurrentWidget(view)
    assert train(qtbot, window) in ("finished", "step")  # "step": a one-epoch run
    view.evaluate_now()
    assert view.evaluated_weights is window.session.history.latest_weights
    return window, view


def click_image(qtbot, view, position: int) -> int:
    """Click the `position`-th image of the page; returns its test image number."""
    qtbot.mouseClick(view.grid, Qt.LeftButton, pos=view.grid.cell_rect(position).center())
    return view.grid.cells[position].index


@pytest.mark.needs_datasets
def test_the_panel_shows_what_model_predict_returns_for_the_clicked_image(qtbot):
    window, view = trained_view(qtbot, small_mnist())
    assert view.stack.currentWidget() is view.split
    p = view.predictions
    assert len(p) == 500 and "accuracy" in view.summary.text()
    assert f"{100 * p.accuracy:.2f}%" in view.summary.text()
    history = window.session.history  # validation = the test subset here, as in seed 001
    assert p.loss == pytest.approx(history.last("val_loss"), rel=1e-4)
    legend = window.views["curves"].legends["val_loss"]
    assert [label.text for _sample, label in legend.items] == ["training", "test"]
    assert f"test loss {history.last('val_loss'):.4f}" in window.metrics_label.text()
    assert f"{p.loss:.4f}" in view.summary.text()
    assert view.grid.cells and view.grid.cells[0].name in "0123456789"
    assert view.minimumSizeHint().width() <= 680  # answers shown: still fits 1280 px

    index = click_image(qtbot, view, 5)
    panel = view.panel
    assert panel.index == index and view.side.currentWidget() is panel
    rows = window.session.dataset.x_test[index:index + 1]
    by_hand = forward(window.session.history.latest_weights, window.session.activations, rows)
    np.testing.assert_allclose(panel.probabilities, by_hand[0], rtol=1e-4, atol=1e-7)

    qtbot.waitUntil(lambda: panel.source == "model.predict", timeout=10_000)
    trainer = window.workers.worker.trainer
    expected = trainer.model.predict(np.asarray(rows, np.float32), verbose=0)[0]
    np.testing.assert_allclose(panel.probabilities, expected, rtol=1e-6, atol=1e-9)
    assert panel.chart.values.tolist() == pytest.approx(expected.tolist())
    top = int(expected.argmax())
    assert panel.chart.text_of(expected[top]) == image_eval.percent(expected[top])  # 99.9%
    assert image_eval.keras_array(expected) in panel.chart.toolTip()
    assert "model.predict" in panel.source_label.text()
    names = window.session.dataset.class_names
    assert f"the network says <b>{names[top]}</b>" in panel.heading.text()
    window.close()


@pytest.mark.needs_datasets
def test_filters_confusion_cells_sorting_and_pages(qtbot):
    window, view = trained_view(qtbot, small_mnist(epochs=1))
    p = view.predictions
    labels = np.asarray(window.session.dataset.labels_test)

    view.only_mistakes.setChecked(True)
    assert len(view.shown) == int((~p.correct).sum()) > 0
    assert all(cell.wrong for cell in view.grid.cells)

    counts = view.confusion.counts
    assert counts.sum() == 500 and np.trace(counts) == p.correct.sum()
    off = counts - np.diag(np.diag(counts))
    true_class, answered = np.unravel_index(off.argmax(), off.shape)
    view.side.setCurrentWidget(view.confusion)
    table = view.confusion.table
    rect = table.visualItemRect(table.item(int(true_class), int(answered)))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())
    assert len(view.shown) == counts[true_class, answered]
    assert (labels[view.shown] == true_class).all()
    assert (p.predicted[view.shown] == answered).all()
    assert view.true_class.currentData() == true_class
    assert view.answered.currentData() == answered

    view.show_all()
    assert len(view.shown) == 500 and not view.only_mistakes.isChecked()
    view.order.setCurrentIndex(view.order.findData("confident"))
    shown = p.confidence[view.shown]
    assert (np.diff(shown) <= 0).all()
    page = view.grid.capacity
    assert len(view.grid.cells) == min(page, 500)
    view.next_button.click()
    assert view.first == page and view.grid.cells[0].index == view.shown[page]
    view.true_class.setCurrentIndex(view.true_class.findData(3))
    assert view.first == 0 and (labels[view.shown] == 3).all()
    window.close()


@pytest.mark.needs_datasets
def test_raw_pixels_saturate_the_softmax_and_the_view_says_so(qtbot):
    window, view = trained_view(qtbot, small_mnist(normalize=False, epochs=1))
    assert view.predictions.saturated
    assert view.note_row.isVisibleTo(view)
    assert "hard answer" in view.note.text() and "Normalise pixels" in view.note.text()
    assert view.normalise_button.isVisibleTo(view)
    assert window.form.checks["normalize"].isChecked() is False
    view.normalise_button.click()
    assert window.form.checks["normalize"].isChecked()
    qtbot.waitUntil(lambda: window.state == "idle" and window.session.experiment.normalize,
                    timeout=30_000)
    assert train(qtbot, window) in ("finished", "step")
    view.evaluate_now()
    assert view.predictions.hard_share < 0.01  # real probabilities
    assert not view.note_row.isVisibleTo(view)
    window.close()


@pytest.mark.needs_datasets
def test_forgetting_to_divide_by_255_reproduces_seed_001(qtbot):
    """A model trained on pixels / 255, fed raw pixels: one-hot rows, as seed 001 saw."""
    window, view = trained_view(qtbot, small_mnist())
    index = click_image(qtbot, view, 0)
    panel = view.panel
    spread = panel.probabilities.copy()
    assert spread.max() < 1.0 - 1e-6
    panel.raw_pixels.setChecked(True)
    qtbot.waitUntil(lambda: panel.source == "model.predict", timeout=10_000)
    assert panel.probabilities.max() > image_eval.HARD_ANSWER
    trainer = window.workers.worker.trainer
    raw = np.asarray(window.session.dataset.x_test[index:index + 1], np.float32) * 255
    np.testing.assert_allclose(panel.probabilities, trainer.model.predict(raw, verbose=0)[0],
                               rtol=1e-6, atol=1e-9)
    assert "raw 0–255" in panel.source_label.text()
    window.close()


@pytest.mark.needs_datasets
def test_presets_fill_the_form(qtbot, window):
    view = window.views["images"]
    view.preset_buttons["TensorFlow tutorial"].trigger()
    experiment = window.form.experiment
    assert experiment.dataset == "fashion-mnist"
    assert [(layer.units, layer.activation, layer.dropout)
            for layer in experiment.layers] == [(128, "relu", 0)]
    assert (experiment.optimizer, experiment.learning_rate, experiment.loss) == \
        ("adam", 0.001, "sparse-categorical")
    assert (experiment.epochs, experiment.batch_size, experiment.output) == (5, 32, "softmax")
    view.preset_buttons["Keras MNIST MLP"].trigger()
    experiment = window.form.experiment
    assert experiment.dataset == "mnist" and experiment.normalize
    assert [(layer.units, layer.activation, layer.dropout) for layer in experiment.layers] == \
        [(512, "relu", 0.2), (512, "relu", 0.2)]
    assert (experiment.optimizer, experiment.learning_rate, experiment.loss) == \
        ("rmsprop", 0.001, "categorical")
    assert (experiment.epochs, experiment.batch_size, experiment.train_size) == (20, 128, 0)
    assert set(PRESETS) == {"Keras MNIST MLP", "TensorFlow tutorial", "Keras MNIST convnet",
                            "Fashion-MNIST convnet"}
    # The preview builds the full-size model; let it finish before the window closes.
    qtbot.waitUntil(lambda: window.state == "idle" and window.session.experiment is not None
                    and window.session.experiment.dataset == "mnist", timeout=60_000)
    assert view.stack.currentWidget() is view.split


def test_other_datasets_get_a_note_instead_of_images(qtbot, window):
    view = window.views["images"]
    assert window.session.experiment.dataset == "xor"
    assert view.stack.currentWidget() is view.empty_note
    assert "MNIST" in view.empty_note.text()
    draw = window.views["draw"]
    assert draw.stack.currentWidget() is draw.empty_note
