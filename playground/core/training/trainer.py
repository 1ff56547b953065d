"""Training as a stream of small immutable reports: the app's one trainer.

`Trainer.run()` is a generator. A fresh model first yields an epoch-0 `Report` of the untrained
network; then the schedule chosen by the estimated cost of an epoch (`schedules.choose`) trains:
chunks of whole epochs for small data, or chunks of batches with `BatchProgress` between epoch
reports for large data. A consumer pauses by not asking for the next item and stops by closing
the generator (a part-done epoch is undone).

Policies are decided here, once, and carried by every report (`held_out`, `epoch_metrics`):
the held-out numbers measure the validation split when there is one; otherwise the test set every
epoch where the data has one and measuring it is cheap beside the epoch (seed 001's
`validation_data=(x_test, y_test)`; the circle with no validation split); otherwise nothing is
held out (XOR, which has no test set).

Why not `model.fit`: on four samples it spends ~50 ms per epoch building data iterators; the
compiled loop runs thousands of epochs a second (benchmarks/bench_trainer.py).
"""
from __future__ import annotations

import math
import weakref
from typing import Iterator

import numpy as np

from playground.core.data import registry as datasets
from playground.core.data.dataset import Dataset, encode_targets
from playground.core.experiment import Experiment, needs_new_model
from playground.core.layers import is_spatial, row_costs
from playground.core.model.build import build_model, make_loss, make_optimizer
from playground.core.model.runtime import load
from playground.core.training import schedules
from playground.core.training.penalty import penalty_column
from playground.core.training.measures import Measures, spread
from playground.core.training.reports import BatchProgress, Report, frozen, frozen_metrics

__all__ = ["BatchProgress", "Report", "Trainer", "make_trainer", "train"]

#: At most this many input rows have their outputs recorded every epoch (the "probe" rows).
PROBE_LIMIT = 64
#: The batch schedule's epoch-0 report measures training loss on at most this many rows (a
#: forward pass over all 60,000 images would take seconds before anything is on screen).
EPOCH0_TRAIN_ROWS = 10_000
#: Rows per forward pass when evaluating or predicting many rows (bounds activation memory).
EVAL_BATCH = 10_000
#: At most about this many activation values per evaluation pass (80 MB of float32).
EVAL_VALUES = 20_000_000
#: With no validation split the test set is measured every epoch when one forward pass over it
#: is estimated to cost at most this share of an epoch (a 0.9 test fraction of a big table on
#: a wide network would more than double each epoch: its test numbers come at the end instead).
TEST_CURVE_SHARE = 0.5


class Trainer:
    """Owns one model for one experiment and trains it on the schedule its cost calls for."""

    def __init__(self, experiment: Experiment, dataset: Dataset | None = None, model=None,
                 schedule: str | None = None):
        """`schedule` (schedules.EPOCHS or BATCHES) overrides the choice by cost (tests,
        benchmarks)."""
        tf, _ = load()
        self.experiment = experiment.check()
        self.dataset = dataset if dataset is not None else datasets.load(experiment)
        self.model = model if model is not None else build_model(experiment, self.dataset)
        self.epoch = 0
        self._forced_schedule = schedule
        # Weights *and* dropout seed states, so a run after Reset repeats a fresh run exactly.
        self._initial_state = [v.numpy() for v in self.model.variables]
        self.shuffle = tf.random.Generator.from_seed(self.experiment.seed)
        self._active = None  # weak reference to the run() generator that may be mid-epoch
        self._zero_reported = False
        #: The first loss this trainer measured: divergence is judged against it.
        self.reference_loss: float | None = None
        self._compile()

    # ----- what it is -----
    @property
    def encoding(self) -> str:
        return self.experiment.encoding

    @property
    def task(self) -> str:
        return self.dataset.task

    @property
    def schedule(self) -> str:
        """schedules.EPOCHS or schedules.BATCHES."""
        return self._schedule.name

    @property
    def epoch_metrics(self) -> str:
        return self._schedule.epoch_metrics

    @property
    def parameters(self) -> int:
        return int(sum(np.prod(w.shape) for w in self.model.trainable_weights))

    @property
    def held_out(self) -> str:
        """What the held-out numbers measure: "validation", "test" or "" (nothing).

        The rule, on either schedule: the validation split when there is one (seed 002's 0.2 of
        sum-threshold). Otherwise the test set, every epoch, when the data has a real test set
        and one forward pass over it is cheap beside an epoch (`TEST_CURVE_SHARE`): the circle
        or a table with validation 0 gets a "test" curve. Images always measure their test set
        (seed 001 does; the gallery shows them). XOR has no test set: never "test". A test set
        too costly to measure each epoch is scored from the final weights (core.training.runs).
        """
        data = self.dataset
        if len(data.x_val):
            return "validation"
        if len(data.x_test) and (data.is_images or self._test_is_cheap):
            return "test"
        return ""

    @property
    def val_source(self) -> str:  # the image trainer's name for `held_out`
        return self.held_out

    @property
    def probe_x(self) -> np.ndarray:
        """The rows whose outputs are recorded every epoch: the first test images for images
        (the gallery shows them), else training rows, then validation rows."""
        data = self.dataset
        if data.is_images:
            return data.x_test[:PROBE_LIMIT]
        return np.concatenate([data.x_train[:PROBE_LIMIT], data.x_val[:PROBE_LIMIT]]
                              )[:PROBE_LIMIT]

    @property
    def probe_labels(self) -> np.ndarray:
        data = self.dataset
        if data.is_images:
            return data.labels_test[:PROBE_LIMIT]
        return np.concatenate([data.labels_train[:PROBE_LIMIT], data.labels_val[:PROBE_LIMIT]]
                              )[:PROBE_LIMIT]

    @property
    def batches_per_epoch(self) -> int:
        return -(-len(self.dataset.x_train) // self.experiment.batch_size)

    # ----- commands -----
    def run(self, epochs: int | None = None, target_seconds: float | None = None
            ) -> Iterator[Report | BatchProgress]:
        """Train `epochs` more epochs (default: up to the experiment's total).

        Yields an epoch-0 `Report` for a fresh model (once: not again after a stop), then the
        schedule's reports (and `BatchProgress` for the batch schedule). To stop, close the
        generator (or drop it). A new `run()`, `reset()` or `retarget()` first stops a paused
        run; call them only while no thread is inside `next()` of that run.
        """
        self._stop_active()
        generator = self._run(epochs, target_seconds)
        self._active = weakref.ref(generator)
        return generator

    def stop(self) -> None:
        """End a paused run now (a part-done epoch is undone); nothing when none is paused."""
        self._stop_active()

    def reset(self) -> None:
        """Back to the untrained model of this seed (weights and dropout seeds), with a fresh
        optimizer and shuffle: the next run repeats a fresh trainer's run exactly."""
        self._stop_active()
        for variable, value in zip(self.model.variables, self._initial_state):
            variable.assign(value)
        for variable, value in zip(self.optimizer.variables, self._initial_optimizer):
            variable.assign(value)
        self.shuffle.reset_from_seed(self.experiment.seed)
        self.epoch = 0
        self._zero_reported = False
        self.reference_loss = None

    def retarget(self, experiment: Experiment) -> None:
        """Train on with `experiment`'s optimizer, learning rate, momentum, batch size and
        epochs: the weights, the epoch count and the shuffle carry on; the optimizer starts
        afresh (as a new `compile` in Keras does). Raises ValueError when `experiment` needs a
        new model (`needs_new_model`)."""
        experiment = experiment.check()
        if needs_new_model(self.experiment, experiment):
            raise ValueError("this experiment needs a new model, not a retarget")
        self._stop_active()
        old, self.experiment = self.experiment, experiment
        if experiment.replace(epochs=old.epochs) != old:  # more than the epoch count changed
            self._compile()

    def predict(self, x) -> np.ndarray:
        """Outputs for rows `x`, calling the model directly, `EVAL_BATCH` rows at a time; a
        regression's in the data's units (`Dataset.in_data_units`)."""
        tf, _ = load()
        x = np.asarray(x, np.float32)
        step = self.eval_rows
        parts = [self.model(tf.constant(x[i:i + step]), training=False).numpy()
                 for i in range(0, len(x), step)]
        if not parts:
            return np.zeros((0, self.dataset.output_units), np.float32)
        return self.dataset.in_data_units(np.concatenate(parts))

    def scores(self, x, labels) -> dict[str, float]:
        """{"loss": ..., and each of the task's metrics} on rows `x` (NaN for no rows)."""
        tf, _ = load()
        names = ("loss",) + self.measures.names
        if len(x) == 0:
            return {name: math.nan for name in names}
        x = np.asarray(x, np.float32)
        y = self.targets(labels)
        losses, weights, sums = [], [], 0.0
        step = self.eval_rows
        for i in range(0, len(x), step):
            loss, part = self._measure(tf.constant(x[i:i + step]),
                                       tf.constant(y[i:i + step]))
            losses.append(float(loss))
            weights.append(len(x[i:i + step]))
            sums = sums + part.numpy().astype(np.float64)
        result = {"loss": losses[0] if len(losses) == 1 else
                  float(np.dot(losses, weights) / len(x))}
        finished = self.measures.finish(sums, len(x), spread(labels, self.task))
        result.update({name: float(value) for name, value in finished.items()})
        return result

    def evaluate(self, x, labels) -> tuple[float, float]:
        """(loss, accuracy) on rows `x` (accuracy NaN for regression): see `scores`."""
        result = self.scores(x, labels)
        return result["loss"], result.get("accuracy", math.nan)

    def report_now(self) -> Report:
        """The model as it is now, labelled with the current epoch (epoch 0 for a fresh model;
        after hand-set weights, the epoch training had reached). The batch schedule measures
        training numbers on the first EPOCH0_TRAIN_ROWS rows."""
        data = self.dataset
        rows = slice(0, EPOCH0_TRAIN_ROWS if self.schedule == schedules.BATCHES else None)
        train = self.scores(data.x_train[rows], data.labels_train[rows])
        self.note_reference(train["loss"])
        held = self.held_out_scores()
        return self.make_report(
            [self.epoch], [train.pop("loss")], {k: [v] for k, v in train.items()},
            [held[0]] if held else None, {k: [v] for k, v in held[1].items()} if held else None,
            self.predict(self.probe_x)[None], self.model.get_weights(), 0.0, "running")

    # ----- for the schedules -----
    def targets(self, labels) -> np.ndarray:
        """What the loss compares outputs with (a regression's targets standardised)."""
        return encode_targets(self.dataset.scaled_targets(labels), self.encoding,
                              self.dataset.n_classes)

    def held_out_rows(self) -> tuple[np.ndarray, np.ndarray] | None:
        data, held = self.dataset, self.held_out
        if held == "validation":
            return data.x_val, data.labels_val
        if held == "test":
            return data.x_test, data.labels_test
        return None

    def held_out_scores(self) -> tuple[float, dict[str, float]] | None:
        rows = self.held_out_rows()
        if rows is None:
            return None
        result = self.scores(*rows)
        return result.pop("loss"), result

    def note_reference(self, loss: float) -> None:
        if self.reference_loss is None and math.isfinite(loss):
            self.reference_loss = float(loss)

    def make_report(self, epochs, loss, metrics, val_loss, val_metrics, outputs, weights,
                    speed: float, status: str, reason: str = "", gradient_norms=None) -> Report:
        return Report(
            epochs=frozen(np.asarray(epochs, np.int64)), loss=frozen(loss),
            metrics=frozen_metrics(metrics),
            val_loss=frozen(val_loss) if val_loss is not None else None,
            val_metrics=frozen_metrics(val_metrics), outputs=frozen(outputs),
            weights=tuple(frozen(w) for w in weights), epochs_per_second=speed, status=status,
            held_out=self.held_out, epoch_metrics=self.epoch_metrics, reason=reason,
            gradient_norms=frozen(gradient_norms) if gradient_norms is not None else None,
            penalty=penalty_column(epochs, weights, self.experiment))

    # ----- internals -----
    def _schedule_name(self) -> str:
        if self._forced_schedule:
            return self._forced_schedule
        return schedules.choose(len(self.dataset.x_train), self._row_work(),
                                self.experiment.batch_size)

    def _row_work(self) -> int:
        """Parameters, or a conv layer's multiply-adds a row (it reuses its weights at every
        position): what an epoch's cost grows with."""
        work = row_costs(self.experiment.layers, self.dataset.n_inputs, self._image_shape(),
                         self.dataset.output_units)[0]
        return max(self.parameters, work)

    @property
    def _test_is_cheap(self) -> bool:
        """One forward pass over the test rows within `TEST_CURVE_SHARE` of an epoch: its
        arithmetic is a quarter of a training row's (forward, backward and the measuring pass);
        no shuffle, gathers or optimizer steps."""
        data, work = self.dataset, self._row_work()
        epoch = schedules.epoch_seconds(len(data.x_train), work, self.experiment.batch_size)
        measure = len(data.x_test) * work * schedules.ROW_PARAMETER_SECONDS / 4
        return measure <= TEST_CURVE_SHARE * epoch

    def _image_shape(self) -> tuple[int, ...]:
        return tuple(self.dataset.image_shape) if is_spatial(self.experiment.layers) else ()

    @property
    def eval_rows(self) -> int:
        """Rows per forward pass when evaluating: `EVAL_BATCH`, fewer when a layer outputs many
        values a row (a conv layer's maps), so activations stay within ~`EVAL_VALUES`."""
        largest = row_costs(self.experiment.layers, self.dataset.n_inputs, self._image_shape(),
                            self.dataset.output_units)[1]
        return min(EVAL_BATCH, max(256, EVAL_VALUES // max(largest, 1)))

    def _compile(self) -> None:
        tf, _ = load()
        exp, model = self.experiment, self.model
        self.loss_fn = make_loss(exp)
        self.optimizer = make_optimizer(exp)
        model.optimizer = self.optimizer
        self.optimizer.build(model.trainable_variables)
        self._initial_optimizer = [v.numpy() for v in self.optimizer.variables]
        self.measures = Measures(self.task, self.encoding, exp.default_threshold,
                                 self.dataset.target_scale)
        self._schedule_kind = self._schedule_name()
        held = self.held_out_rows()
        self.spreads = {"train": spread(self.dataset.labels_train, self.task),
                        "val": spread(held[1], self.task) if held else math.nan}
        loss_fn, measures = self.loss_fn, self.measures

        def measure(xs, ys):
            outputs = model(xs, training=False)
            return tf.cast(loss_fn(ys, outputs), tf.float32), measures.sums(tf, ys, outputs)

        self._measure = tf.function(measure, reduce_retracing=True)
        batches = self._schedule_kind == schedules.BATCHES
        kind = schedules.BatchSchedule if batches else schedules.EpochSchedule
        self._schedule = kind(self)

    def _stop_active(self) -> None:
        generator = self._active() if self._active is not None else None
        self._active = None
        if generator is not None:
            generator.close()  # runs its rollback if it stopped mid-epoch

    def _run(self, epochs: int | None, target_seconds: float | None):
        if epochs is None:
            epochs = max(self.experiment.epochs - self.epoch, 0)
        if self.epoch == 0 and not self._zero_reported:
            self._zero_reported = True
            yield self.report_now()
        if target_seconds is None:
            target_seconds = self._schedule.default_seconds
        yield from self._schedule.run(epochs, target_seconds)


#: The trainer for an experiment (a name kept for callers from before the merge).
make_trainer = Trainer


def train(experiment: Experiment, **kwargs) -> tuple[Trainer, list[Report]]:
    """Train an experiment to the end; returns the trainer and every report (for scripts)."""
    trainer = Trainer(experiment)
    return trainer, [r for r in trainer.run(**kwargs) if isinstance(r, Report)]
