"""The Runs tab: every finished run kept, compared in a table and overlaid on the charts.

A run is recorded when training ends (finished, stopped or diverged: `install_runs` connects
the window's `training_idle`), and also at epochs an example asks for (seed 003's 1, 5 and 500
epochs: `watch_milestones`). Ticked runs are drawn over the loss and accuracy charts of the
`TrainingCurves` view given to `attach`: dashed for training, dotted for validation (or test),
one colour per run, named in the legend. The records themselves are `core.runs` data, so the
list saves with the experiment: File ▸ Save writes `runs` into the file's runs.json, and
opening an experiment file puts its list in place with `set_runs` (ui/file_actions.py).
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from playground.core.teaching.examples import milestone_name
from playground.core.inspection.metrics import metric_label
from playground.core.training.runs import RunList, RunRecord, final_heading, model_key, record_run
from playground.ui.views.run_colours import colour_of, swatch
from playground.ui.widgets.note import set_tone

#: Reasons the worker goes idle that end a run worth keeping.
RECORDED_ENDS = ("finished", "stopped", "diverged")
#: The table's columns around the final numbers, which follow the runs' tasks (`RunList.columns`:
#: "Train acc." for classification; "Train MSE", "Train R²" ... for regression).
LEADING, TRAILING = ("Show", "Name", "Epochs"), ("Ended", "Settings")
COLUMN_TIPS = {
    "Show": "Tick to draw this run's curves over the charts above (dashed: training; dotted: "
            "validation or test), in the colour shown here",
    "Name": "Double-click to rename the run",
    "Epochs": "How many epochs the run trained",
    "Train loss": "Loss on the training rows after the last epoch",
    "Train acc.": "Accuracy on the training rows after the last epoch",
    "Val loss": "Loss on the validation rows (held out of training) after the last epoch",
    "Val acc.": "Accuracy on the validation rows after the last epoch",
    "Test loss": "Loss on the separate test rows: images are checked on the test set every "
                 "epoch; other data is scored from the final weights",
    "Test acc.": "Accuracy on the separate test rows",
    "Ended": "Finished, stopped by you, or diverged (the loss became NaN)",
    "Settings": "The settings that tell runs apart; 'Load settings' puts them all in the form",
}
PART_TIPS = {"train": "on the training rows", "val": "on the validation rows (held out of "
             "training)", "test": "on the separate test rows (checked every epoch where the "
             "run held out the test set; otherwise scored from the final weights)"}


def column_heading(name: str) -> str:
    """A final number's heading: "Train acc.", "Val loss", "Test R²"."""
    heading = final_heading(name)
    return heading[:1].upper() + heading[1:]


def column_tip(name: str) -> str:
    part, _, metric = name.partition("_") if name.startswith(("val_", "test_")) \
        else ("train", "", name)
    what = {"loss": "Loss", "accuracy": "Accuracy"}.get(metric) or metric_label(metric)
    return f"{what} {PART_TIPS[part]} after the last epoch"


NAME_COLUMN, SHOW_COLUMN = 1, 0


class RunsView(QWidget):
    title = "Runs"
    area = "bottom"

    #: The list changed (a run added, renamed, removed, ticked): e.g. mark the file modified.
    runs_changed = Signal()

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("runs_view")
        self.runs = RunList()
        self.curves_view = None
        self._overlay: list[tuple[object, object, str]] = []  # (PlotWidget, item, name)
        self._filling = False
        self._run_number = 0          # counts models built, to tell runs apart
        self._recorded: set[tuple[int, int]] = set()  # (run number, epoch) already kept
        self._watched = None          # experiment whose runs are kept at milestones
        self._milestones: tuple[int, ...] = ()

        self.note = QLabel("Every finished run is kept here. Tick runs to draw their curves "
                           "over the charts above (dashed: training, dotted: validation or "
                           "test); double-click a name to rename it.")
        self.note.setObjectName("runs_note")
        self.note.setWordWrap(True)
        set_tone(self.note, "note")  # readable light and dark

        self.table = QTableWidget(0, 0)
        self.table.setObjectName("runs_table")
        self.columns: tuple[str, ...] = ()
        self._set_columns()
        self.table.setToolTip("Finished runs and their final numbers. Tick a run to overlay "
                              "its curves; double-click a name to rename it; select runs and "
                              "press Delete to remove them.")
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked
                                   | QAbstractItemView.EditKeyPressed)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("runs_remove")
        self.remove_button.setToolTip("Remove the selected runs from the list (Delete)")
        self.remove_button.clicked.connect(self.remove_selected)
        self.load_button = QPushButton("Load settings")
        self.load_button.setObjectName("runs_load")
        self.load_button.setToolTip("Put the selected run's settings in the form: train it "
                                    "again, or change one thing and compare")
        self.load_button.clicked.connect(self.load_selected)
        self.copy_button = QPushButton("Copy table")
        self.copy_button.setObjectName("runs_copy")
        self.copy_button.setToolTip("Copy the table as tab-separated text, to paste into a "
                                    "spreadsheet or a note")
        self.copy_button.clicked.connect(self.copy_table)
        delete = QShortcut(QKeySequence.Delete, self.table)
        delete.setContext(Qt.WidgetShortcut)
        delete.activated.connect(self.remove_selected)

        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        for button in (self.load_button, self.copy_button, self.remove_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

        session.run_started.connect(self._on_run_started)
        session.history_changed.connect(self._check_milestones)
        self._update_buttons()

    # ----- wiring -----
    def attach(self, curves_view) -> None:
        """Overlay ticked runs on `curves_view`'s `loss_plot` and `metric_plot`."""
        self._clear_overlay()
        self.curves_view = curves_view
        self._draw_overlay()

    def on_training_idle(self, reason: str) -> None:
        """Connected to the window's `training_idle`: keep runs that ended.

        "stopped" also comes when a paused run is stopped (the window emits it itself; no
        report arrives after the pause): the record is then the run as it was paused, taken
        from the session's history, which holds every report up to the pause."""
        if reason in RECORDED_ENDS:
            self.record_current(reason)

    def watch_milestones(self, experiment, epochs) -> None:
        """Keep the runs of `experiment` (any epoch count) also at each of `epochs`."""
        self._watched = model_key(experiment) if experiment is not None else None
        self._milestones = tuple(sorted(int(e) for e in epochs)) if experiment else ()

    # ----- recording -----
    def record_current(self, status: str = "finished") -> RunRecord | None:
        """Keep the session's run as it is now; None when nothing was trained or it is kept."""
        history, experiment = self.session.history, self.session.experiment
        if experiment is None or history.last_epoch < 1:
            return None
        if (self._run_number, history.last_epoch) in self._recorded:
            return None  # already kept (a milestone, or stopped twice at the same epoch)
        record = record_run(self.runs.next_name(), experiment, history, self.session.dataset,
                            status=status, held_out=history.held_out or None)
        self._recorded.add((self._run_number, history.last_epoch))
        return self.add(record)

    def add(self, record: RunRecord) -> RunRecord:
        stored = self.runs.add(record)
        self._fill_table()
        if stored.shown:
            self._draw_overlay()
        self.runs_changed.emit()
        return stored

    def set_runs(self, runs: RunList) -> None:
        """Replace the whole list with `runs` (an opened experiment file's: the runs shown
        before go, they are not merged in); new runs are named on from its numbering."""
        self.runs = runs
        self._fill_table()
        self._draw_overlay()
        self.runs_changed.emit()

    def _on_run_started(self) -> None:
        self._run_number += 1
        experiment = self.session.experiment
        if self._watched is not None and (experiment is None
                                          or model_key(experiment) != self._watched):
            self.watch_milestones(None, ())

    def _check_milestones(self) -> None:
        if not self._milestones or self.session.experiment is None:
            return
        if model_key(self.session.experiment) != self._watched:
            return
        history = self.session.history
        for epoch in self._milestones:
            key = (self._run_number, epoch)
            if epoch > history.last_epoch or key in self._recorded:
                continue
            self._recorded.add(key)
            # What a training of exactly `epoch` epochs from the same start gives: finished.
            self.add(record_run(milestone_name(epoch), self.session.experiment, history,
                                self.session.dataset, status="finished", upto=epoch,
                                held_out=history.held_out or None))

    # ----- commands -----
    def selected_uids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.runs[row].uid for row in rows if row < len(self.runs)]

    def remove_selected(self) -> None:
        for uid in self.selected_uids():
            self.remove(uid)

    def remove(self, uid: int) -> None:
        self.runs.remove(uid)
        self._fill_table()
        self._draw_overlay()
        self.runs_changed.emit()

    def rename(self, uid: int, name: str) -> str:
        given = self.runs.rename(uid, name)
        self._fill_table()
        self._draw_overlay()
        self.runs_changed.emit()
        return given

    def set_shown(self, uid: int, shown: bool) -> None:
        self.runs.set_shown(uid, shown)
        self._fill_table()
        self._draw_overlay()
        self.runs_changed.emit()

    def load_selected(self) -> None:
        uids = self.selected_uids()
        if not uids:
            return
        experiment = self.runs.get(uids[0]).experiment
        self.session.request_experiment({name: getattr(experiment, name)
                                         for name in experiment.__dataclass_fields__})

    def copy_table(self) -> str:
        text = self.runs.comparison_text("\t")
        QGuiApplication.clipboard().setText(text)
        return text

    # ----- the table -----
    def _set_columns(self) -> None:
        """Headings for the runs' final numbers (they follow the tasks of the runs kept)."""
        names = self.runs.columns()
        headings = LEADING + tuple(column_heading(n) for n in names) + TRAILING
        if headings == self.columns:
            return
        self.columns = headings
        self.table.setColumnCount(len(headings))
        self.table.setHorizontalHeaderLabels(headings)
        tips = {column_heading(n): column_tip(n) for n in names}
        for column, heading in enumerate(headings):
            self.table.horizontalHeaderItem(column).setToolTip(
                COLUMN_TIPS.get(heading) or tips[heading])

    def _fill_table(self) -> None:
        self._filling = True
        self._set_columns()
        names = self.runs.columns()
        columns = self.columns
        rows = self.runs.comparison_rows()
        self.table.setRowCount(len(rows))
        for r, (record, row) in enumerate(zip(self.runs, rows)):
            show = QTableWidgetItem()
            show.setFlags(Qt.ItemIsUserCheckable | Qt.ItemIsEnabled | Qt.ItemIsSelectable)
            show.setCheckState(Qt.Checked if record.shown else Qt.Unchecked)
            show.setIcon(swatch(colour_of(record), self.devicePixelRatioF()))
            show.setToolTip(COLUMN_TIPS["Show"])
            self.table.setItem(r, SHOW_COLUMN, show)
            name = QTableWidgetItem(record.name)
            name.setToolTip(COLUMN_TIPS["Name"])
            self.table.setItem(r, NAME_COLUMN, name)
            cells = [row["epochs"]] + [row[n] for n in names] + [row["ended"],
                                                                 row["settings"]]
            for c, text in enumerate(cells, start=2):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                if c < len(columns) - 2:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                item.setToolTip(record.summary if c == len(columns) - 1
                                else self.table.horizontalHeaderItem(c).toolTip())
                self.table.setItem(r, c, item)
        self._filling = False
        self._update_buttons()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.row() >= len(self.runs):
            return
        record = self.runs[item.row()]
        if item.column() == SHOW_COLUMN:
            shown = item.checkState() == Qt.Checked
            if shown != record.shown:
                self.set_shown(record.uid, shown)
        elif item.column() == NAME_COLUMN and item.text() != record.name:
            self.rename(record.uid, item.text())

    def _update_buttons(self) -> None:
        selected = bool(self.table.selectionModel().selectedRows())
        self.remove_button.setEnabled(selected)
        self.load_button.setEnabled(selected)
        self.copy_button.setEnabled(len(self.runs) > 0)

    def values(self, column: str) -> list[str]:
        """The texts of one column, top to bottom (for tests)."""
        c = self.columns.index(column)
        return [self.table.item(r, c).text() for r in range(self.table.rowCount())]

    # ----- the overlay -----
    def _clear_overlay(self) -> None:
        for plot, item, _name in self._overlay:
            legend = plot.getPlotItem().legend
            if legend is not None:
                legend.removeItem(item)
            plot.removeItem(item)
        self._overlay = []

    def _draw_overlay(self) -> None:
        self._clear_overlay()
        view = self.curves_view
        if view is None:
            return
        for record in self.runs.shown():
            colour = colour_of(record)
            held = record.held_out
            epochs = record.curves.get("epoch")
            if epochs is None:
                continue
            for plot, metric in ((view.loss_plot, "loss"), (view.metric_plot, view.metric)):
                held_prefix = "test_" if held == "test" else "val_"
                for prefix, style, suffix in (("", Qt.DashLine, ""),
                                              (held_prefix, Qt.DotLine, f" ({held})")):
                    values = record.curves.get(prefix + metric)
                    if values is None:
                        continue
                    # Only the training curve joins the legend: a crowded legend hides the
                    # chart, and the dotted twin in the same colour explains itself.
                    item = plot.plot(epochs, values, pen=pg.mkPen(colour, width=2, style=style),
                                     name=None if suffix else record.name, connect="finite")
                    self._overlay.append((plot, item, record.name + suffix))
        view.loss_range.refit()  # the overlaid runs changed: span them and the current run
        view.loss_range.update(view.session.target_epoch)

    @property
    def overlay_names(self) -> list[str]:
        """Names of the drawn overlays in drawing order, "(validation)" / "(test)" for the
        dotted held-out curves (for tests)."""
        return [name for _plot, _item, name in self._overlay]

    @property
    def legend_names(self) -> list[str]:
        """The overlays' names in the charts' legends."""
        return [item.name() for _plot, item, _name in self._overlay if item.name()]


def install_runs(window) -> RunsView:
    """Record finished runs of `window` and overlay them on its curves (idempotent)."""
    view = window.views.get("runs")
    if view is None:  # not listed in VIEWS: add the tab here
        view = RunsView(window.session)
        window.views["runs"] = view
        window.tabs.addTab(view, view.title)
    if getattr(view, "_installed_in", None) is window:
        return view
    view._installed_in = window
    curves = window.views.get("curves")
    if curves is not None:
        view.attach(curves)
    window.training_idle.connect(view.on_training_idle)
    return view
