"""The form fits its column with image data, and its small icons are sharp at any scale."""
from __future__ import annotations

from PySide6.QtCore import QSize

from playground.core.experiment import Experiment
from playground.core.model.presets import preset_fields
from playground.ui.form.experiment_form import ExperimentForm

#: The form's column in a 1366 px window (its scroll area, as the window makes it).
COLUMN = 400


def test_a_conv_stack_leaves_every_field_within_the_forms_column(qtbot):
    form = ExperimentForm()
    qtbot.addWidget(form)
    form.set_experiment(Experiment(**preset_fields("mnist-convnet")))
    assert "parameters" in form.layers.total.text()  # the count, "34,826 parameters …"
    # The count beside the buttons made the form ~520 px wide: every field cut at the right.
    assert form.minimumSizeHint().width() <= COLUMN
    assert form.layers.total.isVisibleTo(form)


def test_the_image_count_choice_arrow_is_drawn_for_each_screen_scale(qtbot):
    form = ExperimentForm()
    qtbot.addWidget(form)
    icon = form.texts["train_size"].actions()[0].icon()
    assert {QSize(16, 16), QSize(32, 32), QSize(48, 48)} <= set(icon.availableSizes())
    pixmap = icon.pixmap(QSize(16, 16), 2.0)
    assert pixmap.devicePixelRatio() == 2.0 and pixmap.width() == 32  # drawn, not blown up
