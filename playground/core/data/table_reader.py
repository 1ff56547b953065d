"""Reading a table from a CSV file the user brings: what it looks like, then its columns.

pandas' `read_csv` does the parsing (quoting, decimals, missing values); this module decides
how to call it from the first bytes of the file (`sniff`: encoding, delimiter, decimal mark,
header row, each column's type) and turns every problem into one `TableError` line naming
the file, and the line and column where it applies. `read_table` reads the whole file in
chunks, keeping numbers as float32 (memory near the data's size), and can report progress and
be cancelled between chunks: the window reads large files in a background thread.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

#: Delimiters tried, with the word the dialog shows.
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
DECIMALS = {".": "point", ",": "comma"}
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "latin-1": "Latin-1"}
#: Cells read as missing (besides empty ones): what spreadsheets and UCI files write.
MISSING_MARKS = ["NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?", "#N/A"]
#: Bytes looked at to detect the layout, and rows of the preview.
SNIFF_BYTES = 256 << 10
PREVIEW_ROWS = 20
#: A column is numeric when at least this share of its filled sample cells are numbers (the
#: rest are unreadable cells: dropped or refused, as the user chooses).
NUMERIC_SHARE = 0.8
CHUNK_ROWS = 100_000
#: How many line numbers a message lists.
SHOWN_LINES = 5


class TableError(ValueError):
    """A file that cannot be read as a table: one line for the user, naming the file."""


class Cancelled(Exception):
    """The user cancelled a read."""


@dataclass(frozen=True)
class ReadOptions:
    """How to read the file; "" means detect. `header` is "", "yes" or "no"."""

    delimiter: str = ""
    decimal: str = ""
    encoding: str = ""
    header: str = ""


@dataclass(frozen=True)
class Layout:
    """What was detected (or chosen): enough to read the file again the same way."""

    delimiter: str
    decimal: str
    encoding: str
    header: bool
    quoted: bool
    columns: tuple[str, ...]
    #: Per column: "number", "integer", "text" or "empty" (no cell filled in the sample).
    kinds: tuple[str, ...]

    @property
    def first_line(self) -> int:
        """The file line of the first data row (1-based)."""
        return 2 if self.header else 1

    def numeric(self) -> tuple[str, ...]:
        return tuple(c for c, k in zip(self.columns, self.kinds) if k in ("number", "integer"))

    def describe(self) -> str:
        header = "a header row" if self.header else "no header row (columns numbered)"
        quoted = ", quoted fields" if self.quoted else ""
        return (f"{ENCODINGS[self.encoding]}, {DELIMITERS[self.delimiter]}-separated, decimal "
                f"{DECIMALS[self.decimal]}, {header}{quoted}")


@dataclass
class Table:
    """A whole file: numeric columns as float32 (NaN where a cell is missing or unreadable),
    text columns as category codes (-1 where missing)."""

    path: str
    layout: Layout
    rows: int
    numbers: dict[str, np.ndarray] = field(default_factory=dict)
    #: Text column -> (codes int32, category names).
    texts: dict[str, tuple[np.ndarray, tuple[str, ...]]] = field(default_factory=dict)
    #: Numeric column -> rows whose cell held text that is not a number (bool mask).
    unreadable: dict[str, np.ndarray] = field(default_factory=dict)
    #: Rows whose every cell is empty (blank lines: skipped without a word).
    blank: np.ndarray | None = None

    def line(self, row: int) -> int:
        return int(row) + self.layout.first_line

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.numbers.values()) + \
            sum(codes.nbytes for codes, _ in self.texts.values())


def _name(path) -> str:
    return Path(path).name


def _head(path) -> bytes:
    """The first bytes of a readable regular file, or `TableError`."""
    name = _name(path)
    try:
        if not os.path.exists(path):
            raise TableError(f"{name}: no such file")
        if os.path.isdir(path):
            raise TableError(f"{name}: is a folder, not a table")
        if not os.path.isfile(path):
            raise TableError(f"{name}: not a regular file")
        with open(path, "rb") as handle:
            return handle.read(SNIFF_BYTES)
    except PermissionError:
        raise TableError(f"{name}: not allowed to read it") from None
    except OSError as error:
        raise TableError(f"{name}: cannot be read ({error.strerror or error})") from None


def _encoding(head: bytes, name: str, chosen: str) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableError(f"{name}: is UTF-16 text; save it as CSV in UTF-8 (or Latin-1)")
    if head.startswith(b"PK\x03\x04"):
        raise TableError(f"{name}: is a zip archive or an Excel workbook, not a text table; "
                         "save it as CSV")
    if b"\x00" in head:
        raise TableError(f"{name}: is not a text table (it holds binary data)")
    if chosen:
        return chosen
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3 and len(head) == SNIFF_BYTES:
            return "utf-8"  # a character cut by the end of the sample
    text = head.decode("latin-1")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > len(text) // 100:
        raise TableError(f"{name}: is not a text table (it holds binary data)")
    return "latin-1"


def _sample_frame(text: str, delimiter: str, decimal: str, header) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), sep=delimiter, decimal=decimal, header=header,
                       dtype=str, keep_default_na=False, skip_blank_lines=True,
                       engine="c")


def _is_number(cells: pd.Series, decimal: str) -> pd.Series:
    """Per cell, whether it reads as a number with this decimal mark."""
    text = cells.str.strip()
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").notna()


def _filled(cells: pd.Series) -> pd.Series:
    return ~cells.str.strip().isin([""] + MISSING_MARKS)


def _numeric_cells(frame: pd.DataFrame, decimal: str) -> int:
    return int(sum((_is_number(frame[c], decimal) & _filled(frame[c])).sum() for c in frame))


def _layout_of(text: str, name: str, options: ReadOptions) -> tuple[str, str]:
    """(delimiter, decimal): the pair under which the sample splits into the same number
    (at least 2) of fields per row and the most cells read as numbers."""
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    best, score = None, None
    for delimiter in [options.delimiter] if options.delimiter else DELIMITERS:
        counts = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
        if len(counts) != 1 or counts.pop() < 2:
            continue
        for decimal in [options.decimal] if options.decimal else DECIMALS:
            if decimal == delimiter:
                continue
            try:
                frame = _sample_frame("\n".join(lines), delimiter, decimal, None)
            except (pd.errors.ParserError, ValueError):
                continue
            key = (_numeric_cells(frame, decimal), frame.shape[1], decimal == ".")
            if score is None or key > score:
                best, score = (delimiter, decimal), key
    if best is None:
        if options.delimiter:
            raise TableError(f"{name}: rows do not split into two or more columns at "
                             f"{DELIMITERS.get(options.delimiter, repr(options.delimiter))}s")
        _raise_shape(lines, name)
    return best


def _raise_shape(lines: list[str], name: str) -> None:
    """No delimiter gives every row the same number of fields: say which rows differ."""
    for delimiter in DELIMITERS:
        rows = list(csv.reader(lines, delimiter=delimiter))
        widths = [len(row) for row in rows]
        if max(widths) >= 2:
            expected = widths[0]
            for number, width in enumerate(widths, start=1):
                if width != expected:
                    raise TableError(f"{name}: line {number} has {width} fields where line 1 "
                                     f"has {expected} (rows of different lengths)")
    raise TableError(f"{name}: has one column; a table needs input columns and a target "
                     "column, separated by commas, semicolons or tabs")


def _kind(cells: pd.Series, decimal: str) -> str:
    filled = cells[_filled(cells)]
    if filled.empty:
        return "empty"  # e.g. after a delimiter that ends every line
    numbers = _is_number(filled, decimal)
    if numbers.mean() < NUMERIC_SHARE:
        return "text"
    values = pd.to_numeric(_decimal_point(filled[numbers], decimal), errors="coerce")
    return "integer" if bool(np.all(np.mod(values, 1) == 0)) else "number"


def _decimal_point(cells: pd.Series, decimal: str) -> pd.Series:
    text = cells.str.strip()
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return text


def _has_header(frame: pd.DataFrame, decimal: str, chosen: str) -> bool:
    if chosen:
        return chosen == "yes"
    first, rest = frame.iloc[0], frame.iloc[1:]
    if len(rest) == 0:
        return not _is_number(first, decimal).any()
    for column in frame:
        below = rest[column][_filled(rest[column])]
        # A word above numbers is a column name.
        if len(below) and _is_number(below, decimal).all() and \
                not _is_number(first[[column]], decimal).iloc[0]:
            return True
    return not _is_number(first, decimal).any() and first.nunique() == len(first) and \
        not all(first[c] in set(rest[c]) for c in frame)


def sniff(path, options: ReadOptions = ReadOptions()) -> tuple[Layout, pd.DataFrame]:
    """The layout of the table in `path` and a preview of its first rows as they will be read
    (strings, as in the file). Raises `TableError`."""
    name = _name(path)
    head = _head(path)
    if not head.strip(b"\xef\xbb\xbf \r\n\t"):
        raise TableError(f"{name}: is empty")
    encoding = _encoding(head, name, options.encoding)
    text = head.decode(encoding, errors="replace")
    if len(head) == SNIFF_BYTES:  # drop the last, probably cut, line
        text = text[:text.rfind("\n") + 1] or text
    delimiter, decimal = _layout_of(text, name, options)
    frame = _sample_frame(text, delimiter, decimal, None)
    header = _has_header(frame, decimal, options.header)
    if header:
        columns = tuple(str(c).strip() or f"column {i + 1}" for i, c in enumerate(frame.iloc[0]))
        frame = frame.iloc[1:].reset_index(drop=True)
        if len(set(columns)) != len(columns):
            twice = next(c for c in columns if columns.count(c) > 1)
            raise TableError(f"{name}: line 1 names the column '{twice}' twice")
    else:
        columns = tuple(f"column {i + 1}" for i in range(frame.shape[1]))
    frame.columns = list(columns)
    if frame.empty:
        raise TableError(f"{name}: has a header row but no rows of data")
    kinds = tuple(_kind(frame[c], decimal) for c in columns)
    quoted = '"' in text
    layout = Layout(delimiter, decimal, encoding, header, quoted, columns, kinds)
    return layout, frame.head(PREVIEW_ROWS)


def available_memory() -> int:
    """Bytes of memory free now (a large number where the system does not say)."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 1 << 62


def check_size(path) -> None:
    """Refuse a file whose numbers could not fit in memory: a CSV cell takes at least two
    bytes (a digit and a delimiter) and becomes four (float32), kept twice while the rows are
    shuffled and split."""
    size = os.path.getsize(path)
    needed, free = 4 * size, available_memory()
    if needed > free:
        raise TableError(f"{_name(path)}: is {size / 1e9:.1f} GB, more than this computer's "
                         f"free memory ({free / 1e9:.1f} GB) can hold once read")


def read_table(path, options: ReadOptions = ReadOptions(),
               progress: Callable[[float], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> Table:
    """The whole file, read in chunks (`progress(share of bytes read)`; `cancelled()` True
    stops with `Cancelled`). Raises `TableError`."""
    layout, _preview = sniff(path, options)
    check_size(path)
    name = _name(path)
    size = max(os.path.getsize(path), 1)
    numeric = set(layout.numeric())
    parts: dict[str, list] = {c: [] for c in layout.columns}
    rows = 0
    try:
        with open(path, "rb") as raw:
            reader = pd.read_csv(
                raw, sep=layout.delimiter, decimal=layout.decimal, encoding=layout.encoding,
                header=0 if layout.header else None, names=list(layout.columns),
                # pandas parses numbers in C; text columns stay text even where a chunk of
                # them looks numeric ("1", not 1.0).
                dtype={c: str for c in layout.columns if c not in numeric},
                keep_default_na=False, na_values=[""] + MISSING_MARKS,
                skip_blank_lines=False, engine="c",
                chunksize=CHUNK_ROWS, quotechar='"')
            for chunk in reader:
                if cancelled and cancelled():
                    raise Cancelled()
                for column in layout.columns:
                    parts[column].append(_column_chunk(chunk[column], column in numeric,
                                                       layout.decimal))
                rows += len(chunk)
                if progress:
                    progress(min(raw.tell() / size, 1.0))
    except pd.errors.ParserError as error:
        raise TableError(f"{name}: {_parser_message(str(error), layout)}") from None
    except UnicodeDecodeError:
        raise TableError(f"{name}: is not {ENCODINGS[layout.encoding]} text throughout; "
                         "choose Latin-1 as its encoding") from None
    except MemoryError:
        raise TableError(f"{name}: is larger than this computer's memory can hold") from None
    except (OSError, ValueError) as error:
        raise TableError(f"{name}: cannot be read ({error})") from None
    if rows == 0:
        raise TableError(f"{name}: has a header row but no rows of data")
    return _assemble(path, layout, rows, parts, numeric)


def _column_chunk(cells: pd.Series, numeric: bool, decimal: str):
    if numeric and pd.api.types.is_numeric_dtype(cells):  # pandas parsed every cell
        values = cells.to_numpy(np.float32)
        missing = np.isnan(values)
        return values, np.zeros(len(values), bool), missing
    text = cells.fillna("").astype(str)
    missing = ~_filled(text)
    if not numeric:
        return text.str.strip().where(~missing), missing.to_numpy()
    values = pd.to_numeric(_decimal_point(text, decimal), errors="coerce")
    unreadable = values.isna() & ~missing
    return values.to_numpy(np.float32), unreadable.to_numpy(), missing.to_numpy()


def _assemble(path, layout: Layout, rows: int, parts: dict, numeric: set) -> Table:
    table = Table(str(path), layout, rows)
    empty = np.ones(rows, bool)
    for column in layout.columns:
        chunks = parts.pop(column)
        if column in numeric:
            table.numbers[column] = np.concatenate([c[0] for c in chunks])
            table.unreadable[column] = np.concatenate([c[1] for c in chunks])
            empty &= np.concatenate([c[2] for c in chunks])
        else:
            series = pd.concat([c[0] for c in chunks], ignore_index=True)
            codes, names = pd.factorize(series, use_na_sentinel=True)
            table.texts[column] = (codes.astype(np.int32), tuple(str(n) for n in names))
            empty &= np.concatenate([c[1] for c in chunks])
    table.blank = empty
    return table


def _parser_message(message: str, layout: Layout) -> str:
    """pandas' 'Expected 5 fields in line 7, saw 6' in the user's words."""
    import re

    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if match:
        expected, line, saw = match.groups()
        return (f"line {line} has {saw} fields where the header has {expected} "
                "(rows of different lengths)")
    if "EOF inside string" in message:
        return "a quoted field is never closed (a \" without its partner)"
    return message.splitlines()[0]
