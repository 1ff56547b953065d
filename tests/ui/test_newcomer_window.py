"""Issue 13: the window as a newcomer meets it, driven in the real window (offscreen)."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget



def test_the_threshold_box_can_be_typed_into(qtbot, window):
    outputs = window.views["outputs"]
    spin = outputs.threshold_spin
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin.lineEdit(), "0.49")
    assert spin.lineEdit().text() == "0.49"
    assert abs(window.session.threshold - 0.49) < 1e-9  # every view re-classified with it


def test_key_widgets_carry_object_names(window):
    for name in ("lossPlot", "accuracyPlot", "boundaryPlot", "threshold", "epochSlider",
                 "trainButton"):
        assert window.findChild(QWidget, name) is not None, name


def test_a_typed_input_does_not_carry_over_to_other_data(qtbot, window):
    outputs = window.views["outputs"]
    qtbot.keyClicks(outputs.input_edit, "1, 1")
    assert "output" in outputs.input_result.text()
    form = window.form
    form.dataset.setCurrentIndex(form.dataset.findData("sine"))  # one input
    qtbot.waitUntil(lambda: window.session.dataset.n_inputs == 1, timeout=30_000)
    assert outputs.input_edit.text() == ""
    assert "needs" not in outputs.input_result.text()  # no error the user never caused


def test_the_mnist_caption_says_where_the_ten_probabilities_are():
    from playground.core.inspection.metrics import output_heading
    from playground.core.teaching.examples import EXAMPLES
    caption = next(e for e in EXAMPLES if e.key == "mnist-mlp").caption
    # Outputs' table has one probability per image (its heading says which one) ...
    assert output_heading("softmax") == "top probability"
    assert "lists the class probabilities" not in caption
    assert "answer and its probability" in caption
    # ... the ten are under Test images.
    assert "ten probabilities" in caption and "Test images" in caption


def test_the_forward_pass_caption_writes_the_output_layer_as_the_panel_does():
    from playground.core.teaching.examples import EXAMPLES
    texts = [step.caption for e in EXAMPLES for step in e.then]
    assert not any("vᵀh" in text for text in texts)
    assert any("tanh(Wᵀh + b)" in text for text in texts)


def test_at_1366x768_with_a_caption_and_a_hint_the_plots_stay_readable(qtbot, window):
    window.resize(1366, 768)
    with qtbot.waitSignal(window.training_idle, timeout=60_000):
        window.examples.load("xor-single-neuron")  # its caption, then a hint after training
    bar = window.findChild(QWidget, "example_bar")
    qtbot.waitUntil(lambda: bar.isVisible() and window.hints.bar.isVisible(), timeout=10_000)
    qtbot.wait(100)
    curves, boundary = window.views["curves"], window.views["boundary"]
    assert curves.loss_plot.height() >= 140
    assert curves.metric_plot.height() >= 140
    assert boundary.plot.height() >= 200
    # The caption is one line until asked for its details.
    caption = bar.findChild(QWidget, "example_caption")
    line = caption.fontMetrics().lineSpacing()
    assert caption.height() < 2 * line
    caption.more_button.click()
    qtbot.waitUntil(lambda: caption.height() >= 2 * line)


def test_the_curves_legends_lie_outside_the_data(qtbot, window):
    window.form.texts["validation_split"].setText("0.25")
    window.form.texts["epochs"].setText("20")
    from tests.ui.gui import train
    assert train(qtbot, window) == "finished"
    curves = window.views["curves"]
    for plot in (curves.loss_plot, curves.metric_plot):
        item = plot.getPlotItem()
        legend = item.legend
        data = item.getViewBox().sceneBoundingRect()
        box = legend.sceneBoundingRect()
        assert len(legend.items) == 2  # training and validation
        assert not box.intersects(data), (box, data)


def test_a_short_run_has_whole_epoch_ticks(qtbot, window):
    window.form.texts["epochs"].setText("3")
    from tests.ui.gui import train
    assert train(qtbot, window) == "finished"
    for plot in (window.views["curves"].loss_plot, window.views["curves"].metric_plot):
        axis = plot.getAxis("bottom")
        low, high = plot.getPlotItem().getViewBox().viewRange()[0]
        ticks = [v for _spacing, values in axis.tickValues(low, high, axis.width())
                 for v in values]
        assert ticks and all(float(v).is_integer() for v in ticks), ticks


def test_image_training_status_is_whole_and_slow_speeds_read_per_epoch(qtbot, window):
    from playground.core.training.reports import BatchProgress
    from playground.ui.status_bar import speed_text
    window.resize(1366, 768)
    status = window.status
    status.metrics_label.setText("loss 0.2345   accuracy 0.934   val loss 0.2500   "
                                 "val accuracy 0.930")
    fields = dict(epoch=2, batches_done=209, batches_total=469, samples_done=6688,
                  samples_total=15000, samples_per_second=2400.0, seconds_left=3.5)
    extra = {name: 0.0 for name in BatchProgress.__dataclass_fields__ if name not in fields}
    status.show_batch_progress(BatchProgress(**fields, **extra))
    qtbot.wait(50)
    bar = status.batch_bar
    assert bar.text() == "batch 209 / 469"
    assert bar.width() >= bar.fontMetrics().horizontalAdvance(bar.text()) + 8  # not cut
    assert status.height() < 3 * status.fontMetrics().lineSpacing()  # one line, not wrapped
    assert speed_text(0.2) == "5.0 s/epoch"  # MNIST: never "0 epochs/s"
    assert speed_text(6443) == "6,443 epochs/s"


def test_weights_set_by_hand_are_a_marked_point_not_a_vertical_jump(qtbot, window):
    import numpy as np
    from tests.ui.gui import train
    window.form.texts["epochs"].setText("5")
    assert train(qtbot, window) == "finished"
    weights = [np.asarray(w) * 0 for w in window.session.history.latest_weights]
    with qtbot.waitSignal(window.training_idle, timeout=30_000):
        assert window.set_weights(weights) == ""
    qtbot.waitUntil(lambda: len(window.session.history) == 7)  # epochs 0..5, then 5 again
    qtbot.wait(100)
    curves = window.views["curves"]
    for key in ("loss", "metric"):
        x, y = curves.curves[key].getData()
        joined = np.isfinite(y[:-1]) & np.isfinite(y[1:])
        assert (np.diff(x)[joined] > 0).all()  # no segment straight up at one epoch
        marked_x, _ = curves.hand_marks[key].getData()
        assert list(marked_x) == [5]
    legend = curves.loss_plot.getPlotItem().legend
    assert "weights set by hand" in [label.text for _, label in legend.items]


def test_scrubbing_the_epoch_slider_moves_every_view_of_the_answers(qtbot, window):
    from tests.ui.gui import train
    window.form.texts["epochs"].setText("30")
    assert train(qtbot, window) == "finished"
    outputs, boundary = window.views["outputs"], window.views["boundary"]
    weights_view = window.views["weights"]
    window.tabs.setCurrentWidget(weights_view)
    qtbot.waitUntil(lambda: "Epoch 30" in weights_view.info.text())
    assert "epoch 30" in boundary.heading.text()
    outputs.epoch_slider.setValue(0)  # scrub back to the untrained network
    assert window.session.looked_at == 0
    qtbot.waitUntil(lambda: "epoch 0" in boundary.heading.text(), timeout=5000)
    qtbot.waitUntil(lambda: weights_view.info.text().startswith("Epoch 0,"), timeout=5000)
    forward = window.views["forward"]
    window.tabs.setCurrentWidget(forward)
    qtbot.waitUntil(lambda: "slider shows epoch 0" in forward.result.text(), timeout=10_000)
    outputs.epoch_slider.setValue(outputs.epoch_slider.maximum())  # back to the newest
    assert window.session.looked_at is None
    qtbot.waitUntil(lambda: "epoch 30" in boundary.heading.text(), timeout=5000)


def test_view_theme_dark_restyles_plots_and_diagram_and_is_remembered(qtbot, window):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication, QGraphicsView
    from playground.ui.settings import settings
    actions = window.theme.actions
    try:
        actions["theme_dark"].trigger()
        assert settings().value("view/theme") == "dark"
        assert QApplication.instance().palette().color(QPalette.Window).lightness() < 80
        loss = window.findChild(QWidget, "lossPlot")
        assert loss.backgroundBrush().color().lightness() < 80
        assert loss.getAxis("left").textPen().color().lightness() > 150
        boundary = window.findChild(QWidget, "boundaryPlot")
        assert boundary.backgroundBrush().color().lightness() < 80
        diagram = window.views["weights"].diagram
        assert isinstance(diagram, QGraphicsView)
        assert diagram.backgroundBrush().color().lightness() < 80
        actions["theme_light"].trigger()
        assert loss.backgroundBrush().color().lightness() > 200
        assert QApplication.instance().palette().color(QPalette.Window).lightness() > 150
    finally:
        window.theme.set_mode("system")


def test_help_lists_every_keyboard_shortcut(qtbot, window):
    from playground.ui.menus.about import ShortcutsDialog, shortcut_rows
    rows = shortcut_rows(window)
    actions = {action for action, _keys in [(r[1], r[2]) for r in rows]}
    assert {"Train", "Stop", "Step", "Keyboard Shortcuts"} <= actions
    dialog = ShortcutsDialog(window)
    qtbot.addWidget(dialog)
    shown = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert shown == [r[1] for r in rows]
    train = next(r for r in rows if r[1] == "Train")
    assert "F5" in train[2]


def test_the_outputs_legend_lies_beside_the_curves(qtbot, window):
    from tests.ui.gui import train
    window.form.texts["epochs"].setText("10")
    assert train(qtbot, window) == "finished"
    chart = window.views["outputs"].chart.getPlotItem()
    qtbot.waitUntil(lambda: len(chart.legend.items) >= 4)
    qtbot.wait(50)
    legend, data = chart.legend.sceneBoundingRect(), chart.getViewBox().sceneBoundingRect()
    assert legend.left() >= data.right() - 1  # beside the data, not over it


def test_at_1366x768_epochs_batch_size_and_seed_are_within_reach(qtbot, window):
    window.resize(1366, 768)
    with qtbot.waitSignal(window.training_idle, timeout=60_000):
        window.examples.load("xor-single-neuron")  # no hidden layer; a caption and a hint
    qtbot.waitUntil(lambda: window.hints.bar.isVisible(), timeout=10_000)
    qtbot.wait(100)
    table = window.form.layers.table
    row = table.verticalHeader().defaultSectionSize()
    # An empty layer table no longer stands 170 px tall over the Training fields.
    assert table.height() <= table.horizontalHeader().height() + 3 * row
    scroll = window.form.parentWidget().parentWidget()  # the form's scroll area
    for name in ("epochs", "batch_size", "seed"):  # reachable: the form scrolls to each
        field = window.form.texts[name]
        scroll.ensureWidgetVisible(field)
        bottom = field.mapTo(scroll.viewport(), field.rect().bottomLeft()).y()
        assert 0 <= bottom <= scroll.viewport().height(), name


def test_ankle_boot_fits_its_column_even_in_bold(qtbot):
    from PySide6.QtGui import QFont, QFontMetrics
    from playground.ui.widgets.probabilities import ProbabilityBars
    bars = ProbabilityBars()
    qtbot.addWidget(bars)
    bars.set_classes(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                      "Sneaker", "Bag", "Ankle boot"])
    bold = QFont(bars.font())
    bold.setBold(True)
    # The painted rect is name_width() - 6 wide, right-aligned: the bold name must fit whole.
    assert bars.name_width() - 6 >= QFontMetrics(bold).horizontalAdvance("Ankle boot")


def test_the_outputs_chart_y_label_is_whole_at_1360_px(qtbot, window):
    window.resize(1360, 860)
    form = window.form
    form.dataset.setCurrentIndex(form.dataset.findData("gaussians"))  # several classes
    qtbot.waitUntil(lambda: window.session.dataset.n_classes > 2, timeout=30_000)
    outputs = window.views["outputs"]
    window.tabs.setCurrentWidget(outputs)
    qtbot.wait(100)
    axis = outputs.chart.getAxis("left")
    assert axis.label.boundingRect().width() <= axis.height()  # rotated: its width is upright


def test_training_images_offer_their_sizes_as_choices(window):
    edit = window.form.texts["train_size"]
    choices = [action.text() for action in edit.size_menu.actions()]
    assert choices[0] == "All 60,000" and "1,000" in choices
    edit.size_menu.actions()[choices.index("10,000")].trigger()
    assert edit.text() == "10000"
    edit.size_menu.actions()[0].trigger()
    assert edit.text() == "0"  # all of them


def test_before_the_first_model_the_threshold_reads_its_default(qtbot):
    from playground.ui.main_window import MainWindow
    window = MainWindow()  # TensorFlow not loaded yet: what a launch shows for a second
    qtbot.addWidget(window)
    try:
        assert window.findChild(QWidget, "threshold").text() == "0.500"
    finally:
        window.close()


def test_the_forward_pass_shows_its_final_y_without_scrolling(qtbot, window):
    forward = window.views["forward"]
    window.tabs.setCurrentWidget(forward)
    forward.set_input("1, 0")
    qtbot.waitUntil(lambda: "y =" in forward.result.text(), timeout=10_000)
    assert forward.result.isVisible()
    assert forward.result.y() < forward.text.y()  # above the arithmetic, not under it


def test_run_colours_do_not_repeat():
    from types import SimpleNamespace
    from playground.ui.views.runs import colour_of
    colours = [colour_of(SimpleNamespace(uid=uid)) for uid in range(1, 61)]
    assert len(set(colours)) == 60  # was 10 colours, round and round


def test_tabbing_into_the_layer_table_selects_no_row_and_opens_no_editor(qtbot, window):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractItemView, QApplication
    window.form.set_experiment(window.form.experiment.replace(layers=(
        window.form.experiment.layers[0],) * 2))
    table = window.form.layers.table
    assert not table.selectionModel().hasSelection()  # after loading: nothing chosen
    window.activateWindow()
    qtbot.waitActive(window)
    before = window.form.features.boxes["sin(x2)"]  # the field above the table
    before.setFocus()
    qtbot.keyClick(before, Qt.Key_Tab)
    assert QApplication.focusWidget() is table
    assert not table.selectionModel().hasSelection()
    assert table.state() != QAbstractItemView.EditingState  # row 1 was opened for editing
    qtbot.keyClick(table, Qt.Key_Tab)  # and Tab goes on, out of the table
    assert QApplication.focusWidget() is window.form.layers.add_button


def test_tab_moves_through_the_form_in_reading_order_then_to_train(qtbot, window):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    window.activateWindow()
    qtbot.waitActive(window)
    assert QApplication.focusWidget() is window.form.dataset  # where reading starts
    seen = []
    for _ in range(30):
        widget = QApplication.focusWidget()
        seen.append(widget.objectName() or widget.text())
        if widget.objectName() == "trainButton":
            break
        qtbot.keyClick(widget, Qt.Key_Tab)
    fields = [name for name in seen if name in (
        "dataset", "validation_split", "layer_table", "Add layer", "Remove layer", "loss",
        "optimizer", "learning_rate", "epochs", "batch_size", "seed", "trainButton")]
    assert fields == ["dataset", "validation_split", "layer_table", "Add layer", "Remove layer",
                      "loss", "optimizer", "learning_rate", "epochs", "batch_size", "seed",
                      "trainButton"], seen
    assert seen.index("trainButton") == len(seen) - 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Space)  # the keyboard trains
    qtbot.waitUntil(lambda: window.state != "idle", timeout=10_000)
    window.stop()
    qtbot.waitUntil(lambda: window.state == "idle", timeout=30_000)
    # Every menu opens with Alt and a letter of its own (the rest: arrows and Enter).
    titles = [action.text() for action in window.menuBar().actions()]
    letters = [title[title.index("&") + 1].lower() for title in titles if "&" in title]
    assert len(letters) == len(titles) == len(set(letters)), titles


def test_every_view_tab_title_is_whole_at_1280_and_1366_px(qtbot, window):
    from PySide6.QtWidgets import QToolButton
    tabs, bar = window.tabs, window.tabs.tabBar()
    assert tabs.count() >= 11
    for width, height in ((1280, 720), (1366, 768)):  # 2560×1440 at 200 %, a laptop
        window.resize(width, height)
        qtbot.waitUntil(lambda width=width: window.width() == width)
        qtbot.wait(50)
        scrolls = [b for b in bar.findChildren(QToolButton) if b.isVisible()]
        assert not scrolls, (width, [b.objectName() for b in scrolls])
        for index in range(tabs.count()):
            rect = bar.tabRect(index)
            assert bar.rect().contains(rect), (width, tabs.tabText(index), rect, bar.rect())
            text = tabs.tabText(index)
            assert bar.fontMetrics().horizontalAdvance(text) < rect.width(), text
    shortened = [tabs.tabToolTip(i) for i in range(tabs.count()) if tabs.tabToolTip(i)]
    assert "The Forward pass tab" in shortened  # the whole title, on hover


def test_the_outputs_chart_keeps_its_epoch_label_at_1366x768_with_caption_and_hint(qtbot, window):
    # Five legend rows (four inputs and the threshold) beside the data only made the chart's
    # layout taller than the chart the window gives it: its "epoch" label fell off the bottom.
    window.resize(1366, 768)
    with qtbot.waitSignal(window.training_idle, timeout=60_000):
        window.examples.load("xor-single-neuron")  # trains; then the hint shows
    outputs = window.views["outputs"]
    window.tabs.setCurrentWidget(outputs)
    legend = outputs.per_input.legend
    qtbot.waitUntil(lambda: window.state == "idle" and len(legend.items) == 5, timeout=30_000)
    qtbot.waitUntil(lambda: window.hints.bar.isVisible(), timeout=10_000)
    qtbot.wait(200)
    chart = outputs.chart
    axis = chart.getAxis("bottom")
    label = axis.label.mapRectToScene(axis.label.boundingRect())
    # pyqtgraph sets the label 5 px lower than its box on purpose (the box's bottom padding).
    assert label.bottom() - 5 <= chart.viewport().height()
