"""Your own table as a dataset: the `csv` entry of the registry.

The experiment names the file and how to read it (`table_reader`), the target column, the
input columns, the task (detected: text or a few distinct whole numbers are classes, anything
else a number to predict), the test fraction, standardisation and what to do with missing or
unreadable cells. Rows are shuffled (seeded) before a stratified split, because real files are
often sorted by class; inputs are standardised from the training rows; class labels keep the
names in the file. The file is read once and cached: the form validates on every keystroke.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import numpy as np

from playground.core.data.dataset import Dataset, split_validation
from playground.core.data.table_reader import ReadOptions, Table, TableError, read_table
from playground.core.errors import FieldError

CLASSIFICATION, REGRESSION = "classification", "regression"
#: A column of whole numbers with at most this many distinct values is read as classes.
FEW_INTEGERS = 10
#: Most classes a table may have.
MAX_TABLE_CLASSES = 100
#: The delimiter field's words for characters that are awkward to type.
DELIMITER_WORDS = {"tab": "\t"}
_SPLIT_STREAM = 3


class ColumnError(TableError):
    """A table problem that belongs to one setting (target, input columns, task)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def read_options(experiment) -> ReadOptions:
    delimiter = DELIMITER_WORDS.get(experiment.csv_delimiter, experiment.csv_delimiter)
    return ReadOptions(delimiter, experiment.csv_decimal, experiment.csv_encoding,
                       experiment.csv_header)


# ----- reading, cached by file state and read options -------------------------------------

_CACHE: dict[tuple, Table | TableError] = {}
_LOCK = threading.Lock()
_CACHE_SIZE = 2


def _stamp(path: str) -> tuple:
    try:
        info = os.stat(path)
        return os.path.abspath(path), info.st_mtime_ns, info.st_size
    except OSError:
        return os.path.abspath(path), None, None


def remember(path: str, options: ReadOptions, table: Table) -> None:
    """Keep a table read elsewhere (the dialog's background read), so building the dataset
    does not read the file again."""
    with _LOCK:
        _CACHE[(_stamp(path), options)] = table
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))


def table_of(experiment) -> Table:
    """The experiment's file, read (cached). Raises `TableError`."""
    if not experiment.csv:
        raise ColumnError("csv", "choose a CSV file (File ▸ Open Data…)")
    options = read_options(experiment)
    key = (_stamp(experiment.csv), options)
    with _LOCK:
        found = _CACHE.get(key)
    if found is None:
        try:
            found = read_table(experiment.csv, options)
        except TableError as error:
            found = error
        remember(experiment.csv, options, found)
    if isinstance(found, TableError):
        raise found
    return found


# ----- columns, task, rows ------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    """The rows that can be used: inputs in the file's units, labels, what was dropped."""

    x: np.ndarray
    labels: np.ndarray
    task: str
    target: str
    inputs: tuple[str, ...]
    class_names: tuple[str, ...]
    dropped: int
    dropped_lines: tuple[int, ...]


def choose_columns(table: Table, target: str, inputs: str) -> tuple[str, tuple[str, ...]]:
    """(target, input columns): the last filled column and every other numeric one by
    default."""
    name, layout = os.path.basename(table.path), table.layout
    columns = layout.columns
    target = target or default_target(layout)
    if target not in columns:
        raise ColumnError("target", f"{name} has no column '{target}'; its columns are "
                          f"{', '.join(columns)}")
    if inputs.strip():
        chosen = tuple(part.strip() for part in inputs.split(",") if part.strip())
        for column in chosen:
            if column not in columns:
                raise ColumnError("input_columns", f"{name} has no column '{column}'")
            if column == target:
                raise ColumnError("input_columns", f"'{column}' is the target; it cannot also "
                                  "be an input")
            if column not in table.numbers:
                what = "is empty" if column in _empty(layout) else "holds text, not numbers"
                raise ColumnError("input_columns", f"{name}: column '{column}' {what}; leave "
                                  "it out of the inputs")
    else:
        chosen = tuple(c for c in layout.numeric() if c != target)
    if not chosen:
        raise ColumnError("input_columns", f"{name} has no numeric column besides the target "
                          f"'{target}' to learn from")
    return target, chosen


def default_target(layout) -> str:
    """The last column with something in it."""
    empty = _empty(layout)
    return next((c for c in reversed(layout.columns) if c not in empty), layout.columns[-1])


def _empty(layout) -> set[str]:
    return {c for c, kind in zip(layout.columns, layout.kinds) if kind == "empty"}


def detect_task(table: Table, target: str) -> str:
    """Text, or a few distinct whole numbers, are classes; any other number a regression."""
    if target in table.texts:
        return CLASSIFICATION
    values = table.numbers[target]
    values = values[np.isfinite(values)]
    if len(values) and np.all(np.mod(values, 1) == 0) and len(np.unique(values)) <= FEW_INTEGERS:
        return CLASSIFICATION
    return REGRESSION


def prepare(table: Table, target: str, inputs: tuple[str, ...], task: str,
            missing: str) -> Prepared:
    """The usable rows; rows with a missing or unreadable cell are dropped (counted) or, when
    `missing` is "refuse", the first one raises naming its line and column."""
    name = os.path.basename(table.path)
    task = task or detect_task(table, target)
    bad = np.zeros(table.rows, bool)
    first: tuple[int, str, str] | None = None  # (row, column, why) of the earliest bad cell
    for column in inputs + (target,):
        if column in table.numbers:
            unreadable = table.unreadable[column] & ~table.blank
            empty = np.isnan(table.numbers[column]) & ~unreadable & ~table.blank
        else:
            unreadable = np.zeros(table.rows, bool)
            empty = (table.texts[column][0] < 0) & ~table.blank
        for cells, why in ((unreadable, "not a number"), (empty, "empty cell")):
            if missing == "refuse" and cells.any():
                row = int(np.argmax(cells))
                first = min(first or (row, column, why), (row, column, why),
                            key=lambda found: found[0])
        bad |= empty | unreadable
    if first is not None:
        row, column, why = first
        raise ColumnError("missing", f"{name} line {table.line(row)}, column '{column}': {why}")
    keep = ~bad & ~table.blank
    dropped_rows = np.flatnonzero(bad & ~table.blank)
    if not keep.any():
        raise ColumnError("missing", f"{name}: every row has a missing or unreadable cell")
    x = np.empty((int(keep.sum()), len(inputs)), np.float32)
    for i, column in enumerate(inputs):
        x[:, i] = table.numbers[column][keep]
    labels, class_names = _labels(table, target, task, keep, name)
    return Prepared(x, labels, task, target, inputs, class_names, len(dropped_rows),
                    tuple(table.line(r) for r in dropped_rows[:5]))


def _labels(table: Table, target: str, task: str, keep: np.ndarray, name: str):
    if task == REGRESSION:
        if target in table.texts:
            raise ColumnError("table_task", f"{name}: the target '{target}' holds text; a "
                              "regression needs numbers (choose classification)")
        return table.numbers[target][keep].astype(np.float32), ()
    if target in table.texts:
        codes, names = table.texts[target]
        order = sorted(range(len(names)), key=lambda i: names[i])
        present = sorted(set(np.unique(codes[keep]).tolist()), key=order.index)
        index = np.full(len(names), -1, np.int64)
        index[present] = np.arange(len(present))
        labels, class_names = index[codes[keep]], tuple(names[i] for i in present)
    else:
        values = table.numbers[target][keep]
        if np.any(np.mod(values, 1) != 0):
            raise ColumnError("table_task", f"{name}: the target '{target}' has fractions; "
                              "classes need words or whole numbers (choose regression)")
        distinct, labels = np.unique(values, return_inverse=True)
        class_names = tuple(f"{v:g}" for v in distinct)
    if len(class_names) < 2:
        only = f" ('{class_names[0]}')" if class_names else ""
        raise ColumnError("target", f"{name}: the target '{target}' has one class{only}; "
                          "there is nothing to tell apart")
    if len(class_names) > MAX_TABLE_CLASSES:
        raise ColumnError("target", f"{name}: the target '{target}' has {len(class_names):,} "
                          f"different values; at most {MAX_TABLE_CLASSES} classes (or choose "
                          "regression)")
    return labels.astype(np.int64), class_names


def split_rows(labels, classification, test_fraction, seed):
    """Shuffle the rows (seeded), then take `test_fraction` of each class (of all rows, for
    a regression) as the test set: (indices of the other rows, indices of the test rows)."""
    rng = np.random.default_rng([seed, 3])
    order = rng.permutation(len(labels))
    groups = [order[labels[order] == c] for c in np.unique(labels)] if classification \
        else [order]
    cuts = [int(round(len(group) * test_fraction)) for group in groups]
    test = np.concatenate([group[:cut] for group, cut in zip(groups, cuts)])
    rest = np.concatenate([group[cut:] for group, cut in zip(groups, cuts)])
    return rng.permutation(rest), rng.permutation(test)


def prepared(experiment) -> Prepared:
    """The experiment's usable rows. Raises `TableError` (a `ColumnError` names its field)."""
    table = table_of(experiment)
    target, inputs = choose_columns(table, experiment.target, experiment.input_columns)
    key = (id(table), target, inputs, experiment.table_task, experiment.missing)
    with _LOCK:
        found = _PREPARED.get(key)
    if found is None:
        found = prepare(table, target, inputs, experiment.table_task, experiment.missing)
        with _LOCK:
            _PREPARED.clear()  # one at a time: it holds a copy of the inputs
            _PREPARED[key] = found
    return found


_PREPARED: dict[tuple, Prepared] = {}


# ----- the registry's hooks -----------------------------------------------------------------

def task(experiment) -> str:
    try:
        return prepared(experiment).task
    except TableError:
        return experiment.table_task or CLASSIFICATION


def classes(experiment) -> int:
    try:
        return len(prepared(experiment).class_names)
    except TableError:
        return 0 if task(experiment) == REGRESSION else 2


def check(experiment) -> list[FieldError]:
    try:
        rows = prepared(experiment)
    except TableError as error:
        return [FieldError(getattr(error, "field", "csv"), str(error))]
    if len(rows.labels) < 4:
        return [FieldError("csv", f"{os.path.basename(experiment.csv)}: {len(rows.labels)} "
                           "usable rows; a table needs at least 4")]
    return []


def _split(experiment, rows: Prepared):
    rest, test = split_rows(rows.labels, rows.task == CLASSIFICATION, experiment.test_fraction,
                            experiment.seed)
    return rest, test


def train_rows(experiment) -> int:
    """The rows `build` trains on, counted without shuffling (the form asks on every
    keystroke, and a million rows take a while to shuffle)."""
    try:
        rows = prepared(experiment)
    except TableError:
        return 0
    groups = np.bincount(rows.labels) if rows.task == CLASSIFICATION else [len(rows.labels)]
    rest = sum(int(n) - int(round(int(n) * experiment.test_fraction)) for n in groups if n)
    split = experiment.validation_split
    return int(rest * (1.0 - split)) if split > 0 else rest


def standardisation(x_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, spread) per input from the training rows; a constant input keeps spread 1."""
    mean = x_train.mean(axis=0, dtype=np.float64)
    spread = x_train.std(axis=0, dtype=np.float64)
    spread[spread == 0] = 1.0
    return mean.astype(np.float32), spread.astype(np.float32)


def build(experiment) -> Dataset:
    rows = prepared(experiment)
    rest, test = _split(experiment, rows)
    x_rest, x_test = rows.x[rest], rows.x[test]
    x_train, y_train, x_val, y_val = split_validation(x_rest, rows.labels[rest],
                                                      experiment.validation_split)
    if experiment.standardize and len(x_train):
        mean, spread = standardisation(x_train)
        for part in (x_rest, x_test):  # x_train and x_val are views of x_rest
            part -= mean
            part /= spread
    low, high = x_rest.min(axis=0), x_rest.max(axis=0)
    margin = np.maximum((high - low) * 0.1, 1e-3)
    # A regression target is always learnt standardised (a price in the thousands would need
    # huge output weights and a tiny learning rate) and reported in the file's units.
    shift, scale = (target_standardisation(y_train) if rows.task == REGRESSION
                    else (0.0, 1.0))
    return Dataset(
        key="csv",
        x_train=x_train, labels_train=y_train,
        x_val=x_val, labels_val=y_val,
        x_test=x_test, labels_test=rows.labels[test],
        feature_names=rows.inputs,
        class_names=rows.class_names,
        plot_range=tuple((float(a - m), float(b + m)) for a, b, m in zip(low, high, margin)),
        task=rows.task,
        target_shift=shift, target_scale=scale,
    )


def target_standardisation(targets: np.ndarray) -> tuple[float, float]:
    """(mean, spread) of the training targets; spread 1 for a constant (or no) target."""
    values = np.asarray(targets, np.float64)
    if not len(values):
        return 0.0, 1.0
    spread = float(values.std())
    return float(values.mean()), spread if spread > 0 else 1.0


def describe(experiment, dataset) -> str:
    rows = prepared(experiment)
    name = os.path.basename(experiment.csv)
    what = (f"target '{rows.target}': {len(rows.class_names)} classes" if rows.class_names
            else f"target '{rows.target}': a number to predict")
    dropped = ""
    if rows.dropped:
        lines = ", ".join(str(n) for n in rows.dropped_lines)
        more = ", …" if rows.dropped > len(rows.dropped_lines) else ""
        dropped = (f" {rows.dropped:,} row{'s' if rows.dropped != 1 else ''} with missing or "
                   f"unreadable cells dropped (line{'s' if rows.dropped != 1 else ''} "
                   f"{lines}{more}).")
    stratified = ", the same share of each class" if rows.class_names else ""
    scaled = ("standardised from the training rows (mean 0, spread 1)" if experiment.standardize
              else "as in the file")
    return (f"{name}: {len(rows.labels):,} rows, {len(rows.inputs)} inputs ({scaled}), "
            f"{what}; {experiment.test_fraction:g} of the rows held out as the test set "
            f"(shuffled with seed {experiment.seed}{stratified}).{dropped}")


def script(experiment) -> tuple[list[str], int, tuple[str, ...]]:
    """The data as lines of a plain-Keras script (see `table_files.script`)."""
    from playground.core.data import table_files

    return table_files.script(experiment)
