"""Runs written as TensorBoard event files, so `tensorboard --logdir DIR` shows them.

One folder per run, named after the run; inside it, as Keras's TensorBoard callback lays them
out, `train/` holds the training numbers and `validation/` (or `test/`) the held-out ones under
the same tags ("epoch_loss", "epoch_accuracy"…), so TensorBoard draws them on one chart. Weight
histograms are written where a run's weights were recorded (a `RunHistory`; a kept `RunRecord`
has curves only). Event files are written with `tf.summary`, which needs the `tensorboard`
package (TensorFlow 2.21's CPU build does not bring it).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

#: Characters kept in a run's folder name; others become "_".
_UNSAFE = re.compile(r"[^\w.,+=@ ()·→–-]+")
#: Most epochs a run's weight histograms are written for (evenly spread, the last kept).
HISTOGRAMS = 50
PARTS = {"": "train", "val_": "validation", "test_": "test"}


class ExportError(Exception):
    """Why the runs could not be written, in one line."""


def summary_module():
    """`tf.summary`, or `ExportError` saying how to install what it needs."""
    try:
        import tensorboard  # noqa: F401  (tf.summary raises TBNotInstalledError without it)
    except ImportError:
        raise ExportError("writing TensorBoard logs needs the tensorboard package: "
                          "pip install tensorboard") from None
    from playground.core.model.runtime import load
    tf, _ = load()
    return tf.summary


def check_directory(directory: str | Path) -> Path:
    """The log folder, or `ExportError` when it cannot be one (a file, unwritable)."""
    path = Path(directory).expanduser()
    if not str(directory).strip():
        raise ExportError("no folder given")
    if path.exists() and not path.is_dir():
        raise ExportError(f"{path} is a file, not a folder")
    existing = next((p for p in [path, *path.parents] if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise ExportError(f"{existing} is a file, not a folder")
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise ExportError(f"{existing} cannot be written to")
    return path


def folder_name(name: str, taken: set[str]) -> str:
    """A folder name for run `name`: unsafe characters replaced, made unique among `taken`."""
    base = _UNSAFE.sub("_", name).strip(" .") or "run"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base} ({n})", n + 1
    taken.add(candidate)
    return candidate


def write_curves(folder: Path, curves: dict[str, np.ndarray],
                 weights: tuple[list[int], list] | None = None,
                 weight_names: list[str] | None = None) -> Path:
    """Write one run's per-epoch `curves` ("epoch", "loss", "val_accuracy"…) into `folder`;
    `weights` (epochs, weight arrays per epoch) become histograms in `train/`."""
    summary = summary_module()
    epochs = np.asarray(curves.get("epoch", []), np.int64)
    for prefix, part in PARTS.items():
        names = [k for k in curves if k != "epoch" and _prefix(k) == prefix]
        has_weights = part == "train" and weights is not None and len(weights[0])
        if not names and not has_weights:
            continue
        writer = summary.create_file_writer(str(folder / part))
        with writer.as_default():
            for key in names:
                tag = "epoch_" + key[len(prefix):]
                for epoch, value in zip(epochs, np.asarray(curves[key], np.float64)):
                    if np.isfinite(value):
                        summary.scalar(tag, float(value), step=int(epoch))
            if has_weights:
                for epoch, arrays in zip(*weights):
                    for i, array in enumerate(arrays):
                        label = weight_names[i] if weight_names and i < len(weight_names) \
                            else f"weight_{i}"
                        summary.histogram(label, np.asarray(array, np.float32), step=int(epoch))
        writer.flush()
        writer.close()
    return folder


def _prefix(key: str) -> str:
    return next((p for p in ("val_", "test_") if key.startswith(p)), "")


def weight_labels(experiment) -> list[str]:
    """"dense_1/kernel", "conv_2/bias", … "output/bias": the weighted layers' arrays in order
    (pooling, flatten and dropout layers have none)."""
    names = [f"{getattr(layer, 'kind', 'dense')}_{i + 1}"
             for i, layer in enumerate(experiment.layers)
             if getattr(layer, "kind", "dense") in ("dense", "conv")] + ["output"]
    return [f"{layer}/{part}" for layer in names for part in ("kernel", "bias")]


def history_curves(history) -> dict[str, np.ndarray]:
    """A `RunHistory`'s metrics as curves (its held-out numbers under "test_" when the run held
    out the test set)."""
    curves = {"epoch": np.asarray(history.epochs, np.float64)}
    prefix = "test_" if history.held_out == "test" else "val_"
    for name in history.columns:
        values = np.asarray(history.metric(name), np.float64)
        if name.startswith("val_"):
            if not np.isfinite(values).any():
                continue
            name = prefix + name[4:]
        curves[name] = values
    return curves


def export_history(directory: str | Path, name: str, history, experiment,
                   taken: set[str] | None = None) -> Path:
    """Write a run's `RunHistory` (metrics and recorded weights) as run `name` in `directory`."""
    root = check_directory(directory)
    folder = root / folder_name(name, taken if taken is not None else _existing(root))
    epochs, weights = history.weights_history()
    keep = sorted(set(np.linspace(0, len(epochs) - 1, HISTOGRAMS).round().astype(int))) \
        if epochs else []
    return write_curves(folder, history_curves(history),
                        ([epochs[i] for i in keep], [weights[i] for i in keep]),
                        weight_labels(experiment))


def export_records(directory: str | Path, records) -> list[Path]:
    """Write kept runs (`RunRecord`s, e.g. a `RunList`) into `directory`, a folder each."""
    root = check_directory(directory)
    taken = _existing(root)
    return [write_curves(root / folder_name(r.name, taken), r.curves) for r in records]


def _existing(root: Path) -> set[str]:
    """Folders already in `root`: a second export adds runs beside them, never mixes into one."""
    return {p.name for p in root.iterdir()} if root.is_dir() else set()
