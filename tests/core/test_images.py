"""MNIST / Fashion-MNIST: the dataset, its files (download, import) and the large-data trainer.

Nothing here touches the network: tests/conftest.py gives Keras a private KERAS_HOME linking to
the offline copies, and the download tests replace `urllib.request.urlopen`. Tests marked
`needs_datasets` use those copies (and skip without them); the failure paths (missing files,
failed, cancelled or corrupt downloads, wrong imports) run everywhere.
"""
from __future__ import annotations

import gzip
import io
import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from playground.core.data import downloads, images
from playground.core.data import registry as datasets
from playground.core.experiment import Experiment, Layer
from playground.core.training.history import RunHistory
from playground.core.training.schedules import BATCHES, EPOCHS
from playground.core.training.trainer import BatchProgress, Report, Trainer
from tests.files import leftovers

SHARED = downloads.datasets_dir()
FASHION_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                 "Sneaker", "Bag", "Ankle boot")


def seed_001(**changes) -> Experiment:
    """Seed 001's MLP: 784-512-512-10 relu, dropout 0.2, RMSprop, batch 128."""
    experiment = Experiment(dataset="mnist",
                            layers=(Layer(512, "relu", 0.2), Layer(512, "relu", 0.2)),
                            loss="categorical", optimizer="rmsprop", learning_rate=0.001,
                            batch_size=128, epochs=3)
    return experiment.replace(**changes)


def idx_labels_gz(path: Path, count: int) -> Path:
    """A well-formed gzipped IDX labels file (all zeros), standing in for a real one."""
    path.write_bytes(gzip.compress((0x0801).to_bytes(4, "big") + count.to_bytes(4, "big")
                                   + bytes(count)))
    return path


# ----- the dataset ----------------------------------------------------------------------------

@pytest.mark.needs_datasets
def test_mnist_shapes_dtypes_and_keras_like_validation_split():
    experiment = seed_001(train_size=1000, test_size=500, validation_split=0.2)
    data = datasets.load(experiment)
    assert data.x_train.shape == (800, 784) and data.x_val.shape == (200, 784)
    assert data.x_test.shape == (500, 784)
    assert {a.dtype for a in (data.x_train, data.x_val, data.x_test)} == {np.dtype(np.float32)}
    assert data.labels_train.shape == (800,) and set(np.unique(data.labels_train)) <= set(range(10))
    assert 0.0 <= data.x_train.min() and data.x_train.max() == 1.0
    assert data.class_names == tuple("0123456789") and data.output_units == 10
    assert datasets.get("mnist").train_rows(experiment) == 800
    # the first images, split like Keras: validation is the *last* 20 % of the subset
    _, y_train, _, _ = images.load_raw("mnist")
    assert list(data.labels_train[:5]) == [5, 0, 4, 1, 9]
    np.testing.assert_array_equal(data.labels_val, y_train[800:1000])


@pytest.mark.needs_datasets
def test_normalise_off_keeps_raw_pixels_up_to_255():
    data = datasets.load(seed_001(train_size=200, test_size=100, normalize=False))
    assert data.x_train.dtype == np.float32
    assert data.x_train.max() == 255.0 and data.x_test.max() == 255.0
    normalised = datasets.load(seed_001(train_size=200, test_size=100))
    np.testing.assert_array_equal(normalised.x_train, data.x_train / np.float32(255))


@pytest.mark.needs_datasets
def test_fashion_mnist_class_names_and_seed_003_ankle_boot():
    data = datasets.load(seed_001(dataset="fashion-mnist", loss="sparse-categorical",
                                  train_size=100, test_size=10))
    assert data.class_names == FASHION_NAMES
    assert data.class_names[data.labels_test[0]] == "Ankle boot"  # seed 003's test image 0
    assert datasets.get("fashion-mnist").label == "Fashion-MNIST"


def test_images_need_a_categorical_loss():
    errors = seed_001(loss="bce").validate()
    assert [e.field for e in errors] == ["loss"]
    assert seed_001(loss="sparse-categorical").validate() == []


@pytest.mark.needs_datasets
def test_building_twice_shares_one_float_copy():
    first = datasets.load(seed_001(test_size=100))
    second = datasets.load(seed_001(test_size=100, validation_split=0.1))
    assert np.shares_memory(first.x_train, second.x_train)
    assert not first.x_train.flags.writeable


@pytest.mark.needs_datasets
def test_compact_pixels_reproduce_the_float_rows_exactly():
    data = datasets.load(seed_001(train_size=300, test_size=50, validation_split=0.25))
    for rows in (data.x_train, data.x_val, data.x_test):
        pixels, divisor = images.compact(rows)
        np.testing.assert_array_equal(pixels.astype(np.float32) / np.float32(divisor), rows)
    assert images.compact(np.zeros((2, 784), np.float32)) is None


def test_missing_files_raise_before_keras_tries_the_network(empty_cache, monkeypatch):
    monkeypatch.setattr(images, "_raw", {})
    with pytest.raises(downloads.MissingFilesError) as info:
        datasets.load(seed_001(test_size=10))
    assert "mnist.npz" in str(info.value) and str(empty_cache) in str(info.value)
    assert "Import files" in str(info.value)
    assert downloads.missing_files("fashion-mnist") == downloads.files_needed("fashion-mnist")


# ----- where Keras keeps the files ------------------------------------------------------------

def test_files_needed_are_where_keras_looks():
    home = Path(os.environ["KERAS_HOME"])
    assert downloads.files_needed("mnist") == [home / "datasets" / "mnist.npz"]
    assert {p.relative_to(home / "datasets").as_posix()
            for p in downloads.files_needed("fashion-mnist")} == {
        f"fashion-mnist/{part}-{kind}-ubyte.gz" for part in ("train", "t10k")
        for kind in ("images-idx3", "labels-idx1")}


# ----- downloading (urlopen replaced: never the network) -------------------------------------

class FakeResponse(io.BytesIO):
    def __init__(self, data: bytes, length: bool = True):
        super().__init__(data)
        self.headers = {"Content-Length": str(len(data))} if length else {}


def test_failing_download_leaves_nothing_and_names_the_file(empty_cache, monkeypatch):
    def refuse(url, timeout=None):
        raise urllib.error.URLError("no network here")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    with pytest.raises(downloads.DownloadError) as info:
        downloads.download("mnist")
    message = str(info.value)
    assert "mnist.npz" in message and "no network here" in message
    assert str(empty_cache) in message and "Import files" in message
    assert leftovers(empty_cache) == []


def test_cancelled_download_removes_the_partial_file(empty_cache, monkeypatch):
    payload = bytes(5 * downloads.CHUNK_BYTES)  # cancelled after 3 blocks: never checked
    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda url, timeout=None: FakeResponse(payload))
    seen = []

    def progress(done, total):
        seen.append((done, total))
        assert leftovers(empty_cache) and leftovers(empty_cache)[0].endswith(".part")

    with pytest.raises(downloads.DownloadCancelled) as info:
        downloads.download("mnist", progress, cancelled=lambda: len(seen) >= 3)
    assert "mnist.npz" in str(info.value)
    assert seen[-1][0] == 3 * downloads.CHUNK_BYTES and seen[-1][1] == len(payload)
    assert leftovers(empty_cache) == []


def test_corrupt_download_is_rejected(empty_cache, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda url, timeout=None: FakeResponse(b"not mnist" * 1000))
    with pytest.raises(downloads.DownloadError, match="mnist.npz.*sha256"):
        downloads.download("mnist")
    assert leftovers(empty_cache) == []


@pytest.mark.needs_datasets
def test_download_puts_verified_files_in_place(empty_cache, monkeypatch):
    urls = []

    def serve(url, timeout=None):
        urls.append(url)
        name = url.rsplit("/", 1)[-1]
        return FakeResponse((SHARED / "fashion-mnist" / name).read_bytes(), length=False)

    monkeypatch.setattr(urllib.request, "urlopen", serve)
    seen = []
    written = downloads.download("fashion-mnist", lambda done, total: seen.append((done, total)))
    assert sorted(written) == sorted(downloads.files_needed("fashion-mnist"))
    assert downloads.missing_files("fashion-mnist") == []
    assert all(u.startswith("https://storage.googleapis.com/tensorflow/tf-keras-datasets/")
               for u in urls)
    total = sum(p.stat().st_size for p in written)
    assert seen[-1] == (total, total)  # sizes known in advance when no Content-Length comes
    assert not [p for p in leftovers(empty_cache) if p.endswith(".part")]


def test_a_damaged_mnist_file_is_reported(empty_cache):
    empty_cache.mkdir(parents=True)
    (empty_cache / "mnist.npz").write_bytes(b"truncated")
    with pytest.raises(downloads.MissingFilesError, match="damaged"):
        downloads.require("mnist")


@pytest.mark.needs_datasets
def test_a_damaged_mnist_file_is_downloaded_again(empty_cache, monkeypatch):
    empty_cache.mkdir(parents=True)
    (empty_cache / "mnist.npz").write_bytes(b"truncated")
    payload = (SHARED / "mnist.npz").read_bytes()
    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda url, timeout=None: FakeResponse(payload))
    assert downloads.download("mnist") == [empty_cache / "mnist.npz"]
    downloads.require("mnist")


# ----- importing local copies -----------------------------------------------------------------

@pytest.mark.needs_datasets
def test_import_files_copies_into_place_recognising_renamed_files(empty_cache, tmp_path):
    chosen = []
    for i, path in enumerate(sorted((SHARED / "fashion-mnist").glob("*.gz"))):
        renamed = tmp_path / f"download ({i}).gz"
        shutil.copyfile(path, renamed)
        chosen.append(renamed)
    written = downloads.import_files("fashion-mnist", chosen)
    assert sorted(written) == sorted(downloads.files_needed("fashion-mnist"))
    for target in written:
        assert target.read_bytes() == (SHARED / "fashion-mnist" / target.name).read_bytes()
    assert downloads.import_files("mnist", [SHARED / "mnist.npz"]) == \
        downloads.files_needed("mnist")
    assert downloads.missing_files("mnist") == []
    assert not [p for p in leftovers(empty_cache) if p.endswith(".part")]


def test_import_rejects_a_wrong_file_and_copies_nothing(empty_cache, tmp_path):
    wrong = tmp_path / "mnist.npz"
    wrong.write_bytes(b"PK not the real archive")
    with pytest.raises(downloads.FileImportError, match="mnist.npz"):
        downloads.import_files("mnist", [wrong])
    good = idx_labels_gz(tmp_path / "t10k-labels-idx1-ubyte.gz", 10_000)
    assert downloads.identify("fashion-mnist", good) is not None  # good alone would import
    with pytest.raises(downloads.FileImportError):
        downloads.import_files("fashion-mnist", [good, wrong])
    assert leftovers(empty_cache) == []


# ----- the trainer ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mnist_run():
    """Seed 001's MLP, 3 epochs on the first 5,000 training images, all 10,000 test images."""
    trainer = Trainer(seed_001(train_size=5000))
    items = list(trainer.run())
    return trainer, items


@pytest.mark.slow
@pytest.mark.needs_datasets
def test_seed_001_mlp_learns_mnist_in_three_epochs(mnist_run):
    trainer, items = mnist_run
    assert trainer.schedule == BATCHES  # 5,000 images x 670,000 parameters: a costly epoch
    reports = [item for item in items if isinstance(item, Report)]
    assert [r.last_epoch for r in reports] == [0, 1, 2, 3] and trainer.epoch == 3
    assert [r.status for r in reports] == ["running"] * 3 + ["finished"]
    assert reports[-1].val_accuracy[-1] >= 0.90  # measured on the test images (no split)
    assert trainer.held_out == "test" == reports[-1].held_out
    assert reports[-1].epoch_metrics == "running mean"
    assert reports[-1].accuracy[-1] > reports[1].accuracy[-1]
    assert reports[-1].outputs.shape == (1, 64, 10)
    np.testing.assert_allclose(reports[-1].outputs[0], trainer.predict(trainer.probe_x),
                               rtol=1e-5, atol=1e-6)
    progress = [item for item in items if isinstance(item, BatchProgress)]
    assert progress and all(p.batches_total == 40 for p in progress)  # ceil(5000 / 128)
    done = [(p.epoch, p.batches_done) for p in progress]  # (a rate in samples/s: wall-clock)
    assert done == sorted(done) and all(0 < batches < 40 for _, batches in done)
    history = RunHistory()
    for report in reports:
        history.append(report)
    assert history.has_validation and history.status == "finished"


@pytest.mark.slow
@pytest.mark.needs_datasets
def test_raw_pixels_saturate_the_softmax_normalised_ones_do_not(mnist_run):
    """Seed 001's bug: a model trained on x / 255 fed raw 0-255 pixels answers one-hot."""
    trainer, _ = mnist_run
    normalised = trainer.dataset.x_test[:500]
    raw = normalised * 255
    certain_raw = (trainer.predict(raw).max(axis=1) > 0.999).mean()
    certain = (trainer.predict(normalised).max(axis=1) > 0.999).mean()
    assert certain_raw > 0.95
    assert certain < 0.5


@pytest.mark.needs_datasets
def test_stop_mid_epoch_keeps_the_epoch_and_undoes_the_partial_one():
    experiment = seed_001(train_size=2000, test_size=200, batch_size=32, epochs=1)
    whole = Trainer(experiment)
    reports = [r for r in whole.run() if isinstance(r, Report)]

    stopped = Trainer(experiment)
    stream = stopped.run()
    epoch_zero = next(stream)
    assert isinstance(epoch_zero, Report) and epoch_zero.last_epoch == 0
    progress = next(stream)
    assert isinstance(progress, BatchProgress) and progress.epoch == 1
    assert 0 < progress.batches_done < progress.batches_total == 63
    stream.close()
    assert stopped.epoch == 0
    for before, now in zip(epoch_zero.weights, stopped.model.get_weights()):
        np.testing.assert_array_equal(before, now)
    # continuing after the stop trains exactly the epoch an uninterrupted run trains
    again = [r for r in stopped.run() if isinstance(r, Report)]
    assert [r.last_epoch for r in again] == [1] and stopped.epoch == 1
    np.testing.assert_allclose(again[-1].loss, reports[-1].loss, rtol=1e-6)
    for a, b in zip(whole.model.get_weights(), stopped.model.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.needs_datasets
def test_reset_with_a_paused_run_replays_a_fresh_run_exactly():
    experiment = seed_001(train_size=1000, test_size=100, batch_size=16, epochs=2)
    fresh = [r for r in Trainer(experiment).run() if isinstance(r, Report)]
    trainer = Trainer(experiment)
    list(trainer.run(1))
    stream = trainer.run(target_seconds=0)  # one batch a chunk: progress after every batch
    assert isinstance(next(stream), BatchProgress)  # paused inside epoch 2
    trainer.reset()  # stops the paused run first
    assert trainer.epoch == 0
    replay = [r for r in trainer.run() if isinstance(r, Report)]
    assert [r.last_epoch for r in replay] == [0, 1, 2]
    for a, b in zip(fresh, replay):  # dropout seeds and shuffle rewound too
        np.testing.assert_allclose(a.loss, b.loss, rtol=1e-6)
        np.testing.assert_allclose(a.val_loss, b.val_loss, rtol=1e-6)


@pytest.mark.needs_datasets
def test_non_finite_loss_stops_as_diverged():
    experiment = seed_001(train_size=1000, test_size=100, optimizer="sgd", learning_rate=1e6,
                          normalize=False, epochs=5)
    trainer = Trainer(experiment)
    reports = [r for r in trainer.run() if isinstance(r, Report)]
    assert reports[-1].status == "diverged" and reports[-1].last_epoch < 5
    assert "not a finite number" in reports[-1].message


def test_small_tables_get_the_epoch_schedule_with_nothing_held_out():
    trainer = Trainer(Experiment(epochs=3))
    assert trainer.schedule == EPOCHS
    reports = list(trainer.run())
    assert {r.held_out for r in reports} == {""}  # XOR has no test set: never "test"
    assert {r.epoch_metrics for r in reports} == {"full pass"}


@pytest.mark.needs_datasets
def test_a_small_image_subset_trains_by_epochs_and_still_measures_its_test_images():
    experiment = seed_001(layers=(Layer(32, "relu"),), train_size=500, test_size=100, epochs=2)
    trainer = Trainer(experiment)
    assert trainer.schedule == EPOCHS  # 500 images through 784-32-10: a cheap epoch
    reports = list(trainer.run())
    assert {r.held_out for r in reports} == {"test"}
    assert {r.epoch_metrics for r in reports} == {"full pass"}
    data = trainer.dataset
    measured = trainer.scores(data.x_test, data.labels_test)
    assert reports[-1].val_loss[-1] == pytest.approx(measured["loss"], rel=1e-5)
    assert reports[-1].val_accuracy[-1] == pytest.approx(measured["accuracy"])
    np.testing.assert_allclose(reports[-1].outputs[-1], trainer.predict(data.x_test[:64]),
                               rtol=1e-5, atol=1e-6)  # the probe rows are test images
