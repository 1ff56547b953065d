"""A table's regression target is learnt standardised and reported in the file's units."""
from __future__ import annotations

import json

import numpy as np
import pytest

from playground.core.data import registry as datasets
from playground.core.experiment import Experiment, Layer
from playground.core.inspection import metrics
from playground.core.model.runtime import load
from playground.core.training.trainer import Report, Trainer


@pytest.fixture
def prices(tmp_path):
    """Prices in the thousands: 3000 + 1000 a + 500 b, noise of 20."""
    rng = np.random.default_rng(4)
    a, b = rng.uniform(0, 1, 300), rng.uniform(-1, 1, 300)
    price = 3000 + 1000 * a + 500 * b + rng.normal(0, 20, 300)
    path = tmp_path / "prices.csv"
    path.write_text("a,b,price\n" + "".join(f"{x:.4f},{y:.4f},{p:.2f}\n"
                                            for x, y, p in zip(a, b, price)))
    return path


def ready(path) -> Experiment:
    experiment = Experiment(dataset="csv", csv=str(path))
    followed = datasets.follow("csv", experiment.loss, "xor", experiment)
    return experiment.replace(**followed).replace(
        layers=(Layer(8, "tanh"),), optimizer="adam", learning_rate=0.02, batch_size=16,
        epochs=60, validation_split=0.0)


def test_targets_in_the_thousands_train_well_and_report_mse_in_the_files_units(prices):
    trainer = Trainer(ready(prices))
    data = trainer.dataset
    assert data.task == "regression"
    assert data.target_shift == pytest.approx(np.mean(data.labels_train), rel=1e-6)
    assert data.target_scale == pytest.approx(np.std(data.labels_train), rel=1e-6)
    learnt = trainer.targets(data.labels_train)  # what the loss sees: mean 0, spread 1
    assert abs(float(learnt.mean())) < 1e-4 and float(learnt.std()) == pytest.approx(1, 1e-3)
    reports = [r for r in trainer.run() if isinstance(r, Report)]
    final = trainer.scores(data.x_test, data.labels_test)
    assert final["r2"] > 0.95
    tf, _ = load()
    raw = trainer.model(tf.constant(data.x_test), training=False).numpy()[:, 0]
    in_units = raw * data.target_scale + data.target_shift  # de-standardised by hand
    expected_mse = float(np.mean((in_units - data.labels_test) ** 2))
    assert final["mse"] == pytest.approx(expected_mse, rel=1e-3)
    assert final["mae"] == pytest.approx(float(np.mean(np.abs(in_units - data.labels_test))),
                                         rel=1e-3)
    assert 100 < expected_mse < 10_000  # an error of tens of (price) units, not of 0.05
    # the curve's last test point, the weights measured in NumPy, and the probe outputs agree
    assert reports[-1].held_out == "test"
    assert reports[-1].val_metrics["mse"][-1] == pytest.approx(expected_mse, rel=1e-3)
    measured = metrics.evaluate(trainer.experiment, reports[-1].weights, data.x_test,
                                data.labels_test, data)
    assert measured["mse"] == pytest.approx(expected_mse, rel=1e-3)
    assert measured["loss"] == pytest.approx(final["loss"], rel=1e-3)  # training's own loss
    probe = trainer.model(tf.constant(trainer.probe_x), training=False).numpy()
    np.testing.assert_allclose(reports[-1].outputs[-1],
                               probe * data.target_scale + data.target_shift, rtol=1e-4)
    assert 2000 < float(np.mean(reports[-1].outputs[-1])) < 5000  # outputs read as prices


def test_classes_and_generated_curves_keep_their_targets_as_they_are():
    sine = Trainer(Experiment(dataset="sine", loss="mse", output_activation="linear",
                              layers=(Layer(4, "tanh"),), epochs=1))
    assert (sine.dataset.target_shift, sine.dataset.target_scale) == (0.0, 1.0)
    np.testing.assert_array_equal(sine.targets(sine.dataset.labels_train)[:, 0],
                                  sine.dataset.labels_train)


def test_the_cli_prints_outputs_and_json_in_the_files_units(prices, capsys):
    from playground.cli.commands import main

    code = main(["train", "--csv", str(prices), "--target", "price", "--hidden", "8",
                 "--optimizer", "adam", "--lr", "0.02", "--epochs", "60", "--batch-size", "16",
                 "--json", "--quiet"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["final"]["test_r2"] > 0.95 and 100 < result["final"]["test_mse"] < 10_000
    assert 2000 < np.mean([row["output"] for row in result["outputs"]]) < 5000


def test_the_keras_script_learns_standardised_targets_and_scores_in_the_files_units(
        prices, tmp_path):
    import os
    import re
    import subprocess
    import sys

    from playground.core.files import codegen

    experiment = ready(prices)
    script = codegen.keras_script(experiment)
    assert "NumPy, pandas (to read the CSV file) and Keras" in script.split('"""')[1]
    head: dict = {}
    exec(compile(script.split("model.summary()")[0], "<generated>", "exec"), head)  # noqa: S102
    data = Trainer(experiment).dataset  # the app's split and scale
    assert head["TARGET_SHIFT"] == pytest.approx(data.target_shift, rel=1e-6)
    assert head["TARGET_SCALE"] == pytest.approx(data.target_scale, rel=1e-6)
    assert abs(float(head["y"].mean())) < 1e-4  # fit sees standardised targets
    path = tmp_path / "prices_script.py"
    path.write_text(script)
    run = subprocess.run([sys.executable, str(path)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300,
                         env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=""))
    assert run.returncode == 0, run.stderr[-3000:]
    found = re.search(r"^test mse ([0-9.]+)  mae ([0-9.]+)  r2 (-?[0-9.]+)$", run.stdout,
                      re.MULTILINE)
    assert found, run.stdout
    assert 100 < float(found[1]) < 10_000 and float(found[3]) > 0.9  # prices, fitted
