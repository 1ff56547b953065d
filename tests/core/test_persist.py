"""Experiment files and plain Keras models, without the window.

A saved run comes back whole (settings, weights, optimizer state, history) and trains on from
its epoch; a plain Keras model made in a script opens as the experiment it fits; bad files and
bad folders give one clear sentence and never harm what was there.
"""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from playground.core.data import registry as datasets
from playground.core.files import experiment_file as persist
from playground.core.experiment import Experiment, Layer
from playground.core.training.history import RunHistory
from playground.core.files.keras_models import infer_experiment, open_keras_model, restore_trainer
from playground.core.training.runs import FINAL_NAMES, RunList, record_run
from playground.core.model.runtime import load
from playground.core.training.trainer import Trainer

FAST_XOR = Experiment(optimizer="adam", learning_rate=0.05, epochs=60, batch_size=4)


def trained(experiment=FAST_XOR, epochs=None):
    trainer, history = Trainer(experiment), RunHistory()
    for report in trainer.run(epochs):
        history.append(report)
    return trainer, history


@pytest.fixture(scope="module")
def xor_run():
    return trained()


@pytest.fixture
def saved_file(tmp_path, xor_run):
    trainer, history = xor_run
    path = tmp_path / "xor.playground"
    persist.save_run(path, trainer.experiment, trainer.model, history, trainer.epoch)
    return path


def assert_same_history(a: RunHistory, b: RunHistory) -> None:
    np.testing.assert_array_equal(a.epochs, b.epochs)
    assert a.columns == b.columns and a.held_out == b.held_out
    for name in a.columns:
        np.testing.assert_array_equal(a.metric(name), b.metric(name))  # NaNs compare equal
    for (ea, va), (eb, vb) in [(a.outputs_history(), b.outputs_history())]:
        np.testing.assert_array_equal(ea, eb)
        np.testing.assert_array_equal(va, vb)
    wa, wb = a.weights_history(), b.weights_history()
    assert wa[0] == wb[0]
    for sa, sb in zip(wa[1], wb[1]):
        for x, y in zip(sa, sb):
            np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.latest_outputs, b.latest_outputs)
    assert [w.shape for w in a.latest_weights] == [w.shape for w in b.latest_weights]
    assert (a.status, a.message, a.last_epoch) == (b.status, b.message, b.last_epoch)


# ----- the round trip -----

def test_saved_run_reads_back_whole(saved_file, xor_run):
    trainer, history = xor_run
    with zipfile.ZipFile(saved_file) as archive:
        assert sorted(archive.namelist()) == sorted(persist.PARTS)
        document = json.loads(archive.read("experiment.json"))
    assert document["format"] == persist.FORMAT and document["app_version"]
    saved = persist.read_run(saved_file)
    assert saved.experiment == FAST_XOR
    assert saved.epoch == 60
    assert_same_history(saved.history, history)


def test_restored_trainer_continues_from_the_saved_epoch(saved_file, xor_run):
    trainer, history = xor_run
    restored = restore_trainer(persist.read_run(saved_file))
    assert restored.epoch == 60
    for a, b in zip(restored.model.get_weights(), trainer.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    # Adam's moments and step count came back too, not a fresh optimizer.
    assert int(restored.model.optimizer.iterations.numpy()) == \
        int(trainer.model.optimizer.iterations.numpy())
    np.testing.assert_allclose(restored.predict(restored.probe_x), history.latest_outputs,
                               atol=1e-6)
    reports = list(restored.run(5))
    assert reports[0].epochs[0] == 61 and reports[-1].last_epoch == 65
    # Reset goes back to this seed's untrained network, as after any build.
    restored.reset()
    fresh = Trainer(FAST_XOR)
    for a, b in zip(restored.model.get_weights(), fresh.model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_image_run_round_trips(tmp_path, offline_datasets):
    from playground.core.training.trainer import make_trainer

    experiment = Experiment(dataset="mnist", layers=(Layer(32, "relu", 0.2),),
                            loss="categorical", optimizer="rmsprop", learning_rate=0.001,
                            epochs=1, batch_size=128, train_size=512, test_size=128)
    trainer, history = make_trainer(experiment), RunHistory()
    for item in trainer.run():
        if hasattr(item, "epochs"):
            history.append(item)
    path = tmp_path / "mnist.playground"
    persist.save_run(path, experiment, trainer.model, history, trainer.epoch)
    restored = restore_trainer(persist.read_run(path))
    assert type(restored) is type(trainer) and restored.epoch == 1
    np.testing.assert_allclose(restored.predict(restored.probe_x), history.latest_outputs,
                               atol=1e-6)
    reports = [item for item in restored.run(1) if hasattr(item, "epochs")]
    assert [r.last_epoch for r in reports] == [2]


def test_long_history_keeps_its_thinning(tmp_path):
    trainer, history = trained(FAST_XOR.replace(epochs=3000))
    stride = history.to_arrays()[1]["outputs_stride"]
    assert stride > 1  # thinned: the restore must keep the same spacing
    path = tmp_path / "long.playground"
    persist.save_run(path, trainer.experiment, trainer.model, history, trainer.epoch)
    restored = persist.read_run(path).history
    assert_same_history(restored, history)
    assert restored.to_arrays()[1]["outputs_stride"] == stride
    # And it goes on thinning the same way.
    report = next(Trainer(FAST_XOR).run(3))
    restored.append(report)
    history.append(report)
    assert restored.snapshot_epochs == history.snapshot_epochs


def test_validation_history_with_nans_round_trips(tmp_path):
    experiment = Experiment(dataset="sum-threshold", layers=(Layer(5, "tanh"),), loss="hinge",
                            optimizer="adam", learning_rate=0.01, epochs=5, batch_size=32,
                            validation_split=0.2)
    trainer, history = trained(experiment)
    path = tmp_path / "sum.playground"
    persist.save_run(path, experiment, trainer.model, history, trainer.epoch)
    saved = persist.read_run(path)
    assert_same_history(saved.history, history)
    assert saved.history.has_validation
    csv = persist.history_csv(saved.history).splitlines()
    assert csv[0] == "epoch,loss,accuracy,val_loss,val_accuracy" and len(csv) == 7


def test_history_csv_leaves_missing_values_empty():
    _, history = trained(FAST_XOR.replace(epochs=3))
    lines = persist.history_csv(history).splitlines()
    assert lines[0] == "epoch,loss,accuracy"
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "1", "2", "3"]
    assert float(lines[-1].split(",")[1]) == pytest.approx(history.last("loss"))


def two_runs(history) -> RunList:
    """What the Runs tab holds after two runs, the first renamed and ticked."""
    runs = RunList()
    first = runs.add(record_run(runs.next_name(), FAST_XOR, history))
    runs.add(record_run(runs.next_name(), FAST_XOR, history, status="stopped", upto=30))
    runs.rename(first.uid, "adam 0.05")
    runs.set_shown(first.uid, True)
    return runs


def test_the_runs_list_is_saved_with_the_run(tmp_path, xor_run):
    trainer, history = xor_run
    runs = two_runs(history)
    path = tmp_path / "runs.playground"
    persist.save_run(path, FAST_XOR, trainer.model, history, trainer.epoch, runs)
    saved = persist.read_run(path)
    assert_same_history(saved.history, history)  # the other parts are as before
    assert [r.name for r in saved.runs] == ["adam 0.05", "Run 2"]
    assert [(r.epochs, r.status, r.shown) for r in saved.runs] == [
        (60, "finished", True), (30, "stopped", False)]
    assert saved.runs.comparison_text() == runs.comparison_text()
    for old, new in zip(runs, saved.runs):
        assert new.experiment == old.experiment and new.summary == old.summary
        for key in FINAL_NAMES:
            assert (new.final[key] is None) == (old.final[key] is None)
            if old.final[key] is not None:
                assert new.final[key] == pytest.approx(old.final[key], rel=1e-6)
        assert new.curves.keys() == old.curves.keys()
        for key, values in old.curves.items():
            np.testing.assert_allclose(new.curves[key], values, rtol=1e-6)
    assert saved.runs.next_name() == "Run 3"  # numbering goes on as before the save
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("runs.json"))
    assert document["format"] == 1 and document["app_version"]


def test_a_file_from_before_runs_were_saved_opens_with_no_runs(saved_file, tmp_path):
    old = tmp_path / "old.playground"
    with zipfile.ZipFile(saved_file) as source, zipfile.ZipFile(old, "w") as target:
        for name in ("experiment.json", "model.keras", "history.npz", "meta.json"):
            target.writestr(name, source.read(name))
    saved = persist.read_run(old)
    assert saved.epoch == 60 and len(saved.runs) == 0
    assert restore_trainer(saved).epoch == 60
    # and a save without a list writes an empty one
    assert len(persist.read_run(saved_file).runs) == 0


def test_a_damaged_runs_list_names_the_problem(tmp_path, xor_run):
    trainer, history = xor_run
    good = tmp_path / "good.playground"
    persist.save_run(good, FAST_XOR, trainer.model, history, trainer.epoch, two_runs(history))
    document = json.loads(zipfile.ZipFile(good).read("runs.json"))
    no_experiment = dict(document, runs=[{"name": "Run 1"}])
    bad_layer = json.loads(json.dumps(document))
    bad_layer["runs"][1]["experiment"]["layers"][0]["units"] = 0
    cases = {
        b"{not json": "runs.json is not valid JSON",
        b"[1, 2]": "runs.json is not a JSON object",
        json.dumps(no_experiment).encode(): "runs.json: run 'Run 1' is damaged",
        json.dumps(bad_layer).encode(): "runs.json: run 'Run 2': layers[0].units",
        json.dumps(dict(document, runs={"a": 1})).encode(): "runs.json: the runs must be",
        json.dumps(dict(document, format=2, app_version="9.0")).encode(): "Update the app",
    }
    for i, (data, expected) in enumerate(cases.items()):
        bad = rewrite(good, tmp_path / f"bad{i}.playground", {"runs.json": data})
        with pytest.raises(persist.PersistError) as caught:
            persist.read_run(bad)
        message = str(caught.value)
        assert message.startswith(bad.name) and expected in message, message
        if "Update" not in expected:
            assert "truncated or damaged" in message, message


def test_the_runs_part_stays_bounded(tmp_path, monkeypatch):
    long = FAST_XOR.replace(epochs=2500)
    trainer, history = trained(long)
    runs = RunList()
    for _ in range(4):
        runs.add(record_run(runs.next_name(), long, history))
    whole = persist.runs_json(runs)
    assert len(json.loads(whole)["runs"][0]["curves"]["loss"]) == 2000
    monkeypatch.setattr(persist, "RUNS_JSON_BYTES", len(whole) // 2)
    path = tmp_path / "many.playground"
    persist.save_run(path, long, trainer.model, history, trainer.epoch, runs)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("runs.json").file_size <= len(whole) // 2
    saved = persist.read_run(path).runs
    assert len(saved) == 4 and 2 <= len(saved[0].curves["loss"]) < 2000
    assert saved[0].curves["epoch"][[0, -1]].tolist() == [0, 2500]  # both ends kept
    assert saved[0].final["loss"] == pytest.approx(runs[0].final["loss"], rel=1e-6)
    # numbers alone too long: the save is refused and the old file is kept
    before = path.read_bytes()
    monkeypatch.setattr(persist, "RUNS_JSON_BYTES", 100)
    with pytest.raises(persist.PersistError, match="Could not save many.playground: the Runs"):
        persist.save_run(path, long, trainer.model, history, trainer.epoch, runs)
    assert path.read_bytes() == before


def test_save_from_the_command_line(tmp_path, xor_run, capsys):
    trainer, history = xor_run
    path = tmp_path / "cli.playground"
    assert persist.save_from_cli(path, trainer, history) == 0
    saved = persist.read_run(path)
    assert saved.epoch == 60
    # the run itself is the file's one run, as the window would have kept it
    assert [(r.name, r.epochs, r.status) for r in saved.runs] == [("Run 1", 60, "finished")]
    assert saved.runs[0].final["loss"] == pytest.approx(history.last("loss"), rel=1e-6)
    assert "python -m playground" in capsys.readouterr().err
    assert persist.save_from_cli(tmp_path / "no" / "x.playground", trainer, history) == 1
    assert "does not exist" in capsys.readouterr().err


def test_read_experiment_from_a_file_or_json(saved_file, tmp_path):
    assert persist.read_experiment(saved_file) == FAST_XOR
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(FAST_XOR.to_dict()))
    assert persist.read_experiment(path) == FAST_XOR


# ----- bad files -----

def rewrite(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            new.writestr(name, replace.get(name, old.read(name)))
    return target


def test_foreign_and_broken_files_say_what_is_wrong(saved_file, tmp_path):
    text = tmp_path / "notes.playground"
    text.write_text("just some text")
    other_zip = tmp_path / "photos.playground"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    truncated = tmp_path / "truncated.playground"
    data = saved_file.read_bytes()
    truncated.write_bytes(data[:len(data) // 2])
    document = json.loads(zipfile.ZipFile(saved_file).read("experiment.json"))
    document["experiment"]["layers"][0]["units"] = 0
    bad_units = rewrite(saved_file, tmp_path / "units.playground",
                        {"experiment.json": json.dumps(document).encode()})
    newer = dict(document, format=persist.FORMAT + 1, app_version="9.0")
    newer_file = rewrite(saved_file, tmp_path / "newer.playground",
                         {"experiment.json": json.dumps(newer).encode()})
    meta = json.loads(zipfile.ZipFile(saved_file).read("meta.json"))
    wrong_epoch = rewrite(saved_file, tmp_path / "epoch.playground",
                          {"meta.json": json.dumps(dict(meta, epoch=7)).encode()})
    no_model = tmp_path / "nomodel.playground"
    with zipfile.ZipFile(saved_file) as old, zipfile.ZipFile(no_model, "w") as new:
        for name in ("experiment.json", "meta.json", "history.npz"):
            new.writestr(name, old.read(name))
    cases = {
        text: "not a Neural Playground file",
        other_zip: "not a Neural Playground file (it has no experiment.json)",
        truncated: "truncated or damaged",
        bad_units: "experiment.json: layers[0].units: must be at least 1",
        newer_file: "Update the app",
        wrong_epoch: "truncated or damaged",
        no_model: "it has no model.keras",
        tmp_path / "missing.playground": "no such file",
    }
    for path, expected in cases.items():
        with pytest.raises(persist.PersistError) as caught:
            persist.read_run(path)
        assert expected in str(caught.value), (path.name, str(caught.value))
        assert str(caught.value).startswith(path.name), str(caught.value)


def test_a_damaged_member_is_caught_by_its_checksum(saved_file, tmp_path):
    data = bytearray(saved_file.read_bytes())
    with zipfile.ZipFile(saved_file) as archive:
        info = archive.getinfo("history.npz")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle] ^= 0xFF
    damaged = tmp_path / "damaged.playground"
    damaged.write_bytes(bytes(data))
    with pytest.raises(persist.PersistError, match="truncated or damaged"):
        persist.read_run(damaged)


# ----- writing -----

class ExplodingModel:
    def save(self, path):
        Path(path).write_bytes(b"half a model")
        raise RuntimeError("disk went away")


def test_a_failed_save_leaves_the_old_file_and_no_debris(saved_file, xor_run):
    _, history = xor_run
    before = saved_file.read_bytes()
    with pytest.raises(RuntimeError):
        persist.save_run(saved_file, FAST_XOR, ExplodingModel(), history, 60)
    assert saved_file.read_bytes() == before
    assert sorted(p.name for p in saved_file.parent.iterdir()) == [saved_file.name]


def test_unwritable_locations_are_named(tmp_path, xor_run):
    trainer, history = xor_run
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    cases = {tmp_path / "no" / "such" / "folder" / "x.playground": "does not exist",
             a_file / "x.playground": "is not a folder"}
    for path, expected in cases.items():
        with pytest.raises(persist.PersistError) as caught:
            persist.save_run(path, FAST_XOR, trainer.model, history, 60)
        message = str(caught.value)
        assert message.startswith("Could not save x.playground") and expected in message
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            with pytest.raises(persist.PersistError, match="no permission"):
                persist.write_text(locked / "x.csv", "a,b\n")
        finally:
            locked.chmod(0o700)


def test_exported_model_loads_in_plain_keras(tmp_path, xor_run):
    trainer, history = xor_run
    _, keras = load()
    path = persist.export_model(tmp_path / "xor.keras", trainer.model)
    model = keras.models.load_model(path)
    np.testing.assert_allclose(model.predict(trainer.probe_x, verbose=0),
                               history.latest_outputs, atol=1e-6)
    with pytest.raises(persist.PersistError, match="must end in .keras"):
        persist.export_model(tmp_path / "xor.h5", trainer.model)


# ----- plain Keras models made elsewhere -----

def keras_model(layers, loss=None, optimizer=None, seed=1):
    _, keras = load()
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(layers)
    if loss:
        model.compile(optimizer=optimizer or "adam", loss=loss)
    return model


def test_seed_000_style_model_opens_with_its_settings(tmp_path):
    _, keras = load()
    # Dense(units=1, input_dim=2) + a separate sigmoid, SGD(lr=0.1): seed 000's script.
    model = keras_model([keras.Input((2,)), keras.layers.Dense(1),
                         keras.layers.Activation("sigmoid")],
                        "binary_crossentropy", keras.optimizers.SGD(learning_rate=0.1))
    path = tmp_path / "seed000.keras"
    model.save(path)
    trainer = open_keras_model(path)
    e = trainer.experiment
    assert e.dataset in ("xor", "and", "or", "sum-threshold")
    assert (e.layers, e.loss, e.output, e.optimizer, e.learning_rate) == \
        ((), "bce", "sigmoid", "sgd", 0.1)
    np.testing.assert_allclose(trainer.predict(trainer.probe_x),
                               model.predict(trainer.probe_x, verbose=0), atol=1e-6)


def test_the_dataset_a_model_fits_best_is_chosen(tmp_path):
    _, keras = load()
    model = keras_model([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")],
                        "binary_crossentropy")
    # Weights that compute AND: only [1, 1] is above 0.5.
    model.layers[0].set_weights([np.array([[4.0], [4.0]]), np.array([-6.0])])
    path = tmp_path / "and.h5"  # the legacy format loads too
    model.save(path)
    assert open_keras_model(path).experiment.dataset == "and"


def test_hidden_layers_dropout_and_hinge_are_read():
    _, keras = load()
    model = keras_model([keras.Input((5,)), keras.layers.Dense(20, activation="tanh"),
                         keras.layers.Dropout(0.25), keras.layers.Dense(1, activation="tanh")],
                        "hinge")
    e = infer_experiment(model)
    assert (e.dataset, e.inputs, e.threshold) == ("sum-threshold", 5, 2.5)
    assert e.layers == (Layer(20, "tanh", 0.25),)
    assert (e.loss, e.output, e.optimizer) == ("hinge", "tanh", "adam")


def test_tutorial_image_model_with_flatten_is_read():
    _, keras = load()
    # TensorFlow's classification tutorial (seed 003), never compiled.
    model = keras_model([keras.Input((28, 28)), keras.layers.Flatten(),
                         keras.layers.Dense(128, activation="relu"),
                         keras.layers.Dense(10, activation="softmax")])
    e = infer_experiment(model)
    assert e.dataset in ("mnist", "fashion-mnist")
    assert e.layers == (Layer(128, "relu"),) and e.loss == "categorical"
    # What the file does not say starts as choosing MNIST in the form would (batch 32, …).
    start = datasets.get("mnist")
    assert (e.epochs, e.batch_size, e.validation_split) == (
        start.epochs, start.batch_size, start.validation_split)
    compiled = keras_model([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")],
                           "sparse_categorical_crossentropy",
                           keras.optimizers.RMSprop(learning_rate=0.001))
    e = infer_experiment(compiled)
    assert (e.loss, e.optimizer, e.learning_rate) == ("sparse-categorical", "rmsprop", 0.001)


def test_models_that_fit_nothing_name_their_shapes_or_layer():
    _, keras = load()
    misfit = keras_model([keras.Input((3,)), keras.layers.Dense(4, activation="softmax")])
    with pytest.raises(persist.PersistError) as caught:
        infer_experiment(misfit, "odd.keras")
    assert "odd.keras: input shape (None, 3) and output (None, 4) fit no dataset" in \
        str(caught.value)
    conv = keras_model([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3, strides=2),
                        keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    with pytest.raises(persist.PersistError, match=r"layer 'conv2d.*' \(Conv2D\)"):
        infer_experiment(conv)
    elu = keras_model([keras.Input((2,)), keras.layers.Dense(3, activation="elu"),
                       keras.layers.Dense(1, activation="sigmoid")])
    with pytest.raises(persist.PersistError, match="hidden layer 1 uses the activation 'elu'"):
        infer_experiment(elu)


def test_files_that_are_no_keras_model_say_so(tmp_path, saved_file):
    for name, what in (("model.keras", "a zip archive"), ("model.h5", "an HDF5 file")):
        text = tmp_path / name
        text.write_text("not a model")
        with pytest.raises(persist.PersistError) as caught:
            open_keras_model(text)
        # Keras itself says "File not found: filepath=…" of a file that is there.
        assert str(caught.value) == f"{name} is not a Keras model file (it is not {what})."
    with pytest.raises(persist.PersistError, match=r"ends in \.keras"):
        open_keras_model(saved_file)
    empty_zip = tmp_path / "empty.keras"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("notes.txt", "no model here")
    with pytest.raises(persist.PersistError, match="empty.keras cannot be read as a Keras model"):
        open_keras_model(empty_zip)


def test_a_regression_run_round_trips_with_its_metrics(tmp_path):
    experiment = Experiment(dataset="sine", loss="mse", output_activation="linear",
                            layers=(Layer(8, "tanh"),), optimizer="adam", learning_rate=0.02,
                            batch_size=16, validation_split=0.2, epochs=5)
    trainer, history = trained(experiment)
    path = tmp_path / "sine.playground"
    persist.save_run(path, experiment, trainer.model, history, trainer.epoch)
    restored = persist.read_run(path).history
    assert restored.metric_names == ("mse", "mae", "r2")
    assert_same_history(restored, history)
    assert persist.history_csv(restored).splitlines()[0] == (
        "epoch,loss,mse,mae,r2,val_loss,val_mse,val_mae,val_r2")


def test_a_file_from_before_metrics_followed_the_task_still_opens(saved_file, tmp_path):
    """Files written before: meta.json without the list of metrics or the held-out policy."""
    meta = json.loads(zipfile.ZipFile(saved_file).read("meta.json"))
    for name in ("metrics", "held_out", "epoch_metrics"):
        meta.pop(name)
    old = rewrite(saved_file, tmp_path / "old.playground",
                  {"meta.json": json.dumps(meta).encode()})
    history = persist.read_run(old).history
    assert history.metric_names == ("accuracy",)
    assert history.held_out == "" and history.last("accuracy") == 1.0
