"""Training as a stream of small immutable reports.

`Trainer.run()` is a generator: it trains a chunk of epochs inside one compiled TensorFlow
function (the model's own layers, loss and optimizer; shuffled every epoch like `fit`), then
yields a `Report` for those epochs. Chunks are sized to take about `target_seconds`, so a fast
network reports ~30 times a second however many epochs that is, and a consumer can pause or
stop between reports by simply not asking for the next one.

Why not `model.fit`: on four samples it spends ~50 ms per epoch building data iterators; the
compiled loop runs thousands of epochs a second (benchmarks/bench_trainer.py).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from playground.core.data import registry as datasets
from playground.core.data.dataset import Dataset, encode_targets
from playground.core.experiment import Experiment
from playground.core.model.build import build_model, make_loss, make_optimizer
from playground.core.model.runtime import load

#: At most this many input rows have their outputs recorded every epoch (the "probe" rows).
PROBE_LIMIT = 64
#: Epochs of at most this many batches have their batch loop unrolled in the graph.
UNROLL_BATCHES = 16
#: Longest chunk, so Stop and Pause act quickly even when an epoch is very cheap.
MAX_CHUNK_EPOCHS = 5000


@dataclass(frozen=True, eq=False)
class Report:
    """What happened in a chunk of epochs. Arrays have one row per epoch of the chunk.

    `epochs` counts completed epochs, so the report for the untrained model has epochs == [0].
    Loss and accuracy are measured on the whole training set after each epoch (not averaged
    over the epoch's batches as `fit` prints), so the curves show the model as it is.
    """

    epochs: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray
    val_loss: np.ndarray | None
    val_accuracy: np.ndarray | None
    #: Outputs for the probe rows after each epoch: shape (epochs, probe rows, output units).
    outputs: np.ndarray
    #: The model's weights after the last epoch of the chunk (kernel, bias per Dense layer).
    weights: tuple[np.ndarray, ...]
    #: Epochs per second over this chunk (0 for the epoch-0 report).
    epochs_per_second: float
    #: "running", or how the run ended: "finished", "diverged".
    status: str = "running"

    @property
    def last_epoch(self) -> int:
        return int(self.epochs[-1])

    @property
    def message(self) -> str:
        if self.status == "diverged":
            return (f"Training stopped at epoch {self.last_epoch}: the loss became "
                    f"{self.loss[-1]} (not a finite number). Try a smaller learning rate.")
        return ""


def _frozen(array) -> np.ndarray:
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array


class Trainer:
    """Owns one model for one experiment and trains it in compiled chunks of epochs."""

    def __init__(self, experiment: Experiment, dataset: Dataset | None = None, model=None):
        self.experiment = experiment.check()
        self.dataset = dataset if dataset is not None else datasets.load(experiment)
        self.model = model if model is not None else build_model(experiment, self.dataset)
        self.epoch = 0
        self._initial_weights = [w.copy() for w in self.model.get_weights()]
        # Dropout draws from seed generators whose state is not part of get_weights(); Reset
        # rewinds them too, so a run after Reset replays the seed's first run exactly.
        self._seed_states = [(g.state, g.state.numpy().copy()) for g in _seed_generators(self.model)]
        self._compile()

    # ----- public -----
    @property
    def encoding(self) -> str:
        return self.experiment.encoding

    @property
    def probe_x(self) -> np.ndarray:
        """The rows whose outputs are recorded every epoch: training rows, then validation."""
        rows = np.concatenate([self.dataset.x_train, self.dataset.x_val])
        return rows[:PROBE_LIMIT]

    @property
    def probe_labels(self) -> np.ndarray:
        labels = np.concatenate([self.dataset.labels_train, self.dataset.labels_val])
        return labels[:PROBE_LIMIT]

    def run(self, epochs: int | None = None, target_seconds: float = 1 / 30) -> Iterator[Report]:
        """Train `epochs` more epochs (default: up to the experiment's total), reporting chunks.

        A fresh model first yields an epoch-0 report of the untrained network.
        """
        tf, _ = load()
        if epochs is None:
            epochs = max(self.experiment.epochs - self.epoch, 0)
        if self.epoch == 0:
            yield self.report_now()
        remaining = epochs
        chunk = 1  # the first call traces the function; time it on one epoch
        while remaining > 0:
            n = min(chunk, remaining)
            started = time.perf_counter()
            result = self._train_epochs(tf.constant(n, tf.int32))
            seconds = time.perf_counter() - started
            report = self._report(n, result, seconds)
            remaining -= len(report.epochs)
            if report.status == "running" and remaining == 0:
                report = _with_status(report, "finished")
            yield report
            if report.status == "diverged":
                return
            per_epoch = seconds / n
            chunk = int(min(MAX_CHUNK_EPOCHS, max(1, target_seconds / max(per_epoch, 1e-7))))

    def reset(self) -> None:
        """Back to the untrained weights of this seed, with a fresh optimizer and shuffle."""
        self.model.set_weights(self._initial_weights)
        for variable, value in self._seed_states:
            variable.assign(value)
        self.epoch = 0
        self._compile()

    def predict(self, x) -> np.ndarray:
        """Outputs for rows `x`, calling the model directly (no `predict` overhead)."""
        tf, _ = load()
        return self.model(tf.constant(np.asarray(x, np.float32)), training=False).numpy()

    def evaluate(self, x, labels) -> tuple[float, float]:
        """(loss, accuracy) on rows `x` with class labels `labels`."""
        tf, _ = load()
        if len(x) == 0:
            return math.nan, math.nan
        y = encode_targets(labels, self.encoding, self.dataset.n_classes)
        loss, acc = self._measure(tf.constant(np.asarray(x, np.float32)), tf.constant(y))
        return float(loss), float(acc)

    # ----- compiled pieces -----
    def _compile(self) -> None:
        tf, keras = load()
        exp, data = self.experiment, self.dataset
        model = self.model
        encoding = self.encoding
        threshold = exp.default_threshold
        loss_fn = make_loss(exp)
        # A fresh optimizer each time so Reset also forgets momentum and Adam's moments.
        optimizer = make_optimizer(exp)
        model.optimizer = optimizer
        optimizer.build(model.trainable_variables)
        shuffle = tf.random.Generator.from_seed(exp.seed)

        x = tf.constant(data.x_train)
        y = tf.constant(encode_targets(data.labels_train, encoding, data.n_classes))
        has_val = len(data.x_val) > 0
        x_val = tf.constant(data.x_val)
        y_val = tf.constant(encode_targets(data.labels_val, encoding, data.n_classes))
        probe = tf.constant(self.probe_x)
        rows = int(x.shape[0])
        batch = int(exp.batch_size)
        batches = -(-rows // batch)
        variables = model.trainable_variables

        def accuracy(targets, outputs):
            if encoding in ("onehot", "sparse"):
                predicted = tf.argmax(outputs, axis=-1, output_type=tf.int32)
                truth = (tf.argmax(targets, axis=-1, output_type=tf.int32)
                         if encoding == "onehot" else tf.cast(tf.reshape(targets, [-1]), tf.int32))
            else:
                predicted = outputs[:, 0] > threshold
                truth = targets[:, 0] > (0.0 if encoding == "signed" else 0.5)
            return tf.reduce_mean(tf.cast(tf.equal(predicted, truth), tf.float32))

        def measure(xs, ys):
            outputs = model(xs, training=False)
            return loss_fn(ys, outputs), accuracy(ys, outputs)

        nan = tf.constant(np.nan, tf.float32)

        # A few batches an epoch are unrolled into the graph (Python range): ~1.6x faster on
        # XOR than a tf.range loop; many batches stay a graph loop, so tracing stays short.
        batch_steps = range(batches) if batches <= UNROLL_BATCHES else tf.range(batches)

        def train_epochs(n):
            # Autograph carries TensorArrays through the loop only as plain local names.
            losses = tf.TensorArray(tf.float32, size=n)
            accs = tf.TensorArray(tf.float32, size=n)
            val_losses = tf.TensorArray(tf.float32, size=n)
            val_accs = tf.TensorArray(tf.float32, size=n)
            outputs = tf.TensorArray(tf.float32, size=n)
            for e in tf.range(n):
                order = tf.argsort(shuffle.uniform([rows]))
                for b in batch_steps:
                    idx = order[b * batch:tf.minimum((b + 1) * batch, rows)]
                    xb, yb = tf.gather(x, idx), tf.gather(y, idx)
                    with tf.GradientTape() as tape:
                        loss = loss_fn(yb, model(xb, training=True))
                    grads = tape.gradient(loss, variables)
                    optimizer.apply_gradients(zip(grads, variables))
                loss, acc = measure(x, y)
                val_loss, val_acc = measure(x_val, y_val) if has_val else (nan, nan)
                losses = losses.write(e, tf.cast(loss, tf.float32))
                accs = accs.write(e, acc)
                val_losses = val_losses.write(e, tf.cast(val_loss, tf.float32))
                val_accs = val_accs.write(e, val_acc)
                outputs = outputs.write(e, tf.cast(model(probe, training=False), tf.float32))
            # The weights come back with the metrics: one call, no per-variable Python reads.
            return (losses.stack(), accs.stack(), val_losses.stack(), val_accs.stack(),
                    outputs.stack(), [tf.identity(w) for w in model.weights])

        # Trace now (~0.5 s of Python) rather than at the first Train, when a window would
        # be animating: tracing holds the GIL and would stall the GUI thread.
        self._train_epochs = tf.function(train_epochs).get_concrete_function(
            tf.TensorSpec([], tf.int32))
        self._measure = tf.function(measure, reduce_retracing=True)

    # ----- reports -----
    def report_now(self) -> Report:
        """The model as it is now, measured and labelled with the current epoch (epoch 0 for a
        fresh model; after hand-set weights, the epoch training had reached)."""
        loss, acc = self.evaluate(self.dataset.x_train, self.dataset.labels_train)
        has_val = len(self.dataset.x_val) > 0
        val = self.evaluate(self.dataset.x_val, self.dataset.labels_val) if has_val else None
        return Report(
            epochs=_frozen([self.epoch]), loss=_frozen([loss]), accuracy=_frozen([acc]),
            val_loss=_frozen([val[0]]) if val else None,
            val_accuracy=_frozen([val[1]]) if val else None,
            outputs=_frozen(self.predict(self.probe_x)[None]),
            weights=tuple(_frozen(w) for w in self.model.get_weights()),
            epochs_per_second=0.0)

    def _report(self, n: int, result, seconds: float) -> Report:
        loss, acc, val_loss, val_acc, outputs = (r.numpy() for r in result[:5])
        weights = tuple(_frozen(w.numpy()) for w in result[5])
        status = "running"
        bad = np.flatnonzero(~np.isfinite(loss))
        if bad.size:  # keep the epochs up to and including the first non-finite loss
            n = int(bad[0]) + 1
            loss, acc, val_loss, val_acc, outputs = (a[:n] for a in
                                                     (loss, acc, val_loss, val_acc, outputs))
            status = "diverged"
        epochs = np.arange(self.epoch + 1, self.epoch + n + 1)
        self.epoch += n
        has_val = len(self.dataset.x_val) > 0
        return Report(
            epochs=_frozen(epochs), loss=_frozen(loss), accuracy=_frozen(acc),
            val_loss=_frozen(val_loss) if has_val else None,
            val_accuracy=_frozen(val_acc) if has_val else None,
            outputs=_frozen(outputs),
            weights=weights,
            epochs_per_second=n / seconds if seconds > 0 else 0.0,
            status=status)


def _seed_generators(model) -> list:
    return [layer.seed_generator for layer in model.layers
            if getattr(layer, "seed_generator", None) is not None]


def _with_status(report: Report, status: str) -> Report:
    from dataclasses import replace
    return replace(report, status=status)


def train(experiment: Experiment, **kwargs) -> tuple[Trainer, list[Report]]:
    """Train an experiment to the end; returns the trainer and every report (for scripts)."""
    trainer = Trainer(experiment)
    return trainer, list(trainer.run(**kwargs))
