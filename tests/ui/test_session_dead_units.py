"""Session.dead_units: the dead ReLU units of the network looked at, found once a snapshot."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from playground.core.experiment import Experiment
from playground.core.layers import Layer
from playground.ui.session import Session

ROWS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def test_found_once_per_snapshot_and_none_for_a_network_of_other_inputs(qtbot):
    session = Session()
    session.experiment = Experiment(dataset="xor", layers=(Layer(3, "relu"),))
    session.dataset = SimpleNamespace(x_train=ROWS)
    assert session.dead_units() is None  # no model yet
    session.history.latest_weights = (np.ones((2, 3)), np.array([0.1, -10.0, 0.1]),
                                      np.ones((3, 1)), np.zeros(1))
    found = session.dead_units()
    assert found.units == {(0, 1)} and found.summary() == "1 of 3 ReLU units dead"
    assert session.dead_units() is found  # the same snapshot: not worked out again
    session.switch_neuron(0, 0)  # switching a neuron off does not make it dead
    assert session.dead_units().units == {(0, 1)}
    # A file being opened: weights for 3 inputs while the data still has 2.
    session.history.latest_weights = (np.ones((3, 3)), np.zeros(3), np.ones((3, 1)),
                                      np.zeros(1))
    assert session.dead_units() is None
