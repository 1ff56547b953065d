"""Convolutional networks in NumPy, from a snapshot of their weights (issue 17).

`forward` in forward.py takes a weights list and one activation per Dense layer; a network with
conv or pool layers is described instead by steps, one word group each, so the same weights
list and the same call evaluate it: "image 28 28 1" (flat rows as pictures), "conv relu valid"
(takes a kernel and a bias), "pool 2", "flatten", and a bare activation for each Dense layer.
`steps_of(experiment)` writes them; `run_steps` follows them, and `feature_maps` keeps what each
conv and pool layer outputs for a picture (the Filters view draws them). Tests check the outputs
against `model.predict`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from playground.core.layers import CHANNELS, is_spatial


def steps_of(experiment, image_shape: tuple[int, ...] = (28, 28)) -> list[str]:
    """The steps of `experiment`'s network (just the Dense activations for a dense one)."""
    steps = [f"image {image_shape[0]} {image_shape[1]} {CHANNELS}"] \
        if is_spatial(experiment.layers) else []
    for layer in experiment.layers:
        if layer.kind == "conv":
            steps.append(f"conv {layer.activation} {layer.padding}")
        elif layer.kind == "pool":
            steps.append(f"pool {layer.pool_size}")
        elif layer.kind == "flatten":
            steps.append("flatten")
        elif layer.kind == "dense":
            steps.append(layer.activation)
    return steps + [experiment.output]


def is_stepped(activations: Sequence[str]) -> bool:
    """Whether an activations list describes a network with steps beyond Dense layers."""
    return any(" " in step or step == "flatten" for step in activations)


def conv2d(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray, padding: str) -> np.ndarray:
    """Keras's Conv2D (stride 1): x (n, h, w, c), kernel (k, k, c, filters)."""
    k = kernel.shape[0]
    if padding == "same":  # Keras pads the extra row and column at the bottom and right
        before = (k - 1) // 2
        x = np.pad(x, ((0, 0), (before, k - 1 - before), (before, k - 1 - before), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(1, 2))
    # windows: (n, h', w', c, k, k) -> (n, h', w', k, k, c) to match the kernel's axes
    patches = windows.transpose(0, 1, 2, 4, 5, 3)
    n, h, w = patches.shape[:3]
    flat = patches.reshape(n * h * w, -1)
    return (flat @ kernel.reshape(-1, kernel.shape[-1]) + bias).reshape(n, h, w, -1)


def max_pool(x: np.ndarray, size: int) -> np.ndarray:
    """Keras's MaxPooling2D (stride = size, 'valid'): the rest that does not fill a pool goes."""
    n, h, w, c = x.shape
    h2, w2 = h // size, w // size
    x = x[:, :h2 * size, :w2 * size]
    return x.reshape(n, h2, size, w2, size, c).max(axis=(2, 4))


@dataclass(frozen=True)
class FeatureMap:
    """What one conv or pool layer outputs for one picture: (height, width, channels)."""

    step: str
    values: np.ndarray


def run_steps(weights: Sequence[np.ndarray], steps: Sequence[str], x,
              keep: list | None = None, logits: list | None = None) -> np.ndarray:
    """Outputs for rows `x` (flat); conv and pool outputs are appended to `keep` if given, the
    output layer's sums before its activation to `logits`."""
    from playground.core.inspection.forward import ACTIVATION_FUNCTIONS

    h = np.asarray(x, dtype=np.float64)
    arrays = [np.asarray(w, np.float64) for w in weights]
    taken = 0
    for step in steps:
        words = step.split()
        if words[0] == "image":
            h = h.reshape(len(h), *(int(v) for v in words[1:]))
        elif words[0] == "conv":
            kernel, bias = arrays[taken], arrays[taken + 1]
            taken += 2
            h = ACTIVATION_FUNCTIONS[words[1]](conv2d(h, kernel, bias, words[2]))
        elif words[0] == "pool":
            h = max_pool(h, int(words[1]))
        elif words[0] == "flatten":
            h = h.reshape(len(h), -1)
        else:
            kernel, bias = arrays[taken], arrays[taken + 1]
            taken += 2
            z = h.reshape(len(h), -1) @ kernel + bias
            h = ACTIVATION_FUNCTIONS[words[0]](z)
            if logits is not None and taken == len(arrays):
                logits.append(z)
        if keep is not None and words[0] in ("conv", "pool"):
            keep.append(FeatureMap(step, h))
    return h


#: Rows per slice when a conv network's outputs are handed out a slice at a time (the gallery:
#: ~50 ms a slice for mnist_convnet on one core).
STEPPED_ROWS = 32


def stepped_chunks(weights, steps, x, rows: int = STEPPED_ROWS):
    """(outputs, logits) of a conv network for `x`, `rows` rows at a time, as float32."""
    for start in range(0, len(x), rows):
        logits: list = []
        out = run_steps(weights, steps, x[start:start + rows], logits=logits)
        yield out.astype(np.float32), logits[0].astype(np.float32)


def feature_maps(weights: Sequence[np.ndarray], steps: Sequence[str], row) -> list[FeatureMap]:
    """Each conv and pool layer's output for one flat row (a picture), in order."""
    kept: list[FeatureMap] = []
    run_steps(weights, steps, np.asarray(row).reshape(1, -1), kept)
    return [FeatureMap(m.step, m.values[0]) for m in kept]


def first_layer_pictures(weights: Sequence[np.ndarray],
                         image_shape: tuple[int, int] = (28, 28)) -> np.ndarray:
    """The first layer's weights as pictures: an MLP's weights into each first hidden unit as an
    image of the input (units, 28, 28); a CNN's first kernels (filters, k, k), channel 0."""
    kernel = np.asarray(weights[0], np.float64)
    if kernel.ndim == 4:
        return kernel[:, :, 0, :].transpose(2, 0, 1)
    return kernel.T.reshape(kernel.shape[1], *image_shape)


DENSE_ONLY = ("{what} shows Dense networks, layer by layer; this network has Conv2D and pooling "
              "layers, whose weights are small filters rather than a table of rows and columns. "
              "Its predictions are in Test images and Draw, its filters and feature maps in "
              "Filters.")


def dense_only_note(weights: Sequence[np.ndarray], what: str) -> str:
    """"" when every weight is a Dense kernel or bias; else what the inspector cannot show."""
    return "" if all(np.ndim(w) <= 2 for w in weights) else DENSE_ONLY.format(what=what)
