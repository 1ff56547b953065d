"""The learning-rate range test: one short run whose learning rate grows exponentially.

The model, data, loss and optimizer are the `Trainer`'s for the experiment (a fresh model of its
seed); each step trains one shuffled batch at the next learning rate, then measures the loss on
a fixed sample of training rows (a cleaner curve than the one batch's loss, which on four XOR
rows jumps with every row). The loss is smoothed (an exponential moving average, bias
corrected) and the test stops once it explodes: not finite, or `EXPLODE` times its best. The
suggestion is where the smoothed loss falls fastest against log(learning rate) — the steepest
descent (Smith 2015, fastai's `lr_find`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from playground.core.experiment import Experiment

#: The test stops when the smoothed loss passes this many times its lowest value.
EXPLODE = 4.0
#: Weight of the past in the moving average (0: no smoothing).
SMOOTHING = 0.9
#: Training rows the loss is measured on after each step.
SAMPLE_ROWS = 1000
START, END, STEPS = 1e-5, 10.0, 100


@dataclass(frozen=True)
class FinderResult:
    learning_rates: np.ndarray
    #: The smoothed loss after each step.
    losses: np.ndarray
    raw_losses: np.ndarray
    #: The steepest descent of the smoothed loss (NaN when the loss never fell).
    suggested: float
    #: Why the test ended: "exploded" or "end of range".
    ended: str


def schedule(start: float = START, end: float = END, steps: int = STEPS) -> np.ndarray:
    """`steps` learning rates growing exponentially from `start` to `end`."""
    if not (0 < start < end) or steps < 2:
        raise ValueError("the range needs 0 < start < end and at least 2 steps")
    return np.geomspace(start, end, steps)


def smooth(losses, beta: float = SMOOTHING) -> np.ndarray:
    """Exponential moving average with bias correction (the first values are not pulled to 0)."""
    out, average = [], 0.0
    for i, loss in enumerate(np.asarray(losses, np.float64)):
        average = beta * average + (1 - beta) * loss
        out.append(average / (1 - beta ** (i + 1)))
    return np.array(out)


def exploded(smoothed: np.ndarray) -> int | None:
    """Index of the first step at which the smoothed loss explodes, or None."""
    best = math.inf
    for i, loss in enumerate(smoothed):
        if not math.isfinite(loss) or (i > 0 and loss > EXPLODE * best):
            return i
        best = min(best, loss)
    return None


def suggest(learning_rates, smoothed) -> float:
    """The learning rate where `smoothed` falls fastest per unit of log(learning rate).

    Only the finite stretch is used; NaN when the loss never falls."""
    lrs = np.asarray(learning_rates, np.float64)
    loss = np.asarray(smoothed, np.float64)
    keep = np.isfinite(loss) & (lrs > 0)
    lrs, loss = lrs[keep], loss[keep]
    if len(loss) < 3:
        return math.nan
    slope = np.gradient(loss, np.log(lrs))
    best = int(np.argmin(slope))
    return float(lrs[best]) if slope[best] < 0 else math.nan


def range_test(experiment: Experiment, start: float = START, end: float = END,
               steps: int = STEPS, dataset=None) -> Iterator[tuple[float, float]]:
    """Yields (learning rate, loss measured after training one batch at it) step by step.

    Stops by itself after `steps`; the caller stops it earlier (closing it) when the loss
    explodes. The experiment's own seed, batch size and optimizer are used."""
    from playground.core.model.runtime import load
    from playground.core.training.trainer import Trainer

    tf, _ = load()
    trainer = Trainer(experiment, dataset=dataset)
    data, model = trainer.dataset, trainer.model
    loss_fn, optimizer = trainer.loss_fn, trainer.optimizer
    x = tf.constant(data.x_train)
    y = tf.constant(trainer.targets(data.labels_train))
    rows, batch = len(data.x_train), min(experiment.batch_size, len(data.x_train))
    sample = np.random.default_rng(experiment.seed).permutation(rows)[:SAMPLE_ROWS]
    x_sample, y_sample = tf.gather(x, sample), tf.gather(y, sample)
    variables = model.trainable_variables

    def step(idx, rate):
        optimizer.learning_rate.assign(rate)
        with tf.GradientTape() as tape:
            loss = loss_fn(tf.gather(y, idx), model(tf.gather(x, idx), training=True))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return tf.cast(loss_fn(y_sample, model(x_sample, training=False)), tf.float32)

    step = tf.function(step)
    order, at = np.random.default_rng(experiment.seed + 1).permutation(rows), 0
    for rate in schedule(start, end, steps):
        if at + batch > rows:  # a new epoch: a new order, as training shuffles
            order, at = np.random.default_rng(experiment.seed + 1 + at).permutation(rows), 0
        idx = tf.constant(order[at:at + batch])
        at += batch
        yield float(rate), float(step(idx, tf.constant(rate, tf.float32)))


def find(experiment: Experiment, start: float = START, end: float = END, steps: int = STEPS,
         dataset=None, on_step: Callable[[int, int], bool] | None = None) -> FinderResult:
    """Run the range test to the end of the range or until the loss explodes.

    `on_step(done, steps)` is told after each step; it returns False to stop early."""
    rates, raw = [], []
    ended = "end of range"
    test = range_test(experiment, start, end, steps, dataset)
    try:
        for rate, loss in test:
            rates.append(rate)
            raw.append(loss)
            if exploded(smooth(raw)) is not None:
                ended = "exploded"
                break
            if on_step is not None and on_step(len(rates), steps) is False:
                ended = "stopped"
                break
    finally:
        test.close()
    smoothed = smooth(raw)
    cut = exploded(smoothed)
    upto = len(raw) if cut is None else cut  # the suggestion comes from before the explosion
    return FinderResult(np.array(rates), smoothed, np.array(raw),
                        suggest(rates[:upto], smoothed[:upto]), ended)
