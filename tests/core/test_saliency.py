"""Saliency (issue 17): the NumPy gradient of a class's output with respect to the pixels equals
TensorFlow's GradientTape on the same model, Dense and convolutional; SmoothGrad averages it over
noisy copies; occlusion finds the pixels a class depends on."""
import numpy as np
import pytest

from playground.core.experiment import Experiment
from playground.core.inspection.forward import activations_of
from playground.core.inspection.saliency import gradient, occlusion, smoothgrad
from playground.core.layers import conv, dense, flatten, pool


@pytest.fixture(scope="module")
def pictures():
    from playground.core.data.dataset import Dataset

    rng = np.random.default_rng(3)
    x = rng.random((4, 784), dtype=np.float32)
    labels = np.arange(4)
    return Dataset(key="mnist", x_train=x, labels_train=labels, x_val=x[:0],
                   labels_val=labels[:0], x_test=x[:2], labels_test=labels[:2],
                   feature_names=(), class_names=tuple(str(i) for i in range(10)),
                   image_shape=(28, 28))


def _tape(model, rows, unit):
    import tensorflow as tf

    x = tf.constant(rows, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = model(x, training=False)[:, unit]
    return tape.gradient(score, x).numpy()


@pytest.mark.parametrize("layers", [
    (dense(6, "tanh"), dense(5, "relu")),
    (conv(3, 3, "relu", "same"), pool(2), conv(2, 3, "tanh"), pool(3), flatten(),
     dense(4, "sigmoid")),
], ids=["dense", "conv"])
def test_the_gradient_equals_gradient_tape(pictures, layers):
    from playground.core.model.build import build_model

    experiment = Experiment(dataset="mnist", layers=layers, loss="sparse-categorical")
    model = build_model(experiment, pictures)
    weights = model.get_weights()
    rows = pictures.x_train
    for unit in (0, 7):
        ours = gradient(weights, activations_of(experiment), rows, unit)
        theirs = _tape(model, rows, unit)
        assert ours.shape == rows.shape
        scale = np.abs(theirs).max()
        assert scale > 0
        np.testing.assert_allclose(ours, theirs, atol=1e-5 * scale)


def test_smoothgrad_is_the_mean_gradient_of_noisy_copies(pictures):
    from playground.core.model.build import build_model

    experiment = Experiment(dataset="mnist", layers=(dense(4, "tanh"),),
                            loss="sparse-categorical")
    weights = build_model(experiment, pictures).get_weights()
    steps = activations_of(experiment)
    row = pictures.x_train[0]
    smooth = smoothgrad(weights, steps, row, 2, samples=8, seed=1)
    rng = np.random.default_rng(1)
    noisy = row[None] + rng.normal(0, 0.15 * float(row.max() - row.min()), (8, 784))
    np.testing.assert_allclose(smooth, gradient(weights, steps, noisy, 2).mean(axis=0))
    assert not np.allclose(smooth, gradient(weights, steps, row[None], 2)[0])


def test_occlusion_marks_only_the_square_the_class_reads():
    # A linear "network": class 1's output is the sum of the pixels in rows 4-7, columns 8-11.
    kernel = np.zeros((784, 2))
    kernel[[r * 28 + c for r in range(4, 8) for c in range(8, 12)], 1] = 1.0
    weights = [kernel, np.zeros(2)]
    picture = np.ones(784)
    drops = occlusion(weights, ["linear"], picture, 1, patch=4)
    assert drops[4:8, 8:12].tolist() == [[16.0] * 4] * 4
    assert np.count_nonzero(drops) == 16
