"""`playground backprop FILE --input … [--target …] [--json]` on a saved experiment."""
from __future__ import annotations

import json

import numpy as np
import pytest

from playground.cli import commands as cli
from playground.core.files.experiment_file import read_run
from playground.core.files.keras_models import restore_trainer
from playground.core.inspection.backward import keras_gradients


@pytest.fixture(scope="module")
def xor_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("backprop") / "xor.playground"
    code = cli.main(["train", "--dataset", "xor", "--hidden", "3", "--epochs", "20", "--quiet",
                     "--json", "--save", str(path)])
    assert code == 0
    return path


def _json(capsys, *argv):
    code = cli.main(["backprop", *argv, "--json"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if code == 0 else None), captured.err


def test_json_gradients_are_kerass_and_the_step_is_weights_minus_rate_times_them(capsys,
                                                                                xor_file):
    code, result, _ = _json(capsys, str(xor_file), "--input", "1,0")
    assert code == 0 and result["target"] == 1  # the row's label, from the data
    saved = read_run(xor_file)
    model = restore_trainer(saved).model
    loss, theirs = keras_gradients(model, saved.experiment, np.array([1.0, 0.0]), 1)
    assert result["loss"] == pytest.approx(loss, abs=1e-6)
    assert [layer["layer"] for layer in result["gradients"]] == ["hidden_1", "output"]
    mine = [np.array(layer[part]) for layer in result["gradients"] for part in ("kernel", "bias")]
    for by_hand, by_keras in zip(mine, theirs, strict=True):
        np.testing.assert_allclose(by_hand, by_keras, atol=1e-6)
    step = [np.array(layer[part]) for layer in result["sgd_step"] for part in ("kernel", "bias")]
    rate = saved.experiment.learning_rate
    for after, weight, grad in zip(step, saved.history.latest_weights, mine, strict=True):
        np.testing.assert_allclose(after, weight - rate * grad, atol=1e-12)
    assert len(result["output"]) == 1 and 0 < result["output"][0] < 1


def test_another_target_gives_another_loss(capsys, xor_file):
    _, one, _ = _json(capsys, str(xor_file), "--input", "1,0", "--target", "1")
    _, zero, _ = _json(capsys, str(xor_file), "--input", "1,0", "--target", "0")
    assert zero["target"] == 0 and zero["loss"] != pytest.approx(one["loss"])
    assert np.sign(zero["gradients"][1]["delta"][0]) != np.sign(one["gradients"][1]["delta"][0])


def test_text_shows_each_layers_delta_and_the_step(capsys, xor_file):
    assert cli.main(["backprop", str(xor_file), "--input", "0,1"]) == 0
    out = capsys.readouterr().out
    for words in ("loss", "δ = ∂L/∂z", "∂L/∂W = a δᵀ", "W − η∂L/∂W", "hidden_1 (tanh)",
                  "output (sigmoid)"):
        assert words in out


@pytest.mark.parametrize("argv,message", [
    (["--input", "1,0,1"], "--input: the network takes 2 inputs, not 3"),
    (["--input", "1,x"], "--input: '1,x' is not a comma-separated list of numbers"),
    (["--input", "0.5,0.5"], "--target: this input is not a row of the data"),
    (["--input", "1,0", "--target", "2"], "--target: a class is a whole number from 0 to 1"),
])
def test_bad_flags_get_one_line(capsys, xor_file, argv, message):
    code, _, err = _json(capsys, str(xor_file), *argv)
    assert code == 2 and err.startswith(f"error: {message}") and "Traceback" not in err


def test_a_file_that_is_not_an_experiment_is_named(capsys, tmp_path):
    path = tmp_path / "notes.playground"
    path.write_text("hello")
    code, _, err = _json(capsys, str(path), "--input", "1,0")
    assert code == 2 and "notes.playground" in err and len(err.strip().splitlines()) == 1
