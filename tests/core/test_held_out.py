"""What the held-out curve measures: validation split, else a cheap test set, else nothing."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.data import registry as datasets
from playground.core.data.dataset import Dataset
from playground.core.experiment import Experiment, Layer
from playground.core.training.schedules import BATCHES, EPOCHS
from playground.core.training.trainer import Report, Trainer


def circle(**changes) -> Experiment:
    chosen = Experiment(dataset="circle")
    chosen = chosen.replace(**datasets.follow("circle", chosen.loss, "xor", chosen))
    settings = dict(layers=(Layer(4, "tanh"),), samples=200, validation_split=0.0,
                    optimizer="adam", learning_rate=0.05, batch_size=10, epochs=6)
    return chosen.replace(**{**settings, **changes})


@pytest.mark.parametrize("schedule", [EPOCHS, BATCHES])
def test_the_circle_without_a_validation_split_has_a_test_curve_every_epoch(schedule):
    trainer = Trainer(circle(), schedule=schedule)
    reports = [r for r in trainer.run() if isinstance(r, Report)]
    assert {r.held_out for r in reports} == {"test"}
    curve = np.concatenate([r.val_metrics["accuracy"] for r in reports])
    assert len(curve) == 7 and np.isfinite(curve).all()  # epoch 0, then every epoch
    data = trainer.dataset
    final = trainer.scores(data.x_test, data.labels_test)  # the final test numbers
    assert curve[-1] == pytest.approx(final["accuracy"])
    assert reports[-1].val_loss[-1] == pytest.approx(final["loss"], rel=1e-4)


def test_a_validation_split_is_still_what_is_held_out_on_the_circle():
    trainer = Trainer(circle(validation_split=0.2))
    assert trainer.held_out == "validation"


def test_xor_has_no_test_set_and_never_says_test():
    trainer = Trainer(Experiment(epochs=2))
    assert trainer.held_out == ""
    assert all(r.val_loss is None for r in trainer.run() if isinstance(r, Report))


def test_a_test_set_that_would_cost_more_than_half_an_epoch_is_not_measured_each_epoch():
    rng = np.random.default_rng(0)
    empty = np.zeros((0, 2), np.float32)

    def rows(test: int) -> Dataset:  # 10 training rows (one step an epoch), `test` test rows
        return Dataset(key="circle", x_train=rng.normal(size=(10, 2)).astype(np.float32),
                       labels_train=np.arange(10) % 2, x_val=empty, labels_val=np.zeros(0, int),
                       x_test=rng.normal(size=(test, 2)).astype(np.float32),
                       labels_test=np.arange(test) % 2, feature_names=("x1", "x2"),
                       class_names=("0", "1"))

    data, small = rows(100_000), rows(5)  # through 2-512-512-1
    experiment = circle(layers=(Layer(512, "tanh"), Layer(512, "tanh")), batch_size=10)
    assert Trainer(experiment, dataset=data).held_out == ""
    assert Trainer(experiment, dataset=small).held_out == "test"


def test_ten_thousand_circle_points_at_batch_ten_train_by_batches_so_stop_acts_within_an_epoch():
    """800 steps an epoch measured 0.12-0.35 s: longer than Stop may wait, so the batch
    schedule (chunks of ~0.1 s) must be chosen, not whole epochs."""
    big = circle(samples=10_000, test_fraction=0.2, layers=(Layer(4, "tanh"),), batch_size=10)
    trainer = Trainer(big)
    assert trainer.schedule == BATCHES
    assert trainer.held_out == "test"  # and its test curve is still drawn every epoch
    assert Trainer(big.replace(batch_size=100)).schedule == EPOCHS  # 80 steps: cheap epochs
