"""The image data files: where Keras keeps them, downloading them, importing local copies.

`keras.datasets.mnist.load_data()` and `fashion_mnist.load_data()` download their files on first
use into `$KERAS_HOME/datasets/` (default `~/.keras/datasets/`). This module puts files exactly
there, so Keras then finds them and never touches the network itself:

- `files_needed(key)` / `missing_files(key)` say which files a dataset needs and which are absent;
- `download(key, progress, cancelled)` fetches the missing ones from the URLs Keras uses;
- `import_files(key, paths)` copies files the user already has (e.g. from another machine).

A file is written under a temporary name in the same folder and renamed into place only once it
is complete and verified, so a cancelled or failed transfer never leaves a half file that Keras
would take for the real one. Nothing here imports TensorFlow or Keras.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

#: Where Keras downloads both datasets from (keras/src/datasets/mnist.py, fashion_mnist.py).
ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
#: The sha256 Keras checks `mnist.npz` against; a mismatch makes Keras delete the file.
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
CHUNK_BYTES = 1 << 16
TIMEOUT_SECONDS = 30
IMPORT_HINT = 'use "Import files…" to copy them in from a folder of your own'


@dataclass(frozen=True)
class DataFile:
    """One file a dataset needs, relative to `$KERAS_HOME/datasets`."""

    relative: str
    #: Size in bytes, used for progress when the server sends no Content-Length.
    size: int
    #: For IDX files inside the .gz: ("images" | "labels", number of items); None for mnist.npz.
    idx: tuple[str, int] | None = None

    @property
    def name(self) -> str:
        return self.relative.rsplit("/", 1)[-1]

    @property
    def url(self) -> str:
        return ORIGIN + self.name


FILES: dict[str, tuple[DataFile, ...]] = {
    "mnist": (DataFile("mnist.npz", 11_490_434),),
    "fashion-mnist": (
        DataFile("fashion-mnist/train-labels-idx1-ubyte.gz", 29_515, ("labels", 60_000)),
        DataFile("fashion-mnist/train-images-idx3-ubyte.gz", 26_421_880, ("images", 60_000)),
        DataFile("fashion-mnist/t10k-labels-idx1-ubyte.gz", 5_148, ("labels", 10_000)),
        DataFile("fashion-mnist/t10k-images-idx3-ubyte.gz", 4_422_102, ("images", 10_000)),
    ),
}
#: IDX magic numbers: unsigned bytes, 1 dimension (labels) or 3 dimensions (images).
_IDX_MAGIC = {"labels": 0x0801, "images": 0x0803}


class DataFilesError(Exception):
    """Base of the errors below: something is wrong with a dataset's files."""


class MissingFilesError(DataFilesError):
    """A dataset's files are absent (or unusable) and Keras would have to download them."""

    def __init__(self, key: str, files: list[Path], problem: str = "missing"):
        self.key = key
        self.files = list(files)
        names = ", ".join(p.name for p in self.files)
        super().__init__(
            f"The {key} data files are {problem}: {names}. Keras expects them in "
            f"{datasets_dir()}. Download them, or {IMPORT_HINT}.")


class DownloadError(DataFilesError):
    """A download failed or was cancelled; no partial file was left behind."""

    def __init__(self, message: str, files: Iterable[Path] = ()):
        self.files = list(files)
        super().__init__(message)


class DownloadCancelled(DownloadError):
    """The user cancelled a download."""


class FileImportError(DataFilesError):
    """A file chosen for import is not one of the dataset's files (or is damaged)."""


# ----- locations ------------------------------------------------------------------------------

def keras_home() -> Path:
    """The folder Keras caches into: what Keras uses if imported, else what it will use.

    Keras reads `KERAS_HOME` once, when first imported; before that, this follows the same rule
    (`$KERAS_HOME`, else `~/.keras`, else `/tmp/.keras` when the home folder is read-only).
    """
    config = sys.modules.get("keras.src.backend.config")
    if config is not None and hasattr(config, "keras_home"):
        home = config.keras_home()
    elif "KERAS_HOME" in os.environ:
        home = os.environ["KERAS_HOME"]
    else:
        base = os.path.expanduser("~")
        if not os.access(base, os.W_OK):
            base = "/tmp"
        home = os.path.join(base, ".keras")
    home = os.path.expanduser(home)
    # keras.utils.get_file falls back to /tmp/.keras when the cache folder is not writable.
    if os.path.exists(home) and not os.access(home, os.W_OK):
        home = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(),
                            ".keras")
    return Path(home)


def datasets_dir() -> Path:
    return keras_home() / "datasets"


def _spec(key: str) -> tuple[DataFile, ...]:
    try:
        return FILES[key]
    except KeyError:
        raise KeyError(f"no data files known for dataset {key!r}") from None


def files_needed(key: str) -> list[Path]:
    """The paths where Keras looks for dataset `key`'s files."""
    root = datasets_dir()
    return [root / f.relative for f in _spec(key)]


def missing_files(key: str) -> list[Path]:
    """The needed files that do not exist (a dangling link counts as missing)."""
    return [path for path in files_needed(key) if not path.is_file()]


def require(key: str) -> None:
    """Raise `MissingFilesError` unless every file is present (and mnist.npz matches its hash).

    Called before `keras.datasets.*.load_data()`, which would otherwise try the network and,
    for a damaged mnist.npz, delete the file when the download fails.
    """
    missing = missing_files(key)
    if missing:
        raise MissingFilesError(key, missing)
    if key == "mnist":
        path = files_needed(key)[0]
        if _sha256(path) != MNIST_SHA256:
            raise MissingFilesError(key, [path], "damaged (wrong checksum)")


# ----- verification ---------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _idx_header(path: Path) -> tuple[str, int] | None:
    """("images" | "labels", count) from a gzipped IDX file's header, or None if it is not one."""
    try:
        with open(path, "rb") as raw:
            if raw.read(2) != b"\x1f\x8b":
                return None
        with gzip.open(path, "rb") as f:
            header = f.read(8)
    except (OSError, EOFError):
        return None
    if len(header) < 8:
        return None
    magic, count = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
    for kind, value in _IDX_MAGIC.items():
        if magic == value:
            return kind, count
    return None


def _check_file(spec: DataFile, path: Path) -> str:
    """Empty if `path` holds a good copy of `spec`'s file, else what is wrong with it."""
    if spec.idx is None:
        return "" if _sha256(path) == MNIST_SHA256 else "its sha256 is not the one Keras expects"
    if _idx_header(path) != spec.idx:
        return f"it is not a gzipped IDX file of {spec.idx[1]:,} {spec.idx[0]}"
    kind, count = spec.idx
    expected = 8 + count if kind == "labels" else 16 + count * 28 * 28
    try:  # reading to the end checks gzip's CRC and length: a truncated file fails here
        total = 0
        with gzip.open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                total += len(block)
    except (OSError, EOFError) as exc:
        return f"it is damaged ({exc})"
    return "" if total == expected else f"it holds {total:,} bytes, not {expected:,}"


# ----- download -------------------------------------------------------------------------------

def download(key: str, progress: Callable[[int, int | None], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> list[Path]:
    """Download dataset `key`'s missing or damaged files into Keras's cache; returns the paths.

    `progress(bytes_done, bytes_total)` is called after every block (total over all files being
    fetched; None if unknown). `cancelled()` is polled as often; when it returns True the
    transfer stops. A cancel or any failure removes the partial file and raises
    `DownloadError` (`DownloadCancelled` for a cancel); files completed before it stay.
    """
    progress = progress or (lambda done, total: None)
    cancelled = cancelled or (lambda: False)
    root = datasets_dir()
    # Missing files, and damaged ones (Keras would reject or choke on those too).
    todo = [spec for spec in _spec(key) if not (root / spec.relative).is_file()
            or _check_file(spec, root / spec.relative)]
    total: int | None = sum(spec.size for spec in todo)
    done = 0
    written: list[Path] = []
    for spec in todo:
        target = root / spec.relative
        done, total = _download_one(spec, target, done, total, progress, cancelled)
        written.append(target)
    return written


def _download_one(spec: DataFile, target: Path, done: int, total: int | None,
                  progress, cancelled) -> tuple[int, int | None]:
    where = (f"Keras expects {spec.name} at {target}. You can fetch it yourself from "
             f"{spec.url} and {IMPORT_HINT}.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part",
                                         dir=target.parent)
    except OSError as exc:
        raise DownloadError(f"Cannot write {spec.name} into {target.parent}: {exc}. {where}",
                            [target]) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            # Looked up at call time so tests can replace urllib.request.urlopen.
            with urllib.request.urlopen(spec.url, timeout=TIMEOUT_SECONDS) as response:
                headers = getattr(response, "headers", None)
                length = str(headers.get("Content-Length") or "") if headers else ""
                if length.isdigit() and total is not None:
                    total += int(length) - spec.size
                while True:
                    if cancelled():
                        raise DownloadCancelled(f"Download of {spec.name} cancelled; nothing "
                                                f"partial was kept. {where}", [target])
                    block = response.read(CHUNK_BYTES)
                    if not block:
                        break
                    out.write(block)
                    done += len(block)
                    progress(done, total)
        problem = _check_file(spec, temp)
        if problem:
            raise DownloadError(f"The downloaded {spec.name} is unusable: {problem}. {where}",
                                [target])
        os.replace(temp, target)
    except DownloadError:
        _remove(temp)
        raise
    except Exception as exc:  # URLError, HTTPError, timeouts, disk full, ...
        _remove(temp)
        raise DownloadError(f"Could not download {spec.name} from {spec.url}: {exc}. {where}",
                            [target]) from exc
    except BaseException:  # KeyboardInterrupt and the like: still leave nothing behind
        _remove(temp)
        raise
    return done, total


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


# ----- import ---------------------------------------------------------------------------------

def identify(key: str, path: str | os.PathLike) -> DataFile | None:
    """Which of dataset `key`'s files `path` is, judged by content (names may have changed)."""
    path = Path(path)
    for spec in _spec(key):
        if spec.idx is None:
            if _sha256(path) == MNIST_SHA256:
                return spec
        elif _idx_header(path) == spec.idx:
            return spec
    return None


def import_files(key: str, paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Copy user-chosen local files into Keras's cache; returns the paths written.

    Files are recognised by content (mnist.npz by its sha256, Fashion-MNIST files by their IDX
    headers), so a renamed download still works; any subset of the needed files may be given.
    Every file is checked before anything is copied, and each copy is written to a temporary
    file and renamed into place, so an error leaves the cache as it was.
    """
    chosen: dict[str, tuple[DataFile, Path]] = {}
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise FileImportError(f"{path} is not a file")
        spec = identify(key, path)
        if spec is None:
            expected = ", ".join(f.name for f in _spec(key))
            raise FileImportError(f"{path.name} is not one of the {key} files ({expected})")
        problem = _check_file(spec, path)
        if problem:
            raise FileImportError(f"{path.name} cannot be used as {spec.name}: {problem}")
        chosen[spec.relative] = (spec, path)
    if not chosen:
        raise FileImportError("no files chosen")
    written = []
    root = datasets_dir()
    for spec, source in chosen.values():
        target = root / spec.relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and source.resolve() == target.resolve():
            written.append(target)
            continue
        fd, temp_name = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part",
                                         dir=target.parent)
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
            problem = _check_file(spec, temp)
            if problem:  # the source changed while it was being copied
                raise FileImportError(f"copying {source.name} failed: {problem}")
            os.replace(temp, target)  # replaces a symlink itself, never what it points at
        except BaseException:
            _remove(temp)
            raise
        written.append(target)
    return written
