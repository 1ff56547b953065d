"""The within-epoch curve: per-chunk means recovered from running means, TensorBoard smoothing."""
import math
from types import SimpleNamespace

import numpy as np

from playground.core.inspection.batch_curve import BatchCurve, smoothed


def _progress(epoch, done, total, loss, accuracy):
    return SimpleNamespace(epoch=epoch, samples_done=done, samples_total=total, loss=loss,
                           metrics={"accuracy": accuracy})


def test_each_point_is_the_mean_of_the_batches_since_the_last_one():
    curve = BatchCurve()
    # batches of 100 with losses 2.0, 1.0 | 1.0, 0.6 (running means as the trainer reports)
    curve.add(_progress(1, 100, 200, 2.0, 0.1))
    curve.add(_progress(1, 200, 200, 1.5, 0.2))
    curve.add(_progress(2, 100, 200, 1.0, 0.5))  # a new epoch: the running mean restarts
    assert not curve.add(_progress(2, 100, 200, 1.0, 0.5))  # nothing new: no point
    curve.add(_progress(2, 200, 200, 0.8, 0.6))
    assert curve.steps == [0.5, 1.0, 1.5, 2.0]
    np.testing.assert_allclose(curve.loss, [2.0, 1.0, 1.0, 0.6])
    np.testing.assert_allclose(curve.values, [0.1, 0.3, 0.5, 0.7])


def test_smoothing_is_tensorboard_s_debiased_moving_average():
    # TensorBoard: last = last * w + (1 - w) * v; shown = last / (1 - w ** n)
    values = [1.0, 0.0, 0.5]
    w = 0.6
    expected, last = [], 0.0
    for n, v in enumerate(values, start=1):
        last = last * w + (1 - w) * v
        expected.append(last / (1 - w ** n))
    np.testing.assert_allclose(smoothed(values, w), expected)
    assert math.isclose(smoothed([3.0], 0.6)[0], 3.0)  # the value itself, not 40 % of it
    out = smoothed([1.0, math.nan, 1.0], 0.6)
    assert math.isnan(out[1]) and math.isclose(out[2], 1.0)
