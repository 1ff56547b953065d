"""Conv networks in files (issue 17): save / open a conv experiment, open a plain Keras CNN,
and the exported Keras script builds the same network (with a MirroredStrategy switch)."""
from __future__ import annotations

import ast

import numpy as np
import pytest

from playground.core.experiment import Experiment
from playground.core.files import experiment_file as persist
from playground.core.files.codegen import keras_script
from playground.core.files.experiment_file import PersistError
from playground.core.layers import MNIST_CONVNET, conv, dropout, flatten, pool
from playground.core.model.presets import preset_fields
from playground.core.training.history import RunHistory

TINY = Experiment(dataset="mnist", layers=(conv(2, 3), pool(2), flatten(), dropout(0.5)),
                  loss="sparse-categorical", optimizer="adam", learning_rate=0.01, epochs=1,
                  batch_size=32, train_size=64, test_size=16)


def test_the_script_builds_the_convnet_and_offers_several_gpus():
    script = keras_script(Experiment(**preset_fields("mnist-convnet")))
    ast.parse(script)
    lines = script.splitlines()
    model = lines[lines.index("model = keras.Sequential()"):]
    assert model[2:10] == [
        "model.add(keras.layers.Reshape((28, 28, 1)))  # each row as a picture",
        'model.add(keras.layers.Conv2D(32, 3, activation="relu", padding="valid"))',
        "model.add(keras.layers.MaxPooling2D(2))",
        'model.add(keras.layers.Conv2D(64, 3, activation="relu", padding="valid"))',
        "model.add(keras.layers.MaxPooling2D(2))",
        "model.add(keras.layers.Flatten())",
        "model.add(keras.layers.Dropout(0.5))",
        'model.add(keras.layers.Dense(10, activation="softmax"))']
    assert "# tf.distribute.experimental_set_strategy(tf.distribute.MirroredStrategy())" in lines
    assert "batch_size=128" in script and "Adam(learning_rate=0.001)" in script


@pytest.mark.needs_datasets
def test_a_conv_run_saves_and_opens_with_its_weights(tmp_path, offline_datasets):
    from playground.core.files.keras_models import restore_trainer
    from playground.core.training.trainer import make_trainer

    trainer, history = make_trainer(TINY), RunHistory()
    for item in trainer.run():
        if hasattr(item, "epochs"):
            history.append(item)
    path = tmp_path / "cnn.playground"
    persist.save_run(path, TINY, trainer.model, history, trainer.epoch)
    saved = persist.read_run(path)
    assert saved.experiment.layers == TINY.layers
    restored = restore_trainer(saved)
    np.testing.assert_allclose(restored.predict(restored.probe_x), history.latest_outputs,
                               atol=1e-6)


def _plain_keras_cnn(keras, path, activation="relu"):
    """Keras's mnist_convnet as its example writes it (28×28×1 input, no Reshape)."""
    keras.utils.set_random_seed(1)
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(4, kernel_size=(3, 3), activation=activation),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.save(path)
    return model


@pytest.mark.needs_datasets
def test_a_plain_keras_cnn_opens_as_the_app_s_network(tmp_path, offline_datasets):
    from playground.core.files.keras_models import open_keras_model
    from playground.core.model.runtime import load

    _, keras = load()
    model = _plain_keras_cnn(keras, tmp_path / "convnet.keras")
    trainer = open_keras_model(tmp_path / "convnet.keras")
    assert trainer.experiment.layers == (conv(4, 3), pool(2), flatten(), dropout(0.5))
    assert trainer.experiment.dataset in ("mnist", "fashion-mnist")
    assert trainer.experiment.loss == "categorical" and trainer.experiment.optimizer == "adam"
    rows = trainer.probe_x[:4]
    np.testing.assert_allclose(trainer.predict(rows), model.predict(rows.reshape(-1, 28, 28, 1),
                                                                    verbose=0), atol=1e-5)


def test_a_cnn_with_a_layer_the_app_lacks_is_refused_naming_it(tmp_path):
    from playground.core.files.keras_models import read_network
    from playground.core.model.runtime import load

    _, keras = load()
    model = keras.Sequential([keras.Input(shape=(28, 28, 1)),
                              keras.layers.Conv2D(4, 3, strides=2, name="strided"),
                              keras.layers.Flatten(), keras.layers.Dense(10)])
    with pytest.raises(PersistError, match="layer 'strided' \\(Conv2D\\): the app's Conv2D "
                                           "layers have stride 1"):
        read_network(model, "m.keras")
    assert MNIST_CONVNET[0].label == "Conv2D 32 3×3 relu"
