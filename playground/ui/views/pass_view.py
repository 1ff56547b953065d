"""What the Forward pass and Backward pass tabs share: the input box, the picker of data rows,
the error line and the text pane of HTML; and "stale while hidden, drawn when shown".

A subclass draws in `draw()`; `refresh()` calls it only while the tab shows (hidden, the tab is
marked stale and drawn the next time it shows: a hidden tab costs nothing while a run streams).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QTextBrowser

from playground.core.inspection import weights as W
from playground.ui.widgets.note import set_tone
from playground.ui.widgets.shown_view import ShownView

#: Data rows offered in the picker, per part (training, validation, test).
ROWS_PER_PART = 50


class HtmlPane(QTextBrowser):
    """A text pane whose HTML is set only when it changed. Its vertical scroll bar always
    shows: appearing and vanishing at each setHtml, it made Qt lay the tables out twice
    (~3x the cost of one layout, measured on the backward pass's tables)."""

    def __init__(self, name: str, parent=None):
        super().__init__(parent, objectName=name)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOn)
        self._html: str | None = None

    def show_html(self, text: str) -> None:
        if text != self._html:
            self._html = text
            self.setHtml(text)

    def show_plain(self, text: str) -> None:
        self._html = None
        self.setPlainText(text)


class PassView(ShownView):
    """The common part of the two tabs; `prefix` names its widgets (`<prefix>_input`, …)."""

    def __init__(self, session, prefix: str, placeholder: str, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName(f"{prefix}_pass")
        self.input = QLineEdit(objectName=f"{prefix}_input", placeholderText=placeholder)
        self.rows = QComboBox(objectName=f"{prefix}_rows")
        self.error = QLabel(objectName=f"{prefix}_error")
        set_tone(self.error, "error")  # readable in the light and the dark theme
        self.error.hide()
        self.text = HtmlPane(f"{prefix}_text")
        self.input.returnPressed.connect(self.refresh)
        self.rows.activated.connect(self._on_row_picked)

    # ----- the rows of the data -----
    def fill_rows(self) -> bool:
        """Offer the first rows of each part of the session's data; False without data."""
        dataset = self.session.dataset
        self.rows.clear()
        self.rows.addItem("Pick a row of the data…", None)
        if dataset is None:
            return False
        parts = (("training", dataset.x_train, dataset.labels_train),
                 ("validation", dataset.x_val, dataset.labels_val),
                 ("test", dataset.x_test, dataset.labels_test))
        for part, xs, labels in parts:
            for i in range(min(len(xs), ROWS_PER_PART)):
                values = (", ".join(W.format_value(v) for v in xs[i]) if dataset.n_inputs <= 6
                          else f"{dataset.n_inputs} values")
                label = float(labels[i]) if dataset.is_regression else int(labels[i])
                name = f"target {label:.4g}" if dataset.is_regression \
                    else dataset.class_names[label]
                self.rows.addItem(f"{part} {i + 1}: {values} ({name})", (np.array(xs[i]), label))
        return True

    def pick_row(self, index: int) -> None:
        """Show data row `index` of the picker (1 = the first row)."""
        self._on_row_picked(index)

    def _on_row_picked(self, index: int) -> None:
        if self.take_row(index):
            self._redraw_now()

    def take_row(self, index: int) -> bool:
        """Put data row `index` of the picker into the boxes (no redraw); False for none."""
        item = self.rows.itemData(index)
        if item is None:
            return False
        row, label = item
        self.rows.setCurrentIndex(index)
        self.input.setText(", ".join(W.exact_text(v) for v in row))
        self.row_picked(label)
        return True

    def row_picked(self, label) -> None:
        """A data row's label, as it is picked (before the redraw)."""

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # ----- drawing -----
    def _redraw_now(self) -> None:
        self._stale = True
        self.refresh()



def feature_names(dataset, weights) -> tuple[str, ...]:
    """The names of the network's inputs: the data's (with engineered features), or x1, x2, …
    when the first kernel has another number of rows."""
    n = int(np.shape(weights[0])[0])
    names = tuple(dataset.feature_names)
    return names if len(names) == n else tuple(f"x{i}" for i in range(1, n + 1))
