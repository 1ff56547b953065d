"""The exported plain-Keras script: standalone, the app's data and starting weights, and it
trains to the accuracy the app's own trainer reaches."""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from playground.core.files import codegen
from playground.core.data import registry as datasets
from playground.core.files import experiment_file as persist
from playground.core.experiment import Experiment, Layer
from playground.core.model.build import build_model
from playground.core.training.trainer import train

XOR = Experiment(optimizer="adam", learning_rate=0.05, epochs=150, batch_size=4)
SUM = Experiment(dataset="sum-threshold", layers=(Layer(5, "tanh"),), loss="hinge",
                 optimizer="adam", learning_rate=0.01, epochs=60, batch_size=32,
                 validation_split=0.2)
MNIST_MLP = Experiment(dataset="mnist", layers=(Layer(512, "relu", 0.2), Layer(512, "relu", 0.2)),
                       loss="categorical", optimizer="rmsprop", learning_rate=0.001, epochs=20,
                       batch_size=128)
BLOBS = Experiment(dataset="gaussians", classes=4, loss="sparse-categorical", optimizer="adam",
                   learning_rate=0.05, epochs=5, batch_size=32, validation_split=0.2)
SINE = Experiment(dataset="sine", loss="mse", layers=(Layer(8, "tanh"),), optimizer="adam",
                  learning_rate=0.05, epochs=5, batch_size=32, validation_split=0.2, noise=0.2)
VARIANTS = [
    Experiment(),
    BLOBS,
    SINE,
    SINE.replace(loss="huber"),
    Experiment(layers=(), learning_rate=0.1, epochs=200),  # seed 000
    Experiment(dataset="and", loss="mse", output_activation="tanh", momentum=0.9),
    SUM,
    SUM.replace(inputs=5, threshold=2.5, layers=(Layer(20, "tanh"),), loss="mse",
                output_activation="linear", validation_split=0.0),
    MNIST_MLP,
    MNIST_MLP.replace(dataset="fashion-mnist", loss="sparse-categorical", train_size=1000,
                      test_size=500, normalize=False, validation_split=0.1),
]


def script_head(experiment: Experiment) -> dict:
    """Run the script up to (not including) training; returns its variables."""
    source = codegen.keras_script(experiment).split("model.summary()")[0]
    namespace: dict = {}
    exec(compile(source, "<generated>", "exec"), namespace)  # noqa: S102 - our own script
    return namespace


@pytest.mark.parametrize("experiment", VARIANTS, ids=lambda e: f"{e.dataset}-{e.loss}")
def test_script_is_valid_python_that_imports_only_numpy_and_keras(experiment):
    script = codegen.keras_script(experiment)
    tree = ast.parse(script)
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"numpy", "keras"}
    assert f"epochs={experiment.epochs}, batch_size={experiment.batch_size}" in script
    assert "keras.utils.set_random_seed(SEED)" in script and f"SEED = {experiment.seed}" in script


def test_gate_sum_threshold_and_planar_data_are_the_apps():
    for experiment in (XOR, SUM, SUM.replace(inputs=7, threshold=3.1, samples=99, seed=5),
                       BLOBS, BLOBS.replace(classes=2, loss="bce", noise=0.4, seed=3), SINE):
        data = datasets.load(experiment)
        ns = script_head(experiment)
        cut = ns["cut"] if "cut" in ns else int(len(ns["x"]) * (1 - experiment.validation_split))
        np.testing.assert_array_equal(ns["x"][:cut], data.x_train)
        np.testing.assert_array_equal(ns["x"][cut:], data.x_val)
        np.testing.assert_array_equal(ns["labels"][:cut], data.labels_train)
        np.testing.assert_array_equal(ns["labels"][cut:], data.labels_val)
        np.testing.assert_array_equal(ns["x_test"], data.x_test)
        np.testing.assert_array_equal(ns["labels_test"], data.labels_test)


@pytest.mark.parametrize("normalize", [True, False])
def test_image_data_are_the_apps(offline_datasets, normalize):
    experiment = MNIST_MLP.replace(train_size=1000, test_size=300, validation_split=0.1,
                                   normalize=normalize)
    data = datasets.load(experiment)
    ns = script_head(experiment)
    np.testing.assert_array_equal(ns["x"], np.concatenate([data.x_train, data.x_val]))
    np.testing.assert_array_equal(ns["labels"], np.concatenate([data.labels_train,
                                                                data.labels_val]))
    np.testing.assert_array_equal(ns["x_test"], data.x_test)
    np.testing.assert_array_equal(ns["y_test"].argmax(axis=1), data.labels_test)


def test_script_starts_from_the_apps_weights():
    for experiment in (Experiment(layers=(Layer(4, "tanh", 0.1), Layer(3, "relu"))), SUM):
        ns = script_head(experiment)
        app = build_model(experiment, datasets.load(experiment))
        for a, b in zip(ns["model"].get_weights(), app.get_weights()):
            np.testing.assert_array_equal(a, b)


def accuracies(output: str) -> dict[str, float]:
    return {name: float(value) for name, value in
            re.findall(r"^(training|validation|test) (?:loss \S+  test )?accuracy ([0-9.]+)",
                       output, re.MULTILINE)}


def test_generated_scripts_train_like_the_app(tmp_path):
    """Both scripts run at once in subprocesses (fit is slow: ~10 s each)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH="")
    runs = {}
    for name, experiment in (("xor", XOR), ("sum", SUM)):
        path = tmp_path / f"{name}.py"
        path.write_text(codegen.keras_script(experiment))
        runs[name] = subprocess.Popen([sys.executable, str(path)], cwd=tmp_path, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    apps = {name: train(experiment)[1][-1] for name, experiment in (("xor", XOR), ("sum", SUM))}
    for name, process in runs.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-3000:]
        found = accuracies(out)
        app = apps[name]
        assert found["training"] == pytest.approx(float(app.accuracy[-1]), abs=0.05), out
        if name == "xor":
            assert found["training"] == 1.0
            assert out.count("input [") == 4 and "WRONG" not in out
        else:
            assert found["validation"] == pytest.approx(float(app.val_accuracy[-1]), abs=0.06)
            assert found["test"] > 0.8


def test_generated_scripts_for_blobs_and_the_sine_run_and_report_by_task(tmp_path):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH="")
    runs = {}
    for name, experiment in (("blobs", BLOBS), ("sine", SINE)):
        path = tmp_path / f"{name}.py"
        path.write_text(codegen.keras_script(experiment))
        runs[name] = subprocess.Popen([sys.executable, str(path)], cwd=tmp_path, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = {}
    for name, process in runs.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-3000:]
        outputs[name] = out
    assert set(accuracies(outputs["blobs"])) == {"training", "validation", "test"}
    assert "predicted 'blob" in outputs["blobs"]  # class names, as the app shows them
    for part in ("training", "validation", "test"):
        found = re.search(rf"^{part} mse ([0-9.]+)  mae ([0-9.]+)  r2 (-?[0-9.]+)$",
                          outputs["sine"], re.MULTILINE)
        assert found, outputs["sine"]
    assert "accuracy" not in outputs["sine"]


def test_export_code_command_prints_the_script(tmp_path, capsys):
    path = tmp_path / "settings.json"
    path.write_text(persist.json.dumps(SUM.to_dict()))
    assert codegen.main_export_code(str(path)) == 0
    out = capsys.readouterr().out
    assert out == codegen.keras_script(SUM)
    trainer, reports = train(XOR.replace(epochs=3))
    from playground.core.training.history import RunHistory
    history = RunHistory()
    for report in reports:
        history.append(report)
    saved = persist.save_run(tmp_path / "xor.playground", XOR, trainer.model, history, 3)
    assert codegen.main_export_code(str(saved)) == 0
    assert capsys.readouterr().out == codegen.keras_script(XOR)
    assert codegen.main_export_code(str(tmp_path / "missing.playground")) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: missing.playground: no such file")
