"""The Outputs table's rows as text and colour: the row sets it can list, class colours, typed
inputs, row names, targets, every class's probability, and the selection tint. Pure helpers
apart from Qt's colour and delegate types (the classification rules live in
core.inspection.metrics)."""
from __future__ import annotations

import re

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from playground.core.inspection.metrics import class_label

RIGHT_BG, WRONG_BG = QColor("#d8f0d8"), QColor("#f7d4d7")
CLASS_COLOURS = ("#2b6cb0", "#dd6b20")  # class 0 / negative: blue; class 1 / positive: orange
#: A row set larger than this is cut to its first rows (a table of thousands helps nobody).
MAX_TABLE_ROWS = 1000
#: Colours of more classes (the first two as above).
MORE_CLASS_COLOURS = CLASS_COLOURS + ("#2f9e44", "#c92a2a", "#7048e8", "#8c564b", "#d6336c",
                                      "#7f7f7f", "#a9a9a9", "#17becf")


def row_sets(session) -> dict[str, tuple[str, np.ndarray, np.ndarray]]:
    """The row sets the table offers: key -> (menu text, rows, labels). The probe always; the
    other parts of tabular data when the probe is not all of them. Images have the gallery
    for their test set, so they list the probe only."""
    s = session
    d = s.dataset
    n = len(s.probe_x)
    whole = n >= len(d.x_train) + len(d.x_val)  # the probe is training + validation rows
    sets = {"probe": (f"All {n:,} rows" if whole else
                      f"Sample: {n:,} rows, recorded every epoch", s.probe_x, s.probe_labels)}
    if s.has_images:
        return sets
    for key, name, x, labels in (("train", "training", d.x_train, d.labels_train),
                                 ("val", "validation", d.x_val, d.labels_val),
                                 ("test", "test", d.x_test, d.labels_test)):
        if len(x) and not (whole and key != "test"):
            cut = "" if len(x) <= MAX_TABLE_ROWS else f" (first {MAX_TABLE_ROWS:,})"
            sets[key] = (f"{name.capitalize()} rows: {len(x):,}{cut}",
                         x[:MAX_TABLE_ROWS], labels[:MAX_TABLE_ROWS])
    return sets


def class_colours(n_classes: int) -> tuple[str, ...]:
    """One colour per class: blue and orange for two, more for more."""
    return MORE_CLASS_COLOURS[:max(n_classes, 2)] if n_classes <= len(MORE_CLASS_COLOURS) \
        else tuple(MORE_CLASS_COLOURS[i % len(MORE_CLASS_COLOURS)] for i in range(n_classes))


def parse_input(text: str, n_inputs: int) -> tuple[np.ndarray | None, str]:
    """"1, 1", "0.3 0.1" or "[0, 1]" -> (row, ""); otherwise (None, a message for the user)."""
    parts = [p for p in re.split(r"[\s,;]+", text.strip().strip("[]()")) if p]
    if not parts:
        return None, f"type {n_inputs} numbers, e.g. {', '.join(['1'] * n_inputs)}"
    values = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            return None, f"'{part}' is not a number"
        if not np.isfinite(value):
            return None, f"'{part}' is not a finite number"
        values.append(value)
    if len(values) != n_inputs:
        return None, (f"needs {n_inputs} number{'s' if n_inputs != 1 else ''}, "
                      f"got {len(values)}")
    return np.array(values), ""


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.3f}"


def describe_row(row) -> str:
    row = np.asarray(row)
    if len(row) <= 6:
        return "[" + ", ".join(_number(v) for v in row) + "]"
    return f"[{', '.join(f'{v:.3g}' for v in row[:3])}, …] ({len(row)} values)"


def probability_columns(dataset, encoding: str) -> list[str]:
    """One column per class, "P(name)", for a softmax over the plane's classes (images keep
    the top probability only: ten columns of digits would crowd the table)."""
    from playground.core.inspection.metrics import is_multiclass

    if dataset is None or dataset.is_images or not is_multiclass(encoding):
        return []
    return [f"P({class_label(dataset, encoding, k)})" for k in range(dataset.n_classes)]


def target_text(dataset, encoding: str, label) -> str:
    """A row's target: its class as the targets read, or a regression's value."""
    if dataset is not None and dataset.is_regression:
        return f"{float(label):.4f}"
    return class_label(dataset, encoding, int(label))


class TranslucentSelection(QStyledItemDelegate):
    """Selected rows get a tint over their right/wrong colour instead of hiding it."""

    def paint(self, painter, option, index):
        selected = bool(option.state & QStyle.State_Selected)
        plain = QStyleOptionViewItem(option)
        plain.state &= ~QStyle.State_Selected
        super().paint(painter, plain, index)
        if selected:
            painter.fillRect(option.rect, QColor(30, 70, 160, 55))
