"""Judging an image classifier from a snapshot of its weights: NumPy only, no Qt, no TensorFlow.

The gallery, the confusion matrix and the probability panel all read one `Predictions`: the
softmax outputs for the test images, computed here from the weights a report carried (so the
GUI thread never touches the live model). A 784-512-512-10 network on 10,000 images costs
~0.3 s in float32, so `probability_chunks` hands the work out a slice at a time.

Numbers are written the way seed 001 saw Keras print them (`print(model.predict(x))` with the
NumPy of the time): eight decimals in scientific notation, `9.99916673e-01`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterator, Sequence

import numpy as np

from playground.core.inspection.feature_maps import is_stepped, stepped_chunks
from playground.core.inspection.forward import ACTIVATION_FUNCTIONS
from playground.core.inspection.metrics import loss_value

#: Rows per slice of `probability_chunks` (~30 ms for the 512-512 MLP on one core).
CHUNK_ROWS = 1000
#: A top probability above this prints as `1.` and the rest as `0.`: seed 001's "hard" answer.
HARD_ANSWER = 1.0 - 1e-6
#: Share of hard answers from which the gallery says the softmax is saturated.
SATURATED_SHARE = 0.05
#: Orders the gallery offers: key -> label.
ORDERS = {
    "index": "Test set order",
    "confident": "Most confident first",
    "unsure": "Least confident first",
}


# ----- predicting -------------------------------------------------------------------------------

def output_chunks(weights: Sequence[np.ndarray], activations: Sequence[str], x,
                  rows: int = CHUNK_ROWS) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(outputs, logits) for `x`, `rows` rows at a time, in float32 like Keras; the logits
    are the last layer's sums before its activation."""
    if is_stepped(activations):  # conv and pooling layers: smaller slices of the same work
        yield from stepped_chunks(weights, activations, x)
        return
    layers = [(np.asarray(weights[i], np.float32), np.asarray(weights[i + 1], np.float32))
              for i in range(0, len(weights), 2)]
    for start in range(0, len(x), rows):
        h = z = np.asarray(x[start:start + rows], np.float32)
        for (kernel, bias), activation in zip(layers, activations):
            z = h @ kernel + bias
            h = ACTIVATION_FUNCTIONS[activation](z)
        yield h, z


def probability_chunks(weights, activations, x, rows: int = CHUNK_ROWS) -> Iterator[np.ndarray]:
    """The network's outputs for `x`, `rows` rows at a time."""
    for outputs, _ in output_chunks(weights, activations, x, rows):
        yield outputs


def probabilities(weights, activations, x) -> np.ndarray:
    """All rows at once (tests, the command line); the GUI goes a slice at a time."""
    parts = list(probability_chunks(weights, activations, x))
    if not parts:
        return np.zeros((0, np.shape(weights[-1])[0]), np.float32)
    return np.concatenate(parts)


def predictions(weights, activations, x, labels) -> "Predictions":
    """`Predictions` for all rows at once, with Keras's exact loss from the logits."""
    parts = list(output_chunks(weights, activations, x))
    units = np.shape(weights[-1])[0]
    probs = np.concatenate([p for p, _ in parts]) if parts else np.zeros((0, units), np.float32)
    logits = np.concatenate([z for _, z in parts]) if parts else probs
    softmax = activations[-1] == "softmax"
    return Predictions(probs, np.asarray(labels), logits if softmax else None)


def cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Mean categorical cross-entropy from probabilities, clipped as Keras does then."""
    return loss_value(probs, labels, "sparse_categorical_crossentropy", "sparse", 0)


def cross_entropy_from_logits(logits: np.ndarray, labels: np.ndarray) -> float:
    """Mean cross-entropy of softmax(logits): what Keras computes for a softmax layer's output
    (it takes the logits behind it, so no clipping: a sure wrong answer can cost far more
    than -log(1e-7))."""
    if len(labels) == 0:
        return float("nan")
    z = np.asarray(logits, np.float64)
    top = z.max(axis=1)
    log_sum = top + np.log(np.exp(z - top[:, None]).sum(axis=1))
    return float((log_sum - z[np.arange(len(labels)), labels]).mean())


def confusion_matrix(labels, predicted, n_classes: int) -> np.ndarray:
    """counts[true, predicted]: how many images of each true class got each answer."""
    counts = np.zeros((n_classes, n_classes), np.int64)
    np.add.at(counts, (np.asarray(labels), np.asarray(predicted)), 1)
    return counts


@dataclass(frozen=True, eq=False)
class Predictions:
    """Softmax outputs for a set of labelled images, with what the views derive from them."""

    probabilities: np.ndarray  # rows × classes
    labels: np.ndarray
    #: The softmax layer's inputs, when known: the loss then matches Keras's exactly.
    logits: np.ndarray | None = None

    @property
    def n_classes(self) -> int:
        return int(self.probabilities.shape[1])

    def __len__(self) -> int:
        return len(self.labels)

    @cached_property
    def predicted(self) -> np.ndarray:
        return self.probabilities.argmax(axis=1)

    @cached_property
    def confidence(self) -> np.ndarray:
        """The top probability of each row: how sure the network is of its answer."""
        return self.probabilities.max(axis=1)

    @cached_property
    def correct(self) -> np.ndarray:
        return self.predicted == self.labels

    @property
    def accuracy(self) -> float:
        return float(self.correct.mean()) if len(self) else float("nan")

    @cached_property
    def loss(self) -> float:
        if self.logits is not None:
            return cross_entropy_from_logits(self.logits, self.labels)
        return cross_entropy(self.probabilities, self.labels)

    @cached_property
    def confusion(self) -> np.ndarray:
        return confusion_matrix(self.labels, self.predicted, self.n_classes)

    @property
    def hard_share(self) -> float:
        """Share of rows answered with a hard 1 (and 0 for every other class)."""
        return float((self.confidence > HARD_ANSWER).mean()) if len(self) else 0.0

    @property
    def saturated(self) -> bool:
        return self.hard_share >= SATURATED_SHARE

    def select(self, only_mistakes: bool = False, true_class: int | None = None,
               predicted_class: int | None = None, order: str = "index") -> np.ndarray:
        """Indices of the rows passing the filters, in the order asked for (see `ORDERS`)."""
        keep = np.ones(len(self), bool)
        if only_mistakes:
            keep &= ~self.correct
        if true_class is not None:
            keep &= self.labels == true_class
        if predicted_class is not None:
            keep &= self.predicted == predicted_class
        indices = np.flatnonzero(keep)
        if order == "confident":
            indices = indices[np.argsort(-self.confidence[indices], kind="stable")]
        elif order == "unsure":
            indices = indices[np.argsort(self.confidence[indices], kind="stable")]
        elif order != "index":
            raise ValueError(f"unknown order {order!r}; choose one of {', '.join(ORDERS)}")
        return indices


# ----- showing ----------------------------------------------------------------------------------

def pixels(rows, normalized: bool) -> np.ndarray:
    """Flattened image rows as (n, 28, 28) uint8 grey levels 0–255, for drawing."""
    rows = np.asarray(rows, np.float32)
    scaled = rows * np.float32(255.0) if normalized else rows
    side = int(round(np.sqrt(rows.shape[-1])))
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8).reshape(-1, side, side)


def keras_number(value: float) -> str:
    """One probability as seed 001 saw Keras print it: `9.99916673e-01`."""
    return f"{float(np.float32(value)):.8e}"


def keras_array(values) -> str:
    """`print(model.predict(x))` as seed 001 saw it: [[  9.99916673e-01   5.36548761e-08 …]]."""
    array = np.atleast_2d(np.asarray(values, np.float32))
    return np.array2string(array, legacy="1.13", max_line_width=75)


def percent(value: float) -> str:
    """A confidence for a label: 99.99 % rather than 100 % unless it really is 1."""
    if value >= 1.0:
        return "100%"
    text = f"{100 * value:.1f}"
    if text == "100.0":
        text = f"{100 * value:.2f}" if f"{100 * value:.2f}" != "100.00" else "99.99"
    return f"{text}%"
