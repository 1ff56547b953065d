"""Hints: small pure checks over a run that catch the seeds' mistakes and offer a one-click fix.

Each check looks at the experiment, the `RunHistory` and (where it matters) the `Dataset`, and
returns a `Hint` or None. `hints_for` runs them all and drops hints that an earlier, more basic
one already explains (a single neuron on XOR is also "not learning"; the cause is the missing
hidden layer). The thresholds are named constants so a test can state exactly when a hint fires.
No Qt and no TensorFlow here: the window shows the hints, the tests build histories by hand.
A hint and its fix in words are hint_text.py's; the gradient checks are gradient_hints.py's.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from playground.core.data import registry as datasets
from playground.core.experiment import OPTIMIZERS, Experiment, Layer
from playground.core.inspection.separability import linearly_separable_data
from playground.core.teaching import gradient_hints
# Hint, describe_changes and layers_text are also read from here (the window, tests).
from playground.core.teaching.hint_text import (  # noqa: F401
    Hint, describe_changes, held_out_name, layers_text, make_hint, round_rate)
from playground.core.training.history import RunHistory

#: Epochs a run needs before a "not learning" verdict (a slow start is not being stuck).
STUCK_MIN_EPOCHS = 50
#: The last share of the epochs (at least `STUCK_WINDOW_MIN`) examined for being stuck.
STUCK_WINDOW_SHARE = 0.25
STUCK_WINDOW_MIN = 20
#: Accuracy never above this (or above the share of the commonest class) in that window = stuck.
STUCK_ACCURACY = 0.75
#: Sigmoid outputs all within 0.5 ± this are "stuck near 0.5".
STUCK_BAND = 0.05
#: Fewer weight updates an epoch than this, and the "not learning" fix shrinks the batch.
STUCK_FEW_UPDATES = 20
#: The batch size that fix sets: a weight update after every row.
FIX_BATCH_SIZE = 1
#: The training loss rising above this many times its epoch-0 value = steps too big.
LOSS_RISE_FACTOR = 1.5
#: Oscillation: over the last `OSCILLATION_WINDOW` epochs the loss turns direction in at least
#: this share of epochs, by steps of at least `OSCILLATION_SIZE` of its mean.
OSCILLATION_WINDOW = 50
OSCILLATION_MIN_EPOCHS = 20
OSCILLATION_TURNS = 0.4
OSCILLATION_SIZE = 0.1
#: …measured against at least this share of the epoch-0 loss (a nearly solved problem's tiny
#: jitter is not oscillation).
OSCILLATION_FLOOR = 0.1
#: "Nothing moves": after this many epochs the loss and the weights changed less than these
#: fractions of their starting values.
TINY_MIN_EPOCHS = 20
TINY_LOSS_CHANGE = 0.01
TINY_WEIGHT_CHANGE = 0.01
#: Over-fitting: validation loss at least this fraction above its lowest point, reached at
#: least `OVERFIT_MIN_EPOCHS_AFTER` epochs earlier, while the training loss kept falling.
OVERFIT_RISE = 0.1
OVERFIT_MIN_EPOCHS_AFTER = 3
#: Dropout rate the over-fitting fix adds to hidden layers that have none.
FIX_DROPOUT = 0.2
#: Softmax rows whose top probability exceeds this are "hard one-hot" answers.
SATURATED = 0.999
#: Learning rates that usually work, per optimizer (Keras's defaults; SGD's a common choice).
TYPICAL_RATES = {"sgd": 0.1, "adam": 0.001, "rmsprop": 0.001, "adagrad": 0.01}
#: The hidden layer the "add a hidden layer" fix adds, and the SGD settings that train it.
FIX_HIDDEN = Layer(4, "tanh")
FIX_HIDDEN_SGD_RATE = 0.5
FIX_HIDDEN_MIN_EPOCHS = 500


# ---------------------------------------------------------------------------------------------
# The checks, one per mistake. Each takes (experiment, history, dataset) and returns a Hint or None.


def check_learning_rate_too_high(experiment: Experiment, history: RunHistory,
                                 dataset=None) -> Hint | None:
    """Loss NaN, rising above its start, or jumping up and down: the steps overshoot."""
    loss = history.metric("loss")
    if len(loss) < 2:
        return None
    lr = experiment.learning_rate
    fix = experiment.replace(learning_rate=round_rate(lr / 10))
    why = ("Each step moves the weights by the learning rate times the slope of the loss. When "
           "the steps are too big they jump over the valley the loss is in, to the other side "
           "and higher up: the loss bounces, climbs, and can overflow to infinity or NaN (not a "
           "number). A learning rate ten times smaller usually calms it.")
    bad = np.flatnonzero(~np.isfinite(loss))
    if bad.size or history.status == "diverged":
        epoch = int(history.epochs[bad[0]]) if bad.size else history.last_epoch
        return make_hint("learning-rate-too-high",
                     f"The loss became NaN at epoch {epoch:,}: the learning rate ({lr:g}) is "
                     "too high.", why, experiment, fix)
    start = loss[0]
    recent = loss[-min(len(loss) - 1, 10):]
    if start > 0 and np.mean(recent) > LOSS_RISE_FACTOR * start:
        return make_hint("learning-rate-too-high",
                     f"The loss rose from {start:.3g} to {loss[-1]:.3g} while training: the "
                     f"learning rate ({lr:g}) is too high.", why, experiment, fix)
    if len(loss) - 1 >= OSCILLATION_MIN_EPOCHS:
        window = loss[-min(OSCILLATION_WINDOW, len(loss) - 1) - 1:]
        steps = np.diff(window)
        turns = np.mean(np.sign(steps[1:]) != np.sign(steps[:-1]))
        size = np.mean(np.abs(steps)) / max(np.mean(window), OSCILLATION_FLOOR * start, 1e-12)
        if turns >= OSCILLATION_TURNS and size >= OSCILLATION_SIZE:
            return make_hint("learning-rate-too-high",
                         f"The loss jumps up and down by about {100 * size:.0f} % an epoch: the "
                         f"learning rate ({lr:g}) is too high.", why, experiment, fix)
    return None


def check_no_hidden_layer(experiment: Experiment, history: RunHistory,
                          dataset=None) -> Hint | None:
    """One neuron draws one straight line; data no line can split needs a hidden layer."""
    if experiment.layers or dataset is None or history.last_epoch < 1:
        return None
    if linearly_separable_data(dataset) is not False:
        return None
    if len(history) and _last_accuracy(history) >= 1.0:
        return None
    changes = {"layers": (FIX_HIDDEN,), "epochs": max(experiment.epochs, FIX_HIDDEN_MIN_EPOCHS)}
    if experiment.optimizer == "sgd" and experiment.learning_rate < FIX_HIDDEN_SGD_RATE:
        changes["learning_rate"] = FIX_HIDDEN_SGD_RATE
    name = _data_name(experiment)
    return make_hint(
        "no-hidden-layer",
        f"No straight line separates the classes of {name}, and a network with no hidden "
        "layer can only draw a straight line: add a hidden layer.",
        "A single neuron computes activation(w1·x1 + w2·x2 + b): its decision boundary, where "
        "the output crosses the threshold, is the straight line w1·x1 + w2·x2 + b = 0. For XOR "
        "the inputs [0, 1] and [1, 0] must be on one side and [0, 0] and [1, 1] on the other, "
        "and no line does that, so training can only hedge: every answer drifts to about 0.5 "
        "and accuracy never passes 0.75. A hidden layer lets the network combine several lines "
        "into a bent boundary.", experiment, experiment.replace(**changes))


def check_tiny_learning_rate(experiment: Experiment, history: RunHistory,
                             dataset=None) -> Hint | None:
    """After many epochs neither the loss nor the weights moved: the steps are too small."""
    if history.last_epoch < TINY_MIN_EPOCHS or len(history) < 2:
        return None
    loss = history.metric("loss")
    if not np.isfinite(loss).all() or _last_accuracy(history) >= 1.0:
        return None
    loss_change = abs(loss[-1] - loss[0]) / max(abs(loss[0]), 1e-12)
    first = history.weights_at(0)
    if first is None or first[0] != 0 or not history.latest_weights:
        return None
    before = np.concatenate([np.ravel(w) for w in first[1]])
    after = np.concatenate([np.ravel(w) for w in history.latest_weights])
    weight_change = np.linalg.norm(after - before) / max(np.linalg.norm(before), 1e-12)
    if loss_change >= TINY_LOSS_CHANGE or weight_change >= TINY_WEIGHT_CHANGE:
        return None
    lr = experiment.learning_rate
    typical = TYPICAL_RATES.get(experiment.optimizer, 0.01)
    fix = experiment.replace(learning_rate=round_rate(max(lr * 10, typical)))
    return make_hint(
        "tiny-learning-rate",
        f"In {history.last_epoch:,} epochs the loss changed by {100 * loss_change:.2g} % and "
        f"the weights by {100 * weight_change:.2g} %: the learning rate ({lr:g}) is so small "
        "that nothing moves.",
        "Each step changes the weights by the learning rate times the slope of the loss. With "
        f"a tiny rate the steps are tiny: the network would need millions of epochs to get "
        f"anywhere. {OPTIMIZERS.get(experiment.optimizer, experiment.optimizer)} usually works "
        f"with rates around {typical:g}.", experiment, fix)


def check_not_learning(experiment: Experiment, history: RunHistory,
                       dataset=None) -> Hint | None:
    """Accuracy stuck at chance (or at the commonest class) with answers near 0.5."""
    if experiment.encoding not in ("binary", "signed") or history.last_epoch < STUCK_MIN_EPOCHS:
        return None
    accuracy = history.metric("accuracy")
    loss = history.metric("loss")
    if not np.isfinite(loss).all():
        return None
    window = max(STUCK_WINDOW_MIN, int(len(accuracy) * STUCK_WINDOW_SHARE))
    best = float(np.max(accuracy[-window:]))
    majority = _majority_share(dataset)
    ceiling = max(STUCK_ACCURACY, majority)
    outputs = history.latest_outputs
    near_half = (experiment.output == "sigmoid" and outputs is not None and outputs.size > 0
                 and bool(np.all(np.abs(outputs - 0.5) < STUCK_BAND)))
    if best > ceiling + 1e-6 and not near_half:
        return None
    lr = experiment.learning_rate
    narrow = [layer for layer in experiment.layers  # Dense layers: a conv layer has filters
              if layer.kind == "dense" and layer.units < FIX_HIDDEN.units]
    if experiment.optimizer == "sgd" and lr < TYPICAL_RATES["sgd"]:
        fix = experiment.replace(learning_rate=round_rate(max(TYPICAL_RATES["sgd"],
                                                               min(lr * 10, 1.0))))
        cause = "the learning rate is small for SGD"
    elif narrow:
        fix = experiment.replace(layers=tuple(
            layer if layer.kind != "dense" or layer.units >= FIX_HIDDEN.units else
            Layer(max(layer.units * 2, FIX_HIDDEN.units),
                  FIX_HIDDEN.activation if layer.activation == "relu" else layer.activation,
                  layer.dropout)
            for layer in experiment.layers))
        cause = ("a hidden layer this narrow is easily stuck (a ReLU neuron that outputs 0 "
                 "for every row never learns again)")
    elif experiment.optimizer != "sgd" and lr > 10 * TYPICAL_RATES.get(experiment.optimizer, 1):
        fix = experiment.replace(learning_rate=round_rate(lr / 10))
        cause = "the learning rate is large for this optimizer"
    elif (dataset is not None and experiment.batch_size > FIX_BATCH_SIZE
          and len(dataset.x_train) / experiment.batch_size < STUCK_FEW_UPDATES):
        fix = experiment.replace(batch_size=FIX_BATCH_SIZE)
        updates = -(-len(dataset.x_train) // experiment.batch_size)
        cause = (f"batches of {experiment.batch_size} give only {updates} weight updates an "
                 "epoch, too few to leave the easy answer")
    else:
        fix = experiment.replace(seed=experiment.seed + 1, epochs=experiment.epochs * 2)
        cause = "this start may be a bad one"
    if near_half:
        what = "every answer stays near 0.5"
    elif majority > STUCK_ACCURACY and best <= majority + 1e-6:
        what = (f"accuracy has stayed at {best:.2f}, the share of the commonest class: it "
                "gives (almost) every row the same answer")
    else:
        what = f"accuracy has stayed at or below {best:.2f} for the last {window:,} epochs"
    return make_hint(
        "not-learning",
        f"The network is not learning: {what}. Likely cause: {cause}.",
        "A network that has not found the pattern plays safe: it answers about 0.5 for "
        "everything, or the commonest class for every row, so accuracy stays at chance or at "
        "that class's share. The usual causes: steps too small to leave the flat start (raise "
        "the learning rate), too few weight updates (smaller batches update more often), "
        "hidden layers too few or too narrow for the boundary the data needs, or simply too "
        "few epochs or an unlucky start (another seed).",
        experiment, fix)


def check_overfitting(experiment: Experiment, history: RunHistory, dataset=None) -> Hint | None:
    """Validation loss climbing from its lowest point while the training loss keeps falling."""
    if not history.has_validation:
        return None
    val = history.metric("val_loss")
    loss = history.metric("loss")
    if not np.isfinite(val).any() or not np.isfinite(val[-1]):
        return None
    best = int(np.nanargmin(val))
    after = len(val) - 1 - best
    if after < OVERFIT_MIN_EPOCHS_AFTER or val[-1] <= val[best] * (1 + OVERFIT_RISE):
        return None
    if not loss[-1] < loss[best]:
        return None
    best_epoch = max(int(history.epochs[best]), 1)
    held = held_out_name(history)
    layers = tuple(layer if layer.dropout or layer.kind != "dense"  # conv, pool keep theirs
                   else Layer(layer.units, layer.activation, FIX_DROPOUT)
                   for layer in experiment.layers)
    fix = experiment.replace(epochs=best_epoch, layers=layers)
    return make_hint(
        "overfitting",
        f"Over-fitting: the {held} loss was lowest at epoch {best_epoch:,} ({val[best]:.3g}) "
        f"and has risen to {val[-1]:.3g} while the training loss kept falling.",
        f"The network has started to memorise its training rows instead of learning what they "
        f"have in common: it gets ever surer about them (training loss falls) and ever "
        f"more confidently wrong about rows it never trains on ({held} loss rises). Stop "
        f"earlier (fewer epochs: where the {held} loss was lowest), or make memorising harder "
        f"with dropout, which switches off a random share of the neurons at every step.",
        experiment, fix)


def check_raw_pixels(experiment: Experiment, history: RunHistory, dataset=None) -> Hint | None:
    """Images fed as raw 0–255 values: huge inputs saturate the softmax into one-hot rows."""
    spec = datasets.find(experiment.dataset)
    if experiment.normalize or spec is None or not spec.images:
        return None
    outputs = history.latest_outputs
    seen = ""
    if outputs is not None and outputs.ndim == 2 and outputs.shape[-1] > 1 and len(outputs):
        hard = int(np.sum(np.max(outputs, axis=-1) > SATURATED))
        seen = (f" {hard} of the {len(outputs)} test images shown get a top probability "
                f"above {SATURATED:g}.")
    return make_hint(
        "raw-pixels",
        "The pixels are raw values from 0 to 255: the probabilities come out saturated, hard "
        "[1, 0, 0, …] rows." + seen + " Normalise them (divide by 255).",
        "A neuron adds up its inputs times its weights. With 784 pixels worth up to 255 each "
        "the sums are in the thousands, and softmax turns such differences into a probability "
        "of 1.0 for one class and about 0 for the rest: the network sounds certain even when "
        "it is wrong, and training takes huge, erratic steps. Seed 001's prediction script "
        "forgot x.astype('float32') / 255, and every answer was a one-hot row.",
        experiment, experiment.replace(normalize=True))


#: The checks in order of precedence: a hint here silences the ones listed for it.
CHECKS: tuple[Callable[..., Hint | None], ...] = (
    check_raw_pixels,
    check_learning_rate_too_high,
    check_no_hidden_layer,
    check_tiny_learning_rate,
    check_not_learning,
    check_overfitting,
    *gradient_hints.CHECKS,  # symmetric weights, dead ReLUs, vanishing gradients (issue 16)
)
SILENCES = {
    "learning-rate-too-high": {"not-learning", "tiny-learning-rate", "overfitting",
                               "dead-relus", "vanishing-gradients"},
    "symmetric-weights": {"not-learning", "dead-relus", "vanishing-gradients"},
    "no-hidden-layer": {"not-learning", "tiny-learning-rate"},
    "tiny-learning-rate": {"not-learning"},
}


def hints_for(experiment: Experiment | None, history: RunHistory | None,
              dataset=None) -> list[Hint]:
    """Every hint for the run, most basic first; `dataset` is the run's `Dataset` (or None)."""
    if experiment is None:
        return []
    history = history if history is not None else RunHistory()
    found: list[Hint] = []
    silenced: set[str] = set()
    for check in CHECKS:
        hint = check(experiment, history, dataset)
        if hint is not None and hint.key not in silenced:
            found.append(hint)
            silenced |= SILENCES.get(hint.key, set())
    return [hint for hint in found if hint.key not in silenced]


# ---------------------------------------------------------------------------------------------
# Helpers


def _last_accuracy(history: RunHistory) -> float:
    """The latest training accuracy; NaN where the task has none (regression)."""
    try:
        return history.last("accuracy")
    except KeyError:
        return math.nan


def _data_name(experiment: Experiment) -> str:
    try:
        return datasets.get(experiment.dataset).label
    except KeyError:
        return experiment.dataset


def _majority_share(dataset) -> float:
    if dataset is None or len(dataset.labels_train) == 0:
        return 0.0
    counts = np.bincount(np.asarray(dataset.labels_train, np.int64))
    return float(counts.max() / counts.sum())
