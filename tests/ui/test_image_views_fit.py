"""The image tabs as a laptop user meets them: they fit a 1280 px window beside the form, their
probabilities read as percentages, and their notes and errors take the theme's tones."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPalette

from playground.core.inspection import predictions as image_eval
from playground.ui.views.run_colours import swatch
from playground.ui.widgets.note import tone_colour
from playground.ui.widgets.probabilities import ProbabilityBars


def test_probabilities_read_as_percentages_with_keras_s_numbers_in_the_tooltip(qtbot):
    bars = ProbabilityBars()
    qtbot.addWidget(bars)
    bars.set_classes("0123456789")
    values = [0.999048769, 2e-5, 0.0009, 0, 0, 0, 0, 0, 0, 0]
    bars.set_values(values)
    assert [bars.text_of(v) for v in values[:4]] == ["99.9%", "<0.1%", "0.1%", "0.0%"]
    assert image_eval.keras_number(values[0]) == "9.99048769e-01"
    assert "9.99048769e-01" in bars.toolTip()  # what print(model.predict(x)) writes


def test_the_image_tabs_fit_1280_px_and_their_notes_follow_the_theme(qtbot, window):
    for name in ("images", "draw", "mistakes"):  # was 848, 679 and 598 px
        assert window.views[name].minimumSizeHint().width() <= 640, name
    window.tabs.setCurrentWidget(window.views["images"])
    assert window.minimumSizeHint().width() <= 1280  # was 1258 + the form: 1258 in all
    message = window.views["weights"].message  # "not a number, the old value is kept"
    epoch = window.views["draw"].answer_epoch  # "network after epoch 12"
    for mode in ("light", "dark"):
        window.theme.set_mode(mode)
        qtbot.wait(20)  # Qt hands the new palette to the widgets in a posted event
        dark = mode == "dark"
        for label, tone in ((message, "error"), (epoch, "note")):
            assert label.palette().color(QPalette.WindowText) == tone_colour(tone, dark)


def test_every_tab_fits_a_1280_px_window_with_it_in_front(qtbot, window):
    window.resize(1280, 720)  # a 2560×1440 screen at 200 %
    for index in range(window.tabs.count()):  # Data was 798 px: the window asked 1208
        view = window.tabs.widget(index)
        window.tabs.setCurrentIndex(index)
        name = window.tabs.tabText(index)
        assert view.minimumSizeHint().width() <= 640, name
        assert window.minimumSizeHint().width() <= 1280, name
        assert window.width() == 1280, name  # the window was not widened to show it
    data = window.views["data"]  # its four buttons in two rows, each one whole
    window.tabs.setCurrentWidget(data)
    qtbot.waitUntil(data.isVisible)
    for button in (*data.preset_buttons.values(), data.regenerate_button):
        whole = button.width() >= button.sizeHint().width()
        assert whole or not button.isVisibleTo(data), button.text()


def test_a_run_s_colour_swatch_is_drawn_in_device_pixels_at_200_percent(qapp):
    pixmap = swatch("#1f77b4", 2.0).pixmap(QSize(12, 12), 2.0)
    assert pixmap.size() == QSize(24, 24) and pixmap.devicePixelRatio() == 2.0


def test_every_run_s_colour_shows_on_light_and_dark_plots():
    from types import SimpleNamespace

    from playground.ui.theme import PLOT_COLOURS
    from playground.ui.views.run_colours import colour_of
    from tests.ui.test_theme_contrast import contrast

    for uid in range(1, 61):  # the ninth run was black: invisible on the dark background
        colour = QColor(colour_of(SimpleNamespace(uid=uid)))
        for background, _foreground in PLOT_COLOURS.values():
            assert contrast(colour, QColor(background)) >= 2, (uid, colour.name(), background)


def test_the_confusion_matrix_counts_are_readable_in_the_dark_theme(qtbot):
    from PySide6.QtWidgets import QApplication

    from playground.ui.theme import dark_palette
    from playground.ui.widgets.confusion import ConfusionView
    from tests.ui.test_theme_contrast import AA, contrast

    QApplication.setPalette(dark_palette())  # put back by tests/ui/conftest.py
    view = ConfusionView()
    qtbot.addWidget(view)
    view.set_classes("012")
    view.set_counts([[50, 2, 0], [1, 40, 9], [0, 0, 30]])
    for row in range(3):
        for column in range(3):
            item = view.table.item(row, column)
            text = item.foreground().color() if item.foreground().style() != Qt.NoBrush \
                else view.table.palette().color(QPalette.Text)
            assert contrast(text, item.background().color()) >= AA, (row, column, item.text())


def test_the_yellow_saturation_note_keeps_dark_text_in_the_dark_theme(qtbot):
    import re
    from types import SimpleNamespace

    from PySide6.QtWidgets import QApplication

    from playground.ui.theme import dark_palette
    from playground.ui.views.gallery_answers import SaturationNote
    from tests.ui.test_theme_contrast import AA, contrast, text_colour

    QApplication.setPalette(dark_palette())  # launched dark; put back by tests/ui/conftest.py
    row = SaturationNote(SimpleNamespace(request_experiment=lambda changes: None))
    qtbot.addWidget(row)
    row.show()
    yellow = QColor(re.search(r"background:\s*(#\w+)", row.note.styleSheet()).group(1))
    assert contrast(text_colour(row.note), yellow) >= AA  # the theme's light grey: 1.2


def test_a_test_image_is_drawn_in_device_pixels_at_200_percent(qapp):
    import numpy as np

    from playground.ui.widgets.probabilities import image_pixmap

    pixels = np.zeros((28, 28), np.uint8)
    pixels[10, 10] = 255  # one ink pixel: 3 × 3 logical pixels, 6 × 6 device pixels, sharp
    pixmap = image_pixmap(pixels, 3, dpr=2.0)
    assert pixmap.size() == QSize(168, 168) and pixmap.devicePixelRatio() == 2.0
    image = pixmap.toImage()
    assert image.pixelColor(60, 60).value() == 0 and image.pixelColor(65, 65).value() == 0
    assert image.pixelColor(66, 66).value() == 255  # no blur past the pixel's edge


def test_a_conv_kernel_is_drawn_in_device_pixels_at_200_percent(qapp):
    import numpy as np

    from playground.ui.views.filters import signed_pixmap

    kernel = np.array([[1.0, 0.0, -1.0]] * 3)  # blue, white and red columns of 3 × 3 cells
    pixmap = signed_pixmap(kernel, 27, dpr=2.0)  # a 27 px tile: 54 × 54 device pixels
    assert pixmap.size() == QSize(54, 54) and pixmap.devicePixelRatio() == 2.0
    image = pixmap.toImage()
    colours = [image.pixelColor(x, 5).name() for x in (17, 18, 35, 36)]
    assert colours == ["#0000ff", "#ffffff", "#ffffff", "#ff0000"]  # sharp edges, no blur
