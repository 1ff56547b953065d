"""Experiment + Dataset -> a compiled, plain `keras.Model` (a Sequential, as in the seeds)."""
from __future__ import annotations

from playground.core.data.dataset import Dataset
from playground.core.experiment import LOSSES, Experiment
from playground.core.model.runtime import load


def make_optimizer(experiment: Experiment):
    _, keras = load()
    lr = float(experiment.learning_rate)  # Keras rejects an int (e.g. from `learning_rate=1`)
    if experiment.optimizer == "sgd":
        return keras.optimizers.SGD(learning_rate=lr, momentum=experiment.momentum)
    if experiment.optimizer == "adam":
        return keras.optimizers.Adam(learning_rate=lr)
    if experiment.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=lr)
    if experiment.optimizer == "adagrad":
        return keras.optimizers.Adagrad(learning_rate=lr)
    raise ValueError(f"unknown optimizer {experiment.optimizer!r}")


def make_loss(experiment: Experiment):
    """The loss as a Keras object that averages over the batch, exactly as `fit` does."""
    _, keras = load()
    classes = {
        "binary_crossentropy": keras.losses.BinaryCrossentropy,
        "mean_squared_error": keras.losses.MeanSquaredError,
        "mean_absolute_error": keras.losses.MeanAbsoluteError,
        "huber": keras.losses.Huber,
        "hinge": keras.losses.Hinge,
        "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
        "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
    }
    return classes[LOSSES[experiment.loss].keras_name]()


def build_model(experiment: Experiment, dataset: Dataset):
    """A fresh model whose initial weights depend only on `experiment.seed`."""
    _, keras = load()
    keras.utils.set_random_seed(experiment.seed)
    model = keras.Sequential(name="playground")
    model.add(keras.Input(shape=(dataset.n_inputs,), name="inputs"))
    for i, layer in enumerate(experiment.layers, start=1):
        model.add(keras.layers.Dense(layer.units, activation=layer.activation, name=f"hidden_{i}"))
        if layer.dropout > 0:
            model.add(keras.layers.Dropout(layer.dropout, name=f"dropout_{i}"))
    model.add(keras.layers.Dense(dataset.output_units, activation=experiment.output,
                                 name="output"))
    model.compile(optimizer=make_optimizer(experiment),
                  loss=LOSSES[experiment.loss].keras_name,
                  metrics=_keras_metrics(experiment))
    return model


def _keras_metrics(experiment: Experiment) -> list:
    # Keras's "accuracy" would compare ±1 targets with a 0.5 threshold and be wrong; the app
    # computes its own accuracy, and a saved model carries only metrics that mean something.
    if experiment.encoding == "signed":
        return []
    if experiment.encoding == "value":  # regression
        return ["mae"]
    return ["accuracy"]


def dense_layers(model) -> list:
    """The model's Dense layers in order (Dropout and the like carry no weights)."""
    return [layer for layer in model.layers if layer.get_weights()]
