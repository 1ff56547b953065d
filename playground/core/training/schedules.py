"""The trainer's two schedules: chunks of epochs (small data) and chunks of batches (large data).

Both run the model's own layers, loss and optimizer inside compiled TensorFlow functions,
reshuffling every epoch from the trainer's seeded generator, like `fit`.

- `EpochSchedule`: a chunk of whole epochs per call, sized to take about `target_seconds`;
  after each epoch the whole training set (and the validation split) is measured (FULL_PASS).
  On four XOR rows `fit` spends ~50 ms an epoch building iterators; this runs thousands of
  epochs a second (benchmarks/bench_trainer.py).
- `BatchSchedule`: an epoch of 60,000 images takes seconds, so it runs a chunk of batches per
  call (~0.1 s) and yields `BatchProgress` between epoch reports; the epoch's numbers are the
  running mean over its batches (RUNNING_MEAN). Stop (closing the generator) rolls a part-done
  epoch back: weights, optimizer state, dropout seeds and the shuffle return to where the epoch
  began, so the epoch count, the weights and a later continuation agree.

Which one runs follows from the estimated cost of an epoch (`choose`), never from the dataset.
"""
from __future__ import annotations

import math
import os
import time

import numpy as np

from playground.core.data import images
from playground.core.model.build import dense_layers
from playground.core.model.runtime import load
from playground.core.training.reports import (FULL_PASS, RUNNING_MEAN, BatchProgress,
                                              divergence, with_status)

EPOCHS, BATCHES = "epochs", "batches"
# Measured on the 2-core dev machine (2026-12-02, one TensorFlow thread), epoch schedule:
# 100,000 rows in batches of 32 took 0.39 s an epoch; 1,000,000 rows in one batch 0.63 s;
# 5,000 MNIST images through a 784-512-512-10 MLP 0.74 s; 1,000 images, 784-32-10, 0.018 s.
#: Estimated fixed seconds of one training step (gather, tape, optimizer update). 10,000
#: circle points at batch 10 (800 steps in a graph loop, 2-4-1) took 0.12-0.18 s an epoch,
#: 0.25-0.35 s under load: 1e-4 had chosen the epoch schedule, so Stop waited a whole epoch.
STEP_SECONDS = 2e-4
#: Estimated seconds per row of an epoch whatever the network (the shuffle's sort, gathers).
ROW_SECONDS = 5e-7
#: Estimated seconds per row and parameter of an epoch (forward and backward while training,
#: plus the full pass that measures the epoch).
ROW_PARAMETER_SECONDS = 2e-10
#: An epoch estimated to take longer than this is trained in chunks of batches, so Stop acts
#: inside it and progress shows.
BATCH_SCHEDULE_SECONDS = 0.1
#: Epochs of at most this many batches have their batch loop unrolled in the graph.
UNROLL_BATCHES = 16


def use_xla() -> bool:
    """PLAYGROUND_XLA=1: the epoch schedule compiles each epoch with XLA. ~3x the epochs a
    second on XOR (~23,000 vs ~7,000 per CPU second), but compiling takes 2-4 s per model, which
    a learner would wait through at the first Train of every new model: off by default."""
    return os.environ.get("PLAYGROUND_XLA", "0") == "1"
#: Longest chunk of epochs, so Stop and Pause act quickly even when an epoch is very cheap.
MAX_CHUNK_EPOCHS = 5000
#: The epoch schedule also records, after each epoch, the norm of the full-pass loss's gradient
#: for each Dense kernel (one backward pass over the training rows; cost: bench_trainer).
RECORD_GRADIENT_NORMS = True
#: Seconds a chunk of batches should take: progress at most ~10 times a second.
CHUNK_SECONDS = 0.1


def epoch_seconds(rows: int, parameters: int, batch_size: int) -> float:
    """Estimated seconds of one epoch: the steps' fixed cost (rows / batch of them), the rows'
    own cost, and the arithmetic (rows x parameters)."""
    steps = -(-rows // max(batch_size, 1))
    return steps * STEP_SECONDS + rows * (ROW_SECONDS + parameters * ROW_PARAMETER_SECONDS)


def choose(rows: int, parameters: int, batch_size: int) -> str:
    """EPOCHS for cheap epochs, BATCHES when one epoch is estimated to take long."""
    cheap = epoch_seconds(rows, parameters, batch_size) <= BATCH_SCHEDULE_SECONDS
    return EPOCHS if cheap else BATCHES


class EpochSchedule:
    """Compiled chunks of whole epochs, measured by a full pass after each."""

    name = EPOCHS
    epoch_metrics = FULL_PASS
    default_seconds = 1 / 30

    def __init__(self, trainer):
        self.trainer = trainer
        self._compile()

    def _compile(self) -> None:
        tf, _ = load()
        t = self.trainer
        data, model, loss_fn = t.dataset, t.model, t.loss_fn
        optimizer, shuffle, measures = t.optimizer, t.shuffle, t.measures
        x = tf.constant(data.x_train)
        y = tf.constant(t.targets(data.labels_train))
        held = t.held_out_rows()
        has_val = held is not None
        x_val = tf.constant(held[0] if has_val else data.x_val)
        y_val = tf.constant(t.targets(held[1] if has_val else data.labels_val))
        # Probe rows are the first training rows, then validation rows (see Trainer.probe_x).
        probe_from_val = t.held_out == "validation"
        probe_rows = len(t.probe_x)
        # Probe rows that are the first training (then validation) rows are read off the full
        # pass: no forward pass of their own. Others (test images) get one.
        separate_probe = tf.constant(t.probe_x) if t.dataset.is_images else None
        rows, batch = int(x.shape[0]), int(t.experiment.batch_size)
        batches = -(-rows // batch)
        width = 2 if measures.task == "regression" else 1
        variables = model.trainable_variables
        nan = tf.constant(np.nan, tf.float32)
        no_sums = tf.fill([width], nan)
        # The norm of the full-pass loss's gradient for each Dense kernel (issue 16).
        kernels = [layer.kernel for layer in dense_layers(model)]
        record_norms = RECORD_GRADIENT_NORMS
        # A few batches an epoch are unrolled into the graph (Python range): ~1.6x faster on
        # XOR than a tf.range loop; many batches stay a graph loop, so tracing stays short.
        batch_steps = range(batches) if batches <= UNROLL_BATCHES else tf.range(batches)

        def one_epoch():
            """Train one epoch, then measure it: (loss, sums, held-out loss, sums, probe)."""
            order = tf.argsort(shuffle.uniform([rows]))
            for b in batch_steps:
                idx = order[b * batch:tf.minimum((b + 1) * batch, rows)]
                xb, yb = tf.gather(x, idx), tf.gather(y, idx)
                with tf.GradientTape() as tape:
                    loss = loss_fn(yb, model(xb, training=True))
                    # Training minimises the data loss plus the kernels' L1/L2 penalties.
                    objective = loss + tf.add_n(model.losses) if model.losses else loss
                grads = tape.gradient(objective, variables)
                optimizer.apply_gradients(zip(grads, variables))
            with tf.GradientTape(watch_accessed_variables=record_norms) as tape:
                out = tf.cast(model(x, training=False), tf.float32)
                loss, sums = tf.cast(loss_fn(y, out), tf.float32), measures.sums(tf, y, out)
            norms = (tf.stack([tf.norm(g) for g in tape.gradient(loss, kernels)]) if record_norms
                     else tf.fill([len(kernels)], nan))
            if has_val:
                val_out = tf.cast(model(x_val, training=False), tf.float32)
                val_loss = tf.cast(loss_fn(y_val, val_out), tf.float32)
                val_sums = measures.sums(tf, y_val, val_out)
                probe = (tf.concat([out, val_out], axis=0)[:probe_rows] if probe_from_val
                         else out[:probe_rows])
            else:
                val_loss, val_sums, probe = nan, no_sums, out[:probe_rows]
            if separate_probe is not None:
                probe = tf.cast(model(separate_probe, training=False), tf.float32)
            return loss, sums, val_loss, val_sums, probe, norms

        def compiled(jit: bool):
            # With XLA one epoch is compiled into fused code, not run op by op (use_xla).
            epoch = tf.function(one_epoch, jit_compile=jit)

            def train_epochs(n):
                # Autograph carries TensorArrays through the loop only as plain local names.
                losses = tf.TensorArray(tf.float32, size=n)
                sums = tf.TensorArray(tf.float32, size=n, element_shape=[width])
                val_losses = tf.TensorArray(tf.float32, size=n)
                val_sums = tf.TensorArray(tf.float32, size=n, element_shape=[width])
                outputs = tf.TensorArray(tf.float32, size=n)
                norms = tf.TensorArray(tf.float32, size=n, element_shape=[len(kernels)])
                for e in tf.range(n):
                    loss, part, val_loss, val_part, probe, norm = epoch()
                    norms = norms.write(e, norm)
                    losses = losses.write(e, loss)
                    sums = sums.write(e, part)
                    val_losses = val_losses.write(e, val_loss)
                    val_sums = val_sums.write(e, val_part)
                    outputs = outputs.write(e, probe)
                # The weights come back with the metrics: one call, no per-variable reads.
                return (losses.stack(), sums.stack(), val_losses.stack(), val_sums.stack(),
                        outputs.stack(), [tf.identity(w) for w in model.weights],
                        norms.stack())

            # Trace now (~0.5 s of Python) rather than at the first Train, when a window would
            # be animating: tracing holds the GIL and would stall the GUI thread.
            return tf.function(train_epochs).get_concrete_function(tf.TensorSpec([], tf.int32))

        xla = use_xla()
        self._train_epochs = compiled(xla)
        self._plain = (lambda: compiled(False)) if xla else None

    def run(self, epochs: int, target_seconds: float):
        """Yields a Report per chunk of epochs; the last one is "finished" or "diverged"."""
        tf, _ = load()
        remaining = epochs
        chunk = 1  # the first call may be slow; time it on one epoch
        while remaining > 0:
            n = min(chunk, remaining)
            started = time.perf_counter()
            result = self._call(tf, n)
            seconds = time.perf_counter() - started
            report = self._report(n, result, seconds)
            remaining -= len(report.epochs)
            if report.status == "running" and remaining == 0:
                report = with_status(report, "finished")
            yield report
            if report.status == "diverged":
                return
            per_epoch = seconds / n
            chunk = int(min(MAX_CHUNK_EPOCHS, max(1, target_seconds / max(per_epoch, 1e-7))))

    def _call(self, tf, n: int):
        try:
            return self._train_epochs(tf.constant(n, tf.int32))
        except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError):
            if self._plain is None:
                raise
            # XLA cannot compile this network (it fails before running anything): train it
            # with TensorFlow's own kernels instead.
            self._train_epochs, self._plain = self._plain(), None
            return self._train_epochs(tf.constant(n, tf.int32))

    def _report(self, n: int, result, seconds: float):
        t = self.trainer
        loss, sums, val_loss, val_sums, outputs = (r.numpy() for r in result[:5])
        outputs = t.dataset.in_data_units(outputs)  # as Trainer.predict gives them
        weights = tuple(w.numpy() for w in result[5])
        norms = result[6].numpy() if RECORD_GRADIENT_NORMS else None
        reason = ""
        t.note_reference(loss[0])
        diverged = divergence(loss, t.reference_loss)
        if diverged:  # keep the epochs up to and including the first diverged one
            n, reason = diverged[0] + 1, diverged[1]
            loss, sums, val_loss, val_sums, outputs = (a[:n] for a in
                                                       (loss, sums, val_loss, val_sums, outputs))
            norms = norms[:n] if norms is not None else None
        metrics = t.measures.finish(sums, len(t.dataset.x_train), t.spreads["train"])
        val_metrics = None
        if t.held_out:
            val_metrics = t.measures.finish(val_sums, len(t.held_out_rows()[0]),
                                            t.spreads["val"])
        first = t.epoch + 1
        t.epoch += n
        return t.make_report(np.arange(first, t.epoch + 1), loss, metrics,
                             val_loss if t.held_out else None, val_metrics, outputs, weights,
                             n / seconds if seconds > 0 else 0.0,
                             "diverged" if diverged else "running", reason,
                             gradient_norms=norms)


class BatchSchedule:
    """Compiled chunks of batches with progress between them; one Report per epoch."""

    name = BATCHES
    epoch_metrics = RUNNING_MEAN
    default_seconds = CHUNK_SECONDS

    def __init__(self, trainer):
        self.trainer = trainer
        self._sec_per_batch: float | None = None
        self._eval_seconds = 0.0
        self._compile()

    @property
    def batches_per_epoch(self) -> int:
        t = self.trainer
        return -(-len(t.dataset.x_train) // t.experiment.batch_size)

    def _compile(self) -> None:
        tf, _ = load()
        t = self.trainer
        data, model, loss_fn = t.dataset, t.model, t.loss_fn
        optimizer, shuffle, measures = t.optimizer, t.shuffle, t.measures
        variables = model.trainable_variables
        # Everything that changes while training, for undoing a part-done epoch.
        self.state = list(model.variables) + list(optimizer.variables) + [shuffle.state]

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
        y = tf.constant(t.targets(data.labels_train))
        rows = len(data.x_train)
        batch = int(t.experiment.batch_size)
        width = 2 if measures.task == "regression" else 1

        def new_order():
            return tf.argsort(shuffle.uniform([rows]))

        def train_batches(order, start, count):
            """Batches start..start+count-1 of this epoch's order: (loss sum, sums, rows)."""
            loss_sum = tf.constant(0.0)
            sums = tf.zeros([width])
            seen = tf.constant(0.0)
            for b in tf.range(start, start + count):
                idx = order[b * batch:tf.minimum((b + 1) * batch, rows)]
                xb, yb = rows_at(idx), tf.gather(y, idx)
                with tf.GradientTape() as tape:
                    outputs = model(xb, training=True)
                    loss = loss_fn(yb, outputs)
                    # Training minimises the data loss plus the kernels' L1/L2 penalties.
                    objective = loss + tf.add_n(model.losses) if model.losses else loss
                grads = tape.gradient(objective, variables)
                optimizer.apply_gradients(zip(grads, variables))
                n = tf.cast(tf.shape(idx)[0], tf.float32)
                loss_sum += tf.cast(loss, tf.float32) * n
                sums += measures.sums(tf, yb, outputs)
                seen += n
            return loss_sum, sums, seen

        self._new_order = tf.function(new_order)
        self._train_batches = tf.function(train_batches)
        self._traced = False

    def run(self, epochs: int, target_seconds: float):
        """Per epoch, some BatchProgress items and one Report (closing the generator inside an
        epoch undoes that epoch)."""
        for index in range(epochs):
            remaining_after = epochs - index - 1
            snapshot = [v.numpy() for v in self.state]
            try:
                outcome = yield from self._train_epoch(target_seconds, remaining_after)
            except BaseException:  # closed (Stop) or failed mid-epoch: undo the partial epoch
                for variable, value in zip(self.state, snapshot):
                    variable.assign(value)
                raise
            report = self._epoch_report(*outcome)
            if report.status == "running" and remaining_after == 0:
                report = with_status(report, "finished")
            yield report
            if report.status == "diverged":
                return

    def _train_epoch(self, target_seconds: float, epochs_after: int):
        """Yields BatchProgress; returns (loss, sums, rows, seconds) of the epoch's batches."""
        tf, _ = load()
        t = self.trainer
        total = self.batches_per_epoch
        batch = t.experiment.batch_size
        rows = len(t.dataset.x_train)
        started = time.perf_counter()
        order = self._new_order()
        done = 0
        loss_sum, sums, seen = 0.0, 0.0, 0.0
        count = 1 if not self._traced else self._chunk(target_seconds)
        while done < total:
            count = min(count, total - done)
            t0 = time.perf_counter()
            part_loss, part_sums, part_seen = self._train_batches(
                order, tf.constant(done, tf.int32), tf.constant(count, tf.int32))
            seconds = time.perf_counter() - t0
            if self._traced:
                per_batch = seconds / count
                self._sec_per_batch = (per_batch if self._sec_per_batch is None
                                       else 0.5 * self._sec_per_batch + 0.5 * per_batch)
            self._traced = True
            done += count
            loss_sum += float(part_loss)
            sums = sums + part_sums.numpy().astype(np.float64)
            seen += float(part_seen)
            if not math.isfinite(loss_sum):
                break  # diverged: no point finishing the epoch
            if done < total:
                metrics = {k: float(v) for k, v in
                           t.measures.finish(sums, int(seen), t.spreads["train"]).items()}
                yield self._progress(done, total, batch, rows, loss_sum / seen, metrics,
                                     epochs_after)
            count = self._chunk(target_seconds)
        return loss_sum / max(seen, 1.0), sums, int(seen), time.perf_counter() - started

    def _chunk(self, target_seconds: float) -> int:
        if self._sec_per_batch is None:
            return 4  # a short calibration chunk after the traced one
        return max(1, int(target_seconds / max(self._sec_per_batch, 1e-6)))

    def _progress(self, done, total, batch, rows, loss, metrics, epochs_after) -> BatchProgress:
        per_batch = self._sec_per_batch or 0.0
        seconds_left = (total - done) * per_batch
        epoch_seconds_ = total * per_batch + self._eval_seconds
        run_left = seconds_left + self._eval_seconds + epochs_after * epoch_seconds_
        return BatchProgress(
            epoch=self.trainer.epoch + 1, batches_done=done, batches_total=total,
            samples_done=min(done * batch, rows), samples_total=rows,
            samples_per_second=batch / per_batch if per_batch > 0 else 0.0,
            seconds_left=seconds_left, run_seconds_left=run_left if per_batch > 0 else 0.0,
            loss=loss, metrics=metrics)

    def held_out_scores(self):
        """(loss, metrics) on the held-out rows (None when nothing is held out), timed."""
        started = time.perf_counter()
        result = self.trainer.held_out_scores()
        self._eval_seconds = time.perf_counter() - started
        return result

    def _epoch_report(self, loss: float, sums, seen: int, seconds: float):
        t = self.trainer
        t.note_reference(loss)
        diverged = divergence(np.array([loss]), t.reference_loss)
        metrics = t.measures.finish(np.asarray(sums, np.float64), seen, t.spreads["train"])
        held = self.held_out_scores()
        t.epoch += 1
        seconds += self._eval_seconds
        return t.make_report(
            [t.epoch], [loss], {k: [v] for k, v in metrics.items()},
            [held[0]] if held else None, {k: [v] for k, v in held[1].items()} if held else None,
            t.predict(t.probe_x)[None], t.model.get_weights(),
            1.0 / seconds if seconds > 0 else 0.0,
            "diverged" if diverged else "running", diverged[1] if diverged else "")
