"""What the network looks at (issue 17): saliency maps of one picture for one class, in NumPy
from a weight snapshot, for Dense and convolutional networks alike.

`gradient` is the gradient of the class's output (its probability for a softmax) with respect
to every pixel, by the chain rule back through the steps `run_steps` follows (tests compare it
with TensorFlow's GradientTape on the same model). `smoothgrad` averages it over noisy copies of
the picture (Smilkov et al. 2017), which removes much of its speckle. `occlusion` greys out one
square at a time and records how much the class's output drops: slower, but it needs no
gradient and says the same thing in plainer terms.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from playground.core.inspection.feature_maps import conv2d, max_pool

#: SmoothGrad's defaults: noise of 15 % of the pixel range, 25 copies.
SMOOTH_NOISE = 0.15
SMOOTH_SAMPLES = 25


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    from playground.core.inspection.forward import ACTIVATION_FUNCTIONS

    return ACTIVATION_FUNCTIONS[name](z)


def _back_activation(name: str, z: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """dL/dz from dL/da for activation `name` (a = name(z)); softmax over the last axis."""
    if name == "relu":
        return g * (z > 0)
    if name == "tanh":
        return g * (1 - a * a)
    if name == "sigmoid":
        return g * a * (1 - a)
    if name == "softmax":
        return a * (g - np.sum(g * a, axis=-1, keepdims=True))
    return g


def gradient(weights: Sequence[np.ndarray], steps: Sequence[str], rows, unit: int) -> np.ndarray:
    """d output[unit] / d input for each row of `rows` (flat), shape like `rows`."""
    h = np.asarray(rows, np.float64)
    arrays = [np.asarray(w, np.float64) for w in weights]
    taken, tape = 0, []
    for step in steps:  # forward, keeping what the way back needs
        words = step.split()
        if words[0] == "image":
            tape.append(("reshape", h.shape))
            h = h.reshape(len(h), *(int(v) for v in words[1:]))
        elif words[0] == "flatten":
            tape.append(("reshape", h.shape))
            h = h.reshape(len(h), -1)
        elif words[0] == "pool":
            size = int(words[1])
            out = max_pool(h, size)
            tape.append(("pool", h, out, size))
            h = out
        else:
            kernel, bias = arrays[taken], arrays[taken + 1]
            taken += 2
            if words[0] == "conv":
                z = conv2d(h, kernel, bias, words[2])
                a = _activate(words[1], z)
                tape.append(("conv", h.shape, kernel, words[2], words[1], z, a))
            else:
                if h.ndim > 2:
                    tape.append(("reshape", h.shape))
                    h = h.reshape(len(h), -1)
                z = h @ kernel + bias
                a = _activate(words[0], z)
                tape.append(("dense", kernel, words[0], z, a))
            h = a
    g = np.zeros_like(h)
    g[:, unit] = 1.0
    for entry in reversed(tape):
        if entry[0] == "reshape":
            g = g.reshape(entry[1])
        elif entry[0] == "dense":
            _, kernel, name, z, a = entry
            g = _back_activation(name, z, a, g) @ kernel.T
        elif entry[0] == "pool":
            g = _back_pool(*entry[1:], g)
        else:
            _, shape, kernel, padding, name, z, a = entry
            g = _back_conv(shape, kernel, padding, _back_activation(name, z, a, g))
    return g.reshape(np.shape(rows))


def _back_pool(x: np.ndarray, out: np.ndarray, size: int, g: np.ndarray) -> np.ndarray:
    """Each pool's gradient goes to the first place holding its maximum (as TensorFlow does)."""
    n, h, w, c = x.shape
    h2, w2 = out.shape[1:3]
    windows = x[:, :h2 * size, :w2 * size].reshape(n, h2, size, w2, size, c)
    windows = windows.transpose(0, 1, 3, 5, 2, 4).reshape(n, h2, w2, c, size * size)
    first = np.argmax(windows, axis=-1)
    back = np.zeros((n, h2, w2, c, size * size))
    np.put_along_axis(back, first[..., None], g[..., None], axis=-1)
    back = back.reshape(n, h2, w2, c, size, size).transpose(0, 1, 4, 2, 5, 3)
    result = np.zeros_like(x)
    result[:, :h2 * size, :w2 * size] = back.reshape(n, h2 * size, w2 * size, c)
    return result


def _back_conv(shape, kernel: np.ndarray, padding: str, gz: np.ndarray) -> np.ndarray:
    """dL/dinput of a stride-1 Conv2D from dL/dz: every kernel offset adds its share."""
    n, h, w, c = shape
    k = kernel.shape[0]
    before = (k - 1) // 2 if padding == "same" else 0
    after = k - 1 - before if padding == "same" else 0
    padded = np.zeros((n, h + before + after, w + before + after, c))
    oh, ow = gz.shape[1:3]
    for i in range(k):
        for j in range(k):
            padded[:, i:i + oh, j:j + ow] += gz @ kernel[i, j].T
    return padded[:, before:before + h, before:before + w]


def smoothgrad(weights, steps, row, unit: int, noise: float = SMOOTH_NOISE,
               samples: int = SMOOTH_SAMPLES, seed: int = 0) -> np.ndarray:
    """The mean gradient over `samples` copies of `row` with Gaussian noise of `noise` times
    the row's range (Smilkov et al.); shape like `row`."""
    row = np.asarray(row, np.float64).reshape(-1)
    spread = noise * (float(row.max() - row.min()) or 1.0)
    rng = np.random.default_rng(seed)
    noisy = row[None] + rng.normal(0.0, spread, (samples, row.size))
    return gradient(weights, steps, noisy, unit).mean(axis=0)


def occlusion(weights, steps, row, unit: int, image_shape=(28, 28), patch: int = 4,
              fill: float = 0.0) -> np.ndarray:
    """How much output[unit] drops when each `patch`×`patch` square is set to `fill`, spread
    over the square's pixels: shape `image_shape` (positive: the square helped the class)."""
    from playground.core.inspection.forward import forward

    picture = np.asarray(row, np.float64).reshape(image_shape)
    height, width = image_shape
    squares = [(i, j) for i in range(0, height, patch) for j in range(0, width, patch)]
    copies = np.repeat(picture[None], len(squares), axis=0)
    for n, (i, j) in enumerate(squares):
        copies[n, i:i + patch, j:j + patch] = fill
    base = forward(weights, steps, picture.reshape(1, -1))[0, unit]
    drops = base - forward(weights, steps, copies.reshape(len(squares), -1))[:, unit]
    result = np.zeros(image_shape)
    for drop, (i, j) in zip(drops, squares):
        result[i:i + patch, j:j + patch] = drop
    return result
