"""Test images (seeds 001 and 003): a gallery of what the network answered, the probability of
every class for a clicked image, and the confusion matrix.

The answers come from `core.inspection.predictions`, a NumPy forward pass from the latest weights
a report carried — never from the live model. It runs on demand (when the tab is shown and new
weights have arrived, at most every few seconds while training) in a thread of its own
(`AnswerJob`), so even a conv network's ~12 s over 10,000 images never freezes the window; the
summary counts the images answered so far. The two preset buttons fill the form with seed 001's and
seed 003's settings (`Session.request_experiment`, a dict of Experiment fields). The filters and
the order are in gallery_filters.py.
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QSplitter, QStackedWidget,
                               QTabWidget, QVBoxLayout, QWidget)

from playground.core.inspection import predictions as image_eval
from playground.core.inspection.predictions import Predictions
from playground.ui.views.gallery_answers import AnswerJob, SaturationNote, WaitsForAnswers
from playground.ui.views.gallery_filters import GalleryFilters
from playground.ui.views.gallery_presets import PRESETS, presets_button  # noqa: F401 (re-export)
from playground.ui.widgets.confusion import ConfusionView, short_name
from playground.ui.widgets.image_grid import Cell, GalleryGrid
from playground.ui.widgets.note import placeholder_note, tone_span
from playground.ui.widgets.probabilities import ProbabilityPanel, image_pixmap

#: While training, answers are recomputed at most this often (seconds) ...
MIN_INTERVAL = 1.0
#: ... and their thread never takes more than 1 / COST_RATIO of the time (it shares the CPU
#: with the trainer).
COST_RATIO = 4
#: How often the GUI looks at the answering thread's progress (ms).
POLL_MS = 100


# ----- the view --------------------------------------------------------------------------------

class ImagesView(WaitsForAnswers, QWidget):
    title = "Test images"
    area = "bottom"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("images_view")
        #: The answers for the test images from `evaluated_weights`, or None.
        self.predictions: Predictions | None = None
        self.evaluated_weights = None
        #: Test image numbers passing the filters, in the chosen order.
        self.shown: np.ndarray = np.zeros(0, int)
        self.first = 0          # position in `shown` of the first image on the page
        self.selected: int | None = None
        self.pixels: np.ndarray | None = None  # (n, 28, 28) uint8 for drawing
        self._pixmaps: dict[int, QPixmap] = {}
        #: The answering thread under way (`AnswerJob`), or None.
        self._job: AnswerJob | None = None
        #: (weights, activations, x) -> (outputs, logits) slices: run in the job's thread.
        self.chunks = image_eval.output_chunks
        self._next_allowed = 0.0
        self._poll = QTimer(self, interval=POLL_MS, timeout=self._check_job)
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._evaluate_if_needed)
        self._build()
        session.run_started.connect(self.start)
        session.history_changed.connect(self._on_history)

    # ----- widgets -----
    def _build(self) -> None:
        self.presets_button = presets_button(self.session)
        self.preset_buttons = self.presets_button.actions_by_label  # trigger() fills the form
        self.summary = QLabel()
        self.summary.setObjectName("test_summary")
        self.summary.setTextFormat(Qt.RichText)
        self.summary.setWordWrap(True)  # a long summary wraps instead of widening the window
        presets = QHBoxLayout()
        presets.addWidget(self.presets_button)
        presets.addSpacing(12)
        presets.addWidget(self.summary, 1)

        self.note_row = SaturationNote(self.session)
        self.note, self.normalise_button = self.note_row.note, self.note_row.normalise_button

        self.filters = GalleryFilters(self)
        self.filters.changed.connect(self._filters_changed)
        self.only_mistakes, self.true_class = self.filters.only_mistakes, self.filters.true_class
        self.answered, self.order = self.filters.answered, self.filters.order
        self.clear_filters = self.filters.clear_filters
        filters = QHBoxLayout()
        for widget in (self.only_mistakes, self.true_class, self.answered):
            filters.addWidget(widget)
        filters.addStretch(1)

        self.grid = GalleryGrid()
        self.grid.clicked.connect(self.select)
        self.grid.capacity_changed.connect(self._fill_page)
        self.previous_button = QPushButton("◀")
        self.previous_button.setToolTip("Previous page (Page Up)")
        self.previous_button.clicked.connect(lambda: self.turn(-1))
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Next page (Page Down)")
        self.next_button.clicked.connect(lambda: self.turn(1))
        for button in (self.previous_button, self.next_button):
            button.setFixedWidth(36)
        self.page_label = QLabel()
        self.page_label.setObjectName("page_label")
        self.page_label.setWordWrap(True)  # "No test image passes …" wraps when narrow
        pages = QHBoxLayout()
        pages.addWidget(self.previous_button)
        pages.addWidget(self.next_button)
        pages.addWidget(self.page_label, 1)
        pages.addWidget(self.clear_filters)  # here, not with the filters: 1280 px windows
        pages.addWidget(self.order)
        gallery = QWidget()
        left = QVBoxLayout(gallery)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(filters)
        left.addWidget(self.grid, 1)
        left.addLayout(pages)

        self.panel = ProbabilityPanel(self.session)
        # The panel's `model.predict` questions go through the session (the token says whose).
        self.panel.predict_requested.connect(self.session.predict)
        self.session.predicted.connect(self.panel.show_predicted)
        self.confusion = ConfusionView()
        self.confusion.cell_chosen.connect(self.show_cell)
        self.confusion.true_class_chosen.connect(lambda c: self.show_cell(c, None))
        self.side = QTabWidget()
        self.side.addTab(self.panel, "Probabilities")
        self.side.addTab(self.confusion, "Confusion matrix")

        split = QSplitter(Qt.Horizontal)
        split.addWidget(gallery)
        split.addWidget(self.side)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([520, 480])
        self.split = split

        self.empty_note = placeholder_note(
            "Pick <b>MNIST digits</b> or <b>Fashion-MNIST</b> as the dataset (or a preset "
            "above) to see the test images, the probability of every class and the confusion "
            "matrix.", "images_empty_note")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_note)
        self.stack.addWidget(split)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(presets)
        layout.addWidget(self.note_row)
        layout.addWidget(self.stack, 1)

    # ----- a new model -----
    def start(self) -> None:
        if self._job is not None:
            self._job.cancel()
        self._job = None
        self._poll.stop()
        self._later.stop()
        self.predictions = None
        self.evaluated_weights = None
        self.selected = None
        self.first = 0
        self._pixmaps = {}
        self.note_row.hide()
        self.summary.clear()
        if not self.session.has_images:
            self.pixels = None
            self.shown = np.zeros(0, int)
            self.stack.setCurrentWidget(self.empty_note)
            return
        s = self.session
        self.stack.setCurrentWidget(self.split)
        self.pixels = image_eval.pixels(s.dataset.x_test, s.experiment.normalize)
        names = s.dataset.class_names
        self.filters.set_classes(names)
        self.confusion.set_classes(names)
        self.confusion.clear_counts()
        self.panel.clear()
        self._apply_filters()

    # ----- evaluating (on demand, in a thread of its own: gallery_answers.py) -----
    def _on_history(self) -> None:
        self._evaluate_if_needed()
        if self.isVisible() and self.selected is not None:
            self.panel.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._evaluate_if_needed()
        if self.selected is not None:
            self.panel.refresh()

    def _evaluate_if_needed(self) -> None:
        weights = self.session.history.latest_weights
        if not self.session.has_images or not weights or weights is self.evaluated_weights:
            return
        if self._job is not None or not self.isVisible():
            return  # a running job re-checks when it ends; showing the tab checks too
        wait = self._next_allowed - time.monotonic()
        if wait > 0:
            self._later.start(int(wait * 1000) + 1)
            return
        s = self.session
        self._job = AnswerJob(weights, s.activations, s.dataset.x_test, s.dataset.labels_test,
                              self.chunks).start()
        self._summary(computing=True)
        self._poll.start()

    def _check_job(self) -> None:
        job = self._job
        if job is None:
            self._poll.stop()
        elif job.finished:
            self._finish(job)
        else:
            self._summary(computing=True)

    def _finish(self, job: AnswerJob) -> None:
        self._poll.stop()
        self._job = None
        self._next_allowed = time.monotonic() + max(MIN_INTERVAL, COST_RATIO * job.seconds)
        if job.error:  # said once; these weights are not tried again
            self.evaluated_weights = job.weights
            self.summary.setText(f"Could not answer the test images: {job.error}")
            return
        self.predictions = job.predictions(self.session.dataset.n_classes)
        self.evaluated_weights = job.weights
        self.confusion.set_counts(self.predictions.confusion)
        self._summary()
        self._saturation_note()
        self._apply_filters(keep_page=True)
        self._evaluate_if_needed()  # newer weights may have come meanwhile

    # ----- text -----
    def _summary(self, computing: bool = False) -> None:
        p = self.predictions
        job = self._job
        progress = (f"answering {job.total:,} test images: {job.done_rows:,} done…"
                    if computing and job is not None else "")
        if p is None:
            self.summary.setText(progress.capitalize())
            return
        epoch = self.session.history.last_epoch
        text = (f"<b>Test</b> ({len(p):,} images, epoch {epoch:,}): loss "
                f"<b>{p.loss:.4f}</b> · accuracy <b>{100 * p.accuracy:.2f}%</b> · "
                f"{int((~p.correct).sum()):,} mistakes")
        if computing:
            text += " " + tone_span(f"({progress or 'updating…'})", "note")
        self.summary.setText(text)

    def _saturation_note(self) -> None:
        self.note_row.show_for(self.predictions, self.session.experiment.normalize)

    # ----- filters and pages -----
    def _filters_changed(self, *_args) -> None:
        self.first = 0
        self._apply_filters()

    def show_all(self) -> None:
        self.filters.show_all()

    def show_cell(self, true_class: int, answered: int | None) -> None:
        """Only the images of `true_class` that were answered `answered` (None: any)."""
        self.filters.show_cell(true_class, answered)

    def _apply_filters(self, keep_page: bool = False) -> None:
        if self.pixels is None:
            return
        self.shown = self.filters.passing(self.predictions, self.session.dataset.labels_test)
        if not keep_page or self.first >= len(self.shown):
            self.first = 0
        self._fill_page()

    def turn(self, pages: int) -> None:
        size = max(self.grid.capacity, 1)
        last = max(len(self.shown) - 1, 0) // size * size
        self.first = int(np.clip(self.first + pages * size, 0, last))
        self._fill_page()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.key() == Qt.Key_PageDown:
            self.turn(1)
        elif event.key() == Qt.Key_PageUp:
            self.turn(-1)
        else:
            super().keyPressEvent(event)

    def _fill_page(self) -> None:
        if self.pixels is None:
            return
        size = max(self.grid.capacity, 1)
        self.first = self.first // size * size
        page = self.shown[self.first:self.first + size]
        names = self.session.dataset.class_names
        p = self.predictions
        cells = []
        kept, self._pixmaps = self._pixmaps, {}  # only the page's pixmaps stay in memory
        for index in page:
            index = int(index)
            pixmap = kept.get(index)
            if pixmap is None:
                pixmap = image_pixmap(self.pixels[index], 1)  # the grid scales it up
            self._pixmaps[index] = pixmap
            truth = int(self.session.dataset.labels_test[index])
            if p is None:
                cells.append(Cell(index, pixmap, "", "", False,
                                  f"Test image #{index:,}: {names[truth]}"))
                continue
            answer = int(p.predicted[index])
            confidence = image_eval.percent(p.confidence[index])
            wrong = answer != truth
            tip = (f"Test image #{index:,}: true class {names[truth]}; answered "
                   f"{names[answer]} ({confidence})" + (" — wrong" if wrong else ""))
            cells.append(Cell(index, pixmap, short_name(names[answer]), confidence, wrong, tip))
        self.grid.set_cells(cells, two_lines=max(len(n) for n in names) > 2)
        self.grid.set_selected(self.selected)
        total = len(self.shown)
        pages = max(1, -(-total // size))
        if total:  # the page number in the tooltip: the line stays one line in a narrow tab
            text = f"{self.first + 1:,}–{self.first + len(page):,} of {total:,}"
            tip = f"Page {self.first // size + 1:,} of {pages:,} (Page Up / Page Down)"
        else:
            text, tip = "No test image passes these filters.", ""
        self.page_label.setText(text)
        self.page_label.setToolTip(tip)
        self.previous_button.setEnabled(self.first > 0)
        self.next_button.setEnabled(self.first + size < total)

    # ----- choosing an image -----
    def select(self, index: int) -> None:
        self.selected = int(index)
        self.grid.set_selected(self.selected)
        self.side.setCurrentWidget(self.panel)
        self.panel.show_image(self.selected)

