"""The experiment form. It edits an `Experiment` and nothing else: every keystroke re-parses the
fields with the same `FIELDS` table the command line uses, and each error appears under the field
that caused it. The form never trains and never reads the run."""
from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit,
                               QMenu, QVBoxLayout, QWidget)

from playground.core.data import registry as datasets
from playground.core.experiment import (FIELDS, INITIALISERS, LOSSES, OPTIMIZERS, Experiment,
                                        FieldError)
from playground.core.losses import fitting_outputs
from playground.ui.form.feature_boxes import FeatureBoxes
from playground.ui.form.field_tips import TOOLTIPS
from playground.ui.form.layer_table import LayerTable
from playground.ui.widgets.note import set_tone, tone_colour

LEARNING_RATES = ("0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "0.5", "1", "3")

#: Initial weights: Experiment.init -> what the form shows.
INIT_LABELS = {"glorot": "Glorot uniform", "he": "He normal", "small": "Small random",
               "zeros": "Zeros"}


class FieldRow(QWidget):
    """An editor with its error message directly beneath it."""

    def __init__(self, editor: QWidget, name: str):
        super().__init__()
        self.editor = editor
        self.error = QLabel()
        self.error.setObjectName(f"{name}_error")
        self.error.setWordWrap(True)
        set_tone(self.error, "error")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(editor)
        layout.addWidget(self.error)

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.editor.setStyleSheet(f"border: 1px solid {tone_colour('error').name()};"
                                  if message else "")


class ExperimentForm(QWidget):
    """Emits `changed` after every edit; `experiment` is None while any field is invalid."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.experiment: Experiment | None = Experiment()
        self.errors: list[FieldError] = []
        self.rows: dict[str, FieldRow] = {}
        self._loading = False
        self._dataset_key = ""  # the dataset shown before a change, for `datasets.follow`

        self.dataset = QComboBox()
        for key in datasets.names():
            self.dataset.addItem(datasets.get(key).label, key)
        self.layers = LayerTable()
        self.loss = QComboBox()
        for key, spec in LOSSES.items():
            self.loss.addItem(spec.label, key)
        self.output_activation = QComboBox()
        self.optimizer = QComboBox()
        for key, label in OPTIMIZERS.items():
            self.optimizer.addItem(label, key)
        self.learning_rate = QComboBox()
        self.learning_rate.setEditable(True)
        self.learning_rate.addItems(LEARNING_RATES)
        self.features = FeatureBoxes()
        self.init = QComboBox()
        for key in INITIALISERS:
            self.init.addItem(INIT_LABELS.get(key, key), key)
        self.texts: dict[str, QLineEdit] = {}
        self.checks: dict[str, QCheckBox] = {}

        data_box = QGroupBox("Data")
        self.data_form = QFormLayout(data_box)
        self._add_row(self.data_form, "dataset", self.dataset)
        self.option_names = [name for name in FIELDS if name in _dataset_option_names()]
        for name in self.option_names:
            self._add_row(self.data_form, name, self._scalar_editor(name))
        self._add_row(self.data_form, "validation_split", self._scalar_editor("validation_split"))
        self._add_row(self.data_form, "features", self.features)

        net_box = QGroupBox("Network")
        net_form = QFormLayout(net_box)
        net_form.addRow(QLabel("Hidden layers"))
        net_form.addRow(self.layers)
        self._add_row(net_form, "output_activation", self.output_activation)
        self._add_row(net_form, "loss", self.loss)
        self._add_row(net_form, "init", self.init)

        train_box = QGroupBox("Training")
        self.train_form = QFormLayout(train_box)
        self._add_row(self.train_form, "optimizer", self.optimizer)
        self._add_row(self.train_form, "learning_rate", self.learning_rate)
        for name in ("momentum", "epochs", "batch_size", "seed", "l1", "l2"):
            self._add_row(self.train_form, name, self._scalar_editor(name))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        for box in (data_box, net_box, train_box):
            layout.addWidget(box)
        layout.addStretch(1)

        self.dataset.currentIndexChanged.connect(self._on_dataset_changed)
        self.loss.currentIndexChanged.connect(self._on_loss_changed)
        self.output_activation.currentIndexChanged.connect(self._on_edit)
        self.optimizer.currentIndexChanged.connect(self._on_edit)
        self.learning_rate.editTextChanged.connect(self._on_edit)
        self.layers.changed.connect(self._on_edit)
        self.features.changed.connect(self._on_edit)
        self.init.currentIndexChanged.connect(self._on_edit)
        self.texts["classes"].textChanged.connect(self._on_classes_changed)
        self._chained_rows = -1  # layer rows when the Tab order was last set
        #: Widgets Tab visits after the form's last field (the window's Train, Pause…).
        self.tab_tail: list[QWidget] = []
        self.set_experiment(Experiment())

    # ----- public -----
    def set_experiment(self, experiment: Experiment) -> None:
        """Fill every field from `experiment` (an example, a file, the last session)."""
        self._loading = True
        # Settings with no field here yet (issue 16: set by the command line or a file) are
        # kept as they came, not reset by the next edit.
        self._kept = {name: getattr(experiment, name) for name in NOT_IN_FORM}
        self.dataset.setCurrentIndex(max(self.dataset.findData(experiment.dataset), 0))
        self._dataset_key = self.dataset.currentData()  # no signal when it was already shown
        self.loss.setCurrentIndex(self.loss.findData(experiment.loss))
        self.optimizer.setCurrentIndex(self.optimizer.findData(experiment.optimizer))
        self.learning_rate.setEditText(f"{experiment.learning_rate:g}")
        self.features.set_text(experiment.features)
        self.init.setCurrentIndex(max(self.init.findData(experiment.init), 0))
        for name, edit in self.texts.items():
            edit.setText(_format(getattr(experiment, name)))
        for name, box in self.checks.items():
            box.setChecked(bool(getattr(experiment, name)))
        # After the options: a table's task (so its outputs) comes from its file and columns.
        self._fill_outputs(experiment.loss, experiment.output_activation)
        self.layers.set_layers(experiment.layers)
        self._loading = False
        self._on_edit()

    def reading_order(self) -> list[QWidget]:
        """Every field top to bottom, in the order Tab visits them (hidden ones are skipped):
        data, layers, output and loss, then training."""
        editor = {name: row.editor for name, row in self.rows.items()}
        return ([self.dataset] + [editor[name] for name in self.option_names]
                + [editor["validation_split"]] + list(self.features.boxes.values())
                + self.layers.tab_stops()
                + [editor[name] for name in ("output_activation", "loss", "init", "optimizer",
                                             "learning_rate", "momentum", "epochs",
                                             "batch_size", "seed", "l1", "l2")])

    def chain_tab_order(self, force: bool = False) -> None:
        """Tab follows the page, not the order the widgets were made in (the layer table's
        combos are made with their rows)."""
        rows = self.layers.table.rowCount()
        if rows == self._chained_rows and not force:
            return
        self._chained_rows = rows
        order = self.reading_order() + self.tab_tail
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)

    def field_error(self, name: str) -> str:
        """The message shown under field `name` ("" when none); for tests and hints."""
        row = self.rows.get(name)
        return row.error.text() if row and row.error.isVisible() else ""

    # ----- building rows -----
    def _add_row(self, form: QFormLayout, name: str, editor: QWidget) -> None:
        editor.setObjectName(name)
        tip = TOOLTIPS[name]  # every field has one: a KeyError here is a missing tooltip
        editor.setToolTip(tip)
        row = FieldRow(editor, name)
        self.rows[name] = row
        label = QLabel(FIELDS[name].label)
        label.setToolTip(tip)  # hovering the label explains the field too
        form.addRow(label, row)

    def _scalar_editor(self, name: str) -> QWidget:
        if FIELDS[name].kind is bool:
            box = QCheckBox()
            box.toggled.connect(self._on_edit)
            self.checks[name] = box
            return box
        edit = QLineEdit()
        edit.textChanged.connect(self._on_edit)
        self.texts[name] = edit
        if name in SIZE_CHOICES:
            _offer_sizes(edit, *SIZE_CHOICES[name])
        return edit

    def _task(self) -> str:
        key = self.dataset.currentData()
        return datasets.get(key).task_of(self._chosen(key))

    def _fill_outputs(self, loss: str, current: str) -> None:
        """The outputs that fit `loss` on the chosen data (a regression: linear only)."""
        self.output_activation.blockSignals(True)
        self.output_activation.clear()
        for name in fitting_outputs(loss, self._task()):
            self.output_activation.addItem(name, name)
        index = self.output_activation.findData(current)
        self.output_activation.setCurrentIndex(max(index, 0))
        self.output_activation.blockSignals(False)

    # ----- reacting to edits -----
    def _on_dataset_changed(self) -> None:
        key = self.dataset.currentData()
        before, self._dataset_key = self._dataset_key, key
        if not self._loading:  # a file or an example brings its own settings
            self._apply(datasets.follow(key, self.loss.currentData(), before,
                                        self._chosen(key)))
            self._fill_outputs(self.loss.currentData(),
                               self.output_activation.currentData() or "")
        self._on_edit()

    def _on_classes_changed(self) -> None:
        """Two classes take one output neuron, more a softmax: the loss follows the count."""
        key = self.dataset.currentData()
        if self._loading or "classes" not in datasets.get(key).options:
            return
        changes = datasets.follow(key, self.loss.currentData(), key, self._chosen(key))
        if changes:
            self._apply(changes)
            self._on_edit()

    def _chosen(self, key: str) -> Experiment:
        """The settings that decide which losses fit `key`'s data (its class count; a
        table's file and columns): its options, where they read."""
        values = {}
        for name in datasets.get(key).options:
            if name in self.checks:
                values[name] = self.checks[name].isChecked()
                continue
            value, message = FIELDS[name].parse(self.texts[name].text())
            if not message:
                values[name] = value
        return Experiment(dataset=key, **values)

    def _apply(self, changes: dict) -> None:
        """Show `changes` (Experiment field -> value) in the fields, without re-reading the
        form after each one: the caller does that once."""
        loading, self._loading = self._loading, True
        if "loss" in changes:
            self.loss.setCurrentIndex(self.loss.findData(changes["loss"]))
            self._fill_outputs(changes["loss"], changes.get("output_activation", ""))
        for name, value in changes.items():
            if name in self.texts:
                self.texts[name].setText(_format(value))
        self._loading = loading

    def _on_loss_changed(self) -> None:
        loss = self.loss.currentData()
        self._fill_outputs(loss, self.output_activation.currentData() or "")
        self._on_edit()

    def _on_edit(self, *_args) -> None:
        if self._loading:
            return
        spec = datasets.get(self.dataset.currentData())
        for name in self.option_names:
            self.data_form.setRowVisible(self.rows[name], name in spec.options)
        # Engineered features are computed from x1, x2: not for images or a table's columns.
        self.data_form.setRowVisible(self.rows["features"], not spec.images and spec.key != "csv")
        sgd = self.optimizer.currentData() == "sgd"
        self.train_form.setRowVisible(self.rows["momentum"], sgd)
        # Image data: layer kinds, and each layer's shape and parameters (28×28 digits/clothes).
        self.layers.set_data((28, 28) if spec.images else (), 784 if spec.images else 0,
                             spec.classes(Experiment(dataset=spec.key)) if spec.images else 0)
        self.experiment, self.errors = self._read()
        shown = {e.field: e.message for e in self.errors}
        for name, row in self.rows.items():
            row.set_error(shown.get(name, ""))
        self.layers.show_errors(self.errors)
        self.chain_tab_order()
        self.changed.emit()

    def _read(self) -> tuple[Experiment | None, list[FieldError]]:
        values, errors = {}, []
        shown = datasets.get(self.dataset.currentData()).options
        for name, edit in self.texts.items():
            value, message = FIELDS[name].parse(edit.text())
            if message and name in self.option_names and name not in shown:
                value, message = getattr(Experiment(), name), ""  # hidden: another dataset's
            if message:
                errors.append(FieldError(name, message))
            values[name] = value
        for name, box in self.checks.items():
            values[name] = box.isChecked()
        values["features"] = self.features.text()
        values["init"] = self.init.currentData()
        lr, message = FIELDS["learning_rate"].parse(self.learning_rate.currentText())
        if message:
            errors.append(FieldError("learning_rate", message))
        layers, layer_errors = self.layers.layers()
        errors.extend(layer_errors)
        if errors:
            return None, errors
        loss = self.loss.currentData()
        output = self.output_activation.currentData() or ""
        experiment = Experiment(
            dataset=self.dataset.currentData(), layers=layers, loss=loss,
            # Store "" for the loss's natural output, so JSON and code stay minimal.
            output_activation="" if output == fitting_outputs(loss, self._task())[0] else output,
            optimizer=self.optimizer.currentData(), learning_rate=lr,
            **{**getattr(self, "_kept", {}), **values})
        errors = experiment.validate()
        return (None if errors else experiment), errors


#: Experiment fields the form has no editor for yet; it keeps what it was given (none now).
NOT_IN_FORM = ()


def _dataset_option_names() -> set[str]:
    return {name for key in datasets.names() for name in datasets.get(key).options}


#: Image counts offered as choices (0: all of them; any other number can still be typed).
SIZE_CHOICES = {"train_size": (60_000, (0, 10_000, 1_000, 100)),
                "test_size": (10_000, (0, 2_000, 1_000, 100))}


def _offer_sizes(edit: QLineEdit, total: int, sizes: tuple[int, ...]) -> QMenu:
    """A ▾ button in `edit` listing `sizes` ("All 60,000" for 0): "0" alone said nothing."""
    menu = QMenu(edit)
    menu.setObjectName("size_choices")
    for size in sizes:
        action = menu.addAction(f"All {total:,}" if size == 0 else f"{size:,}")
        action.triggered.connect(lambda _=False, size=size: edit.setText(str(size)))
    button = edit.addAction(chevron_icon(), QLineEdit.TrailingPosition)
    button.setToolTip(f"Choose how many: all {total:,} or fewer (quicker epochs)")
    button.triggered.connect(lambda: menu.popup(edit.mapToGlobal(edit.rect().bottomRight())))
    edit.size_menu = menu
    return menu


def chevron_icon() -> QIcon:
    """A small grey ▾ drawn at 1×, 2× and 3×: sharp at any screen scale, and light enough for
    both themes (the style's own arrow was a heavy black triangle)."""
    icon = QIcon()
    for ratio in (1, 2, 3):
        pixmap = QPixmap(16 * ratio, 16 * ratio)
        pixmap.setDevicePixelRatio(ratio)  # painted in logical pixels, stored in device ones
        pixmap.fill(Qt.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.Antialiasing)
        pen = QPen(QColor("#808080"), 1.6)
        pen.setCapStyle(Qt.RoundCap)
        pen.setJoinStyle(Qt.RoundJoin)
        painter.setPen(pen)
        painter.drawPolyline([QPointF(4.5, 6.5), QPointF(8, 10), QPointF(11.5, 6.5)])
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
