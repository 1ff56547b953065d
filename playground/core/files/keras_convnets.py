"""Plain Keras convolutional networks read as the app's layers (issue 17).

A model made elsewhere, such as Keras's mnist_convnet example, opens when its layers are ones
the app builds: Conv2D (square kernel, stride 1, a bias, an activation the app has), MaxPooling2D
(square, stride = size), Flatten, Dropout and Dense, after a 28×28 (or 28×28×1, or flat 784 with
a Reshape) input. `keras_models.read_network` hands such models here.
"""
from __future__ import annotations

import math

import numpy as np

from playground.core.layers import ACTIVATIONS, Layer, conv, dropout, flatten, pool

CONV_KINDS = ("Conv2D", "MaxPooling2D", "Reshape")
SHOWN = ("Conv2D, MaxPooling2D, Flatten, Dropout and Dense layers on a 28×28 picture")


def has_conv(model) -> bool:
    return any(type(layer).__name__ in CONV_KINDS for layer in model.layers)


def _square(value, what: str, name: str, layer) -> int:
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(set(values)) != 1:
        raise _error(name, layer, f"its {what} {values} is not square")
    return int(values[0])


def _error(name: str, layer, why: str):
    from playground.core.files.experiment_file import PersistError

    return PersistError(f"{name}: layer '{layer.name}' ({type(layer).__name__}): {why}; the app "
                        f"shows {SHOWN}.")


def read_conv_network(model, name: str, network_type):
    """`network_type` (keras_models.Network) for a conv model, or PersistError naming the layer."""
    from playground.core.files.experiment_file import PersistError

    dims = tuple(model.input_shape[1:])
    if math.prod(d or 0 for d in dims) != 28 * 28:
        raise PersistError(f"{name}: input shape {tuple(model.input_shape)} is not a 28×28 "
                           "picture; the app's convolutional networks read MNIST-sized images.")
    layers: list[Layer] = []
    for layer in model.layers:
        kind = type(layer).__name__
        config = layer.get_config()
        activation = getattr(getattr(layer, "activation", None), "__name__", "linear")
        if kind in ("InputLayer", "Reshape"):
            continue
        if kind == "Conv2D":
            if _square(config.get("strides", 1), "stride", name, layer) != 1 \
                    or not config.get("use_bias", True) \
                    or _square(config.get("dilation_rate", 1), "dilation", name, layer) != 1:
                raise _error(name, layer, "the app's Conv2D layers have stride 1 and a bias")
            if activation not in ACTIVATIONS:
                raise _error(name, layer, f"the activation '{activation}' is not one of "
                                          f"{', '.join(ACTIVATIONS)}")
            layers.append(conv(int(layer.filters),
                               _square(config["kernel_size"], "kernel", name, layer),
                               activation, config.get("padding", "valid")))
        elif kind == "MaxPooling2D":
            size = _square(config["pool_size"], "pool size", name, layer)
            if _square(config.get("strides") or size, "stride", name, layer) != size \
                    or config.get("padding", "valid") != "valid":
                raise _error(name, layer, "the app's pools move by their size, unpadded")
            layers.append(pool(size))
        elif kind == "Flatten":
            layers.append(flatten())
        elif kind == "Dropout":
            last = layers[-1] if layers else None
            if last is not None and last.kind == "dense" and not last.dropout:
                layers[-1] = Layer(last.units, last.activation, float(layer.rate))
            else:
                layers.append(dropout(float(layer.rate)))
        elif kind == "Dense":
            if not layer.use_bias:
                raise _error(name, layer, "it has no bias")
            layers.append(Layer(int(layer.units), activation))
        else:
            raise _error(name, layer, "the app has no such layer")
    if not layers or layers[-1].kind != "dense" or layers[-1].dropout:
        raise PersistError(f"{name}: the app's networks end in a Dense output layer.")
    output = layers.pop()
    for i, layer in enumerate(layers, start=1):
        if layer.kind == "dense" and layer.activation not in ACTIVATIONS:
            raise PersistError(f"{name}: hidden layer {i} uses the activation "
                               f"'{layer.activation}'; the app has {', '.join(ACTIVATIONS)}.")
    weights = tuple(np.asarray(w) for layer in model.layers for w in layer.get_weights())
    return network_type(inputs=28 * 28, layers=tuple(layers), output=output.activation,
                        output_units=output.units, weights=weights)
