"""The layers an experiment stacks before its output layer, each of a kind.

dense (units, activation, optional dropout after it), conv (a Conv2D: filters, kernel size,
activation, padding), pool (MaxPooling2D of `pool_size`), flatten, dropout (`dropout` is the
rate). A layer without a kind is dense, so `Layer(4, "tanh")` and every experiment file written
before kinds existed read as before. Image rows are stored flat (784 values); a stack with a
conv or pool layer sees them reshaped to (28, 28, 1) first, as Keras's mnist_convnet does.

`stack_shapes` walks a stack as `model.summary()` would (the shape after every layer and its
parameter count) and names the first layer that cannot follow: "layer 3: a pool of 2 shrinks
1×1 below 1×1", "layer 4: Dense before Flatten on image rows".
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
KINDS = ("dense", "conv", "pool", "flatten", "dropout")
PADDINGS = ("valid", "same")
#: The settings each kind has (what the JSON holds and the layer table shows for it).
KIND_FIELDS = {
    "dense": ("units", "activation", "dropout"),
    "conv": ("filters", "kernel_size", "activation", "padding"),
    "pool": ("pool_size",),
    "flatten": (),
    "dropout": ("dropout",),
}
#: Kinds that need image rows (a 2-D picture with channels).
SPATIAL = ("conv", "pool")
KIND_LABELS = {"dense": "Dense", "conv": "Conv2D", "pool": "MaxPooling2D", "flatten": "Flatten",
               "dropout": "Dropout"}
#: Image rows are single-channel pictures.
CHANNELS = 1


@dataclass(frozen=True)
class Layer:
    """One layer. Positional arguments are a Dense layer's (units, activation, dropout)."""

    units: int = 4
    activation: str = "tanh"
    #: dense: Dropout rate after the layer (0 = none); dropout: the rate.
    dropout: float = 0.0
    kind: str = "dense"
    filters: int = 32
    kernel_size: int = 3
    padding: str = "valid"
    pool_size: int = 2

    @property
    def label(self) -> str:
        """How a learner would say it: "Dense 4 tanh", "Conv2D 32 3×3 relu", "MaxPooling2D 2×2"."""
        if self.kind == "conv":
            same = ", same" if self.padding == "same" else ""
            return f"Conv2D {self.filters} {self.kernel_size}×{self.kernel_size} " \
                   f"{self.activation}{same}"
        if self.kind == "pool":
            return f"MaxPooling2D {self.pool_size}×{self.pool_size}"
        if self.kind == "flatten":
            return "Flatten"
        if self.kind == "dropout":
            return f"Dropout {self.dropout:g}"
        extra = f" + dropout {self.dropout:g}" if self.dropout else ""
        return f"Dense {self.units} {self.activation}{extra}"

    def to_dict(self) -> dict:
        """The JSON for this layer: only its kind's settings (a dense one has no "kind" key, so
        files of dense networks read in versions that predate kinds)."""
        data = {name: getattr(self, name) for name in KIND_FIELDS.get(self.kind, ())}
        return data if self.kind == "dense" else {"kind": self.kind, **data}


def dense(units: int, activation: str = "relu", dropout: float = 0.0) -> Layer:
    return Layer(units, activation, dropout)


def conv(filters: int, kernel_size: int = 3, activation: str = "relu",
         padding: str = "valid") -> Layer:
    return Layer(kind="conv", filters=filters, kernel_size=kernel_size, activation=activation,
                 padding=padding)


def pool(size: int = 2) -> Layer:
    return Layer(kind="pool", pool_size=size)


def flatten() -> Layer:
    return Layer(kind="flatten")


def dropout(rate: float) -> Layer:
    return Layer(kind="dropout", dropout=rate)


def is_spatial(layers: Sequence[Layer]) -> bool:
    """Whether the stack sees image rows as pictures (it has a conv or pool layer)."""
    return any(layer.kind in SPATIAL for layer in layers)


def is_dense_only(layers: Sequence[Layer]) -> bool:
    """Whether NumPy inspection can follow the network: Dense layers (and Dropout) only."""
    return all(layer.kind in ("dense", "dropout", "flatten") for layer in layers)


@dataclass(frozen=True)
class LayerShape:
    """A row of `model.summary()`: the layer, the shape after it (no batch axis), its weights."""

    label: str
    shape: tuple[int, ...]
    params: int


@dataclass(frozen=True)
class StackProblem:
    """The first layer that cannot follow (index into the stack; -1 = the output layer)."""

    index: int
    field: str
    message: str


def _fmt_shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(d) for d in shape)


def stack_shapes(layers: Sequence[Layer], n_inputs: int, image_shape: tuple[int, ...] = (),
                 output_units: int = 0) -> tuple[list[LayerShape], StackProblem | None]:
    """Shapes and parameter counts after each layer (then the output Dense when
    `output_units`), as `model.summary()`; stops at the first problem and returns it."""
    rows: list[LayerShape] = []
    if is_spatial(layers):
        if not image_shape:
            first = next(i for i, layer in enumerate(layers) if layer.kind in SPATIAL)
            return rows, StackProblem(first, "kind", f"layer {first + 1}: "
                                      f"{KIND_LABELS[layers[first].kind]} needs image data "
                                      "(these rows are not pictures)")
        shape: tuple[int, ...] = (*image_shape, CHANNELS)
    else:
        shape = (n_inputs,)
    for i, layer in enumerate(layers):
        name = f"layer {i + 1}"
        params = 0
        if layer.kind == "dense":
            if len(shape) != 1:
                return rows, StackProblem(i, "kind", f"{name}: Dense before Flatten on image "
                                          f"rows (the input here is {_fmt_shape(shape)}; "
                                          "add a Flatten above it)")
            params = shape[0] * layer.units + layer.units
            shape = (layer.units,)
        elif layer.kind in SPATIAL:
            if len(shape) != 3:
                return rows, StackProblem(i, "kind", f"{name}: {KIND_LABELS[layer.kind]} after "
                                          "Flatten or Dense (its input is a flat row of "
                                          f"{shape[0]}, not a picture)")
            height, width, channels = shape
            if layer.kind == "conv":
                k = layer.kernel_size
                if layer.padding == "valid" and (k > height or k > width):
                    return rows, StackProblem(i, "kernel_size", f"{name}: a {k}×{k} kernel "
                                              f"does not fit a {height}×{width} input (padding "
                                              "'same' keeps the size)")
                if layer.padding == "valid":
                    height, width = height - k + 1, width - k + 1
                params = k * k * channels * layer.filters + layer.filters
                shape = (height, width, layer.filters)
            else:
                p = layer.pool_size
                if p > height or p > width:
                    return rows, StackProblem(i, "pool_size", f"{name}: a pool of {p} shrinks "
                                              f"{height}×{width} below 1×1")
                shape = (height // p, width // p, channels)
        elif layer.kind == "flatten":
            shape = (math.prod(shape),)
        rows.append(LayerShape(layer.label, shape, params))
    if output_units:
        if len(shape) != 1:
            last = len(layers) - 1
            return rows, StackProblem(last, "kind", f"layer {last + 1}: the output layer is "
                                      f"Dense, so the {_fmt_shape(shape)} pictures need a "
                                      "Flatten after this layer")
        rows.append(LayerShape(f"Dense {output_units} (output)", (output_units,),
                               shape[0] * output_units + output_units))
    return rows, None


def parse_layers(text: str) -> tuple[tuple[Layer, ...], list[tuple[int, str]]]:
    """'conv 32 3 relu, pool 2, flatten, dropout 0.5, dense 128 relu' -> layers, or problems
    as (index, message). Numbers are checked by the experiment's field table afterwards."""
    layers: list[Layer] = []
    problems: list[tuple[int, str]] = []
    parts = [part.strip() for part in text.split(",")]
    if parts == [""] or [p.lower() for p in parts] == ["none"]:
        return (), []
    for i, part in enumerate(parts):
        words = part.split()
        kind = words[0].lower() if words else ""
        args = words[1:]
        usage = {"dense": "dense UNITS [ACTIVATION] [DROPOUT]",
                 "conv": "conv FILTERS [KERNEL] [ACTIVATION] [same|valid]",
                 "pool": "pool [SIZE]", "flatten": "flatten", "dropout": "dropout RATE"}
        aliases = {"conv2d": "conv", "maxpool": "pool", "maxpooling2d": "pool", "max": "pool"}
        kind = aliases.get(kind, kind)
        if kind not in KINDS:
            problems.append((i, f"'{part}' is not a layer; write one of: "
                                + "; ".join(usage.values())))
            continue
        try:
            layers.append(_parse_one(kind, args))
        except (ValueError, IndexError):
            problems.append((i, f"'{part}': expected {usage[kind]}"))
    return tuple(layers), problems


def _parse_one(kind: str, args: list[str]) -> Layer:
    def number(text: str, cast):
        value = float(text)
        if cast is int and not value.is_integer():
            raise ValueError(text)
        return cast(value)

    if kind == "dense":
        if not 1 <= len(args) <= 3:
            raise ValueError(args)
        activation = args[1].lower() if len(args) > 1 else "relu"
        rate = number(args[2], float) if len(args) > 2 else 0.0
        return Layer(number(args[0], int), activation, rate)
    if kind == "conv":
        if not 1 <= len(args) <= 4:
            raise ValueError(args)
        words = [a.lower() for a in args[1:]]
        size = number(words.pop(0).split("x")[0], int) if words and words[0][0].isdigit() else 3
        padding = words.pop() if words and words[-1] in PADDINGS else "valid"
        activation = words.pop(0) if words else "relu"
        if words:
            raise ValueError(words)
        return conv(number(args[0], int), size, activation, padding)
    if kind == "pool":
        if len(args) > 1:
            raise ValueError(args)
        return pool(number(args[0].split("x")[0], int) if args else 2)
    if kind == "flatten":
        if args:
            raise ValueError(args)
        return flatten()
    if len(args) != 1:
        raise ValueError(args)
    return dropout(number(args[0], float))


def layers_text(layers: Sequence[Layer]) -> str:
    """The `--layers` text for a stack (parse_layers reads it back)."""
    parts = []
    for layer in layers:
        if layer.kind == "conv":
            same = " same" if layer.padding == "same" else ""
            parts.append(f"conv {layer.filters} {layer.kernel_size} {layer.activation}{same}")
        elif layer.kind == "pool":
            parts.append(f"pool {layer.pool_size}")
        elif layer.kind in ("flatten",):
            parts.append("flatten")
        elif layer.kind == "dropout":
            parts.append(f"dropout {layer.dropout:g}")
        else:
            rate = f" {layer.dropout:g}" if layer.dropout else ""
            parts.append(f"dense {layer.units} {layer.activation}{rate}")
    return ", ".join(parts) or "none"


#: Keras's mnist_convnet example (https://keras.io/examples/vision/mnist_convnet/).
MNIST_CONVNET = (conv(32, 3, "relu"), pool(2), conv(64, 3, "relu"), pool(2), flatten(),
                 dropout(0.5))


def row_costs(layers: Sequence[Layer], n_inputs: int, image_shape: tuple[int, ...] = (),
              output_units: int = 1) -> tuple[int, int]:
    """(multiply-adds of one row's forward pass, the most values one layer outputs for a row).

    A Dense layer's multiply-adds are its weights; a conv layer reuses its kernel at every
    position, so the convnet's 35,000 weights cost 2.4 million multiply-adds a row. The trainer
    picks its schedule and its evaluation chunk from these (0, 0 for a stack that cannot build).
    """
    rows, problem = stack_shapes(layers, n_inputs, image_shape, output_units)
    if problem:
        return 0, 0
    work, largest = 0, n_inputs
    for row in rows:
        size = math.prod(row.shape)
        largest = max(largest, size)
        if row.params:  # weights minus biases (one per output channel or unit), at each place
            channels = row.shape[-1]
            work += (size // channels) * (row.params - channels)
    return work, largest
