"""Training on large data (MNIST-sized): epochs of many batches, with progress inside each.

`ImageTrainer` has the public interface of `training.Trainer` (it is a subclass), so the GUI
worker and the command line drive it unchanged; `make_trainer(experiment)` picks the right one.
What differs is the stream: one epoch of 60,000 images takes seconds, so between the epoch
`Report`s it yields `BatchProgress` items (at most ~10 a second: batches done, samples per
second, time left). Consumers that only want reports skip them with `isinstance`.

The epoch runs as a compiled TensorFlow function over a chunk of batches at a time, using the
model's own layers, loss and optimizer, reshuffled every epoch by a seeded generator — as fast as
`model.fit` on the same data (benchmarks/bench_images.py) while staying stoppable: each chunk
takes ~0.1 s, and closing the generator between chunks abandons the epoch.

Stopping mid-epoch rolls the model back: weights, optimizer state, dropout seeds and the shuffle
generator return to where they were when the epoch began, so `trainer.epoch`, the weights and a
later continuation all agree (the same as if the epoch had never started).
"""
from __future__ import annotations

import math
import time
import weakref
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from playground.core.data import registry as datasets
from playground.core.data import images
from playground.core.data.dataset import Dataset
from playground.core.experiment import Experiment
from playground.core.model.build import build_model, make_loss, make_optimizer
from playground.core.model.runtime import load
from playground.core.training.trainer import PROBE_LIMIT, Report, Trainer, _frozen, _with_status

#: Seconds a chunk of batches should take: progress at most ~10 times a second, and Stop acts
#: within about this long.
CHUNK_SECONDS = 0.1
#: The epoch-0 report measures training loss on at most this many training rows (a forward
#: pass over all 60,000 would take seconds before anything is on screen).
EPOCH0_TRAIN_ROWS = 10_000
#: Rows per forward pass when evaluating or predicting many rows (bounds activation memory).
EVAL_BATCH = 10_000


@dataclass(frozen=True)
class BatchProgress:
    """Progress inside an epoch, yielded between epoch reports (never counted as an epoch)."""

    #: The epoch in progress, counted from 1 (it completes as `epoch` in the next Report).
    epoch: int
    batches_done: int
    batches_total: int
    samples_done: int
    samples_total: int
    #: Training speed over recent chunks (excludes the one-off tracing of the first chunk);
    #: 0 while not yet known, and then the two estimates below are 0 too.
    samples_per_second: float
    #: Estimated seconds to the end of this epoch (batches only).
    seconds_left: float
    #: Estimated seconds to the end of the whole `run` call (evaluation included).
    run_seconds_left: float
    #: Running means over this epoch's batches so far, as `fit`'s progress bar shows them.
    loss: float
    accuracy: float

    @property
    def fraction(self) -> float:
        """Share of this epoch's batches done, 0..1."""
        return self.batches_done / self.batches_total if self.batches_total else 1.0


class ImageTrainer(Trainer):
    """Trains one model on a large dataset; `run()` yields `BatchProgress` and `Report` items.

    Per epoch `Report` (one epoch per report):
    - `loss` / `accuracy`: running means over the epoch's batches, weighted by batch size, with
      dropout active, as `fit` prints them (so seed 003's numbers compare). The epoch-0 report
      instead measures the untrained model on the first `EPOCH0_TRAIN_ROWS` training rows.
    - `val_loss` / `val_accuracy`: on the validation split if the experiment holds one out,
      otherwise on the test subset (like seed 001's `validation_data=(x_test, y_test)`), so
      over-fitting shows as the two curves part. `val_source` says which.
    - `outputs`: the model's outputs for the probe rows, the first `PROBE_LIMIT` test images.
    - `weights`: after the epoch.
    """

    def __init__(self, experiment: Experiment, dataset: Dataset | None = None, model=None):
        self.experiment = experiment.check()
        self.dataset = dataset if dataset is not None else datasets.load(experiment)
        self.model = model if model is not None else build_model(experiment, self.dataset)
        self.epoch = 0
        self._initial_weights = [w.copy() for w in self.model.get_weights()]
        # Weights *and* dropout seed states, so a run after Reset repeats a fresh run exactly.
        self._initial_state = [v.numpy() for v in self.model.variables]
        self._active = None  # weak reference to the run() generator that may be mid-epoch
        self._sec_per_batch: float | None = None
        self._eval_seconds = 0.0
        self._zero_reported = False
        self._compile()

    # ----- public -----
    @property
    def probe_x(self) -> np.ndarray:
        """The first test images: their outputs are recorded every epoch."""
        return self.dataset.x_test[:PROBE_LIMIT]

    @property
    def probe_labels(self) -> np.ndarray:
        return self.dataset.labels_test[:PROBE_LIMIT]

    @property
    def val_source(self) -> str:
        """What `val_loss` / `val_accuracy` measure: "validation" split or "test" subset."""
        return self.dataset.held_out

    @property
    def batches_per_epoch(self) -> int:
        return -(-len(self.dataset.x_train) // self.experiment.batch_size)

    def run(self, epochs: int | None = None, target_seconds: float = CHUNK_SECONDS
            ) -> Iterator[Report | BatchProgress]:
        """Train `epochs` more epochs (default: up to the experiment's total).

        Yields an epoch-0 `Report` for a fresh model (once: not again after a stop in epoch 1),
        then per epoch some `BatchProgress` items and one `Report`. To stop, close the generator
        (or drop it): a part-done epoch is undone. To pause, stop asking for items. A new
        `run()` or `reset()` first stops a paused run; call them only while no thread is
        inside `next()` of that run.
        """
        self._stop_active()
        generator = self._run(epochs, target_seconds)
        self._active = weakref.ref(generator)
        return generator

    def reset(self) -> None:
        """Back to the untrained model of this seed (weights and dropout seeds), with a fresh
        optimizer and shuffle: the next run repeats a fresh trainer's run exactly."""
        self._stop_active()
        for variable, value in zip(self.model.variables, self._initial_state):
            variable.assign(value)
        self.epoch = 0
        self._sec_per_batch = None
        self._zero_reported = False
        self._compile()

    def predict(self, x) -> np.ndarray:
        """Outputs for rows `x`, calling the model directly, `EVAL_BATCH` rows at a time."""
        tf, _ = load()
        x = np.asarray(x, np.float32)
        parts = [self.model(tf.constant(x[i:i + EVAL_BATCH]), training=False).numpy()
                 for i in range(0, len(x), EVAL_BATCH)]
        if not parts:
            return np.zeros((0, self.dataset.output_units), np.float32)
        return np.concatenate(parts)

    def evaluate(self, x, labels) -> tuple[float, float]:
        """(loss, accuracy) on rows `x` with class labels `labels`, `EVAL_BATCH` rows a pass."""
        tf, _ = load()
        if len(x) == 0:
            return math.nan, math.nan
        x = np.asarray(x, np.float32)
        labels = np.asarray(labels, np.int32)
        loss_sum = correct = 0.0
        for i in range(0, len(x), EVAL_BATCH):
            part_loss, part_correct = self._measure(tf.constant(x[i:i + EVAL_BATCH]),
                                                    tf.constant(labels[i:i + EVAL_BATCH]))
            loss_sum += float(part_loss)
            correct += float(part_correct)
        return loss_sum / len(x), correct / len(x)

    # ----- compiled pieces -----
    def _compile(self) -> None:
        tf, _ = load()
        exp, data, model = self.experiment, self.dataset, self.model
        onehot = self.encoding == "onehot"
        n_classes = data.n_classes
        loss_fn = make_loss(exp)
        # A fresh optimizer each time so Reset also forgets RMSprop's and Adam's moments.
        optimizer = make_optimizer(exp)
        model.optimizer = optimizer
        optimizer.build(model.trainable_variables)
        self._shuffle = tf.random.Generator.from_seed(exp.seed)
        variables = model.trainable_variables
        # Everything that changes while training, for undoing a part-done epoch.
        self._state = list(model.variables) + list(optimizer.variables) + [self._shuffle.state]

        # 1-byte pixels converted per batch, when the rows came from `images` (bit-identical
        # to the float rows; a float32 copy of 60,000 images would cost TensorFlow ~370 MB).
        packed = images.compact(data.x_train) if len(data.x_train) else None
        if packed is not None:
            x = tf.constant(packed[0])
            # A lookup table, not a division: Grappler rewrites x / 255 as x * (1 / 255),
            # which rounds differently from NumPy's division in the dataset.
            table = tf.constant(np.arange(256, dtype=np.float32) / np.float32(packed[1]))

            def rows_at(idx):
                return tf.gather(table, tf.cast(tf.gather(x, idx), tf.int32))
        else:
            x = tf.convert_to_tensor(data.x_train)

            def rows_at(idx):
                return tf.gather(x, idx)
        labels = tf.constant(data.labels_train.astype(np.int32))
        rows = len(data.x_train)
        batch = int(exp.batch_size)

        def targets(lbl):
            return tf.one_hot(lbl, n_classes) if onehot else lbl

        def correct(lbl, outputs):
            predicted = tf.argmax(outputs, axis=-1, output_type=tf.int32)
            return tf.reduce_sum(tf.cast(tf.equal(predicted, lbl), tf.float32))

        def new_order():
            return tf.argsort(self._shuffle.uniform([rows]))

        def train_batches(order, start, count):
            """Batches start..start+count-1 of this epoch's order: (loss sum, correct, rows)."""
            loss_sum = tf.constant(0.0)
            hits = tf.constant(0.0)
            seen = tf.constant(0.0)
            for b in tf.range(start, start + count):
                idx = order[b * batch:tf.minimum((b + 1) * batch, rows)]
                xb, lb = rows_at(idx), tf.gather(labels, idx)
                with tf.GradientTape() as tape:
                    outputs = model(xb, training=True)
                    loss = loss_fn(targets(lb), outputs)
                grads = tape.gradient(loss, variables)
                optimizer.apply_gradients(zip(grads, variables))
                n = tf.cast(tf.shape(idx)[0], tf.float32)
                loss_sum += tf.cast(loss, tf.float32) * n
                hits += correct(lb, outputs)
                seen += n
            return loss_sum, hits, seen

        def measure(xs, lbl):
            outputs = model(xs, training=False)
            n = tf.cast(tf.shape(xs)[0], tf.float32)
            return tf.cast(loss_fn(targets(lbl), outputs), tf.float32) * n, correct(lbl, outputs)

        self._new_order = tf.function(new_order)
        self._train_batches = tf.function(train_batches)
        self._measure = tf.function(measure, reduce_retracing=True)
        self._traced = False

    # ----- the stream -----
    def _stop_active(self) -> None:
        generator = self._active() if self._active is not None else None
        self._active = None
        if generator is not None:
            generator.close()  # runs its rollback if it stopped mid-epoch

    def _run(self, epochs: int | None, target_seconds: float):
        if epochs is None:
            epochs = max(self.experiment.epochs - self.epoch, 0)
        if self.epoch == 0 and not self._zero_reported:
            self._zero_reported = True
            yield self.report_now()
        for index in range(epochs):
            remaining_after = epochs - index - 1
            snapshot = [v.numpy() for v in self._state]
            try:
                outcome = yield from self._train_epoch(target_seconds, remaining_after)
            except BaseException:  # closed (Stop) or failed mid-epoch: undo the partial epoch
                for variable, value in zip(self._state, snapshot):
                    variable.assign(value)
                raise
            report = self._epoch_report(*outcome)
            if report.status == "running" and remaining_after == 0:
                report = _with_status(report, "finished")
            yield report
            if report.status == "diverged":
                return

    def _train_epoch(self, target_seconds: float, epochs_after: int):
        """Yields BatchProgress; returns (loss, accuracy, seconds) of the epoch's batches."""
        tf, _ = load()
        total = self.batches_per_epoch
        batch = self.experiment.batch_size
        rows = len(self.dataset.x_train)
        started = time.perf_counter()
        order = self._new_order()
        done = 0
        loss_sum = hits = seen = 0.0
        count = 1 if not self._traced else self._chunk(target_seconds)
        while done < total:
            count = min(count, total - done)
            t0 = time.perf_counter()
            result = self._train_batches(order, tf.constant(done, tf.int32),
                                         tf.constant(count, tf.int32))
            part_loss, part_hits, part_seen = (float(r) for r in result)
            seconds = time.perf_counter() - t0
            if self._traced:
                per_batch = seconds / count
                self._sec_per_batch = (per_batch if self._sec_per_batch is None
                                       else 0.5 * self._sec_per_batch + 0.5 * per_batch)
            self._traced = True
            done += count
            loss_sum, hits, seen = loss_sum + part_loss, hits + part_hits, seen + part_seen
            if not math.isfinite(loss_sum):
                break  # diverged: no point finishing the epoch
            if done < total:
                yield self._progress(done, total, batch, rows, loss_sum / seen, hits / seen,
                                     epochs_after)
            count = self._chunk(target_seconds)
        return loss_sum / max(seen, 1.0), hits / max(seen, 1.0), time.perf_counter() - started

    def _chunk(self, target_seconds: float) -> int:
        if self._sec_per_batch is None:
            return 4  # a short calibration chunk after the traced one
        return max(1, int(target_seconds / max(self._sec_per_batch, 1e-6)))

    def _progress(self, done, total, batch, rows, loss, accuracy, epochs_after) -> BatchProgress:
        per_batch = self._sec_per_batch or 0.0
        seconds_left = (total - done) * per_batch
        epoch_seconds = total * per_batch + self._eval_seconds
        run_left = seconds_left + self._eval_seconds + epochs_after * epoch_seconds
        return BatchProgress(
            epoch=self.epoch + 1, batches_done=done, batches_total=total,
            samples_done=min(done * batch, rows), samples_total=rows,
            samples_per_second=batch / per_batch if per_batch > 0 else 0.0,
            seconds_left=seconds_left, run_seconds_left=run_left if per_batch > 0 else 0.0,
            loss=loss, accuracy=accuracy)

    # ----- reports -----
    def _validation(self) -> tuple[float, float]:
        started = time.perf_counter()
        data = self.dataset
        if len(data.x_val):
            result = self.evaluate(data.x_val, data.labels_val)
        else:
            result = self.evaluate(data.x_test, data.labels_test)
        self._eval_seconds = time.perf_counter() - started
        return result

    def report_now(self) -> Report:
        """The model as it is now, labelled with the current epoch; the training loss is
        measured on the first EPOCH0_TRAIN_ROWS rows (all 60,000 would take seconds)."""
        rows = slice(0, EPOCH0_TRAIN_ROWS)
        loss, acc = self.evaluate(self.dataset.x_train[rows], self.dataset.labels_train[rows])
        val_loss, val_acc = self._validation()
        return self._make_report(self.epoch, loss, acc, val_loss, val_acc, 0.0, "running")

    def _epoch_report(self, loss: float, accuracy: float, seconds: float) -> Report:
        status = "running" if math.isfinite(loss) else "diverged"
        val_loss, val_acc = self._validation()
        self.epoch += 1
        seconds += self._eval_seconds
        return self._make_report(self.epoch, loss, accuracy, val_loss, val_acc,
                                 1.0 / seconds if seconds > 0 else 0.0, status)

    def _make_report(self, epoch, loss, acc, val_loss, val_acc, speed, status) -> Report:
        return Report(
            epochs=_frozen([epoch]), loss=_frozen([loss]), accuracy=_frozen([acc]),
            val_loss=_frozen([val_loss]), val_accuracy=_frozen([val_acc]),
            outputs=_frozen(self.predict(self.probe_x)[None]),
            weights=tuple(_frozen(w) for w in self.model.get_weights()),
            epochs_per_second=speed, status=status)


def make_trainer(experiment: Experiment, dataset: Dataset | None = None, model=None) -> Trainer:
    """The trainer for an experiment: `ImageTrainer` for image datasets, else `Trainer`."""
    if datasets.get(experiment.dataset).kind == "images":
        return ImageTrainer(experiment, dataset, model)
    return Trainer(experiment, dataset, model)
