"""Sweeps: the grid of settings x seeds, bad values named, runs trained in turn, mean ± spread,
and `playground sweep --json`."""
from __future__ import annotations

import json
import math

import pytest

from playground.cli import commands as cli
from playground.core.experiment import Experiment, Layer
from playground.core.training.runs import RunRecord
from playground.core.training.sweep import (Sweep, SweepError, SweepPoint, SweepResult,
                                            aggregate, best_metric, parse_axis, run_sweep)


def test_grid_crosses_fields_layer_lists_and_seeds():
    base = Experiment(seed=7, layers=(Layer(3, "relu", 0.1),))
    sweep = Sweep(base, (parse_axis("learning_rate=0.01|0.1"), parse_axis("hidden=4|8,4|none")),
                  seeds=2)
    points = sweep.points()
    assert sweep.size == len(points) == 2 * 3 * 2
    assert [p.seed for p in points[:4]] == [7, 8, 7, 8]
    second = points[2]
    assert second.settings == {"learning_rate": 0.01, "hidden": (8, 4)}
    assert second.experiment.learning_rate == 0.01
    # Layer lists keep the base layer's activation and dropout.
    assert second.experiment.layers == (Layer(8, "relu", 0.1), Layer(4, "relu", 0.1))
    assert points[4].experiment.layers == ()
    assert {p.experiment.learning_rate for p in points} == {0.01, 0.1}


def test_any_numeric_field_and_per_layer_settings_sweep():
    assert parse_axis("batch_size=1|2").values == (1, 2)
    assert parse_axis("lr=1e-3").values == (0.001,)  # the CLI's short name
    assert parse_axis("momentum=0|0.9").values == (0.0, 0.9)
    point = Sweep(Experiment(layers=(Layer(4), Layer(2))),
                  (parse_axis("dropout=0.5"),)).points()[0]
    assert [layer.dropout for layer in point.experiment.layers] == [0.5, 0.5]


@pytest.mark.parametrize("text, named", [
    ("learning_rate=0.1|-1", "learning_rate=-1: must be greater than 0"),
    ("hidden=4|x", "hidden=x: x: not a whole number"),
    ("epochs=ten", "epochs=ten: not a whole number"),
    ("colour=1|2", "'colour' cannot be swept"),
    ("learning_rate", "is not FIELD=V1|V2"),
    ("learning_rate=", "give at least one value"),
    ("epochs=5|5", "given twice"),
    ("optimizer=sgd|nesterov", "'nesterov' is not one of"),
])
def test_bad_values_are_named(text, named):
    with pytest.raises(SweepError, match=named.replace("|", r"\|").replace("(", r"\(")):
        parse_axis(text)


def test_a_setting_the_data_cannot_take_is_named_before_training():
    sweep = Sweep(Experiment(), (parse_axis("batch_size=2|8"),))
    with pytest.raises(SweepError, match="batch 8: batch_size: must be at most 4"):
        sweep.points()


def test_seeds_and_size_are_bounded():
    with pytest.raises(SweepError, match="seeds"):
        Sweep(Experiment(), (parse_axis("epochs=1"),), seeds=0)
    with pytest.raises(SweepError, match="swept twice"):
        Sweep(Experiment(), (parse_axis("epochs=1"), parse_axis("epochs=2")))


def _result(settings, seed, accuracy):
    experiment = Experiment(seed=seed)
    record = RunRecord("r", experiment, "", 1, "finished",
                       {"loss": 0.1, "accuracy": accuracy, "test_accuracy": None})
    return SweepResult(SweepPoint(0, settings, seed, experiment), record, None, 2.0)


def test_aggregate_is_mean_and_spread_over_seeds_in_grid_order():
    results = [_result({"learning_rate": 0.1}, 0, 0.5), _result({"learning_rate": 0.1}, 1, 1.0),
               _result({"learning_rate": 1.0}, 0, 0.75)]
    assert best_metric(results) == "accuracy"  # test_accuracy was never measured
    rows = aggregate(results, "accuracy")
    assert [r.settings for r in rows] == [{"learning_rate": 0.1}, {"learning_rate": 1.0}]
    assert rows[0].mean == pytest.approx(0.75) and rows[0].spread == pytest.approx(0.25)
    assert rows[0].runs == 2 and rows[1].spread == 0.0
    assert math.isnan(aggregate(results, "test_accuracy")[0].mean)


def test_run_sweep_trains_each_point_in_turn_and_yields_a_record_per_run():
    points = Sweep(Experiment(epochs=5), (parse_axis("learning_rate=0.1|1"),)).points()
    items = list(run_sweep(points, clock=iter(range(100)).__next__))
    results = [i for i in items if isinstance(i, SweepResult)]
    assert [r.point.settings["learning_rate"] for r in results] == [0.1, 1.0]
    assert all(r.record.epochs == 5 and r.record.status == "finished" for r in results)
    assert results[0].record.name == "lr 0.1 · seed 0"
    assert results[0].record.experiment.learning_rate == 0.1
    assert results[0].seconds == 1  # one tick of the injected clock per run
    # Progress comes before each result, counting runs.
    assert items.index(results[0]) < items.index(results[1])
    assert results[0].history.last_epoch == 5


def test_cli_sweep_json_has_one_object_per_run(capsys, tmp_path):
    code = cli.main(["sweep", "--epochs", "3", "--vary", "hidden=2|4,2", "--seeds", "2",
                     "--json", "--quiet", "--tensorboard", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert [(r["settings"]["hidden"], r["seed"]) for r in data["runs"]] == \
        [([2], 0), ([2], 1), ([4, 2], 0), ([4, 2], 1)]
    assert all(set(r["final"]) >= {"loss", "accuracy"} for r in data["runs"])
    assert len(data["summary"]) == 2 and data["summary"][1]["runs"] == 2
    # --tensorboard: a folder per run, named after it.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "hidden 2 · seed 0", "hidden 2 · seed 1", "hidden 4,2 · seed 0", "hidden 4,2 · seed 1"]


@pytest.mark.parametrize("flags, message", [
    (["--vary", "lr=0|1"], "error: --vary: learning_rate=0: must be greater than 0"),
    (["--lr", "1"], "error: --vary: give at least one"),
    (["--vary", "lr=1", "--seeds", "x"], "error: --seeds: 'x' is not a whole number"),
    (["--vary", "lr=1", "--epochs", "-3"], "error: --epochs: must be at least 1"),
    (["--vary", "lr=1", "--save", "a.playground"], "error: sweep does not take --save"),
])
def test_cli_sweep_bad_flags_are_one_line_exit_2(capsys, flags, message):
    assert cli.main(["sweep", *flags]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


@pytest.mark.parametrize("command", [["sweep", "--vary", "lr=0.1|1"], ["lr-find"]])
def test_cli_without_the_image_files_says_so_in_one_line(capsys, empty_cache, command):
    # empty_cache points the app's dataset folder at an empty one (KERAS_HOME is read only once,
    # when Keras is first imported, so setting it here would not reach a suite that imported it)
    assert cli.main([*command, "--dataset", "mnist", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: The mnist data files are missing") and err.count("\n") == 1


def test_a_layer_list_does_not_replace_a_convolution_stack():
    conv = Layer(8, "relu", kind="conv")  # not a dense layer: `hidden` would drop it
    with pytest.raises(SweepError, match="convolution or pooling layers"):
        Sweep(Experiment(dataset="mnist", layers=(conv,)), (parse_axis("hidden=4"),)).points()
