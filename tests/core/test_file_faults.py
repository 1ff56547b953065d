"""Experiment files under faults, without the window: a full disk while Keras writes the model,
JSON nested too deeply or not UTF-8, files that are no regular file, a model.keras that does
not match its experiment.json. Each gives one sentence naming the user's file, and the file
that was there stays as it was."""
from __future__ import annotations

import errno
import json
import os
import zipfile
from pathlib import Path

import pytest

from playground.core.experiment import Experiment, Layer
from playground.core.files import experiment_file as persist
from playground.core.files.keras_models import restore_trainer
from playground.core.model.runtime import load
from playground.core.training.history import RunHistory
from playground.core.training.trainer import Trainer
from tests.files import leftovers

FAST_XOR = Experiment(optimizer="adam", learning_rate=0.05, epochs=20, batch_size=4)
NESTED = b"[" * 100_000


@pytest.fixture(scope="module")
def xor_run():
    trainer, history = Trainer(FAST_XOR), RunHistory()
    for report in trainer.run():
        history.append(report)
    return trainer, history


@pytest.fixture
def saved_file(tmp_path, xor_run):
    trainer, history = xor_run
    path = tmp_path / "xor.playground"
    persist.save_run(path, trainer.experiment, trainer.model, history, trainer.epoch)
    return path


def rewritten(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            new.writestr(name, replace.get(name, old.read(name)))
    return target


# ----- writing -----

class DiskFillsUp:
    """A model whose save runs out of disk half-way, as Keras's write would."""

    def save(self, path):
        Path(path).write_bytes(b"half a model")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def test_a_full_disk_while_the_model_is_written_gives_a_message_and_keeps_the_old_file(
        saved_file, xor_run):
    _, history = xor_run
    before = saved_file.read_bytes()
    with pytest.raises(persist.PersistError) as caught:
        persist.save_run(saved_file, FAST_XOR, DiskFillsUp(), history, 20)
    assert str(caught.value).startswith("Could not save xor.playground: the disk is full")
    assert saved_file.read_bytes() == before
    assert leftovers(saved_file.parent) == ["xor.playground"]


def test_nothing_is_checked_into_a_destination_that_cannot_take_a_file(tmp_path):
    persist.check_destination(tmp_path / "fine.playground")
    assert leftovers(tmp_path) == []  # the probe leaves nothing behind
    for path, expected in ((tmp_path / "no" / "x.playground", "does not exist"),
                           ("/proc/x.playground", "no new files can be made in /proc"),
                           (tmp_path, "is a folder"), ("", "give a file name")):
        with pytest.raises(persist.PersistError, match=expected):
            persist.check_destination(path)


# ----- reading -----

@pytest.mark.parametrize("part", ["experiment.json", "meta.json", "runs.json"])
def test_json_nested_too_deeply_is_named_not_a_traceback(saved_file, tmp_path, part):
    path = rewritten(saved_file, tmp_path / "nested.playground", {part: NESTED})
    with pytest.raises(persist.PersistError) as caught:
        persist.read_run(path)
    message = str(caught.value)
    assert message.startswith("nested.playground") and f"{part} is nested too deeply" in message


def test_settings_json_nested_too_deeply_or_not_utf8(tmp_path):
    nested = tmp_path / "nested.json"
    nested.write_bytes(NESTED)
    with pytest.raises(persist.PersistError, match="nested.json is nested too deeply"):
        persist.read_experiment(nested)
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"dataset": "xor", "note": "café"}'.encode("latin-1"))
    with pytest.raises(persist.PersistError, match="latin1.json is not UTF-8 text"):
        persist.read_experiment(latin1)


@pytest.mark.parametrize("suffix", [".json", ".playground"])
def test_only_regular_files_are_read(tmp_path, suffix):
    pipe, zero, folder = (tmp_path / f"{stem}{suffix}" for stem in ("pipe", "zero", "folder"))
    os.mkfifo(pipe)
    zero.symlink_to("/dev/zero")
    folder.mkdir()
    # Reading a pipe or /dev/zero would hang or never end: `check_readable` refuses them without
    # opening them (test_reliability_cli.py shows, in a subprocess with a timeout, that
    # export-code asks it first).
    for path, expected in ((pipe, "not a regular file"), (zero, "not a regular file"),
                           (folder, "is a folder"), (tmp_path / f"gone{suffix}", "no such file")):
        with pytest.raises(persist.PersistError) as caught:
            persist.check_readable(path)
        assert str(caught.value).startswith(path.name) and expected in str(caught.value)
    for path, expected in ((folder, "is a folder"), (tmp_path / f"gone{suffix}", "no such file")):
        with pytest.raises(persist.PersistError, match=expected):
            persist.read_experiment(path)


# ----- model.keras against experiment.json -----

def test_a_model_with_other_activations_is_refused_naming_the_difference(saved_file, tmp_path):
    _, keras = load()
    # Same shapes as the saved XOR network (2 -> 4 -> 1), but relu where the experiment says tanh.
    other = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model_path = tmp_path / "other.keras"
    other.save(model_path)
    path = rewritten(saved_file, tmp_path / "mixed.playground",
                     {"model.keras": model_path.read_bytes()})
    with pytest.raises(persist.PersistError) as caught:
        restore_trainer(persist.read_run(path))
    message = str(caught.value)
    assert message.startswith("mixed.playground: model.keras does not fit experiment.json")
    assert "activation is relu in model.keras, tanh in experiment.json" in message


def test_a_model_with_other_dropout_is_refused(tmp_path):
    _, keras = load()
    experiment = FAST_XOR.replace(layers=(Layer(4, "tanh", 0.5),))
    trainer = Trainer(experiment)
    saved = tmp_path / "dropout.playground"
    persist.save_run(saved, experiment, trainer.model, RunHistory(), 0)
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model_path = tmp_path / "plain.keras"
    plain.save(model_path)
    path = rewritten(saved, tmp_path / "mixed.playground",
                     {"model.keras": model_path.read_bytes()})
    with pytest.raises(persist.PersistError, match="Dense, Dense; the experiment's Dense, "
                                                   "Dropout, Dense"):
        restore_trainer(persist.read_run(path))


@pytest.mark.parametrize("damage, expected", [
    ("truncated", "is not a Keras model file"),  # Keras said "File not found: /tmp/…"
    ("no config", "cannot be read as a Keras model"),
])
def test_a_broken_model_inside_a_file_is_named_by_the_users_file(saved_file, tmp_path, damage,
                                                                 expected):
    good = zipfile.ZipFile(saved_file).read("model.keras")
    no_config = tmp_path / "no-config.zip"
    with zipfile.ZipFile(no_config, "w") as archive:
        archive.writestr("notes.txt", "a zip, but no Keras model")
    broken = good[:len(good) // 2] if damage == "truncated" else no_config.read_bytes()
    path = rewritten(saved_file, tmp_path / "broken.playground", {"model.keras": broken})
    with pytest.raises(persist.PersistError) as caught:
        restore_trainer(persist.read_run(path))
    message = str(caught.value)
    assert message.startswith(f"broken.playground: model.keras {expected}"), message
    assert "playground-open-" not in message and "/tmp" not in message


def test_the_saved_run_itself_still_opens(saved_file, xor_run):
    trainer = restore_trainer(persist.read_run(saved_file))
    assert trainer.epoch == 20 and trainer.experiment == FAST_XOR
    assert json.loads(zipfile.ZipFile(saved_file).read("experiment.json"))["experiment"] == \
        FAST_XOR.to_dict()
