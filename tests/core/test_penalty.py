"""With L1/L2 on, reports carry the penalty beside the data loss; it is Keras's penalty."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.experiment import Experiment
from playground.core.training.history import RunHistory
from playground.core.training.penalty import kernel_penalty
from playground.core.training.trainer import train


def test_reports_carry_the_kernels_penalty_as_keras_adds_it():
    experiment = Experiment(epochs=40, l1=0.001, l2=0.01)
    trainer, reports = train(experiment)
    history = RunHistory()
    for report in reports:
        history.append(report)
        assert report.penalty is not None and len(report.penalty) == len(report.epochs)
        assert report.penalty[-1] == pytest.approx(kernel_penalty(report.weights, 0.001, 0.01))
    keras_penalty = float(sum(float(v) for v in trainer.model.losses))
    assert history.last("penalty") == pytest.approx(keras_penalty, rel=1e-5)
    assert "penalty" not in history.metric_names  # not a metric of the task
    arrays, facts = history.to_arrays()
    again = RunHistory.from_arrays(arrays, facts)  # a saved run keeps its penalty line
    assert np.array_equal(again.metric("penalty"), history.metric("penalty"), equal_nan=True)


def test_without_l1_or_l2_no_penalty_is_reported():
    _, reports = train(Experiment(epochs=5))
    assert all(report.penalty is None for report in reports)
    history = RunHistory()
    for report in reports:
        history.append(report)
    assert "penalty" not in history.columns
