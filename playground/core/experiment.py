"""The one description of an experiment: what the form edits, the CLI builds, JSON saves.

Every setting is a field of the frozen `Experiment`; `FIELDS` says, once, how each field is
typed in, what range it accepts and how it is labelled, so the form, the command line and the
JSON loader all check values the same way and report errors naming the field.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from playground.core.data import features as input_features
from playground.core.data import registry as datasets  # Qt- and TF-free; imports no experiment
from playground.core.errors import ExperimentError, FieldError
from playground.core.layers import ACTIVATIONS, KIND_FIELDS, KINDS, PADDINGS, Layer, stack_shapes
from playground.core.losses import (CLASSIFICATION, LOSSES, LossSpec, fitting_outputs,
                                    encoding as target_encoding)

__all__ = ["ACTIVATIONS", "CLASSIFICATION", "ExperimentError", "FieldError", "Layer", "LOSSES",
           "LossSpec", "Experiment", "FIELDS", "LAYER_FIELDS", "OPTIMIZERS", "MAX_CLASSES",
           "TRAINING_ONLY_FIELDS"]

#: Kernel initialisations (issue 16): Glorot uniform is Keras's default.
INITIALISERS = ("glorot", "he", "small", "zeros")
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop", "adagrad": "Adagrad"}
MAX_UNITS = 4096
MAX_EPOCHS = 1_000_000
MAX_HIDDEN_LAYERS = 10
#: Most classes a generated plane (gaussians) can have.
MAX_CLASSES = 6
SCHEMA_VERSION = 1
#: Changing only these keeps the model: they take effect at the next Train (or the next save).
TRAINING_ONLY_FIELDS = ("optimizer", "learning_rate", "momentum", "epochs", "batch_size")


def needs_new_model(old: "Experiment | None", new: "Experiment") -> bool:
    """Whether `new` needs a fresh model, or only trains on the one built for `old`: the one
    rule for the window, Save and the trainer. Changing only `TRAINING_ONLY_FIELDS` keeps the
    model and its weights (the trainer recompiles its step: `Trainer.retarget`)."""
    if old is None:
        return True
    kept = {name: getattr(old, name) for name in TRAINING_ONLY_FIELDS}
    return new.replace(**kept) != old


@dataclass(frozen=True)
class Experiment:
    """Everything needed to reproduce a run, bit for bit on one machine."""

    #: Dataset registry key: xor, and, or, sum-threshold, gaussians, sine, mnist, fashion-mnist.
    dataset: str = "xor"
    #: Hidden layers in order; empty = a single output neuron with no hidden layer (seed 000).
    layers: tuple[Layer, ...] = (Layer(4, "tanh"),)
    #: Loss key of `LOSSES`; it decides the target encoding (0/1 or ±1).
    loss: str = "bce"
    #: Output activation; empty = the loss's natural one (sigmoid for bce, tanh for hinge).
    output_activation: str = ""
    optimizer: str = "sgd"
    learning_rate: float = 0.5
    #: SGD momentum (ignored by the other optimizers).
    momentum: float = 0.0
    epochs: int = 500
    batch_size: int = 1
    #: Seeds weights, shuffling and dropout: same seed, same run.
    seed: int = 0
    #: Fraction of the training rows held out for validation, like Keras's validation_split.
    validation_split: float = 0.0
    # --- dataset options (each dataset reads the ones it needs) ---
    #: sum-threshold: number of inputs.
    inputs: int = 2
    #: sum-threshold: label is positive when the inputs sum above this.
    threshold: float = 0.5
    #: sum-threshold: number of generated samples (train + validation).
    samples: int = 250
    #: sum-threshold: size of the separate, fresh test set.
    test_samples: int = 200
    #: images: training subset size (0 = all).
    train_size: int = 0
    #: images: test subset size (0 = all).
    test_size: int = 0
    #: images: divide pixels by 255.
    normalize: bool = True
    #: gaussians: number of classes (one blob each).
    classes: int = 3
    #: gaussians, sine: how noisy the generated data is (0 = none, 0.5 = a lot).
    noise: float = 0.1
    #: drawn: your own points, "x1,x2,class" each, separated by ";" ("" = a starter set).
    points: str = ""
    # --- csv: your own table (core/data/tables.py); "" = detect or the default ---
    #: csv: the file to read.
    csv: str = ""
    #: csv: the column to predict ("" = the last column).
    target: str = ""
    #: csv: input columns, comma-separated ("" = every numeric column but the target).
    input_columns: str = ""
    #: csv: "classification" or "regression" ("" = detected from the target column).
    table_task: str = ""
    #: csv, generated planes: share of the rows (of each class) held out as the test set.
    test_fraction: float = 0.2
    #: csv, generated planes: standardise inputs with the training rows' mean and spread.
    standardize: bool = True
    #: csv: rows with a missing or unreadable cell are dropped, or the file is refused.
    missing: str = "drop"
    #: csv: how to read the file ("" = detected).
    csv_delimiter: str = ""
    csv_decimal: str = ""
    csv_encoding: str = ""
    csv_header: str = ""

    #: 2-input data: engineered input features after x1, x2, e.g. "x1*x2,sin(x1)"
    #: (core/data/features.py); "" = the raw inputs only.
    features: str = ""
    #: How kernels start: "glorot" (Keras's default), "he", "small" (normal, sd 0.01), "zeros".
    init: str = "glorot"
    #: L1 and L2 penalties on every Dense kernel, added to the loss training minimises.
    l1: float = 0.0
    l2: float = 0.0

    # ----- derived -----
    @property
    def task(self) -> str:
        """"classification" or "regression", as the dataset says (classification if unknown)."""
        spec = datasets.find(self.dataset)
        return spec.task_of(self) if spec else CLASSIFICATION

    @property
    def output(self) -> str:
        """The output activation actually used."""
        return self.output_activation or fitting_outputs(self.loss, self.task)[0]

    @property
    def encoding(self) -> str:
        return target_encoding(self.loss, self.output, self.task)

    @property
    def default_threshold(self) -> float:
        """Where the output is cut into classes: 0.5 for probabilities, 0 for ±1 outputs."""
        return 0.0 if self.encoding == "signed" else 0.5

    def replace(self, **changes: Any) -> "Experiment":
        return dataclasses.replace(self, **changes)

    # ----- validation -----
    def validate(self) -> list[FieldError]:
        """All field errors, each naming its field; empty when the experiment can run."""
        errors: list[FieldError] = []
        for name, spec in FIELDS.items():
            message = spec.check(getattr(self, name))
            if message:
                errors.append(FieldError(name, message))
        engineered, problem = input_features.parse(self.features)
        spec = datasets.find(self.dataset)
        if not problem and engineered and spec is not None and (
                spec.images or ("inputs" in spec.options and self.inputs != 2)):
            problem = "engineered features need 2-input data"
        if problem:
            errors.append(FieldError("features", problem))
        if self.dataset not in datasets.names():
            errors.append(FieldError("dataset", f"unknown dataset '{self.dataset}'; "
                                     f"choose one of {', '.join(datasets.names())}"))
        if len(self.layers) > MAX_HIDDEN_LAYERS:
            errors.append(FieldError("layers", f"at most {MAX_HIDDEN_LAYERS} hidden layers"))
        for i, layer in enumerate(self.layers):
            for name in ("kind", *KIND_FIELDS.get(layer.kind, ())):
                message = LAYER_FIELDS[name].check(getattr(layer, name))
                if message:
                    errors.append(FieldError(f"layers[{i}].{name}", message))
        spec = datasets.find(self.dataset)
        if spec is not None and not any(e.field.startswith("layers") for e in errors):
            # Image rows are 28×28 pictures stored flat; the stack must fit them (issue 17).
            _, problem = stack_shapes(self.layers, max(self.inputs, 1),
                                      (28, 28) if spec.images else (), output_units=1)
            if problem:
                errors.append(FieldError(f"layers[{problem.index}].{problem.field}",
                                         problem.message))
        loss = LOSSES.get(self.loss)
        outputs = fitting_outputs(self.loss, self.task)
        spec = datasets.find(self.dataset)
        if spec is not None and self.loss not in spec.losses(self):
            loss = None  # the dataset's check says which losses fit: no advice on its output
        if loss and self.output not in loss.outputs:
            errors.append(FieldError("output_activation",
                                     f"{loss.label} needs a {' or '.join(loss.outputs)} output"))
        elif loss and self.output not in outputs:
            errors.append(FieldError("output_activation", "a regression target takes a linear "
                                     "output (any number, not a probability)"))
        if not errors:
            spec = datasets.get(self.dataset)
            errors.extend(spec.check(self))
            rows = spec.train_rows(self)
            if not errors and self.batch_size > rows:
                errors.append(FieldError("batch_size", f"must be at most {rows}, the number "
                                         "of training rows"))
        return errors

    def check(self) -> "Experiment":
        """Return self, or raise `ExperimentError` listing every problem."""
        errors = self.validate()
        if errors:
            raise ExperimentError(errors)
        return self

    # ----- JSON -----
    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["layers"] = [layer.to_dict() for layer in self.layers]
        return {"version": SCHEMA_VERSION, **data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Experiment":
        """Build from JSON data; unknown keys or wrong types raise `ExperimentError`."""
        if not isinstance(data, dict):
            raise ExperimentError([FieldError("experiment", "expected a JSON object")])
        data = dict(data)
        data.pop("version", None)
        errors: list[FieldError] = []
        known = {f.name for f in dataclasses.fields(cls)}
        for key in sorted(set(data) - known):
            errors.append(FieldError(key, "unknown setting"))
        values: dict[str, Any] = {}
        for key in known & set(data):
            if key == "layers":
                layers = _layers_from_json(data[key], errors)
                if layers is not None:
                    values[key] = layers
                continue
            value, message = FIELDS[key].coerce(data[key])
            if message:
                errors.append(FieldError(key, message))
            else:
                values[key] = value
        if errors:
            raise ExperimentError(errors)
        return cls(**values)


def _layers_from_json(raw: Any, errors: list[FieldError]) -> tuple[Layer, ...] | None:
    if not isinstance(raw, list):
        errors.append(FieldError("layers", "expected a list of layers"))
        return None
    layers = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            errors.append(FieldError(f"layers[{i}]", "expected an object with units"))
            continue
        kind = item.get("kind", "dense")  # files from before layer kinds hold Dense layers
        if kind not in KINDS:
            errors.append(FieldError(f"layers[{i}].kind", f"'{kind}' is not one of "
                                     f"{', '.join(KINDS)}"))
            continue
        values = {}
        for key, value in item.items():
            if key not in LAYER_FIELDS or key not in ("kind", *KIND_FIELDS[kind]):
                errors.append(FieldError(f"layers[{i}].{key}", "unknown setting" if key not in
                                         LAYER_FIELDS else f"not a setting of a {kind} layer"))
                continue
            value, message = LAYER_FIELDS[key].coerce(value)
            if message:
                errors.append(FieldError(f"layers[{i}].{key}", message))
            values[key] = value
        layers.append(Layer(**values))
    return tuple(layers)


# ---------------------------------------------------------------------------------------------
# Field table: how each scalar setting is parsed from text and checked.


@dataclass(frozen=True)
class FieldSpec:
    label: str
    kind: type  # int, float, str or bool
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # True: value must be > low (not >=)
    high_open: bool = False
    choices: tuple[str, ...] = ()
    #: Empty text is a value: "" (detect, or the default), not a missing one.
    blank: bool = False

    def parse(self, text: str) -> tuple[Any, str]:
        """Parse typed text; returns (value, "") or (None, message)."""
        text = text.strip()
        if not text:
            return ("", "") if self.blank else (None, "required")
        if self.kind is bool:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True, ""
            if lowered in ("0", "false", "no", "off"):
                return False, ""
            return None, "expected yes or no"
        if self.kind is str:
            return self._checked(text)
        try:
            value = self.kind(text.replace("_", ""))
        except ValueError:
            try:
                as_float = float(text)
            except ValueError:
                return None, "not a number" if self.kind is float else "not a whole number"
            if self.kind is int and as_float.is_integer():
                value = int(as_float)  # "1e3" is a fine way to type 1000
            else:
                return None, "not a whole number"
        return self._checked(value)

    def coerce(self, value: Any) -> tuple[Any, str]:
        """Accept a JSON value of the right type (ints for floats too)."""
        if self.kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return self._checked(float(value))
        if self.kind is int and isinstance(value, int) and not isinstance(value, bool):
            return self._checked(value)
        if self.kind in (str, bool) and isinstance(value, self.kind):
            return self._checked(value)
        return None, f"expected {self.kind.__name__}, got {type(value).__name__}"

    def check(self, value: Any) -> str:
        return self._checked(value)[1]

    def _checked(self, value: Any) -> tuple[Any, str]:
        if self.choices and value not in self.choices:
            return None, f"'{value}' is not one of {', '.join(self.choices)}"
        if self.kind in (int, float):
            if isinstance(value, float) and not math.isfinite(value):
                return None, "must be a finite number"
            if self.low is not None and (value <= self.low if self.low_open else value < self.low):
                return None, f"must be {'greater than' if self.low_open else 'at least'} " \
                             f"{_fmt(self.low)}"
            if self.high is not None and (value >= self.high if self.high_open
                                          else value > self.high):
                return None, f"must be {'less than' if self.high_open else 'at most'} " \
                             f"{_fmt(self.high)}"
        return value, ""


def _fmt(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:g}"


FIELDS: dict[str, FieldSpec] = {
    "dataset": FieldSpec("Dataset", str),
    "loss": FieldSpec("Loss", str, choices=tuple(LOSSES)),
    "output_activation": FieldSpec("Output activation", str,
                                   choices=("", "sigmoid", "tanh", "linear", "softmax")),
    "optimizer": FieldSpec("Optimizer", str, choices=tuple(OPTIMIZERS)),
    "learning_rate": FieldSpec("Learning rate", float, low=0, low_open=True, high=1e6),
    "momentum": FieldSpec("Momentum", float, low=0, high=1, high_open=True),
    "epochs": FieldSpec("Epochs", int, low=1, high=MAX_EPOCHS),
    "batch_size": FieldSpec("Batch size", int, low=1, high=1_000_000),
    "seed": FieldSpec("Seed", int, low=0, high=2**31 - 1),
    "validation_split": FieldSpec("Validation split", float, low=0, high=0.9),
    "inputs": FieldSpec("Inputs", int, low=1, high=10),
    "threshold": FieldSpec("Threshold", float, low=-1e6, high=1e6),
    "samples": FieldSpec("Samples", int, low=4, high=1_000_000),
    "test_samples": FieldSpec("Test samples", int, low=0, high=1_000_000),
    "train_size": FieldSpec("Training images", int, low=0, high=60_000),
    "test_size": FieldSpec("Test images", int, low=0, high=10_000),
    "normalize": FieldSpec("Normalise pixels", bool),
    "classes": FieldSpec("Classes", int, low=2, high=MAX_CLASSES),
    "noise": FieldSpec("Noise", float, low=0, high=0.5),
    "points": FieldSpec("Points", str, blank=True),
    "features": FieldSpec("Input features", str),
    "init": FieldSpec("Initial weights", str, choices=INITIALISERS),
    "l1": FieldSpec("L1 penalty", float, low=0, high=10),
    "l2": FieldSpec("L2 penalty", float, low=0, high=10),
    "csv": FieldSpec("CSV file", str, blank=True),
    "target": FieldSpec("Target column", str, blank=True),
    "input_columns": FieldSpec("Input columns", str, blank=True),
    "table_task": FieldSpec("Task", str, choices=("", "classification", "regression"),
                            blank=True),
    "test_fraction": FieldSpec("Test fraction", float, low=0, high=0.9),
    "standardize": FieldSpec("Standardise inputs", bool),
    "missing": FieldSpec("Missing cells", str, choices=("drop", "refuse")),
    "csv_delimiter": FieldSpec("Delimiter", str, choices=("", ",", ";", "tab", "|"),
                               blank=True),
    "csv_decimal": FieldSpec("Decimal mark", str, choices=("", ".", ","), blank=True),
    "csv_encoding": FieldSpec("Encoding", str, choices=("", "utf-8", "utf-8-sig", "latin-1"),
                              blank=True),
    "csv_header": FieldSpec("Header row", str, choices=("", "yes", "no"), blank=True),
}

LAYER_FIELDS: dict[str, FieldSpec] = {
    "units": FieldSpec("Units", int, low=1, high=MAX_UNITS),
    "activation": FieldSpec("Activation", str, choices=ACTIVATIONS),
    "dropout": FieldSpec("Dropout", float, low=0, high=1, high_open=True),
    "kind": FieldSpec("Kind", str, choices=KINDS),
    "filters": FieldSpec("Filters", int, low=1, high=1024),
    "kernel_size": FieldSpec("Kernel size", int, low=1, high=28),
    "padding": FieldSpec("Padding", str, choices=PADDINGS),
    "pool_size": FieldSpec("Pool size", int, low=1, high=28),
}

assert set(FIELDS) == {f.name for f in dataclasses.fields(Experiment)} - {"layers"}
