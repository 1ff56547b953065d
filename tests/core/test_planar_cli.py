"""`playground train` on the 2-D playground's data: the flags, and --json by task."""
from __future__ import annotations

import json

import pytest

from playground.cli import commands as cli
from playground.cli.commands import parse_train_args


def _train_json(capsys, *flags):
    code = cli.main(["train", *flags, "--json", "--quiet"])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else None), out.err


def test_the_flags_set_the_generated_data():
    experiment, _ = parse_train_args(["--dataset", "spiral", "--classes", "4", "--noise", "0.3",
                                      "--samples", "600", "--test-fraction", "0.5",
                                      "--no-standardize"])
    assert (experiment.dataset, experiment.classes, experiment.noise, experiment.samples,
            experiment.test_fraction, experiment.standardize) == \
        ("spiral", 4, 0.3, 600, 0.5, False)
    assert experiment.loss == "sparse-categorical"  # four arms: a softmax
    assert parse_train_args(["--dataset", "moons"])[0].loss == "bce"
    assert parse_train_args(["--dataset", "gaussian-hills"])[0].output == "linear"


@pytest.mark.parametrize("flags, message", [
    (["--dataset", "circle", "--samples", "5"], "--samples: must be between 10 and 10,000"),
    (["--dataset", "spiral", "--classes", "5"], "--classes: must be at most 4"),
    (["--dataset", "moons", "--test-fraction", "0.95"], "--test-fraction"),
])
def test_bad_values_get_one_line_naming_the_flag(capsys, flags, message):
    assert cli.main(["train", *flags, "--epochs", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_three_arms_report_test_accuracy_class_names_and_every_probability(capsys):
    code, data, _ = _train_json(capsys, "--dataset", "spiral", "--classes", "3",
                                "--samples", "100", "--test-fraction", "0.5", "--epochs", "2",
                                "--hidden", "4")
    assert code == 0
    assert data["classes"] == ["arm 1", "arm 2", "arm 3"]
    assert 0.0 <= data["final"]["test_accuracy"] <= 1.0
    row = data["outputs"][0]
    assert len(row["probabilities"]) == 3 and sum(row["probabilities"]) == pytest.approx(1.0)
    assert row["class"] == max(range(3), key=lambda k: row["probabilities"][k])


def test_a_plane_regression_reports_test_mse_mae_and_r2(capsys):
    code, data, _ = _train_json(capsys, "--dataset", "plane", "--samples", "100",
                                "--epochs", "2", "--hidden", "4")
    assert code == 0
    assert {"test_mse", "test_mae", "test_r2"} <= set(data["final"])
    assert "classes" not in data and "probabilities" not in data["outputs"][0]
