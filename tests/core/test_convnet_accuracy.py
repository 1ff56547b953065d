"""Issue 17's done-when: Keras's mnist_convnet preset, 5 epochs on the first 10,000 MNIST
training images, reaches at least 0.95 on 2,000 test images in the app (plain Keras: 0.9615).

About a minute of CPU, so it runs only when asked: PLAYGROUND_CONVNET_TEST=1 pytest -m slow
(benchmarks/bench_images.py --model convnet measures the same, with model.fit beside it)."""
from __future__ import annotations

import os

import pytest

from playground.core.experiment import Experiment
from playground.core.model.presets import preset_fields


@pytest.mark.slow
@pytest.mark.needs_datasets
@pytest.mark.skipif(os.environ.get("PLAYGROUND_CONVNET_TEST") != "1",
                    reason="a minute of training: set PLAYGROUND_CONVNET_TEST=1")
def test_the_convnet_preset_reaches_keras_s_accuracy(offline_datasets):
    from playground.core.training.reports import Report
    from playground.core.training.trainer import Trainer

    experiment = Experiment(**preset_fields("mnist-convnet"))
    assert (experiment.train_size, experiment.test_size, experiment.epochs) == (10_000, 2_000, 5)
    trainer = Trainer(experiment)
    reports = [item for item in trainer.run() if isinstance(item, Report)]
    assert trainer.epoch == 5 and reports[-1].held_out == "test"
    assert reports[-1].val_accuracy[-1] >= 0.95
