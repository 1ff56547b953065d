"""Your own table outside the app: kept in experiment files, and read by the exported script.

An experiment file keeps a copy of the table's CSV (`file_parts`), so the experiment opens on
another computer: `restore` copies it out when the file it names is gone or differs (neither
needs pandas). The exported Keras script (`script`) reads the same file with the same choices:
the same cells missing, the same rows dropped, shuffled, split and standardised.
"""
from __future__ import annotations

import hashlib
import inspect
import os
import zipfile
from pathlib import Path


def file_parts(experiment) -> dict[str, bytes]:
    """The table file, to keep in an experiment file so the experiment opens elsewhere."""
    if experiment.dataset != "csv" or not experiment.csv:
        return {}
    try:
        return {f"data/{Path(experiment.csv).name}": Path(experiment.csv).read_bytes()}
    except OSError:  # saved without it: opening says the file is missing
        return {}


def copies_folder() -> Path:
    """Where tables kept in experiment files are copied out (a per-user cache folder)."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(cache) / "neural-playground" / "tables"


def restore(document: dict, archive) -> dict:
    """`document` (experiment.json) reading its table from the copy in `archive` when the
    file it names is gone or differs: the copy goes to `copies_folder()`, named by content."""
    settings = document.get("experiment", document)
    if not isinstance(settings, dict) or settings.get("dataset") != "csv" or \
            not isinstance(settings.get("csv"), str) or not settings["csv"]:
        return document
    original = Path(settings["csv"])
    part = f"data/{original.name}"
    try:
        if part not in archive.namelist():
            return document
        data = archive.read(part)
        if original.is_file() and original.stat().st_size == len(data) and \
                original.read_bytes() == data:
            return document
        copy = copies_folder() / hashlib.sha256(data).hexdigest()[:16] / original.name
        if not (copy.is_file() and copy.stat().st_size == len(data)):
            copy.parent.mkdir(parents=True, exist_ok=True)
            temp = copy.with_name(copy.name + ".part")
            temp.write_bytes(data)
            os.replace(temp, copy)
    except (OSError, ValueError, zipfile.BadZipFile):  # validation then names what is missing
        return document
    settings = {**settings, "csv": str(copy)}
    return {**document, "experiment": settings} if "experiment" in document else settings



def script(experiment) -> tuple[list[str], int, tuple[str, ...]]:
    """The data as lines of a plain-Keras script: the same file read the same way, the same
    rows dropped, shuffled and split (this module's split, copied) and standardised."""
    # Here, not at the top: experiment files import this module, and pandas takes a second.
    from playground.core.data.table_reader import MISSING_MARKS, sniff
    from playground.core.data.tables import (CLASSIFICATION, REGRESSION, prepared,
                                             read_options, split_rows, table_of)

    rows = prepared(experiment)
    layout, _preview = sniff(experiment.csv, read_options(experiment))
    header = "0" if layout.header else "None"
    names = "" if layout.header else f", names={list(layout.columns)!r}"
    lines = [
        "import pandas as pd",
        "",
        f"CSV_FILE = {os.path.abspath(experiment.csv)!r}",
        f"INPUTS, TARGET = {list(rows.inputs)!r}, {rows.target!r}",
        f"DECIMAL = {layout.decimal!r}",
        "# Every cell as text first: the app's numbers, missing marks and unreadable cells.",
        f"table = pd.read_csv(CSV_FILE, sep={layout.delimiter!r}, encoding={layout.encoding!r}, "
        f"header={header}{names}, dtype=str, keep_default_na=False)",
        f"MISSING = {[''] + MISSING_MARKS!r}",
        "",
        "",
        "def numbers(column):",
        '    """Cells as numbers; missing or unreadable cells become NaN."""',
        "    text = column.str.strip()",
        '    if DECIMAL == ",":',
        '        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)',
        "    return pd.to_numeric(text.where(~text.isin(MISSING)), errors=\"coerce\")",
        "",
        "",
        "x = np.stack([numbers(table[name]).to_numpy(\"float32\") for name in INPUTS], axis=1)",
    ]
    if rows.task == REGRESSION:
        lines += ["labels = numbers(table[TARGET]).to_numpy(\"float32\")",
                  "keep = ~np.isnan(x).any(axis=1) & ~np.isnan(labels)"]
    else:
        numeric = rows.target not in table_of(experiment).texts
        source = ('numbers(table[TARGET]).map(lambda v: f"{v:g}")' if numeric
                  else "table[TARGET].str.strip()")
        lines += [f"CLASS_NAMES = {list(rows.class_names)!r}",
                  f"target = {source}",
                  "labels = target.map({name: i for i, name in enumerate(CLASS_NAMES)})"
                  ".fillna(-1).to_numpy(\"int64\")",
                  "keep = ~np.isnan(x).any(axis=1) & (labels >= 0)"]
    lines += [
        "x, labels = x[keep], labels[keep]  # rows with a missing or unreadable cell dropped",
        "", "",
    ]
    lines += inspect.getsource(split_rows).rstrip().splitlines() + ["", ""]
    lines += [
        f"rest, test = split_rows(labels, {rows.task == CLASSIFICATION}, "
        f"{experiment.test_fraction!r}, SEED)",
        "x, labels, x_test, labels_test = x[rest], labels[rest], x[test], labels[test]",
    ]
    split = experiment.validation_split
    cut = f"int(len(x) * (1 - {split!r}))" if split > 0 else "len(x)"
    if rows.task == REGRESSION:  # as tables.target_standardisation
        lines += [
            "# The target is learnt standardised (mean 0, spread 1 over the training rows), as",
            "# in the app; predictions are turned back into the file's units for every number.",
            f"train_targets = labels[:{cut}].astype(\"float64\")",
            "TARGET_SHIFT = float(train_targets.mean()) if len(train_targets) else 0.0",
            "TARGET_SCALE = float(train_targets.std()) if len(train_targets) else 1.0",
            "TARGET_SCALE = TARGET_SCALE if TARGET_SCALE > 0 else 1.0",
        ]
    if experiment.standardize:
        lines += [
            "# Inputs standardised with the training rows' mean and spread (not the",
            "# validation or test rows': they stand for data the network has not seen).",
            f"train = x[:{cut}].astype(\"float64\")",
            "mean, spread = train.mean(axis=0), train.std(axis=0)",
            "spread[spread == 0] = 1.0",
            "x = ((x - mean) / spread).astype(\"float32\")",
            "x_test = ((x_test - mean) / spread).astype(\"float32\")",
        ]
    return lines, len(rows.inputs), rows.class_names
