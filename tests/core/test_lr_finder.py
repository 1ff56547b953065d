"""The learning-rate range test: the suggestion on curves whose answer is known, the explosion
stop, a real run whose suggestion trains well, and `playground lr-find --json`."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from playground.cli import commands as cli
from playground.core.training import lr_finder
from playground.core.training.trainer import train


def test_suggestion_is_the_steepest_descent_of_a_known_curve():
    rates = lr_finder.schedule(1e-5, 10, 121)
    # A loss that falls as a logistic step in log10(rate), steepest at rate 1e-2.
    loss = 1 - 0.9 / (1 + np.exp(-3 * (np.log10(rates) + 2)))
    assert lr_finder.suggest(rates, loss) == pytest.approx(1e-2, rel=0.1)


def test_a_loss_that_never_falls_has_no_suggestion():
    rates = lr_finder.schedule(1e-3, 1, 20)
    assert math.isnan(lr_finder.suggest(rates, np.linspace(1, 2, 20)))


def test_smoothing_is_bias_corrected_and_explosion_is_four_times_the_best():
    assert lr_finder.smooth([2.0, 2.0, 2.0]) == pytest.approx([2.0, 2.0, 2.0])
    assert lr_finder.exploded(np.array([1.0, 0.5, 1.9, 2.1])) == 3
    assert lr_finder.exploded(np.array([1.0, np.nan])) == 1
    assert lr_finder.exploded(np.array([1.0, 0.9, 0.8])) is None


def test_the_range_test_stops_when_the_loss_explodes_and_suggests_before_it():
    from playground.cli.commands import parse_train_args
    experiment, _ = parse_train_args(["--dataset", "sum-threshold", "--epochs", "60"])
    result = lr_finder.find(experiment, 1e-4, 1e4, 60)
    assert result.ended == "exploded" and len(result.losses) < 60
    assert result.learning_rates[0] == pytest.approx(1e-4)
    assert np.all(np.diff(result.learning_rates) > 0)
    assert result.suggested < result.learning_rates[-1]


def test_circle_trained_at_the_suggestion_reaches_good_test_accuracy():
    from playground.cli.commands import parse_train_args
    experiment, _ = parse_train_args(["--dataset", "circle"])
    result = lr_finder.find(experiment)
    assert 1e-3 < result.suggested < 10
    trainer, _ = train(experiment.replace(learning_rate=result.suggested))
    data = trainer.dataset
    assert trainer.scores(data.x_test, data.labels_test)["accuracy"] >= 0.9


def test_cli_lr_find_json(capsys):
    code = cli.main(["lr-find", "--steps", "25", "--end", "100", "--json", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert len(data["learning_rates"]) == len(data["losses"]) <= 25
    assert data["learning_rates"][0] == pytest.approx(1e-5)
    assert data["suggested"] is None or \
        data["learning_rates"][0] <= data["suggested"] <= data["learning_rates"][-1]


@pytest.mark.parametrize("flags, message", [
    (["--steps", "x"], "error: --steps: 'x' is not a whole number"),
    (["--start", "1", "--end", "0.1"], "error: --start, --end: need 0 < start < end"),
    (["--lr", "abc"], "error: --lr: not a number"),
])
def test_cli_lr_find_bad_flags(capsys, flags, message):
    assert cli.main(["lr-find", *flags]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
