"""Keras model files back into trainers, and plain Keras models read as experiments.

`restore_trainer` puts a read experiment file (`persist.SavedRun`) back in place: a trainer
for its experiment, given the file's weights and optimizer state, at the saved epoch.

`open_keras_model` opens a model made elsewhere: seed 001's learner saved a model in one
script and loaded it in another, and the app opens such a model too. The network is read from
its layers: Dense layers (units, activation), Dropout after them, an `Activation` layer folded
into the Dense before it (seed 000's style) and a `Flatten` first (the TensorFlow tutorial's
28×28 input, seed 003). The dataset follows from the input and output sizes; where several fit
(two inputs, one output: XOR, AND, OR or a sum above 0.5; 784 inputs and 10 outputs: MNIST or
Fashion-MNIST), the one the model classifies best wins. The loss and optimizer come from the
model's compile settings when it has them.

Everything here runs TensorFlow: call it from the thread that owns the model.
"""
from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.core.data import registry as datasets
from playground.core.experiment import (ACTIVATIONS, LOSSES, MAX_CLASSES, OPTIMIZERS,
                                        Experiment, ExperimentError, Layer)
from playground.core.files.keras_convnets import has_conv, read_conv_network
from playground.core.inspection.forward import activations_of, forward
from playground.core.inspection.metrics import accuracy
from playground.core.files.experiment_file import (MODEL_SUFFIXES, PersistError, SavedRun,
                                                   check_readable)

#: Keras loss names (and their short aliases) -> `LOSSES` keys.
KERAS_LOSSES = {spec.keras_name: key for key, spec in LOSSES.items()}
KERAS_LOSSES.update({"mse": "mse", "binary_crossentropy": "bce",
                     "categorical_crossentropy": "categorical",
                     "sparse_categorical_crossentropy": "sparse-categorical"})
#: The loss an output activation implies when the model was saved without one.
NATURAL_LOSS = {"sigmoid": "bce", "tanh": "hinge", "linear": "mse", "softmax": "categorical"}
OUTPUTS = ("sigmoid", "tanh", "linear", "softmax")
FITS = ("logic gates (2 inputs, 1 output), a sum above a threshold (1 to 10 inputs, 1 output), "
        f"Gaussian blobs (2 inputs, 3 to {MAX_CLASSES} outputs), "
        "MNIST and Fashion-MNIST (28×28 = 784 inputs, 10 outputs)")
SHOWN = "Dense layers, with Dropout or Activation after them and a Flatten first"
SCORE_IMAGES = 2000


@dataclass(frozen=True)
class Network:
    """What the app can show of a model: inputs, hidden layers, output and its Dense weights."""

    inputs: int
    layers: tuple[Layer, ...]
    output: str
    output_units: int
    weights: tuple[np.ndarray, ...]


def _activation(obj) -> str:
    return getattr(obj, "__name__", str(obj))


def read_network(model, name: str = "the model") -> Network:
    """The Dense network inside `model`, or `PersistError` naming the layer that is not."""
    shape = model.input_shape
    if isinstance(shape, list) or len(getattr(model, "outputs", [None]) or [None]) != 1:
        raise PersistError(f"{name} has several inputs or outputs; the app shows models with "
                           "one input and one output.")
    dims = tuple(shape[1:])
    if has_conv(model):  # Conv2D and pooling: core/files/keras_convnets.py
        return read_conv_network(model, name, Network)
    dense: list[list] = []  # [units, activation, dropout]
    flattened = False
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        if kind == "Flatten" and not dense and not flattened:
            flattened = True
        elif kind == "Dense":
            if not layer.use_bias:
                raise PersistError(f"{name}: layer '{layer.name}' has no bias; the app's Dense "
                                   "layers all have one.")
            dense.append([int(layer.units), _activation(layer.activation), 0.0])
        elif kind == "Dropout" and dense and not dense[-1][2]:
            dense[-1][2] = float(layer.rate)
        elif kind == "Activation" and dense and dense[-1][1] == "linear":
            dense[-1][1] = _activation(layer.activation)
        else:
            raise PersistError(f"{name}: layer '{layer.name}' ({kind}) is not something the app "
                               f"can show: it shows networks of {SHOWN}.")
    if not dense:
        raise PersistError(f"{name} has no Dense layer; the app shows networks of {SHOWN}.")
    if len(dims) != 1 and not flattened or None in dims:
        raise _no_dataset(name, model)
    *hidden, (units, output, dropout) = dense
    if dropout:
        raise PersistError(f"{name} has Dropout after its output layer; the app's networks "
                           "end in a Dense layer.")
    for i, (_, activation, _) in enumerate(hidden, start=1):
        if activation not in ACTIVATIONS:
            raise PersistError(f"{name}: hidden layer {i} uses the activation '{activation}'; "
                               f"the app has {', '.join(ACTIVATIONS)}.")
    if output not in OUTPUTS:
        raise PersistError(f"{name}: the output layer uses the activation '{output}'; the app "
                           f"has {', '.join(OUTPUTS)}.")
    weights = tuple(np.asarray(w) for layer in model.layers for w in layer.get_weights())
    return Network(inputs=math.prod(dims), layers=tuple(Layer(*row) for row in hidden),
                   output=output, output_units=units, weights=weights)


def _no_dataset(name: str, model) -> PersistError:
    return PersistError(f"{name}: input shape {tuple(model.input_shape)} and output "
                        f"{tuple(model.output_shape)} fit no dataset: the app has {FITS}.")


def _candidates(network: Network) -> list[dict]:
    n, units = network.inputs, network.output_units
    if units == 1 and n == 2:
        return [{"dataset": "xor"}, {"dataset": "and"}, {"dataset": "or"},
                {"dataset": "sum-threshold", "inputs": 2, "threshold": 0.5}]
    if units == 1 and 1 <= n <= 10:
        return [{"dataset": "sum-threshold", "inputs": n, "threshold": 0.5 if n < 2 else n / 2}]
    if n == 2 and 3 <= units <= MAX_CLASSES:
        return [{"dataset": "gaussians", "classes": units}]
    if units == 10 and n == 28 * 28:
        return [{"dataset": "mnist"}, {"dataset": "fashion-mnist"}]
    return []


def _loss(model, output: str, classes: int) -> tuple[str, str]:
    """(loss key, output activation) from the compile settings, else from the output."""
    loss = getattr(model, "loss", None)
    if loss is not None and not isinstance(loss, str):
        loss = getattr(loss, "name", None) or getattr(loss, "__name__", None)
    key = KERAS_LOSSES.get(str(loss)) if loss else None
    several = classes > 2  # one output unit per class
    if several and output == "linear":
        output = "softmax"  # logits (a `from_logits` loss): the same classes, as probabilities
    if key is None or output not in LOSSES[key].outputs:
        key = NATURAL_LOSS[output]
    if several and key not in ("categorical", "sparse-categorical"):
        key = "categorical"
    return key, output


def _optimizer(model) -> dict:
    optimizer = getattr(model, "optimizer", None)
    key = {label: k for k, label in OPTIMIZERS.items()}.get(type(optimizer).__name__)
    if optimizer is None or key is None:
        return {"optimizer": "adam", "learning_rate": 0.001}  # Keras's own default
    settings = {"optimizer": key}
    try:  # rounded as the form shows numbers, so form and file agree exactly
        settings["learning_rate"] = float(f"{float(np.asarray(optimizer.learning_rate)):.6g}")
        if key == "sgd":
            settings["momentum"] = float(f"{float(np.asarray(optimizer.momentum)):.6g}")
    except (TypeError, ValueError, AttributeError):  # a schedule: keep the default rate
        pass
    return settings


def _score(experiment: Experiment, network: Network) -> float:
    """Share of the candidate dataset's rows the model classifies right (-1: no data)."""
    sized = experiment.replace(train_size=1, test_size=SCORE_IMAGES) \
        if datasets.get(experiment.dataset).images else experiment
    try:
        data = datasets.load(sized)
    except Exception:  # noqa: BLE001 - e.g. the image files are not on this computer
        return -1.0
    x = np.concatenate([data.x_train, data.x_val, data.x_test])
    labels = np.concatenate([data.labels_train, data.labels_val, data.labels_test])
    outputs = forward(network.weights, activations_of(experiment), x)  # conv steps too
    return accuracy(outputs, labels, experiment.encoding, experiment.default_threshold)


def infer_experiment(model, name: str = "the model") -> Experiment:
    """The experiment whose network is `model`'s, on the dataset it fits best."""
    network = read_network(model, name)
    candidates = _candidates(network)
    if not candidates:
        raise _no_dataset(name, model)
    spec = datasets.get(candidates[0]["dataset"])
    loss, output = _loss(model, network.output,
                         spec.classes(Experiment().replace(**candidates[0])))
    # What a model file does not record starts as picking its data in the form would.
    base = dict(layers=network.layers, loss=loss,
                output_activation="" if output == LOSSES[loss].outputs[0] else output,
                **spec.starting_settings(), **_optimizer(model))
    try:
        options = [Experiment(**base, **candidate) for candidate in candidates]
        best = max(options, key=lambda e: _score(e, network)) if len(options) > 1 \
            else options[0]
        return best.check()
    except ExperimentError as error:
        raise PersistError(f"{name} does not fit the app: {error}.") from None


# ---------------------------------------------------------------------------------------------
# Files -> trainers


def load_keras_model(path: str | os.PathLike, name: str | None = None):
    """`keras.models.load_model`, with a message for the user when it cannot."""
    from playground.core.model.runtime import load

    _, keras = load()
    path = Path(path)
    name = name or path.name
    if path.suffix.lower() not in MODEL_SUFFIXES:
        raise PersistError(f"{name}: a Keras model file ends in .keras (or the older .h5).")
    check_readable(path)
    if not _looks_like_a_model(path):  # Keras would say "File not found" of a file it has
        what = "a zip archive" if path.suffix.lower() == ".keras" else "an HDF5 file"
        raise PersistError(f"{name} is not a Keras model file (it is not {what}).")
    try:
        return keras.models.load_model(path)
    except Exception:  # noqa: BLE001 - a custom loss or metric: the weights still load
        try:
            return keras.models.load_model(path, compile=False)
        except Exception as error:  # noqa: BLE001 - Keras raises many kinds on bad files
            # Keras names the path it read: a temporary copy when the model came from inside
            # an experiment file; the user knows the file by `name`.
            detail = _short(error).replace(str(path), name)
            raise PersistError(f"{name} cannot be read as a Keras model: {detail}") from None


def _looks_like_a_model(path: Path) -> bool:
    """A .keras file is a zip archive, an .h5 file starts with HDF5's signature."""
    import zipfile

    if path.suffix.lower() == ".keras":
        return zipfile.is_zipfile(path)
    with open(path, "rb") as handle:
        return handle.read(8) == b"\x89HDF\r\n\x1a\n"


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:300]


def restore_trainer(saved: SavedRun):
    """A trainer at the saved epoch, with the saved weights and optimizer state.

    The trainer is built fresh for the experiment (so Reset goes back to this seed's untrained
    weights, as after any build) and then given the file's weights and optimizer variables.
    """
    from playground.core.training.trainer import make_trainer

    name = saved.path.name
    with tempfile.TemporaryDirectory(prefix="playground-open-") as folder:
        model_path = Path(folder) / "model.keras"
        model_path.write_bytes(saved.model_bytes)
        model = load_keras_model(model_path, f"{name}: model.keras")
    trainer = make_trainer(saved.experiment)
    problem = transfer(model, trainer.model) or config_difference(model, trainer.model)
    if problem:
        raise PersistError(f"{name}: model.keras does not fit experiment.json ({problem}).")
    history = saved.history
    if len(history):
        expected = (len(trainer.probe_x), trainer.dataset.output_units)
        if history.latest_outputs is None or history.latest_outputs.shape != expected:
            raise PersistError(f"{name}: the file is truncated or damaged (the recorded "
                               "outputs do not fit the dataset).")
    trainer.epoch = saved.epoch
    return trainer


#: Layer settings that change what a model computes; a file whose model.keras differs from
#: its experiment.json in one of them would show weights that are not the model's.
COMPARED_SETTINGS = ("units", "activation", "use_bias", "rate", "filters", "kernel_size",
                     "strides", "padding", "pool_size")


def config_difference(source, target) -> str:
    """"" when `source` has `target`'s layers with the same settings, else the first
    difference, e.g. "layer 1 (Dense): activation is relu in model.keras, tanh in
    experiment.json"."""
    def layers(model):
        return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]

    sources, targets = layers(source), layers(target)
    if [type(a).__name__ for a in sources] != [type(b).__name__ for b in targets]:
        return (f"its layers are {', '.join(type(a).__name__ for a in sources)}; "
                f"the experiment's {', '.join(type(b).__name__ for b in targets)}")
    for i, (a, b) in enumerate(zip(sources, targets), start=1):
        ca, cb = a.get_config(), b.get_config()
        for key in COMPARED_SETTINGS:
            if ca.get(key) != cb.get(key):
                return (f"layer {i} ({type(a).__name__}): {key} is {ca.get(key)} in "
                        f"model.keras, {cb.get(key)} in experiment.json")
    return ""


def transfer(source, target) -> str:
    """Copy the Dense weights (and the optimizer's state, when it is the same kind of optimizer)
    from model `source` into `target`; returns "" or what does not fit."""
    from playground.core.model.build import dense_layers

    sources, targets = dense_layers(source), dense_layers(target)
    if len(sources) != len(targets):
        return f"{len(sources)} Dense layers where the experiment has {len(targets)}"
    for i, (a, b) in enumerate(zip(sources, targets), start=1):
        shapes = [w.shape for w in a.get_weights()], [w.shape for w in b.get_weights()]
        if shapes[0] != shapes[1]:
            return f"layer {i} has weights of shapes {shapes[0]}, the experiment {shapes[1]}"
    for a, b in zip(sources, targets):
        b.set_weights(a.get_weights())
    old, new = getattr(source, "optimizer", None), getattr(target, "optimizer", None)
    if old is not None and new is not None and type(old) is type(new):
        pairs = list(zip(old.variables, new.variables))
        if len(old.variables) == len(new.variables) and all(
                tuple(x.shape) == tuple(y.shape) for x, y in pairs):
            for x, y in pairs:
                if not y.path.endswith("learning_rate"):  # the experiment's rate holds
                    y.assign(x)
    return ""


def open_keras_model(path: str | os.PathLike):
    """A plain Keras model made elsewhere -> a trainer for the experiment it fits.

    The trainer's model is the app's own network for that experiment, given the file's weights
    (Flatten and Activation layers fold into it), so every view works as after a build.
    """
    from playground.core.training.trainer import make_trainer

    model = load_keras_model(path)
    experiment = infer_experiment(model, Path(path).name)
    trainer = make_trainer(experiment)
    problem = transfer(model, trainer.model)
    if problem:  # infer_experiment read the same layers, so this is a bug if it happens
        raise PersistError(f"{Path(path).name}: {problem}.")
    return trainer
