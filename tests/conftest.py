"""Test-session set-up shared by tests/core and tests/ui.

Everything here runs when pytest imports this file, which is before any test module (and so
before Qt creates an application or Keras is imported):

- Qt draws offscreen unless the caller chose a platform (`QT_QPA_PLATFORM=xcb pytest ...` shows
  the windows); without a display the default platform would abort the whole process.
- TensorFlow keeps its C++ info and warning lines to itself.
- Keras gets a private, writable `KERAS_HOME` whose `datasets/` folder links to the offline copies
  in `../shared/datasets` (only the files that exist), so no test downloads anything and no test
  touches `~/.keras`. Keras deletes a cached MNIST file whose checksum fails, so the shared folder
  itself is never handed to Keras.
- `XDG_CONFIG_HOME` points at a temporary folder, so `QSettings` written by the app under test
  never touch the user's real settings.
- Sockets connect to this machine only (tests/network.py): a test that tries to reach another
  fails, even when the app copes with the refused connection.
- Tests marked `needs_datasets` (and those using the `offline_datasets` fixture) need the
  offline MNIST / Fashion-MNIST copies; without `../shared/datasets` (a fresh clone) they skip,
  saying why, and every other test still runs.

The temporary folders are removed when the session ends.
"""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from tests import network
from tests.network import no_network  # noqa: F401  (autouse: a test that reaches out fails)

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The offline dataset copies, beside the repository (`../shared/datasets`).
SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

network.block()  # before anything under test could open a connection

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="playground-tests-"))
atexit.register(shutil.rmtree, _SESSION_DIR, ignore_errors=True)


def _make_keras_home(root: Path) -> Path:
    home = root / "keras"
    cache = home / "datasets"
    cache.mkdir(parents=True)
    mnist = SHARED_DATASETS / "mnist.npz"
    if mnist.is_file():
        (cache / "mnist.npz").symlink_to(mnist)
    fashion = sorted((SHARED_DATASETS / "fashion-mnist").glob("*.gz"))
    if fashion:
        (cache / "fashion-mnist").mkdir()
        for path in fashion:
            (cache / "fashion-mnist" / path.name).symlink_to(path)
    return home


KERAS_HOME = _make_keras_home(_SESSION_DIR)
os.environ["KERAS_HOME"] = str(KERAS_HOME)

CONFIG_HOME = _SESSION_DIR / "config"
CONFIG_HOME.mkdir()
os.environ["XDG_CONFIG_HOME"] = str(CONFIG_HOME)


def _missing_offline_files() -> list[str]:
    """The dataset files (as Keras names them) missing in `KERAS_HOME/datasets`."""
    from playground.core.data import downloads  # imports neither Keras nor Qt

    cache = KERAS_HOME / "datasets"
    return [spec.relative for specs in downloads.FILES.values() for spec in specs
            if not (cache / spec.relative).is_file()]


def pytest_collection_modifyitems(config, items):
    missing = _missing_offline_files()
    more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
    skip = pytest.mark.skip(reason=f"needs the offline MNIST / Fashion-MNIST copies "
                                   f"({missing[0]}{more} missing in {SHARED_DATASETS})"
                            ) if missing else None
    for item in items:
        if "offline_datasets" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_datasets)
        # A skip mark acts before any fixture, module-scoped ones (a trained model) included.
        if skip is not None and item.get_closest_marker("needs_datasets"):
            item.add_marker(skip)


def pytest_unconfigure(config):
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)


def pytest_report_header(config):
    lines = [f"KERAS_HOME={KERAS_HOME} (datasets from {SHARED_DATASETS}), "
             f"XDG_CONFIG_HOME={CONFIG_HOME}"]
    if _missing_offline_files():
        lines.append(f"no offline MNIST / Fashion-MNIST copies in {SHARED_DATASETS}: "
                     "tests marked needs_datasets skip")
    broken = _pyside_emit_drops_references()
    if broken:
        lines.append(f"WARNING: {broken}")
    return lines


def _pyside_emit_drops_references() -> str:
    """Say so when this PySide6 loses a reference to True on every `Signal.emit`.

    PySide6 6.12.0 does (on Python < 3.12, where True is not immortal): every emit takes one
    reference away, and after enough emits the interpreter aborts, usually while it shuts down
    after the last test ("Fatal Python error: bool_dealloc" / "none_dealloc", exit status 134).
    """
    if sys.version_info >= (3, 12):
        return ""
    try:
        from PySide6 import __version__ as version
        from PySide6.QtCore import QObject, Signal
    except Exception:  # noqa: BLE001  (no usable Qt: the UI tests will say why)
        return ""

    class _Probe(QObject):
        fired = Signal(object)

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(20):
        probe.fired.emit(1)
    lost = before - sys.getrefcount(True)
    if lost < 20:
        return ""
    return (f"PySide6 {version} loses a reference to True on every Signal.emit on Python "
            f"{sys.version_info.major}.{sys.version_info.minor}: the test process will likely "
            "abort at exit (Fatal Python error: bool_dealloc/none_dealloc). Use another PySide6 "
            "(e.g. 6.11.x) or Python >= 3.12.")


@pytest.fixture(scope="session")
def keras_home() -> Path:
    """The session's private KERAS_HOME (datasets/ links to the offline copies that exist)."""
    return KERAS_HOME


@pytest.fixture(scope="session")
def offline_datasets() -> Path:
    """`KERAS_HOME/datasets`, holding the offline copies; a test using it is `needs_datasets`."""
    return KERAS_HOME / "datasets"


@pytest.fixture
def empty_cache(tmp_path, monkeypatch) -> Path:
    """Keras's datasets folder for the download and import machinery, empty: every dataset
    file is missing."""
    from playground.core.data import downloads, images

    cache = tmp_path / "keras" / "datasets"
    monkeypatch.setattr(downloads, "datasets_dir", lambda: cache)
    # Images already read in this process are kept in memory: forget them for this test, or a
    # suite that trained on MNIST earlier would never see the files missing.
    monkeypatch.setattr(images, "_raw", {})
    monkeypatch.setattr(images, "_floats", {})
    return cache
