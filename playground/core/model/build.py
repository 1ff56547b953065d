"""Experiment + Dataset -> a compiled, plain `keras.Model` (a Sequential, as in the seeds)."""
from __future__ import annotations

from playground.core.data.dataset import Dataset
from playground.core.experiment import LOSSES, Experiment
from playground.core.layers import CHANNELS, Layer, is_spatial
from playground.core.model.runtime import load


def make_optimizer(experiment: Experiment):
    _, keras = load()
    lr = float(experiment.learning_rate)  # Keras rejects an int (e.g. from `learning_rate=1`)
    if experiment.optimizer == "sgd":
        optimizer = keras.optimizers.SGD(learning_rate=lr, momentum=experiment.momentum)
    elif experiment.optimizer == "adam":
        optimizer = keras.optimizers.Adam(learning_rate=lr)
    elif experiment.optimizer == "rmsprop":
        optimizer = keras.optimizers.RMSprop(learning_rate=lr)
    elif experiment.optimizer == "adagrad":
        optimizer = keras.optimizers.Adagrad(learning_rate=lr)
    else:
        raise ValueError(f"unknown optimizer {experiment.optimizer!r}")
    return _without_replica_sum(optimizer)


def _without_replica_sum(optimizer):
    """`optimizer`, minus its sum of gradients over replicas when there is one replica.

    Keras sums gradients over replicas with `tf.custom_gradient`, which inside a traced function
    registers a gradient function in TensorFlow's global registry that holds the whole traced
    graph: ~4 MB never freed per model (issue 12, item 3; benchmarks/bench_memory.py). With no
    distribution strategy the sum is the gradient itself, so the update is bit for bit the same.
    """
    tf, _ = load()
    summed = getattr(optimizer, "_all_reduce_sum_gradients", None)
    if summed is None:  # another Keras backend: nothing to skip
        return optimizer

    def one_replica(grads_and_vars):
        return summed(grads_and_vars) if tf.distribute.has_strategy() else list(grads_and_vars)

    optimizer._all_reduce_sum_gradients = one_replica
    return optimizer


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
    if is_spatial(experiment.layers):  # rows stay flat in the data; a conv stack sees pictures
        model.add(keras.layers.Reshape((*dataset.image_shape, CHANNELS), name="image"))
    for i, layer in enumerate(experiment.layers, start=1):
        for keras_layer in keras_layers(layer, i, dense_options(experiment)):
            model.add(keras_layer)
    model.add(keras.layers.Dense(dataset.output_units, activation=experiment.output,
                                 name="output", **dense_options(experiment)))
    model.compile(optimizer=make_optimizer(experiment),
                  loss=LOSSES[experiment.loss].keras_name,
                  metrics=_keras_metrics(experiment))
    return model


def dense_options(experiment: Experiment) -> dict:
    """Keras arguments of every Dense layer: the kernels' initialisation and penalty."""
    _, keras = load()
    options = {}
    init = getattr(experiment, "init", "glorot")
    if init != "glorot":
        options["kernel_initializer"] = (keras.initializers.RandomNormal(stddev=0.01)
                                         if init == "small" else
                                         {"he": "he_normal", "zeros": "zeros"}[init])
    l1, l2 = getattr(experiment, "l1", 0.0), getattr(experiment, "l2", 0.0)
    if l1 or l2:
        options["kernel_regularizer"] = keras.regularizers.L1L2(l1=float(l1), l2=float(l2))
    return options


def keras_layers(layer: Layer, i: int, options: dict | None = None) -> list:
    """The Keras layers for the experiment's layer number `i` (from 1), named so a saved model
    reads back layer by layer."""
    _, keras = load()
    if layer.kind == "conv":
        return [keras.layers.Conv2D(layer.filters, layer.kernel_size, activation=layer.activation,
                                    padding=layer.padding, name=f"conv_{i}")]
    if layer.kind == "pool":
        return [keras.layers.MaxPooling2D(layer.pool_size, name=f"pool_{i}")]
    if layer.kind == "flatten":
        return [keras.layers.Flatten(name=f"flatten_{i}")]
    if layer.kind == "dropout":
        return [keras.layers.Dropout(layer.dropout, name=f"dropout_{i}")]
    dense = [keras.layers.Dense(layer.units, activation=layer.activation, name=f"hidden_{i}",
                                **(options or {}))]
    if layer.dropout > 0:
        dense.append(keras.layers.Dropout(layer.dropout, name=f"dropout_{i}"))
    return dense


def _keras_metrics(experiment: Experiment) -> list:
    # Keras's "accuracy" would compare ±1 targets with a 0.5 threshold and be wrong; the app
    # computes its own accuracy, and a saved model carries only metrics that mean something.
    if experiment.encoding == "signed":
        return []
    if experiment.encoding == "value":  # regression
        return ["mae"]
    return ["accuracy"]


def dense_layers(model) -> list:
    """The model's layers with weights in order (Dense and Conv2D; Dropout, pooling and the
    like carry none)."""
    return [layer for layer in model.layers if layer.get_weights()]
