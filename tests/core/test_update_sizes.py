"""|ΔW| / |W| per layer and epoch, from the history's weight snapshots."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.inspection.update_sizes import UpdateSizes, ratios


def test_each_kernels_change_over_its_size_per_epoch():
    w0 = [np.full((2, 2), 1.0), np.zeros(2), np.full((2, 1), 2.0), np.zeros(1)]
    w1 = [np.full((2, 2), 1.1), np.ones(2), np.full((2, 1), 2.0), np.ones(1)]  # biases ignored
    assert ratios(w0, w1) == pytest.approx([0.1, 0.0])
    w2 = [np.full((2, 2), 1.3), np.ones(2), np.full((2, 1), 2.4), np.ones(1)]
    sizes = UpdateSizes()
    epochs, values = sizes.of([0, 1, 5], [w0, w1, w2])
    assert list(epochs) == [1, 5]
    # From epoch 1 to 5: |0.2| / |1.1| over 4 epochs; the output kernel 0.4 / 2 over 4.
    assert np.allclose(values, [[0.1, 0.0], [0.2 / 1.1 / 4, 0.2 / 4]])


def test_a_hand_set_snapshot_at_the_same_epoch_is_not_a_step():
    w0 = [np.ones((2, 1)), np.zeros(1)]
    w1 = [np.full((2, 1), 5.0), np.zeros(1)]
    epochs, values = UpdateSizes().of([3, 3], [w0, w1])
    assert len(epochs) == 0
