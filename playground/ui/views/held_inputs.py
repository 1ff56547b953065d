"""The values the inputs off the boundary's two axes are held at (data of more than two inputs).

Kept apart from the boundary view (boundary.py): a row of spin boxes, one per input, made
again for each dataset; the two on the axes are greyed, the others say where the plane slices.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QGridLayout, QLabel, QWidget

#: Spin boxes a row.
PER_ROW = 4


class HeldInputs(QWidget):
    """One spin box per input; `changed` when the user moves one."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setToolTip("Inputs not on the axes are held at these values (greyed: the "
                        "two inputs on the axes)")
        self.layout_ = QGridLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.spins: list[QDoubleSpinBox] = []

    def build(self, dataset, shown: bool) -> np.ndarray | None:
        """Spin boxes for `dataset`'s inputs, at the mean of its training and validation rows
        (when `shown`; hidden otherwise). Returns that mean (None without rows)."""
        for spin in self.spins:
            self.layout_.removeWidget(spin.label)
            self.layout_.removeWidget(spin)
            spin.label.deleteLater()
            spin.deleteLater()
        self.spins = []
        rows = np.concatenate([dataset.x_train, dataset.x_val])
        fixed = rows.mean(axis=0).astype(np.float64) if len(rows) else None
        if not shown:
            self.hide()
            return fixed
        low, high = rows.min(axis=0), rows.max(axis=0)
        for i, name in enumerate(dataset.feature_names):
            spin = QDoubleSpinBox(decimals=3, singleStep=0.05)
            spin.setRange(float(low[i]) - 10, float(high[i]) + 10)
            spin.setValue(float(fixed[i]))
            spin.setToolTip(f"The value {name} is held at while the plane varies the two shown "
                            "inputs (starts at the mean of the data)")
            spin.valueChanged.connect(lambda _value: self.changed.emit())
            spin.label = QLabel(f"{name} =")
            spin.setMaximumWidth(80)
            row, column = divmod(i, PER_ROW)
            self.layout_.addWidget(spin.label, row, 2 * column, Qt.AlignRight)
            self.layout_.addWidget(spin, row, 2 * column + 1)
            self.spins.append(spin)
        self.show()
        return fixed

    def on_axes(self, axes: tuple[int, int]) -> None:
        """Grey the spin boxes of the inputs on the axes."""
        for i, spin in enumerate(self.spins):
            held = i not in axes
            spin.setEnabled(held)
            spin.label.setEnabled(held)

    def values(self) -> np.ndarray:
        return np.array([spin.value() for spin in self.spins])
