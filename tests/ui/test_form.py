"""The experiment form: settings that follow the dataset, and a tooltip on every field."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel

from playground.core.teaching.examples import MNIST_MLP, SUM_THRESHOLD
from playground.core.experiment import FIELDS
from playground.ui.form.experiment_form import ExperimentForm


def _form(qtbot) -> ExperimentForm:
    form = ExperimentForm()
    qtbot.addWidget(form)
    return form


def _pick(form: ExperimentForm, key: str) -> None:
    form.dataset.setCurrentIndex(form.dataset.findData(key))


def test_picking_images_switches_to_a_loss_that_fits_and_back(qtbot):
    form = _form(qtbot)
    emitted = []
    form.changed.connect(lambda: emitted.append(form.experiment))
    _pick(form, "mnist")
    assert len(emitted) == 1  # one change, re-read once, not once per field it set
    mnist = form.experiment
    assert mnist is not None and form.field_error("loss") == ""
    assert (mnist.loss, mnist.output) == ("sparse-categorical", "softmax")
    assert (mnist.epochs, mnist.batch_size) == (5, 32)  # not XOR's batch 1 for 500 epochs
    assert form.output_activation.currentData() == "softmax"

    _pick(form, "xor")
    xor = form.experiment
    assert xor is not None and form.field_error("batch_size") == ""
    assert (xor.loss, xor.output, xor.batch_size, xor.epochs) == ("bce", "sigmoid", 1, 500)


def test_a_fitting_loss_and_the_users_counts_stay_within_a_kind(qtbot):
    form = _form(qtbot)
    form.loss.setCurrentIndex(form.loss.findData("hinge"))
    form.texts["epochs"].setText("42")
    _pick(form, "and")
    assert (form.experiment.loss, form.experiment.epochs) == ("hinge", 42)
    _pick(form, "sum-threshold")  # another kind: hinge still fits, the counts follow
    assert (form.experiment.loss, form.experiment.epochs) == ("hinge", 150)


def test_sum_threshold_holds_out_a_fifth_and_a_gate_nothing(qtbot):
    form = _form(qtbot)
    assert form.experiment.validation_split == 0.0
    _pick(form, "sum-threshold")
    assert form.texts["validation_split"].text() == "0.2"
    assert form.experiment.validation_split == 0.2
    _pick(form, "or")
    assert form.experiment.validation_split == 0.0 and form.experiment.dataset == "or"


def test_gaussian_blobs_take_a_softmax_and_the_loss_follows_the_class_count(qtbot):
    form = _form(qtbot)
    form.show()  # errors show under visible fields
    _pick(form, "gaussians")
    blobs = form.experiment
    assert (blobs.loss, blobs.output, blobs.classes) == ("sparse-categorical", "softmax", 3)
    assert form.rows["classes"].isVisibleTo(form) and form.rows["noise"].isVisibleTo(form)
    assert not form.rows["threshold"].isVisibleTo(form)
    form.texts["classes"].setText("2")  # two classes: one output neuron
    assert (form.experiment.loss, form.experiment.output) == ("bce", "sigmoid")
    form.texts["classes"].setText("5")
    assert (form.experiment.loss, form.experiment.classes) == ("sparse-categorical", 5)
    form.texts["classes"].setText("9")
    assert form.experiment is None and "at most 6" in form.field_error("classes")


def test_the_sine_offers_only_a_linear_output(qtbot):
    form = _form(qtbot)
    form.show()  # errors show under visible fields
    form.loss.setCurrentIndex(form.loss.findData("mse"))
    form.output_activation.setCurrentIndex(form.output_activation.findData("sigmoid"))
    _pick(form, "sine")
    sine = form.experiment
    assert (sine.loss, sine.output, sine.output_activation) == ("mse", "linear", "")
    items = [form.output_activation.itemData(i) for i in range(form.output_activation.count())]
    assert items == ["linear"]
    form.loss.setCurrentIndex(form.loss.findData("huber"))
    assert form.experiment.loss == "huber"
    form.loss.setCurrentIndex(form.loss.findData("bce"))
    assert form.experiment is None and "regression" in form.field_error("loss")
    _pick(form, "xor")  # back to classes: a loss that fits, and its outputs again
    assert (form.experiment.loss, form.experiment.output) == ("bce", "sigmoid")


def test_loading_an_experiment_keeps_its_own_settings(qtbot):
    form = _form(qtbot)
    form.set_experiment(MNIST_MLP)
    assert form.experiment == MNIST_MLP  # categorical, batch 128, 20 epochs: not the defaults
    _pick(form, "fashion-mnist")  # the same kind of data: only the dataset changes
    assert form.experiment == MNIST_MLP.replace(dataset="fashion-mnist")
    unsplit = SUM_THRESHOLD.replace(validation_split=0.0)
    form.set_experiment(unsplit)
    assert form.experiment == unsplit


def test_every_field_and_its_label_share_one_tooltip(qtbot):
    form = _form(qtbot)
    labels = {label.text(): label.toolTip() for label in form.findChildren(QLabel)}
    for name, row in form.rows.items():
        assert row.editor.toolTip(), name
        assert labels[FIELDS[name].label] == row.editor.toolTip(), name
    assert "60,000" in form.texts["train_size"].toolTip()
    assert "0 = all" in form.texts["train_size"].toolTip()


def test_train_is_enabled_after_picking_mnist_in_the_window(qtbot, window, offline_datasets):
    _pick(window.form, "mnist")
    qtbot.waitUntil(lambda: window.state == "idle"
                    and window.session.experiment is not None
                    and window.session.experiment.dataset == "mnist", timeout=60_000)
    assert window.train_action.isEnabled()
    assert window.form.experiment.loss == "sparse-categorical"
    _pick(window.form, "xor")
    qtbot.waitUntil(lambda: window.state == "idle"
                    and window.session.experiment.dataset == "xor", timeout=60_000)
    assert window.train_action.isEnabled() and window.form.experiment.loss == "bce"
