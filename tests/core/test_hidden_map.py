"""The hidden-layer map: a layer's activations as Keras computes them, projected by PCA."""
import numpy as np
import pytest

from playground.core.experiment import Experiment
from playground.core.inspection.forward import activations_of
from playground.core.inspection.hidden_map import activations_at, layer_choices, pca_2d
from playground.core.layers import conv, dense, flatten, pool


def test_pca_finds_the_line_the_points_lie_on():
    t = np.linspace(-1, 1, 50)
    points = np.stack([t, 2 * t, -t], axis=1) + 3.0  # a line in 3-D, off the origin
    coords, (first, second) = pca_2d(points)
    assert first > 0.999 and second < 1e-9
    np.testing.assert_allclose(np.abs(coords[:, 0]), np.abs(t) * np.sqrt(6), atol=1e-9)


def test_each_layer_s_activations_are_keras_s(tmp_path):
    from playground.core.data.dataset import Dataset
    from playground.core.model.build import build_model
    from playground.core.model.runtime import load

    _, keras = load()
    x = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    labels = np.arange(5)
    data = Dataset(key="mnist", x_train=x, labels_train=labels, x_val=x[:0], labels_val=labels[:0],
                   x_test=x, labels_test=labels, feature_names=(),
                   class_names=tuple("0123456789"), image_shape=(28, 28))
    experiment = Experiment(dataset="mnist", layers=(conv(2, 3), pool(2), flatten(),
                                                     dense(4, "tanh")), loss="sparse-categorical")
    model = build_model(experiment, data)
    steps = activations_of(experiment)
    choices = layer_choices(steps)
    assert [label.split(" (")[0] for _, label in choices] == ["1: Conv2D", "2: MaxPooling2D",
                                                              "3: Dense"]
    names = ["conv_1", "pool_2", "hidden_4"]
    for (index, _), name in zip(choices, names):
        probe = keras.Model(model.inputs, model.get_layer(name).output)
        expected = probe.predict(x, verbose=0).reshape(5, -1)
        np.testing.assert_allclose(activations_at(model.get_weights(), steps, x, index),
                                   expected, atol=1e-5)


def test_wide_data_s_two_main_directions_match_a_full_svd():
    """A conv layer's outputs are wider than there are images: the quick way must agree."""
    rng = np.random.default_rng(1)
    basis = rng.standard_normal((3, 500))
    values = (rng.standard_normal((200, 3)) * [5.0, 2.0, 0.5]) @ basis \
        + 0.01 * rng.standard_normal((200, 500))
    coords, (first, second) = pca_2d(values)
    centred = values - values.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    exact = centred @ vt[:2].T
    np.testing.assert_allclose(np.abs(coords), np.abs(exact), rtol=1e-3, atol=1e-3)
    shares = singular ** 2 / (singular ** 2).sum()
    assert (first, second) == pytest.approx((shares[0], shares[1]), rel=1e-4)
