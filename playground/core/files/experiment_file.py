"""Experiment files (`*.playground`), plain Keras models in and out, and the history as CSV.

An experiment file is a zip archive holding five parts:

    experiment.json   the `Experiment` (its `to_dict`), with the file format and app version
    model.keras       the model in Keras's native format: `keras.models.load_model` reads it
    history.npz       the `RunHistory`: metrics per epoch, recorded outputs, weights and
                      gradient norms (files from before have no norms: an empty chart)
    meta.json         the epoch reached, how the run ended, and how the history was thinned
    runs.json         the Runs list (`core.runs.RunList.to_dict`): each kept run's name,
                      settings, final numbers and curves; at most `RUNS_JSON_BYTES`
    data/NAME.csv     your own table's file (the csv dataset), so the experiment opens
                      elsewhere (`core.data.table_files`)

Files written before runs.json existed have the first four parts only; they read as an empty
Runs list.

Reading checks every part and raises `PersistError` with a message for the user that names
the problem ("not a Neural Playground file", "the file is truncated or damaged",
"experiment.json: layers[0].units: must be at least 1"). Every write goes to a temporary file
in the target folder and is renamed into place only once complete, so a failed save never
harms the file that was there; only regular files are read (`core.files.access`).

Reading the parts needs no TensorFlow (the GUI thread can check a file before anything else
happens); turning the model back into a trainer does, and lives in `keras_models`, for the
thread that owns the model.
"""
from __future__ import annotations

import errno
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from playground import __version__
from playground.core.data import table_files
from playground.core.experiment import Experiment, ExperimentError
from playground.core.files.access import (  # noqa: F401 - PersistError and writes re-exported
    PersistError, atomic_path, check_destination, check_readable, write_bytes, write_text)
from playground.core.training.history import RunHistory
from playground.core.training.runs import FORMAT as RUNS_FORMAT
from playground.core.training.runs import RunList, record_run

#: The file format this version writes and the newest it reads.
FORMAT = 1
SUFFIX = ".playground"
MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")
#: The parts written; runs.json is optional when reading (older files lack it).
PARTS = ("experiment.json", "model.keras", "history.npz", "meta.json", "runs.json")
#: The most runs.json may hold. A run's curves are at most 2,000 points each (~100 kB of
#: JSON), so about 150 runs fit whole; beyond that their curves are thinned further to fit.
RUNS_JSON_BYTES = 16 << 20
#: Curve points per run tried, in turn, until runs.json fits (0: final numbers only).
_RUNS_CURVE_POINTS = (None, 500, 100, 0)
#: Weight snapshots beyond this many bytes are thinned before saving (an MNIST MLP's weights
#: are 2.7 MB a snapshot; the latest weights are always kept, and they are also in the model).
WEIGHT_SNAPSHOT_BYTES = 32 << 20
_MAX_JSON_BYTES = 4 << 20


# ---------------------------------------------------------------------------------------------
# RunHistory <-> arrays (RunHistory.to_arrays / from_arrays)


@dataclass(frozen=True, eq=False)
class HistoryData:
    """A `RunHistory` as plain arrays plus JSON-ready facts: what `history.npz` holds."""

    arrays: dict[str, np.ndarray]
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, history: RunHistory, max_weight_bytes: int = WEIGHT_SNAPSHOT_BYTES
           ) -> "HistoryData":
        """A copy of `history` (the copy is safe to hand to another thread)."""
        return cls(*history.to_arrays(max_weight_bytes))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, **self.arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, meta: dict[str, Any]) -> "HistoryData":
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
        except Exception as error:  # noqa: BLE001 - numpy raises many kinds on bad bytes
            raise PersistError(f"history.npz cannot be read ({error})") from error
        return cls(arrays, meta)

    def to_history(self) -> RunHistory:
        """A `RunHistory` equal to the one saved; `PersistError` when the parts disagree."""
        try:
            return RunHistory.from_arrays(self.arrays, self.meta)
        except ValueError as error:
            raise PersistError(f"history.npz: {error}") from None


def history_csv(history: RunHistory) -> str:
    """Metrics per epoch as CSV (validation columns only when there was validation data)."""
    names = [name for name in history.columns
             if history.has_validation or not name.startswith("val_")]
    lines = [",".join(["epoch", *names])]
    columns = [history.metric(name) for name in names]
    for i, epoch in enumerate(history.epochs):
        cells = [str(int(epoch))]
        for column in columns:
            value = float(column[i])
            cells.append(repr(value) if np.isfinite(value) else "")
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Saving (needs the model: call from the thread that owns it)


def runs_json(runs: RunList | None, name: str = "the file") -> bytes:
    """runs.json for `runs` (None: an empty list), at most `RUNS_JSON_BYTES`: when the whole
    curves would not fit, every run's curves are thinned further (the final numbers stay
    whole). `PersistError` when even the numbers alone are too many."""
    runs = runs if runs is not None else RunList()
    for points in _RUNS_CURVE_POINTS:
        document = {"app": "Neural Playground", "app_version": __version__,
                    **runs.to_dict(max_points=points)}
        data = json.dumps(document, separators=(",", ":"), allow_nan=False).encode("utf-8")
        if len(data) <= RUNS_JSON_BYTES:
            return data
    raise PersistError(f"Could not save {name}: the Runs list ({len(runs):,} runs) is too "
                       "long for one file; remove some runs in the Runs tab.")


def save_run(path: str | os.PathLike, experiment: Experiment, model,
             history: RunHistory | HistoryData, epoch: int,
             runs: RunList | None = None) -> Path:
    """Write an experiment file: settings, model, history, epoch and the Runs list `runs`
    (None: an empty list); atomically, all parts or none."""
    data = history if isinstance(history, HistoryData) else HistoryData.of(history)
    path = Path(path)
    runs_part = runs_json(runs, path.name)
    try:
        _save_parts(path, experiment, model, data, epoch, runs_part)
    except OSError as error:  # the temporary folder: the target's own errors are PersistErrors
        reason = "the disk is full" if error.errno == errno.ENOSPC else \
            (error.strerror or str(error))
        raise PersistError(f"Could not save {path.name}: {reason} (while writing the model in "
                           f"the temporary folder {tempfile.gettempdir()}).") from error
    return path


def _save_parts(path: Path, experiment: Experiment, model, data: HistoryData, epoch: int,
                runs_part: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="playground-save-",
                                     ignore_cleanup_errors=True) as folder:
        model_path = Path(folder) / "model.keras"
        model.save(model_path)
        document = {"format": FORMAT, "app": "Neural Playground", "app_version": __version__,
                    "experiment": experiment.to_dict()}
        meta = {"format": FORMAT, "epoch": int(epoch), **data.meta}
        with atomic_path(path) as temp:
            with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("experiment.json", json.dumps(document, indent=2))
                archive.write(model_path, "model.keras")
                archive.writestr("history.npz", data.to_bytes())
                archive.writestr("meta.json", json.dumps(meta, indent=2, allow_nan=False))
                archive.writestr("runs.json", runs_part)
                for part, table in table_files.file_parts(experiment).items():  # your own data
                    archive.writestr(part, table)


def export_model(path: str | os.PathLike, model) -> Path:
    """The model alone in Keras's native format (`keras.models.load_model` reads it)."""
    path = Path(path)
    if path.suffix != ".keras":
        raise PersistError(f"Could not save {path.name}: a Keras model file must end in .keras.")
    with atomic_path(path, suffix=".keras") as temp:
        model.save(temp)
    return path


# ---------------------------------------------------------------------------------------------
# Reading (no TensorFlow)


@dataclass(frozen=True, eq=False)
class SavedRun:
    """The checked parts of an experiment file; the model is still bytes."""

    path: Path
    experiment: Experiment
    history: RunHistory
    epoch: int
    model_bytes: bytes
    meta: dict[str, Any]
    #: The Runs list saved with it (empty for files from before runs were saved).
    runs: RunList = field(default_factory=RunList)


def _not_ours(name: str, detail: str) -> PersistError:
    return PersistError(f"{name} is not a Neural Playground file ({detail}).")


def _damaged(name: str, detail: str) -> PersistError:
    return PersistError(f"{name}: the file is truncated or damaged ({detail}).")


def _json(raw: bytes, where: str) -> Any:
    """Parse JSON bytes; `ValueError` with what is wrong, after `where`'s name."""
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError(f"{where} is not UTF-8 text (byte {error.start:,}); save it as "
                         "UTF-8") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{where} is not valid JSON: {error}") from None
    except RecursionError:
        raise ValueError(f"{where} is nested too deeply to read") from None


def _open_archive(path: Path) -> zipfile.ZipFile:
    name = path.name
    check_readable(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
        return zipfile.ZipFile(path)
    except OSError as error:  # changed since check_readable looked: it names what it sees now
        check_readable(path)
        raise PersistError(f"{name}: {error.strerror or error}.") from None
    except zipfile.BadZipFile:
        if head == b"PK\x03\x04":  # a zip whose end (the directory) is missing
            raise _damaged(name, "the end of the archive is missing") from None
        raise _not_ours(name, "it is not a zip archive") from None


def _read_part(archive: zipfile.ZipFile, part: str, name: str, limit: int | None = None) -> bytes:
    try:
        info = archive.getinfo(part)
    except KeyError:
        raise _not_ours(name, f"it has no {part}") from None
    if limit is not None and info.file_size > limit:
        raise _not_ours(name, f"{part} is {info.file_size:,} bytes")
    try:
        return archive.read(part)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise _damaged(name, f"{part}: {error}") from None
    except Exception as error:  # noqa: BLE001 - zlib.error and the like
        raise _damaged(name, f"{part}: {error}") from None


def _read_json(archive: zipfile.ZipFile, part: str, name: str) -> dict:
    raw = _read_part(archive, part, name, _MAX_JSON_BYTES)
    try:
        data = _json(raw, part)
    except ValueError as error:
        raise _damaged(name, str(error)) from None
    if not isinstance(data, dict):
        raise _not_ours(name, f"{part} is not a JSON object")
    return data


def _check_format(data: dict, part: str, name: str, newest: int = FORMAT) -> None:
    version = data.get("format")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _not_ours(name, f"{part} has no format number")
    if version > newest:
        made_by = data.get("app_version", "a newer version")
        what = "file format" if part != "runs.json" else "runs.json format"
        raise PersistError(f"{name} was saved by Neural Playground {made_by} ({what} "
                           f"{version}); this version ({__version__}) reads format {newest} "
                           "and older. Update the app to open it.")


def _runs(archive: zipfile.ZipFile, name: str) -> RunList:
    """The Runs list in runs.json; empty when the file has none (saved before runs were)."""
    if "runs.json" not in archive.namelist():
        return RunList()
    raw = _read_part(archive, "runs.json", name, RUNS_JSON_BYTES)
    try:
        data = _json(raw, "runs.json")
    except ValueError as error:
        raise _damaged(name, str(error)) from None
    if not isinstance(data, dict):
        raise _damaged(name, "runs.json is not a JSON object")
    _check_format(data, "runs.json", name, RUNS_FORMAT)
    try:
        return RunList.from_dict(data)
    except ValueError as error:
        raise _damaged(name, f"runs.json: {error}") from None


def _experiment(document: dict, name: str) -> Experiment:
    data = document.get("experiment", document)
    try:
        return Experiment.from_dict(data).check()
    except ExperimentError as error:
        raise PersistError(f"{name}: experiment.json: {error}") from None


def read_run(path: str | os.PathLike) -> SavedRun:
    """Read and check an experiment file without loading TensorFlow."""
    path = Path(path)
    name = path.name
    with _open_archive(path) as archive:
        names = set(archive.namelist())
        if "experiment.json" not in names:
            raise _not_ours(name, "it has no experiment.json")
        document = _read_json(archive, "experiment.json", name)
        _check_format(document, "experiment.json", name)
        document = table_files.restore(document, archive)  # a table kept in the file, copied out
        experiment = _experiment(document, name)
        meta = _read_json(archive, "meta.json", name)
        _check_format(meta, "meta.json", name)
        epoch = meta.get("epoch")
        if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
            raise _damaged(name, "meta.json: epoch must be a whole number ≥ 0")
        model_bytes = _read_part(archive, "model.keras", name)
        if model_bytes[:4] != b"PK\x03\x04":
            raise _damaged(name, "model.keras is not a Keras model file")
        history_bytes = _read_part(archive, "history.npz", name)
        runs = _runs(archive, name)
    try:
        history = HistoryData.from_bytes(history_bytes, meta).to_history()
    except PersistError as error:
        raise _damaged(name, str(error)) from None
    if len(history) and history.last_epoch != epoch:
        raise _damaged(name, f"the history ends at epoch {history.last_epoch} but meta.json "
                       f"says {epoch}")
    return SavedRun(path, experiment, history, epoch, model_bytes, meta, runs)


def read_experiment(path: str | os.PathLike) -> Experiment:
    """Just the experiment: from an experiment file, or from a JSON file of its settings."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        check_readable(path)
        if path.stat().st_size > _MAX_JSON_BYTES:
            raise PersistError(f"{path.name} is {path.stat().st_size:,} bytes: too large for a "
                               "file of experiment settings.")
        try:
            data = _json(path.read_bytes(), path.name)
        except OSError as error:
            raise PersistError(f"{path.name}: {error.strerror or error}.") from None
        except ValueError as error:
            raise PersistError(f"{error}.") from None
        if not isinstance(data, dict):
            raise PersistError(f"{path.name}: expected a JSON object of experiment settings.")
        return _experiment(data, path.name)
    with _open_archive(path) as archive:
        document = _read_json(archive, "experiment.json", path.name)
    _check_format(document, "experiment.json", path.name)
    return _experiment(document, path.name)


def is_experiment_file(path: str | os.PathLike) -> bool:
    """True for a zip holding experiment.json (whatever its name ends in)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "experiment.json" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def cli_runs(trainer, history: RunHistory) -> RunList:
    """The Runs list a command-line run saves: that one run, "Run 1", as the window would have
    kept it when it ended (none when it trained no epoch)."""
    runs = RunList()
    if history.last_epoch >= 1:
        status = history.status if history.status in ("finished", "diverged") else "stopped"
        runs.add(record_run(runs.next_name(), trainer.experiment, history,
                            getattr(trainer, "dataset", None), status=status))
    return runs


def save_from_cli(path: str | os.PathLike, trainer, history: RunHistory) -> int:
    """`playground train --save FILE`: write the run's experiment file, its Runs list holding
    this one run (`cli_runs`). Returns the exit code (0, or 1 with the reason on stderr)."""
    import sys

    try:
        save_run(path, trainer.experiment, trainer.model, history, trainer.epoch,
                 cli_runs(trainer, history))
    except PersistError as error:
        print(f"playground: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # the temporary file is gone; the old file was never touched
        print(f"playground: interrupted: {Path(path).name} was not saved.", file=sys.stderr)
        return 130
    print(f"saved {path} (open it with: python -m playground {path})", file=sys.stderr)
    return 0
