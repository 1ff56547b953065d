"""Run ▸ Sweep…: up to four settings and their values, a number of seeds, runs one after another.

The runs train in a thread of their own (`SweepThread`, the core's `run_sweep` generator, never
the GUI thread); Pause holds it between reports, Cancel closes the generator. Each finished run
lands in the Runs list; the results view shows mean ± spread over seeds, and clicking a setting
puts its settings in the form and ticks its runs, so their curves are drawn.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QSpinBox, QVBoxLayout)

from playground.core.training.sweep import (LAYER_AXES, Axis, Sweep, SweepError, SweepProgress,
                                            aggregate, best_metric, parse_axis, settings_text,
                                            sweepable)
from playground.ui.widgets.note import set_tone
from playground.ui.widgets.sweep_plots import SweepResultsView

NONE = "(none)"
#: Settings the dialog can vary at once (the command line takes any number of --vary).
MOST_SETTINGS = 4
#: Values offered when a setting is picked (the learning rate on a log grid).
SUGGESTED = {"learning_rate": "0.01|0.03|0.1|0.3|1", "hidden": "2|4|8|8,4",
             "batch_size": "1|8|32", "epochs": "10|100|500", "dropout": "0|0.2|0.5",
             "momentum": "0|0.5|0.9", "optimizer": "sgd|adam"}


class SweepThread(QThread):
    """Runs a sweep's points in turn; emits progress and each result (queued to the GUI)."""

    progress = Signal(object)
    result = Signal(object)
    #: "finished", "cancelled" or the error's message.
    ended = Signal(str)

    def __init__(self, points, name, parent=None):
        super().__init__(parent)
        self.points, self.name = points, name
        self.running = threading.Event()
        self.running.set()
        self.cancelled = False

    def run(self) -> None:
        from playground.core.training.sweep import run_sweep
        outcome = "finished"
        try:
            items = run_sweep(self.points, self.name)
            for item in items:
                self.running.wait()  # Pause: hold between reports
                if self.cancelled:
                    items.close()
                    outcome = "cancelled"
                    break
                (self.progress if isinstance(item, SweepProgress) else self.result).emit(item)
        except Exception as error:  # noqa: BLE001 (a failed run ends the sweep with its message)
            outcome = f"failed: {error}"
        self.ended.emit(outcome)

    def pause(self, paused: bool) -> None:
        (self.running.clear if paused else self.running.set)()

    def cancel(self) -> None:
        self.cancelled = True
        self.running.set()


class SweepDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setWindowTitle("Sweep")
        self.thread: SweepThread | None = None
        self.results = []
        self.uids: dict[int, int] = {}  # point index -> uid in the Runs list
        self.number = 0
        names = list(sweepable())
        names.remove("learning_rate")
        names.remove("hidden")
        self.fields, self.values = [], []
        form = QFormLayout()
        for i in range(MOST_SETTINGS):
            box = QComboBox()
            box.setObjectName(f"sweep_field_{i}")
            box.addItems(([] if i == 0 else [NONE]) + ["learning_rate", "hidden"] + names)
            box.setCurrentText("learning_rate" if i == 0 else NONE)
            box.setToolTip("The setting to vary; every other setting is the form's")
            values = QLineEdit(SUGGESTED["learning_rate"] if i == 0 else "")
            values.setObjectName(f"sweep_values_{i}")
            values.setPlaceholderText("values, e.g. 0.01|0.1|1 (hidden: 4|8,4)")
            values.setToolTip("Its values, separated by |; hidden layers as 4 or 8,4 "
                              "(none: no hidden layer)")
            box.currentTextChanged.connect(lambda text, v=values: v.setText(SUGGESTED.get(text,
                                                                                          "")))
            row = QHBoxLayout()
            row.addWidget(box)
            row.addWidget(values, 1)
            form.addRow(f"Setting {i + 1}:", row)
            self.fields.append(box)
            self.values.append(values)
        self.seeds = QSpinBox(minimum=1, maximum=100, value=2)
        self.seeds.setObjectName("sweep_seeds")
        self.seeds.setToolTip("Runs per setting, with seeds from the form's seed up: the "
                              "spread over them shows how much is luck")
        form.addRow("Seeds:", self.seeds)
        self.error = QLabel("")
        self.error.setObjectName("sweep_error")
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        self.start_button = QPushButton("Start")
        self.pause_button = QPushButton("Pause")
        self.cancel_button = QPushButton("Cancel")
        self.start_button.setToolTip("Train every setting × seed, one run after another")
        self.pause_button.setToolTip("Hold the sweep between reports; Resume goes on")
        self.cancel_button.setToolTip("Stop the sweep; finished runs stay in the Runs list")
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.status = QLabel(f"Choose one to {MOST_SETTINGS} settings; the others are the "
                             "form's.")
        buttons = QHBoxLayout()
        for widget in (self.start_button, self.pause_button, self.cancel_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.progress, 1)
        self.view = SweepResultsView()
        self.view.chosen.connect(self.load)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self.resize(760, 700)
        self._update_buttons()

    # ----- commands -----
    def sweep(self) -> Sweep:
        """The sweep the dialog describes on the form's experiment; `SweepError` if it cannot."""
        base = self.window.form.experiment
        if base is None:
            raise SweepError("the form has errors: fix them first (they are marked in red)")
        axes: list[Axis] = []
        for box, values in zip(self.fields, self.values):
            if box.currentText() != NONE:
                axes.append(parse_axis(f"{box.currentText()}={values.text()}"))
        return Sweep(base, tuple(axes), self.seeds.value())

    def start(self) -> bool:
        if self.thread is not None:
            return False
        try:
            sweep = self.sweep()
            points = sweep.points()
        except SweepError as error:
            self.error.setText(str(error))
            return False
        self.error.setText("")
        self.number += 1
        self.axes = [a.field for a in sweep.axes]
        self.results, self.uids = [], {}
        self.progress.setRange(0, len(points))
        self.progress.setValue(0)
        number = self.number
        self.thread = SweepThread(points, lambda p: f"Sweep {number}: "
                                  f"{settings_text(p.settings)} · seed {p.seed}", self)
        self.thread.progress.connect(self._on_progress)
        self.thread.result.connect(self._on_result)
        self.thread.ended.connect(self._on_ended)
        self.status.setText(f"Training {len(points)} runs, one after another…")
        self.thread.start()
        self._update_buttons()
        return True

    def toggle_pause(self) -> None:
        if self.thread is None:
            return
        paused = self.pause_button.text() == "Pause"
        self.thread.pause(paused)
        self.pause_button.setText("Resume" if paused else "Pause")
        self.status.setText("Paused between reports" if paused else "Training…")

    def cancel(self) -> None:
        if self.thread is not None:
            self.thread.cancel()
            self.status.setText("Cancelling: the run under way stops at its next report…")

    def load(self, row) -> None:
        """A setting was clicked: its first run's settings go to the form; its runs are ticked
        in the Runs list, so their curves are drawn."""
        first = row.results[0].record.experiment.replace(epochs=row.results[0].point
                                                         .experiment.epochs)
        self.window.apply_to_form({name: getattr(first, name)
                                   for name in first.__dataclass_fields__})
        runs = self.window.views.get("runs")
        for result in row.results:
            uid = self.uids.get(result.point.index)
            if runs is not None and uid is not None:
                runs.set_shown(uid, True)
        self.status.setText(f"Loaded {settings_text(row.settings)} into the form")

    # ----- from the thread -----
    def _on_progress(self, item: SweepProgress) -> None:
        self.progress.setValue(item.index)
        self.status.setText(f"Run {item.index + 1} of {item.total}: epoch {item.epoch} of "
                            f"{item.epochs}")

    def _on_result(self, result) -> None:
        self.results.append(result)
        runs = self.window.views.get("runs")
        if runs is not None:
            self.uids[result.point.index] = runs.add(result.record).uid
        self.progress.setValue(len(self.results))
        self.view.show_results(self.axes, aggregate(self.results, best_metric(self.results)))

    def _on_ended(self, outcome: str) -> None:
        thread, self.thread = self.thread, None
        if thread is not None:
            thread.wait()
            thread.deleteLater()
        done = len(self.results)
        self.status.setText({"finished": f"Done: {done} runs, each in the Runs list. Click a "
                                         "setting to load it.",
                             "cancelled": f"Cancelled after {done} runs"}.get(outcome, outcome))
        self.pause_button.setText("Pause")
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.thread is not None
        self.start_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running)

    def done(self, code: int) -> None:  # closing cancels a sweep under way (never waits)
        self.cancel()
        super().done(code)

    def shutdown(self) -> None:
        """The window closes: end the thread before Qt deletes it (at most one report)."""
        if self.thread is not None:
            self.thread.cancel()
            self.thread.wait()


__all__ = ["SweepDialog", "SweepThread", "LAYER_AXES"]
