"""Missing MNIST files: the window names them and where Keras expects them, downloads them in
the background with progress and Cancel, and imports local copies. Never the network: every
test replaces `urllib.request.urlopen` and points the cache at an empty folder."""
from __future__ import annotations

import io
import threading
import urllib.error
import urllib.request

import pytest

from playground.core.data import downloads
from playground.core.data import images
from playground.core.experiment import Experiment, Layer
from playground.ui.menus.data_files import DataFilesDialog
from tests.files import leftovers
from tests.ui.gui import open_window

SHARED = downloads.datasets_dir()  # the session's offline copies (tests/conftest.py)


class SlowResponse(io.BytesIO):
    """A server that sends a file slowly, so a test can cancel half-way."""

    def __init__(self, data: bytes, delay: float = 0.0):
        super().__init__(data)
        self.headers = {"Content-Length": str(len(data))}
        self.delay = delay
        self.reads = threading.Event()

    def read(self, size=-1):
        self.reads.set()
        if self.delay:
            threading.Event().wait(self.delay)
        return super().read(size)


def refuse(url, timeout=None):
    raise urllib.error.URLError("no network here")


@pytest.fixture
def dialog(qtbot):
    dialog = DataFilesDialog()
    qtbot.addWidget(dialog)
    yield dialog
    dialog.shutdown()


def test_a_failed_download_names_the_files_and_folder_and_leaves_nothing(
        qtbot, dialog, empty_cache, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    with qtbot.waitSignal(dialog.download_ended, timeout=10_000) as ended:
        dialog.show_missing("mnist")
        assert dialog.state == "downloading" and dialog.cancel_button.isVisible()
    assert ended.args == ["failed"]
    assert dialog.isVisible()
    text = dialog.message.text()
    assert "mnist.npz" in text and str(empty_cache) in text and "Import files" in text
    assert dialog.error.isVisible() and "no network here" in dialog.error.text()
    assert dialog.download_button.text() == "Try again" and dialog.import_button.isEnabled()
    assert leftovers(empty_cache) == []


def test_download_shows_bytes_and_cancel_removes_the_partial_file(
        qtbot, dialog, empty_cache, monkeypatch):
    payload = bytes(downloads.FILES["mnist"][0].size)  # cancelled before it is checked
    response = SlowResponse(payload, delay=0.02)
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout=None: response)
    dialog.show_missing("mnist")
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=10_000)
    assert " of 11.5 MB" in dialog.progress.format()
    assert [p for p in leftovers(empty_cache) if p.endswith(".part")]  # the transfer is real
    with qtbot.waitSignal(dialog.download_ended, timeout=10_000) as ended:
        dialog.cancel_button.click()
    assert ended.args == ["cancelled"]
    assert "cancelled" in dialog.error.text()
    assert leftovers(empty_cache) == []


@pytest.mark.needs_datasets
def test_a_finished_download_puts_the_file_in_place(qtbot, dialog, empty_cache, monkeypatch):
    payload = (SHARED / "mnist.npz").read_bytes()
    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda url, timeout=None: SlowResponse(payload))
    with qtbot.waitSignal(dialog.files_ready, timeout=20_000) as ready:
        dialog.show_missing("mnist")
    assert ready.args == ["mnist"]
    assert downloads.missing_files("mnist") == [] and not dialog.isVisible()
    assert leftovers(empty_cache) == ["mnist.npz"]


@pytest.mark.needs_datasets
def test_import_files_copies_local_files_and_rejects_wrong_ones(
        qtbot, dialog, empty_cache, monkeypatch, tmp_path):
    dialog.auto_download = False
    dialog.show_missing("fashion-mnist")
    assert "train-images-idx3-ubyte.gz" in dialog.message.text()
    wrong = tmp_path / "notes.gz"
    wrong.write_bytes(b"not a dataset")
    monkeypatch.setattr(dialog, "choose_files", lambda: [str(wrong)])
    dialog.import_button.click()
    assert dialog.error.isVisible() and "notes.gz" in dialog.error.text()
    assert leftovers(empty_cache) == []

    chosen = [str(p) for p in sorted((SHARED / "fashion-mnist").glob("*.gz"))]
    monkeypatch.setattr(dialog, "choose_files", lambda: chosen)
    with qtbot.waitSignal(dialog.files_ready) as ready:
        dialog.import_button.click()
    assert ready.args == ["fashion-mnist"]
    assert downloads.missing_files("fashion-mnist") == []


@pytest.mark.needs_datasets
def test_the_window_offers_the_files_and_builds_once_they_are_imported(
        qtbot, empty_cache, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(images, "_raw", {})  # forget MNIST loaded by earlier tests
    window = open_window(qtbot)
    dialog = window.data_files
    experiment = Experiment(dataset="mnist", layers=(Layer(16, "relu"),),
                            loss="sparse-categorical", optimizer="adam", learning_rate=0.001,
                            batch_size=32, epochs=1, train_size=500, test_size=200)
    with qtbot.waitSignal(dialog.download_ended, timeout=30_000) as ended:
        window.form.set_experiment(experiment)
    assert ended.args == ["failed"]
    assert dialog.isVisible() and "mnist.npz" in dialog.message.text()
    assert "mnist.npz" in window.message and window.state == "idle"
    assert window.train_action.isEnabled()  # the window stays usable
    assert leftovers(empty_cache) == []

    monkeypatch.setattr(dialog, "choose_files", lambda: [str(SHARED / "mnist.npz")])
    dialog.import_button.click()
    qtbot.waitUntil(lambda: window.session.experiment is not None
                    and window.session.experiment.dataset == "mnist"
                    and window.state == "idle", timeout=30_000)
    assert window.message == "" and not dialog.isVisible()
    view = window.views["images"]
    assert view.stack.currentWidget() is view.split and len(view.pixels) == 200
    window.close()
