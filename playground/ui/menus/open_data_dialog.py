"""The import dialog of File ▸ Open Data… (see `open_data`): what the file looks like, what
to learn from it, and one line saying what will be imported or why not.

Imported only when a table is opened: pandas (under `core.data.table_reader`) then loads, not
at the window's start.
"""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QProgressBar, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from playground.core.data import registry as datasets
from playground.core.data import table_reader, tables
from playground.core.data.table_reader import (DECIMALS, DELIMITERS, ENCODINGS, Cancelled,
                                               ReadOptions, TableError)
from playground.core.experiment import Experiment
from playground.ui.widgets.note import clear_tone, set_tone

#: The experiment fields that spell each read option (tab is typed as a word).
_DELIMITER_FIELD = {",": ",", ";": ";", "\t": "tab", "|": "|"}
_POLL_MS = 50


class _Read:
    """One background read of the whole file: progress, Cancel, and its result."""

    def __init__(self, path: str, options: ReadOptions, experiment: Experiment):
        self.path, self.options, self.experiment = path, options, experiment
        self.progress = 0.0
        self.cancelled = False
        self.result: table_reader.Table | TableError | Cancelled | None = None
        self.thread = threading.Thread(target=self._run, name="table-read", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            table = table_reader.read_table(
                self.path, self.options, progress=self._progress,
                cancelled=lambda: self.cancelled)
            tables.remember(self.path, self.options, table)
            try:  # the rows of the columns as first chosen, here rather than in the GUI
                tables.prepared(self.experiment)
            except TableError:
                pass  # the dialog says why, once it asks in the GUI thread
            self.result = table  # last: the dialog goes on once this is set
        except (TableError, Cancelled) as error:
            self.result = error
        except Exception as error:  # noqa: BLE001 - shown in the dialog, never a traceback
            self.result = TableError(f"{Path(self.path).name}: cannot be read ({error})")

    def _progress(self, share: float) -> None:
        self.progress = share


class OpenDataDialog(QDialog):
    """Import a CSV table into the form; `experiment` holds what Import applies."""

    def __init__(self, window, path: str):
        super().__init__(window)
        self.window_ = window
        self.path = str(path)
        self.experiment: Experiment | None = None
        self.layout_: table_reader.Layout | None = None
        self._read: _Read | None = None
        self.setWindowTitle(f"Open Data – {Path(path).name}")
        self.resize(900, 640)
        self._build()
        self._poll = QTimer(self, interval=_POLL_MS, timeout=self._check_read)
        self.reload()

    # ----- building -----
    def _build(self) -> None:
        self.detected = QLabel()
        self.detected.setObjectName("detected")
        self.detected.setWordWrap(True)
        self.delimiter = self._override_combo({key: f"{word} ({key!r})" if key != "\t" else word
                                               for key, word in DELIMITERS.items()})
        self.decimal = self._override_combo({key: f"{word} ({key})"
                                             for key, word in DECIMALS.items()})
        self.encoding = self._override_combo(ENCODINGS)
        self.header = self._override_combo({"yes": "first row names the columns",
                                            "no": "no header row"})
        reading = QGroupBox("How the file is read")
        read_form = QFormLayout(reading)
        read_form.addRow(self.detected)
        for label, combo in (("Delimiter", self.delimiter), ("Decimal mark", self.decimal),
                             ("Encoding", self.encoding), ("Header row", self.header)):
            read_form.addRow(label, combo)
            combo.currentIndexChanged.connect(self.reload)

        self.preview = QTableWidget()
        self.preview.setObjectName("preview")
        self.preview.setEditTriggers(QTableWidget.NoEditTriggers)

        self.target = QComboBox()
        self.target.setObjectName("target")
        self.inputs = QListWidget()
        self.inputs.setObjectName("inputs")
        self.left_out = QLabel()
        self.left_out.setWordWrap(True)
        self.task = QComboBox()
        self.task.setObjectName("task")
        for text, value in (("detected", ""), ("classification", "classification"),
                            ("regression", "regression")):
            self.task.addItem(text, value)
        self.test_fraction = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=0.9,
                                            singleStep=0.05, value=0.2)
        self.standardize = QCheckBox("Standardise inputs (mean 0, spread 1 from the training "
                                     "rows)")
        self.standardize.setChecked(True)
        self.missing = QComboBox()
        for text, value in (("drop those rows (counted)", "drop"),
                            ("refuse the file", "refuse")):
            self.missing.addItem(text, value)
        columns = QGroupBox("What to learn")
        column_form = QFormLayout(columns)
        column_form.addRow("Target column", self.target)
        column_form.addRow("Input columns", self.inputs)
        column_form.addRow(self.left_out)
        column_form.addRow("Task", self.task)
        column_form.addRow("Test fraction", self.test_fraction)
        column_form.addRow(self.standardize)
        column_form.addRow("Rows with missing or unreadable cells", self.missing)
        self.target.currentIndexChanged.connect(self._on_target)
        self.inputs.itemChanged.connect(self._evaluate)
        for signal in (self.task.currentIndexChanged, self.test_fraction.valueChanged,
                       self.standardize.toggled, self.missing.currentIndexChanged):
            signal.connect(self._evaluate)

        self.progress = QProgressBar(maximum=1000)
        self.cancel_read = QPushButton("Cancel reading")
        self.cancel_read.clicked.connect(self._cancel)
        reading_row = QHBoxLayout()
        reading_row.addWidget(self.progress, 1)
        reading_row.addWidget(self.cancel_read)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.AcceptRole)
        self.import_button.setObjectName("import")
        self.buttons.accepted.connect(self._import)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(reading, 1)
        top.addWidget(columns, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel("The first rows, as they will be read:"))
        layout.addWidget(self.preview, 1)
        layout.addLayout(reading_row)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _override_combo(self, choices: dict[str, str]) -> QComboBox:
        combo = QComboBox()
        combo.addItem("detected", "")
        for value, text in choices.items():
            combo.addItem(text, value)
        return combo

    # ----- reading -----
    def options(self) -> ReadOptions:
        return ReadOptions(self.delimiter.currentData(), self.decimal.currentData(),
                           self.encoding.currentData(), self.header.currentData())

    def reload(self, *_args) -> None:
        """Detect the layout, show the preview, then read the whole file in the background."""
        self._cancel()
        self.experiment, self.layout_ = None, None
        self.import_button.setEnabled(False)
        try:
            self.layout_, preview = table_reader.sniff(self.path, self.options())
        except TableError as error:
            self._show_error(str(error))
            self.preview.clear()
            self.preview.setRowCount(0)
            self.progress.hide()
            self.cancel_read.hide()
            return
        self.detected.setText(f"Detected: {self.layout_.describe()}.")
        self._show_preview(preview)
        self._fill_columns()
        clear_tone(self.message)
        self.message.setText("Reading the file…")
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_read.show()
        self._read = _Read(self.path, self.options(), self._candidate())
        self._poll.start()

    def _check_read(self) -> None:
        read = self._read
        if read is None:
            self._poll.stop()
            return
        self.progress.setValue(int(read.progress * 1000))
        if read.result is None:
            return
        self._poll.stop()
        self._read = None
        self.progress.hide()
        self.cancel_read.hide()
        if isinstance(read.result, Cancelled):
            self._show_error("Reading was cancelled: nothing imported.")
        elif isinstance(read.result, TableError):
            self._show_error(str(read.result))
        else:
            self._evaluate()

    def _cancel(self) -> None:
        if self._read is not None:
            self._read.cancelled = True
            self._read.thread.join(timeout=5)
            self._read = None
            self._poll.stop()
            self._show_error("Reading was cancelled: nothing imported.")

    def reading(self) -> bool:
        return self._read is not None

    # ----- showing -----
    def _show_preview(self, preview) -> None:
        self.preview.clear()
        self.preview.setColumnCount(preview.shape[1])
        self.preview.setRowCount(preview.shape[0])
        kinds = dict(zip(self.layout_.columns, self.layout_.kinds))
        self.preview.setHorizontalHeaderLabels(
            [f"{name}\n({kinds[name]})" for name in preview.columns])
        for r, row in enumerate(preview.itertuples(index=False)):
            for c, cell in enumerate(row):
                self.preview.setItem(r, c, QTableWidgetItem(str(cell)))

    def _fill_columns(self) -> None:
        layout = self.layout_
        self.target.blockSignals(True)
        self.target.clear()
        for name in layout.columns:
            self.target.addItem(name, name)
        self.target.setCurrentIndex(layout.columns.index(tables.default_target(layout)))
        self.target.blockSignals(False)
        self._fill_inputs()

    def _fill_inputs(self) -> None:
        layout, target = self.layout_, self.target.currentData()
        self.inputs.blockSignals(True)
        self.inputs.clear()
        texts = []
        for name, kind in zip(layout.columns, layout.kinds):
            if name == target:
                continue
            item = QListWidgetItem(f"{name}  ({kind})")
            item.setData(Qt.UserRole, name)
            if kind in ("text", "empty"):
                item.setFlags(item.flags() & ~Qt.ItemIsUserCheckable & ~Qt.ItemIsEnabled)
                texts.append(f"{name} ({kind})")
            else:
                item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
                item.setCheckState(Qt.Checked)
            self.inputs.addItem(item)
        self.inputs.blockSignals(False)
        self.left_out.setText(f"Left out (not numbers): {', '.join(texts)}" if texts else "")

    def _on_target(self) -> None:
        if self.layout_ is not None:
            self._fill_inputs()
            self._evaluate()

    def _show_error(self, text: str) -> None:
        self.experiment = None
        self.import_button.setEnabled(False)
        set_tone(self.message, "error")
        self.message.setText(text)

    def chosen_inputs(self) -> list[str]:
        return [self.inputs.item(i).data(Qt.UserRole) for i in range(self.inputs.count())
                if self.inputs.item(i).checkState() == Qt.Checked]

    # ----- deciding -----
    def _evaluate(self, *_args) -> None:
        """Build the experiment Import would apply, or say why there is none."""
        if self.layout_ is None or self.reading():
            return
        if not self.chosen_inputs():
            self._show_error("Tick at least one input column.")
            return
        base = self.window_.form.experiment or Experiment()
        experiment = self._candidate()
        experiment = experiment.replace(**datasets.follow("csv", experiment.loss,
                                                          base.dataset, experiment))
        rows = datasets.get("csv").train_rows(experiment)
        if rows and experiment.batch_size > rows:
            experiment = experiment.replace(batch_size=rows)
        errors = [e for e in experiment.validate() if e.field not in ("layers",)]
        if errors:
            self._show_error(errors[0].message)
            return
        self.experiment = experiment
        clear_tone(self.message)
        self.message.setText(_summary(experiment))
        self.import_button.setEnabled(True)

    def _candidate(self) -> Experiment:
        """The form's experiment on this table with the dialog's choices."""
        options = self.options()
        base = self.window_.form.experiment or Experiment()
        return base.replace(
            dataset="csv", csv=self.path, target=self.target.currentData(),
            input_columns=",".join(self.chosen_inputs()), table_task=self.task.currentData(),
            test_fraction=round(self.test_fraction.value(), 4),
            standardize=self.standardize.isChecked(), missing=self.missing.currentData(),
            csv_delimiter=_DELIMITER_FIELD.get(options.delimiter, ""),
            csv_decimal=options.decimal, csv_encoding=options.encoding,
            csv_header=options.header)

    def _import(self) -> None:
        if self.experiment is None:
            return
        self.window_.form.set_experiment(self.experiment)
        self.accept()

    def done(self, result: int) -> None:
        self._cancel()  # closing the dialog stops a read
        super().done(result)


def _summary(experiment: Experiment) -> str:
    rows = tables.prepared(experiment)
    task = (f"{len(rows.class_names)} classes: {', '.join(rows.class_names[:8])}"
            f"{'…' if len(rows.class_names) > 8 else ''}" if rows.class_names
            else "regression: a number to predict")
    inputs = f"{len(rows.inputs)} input{'s' if len(rows.inputs) != 1 else ''}"
    text = (f"{len(rows.labels):,} rows, {inputs}, target "
            f"'{rows.target}' ({task}).")
    if rows.dropped:
        lines = ", ".join(str(n) for n in rows.dropped_lines)
        more = ", …" if rows.dropped > len(rows.dropped_lines) else ""
        text += f" {rows.dropped:,} rows with missing or unreadable cells dropped (lines " \
                f"{lines}{more})."
    return text
