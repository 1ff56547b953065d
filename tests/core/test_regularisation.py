"""L1/L2 penalties on the kernels (--l1, --l2) and the kernels' initialisation (--init)."""
from __future__ import annotations

import json

import numpy as np

from playground.cli import commands as cli
from playground.core.data import registry
from playground.core.experiment import Experiment, Layer
from playground.core.files.codegen import keras_script
from playground.core.inspection.backward import backward_of, keras_copy, keras_gradients
from playground.core.model.build import build_model


def _kernels(capsys, *argv):
    assert cli.main(["train", "--quiet", "--json", *argv]) == 0
    result = json.loads(capsys.readouterr().out)
    return [np.array(layer["kernel"]) for layer in result["weights"]], result


def test_l2_makes_the_kernels_clearly_smaller(capsys):
    argv = ("--dataset", "gaussians", "--classes", "2", "--epochs", "100")
    plain, _ = _kernels(capsys, *argv)
    penalised, result = _kernels(capsys, *argv, "--l2", "0.01")
    for without, with_l2 in zip(plain, penalised, strict=True):
        assert np.linalg.norm(with_l2) < 0.7 * np.linalg.norm(without)  # measured: ~0.58
    assert result["final"]["accuracy"] > 0.95  # and it still separates the blobs


def test_zeros_never_break_the_symmetry(capsys):
    kernels, result = _kernels(capsys, "--init", "zeros", "--epochs", "50")
    hidden = kernels[0]
    assert np.allclose(hidden, hidden[:, :1])  # every hidden neuron learnt the same thing
    assert result["final"]["accuracy"] < 1.0


def test_each_initialisation_starts_as_named():
    data = registry.load(Experiment())
    wide = (Layer(64, "relu"),)
    small = build_model(Experiment(layers=wide, init="small"), data).get_weights()[0]
    he = build_model(Experiment(layers=wide, init="he"), data).get_weights()[0]
    zeros = build_model(Experiment(layers=wide, init="zeros"), data).get_weights()[0]
    assert 0.005 < small.std() < 0.015
    assert 0.6 < he.std() < 1.4  # He normal: sd sqrt(2 / 2 inputs) = 1 (truncated)
    assert not zeros.any()


def test_backprop_by_hand_includes_the_penalty_as_keras_does():
    experiment = Experiment(layers=(Layer(3, "tanh"),), l1=0.01, l2=0.05)
    rng = np.random.default_rng(4)
    weights = [rng.normal(size=(2, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32),
               rng.normal(size=(3, 1)).astype(np.float32), rng.normal(size=1).astype(np.float32)]
    row = np.array([0.5, -1.0], np.float32)
    mine = backward_of(experiment, weights, row, 1)
    loss, theirs = keras_gradients(keras_copy(experiment, weights), experiment, row, 1)
    assert abs(mine.loss - loss) < 1e-5
    for by_hand, by_keras in zip(mine.gradients(), theirs, strict=True):
        np.testing.assert_allclose(by_hand, by_keras, atol=1e-5)
    plain = backward_of(experiment.replace(l1=0.0, l2=0.0), weights, row, 1)
    assert mine.loss > plain.loss  # the penalty is in the loss shown


def test_the_script_builds_the_same_layers_and_bad_values_are_named(capsys):
    script = keras_script(Experiment(init="small", l1=0.001))
    assert "kernel_initializer=keras.initializers.RandomNormal(stddev=0.01)" in script
    assert "kernel_regularizer=keras.regularizers.L1L2(l1=0.001, l2=0.0)" in script
    compile(script, "exported.py", "exec")
    assert cli.main(["train", "--init", "ones", "--quiet"]) == 2
    assert capsys.readouterr().err.startswith("error: --init:")
    assert cli.main(["train", "--l2", "-1", "--quiet"]) == 2
    assert capsys.readouterr().err.startswith("error: --l2:")
