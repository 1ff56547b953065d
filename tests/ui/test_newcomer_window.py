"""Issue 13: the window as a newcomer meets it, driven in the real window (offscreen)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tests.ui.gui import open_window


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
