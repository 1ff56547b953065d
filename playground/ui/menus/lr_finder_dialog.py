"""Run ▸ Find learning rate: the range test on the form's experiment, plotted on a log axis,
with the suggested rate one click from the form.

The test (core/training/lr_finder.py) runs in a thread of its own on a fresh model of the form's
settings: the window's model is not touched.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout


class FinderThread(QThread):
    progress = Signal(int, int)
    #: The `FinderResult`, or None when it failed (then `failed` says why).
    finished_test = Signal(object)
    failed = Signal(str)

    def __init__(self, experiment, parent=None):
        super().__init__(parent)
        self.experiment = experiment
        self.cancelled = False

    def run(self) -> None:
        from playground.core.training import lr_finder

        def step(done, total):
            self.progress.emit(done, total)
            return not self.cancelled

        try:
            self.finished_test.emit(lr_finder.find(self.experiment, on_step=step))
        except Exception as error:  # noqa: BLE001 (shown beside the plot, never a traceback)
            self.failed.emit(str(error))


class LearningRateDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setWindowTitle("Find learning rate")
        self.thread: FinderThread | None = None
        self.result = None
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("lr_plot")
        self.plot.setLogMode(x=True, y=False)
        self.plot.setLabel("bottom", "learning rate")
        self.plot.setLabel("left", "loss (smoothed)")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.raw = self.plot.plot(pen=pg.mkPen("#bbbbbb"))
        self.curve = self.plot.plot(pen=pg.mkPen("#1f77b4", width=2))
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen("#d62728", width=2))
        self.marker.setVisible(False)
        self.plot.addItem(self.marker)
        self.status = QLabel("The learning rate grows exponentially over one short run; where "
                             "the loss falls fastest is a good rate to train at.")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.run_button = QPushButton("Run the test")
        self.run_button.setToolTip("Run the range test again on the form's settings")
        self.run_button.clicked.connect(self.start)
        self.use_button = QPushButton("Use in the form")
        self.use_button.setObjectName("lr_use")
        self.use_button.setToolTip("Put the suggested learning rate in the form")
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self.use)
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self.resize(640, 460)

    def start(self) -> bool:
        if self.thread is not None:
            return False
        experiment = self.window.form.experiment
        if experiment is None:
            self.status.setText("The form has errors: fix them first (they are marked in red).")
            return False
        self.result = None
        self.use_button.setEnabled(False)
        self.marker.setVisible(False)
        self.thread = FinderThread(experiment, self)
        self.thread.progress.connect(lambda done, total: (self.progress.setRange(0, total),
                                                          self.progress.setValue(done)))
        self.thread.finished_test.connect(self._show)
        self.thread.failed.connect(self._failed)
        self.thread.finished.connect(self._thread_done)
        self.run_button.setEnabled(False)
        self.status.setText("Running the range test on a fresh model of the form's settings…")
        self.thread.start()
        return True

    def use(self) -> None:
        if self.result is not None and math.isfinite(self.result.suggested):
            self.window.apply_to_form({"learning_rate": float(f"{self.result.suggested:.3g}")})
            self.status.setText(f"Learning rate {self.result.suggested:.3g} is in the form.")

    def _show(self, result) -> None:
        self.result = result
        self.raw.setData(result.learning_rates, result.raw_losses)
        self.curve.setData(result.learning_rates, result.losses)
        self.progress.setValue(self.progress.maximum())
        finite = result.losses[np.isfinite(result.losses)]
        if finite.size:  # the loss before it explodes, not the explosion, fills the height
            low, start = float(finite.min()), float(finite[0])
            self.plot.setYRange(low - 0.05 * abs(low), max(start * 1.5, low + 1e-3))
        if math.isfinite(result.suggested):
            self.marker.setValue(np.log10(result.suggested))  # the axis is log10 of the rate
            self.marker.setVisible(True)
            self.use_button.setText(f"Use {result.suggested:.3g} in the form")
            self.use_button.setEnabled(True)
            self.status.setText(f"Suggested: {result.suggested:.3g} (the loss falls fastest "
                                f"there; the test {result.ended} after "
                                f"{len(result.losses)} steps).")
        else:
            self.status.setText("The loss never fell over the range 1e-5 to 10: check the "
                                "data and network.")

    def _failed(self, message: str) -> None:
        self.status.setText(f"The test failed: {message}")

    def _thread_done(self) -> None:
        thread, self.thread = self.thread, None
        if thread is not None:
            thread.deleteLater()
        self.run_button.setEnabled(True)

    def done(self, code: int) -> None:  # closing stops a test under way at its next step
        if self.thread is not None:
            self.thread.cancelled = True
        super().done(code)

    def shutdown(self) -> None:
        if self.thread is not None:
            self.thread.cancelled = True
            self.thread.wait()
