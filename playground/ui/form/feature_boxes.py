"""Engineered input features as check boxes (TensorFlow Playground's x₁², x₂², x₁x₂, sin x₁,
sin x₂): the network reads x1, x2 and the ticked ones (core/data/features.py computes them)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from playground.core.data import features as input_features

#: (feature as Experiment.features writes it, box label), in the order they are fed.
BOXES = (("x1^2", "x₁²"), ("x2^2", "x₂²"), ("x1*x2", "x₁x₂"), ("sin(x1)", "sin x₁"),
         ("sin(x2)", "sin x₂"))


class FeatureBoxes(QWidget):
    """One box per feature; `text()` is the Experiment's `features` setting."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.boxes: dict[str, QCheckBox] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for i, (name, label) in enumerate(BOXES):
            box = QCheckBox(label)
            box.setObjectName(f"feature_{name}")
            box.setToolTip(f"Feed {label} to the network as one more input, beside x₁ and x₂"
                           + (" (XOR then needs no hidden layer)" if name == "x1*x2" else ""))
            box.toggled.connect(self.changed)
            layout.addWidget(box, i // 3, i % 3)
            self.boxes[name] = box

    def text(self) -> str:
        return ",".join(name for name, box in self.boxes.items() if box.isChecked())

    def set_text(self, text: str) -> None:
        """Tick the features of `text` (unreadable text ticks none: validation says why)."""
        names, _ = input_features.parse(text)
        for name, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(name in names)
            box.blockSignals(False)
