"""The trainer records each layer's gradient norm after every epoch on the small-data schedule."""
from __future__ import annotations

import json

import numpy as np
import pytest

from playground.cli import commands as cli
from playground.core.experiment import Experiment, Layer
from playground.core.model.build import dense_layers, make_loss
from playground.core.model.runtime import load
from playground.core.training import schedules
from playground.core.training.history import RunHistory
from playground.core.training.trainer import BatchProgress, Trainer

tf, _ = load()


def _run(trainer):
    history = RunHistory()
    for report in trainer.run():
        if not isinstance(report, BatchProgress):
            history.append(report)
    return history


def test_norms_are_the_full_pass_gradient_of_each_kernel_after_each_epoch():
    experiment = Experiment(layers=(Layer(4, "tanh"), Layer(3, "relu")), epochs=12)
    trainer = Trainer(experiment)
    history = _run(trainer)
    epochs, norms = history.gradient_norms()
    assert list(epochs) == list(range(1, 13)) and len(norms) == 3  # two hidden + output
    x = tf.constant(trainer.dataset.x_train)
    y = tf.constant(trainer.targets(trainer.dataset.labels_train))
    with tf.GradientTape() as tape:
        loss = make_loss(experiment)(y, trainer.model(x, training=False))
    kernels = [layer.kernel for layer in dense_layers(trainer.model)]
    expected = [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]
    assert [column[-1] for column in norms] == pytest.approx(expected, rel=1e-5)
    assert all(len(set(np.round(column, 8))) > 1 for column in norms)  # they change


def test_the_batch_schedule_records_none():
    trainer = Trainer(Experiment(epochs=2), schedule=schedules.BATCHES)
    epochs, norms = _run(trainer).gradient_norms()
    assert len(epochs) == 0 and norms == []


def test_train_json_has_one_list_per_layer_one_value_per_epoch(capsys):
    code = cli.main(["train", "--hidden", "3,2", "--epochs", "7", "--quiet", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["gradient_norm_epochs"] == list(range(1, 8))
    norms = result["gradient_norms"]
    assert len(norms) == 3 and all(len(column) == 7 for column in norms)
    assert all(value > 0 for column in norms for value in column)
