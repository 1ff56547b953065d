"""Weights as a learner sees them: typed numbers, pasted matrices, edits, names, a hand-set neuron.

A weights list is what `model.get_weights()` returns: kernel, bias, kernel, bias… per Dense
layer, the kernel shaped (inputs, units). The tables in the app show each layer as one matrix
of `inputs + 1` rows — the kernel's rows, then the bias as the last row — so a pasted block of
numbers lands where it would in that table. Every edit returns a new list; nothing is changed in
place (the lists come from read-only report snapshots).
"""
from __future__ import annotations

import math
import re
from typing import Sequence

import numpy as np

#: Numbers in pasted text are separated by commas, semicolons, tabs, spaces or brackets.
_SEPARATORS = re.compile(r"[,;\s\[\]()]+")
#: The largest weight the model can hold: it keeps its weights in float32, where 1e300
#: would become inf and every output NaN.
LARGEST_WEIGHT = float(np.finfo(np.float32).max)


def parse_value(text: str) -> tuple[float | None, str]:
    """One typed weight -> (value, "") or (None, why not). Accepts a Unicode minus sign."""
    text = text.strip().replace("\u2212", "-")
    if not text:
        return None, "type a number"
    try:
        value = float(text)
    except ValueError:
        return None, f"'{text}' is not a number"
    if not math.isfinite(value):
        return None, "must be a finite number"
    return value, ""


def _too_large(value: float) -> str:
    return (f"{value:g} is too large for a weight: the model keeps float32 numbers, at most "
            f"±{LARGEST_WEIGHT:.1e} in size")


def parse_weight(text: str) -> tuple[float | None, str]:
    """One typed weight -> (value, "") or (None, why not): a finite number float32 holds."""
    value, message = parse_value(text)
    if not message and abs(value) > LARGEST_WEIGHT:
        return None, _too_large(value)
    return value, message


def parse_block(text: str) -> tuple[np.ndarray | None, str]:
    """Pasted numbers -> a 2-D block, one row per line (or per `[...]` / ';' group).

    Accepts spreadsheet text (tabs), "1, 1" lists and NumPy / Python reprs such as
    "[[1], [1]]" or "[[0.1 0.2]\\n [0.3 0.4]]". Rows must have equal lengths.
    """
    text = text.strip().replace("\u2212", "-")
    if not text:
        return None, "nothing to paste"
    if text.startswith("["):
        # A repr: the innermost brackets are the rows ("[1, 2]" alone is one row).
        inner = re.findall(r"\[([^\[\]]*)\]", text)
        lines = inner if inner else [text]
    else:
        lines = re.split(r"[\n;]+", text)
    rows = []
    for line in lines:
        cells = [cell for cell in _SEPARATORS.split(line) if cell]
        if not cells:
            continue
        row = []
        for cell in cells:
            value, message = parse_value(cell)
            if message:
                return None, message
            row.append(value)
        rows.append(row)
    if not rows:
        return None, "nothing to paste"
    if len({len(row) for row in rows}) != 1:
        return None, "every row must have the same number of values"
    return np.array(rows, np.float64), ""


def parse_row(text: str, size: int) -> tuple[np.ndarray | None, str]:
    """A typed input like "0.3, 0.1" -> a vector of `size` numbers, or (None, why not)."""
    block, message = parse_block(text)
    if message:
        return None, message
    values = block.reshape(-1)
    if values.size != size:
        return None, f"expected {size} number{'s' if size != 1 else ''}, got {values.size}"
    return values, ""


# ----- a layer as one table: kernel rows, then the bias row ---------------------------------

def layer_count(weights: Sequence[np.ndarray]) -> int:
    return len(weights) // 2


def layer_table(weights: Sequence[np.ndarray], layer: int) -> np.ndarray:
    """Layer `layer`'s kernel with its bias appended as the last row: (inputs + 1, units)."""
    kernel, bias = weights[2 * layer], weights[2 * layer + 1]
    return np.vstack([np.asarray(kernel, np.float64), np.asarray(bias, np.float64)[None]])


def with_block(weights: Sequence[np.ndarray], layer: int, row: int, column: int,
               block) -> tuple[list[np.ndarray] | None, str]:
    """A copy of `weights` with `block` written into layer `layer`'s table at (row, column).

    Row `inputs` of the table is the bias. Returns (None, why) when the block does not fit.
    """
    block = np.atleast_2d(np.asarray(block, np.float64))
    table = layer_table(weights, layer)
    rows, columns = table.shape
    if not (0 <= row < rows and 0 <= column < columns):
        return None, f"no cell at row {row + 1}, column {column + 1}"
    if row + block.shape[0] > rows or column + block.shape[1] > columns:
        return None, (f"a {block.shape[0]}×{block.shape[1]} block pasted at row {row + 1}, "
                      f"column {column + 1} does not fit the {rows}×{columns} table "
                      "(kernel rows and the bias row)")
    if not np.all(np.isfinite(block)):
        return None, "must be finite numbers"
    if np.any(np.abs(block) > LARGEST_WEIGHT):
        return None, _too_large(float(block.flat[np.argmax(np.abs(block))]))
    table[row:row + block.shape[0], column:column + block.shape[1]] = block
    result = [np.array(w, np.float32, copy=True) for w in weights]
    kernel = result[2 * layer]
    result[2 * layer] = table[:-1].astype(np.float32).reshape(kernel.shape)
    result[2 * layer + 1] = table[-1].astype(np.float32)
    return result, ""


def with_value(weights: Sequence[np.ndarray], layer: int, row: int, column: int,
               value: float) -> tuple[list[np.ndarray] | None, str]:
    """A copy of `weights` with one table cell (kernel or bias) set to `value`."""
    return with_block(weights, layer, row, column, [[value]])


def same_shapes(current: Sequence[np.ndarray], new: Sequence[np.ndarray]) -> str:
    """"" when `new` can replace `current` in the model, else why not."""
    if len(current) != len(new):
        return f"expected {len(current)} arrays (kernel and bias per layer), got {len(new)}"
    for i, (a, b) in enumerate(zip(current, new)):
        if np.shape(a) != np.shape(b):
            what = "kernel" if i % 2 == 0 else "bias"
            return (f"layer {i // 2 + 1} {what}: expected shape {np.shape(a)}, "
                    f"got {np.shape(b)}")
    return ""


# ----- names ---------------------------------------------------------------------------------

def unit_names(layer_sizes: Sequence[int], feature_names: Sequence[str] = ()) -> list[list[str]]:
    """Names for the inputs and every layer's neurons: [[x1, x2], [h1 … h5], [y]].

    `layer_sizes` counts the units of each Dense layer (hidden layers, then the output). One
    hidden layer gives h1, h2…; several give h1.1, h1.2…, h2.1…; the output is y (y1, y2… when
    it has several units). Inputs keep their feature names.
    """
    sizes = list(layer_sizes)
    names = [list(feature_names)]
    hidden = len(sizes) - 1
    for k, units in enumerate(sizes[:-1], start=1):
        prefix = "h" if hidden == 1 else f"h{k}."
        names.append([f"{prefix}{j}" for j in range(1, units + 1)])
    if sizes:
        out = sizes[-1]
        names.append(["y"] if out == 1 else [f"y{j}" for j in range(1, out + 1)])
    return names


def layer_sizes(weights: Sequence[np.ndarray]) -> list[int]:
    return [int(np.shape(weights[2 * i + 1])[0]) for i in range(layer_count(weights))]


# ----- seed 002: a neuron set by hand --------------------------------------------------------

def hand_set_neuron(inputs: int, threshold: float) -> list[np.ndarray]:
    """Seed 002's perfect model for sum-threshold: one neuron, every weight 1, bias −t.

    Its output tanh(x1 + … + xn − t) is positive exactly when the inputs sum above t; this is
    `model.set_weights([np.ones((n, 1)), np.array([-t])])`.
    """
    return [np.ones((inputs, 1), np.float32), np.array([-threshold], np.float32)]


def glorot_uniform(weights: Sequence[np.ndarray], seed: int | None = None) -> list[np.ndarray]:
    """Fresh weights shaped like `weights`, drawn as Keras's Dense does by default
    (Glorot-uniform kernels, zero biases)."""
    generator = np.random.default_rng(seed)
    result = []
    for i, w in enumerate(weights):
        shape = np.shape(w)
        if i % 2 == 0:
            limit = math.sqrt(6.0 / (shape[0] + shape[1]))
            result.append(generator.uniform(-limit, limit, shape).astype(np.float32))
        else:
            result.append(np.zeros(shape, np.float32))
    return result


def format_value(value: float, decimals: int = 4) -> str:
    """How a weight or activation is shown: four decimals like the seed, never "-0.0000".

    An ASCII minus, so shown numbers can be copied into Python as they are."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def exact_text(value: float) -> str:
    """The shortest text that gives back the same float32 (what a cell's editor starts with)."""
    return np.format_float_positional(np.float32(value), trim="-")
