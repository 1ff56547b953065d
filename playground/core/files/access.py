"""File access a user can trust, for every file the app reads or writes.

- Writes are atomic: a temporary file beside the target, renamed into place only once
  complete (`atomic_path`, `write_bytes`, `write_text`), so a failed save never harms the file
  that was there.
- A destination is checked before work that would be lost (`check_destination`: a file is
  really made there and dropped).
- Reads take regular files only (`check_readable`): a folder, a pipe or a device (a link to
  /dev/zero) is refused at once instead of hanging or filling memory.

Every problem is a `PersistError` whose text is one sentence for the user.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator


class PersistError(Exception):
    """A file could not be read or written; `str()` is a message for the user."""


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def _write_problem(path: Path, error: OSError) -> str:
    folder = path.parent
    if isinstance(error, FileNotFoundError) and folder.is_dir():
        reason = f"no new files can be made in {folder}"  # /proc, a folder removed meanwhile
    elif isinstance(error, FileNotFoundError):
        reason = f"the folder {folder} does not exist"
    elif isinstance(error, NotADirectoryError):
        reason = f"{folder} is not a folder"
    elif isinstance(error, IsADirectoryError):
        reason = f"{path} is a folder"
    elif isinstance(error, PermissionError):
        reason = f"no permission to write in {folder}"
    elif error.errno == errno.ENOSPC:
        reason = "the disk is full"
    elif error.errno == errno.EROFS:
        reason = f"{folder} is on a read-only disk"
    else:
        reason = error.strerror or str(error)
    return f"Could not save {path.name}: {reason}."


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `path`; once the block succeeds it replaces `path`.

    On any failure the temporary file is removed and `path` is left as it was; `OSError`s
    become `PersistError`s naming the folder and the reason.
    """
    path = Path(path).absolute()
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                        suffix=suffix or ".tmp")
        os.close(handle)
    except OSError as error:
        raise PersistError(_write_problem(path, error)) from error
    temp = Path(temp)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(temp, path.stat().st_mode & 0o777 if path.is_file() else 0o666 & ~_UMASK)
        yield temp
        with open(temp, "rb+") as written:  # on disk before the rename makes it visible
            os.fsync(written.fileno())
        os.replace(temp, path)
    except OSError as error:
        raise PersistError(_write_problem(path, error)) from error
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def check_destination(path: str | os.PathLike) -> None:
    """`PersistError` when no file can be saved at `path` (no name, a folder, a folder that
    does not exist or takes no new files): checked before work that would be lost."""
    if not str(path).strip():
        raise PersistError("Could not save: give a file name.")
    path = Path(path).absolute()
    if path.is_dir():
        raise PersistError(_write_problem(path, IsADirectoryError()))
    try:  # make (and drop) a file there, as the save will: the one sure test
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                        suffix=".tmp")
    except OSError as error:
        raise PersistError(_write_problem(path, error)) from error
    os.close(handle)
    os.unlink(temp)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(path) as temp:
        temp.write_bytes(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def check_readable(path: str | os.PathLike) -> None:
    """`PersistError` unless `path` is a regular file (or a link to one): a folder, a pipe or
    a device (a link to /dev/zero) would hang a read or never end it."""
    path = Path(path)
    name = path.name
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise PersistError(f"{name}: no such file ({path}).") from None
    except PermissionError:
        raise PersistError(f"{name}: no permission to read it.") from None
    except OSError as error:
        raise PersistError(f"{name}: {error.strerror or error}.") from None
    if stat.S_ISDIR(mode):
        raise PersistError(f"{name} is a folder, not a file.")
    if not stat.S_ISREG(mode):
        raise PersistError(f"{name} is not a regular file (a pipe, a device or a socket); "
                           "open a file.")
