"""The Experiment dataclass: validation naming fields, typed-text parsing, JSON round trips."""
from __future__ import annotations

import dataclasses
import json
import math

import pytest

from playground.core.data import registry as datasets
from playground.core.experiment import (FIELDS, LAYER_FIELDS, LOSSES, Experiment,
                                        ExperimentError, Layer)


def error_fields(experiment: Experiment) -> set[str]:
    return {error.field for error in experiment.validate()}


# ----- validation ---------------------------------------------------------------------------

def test_defaults_are_valid():
    experiment = Experiment()
    assert experiment.validate() == []
    assert experiment.check() is experiment


@pytest.mark.parametrize("dataset", ["xor", "and", "or"])
def test_every_gate_is_valid(dataset):
    assert Experiment(dataset=dataset).validate() == []


def test_single_neuron_is_valid():
    assert Experiment(layers=()).validate() == []


@pytest.mark.parametrize("changes, field", [
    ({"layers": (Layer(0),)}, "layers[0].units"),
    ({"layers": (Layer(5000),)}, "layers[0].units"),
    ({"layers": (Layer(4), Layer(0))}, "layers[1].units"),
    ({"layers": (Layer(4, "swish"),)}, "layers[0].activation"),
    ({"layers": (Layer(4, dropout=1.0),)}, "layers[0].dropout"),
    ({"layers": (Layer(4, dropout=-0.1),)}, "layers[0].dropout"),
    ({"layers": tuple(Layer(2) for _ in range(11))}, "layers"),
    ({"epochs": 0}, "epochs"),
    ({"epochs": 2_000_000}, "epochs"),
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": 5}, "batch_size"),  # XOR has 4 rows
    ({"learning_rate": 0.0}, "learning_rate"),
    ({"learning_rate": -1.0}, "learning_rate"),
    ({"learning_rate": math.inf}, "learning_rate"),
    ({"learning_rate": math.nan}, "learning_rate"),
    ({"momentum": 1.0}, "momentum"),
    ({"momentum": -0.5}, "momentum"),
    ({"dataset": "nonsense"}, "dataset"),
    ({"loss": "hinge", "output_activation": "sigmoid"}, "output_activation"),
    ({"loss": "bce", "output_activation": "tanh"}, "output_activation"),
    ({"loss": "nonsense"}, "loss"),
    ({"loss": "categorical"}, "loss"),  # a softmax over XOR's two classes always reads 1
    ({"loss": "sparse-categorical", "dataset": "sum-threshold"}, "loss"),
    ({"loss": "bce", "dataset": "mnist"}, "loss"),
    ({"optimizer": "lbfgs"}, "optimizer"),
    ({"seed": -1}, "seed"),
    ({"validation_split": 0.95}, "validation_split"),
])
def test_each_rule_names_its_field(changes, field):
    experiment = Experiment(**changes)
    errors = experiment.validate()
    assert [e.field for e in errors] == [field], errors
    assert errors[0].message
    with pytest.raises(ExperimentError) as raised:
        experiment.check()
    assert [e.field for e in raised.value.errors] == [field]
    assert field in str(raised.value)


def test_batch_size_may_equal_the_rows():
    assert Experiment(batch_size=4).validate() == []


def test_batch_size_limit_counts_training_rows_only():
    # A quarter of XOR's 4 rows held out leaves 3 to train on.
    assert Experiment(validation_split=0.25, batch_size=3).validate() == []
    assert error_fields(Experiment(validation_split=0.25, batch_size=4)) == {"batch_size"}


def test_batch_size_message_says_the_row_count():
    (error,) = Experiment(batch_size=5).validate()
    assert "4" in error.message


def test_all_errors_are_reported_at_once():
    experiment = Experiment(epochs=0, learning_rate=-1.0, layers=(Layer(0), Layer(3, "nope")))
    assert error_fields(experiment) == {"epochs", "learning_rate", "layers[0].units",
                                        "layers[1].activation"}
    with pytest.raises(ExperimentError) as raised:
        experiment.check()
    assert len(raised.value.errors) == 4


def test_experiment_is_frozen_and_replace_makes_a_copy():
    experiment = Experiment()
    with pytest.raises(dataclasses.FrozenInstanceError):
        experiment.epochs = 3  # type: ignore[misc]
    changed = experiment.replace(epochs=3)
    assert changed.epochs == 3 and experiment.epochs == 500


# ----- derived settings ---------------------------------------------------------------------

@pytest.mark.parametrize("loss, output, encoding, threshold", [
    ("bce", "", "binary", 0.5),
    ("bce", "sigmoid", "binary", 0.5),
    ("hinge", "", "signed", 0.0),
    ("hinge", "tanh", "signed", 0.0),
    ("hinge", "linear", "signed", 0.0),
    ("mse", "", "binary", 0.5),
    ("mse", "sigmoid", "binary", 0.5),
    ("mse", "tanh", "signed", 0.0),
])
def test_encoding_and_threshold_follow_the_loss(loss, output, encoding, threshold):
    experiment = Experiment(loss=loss, output_activation=output)
    assert experiment.encoding == encoding
    assert experiment.default_threshold == threshold


def test_output_defaults_to_the_losses_natural_activation():
    assert Experiment(loss="bce").output == "sigmoid"
    assert Experiment(loss="hinge").output == "tanh"
    assert Experiment(loss="mse").output == "sigmoid"
    assert Experiment(loss="hinge", output_activation="linear").output == "linear"


# ----- typed text ---------------------------------------------------------------------------

def test_parse_int_field():
    epochs = FIELDS["epochs"]
    assert epochs.parse("250") == (250, "")
    assert epochs.parse(" 1_000 ") == (1000, "")
    assert epochs.parse("1e3") == (1000, "")
    value, message = epochs.parse("0.5")
    assert value is None and "whole number" in message
    value, message = epochs.parse("abc")
    assert value is None and message
    value, message = epochs.parse("")
    assert value is None and message == "required"
    value, message = epochs.parse("   ")
    assert value is None and message == "required"


def test_parse_int_field_checks_the_range():
    value, message = FIELDS["epochs"].parse("0")
    assert value is None and "at least 1" in message
    value, message = FIELDS["epochs"].parse("2e6")
    assert value is None and "at most" in message


def test_parse_float_field():
    lr = FIELDS["learning_rate"]
    assert lr.parse("0.5") == (0.5, "")
    assert lr.parse("1e-3") == (0.001, "")
    value, message = lr.parse("abc")
    assert value is None and message == "not a number"
    value, message = lr.parse("")
    assert value is None and message == "required"
    value, message = lr.parse("0")
    assert value is None and "greater than 0" in message
    for text in ("inf", "nan", "-inf"):
        value, message = lr.parse(text)
        assert value is None and message, text


def test_parse_float_gives_a_float():
    value, message = FIELDS["learning_rate"].parse("1")
    assert message == "" and isinstance(value, float)


def test_parse_choice_and_bool_fields():
    assert FIELDS["optimizer"].parse("adam") == ("adam", "")
    value, message = FIELDS["optimizer"].parse("lbfgs")
    assert value is None and "adam" in message
    assert FIELDS["normalize"].parse("yes") == (True, "")
    assert FIELDS["normalize"].parse("off") == (False, "")
    value, message = FIELDS["normalize"].parse("maybe")
    assert value is None and message
    assert LAYER_FIELDS["activation"].parse("relu") == ("relu", "")


# ----- JSON ---------------------------------------------------------------------------------

def json_round_trip(experiment: Experiment) -> Experiment:
    return Experiment.from_dict(json.loads(json.dumps(experiment.to_dict())))


@pytest.mark.parametrize("experiment", [
    Experiment(),
    Experiment(layers=()),
    Experiment(dataset="or", layers=(Layer(8, "relu", 0.25), Layer(3, "sigmoid")),
               loss="hinge", output_activation="linear", optimizer="adam",
               learning_rate=0.001, momentum=0.5, epochs=1234, batch_size=2, seed=42,
               validation_split=0.25, inputs=3, threshold=1.5, samples=100, test_samples=0,
               train_size=1000, test_size=10, normalize=False),
], ids=["defaults", "no-layers", "everything-changed"])
def test_json_round_trip(experiment):
    again = json_round_trip(experiment)
    assert again == experiment
    assert isinstance(again.layers, tuple)
    assert all(isinstance(layer, Layer) for layer in again.layers)


def test_to_dict_is_plain_json_with_a_version():
    data = Experiment().to_dict()
    assert data["version"] == 1
    assert data["layers"] == [{"units": 4, "activation": "tanh", "dropout": 0.0}]
    assert json.loads(json.dumps(data)) == data


def test_from_dict_fills_missing_keys_with_defaults():
    assert Experiment.from_dict({}) == Experiment()
    assert Experiment.from_dict({"epochs": 7}) == Experiment(epochs=7)
    assert Experiment.from_dict({"layers": [{"units": 3}]}).layers == (Layer(3),)


def test_from_dict_accepts_ints_for_floats():
    experiment = Experiment.from_dict({"learning_rate": 1})
    assert experiment.learning_rate == 1.0 and isinstance(experiment.learning_rate, float)


@pytest.mark.parametrize("data, field", [
    ({"bogus": 1}, "bogus"),
    ({"epochs": "10"}, "epochs"),
    ({"epochs": 1.5}, "epochs"),
    ({"epochs": True}, "epochs"),
    ({"epochs": 0}, "epochs"),
    ({"learning_rate": "fast"}, "learning_rate"),
    ({"normalize": 1}, "normalize"),
    ({"dataset": 3}, "dataset"),
    ({"layers": "4"}, "layers"),
    ({"layers": [4]}, "layers[0]"),
    ({"layers": [{"units": "4"}]}, "layers[0].units"),
    ({"layers": [{"units": 4}, {"units": 4, "colour": "red"}]}, "layers[1].colour"),
    ({"layers": [{"units": 4, "activation": "swish"}]}, "layers[0].activation"),
])
def test_from_dict_errors_name_the_key(data, field):
    with pytest.raises(ExperimentError) as raised:
        Experiment.from_dict(data)
    assert [e.field for e in raised.value.errors] == [field]
    assert field in str(raised.value)


def test_from_dict_reports_every_bad_key():
    with pytest.raises(ExperimentError) as raised:
        Experiment.from_dict({"epochs": "x", "zzz": 1, "aaa": 2})
    assert {e.field for e in raised.value.errors} == {"epochs", "zzz", "aaa"}


def test_from_dict_needs_an_object():
    with pytest.raises(ExperimentError):
        Experiment.from_dict([1, 2, 3])  # type: ignore[arg-type]


def test_experiment_error_is_a_value_error():
    assert issubclass(ExperimentError, ValueError)


# ----- settings that follow the dataset ------------------------------------------------------

def _followed(experiment: Experiment, key: str) -> Experiment:
    """`experiment` with its dataset changed to `key` as the form does it."""
    changes = datasets.follow(key, experiment.loss, experiment.dataset,
                              experiment.replace(dataset=key))
    return experiment.replace(dataset=key, **changes)


def test_images_get_a_categorical_loss_and_tutorial_counts():
    mnist = _followed(Experiment(), "mnist")
    assert (mnist.loss, mnist.output) == ("sparse-categorical", "softmax")
    assert (mnist.epochs, mnist.batch_size, mnist.validation_split) == (5, 32, 0.0)
    assert mnist.validate() == []
    kept = datasets.follow("fashion-mnist", "categorical", "mnist")
    assert kept == {}  # a fitting loss, data of the same size: the user's values stay


def test_gates_and_tables_get_bce_unless_the_loss_fits():
    xor = _followed(Experiment(dataset="mnist", loss="categorical", epochs=20, batch_size=128),
                    "xor")
    assert (xor.loss, xor.output_activation) == ("bce", "")
    assert (xor.epochs, xor.batch_size, xor.validation_split) == (500, 1, 0.0)
    assert xor.validate() == []
    hinge = Experiment(loss="hinge", output_activation="linear")
    assert "loss" not in datasets.follow("sum-threshold", "hinge", "xor")
    assert _followed(hinge, "and") == hinge.replace(dataset="and")


def test_validation_split_follows_the_size_of_the_data():
    summed = _followed(Experiment(), "sum-threshold")
    assert summed.validation_split == 0.2  # issue 4: Keras's validation_split
    assert (summed.epochs, summed.batch_size) == (150, 32)  # seed 002
    assert summed.validate() == []
    # Back to a gate: no split (holding out one of four rows leaves a corner untrained).
    assert _followed(summed, "or").validation_split == 0.0
    assert datasets.get("sum-threshold").validation_split == 0.2
    assert datasets.get("xor").validation_split == Experiment().validation_split


def test_three_gaussian_blobs_get_a_softmax_and_two_get_one_output():
    blobs = _followed(Experiment(), "gaussians")
    assert (blobs.loss, blobs.output, blobs.classes) == ("sparse-categorical", "softmax", 3)
    assert blobs.validate() == []
    two = blobs.replace(classes=2)
    assert {e.field for e in two.validate()} == {"loss"}  # one output neuron for two classes
    assert _followed(Experiment(classes=2), "gaussians").loss == "bce"
    assert {e.field for e in blobs.replace(classes=7).validate()} == {"classes"}


def test_the_sine_gets_mean_squared_error_with_a_linear_output():
    sine = _followed(Experiment(), "sine")
    assert (sine.loss, sine.output, sine.encoding, sine.task) == ("mse", "linear", "value",
                                                                  "regression")
    assert sine.validate() == []
    # A sigmoid cannot reach sin(x) < 0: the output is reset, and refused when typed.
    assert _followed(Experiment(loss="mse", output_activation="sigmoid"), "sine").output == \
        "linear"
    assert error_fields(sine.replace(output_activation="sigmoid")) == {"output_activation"}
    bce = sine.replace(loss="bce")
    assert [e.field for e in bce.validate()] == ["loss"]
    assert "regression" in bce.validate()[0].message
    for loss in ("mae", "huber"):
        assert sine.replace(loss=loss).validate() == []
        assert "loss" in error_fields(Experiment(loss=loss))  # XOR is not a regression


def test_every_dataset_has_starting_settings_that_fit_it():
    for key in datasets.names():
        spec = datasets.get(key)
        if spec.from_file:  # needs the user's file: tests/core/test_tables.py
            continue
        losses = spec.losses(Experiment(dataset=key))
        start = Experiment(dataset=key, loss=losses[0], **spec.starting_settings())
        assert start.validate() == [], key
        assert set(losses) <= set(LOSSES)


def test_the_data_registry_needs_no_experiment():
    # Breaks the old experiment <-> datasets import cycle: data modules know no Experiment.
    import subprocess
    import sys
    code = ("import sys, playground.core.data.registry as r, playground.core.data.gates, "
            "playground.core.data.sum_threshold, playground.core.data.planar; "
            "assert 'playground.core.experiment' not in sys.modules, 'imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
