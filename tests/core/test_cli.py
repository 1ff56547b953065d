"""`playground train`: flags, errors, the per-input tables and the JSON, run in-process.

Seed 000's story is checked end to end: a single sigmoid neuron never gets XOR past 75 %, the
same neuron learns AND and OR in 10 epochs at lr 1, and a hidden layer of 4 solves XOR; the
outputs "before training, at epoch 100 and after" are printed by --snapshot-epochs.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import types

import numpy as np
import pytest

from playground.cli import commands as cli
from playground.core.data.dataset import Dataset
from playground.core.experiment import FIELDS, Experiment
from playground.cli.summary import clean, outputs_table, probe_rows


def _strict_json(text: str) -> dict:
    def reject(token):
        raise ValueError(f"not strict JSON: {token}")
    return json.loads(text, parse_constant=reject)


def _train(capsys, *flags: str) -> tuple[int, str, str]:
    code = cli.main(["train", *flags])
    out, err = capsys.readouterr()
    return code, out, err


def _train_json(capsys, *flags: str) -> tuple[int, dict, str]:
    code, out, err = _train(capsys, "--json", "--quiet", *flags)
    assert out.count("\n") == 1, "--json prints exactly one line"
    return code, _strict_json(out), err


# ----- runs -----

def test_xor_default_learns_and_reports_everything(capsys, monkeypatch):
    ticks = iter([100.0])  # the clock reads 100.0 as training starts, 102.5 ever after
    monkeypatch.setattr(cli, "time",
                        types.SimpleNamespace(perf_counter=lambda: next(ticks, 102.5)))
    code, data, err = _train_json(capsys)
    assert code == 0 and err == ""
    assert data["status"] == "finished" and data["epochs_run"] == 500
    assert data["experiment"] == Experiment().to_dict()
    assert data["final"]["accuracy"] == 1.0
    assert data["final"]["loss"] < 0.05
    assert set(data["final"]) == {"loss", "accuracy"}  # no validation or test data for XOR
    history = data["history"]
    assert set(history) == {"epoch", "loss", "accuracy"}
    assert history["epoch"] == list(range(501))
    assert len(history["loss"]) == len(history["accuracy"]) == 501
    # The per-input rows: XOR's truth table, 0/1 targets, probabilities, right classes.
    rows = data["outputs"]
    assert [row["input"] for row in rows] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert [row["target"] for row in rows] == [0, 1, 1, 0]
    assert [row["class"] for row in rows] == [0, 1, 1, 0]
    assert all(row["correct"] for row in rows)
    assert all(0.0 <= row["probability"] <= 1.0 for row in rows)
    # Outputs history: every epoch of a short run, epoch 0 and the last among them.
    epochs = [entry["epoch"] for entry in data["outputs_history"]]
    assert epochs[0] == 0 and epochs[-1] == 500 and len(epochs) == 501
    last = data["outputs_history"][-1]["outputs"]
    assert [row["probability"] for row in last] == [row["probability"] for row in rows]
    # Weights: kernel and bias of each Dense layer, shaped 2x4, 4, 4x1, 1.
    weights = data["weights"]
    assert [w["name"] for w in weights] == ["hidden_1", "output"]
    assert np.shape(weights[0]["kernel"]) == (2, 4) and np.shape(weights[0]["bias"]) == (4,)
    assert np.shape(weights[1]["kernel"]) == (4, 1) and np.shape(weights[1]["bias"]) == (1,)
    assert data["train_seconds"] == 2.5  # from start to end of training, by the clock


def test_single_neuron_never_gets_xor_past_three_quarters(capsys):
    """Seed 000: Dense(1, sigmoid), SGD lr 0.1, 200 epochs -- no line separates XOR."""
    code, data, _ = _train_json(capsys, "--hidden", "none", "--lr", "0.1", "--epochs", "200")
    assert code == 0
    assert data["experiment"]["layers"] == []
    assert max(data["history"]["accuracy"]) <= 0.75
    assert [w["name"] for w in data["weights"]] == ["output"]
    # ...and the outputs stay near 0.5, as on the Q&A page.
    assert all(abs(row["probability"] - 0.5) < 0.05 for row in data["outputs"])


@pytest.mark.parametrize("gate", ["and", "or"])
def test_single_neuron_learns_and_or_in_ten_epochs(capsys, gate):
    code, data, _ = _train_json(capsys, "--dataset", gate, "--hidden", "", "--lr", "1",
                                "--epochs", "10")
    assert code == 0
    assert data["final"]["accuracy"] == 1.0


def test_snapshot_tables_show_the_untrained_model_at_epoch_zero(capsys):
    from playground.core.training.trainer import Trainer

    code, out, err = _train(capsys, "--epochs", "150", "--snapshot-epochs", "0,100")
    assert code == 0
    assert all(re.match(r"epoch \d+/150 ", line) for line in err.splitlines())
    titles = re.findall(r"^Outputs (?:at|after) epoch (\d+)", out, re.M)
    assert titles == ["0", "100", "150"]
    tables = out.split("\n\n")

    def probabilities(table: str) -> list[float]:
        return [float(line.split()[3]) for line in table.splitlines()[2:]]

    trainer = Trainer(Experiment(epochs=150))
    untrained = trainer.predict(trainer.probe_x)[:, 0]
    assert probabilities(tables[0]) == pytest.approx(untrained, abs=6e-5)
    assert "[0, 0]" in tables[0] and "probability" in tables[0]
    assert probabilities(tables[1]) != probabilities(tables[0])
    assert re.search(r"^loss \d\.\d{4}  accuracy 1\.0000", out, re.M)


def test_quiet_run_prints_nothing_on_stderr(capsys):
    code, out, err = _train(capsys, "--dataset", "or", "--epochs", "3", "--quiet")
    assert code == 0 and err == ""
    assert "Outputs after epoch 3:" in out


def test_diverging_run_exits_1_and_says_why(capsys):
    # A sigmoid output keeps MSE bounded, so a linear output is what lets lr 1000 blow up.
    code, out, err = _train(capsys, "--loss", "mse", "--output-activation", "linear",
                            "--lr", "1000", "--json", "--quiet")
    assert code == 1
    data = _strict_json(out)
    assert data["status"] == "diverged"
    assert data["epochs_run"] < 500
    final, first = data["final"]["loss"], data["history"]["loss"][0]
    assert final is None or final > 1000 * first  # NaN, or grown 1,000-fold (the trainer's rule)
    assert "learning rate" in err and err.count("\n") == 1
    assert "learning rate" in data["message"]


def test_python_m_playground_train_json():
    done = subprocess.run([sys.executable, "-m", "playground", "train", "--epochs", "5",
                           "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = _strict_json(done.stdout)
    assert data["epochs_run"] == 5 and len(data["history"]["loss"]) == 6


# ----- flags and errors (no training, no TensorFlow) -----

@pytest.mark.parametrize("flags, flag", [
    (["--lr", "-1"], "--lr"),
    (["--lr", "abc"], "--lr"),
    (["--lr", "-1e-3"], "--lr"),
    (["--epochs", "0"], "--epochs"),
    (["--batch-size", "5"], "--batch-size"),
    (["--hidden", "4,x"], "--hidden"),
    (["--optimizer", "foo"], "--optimizer"),
    (["--dataset", "nope"], "--dataset"),
    (["--loss", "hinge", "--output-activation", "sigmoid"], "--output-activation"),
    (["--hidden", "8,4", "--activation", "relu,tanh,relu"], "--activation"),
    (["--dropout", "1"], "--dropout"),
    (["--momentum", "1"], "--momentum"),
    (["--snapshot-epochs", "0,600"], "--snapshot-epochs"),
    (["--lr"], "--lr"),  # argparse's own error
    (["--bogus", "1"], "--bogus"),
])
def test_bad_flags_give_one_line_and_exit_2(capsys, flags, flag):
    code, out, err = _train(capsys, *flags)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert flag in err
    assert "Traceback" not in err


def test_error_messages_match_the_field_table(capsys):
    _, _, err = _train(capsys, "--lr", "-1")
    assert err == "error: --lr: must be greater than 0\n"
    _, _, err = _train(capsys, "--hidden", "4,x")
    assert err == "error: --hidden: layer 2: not a whole number\n"
    _, _, err = _train(capsys, "--epochs", "0", "--lr", "0")
    assert err == "error: --lr: must be greater than 0; --epochs: must be at least 1\n"


def test_every_experiment_field_has_a_flag():
    options = {opt for action in cli.build_parser()._actions for opt in action.option_strings}
    for name in FIELDS:
        assert cli.flag_name(name) in options, name
    assert {"--hidden", "--activation", "--dropout", "--snapshot-epochs", "--json",
            "--quiet"} <= options


def test_flags_build_the_experiment():
    experiment, args = cli.parse_train_args([])
    assert experiment == Experiment() and args.snapshots == []
    experiment, args = cli.parse_train_args([
        "--dataset", "and", "--hidden", "8,4", "--activation", "relu", "--dropout", "0.2,0",
        "--loss", "hinge", "--optimizer", "adam", "--lr", "1e-3", "--epochs", "1_000",
        "--batch-size", "2", "--seed", "7", "--threshold", "-0.25", "--no-normalize",
        "--snapshot-epochs", "0,10"])
    assert [(layer.units, layer.activation, layer.dropout) for layer in experiment.layers] == \
        [(8, "relu", 0.2), (4, "relu", 0.0)]
    assert (experiment.dataset, experiment.loss, experiment.optimizer) == ("and", "hinge", "adam")
    assert experiment.learning_rate == 1e-3 and experiment.epochs == 1000
    assert (experiment.batch_size, experiment.seed, experiment.threshold) == (2, 7, -0.25)
    assert experiment.normalize is False and args.snapshots == [0, 10]
    for none in ("none", "", "NONE"):
        assert cli.parse_train_args(["--hidden", none])[0].layers == ()


def test_validation_split_defaults_to_the_datasets():
    summed, _ = cli.parse_train_args(["--dataset", "sum-threshold"])
    assert summed.validation_split == 0.2  # issue 4: like Keras's validation_split
    given, _ = cli.parse_train_args(["--dataset", "sum-threshold", "--validation-split", "0"])
    assert given.validation_split == 0.0  # the flag wins
    assert cli.parse_train_args(["--dataset", "or"])[0].validation_split == 0.0
    assert cli.parse_train_args(["--validation-split", "0.25"])[0].validation_split == 0.25
    helps = {a.dest: a.help for a in cli.build_parser()._actions}
    assert ("sum-threshold, circle, xor-cloud, moons, gaussians, spiral, sine, plane, "
            "gaussian-hills 0.2") in helps["validation_split"]
    assert "mnist, fashion-mnist 5" in helps["epochs"]


def test_image_data_without_flags_gets_its_natural_loss_and_sizes():
    mnist, _ = cli.parse_train_args(["--dataset", "mnist"])
    assert (mnist.loss, mnist.output, mnist.epochs, mnist.batch_size) == \
        ("sparse-categorical", "softmax", 5, 32)
    given, _ = cli.parse_train_args(["--dataset", "fashion-mnist", "--loss", "categorical",
                                     "--epochs", "2", "--batch-size", "128"])
    assert (given.loss, given.epochs, given.batch_size) == ("categorical", 2, 128)
    with pytest.raises(cli.UsageError, match="--loss"):  # an explicit misfit is reported
        cli.parse_train_args(["--dataset", "mnist", "--loss", "bce"])
    xor, _ = cli.parse_train_args([])
    assert (xor.loss, xor.epochs, xor.batch_size) == ("bce", 500, 1)  # seed 000 unchanged


def test_flag_names_for_fields():
    assert cli.flag_name("learning_rate") == "--lr"
    assert cli.flag_name("batch_size") == "--batch-size"
    assert cli.flag_name("layers[1].units") == "--hidden"
    assert cli.flag_name("layers[0].dropout") == "--dropout"
    assert cli.flag_name("normalize") == "--no-normalize"


def test_help_and_gui_dispatch(capsys, monkeypatch):
    assert cli.main(["train", "--help"]) == 0
    assert "--lr" in capsys.readouterr().out
    assert cli.main(["--help"]) == 0
    assert "train" in capsys.readouterr().out

    calls = []
    fake = types.ModuleType("playground.ui.app")
    fake.run_gui = lambda argv: calls.append(argv) or 0
    monkeypatch.setitem(sys.modules, "playground.ui.app", fake)
    assert cli.main([]) == 0
    assert cli.main(["saved.json"]) == 0
    assert calls == [[], ["saved.json"]]
    assert cli.main(["--epochs", "5"]) == 2  # train flags without `train`
    assert "playground train" in capsys.readouterr().err


# ----- formatting of other output kinds (pure NumPy) -----

def _dataset(classes: int, features: int = 2) -> Dataset:
    x = np.arange(3 * features, dtype=np.float32).reshape(3, features)
    labels = np.array([0, 1, classes - 1])
    empty = np.zeros((0, features), np.float32)
    return Dataset("fake", x, labels, empty, labels[:0], empty, labels[:0],
                   tuple(f"f{i}" for i in range(features)),
                   tuple(f"c{i}" for i in range(classes)))


def test_softmax_rows_give_class_probabilities():
    data = _dataset(3, features=784)
    experiment = Experiment(loss="sparse-categorical")
    outputs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [np.nan, np.nan, np.nan]])
    rows = probe_rows(experiment, data, data.x_train, data.labels_train, outputs)
    assert rows[0]["probability"] == pytest.approx([0.7, 0.2, 0.1])
    assert [row["class"] for row in rows] == [0, 2, None]
    assert [row["correct"] for row in rows] == [True, False, False]
    assert [row["target"] for row in rows] == [0, 1, 2]
    table = outputs_table(experiment, data, rows, "title")
    assert "row 0" in table and "c2" in table and "nan" in table  # 784 inputs: row numbers
    onehot = probe_rows(Experiment(loss="categorical"), data, data.x_train,
                        data.labels_train, outputs)
    assert onehot[1]["target"] == [0, 1, 0]
    json.dumps(clean(rows), allow_nan=False)


def test_signed_targets_and_raw_outputs():
    data = _dataset(2)
    experiment = Experiment(loss="hinge")
    rows = probe_rows(experiment, data, data.x_train, np.array([0, 1, 1]),
                      np.array([[-0.9], [0.3], [-0.1]]))
    assert [row["target"] for row in rows] == [-1, 1, 1]
    assert [row["class"] for row in rows] == [0, 1, 0]  # cut at 0 for a tanh output
    assert [row["correct"] for row in rows] == [True, True, False]
    table = outputs_table(experiment, data, rows, "title")
    assert "output" in table.splitlines()[1] and "probability" not in table


# ----- files: train --save, export-code, install-desktop-entry -----

def test_train_save_writes_a_file_that_export_code_turns_into_a_script(capsys, tmp_path):
    from playground.core.files import experiment_file as persist

    path = tmp_path / "and.playground"
    code, data, err = _train_json(capsys, "--dataset", "and", "--hidden", "none", "--lr", "1",
                                  "--epochs", "10", "--batch-size", "1", "--save", str(path))
    assert code == 0 and data["final"]["accuracy"] == 1.0
    assert f"saved {path}" in err
    saved = persist.read_run(path)
    assert saved.epoch == 10 and saved.experiment.dataset == "and"
    assert saved.experiment.layers == ()
    assert saved.history.last("accuracy") == data["final"]["accuracy"]

    assert cli.main(["export-code", str(path)]) == 0
    script = capsys.readouterr().out
    assert "import keras" in script and "epochs=10" in script
    compile(script, "exported.py", "exec")  # a whole, valid Python script

    assert cli.main(["export-code", str(tmp_path / "missing.playground")]) == 1
    assert "missing.playground" in capsys.readouterr().err
    assert cli.main(["export-code"]) == 2
    assert capsys.readouterr().err.startswith("error: export-code takes one FILE")


def test_train_save_to_a_folder_that_does_not_exist_says_so(capsys, tmp_path):
    target = tmp_path / "no such folder" / "x.playground"
    code, _out, err = _train(capsys, "--dataset", "or", "--hidden", "none", "--epochs", "2",
                             "--quiet", "--save", str(target))
    assert code == 2 and "x.playground" in err and "Traceback" not in err  # before training
    assert not target.parent.exists()


def test_install_desktop_entry_rejects_unknown_flags(capsys):
    assert cli.main(["install-desktop-entry", "--bogus"]) == 2
    assert "install-desktop-entry" in capsys.readouterr().err


def test_sum_threshold_json_has_validation_test_and_weights(capsys):
    # Seed 002's data: 250 samples, a 0.2 validation split (the dataset's own), 200 fresh test
    # points; a hand-checkable network (one tanh neuron) so the weights can be read back.
    code, data, _ = _train_json(capsys, "--dataset", "sum-threshold", "--hidden", "none",
                                "--loss", "hinge", "--optimizer", "adam", "--lr", "0.05",
                                "--epochs", "40")
    assert code == 0 and data["experiment"]["validation_split"] == 0.2
    final = data["final"]
    assert {"loss", "accuracy", "val_loss", "val_accuracy", "test_loss",
            "test_accuracy"} <= set(final)
    assert final["test_accuracy"] > 0.8 and final["val_accuracy"] > 0.8
    assert len(data["outputs"]) == 64  # the probe: a sample of the 200 training rows
    assert {row["target"] for row in data["outputs"]} == {-1, 1}  # hinge: ±1 targets
    (layer,) = data["weights"]
    assert np.shape(layer["kernel"]) == (2, 1) and np.shape(layer["bias"]) == (1,)
    w1, w2 = np.ravel(layer["kernel"])
    assert w1 > 0 and w2 > 0  # a larger sum pushes the output up, as the label does


@pytest.mark.slow
def test_mnist_json_has_test_numbers_and_class_probabilities(capsys, offline_datasets):
    code, data, _ = _train_json(capsys, "--dataset", "mnist", "--train-size", "2000",
                                "--test-size", "300", "--hidden", "64", "--activation", "relu",
                                "--epochs", "1")
    assert code == 0 and data["experiment"]["loss"] == "sparse-categorical"
    final = data["final"]
    assert 0.5 < final["test_accuracy"] <= 1 and final["test_loss"] > 0
    row = data["outputs"][0]
    assert len(row["probability"]) == 10 and abs(sum(row["probability"]) - 1) < 1e-4
    assert row["class"] == int(np.argmax(row["probability"]))


def test_three_gaussian_blobs_train_to_high_test_accuracy(capsys):
    code, data, _ = _train_json(capsys, "--dataset", "gaussians", "--classes", "3",
                                "--optimizer", "adam", "--lr", "0.05", "--epochs", "40",
                                "--noise", "0")
    assert code == 0
    experiment = data["experiment"]
    assert (experiment["loss"], experiment["classes"]) == ("sparse-categorical", 3)
    assert data["classes"] == ["blob 1", "blob 2", "blob 3"] and data["task"] == "classification"
    assert data["final"]["test_accuracy"] > 0.9 and "test_mse" not in data["final"]
    row = data["outputs"][0]
    assert len(row["probability"]) == 3 and row["class"] == int(np.argmax(row["probability"]))


def test_the_noisy_sine_reports_mse_mae_r2_and_their_test_forms(capsys):
    code, data, _ = _train_json(capsys, "--dataset", "sine", "--hidden", "16",
                                "--optimizer", "adam", "--lr", "0.02", "--epochs", "150")
    assert code == 0
    assert (data["experiment"]["loss"], data["task"]) == ("mse", "regression")
    assert "classes" not in data
    final = data["final"]
    for name in ("loss", "mse", "mae", "r2"):
        assert final[name] is not None and final[f"test_{name}"] is not None, name
    assert "accuracy" not in final and "test_accuracy" not in final
    assert final["test_r2"] > 0.8 and final["test_mse"] < 0.1  # noise 0.1 has variance 0.01
    assert set(data["history"]) >= {"epoch", "loss", "mse", "mae", "r2", "val_mse"}
    row = data["outputs"][0]
    assert set(row) == {"input", "split", "target", "output"} and len(row["input"]) == 1


def test_sine_text_output_shows_targets_and_errors(capsys):
    assert cli.main(["train", "--dataset", "sine", "--epochs", "2", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "target" in out and "error" in out and "class" not in out
    assert re.search(r"^loss \S+  mse \S+  mae \S+  r2 \S+  val loss", out, re.M)
