"""The Test images gallery's filters and order: only mistakes, true class, answered class, the
order of the images, and "Show all"; which test images pass them."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QSignalBlocker, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QPushButton

from playground.core.inspection import predictions as image_eval
from playground.core.inspection.predictions import Predictions

#: The narrowest a filter or order box gets (its popup still lists the whole names): the tab
#: must fit a 1280 px window beside the form instead of forcing the window wider.
NARROW_COMBO = 80


class GalleryFilters(QObject):
    """The filter widgets (laid out by the gallery); `changed` when the user changes one."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.only_mistakes = QCheckBox("Only mistakes")
        self.only_mistakes.setObjectName("only_mistakes")
        self.only_mistakes.setToolTip("Show only the images the network answered wrongly")
        self.true_class = QComboBox()
        self.true_class.setObjectName("true_class_filter")
        self.true_class.setToolTip("True class: show only the images of this class")
        self.answered = QComboBox()
        self.answered.setObjectName("answered_filter")
        self.answered.setToolTip("Answered: show only the images the network took for this "
                                 "class")
        self.order = QComboBox()
        self.order.setObjectName("gallery_order")
        for key, label in image_eval.ORDERS.items():
            self.order.addItem(label, key)
        self.order.setToolTip("Confidence = the probability of the class the network answered")
        self.clear_filters = QPushButton("Show all")
        self.clear_filters.setToolTip("Clear the filters")
        self.clear_filters.clicked.connect(self.show_all)
        self.only_mistakes.toggled.connect(self.changed)
        for combo in (self.true_class, self.answered, self.order):
            combo.currentIndexChanged.connect(self.changed)
            combo.setMinimumWidth(NARROW_COMBO)

    def set_classes(self, names) -> None:
        """List `names` in the class boxes, keeping a chosen class that still exists."""
        for combo, first in ((self.true_class, "True class: all"),
                             (self.answered, "Answered: any")):
            with QSignalBlocker(combo):
                current = combo.currentData()
                combo.clear()
                combo.addItem(first, None)
                prefix = first.split(":")[0]
                for i, name in enumerate(names):
                    combo.addItem(f"{prefix}: {name}", i)
                combo.setCurrentIndex(max(combo.findData(current), 0)
                                      if current is not None and current < len(names) else 0)

    def show_all(self) -> None:
        with QSignalBlocker(self.only_mistakes), QSignalBlocker(self.true_class), \
                QSignalBlocker(self.answered):
            self.only_mistakes.setChecked(False)
            self.true_class.setCurrentIndex(0)
            self.answered.setCurrentIndex(0)
        self.changed.emit()

    def show_cell(self, true_class: int, answered: int | None) -> None:
        """Only the images of `true_class` that were answered `answered` (None: any)."""
        with QSignalBlocker(self.only_mistakes), QSignalBlocker(self.true_class), \
                QSignalBlocker(self.answered):
            if answered == true_class:
                self.only_mistakes.setChecked(False)
            self.true_class.setCurrentIndex(self.true_class.findData(true_class))
            self.answered.setCurrentIndex(
                0 if answered is None else self.answered.findData(answered))
        self.changed.emit()

    def passing(self, predictions: Predictions | None, labels) -> np.ndarray:
        """Test image numbers passing the filters, in the chosen order (before the answers
        come, only the true-class filter applies; one that needs answers passes none)."""
        p = predictions
        true_class = self.true_class.currentData()
        answered = self.answered.currentData()
        needs_answers = self.only_mistakes.isChecked() or answered is not None \
            or self.order.currentData() != "index"
        for widget in (self.only_mistakes, self.answered, self.order):
            widget.setEnabled(p is not None)
        self.clear_filters.setEnabled(bool(self.only_mistakes.isChecked()
                                           or true_class is not None or answered is not None))
        if p is not None:
            return p.select(self.only_mistakes.isChecked(), true_class, answered,
                            self.order.currentData())
        labels = np.asarray(labels)
        keep = np.ones(len(labels), bool) if true_class is None else labels == true_class
        return np.flatnonzero(keep) if not needs_answers else np.zeros(0, int)
