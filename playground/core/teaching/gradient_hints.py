"""Hints about how the gradient flows (issue 16): vanishing gradients, dead ReLU units and
weights that started equal (init zeros). Pure checks over the run, as in hints.py: the
experiment, its `RunHistory` (gradient norms, latest weights) and the training rows.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from playground.core.experiment import Experiment
from playground.core.inspection.backward import dead_relu_units
from playground.core.inspection.forward import activations_of
from playground.core.teaching.hint_text import make_hint
from playground.core.training.history import RunHistory

#: The first kernel's gradient below this share of the last one's = vanishing.
VANISHING_RATIO = 0.01
#: Epochs with recorded gradient norms before judging (a fresh network's may be odd).
VANISHING_MIN_EPOCHS = 10
#: Below this training loss the run has learnt: small gradients everywhere are fine.
VANISHING_LOSS = 0.1
#: At least this share of a network's ReLU units dead, and the hint fires.
DEAD_SHARE = 0.25
DEAD_MIN_EPOCHS = 10
#: Columns of a hidden kernel equal to this tolerance = neurons still the same.
SYMMETRY_TOLERANCE = 1e-7


def _dense_hidden(experiment: Experiment) -> list[int]:
    """Indices of the hidden layers that are Dense ones (the only kind these hints read)."""
    return [i for i, layer in enumerate(experiment.layers) if layer.kind == "dense"]


def check_symmetric_weights(experiment: Experiment, history: RunHistory, dataset=None):
    """A hidden layer whose neurons all still have the same weights: they started equal
    (init zeros), get the same gradient, and stay copies of one neuron."""
    weights = history.latest_weights
    if len(history) < 2 or not weights or len(weights) < 4 or \
            len(_dense_hidden(experiment)) != len(experiment.layers):
        return None
    for layer in range(len(weights) // 2 - 1):
        kernel = np.asarray(weights[2 * layer], np.float64)
        if kernel.ndim == 2 and kernel.shape[1] >= 2 and \
                np.allclose(kernel, kernel[:, :1], atol=SYMMETRY_TOLERANCE, rtol=0):
            fix = experiment.replace(init="glorot") if experiment.init != "glorot" else None
            return make_hint(
                "symmetric-weights",
                f"The {kernel.shape[1]} neurons of hidden layer {layer + 1} all have the same "
                f"weights after {history.last_epoch:,} epochs: they act as one neuron.",
                "Neurons that start with equal weights compute the same output, receive the "
                "same gradient and take the same step, so they stay equal for ever: the layer "
                "is one neuron copied. Random initial weights (Glorot, He) break the symmetry; "
                "all zeros never does.", experiment, fix)
    return None


def check_vanishing_gradients(experiment: Experiment, history: RunHistory, dataset=None):
    """The first layer's gradient a tiny share of the last layer's while the loss is still
    high: the gradient shrinks on its way back (sigmoid or tanh stacks), early layers stall."""
    epochs, norms = history.gradient_norms()
    if len(epochs) < VANISHING_MIN_EPOCHS or len(norms) < 3:
        return None
    first, last = float(norms[0][-1]), float(norms[-1][-1])
    loss = history.last("loss")
    if not (np.isfinite(first) and np.isfinite(last) and last > 0 and loss > VANISHING_LOSS):
        return None
    if first >= VANISHING_RATIO * last:
        return None
    squashing = [i for i in _dense_hidden(experiment)
                 if experiment.layers[i].activation in ("sigmoid", "tanh")]
    fix = None
    if squashing:
        layers = tuple(dataclasses.replace(layer, activation="relu") if i in squashing else layer
                       for i, layer in enumerate(experiment.layers))
        fix = experiment.replace(layers=layers, init="he")
    return make_hint(
        "vanishing-gradients",
        f"The first layer's gradient is {last / max(first, 1e-300):,.0f}× smaller than the "
        f"output layer's: it vanishes on the way back and the first layers barely learn.",
        "Backpropagation multiplies the gradient by each layer's weights and by its "
        "activation's slope. A sigmoid's slope is at most 0.25 (tanh's at most 1, far less "
        "when saturated), so through several such layers the gradient shrinks towards 0. "
        "ReLU's slope is 1 where it is active; He initial weights keep signals a steady size. "
        "The Backward tab draws each layer's gradient per epoch.", experiment, fix)


def check_dead_relus(experiment: Experiment, history: RunHistory, dataset=None):
    """Many ReLU units never active on any training row: no gradient reaches them."""
    weights = history.latest_weights
    if dataset is None or not weights or history.last_epoch < DEAD_MIN_EPOCHS or \
            getattr(dataset, "is_images", False) or \
            len(_dense_hidden(experiment)) != len(experiment.layers):
        return None
    relu = [experiment.layers[i].units for i in _dense_hidden(experiment)
            if experiment.layers[i].activation == "relu"]
    if not relu:
        return None
    dead = dead_relu_units(weights, activations_of(experiment), dataset.x_train)
    count = sum(len(units) for _, units in dead)
    if count < max(1, DEAD_SHARE * sum(relu)):
        return None
    rate = experiment.learning_rate
    fix = experiment.replace(learning_rate=float(f"{rate / 10:.3g}"))
    return make_hint(
        "dead-relus",
        f"{count} of {sum(relu)} ReLU units are dead: never active on any training row, "
        "they pass no gradient back and never learn again.",
        "ReLU outputs 0 for any negative input, and its slope there is 0. A unit whose input "
        "is negative on every row (often after one step too large pushed its bias down) gets "
        "no gradient, so nothing can revive it. A smaller learning rate, He initial weights "
        "or a few more units help. The Weights tab crosses them out in the diagram.",
        experiment, fix)


#: In hints.py's order of precedence, after the learning-rate checks.
CHECKS = (check_symmetric_weights, check_dead_relus, check_vanishing_gradients)
