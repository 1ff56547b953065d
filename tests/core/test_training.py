"""The trainer: real Keras models trained in compiled chunks, reported as immutable reports."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from playground.core.data import registry as datasets
from playground.core.data.dataset import encode_targets
from playground.core.experiment import Experiment, Layer
from playground.core.model.build import build_model
from playground.core.model.runtime import load
from playground.core.training.trainer import Report, Trainer, train

tf, keras = load()


def stacked(reports: list[Report], name: str) -> np.ndarray:
    return np.concatenate([getattr(report, name) for report in reports])


def predict(model, x) -> np.ndarray:
    return model.predict(np.asarray(x, np.float32), verbose=0)


@pytest.fixture(scope="module")
def xor_run():
    """The default experiment (XOR, one hidden layer of 4 tanh, SGD 0.5, 500 epochs)."""
    trainer, reports = train(Experiment())
    return trainer, reports


# ----- learning what it should (and not what it cannot) -------------------------------------

def test_xor_with_a_hidden_layer_is_learned(xor_run):
    trainer, reports = xor_run
    last = reports[-1]
    assert last.status == "finished"
    assert last.last_epoch == 500 == trainer.epoch
    assert last.accuracy[-1] == 1.0
    outputs = last.outputs[-1, :, 0]
    assert np.array_equal(outputs > 0.5, trainer.dataset.labels_train == 1)


def test_epochs_are_reported_once_each_in_order(xor_run):
    _, reports = xor_run
    assert np.array_equal(stacked(reports, "epochs"), np.arange(501))
    for report in reports:
        n = len(report.epochs)
        assert report.loss.shape == report.accuracy.shape == (n,)
        assert report.outputs.shape == (n, 4, 1)
        assert report.val_loss is None and report.val_accuracy is None
    assert all(r.status == "running" for r in reports[:-1])


def test_single_neuron_cannot_learn_xor():
    experiment = Experiment(layers=(), learning_rate=0.1, batch_size=1, epochs=200)
    trainer, reports = train(experiment)
    assert reports[-1].last_epoch == 200
    assert stacked(reports, "accuracy").max() <= 0.75
    outputs = stacked(reports, "outputs")[:, :, 0]
    # The untrained neuron starts anywhere; once it has seen the data it sits on the fence.
    assert np.all((outputs[20:] > 0.4) & (outputs[20:] < 0.6))
    assert np.all(np.abs(outputs[-1] - 0.5) < 0.05)
    assert len(trainer.model.layers) == 1  # just the output neuron


@pytest.mark.parametrize("gate", ["and", "or"])
def test_single_neuron_learns_linearly_separable_gates(gate):
    experiment = Experiment(dataset=gate, layers=(), learning_rate=1.0, batch_size=1, epochs=10)
    _, reports = train(experiment)
    assert reports[-1].last_epoch == 10
    assert reports[-1].accuracy[-1] == 1.0


# ----- reproducibility ----------------------------------------------------------------------

def test_same_seed_gives_the_same_run_bit_for_bit():
    experiment = Experiment(epochs=200)
    _, first = train(experiment)
    _, second = train(experiment)
    for name in ("epochs", "loss", "accuracy", "outputs"):
        assert np.array_equal(stacked(first, name), stacked(second, name)), name
    for a, b in zip(first[-1].weights, second[-1].weights):
        assert np.array_equal(a, b)


def test_another_seed_gives_another_run():
    _, first = train(Experiment(epochs=50, seed=0))
    _, second = train(Experiment(epochs=50, seed=1))
    assert not np.array_equal(stacked(first, "outputs")[0], stacked(second, "outputs")[0])
    assert not np.array_equal(stacked(first, "loss"), stacked(second, "loss"))


def test_reset_restores_the_untrained_model_and_replays_the_run():
    trainer = Trainer(Experiment(epochs=100))
    first = list(trainer.run())
    assert trainer.epoch == 100
    trainer.reset()
    assert trainer.epoch == 0
    assert np.array_equal(predict(trainer.model, trainer.probe_x), first[0].outputs[0])
    again = list(trainer.run())
    assert again[0].last_epoch == 0
    assert np.array_equal(again[0].outputs, first[0].outputs)
    assert np.array_equal(stacked(again, "loss"), stacked(first, "loss"))
    assert np.array_equal(stacked(again, "outputs"), stacked(first, "outputs"))


def test_reset_replays_a_run_with_dropout():
    experiment = Experiment(layers=(Layer(8, "tanh", 0.3),), epochs=50)
    trainer = Trainer(experiment)
    first = list(trainer.run())
    trainer.reset()
    again = list(trainer.run())
    assert np.array_equal(stacked(again, "loss"), stacked(first, "loss"))


def test_dropout_runs_are_reproducible_from_a_fresh_trainer():
    experiment = Experiment(layers=(Layer(8, "tanh", 0.3),), epochs=50)
    _, first = train(experiment)
    _, second = train(experiment)
    assert np.array_equal(stacked(first, "loss"), stacked(second, "loss"))


# ----- reports agree with plain Keras -------------------------------------------------------

def test_first_report_is_the_untrained_model():
    experiment = Experiment(epochs=20)
    dataset = datasets.load(experiment)
    untrained = build_model(experiment, dataset)  # same seed, same initial weights
    trainer = Trainer(experiment)
    expected = predict(trainer.model, trainer.probe_x)
    assert np.array_equal(expected, predict(untrained, trainer.probe_x))
    first = next(trainer.run())
    assert first.last_epoch == 0 and np.array_equal(first.epochs, [0])
    assert first.status == "running"
    assert first.epochs_per_second == 0.0
    np.testing.assert_allclose(first.outputs[0], expected, atol=1e-6)
    y = encode_targets(dataset.labels_train, "binary", 2)
    keras_loss = float(keras.losses.BinaryCrossentropy()(y, predict(untrained, dataset.x_train)))
    assert first.loss[0] == pytest.approx(keras_loss, abs=1e-5)


def test_last_report_matches_the_trained_keras_model(xor_run):
    trainer, reports = xor_run
    last = reports[-1]
    np.testing.assert_allclose(last.outputs[-1], predict(trainer.model, trainer.probe_x),
                               atol=1e-6)
    np.testing.assert_allclose(last.outputs[-1], trainer.predict(trainer.probe_x), atol=1e-6)
    for reported, actual in zip(last.weights, trainer.model.get_weights(), strict=True):
        assert np.array_equal(reported, actual)


def test_reported_loss_is_the_keras_loss(xor_run):
    trainer, reports = xor_run
    x, labels = trainer.dataset.x_train, trainer.dataset.labels_train
    y = labels.astype(np.float32).reshape(-1, 1)
    keras_loss = float(keras.losses.BinaryCrossentropy()(y, predict(trainer.model, x)))
    assert reports[-1].loss[-1] == pytest.approx(keras_loss, abs=1e-5)
    loss, accuracy = trainer.evaluate(x, labels)
    assert loss == pytest.approx(keras_loss, abs=1e-5)
    assert accuracy == 1.0


def test_mse_loss_is_the_keras_loss():
    trainer, reports = train(Experiment(loss="mse", output_activation="tanh", epochs=30))
    x, labels = trainer.dataset.x_train, trainer.dataset.labels_train
    y = (2.0 * labels - 1.0).astype(np.float32).reshape(-1, 1)  # tanh output: ±1 targets
    keras_loss = float(keras.losses.MeanSquaredError()(y, predict(trainer.model, x)))
    assert reports[-1].loss[-1] == pytest.approx(keras_loss, abs=1e-5)


def test_hinge_accuracy_is_sign_agreement():
    """With ±1 targets, a tanh output of 0.46 for a positive row is right (it has the sign).

    Keras's default binary accuracy thresholds at 0.5 and compares with the -1/+1 targets as
    if they were 0/1, so on this model it scores 0 where every row is in fact classified right.
    """
    experiment = Experiment(dataset="and", layers=(), loss="hinge", epochs=1)
    assert experiment.output == "tanh" and experiment.encoding == "signed"
    dataset = datasets.load(experiment)
    model = build_model(experiment, dataset)
    model.set_weights([np.array([[1.0], [1.0]], np.float32), np.array([-1.5], np.float32)])
    trainer = Trainer(experiment, dataset=dataset, model=model)

    first = next(trainer.run())
    outputs = first.outputs[0]
    np.testing.assert_allclose(outputs[:, 0], np.tanh([-1.5, -0.5, -0.5, 0.5]), atol=1e-6)
    targets = encode_targets(dataset.labels_train, "signed", 2)
    assert np.array_equal(targets[:, 0], [-1, -1, -1, 1])
    keras_says = float(keras.metrics.binary_accuracy(targets, outputs).numpy().mean())
    assert keras_says == 0.0
    assert first.accuracy[0] == 1.0
    assert trainer.evaluate(dataset.x_train, dataset.labels_train)[1] == 1.0
    keras_hinge = float(keras.losses.Hinge()(targets, outputs))
    assert first.loss[0] == pytest.approx(keras_hinge, abs=1e-5)


def test_hinge_training_accuracy_counts_signs():
    experiment = Experiment(dataset="and", layers=(), loss="hinge", learning_rate=0.1,
                            epochs=30)
    _, reports = train(experiment)
    for report in reports:
        signs = report.outputs[:, :, 0] > 0
        truth = np.array([0, 0, 0, 1]) == 1
        np.testing.assert_allclose(report.accuracy, (signs == truth).mean(axis=1))


# ----- stopping, stepping, diverging --------------------------------------------------------

def test_divergence_stops_the_run_with_a_hint():
    experiment = Experiment(loss="mse", output_activation="linear", learning_rate=1000.0,
                            epochs=500)
    trainer = Trainer(experiment)
    stream = trainer.run()
    reports = list(stream)
    last = reports[-1]
    assert last.status == "diverged"
    losses = stacked(reports, "loss")
    limit = 1000 * max(losses[0], 1.0)  # not finite, or 1,000 times the untrained model's
    assert not np.isfinite(losses[-1]) or losses[-1] > limit
    assert np.all(np.isfinite(losses[:-1]) & (losses[:-1] <= limit))
    assert "learning rate" in last.message
    assert last.last_epoch < 500 and trainer.epoch == last.last_epoch
    assert all(r.status == "running" for r in reports[:-1])
    with pytest.raises(StopIteration):
        next(stream)


def test_run_one_epoch_is_a_step():
    trainer = Trainer(Experiment())
    reports = list(trainer.run(epochs=1))
    assert [list(r.epochs) for r in reports] == [[0], [1]]
    assert trainer.epoch == 1
    reports = list(trainer.run(epochs=1))
    assert [list(r.epochs) for r in reports] == [[2]]
    assert trainer.epoch == 2
    # The rest of the experiment's epochs, not another 500.
    reports = list(trainer.run())
    assert reports[-1].last_epoch == 500 and reports[-1].status == "finished"


def test_stopping_between_reports_keeps_the_epochs_done():
    trainer = Trainer(Experiment(epochs=500))
    stream = trainer.run()
    seen = [next(stream), next(stream), next(stream)]
    stream.close()
    assert trainer.epoch == seen[-1].last_epoch
    reports = list(trainer.run())  # resume: no second epoch-0 report
    assert reports[0].epochs[0] == seen[-1].last_epoch + 1
    assert reports[-1].last_epoch == 500


def test_run_zero_epochs_only_reports_the_untrained_model():
    trainer = Trainer(Experiment())
    reports = list(trainer.run(epochs=0))
    assert [list(r.epochs) for r in reports] == [[0]]
    assert trainer.epoch == 0


@pytest.mark.parametrize("changes", [
    {"optimizer": "adam", "learning_rate": 0.05},
    {"optimizer": "rmsprop", "learning_rate": 0.01},
    {"optimizer": "adagrad", "learning_rate": 0.5},
    {"optimizer": "sgd", "learning_rate": 0.1, "momentum": 0.9},
], ids=lambda changes: changes["optimizer"] + ("+momentum" if "momentum" in changes else ""))
def test_optimizers_train(changes):
    experiment = Experiment(epochs=200, **changes)
    trainer, reports = train(experiment)
    assert reports[-1].status == "finished"
    optimizer = trainer.model.optimizer
    assert type(optimizer).__name__.lower() == experiment.optimizer
    assert float(optimizer.learning_rate.numpy()) == pytest.approx(experiment.learning_rate)
    losses = stacked(reports, "loss")
    assert np.all(np.isfinite(losses))
    assert losses[-1] < losses[0]


def test_validation_split_reports_validation_metrics():
    trainer, reports = train(Experiment(validation_split=0.25, batch_size=3, epochs=10))
    assert len(trainer.dataset.x_train) == 3 and len(trainer.dataset.x_val) == 1
    assert trainer.probe_x.shape == (4, 2)  # training rows, then validation rows
    for report in reports:
        assert report.val_loss is not None and report.val_loss.shape == report.loss.shape
        assert np.all(np.isfinite(report.val_loss))
    val_loss, _ = trainer.evaluate(trainer.dataset.x_val, trainer.dataset.labels_val)
    assert reports[-1].val_loss[-1] == pytest.approx(val_loss, abs=1e-5)


def test_trainer_rejects_an_invalid_experiment():
    from playground.core.experiment import ExperimentError
    with pytest.raises(ExperimentError):
        Trainer(Experiment(epochs=0))


def test_integer_learning_rate_is_accepted():
    experiment = Experiment(dataset="and", layers=(), learning_rate=1, epochs=1)
    assert experiment.validate() == []
    _, reports = train(experiment)
    assert reports[-1].last_epoch == 1


# ----- reports are values -------------------------------------------------------------------

def test_reports_are_immutable(xor_run):
    _, reports = xor_run
    for report in (reports[0], reports[-1]):
        arrays = [report.epochs, report.loss, report.accuracy, report.outputs, *report.weights]
        for array in arrays:
            assert isinstance(array, np.ndarray) and not array.flags.writeable
            with pytest.raises(ValueError):
                array.flat[0] = 0
        with pytest.raises(dataclasses.FrozenInstanceError):
            report.status = "changed"  # type: ignore[misc]
        assert isinstance(report.weights, tuple)


def test_reports_do_not_change_as_training_goes_on():
    trainer = Trainer(Experiment(epochs=50))
    stream = trainer.run()
    first = next(stream)
    kept = (first.outputs.copy(), [w.copy() for w in first.weights])
    list(stream)
    assert np.array_equal(first.outputs, kept[0])
    for now, then in zip(first.weights, kept[1]):
        assert np.array_equal(now, then)


def test_a_finite_loss_that_grows_a_thousandfold_is_divergence():
    """Issue 12 (15): XOR with learning rate 1e6 kept a finite loss of ~1e5 for all epochs."""
    trainer = Trainer(Experiment(learning_rate=1e6, epochs=500))
    reports = list(trainer.run())
    last = reports[-1]
    assert last.status == "diverged" and last.last_epoch < 500
    assert np.isfinite(last.loss[-1]) and last.loss[-1] > 1000 * reports[0].loss[0]
    assert "grew from 0.7" in last.message and "learning rate" in last.message


# ----- what reports say about themselves ------------------------------------------------------

def test_xor_reports_accuracy_and_holds_nothing_out(xor_run):
    _, reports = xor_run
    assert all(tuple(r.metrics) == ("accuracy",) and r.val_metrics is None for r in reports)
    assert {r.held_out for r in reports} == {""}  # XOR has no test set: never "test"
    assert {r.epoch_metrics for r in reports} == {"full pass"}


def test_a_validation_split_is_what_is_held_out():
    experiment = Experiment(dataset="sum-threshold", samples=100, validation_split=0.2,
                            layers=(), batch_size=10, epochs=2)
    reports = list(Trainer(experiment).run())
    assert {r.held_out for r in reports} == {"validation"}
    assert all(tuple(r.val_metrics) == ("accuracy",) for r in reports)


def regression_trainer(epochs: int = 60) -> Trainer:
    """The noisy sine (1-D regression), one hidden layer, linear output, MSE."""
    experiment = Experiment(dataset="sine", loss="mse", output_activation="linear",
                            layers=(Layer(16, "tanh"),), optimizer="adam", learning_rate=0.05,
                            batch_size=50, validation_split=0.2, epochs=epochs)
    return Trainer(experiment)


def test_regression_reports_mse_mae_and_r2_as_numpy_measures_them():
    from playground.core.inspection.metrics import regression_scores

    trainer = regression_trainer()
    reports = list(trainer.run())
    last = reports[-1]
    assert tuple(last.metrics) == ("mse", "mae", "r2") and last.accuracy is None
    data = trainer.dataset
    for rows, labels, measured in ((data.x_train, data.labels_train, last.metrics),
                                   (data.x_val, data.labels_val, last.val_metrics)):
        expected = regression_scores(trainer.predict(rows), labels)
        for name in ("mse", "mae", "r2"):
            np.testing.assert_allclose(measured[name][-1], expected[name], rtol=1e-4)
    np.testing.assert_allclose(last.loss[-1], last.metrics["mse"][-1], rtol=1e-5)
    assert last.metrics["r2"][-1] > 0.9 > reports[0].metrics["r2"][0]  # it learned the line
    assert trainer.scores(data.x_val, data.labels_val)["r2"] == pytest.approx(
        last.val_metrics["r2"][-1], rel=1e-4)


# ----- the schedule follows the cost of an epoch ----------------------------------------------

def test_a_million_row_table_gets_the_batch_schedule_and_stops_inside_an_epoch():
    from playground.core.training.reports import BatchProgress
    from playground.core.training.schedules import BATCHES, EPOCHS

    experiment = Experiment(dataset="sum-threshold", samples=1_000_000, layers=(),
                            batch_size=32, epochs=1)
    trainer = Trainer(experiment)
    assert trainer.schedule == BATCHES
    assert Trainer(experiment.replace(samples=250)).schedule == EPOCHS
    stream = trainer.run()
    untrained = next(stream)
    progress = next(stream)  # Stop can act here, a few batches into the 31,250
    assert isinstance(progress, BatchProgress) and 0 < progress.batches_done < 31_250
    stream.close()
    assert trainer.epoch == 0  # the part-done epoch is undone
    for before, now in zip(untrained.weights, trainer.model.get_weights()):
        np.testing.assert_array_equal(before, now)
    assert untrained.held_out == "test" and untrained.epoch_metrics == "running mean"


def test_the_schedule_is_chosen_by_cost_not_by_dataset():
    from playground.core.training.schedules import BATCHES, EPOCHS, choose

    assert choose(rows=4, parameters=17, batch_size=1) == EPOCHS  # XOR
    assert choose(rows=1_000_000, parameters=3, batch_size=32) == BATCHES
    assert choose(rows=1_000_000, parameters=3, batch_size=1_000_000) == BATCHES
    assert choose(rows=5000, parameters=669_706, batch_size=128) == BATCHES  # MNIST MLP
    assert choose(rows=500, parameters=100, batch_size=10) == EPOCHS


# ----- same model, new training settings ------------------------------------------------------

def test_changing_the_learning_rate_keeps_the_model_and_trains_on_with_the_new_rate():
    from playground.core.experiment import needs_new_model

    experiment = Experiment(epochs=20)
    changed = experiment.replace(learning_rate=0.05, epochs=40)
    assert not needs_new_model(experiment, changed)
    trainer, same_rate = Trainer(experiment), Trainer(experiment)
    list(trainer.run())
    list(same_rate.run())
    weights = trainer.model.get_weights()
    trainer.retarget(changed)
    for before, now in zip(weights, trainer.model.get_weights()):
        np.testing.assert_array_equal(before, now)
    assert float(trainer.model.optimizer.learning_rate) == pytest.approx(0.05)
    reports = list(trainer.run())
    assert [int(e) for r in reports for e in r.epochs] == list(range(21, 41))
    assert reports[-1].status == "finished" and trainer.epoch == 40
    list(same_rate.run(20))
    moved = [np.abs(a - b).sum() for a, b in zip(trainer.model.get_weights(), weights)]
    moved_old = [np.abs(a - b).sum() for a, b in zip(same_rate.model.get_weights(), weights)]
    assert 0 < sum(moved) < sum(moved_old)  # a tenth of the rate moves the weights less


def test_a_new_layer_needs_a_new_model_and_cannot_be_retargeted():
    from playground.core.experiment import needs_new_model

    experiment = Experiment()
    wider = experiment.replace(layers=(Layer(8, "tanh"),))
    assert needs_new_model(experiment, wider) and needs_new_model(None, experiment)
    for field, value in (("optimizer", "adam"), ("momentum", 0.9), ("batch_size", 2),
                         ("epochs", 9)):
        assert not needs_new_model(experiment, experiment.replace(**{field: value}))
    with pytest.raises(ValueError):
        Trainer(experiment).retarget(wider)


def test_a_new_batch_size_and_optimizer_train_on_from_the_same_epoch():
    trainer = Trainer(Experiment(epochs=10))
    list(trainer.run())
    trainer.retarget(Experiment(epochs=15, batch_size=4, optimizer="adam", learning_rate=0.01))
    reports = list(trainer.run())
    assert reports[0].epochs[0] == 11 and reports[-1].last_epoch == 15
    assert type(trainer.model.optimizer).__name__ == "Adam"


# ----- memory ---------------------------------------------------------------------------------

def test_a_dropped_trainer_leaves_no_traced_graph_behind():
    """Issue 12 (3): every new model kept ~4 MB (its whole traced graph, held by TensorFlow's
    gradient registry through Keras's replica sum); benchmarks/bench_memory.py measures it."""
    import gc

    from tensorflow.python.framework.func_graph import FuncGraph

    def graphs() -> int:
        gc.collect()
        return sum(isinstance(o, FuncGraph) for o in gc.get_objects())

    trainer = Trainer(Experiment(epochs=3, optimizer="adam", learning_rate=0.05))
    list(trainer.run())
    del trainer
    before = graphs()
    for layers in ((Layer(8, "tanh"),), ()):
        trainer = Trainer(Experiment(epochs=3, layers=layers, batch_size=2))
        list(trainer.run())
        trainer.retarget(trainer.experiment.replace(learning_rate=0.1, epochs=5))
        list(trainer.run())
    del trainer
    assert graphs() <= before


def test_stop_ends_a_paused_run_and_undoes_its_part_done_epoch():
    from playground.core.training.reports import BatchProgress
    from playground.core.training.schedules import BATCHES

    experiment = Experiment(dataset="sum-threshold", samples=400, layers=(), batch_size=10,
                            epochs=2)
    trainer = Trainer(experiment, schedule=BATCHES)
    stream = trainer.run(target_seconds=0)  # one batch a chunk: progress after every batch
    untrained = next(stream)
    assert isinstance(next(stream), BatchProgress)  # paused inside epoch 1
    trainer.stop()
    assert trainer.epoch == 0
    for before, now in zip(untrained.weights, trainer.model.get_weights()):
        np.testing.assert_array_equal(before, now)
    trainer.stop()  # nothing paused: nothing happens
    reports = [r for r in trainer.run() if isinstance(r, Report)]
    assert [r.last_epoch for r in reports] == [1, 2]  # no second epoch-0 report
