"""Engineered input features (x1², x1·x2, sin x1 …) in one place for training, views, script."""
from __future__ import annotations

import numpy as np
import pytest

from playground.cli import commands as cli
from playground.core.data import features, registry
from playground.core.experiment import Experiment
from playground.core.files.codegen import keras_script
from playground.core.inspection.forward import activations_of, decision_grid, forward
from playground.core.training.trainer import Trainer

XOR_X1X2 = Experiment(features="x1*x2", layers=(), learning_rate=1.0, epochs=300)


def test_names_parse_with_their_other_spellings_and_unknown_ones_are_named():
    assert features.parse("x1x2, SIN(X1), x1², x1*x2") == (("x1*x2", "sin(x1)", "x1^2"), "")
    assert features.parse("x1, x2") == ((), "")  # the raw inputs are always in
    names, message = features.parse("x1*x2, x3")
    assert names == () and message.startswith("unknown feature 'x3'; choose from x1, x2")
    assert features.columns("sin(x2)") == ("x1", "x2", "sin(x2)")


def test_the_data_gets_the_columns_after_x1_x2():
    data = registry.load(Experiment(features="x1^2,x1*x2,sin(x2)"))
    assert data.feature_names == ("x1", "x2", "x1^2", "x1*x2", "sin(x2)")
    x = data.x_train
    assert x.shape == (4, 5) and x.dtype == np.float32
    np.testing.assert_allclose(x[:, 2:], np.column_stack([x[:, 0] ** 2, x[:, 0] * x[:, 1],
                                                          np.sin(x[:, 1])]), rtol=1e-6)


def test_xor_with_x1x2_and_no_hidden_layer_reaches_accuracy_1():
    trainer = Trainer(XOR_X1X2)
    reports = list(trainer.run())
    assert reports[-1].status == "finished"
    assert reports[-1].metrics["accuracy"][-1] == 1.0
    # Without the feature one neuron cannot separate XOR.
    plain = list(Trainer(XOR_X1X2.replace(features="")).run())
    assert plain[-1].metrics["accuracy"][-1] < 1.0


def test_the_plane_grid_computes_the_features_from_x1_x2():
    """The boundary is drawn over the original plane: each grid point's features follow it."""
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=(3, 1)),
               rng.normal(size=1)]
    activations = ["tanh", "sigmoid"]
    expand = features.plane_expander("x1*x2, sin(x1)")
    grid = decision_grid(weights, activations, (-1, 1), (-2, 2), 5, expand=expand)
    x1, x2 = np.linspace(-1, 1, 5)[3], np.linspace(-2, 2, 5)[1]
    by_hand = forward(weights, activations, [[x1, x2, x1 * x2, np.sin(x1)]])
    np.testing.assert_allclose(grid[3, 1], by_hand[0])
    assert features.plane_expander("") is None


def test_the_exported_script_computes_the_same_features():
    script = keras_script(XOR_X1X2.replace(epochs=2))
    assert "keras.Input(shape=(3,))" in script and "def features(x):" in script
    assert "learning_rate=1.0" in script  # Keras refuses an int learning rate
    scope: dict = {}
    exec(compile(script, "exported.py", "exec"), scope)  # trains 2 epochs, prints accuracy
    np.testing.assert_array_equal(scope["x"], registry.load(XOR_X1X2).x_train)


@pytest.mark.parametrize("argv,message", [
    (["--features", "x1*x3"], "--features: unknown feature 'x1*x3'"),
    (["--dataset", "sum-threshold", "--inputs", "3", "--features", "x1^2"],
     "--features: engineered features need 2-input data"),
])
def test_bad_features_on_the_command_line_get_one_line(capsys, argv, message):
    assert cli.main(["train", "--quiet", *argv]) == 2
    assert capsys.readouterr().err.startswith(f"error: {message}")


def test_train_with_features_on_the_command_line(capsys):
    assert cli.main(["train", "--features", "x1*x2", "--hidden", "none", "--lr", "1",
                     "--epochs", "300", "--quiet"]) == 0
    assert "accuracy 1.0000" in capsys.readouterr().out
    assert activations_of(XOR_X1X2) == ["sigmoid"]
