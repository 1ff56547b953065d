"""The app in the desktop's application menu: a Linux desktop entry and the file type.

`python -m playground install-desktop-entry` writes, for the current user only:

    ~/.local/share/applications/neural-playground.desktop   starts this Python with
                                                            `-m playground FILE`
    ~/.local/share/icons/hicolor/256x256/apps/neural-playground.png     its icon
    ~/.local/share/mime/packages/neural-playground.xml      *.playground files are experiments

(under `$XDG_DATA_HOME` when that is set), then asks the desktop to refresh its caches when the
tools for that exist. Nothing needs root; `uninstall` removes all three. Windows and macOS
have no such entry: `instructions()` says what to do there. The icon and the entry's template
are package data (playground/resources), so an installed app has them, not only a checkout.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

from playground.core.files.experiment_file import write_bytes, write_text

APP_ID = "neural-playground"
MIME_TYPE = "application/x-neural-playground"
#: The package's own files (icon, desktop entry template), wherever it is installed.
RESOURCES = resources.files("playground.resources")
ICON = RESOURCES / "icon.png"
TEMPLATE = RESOURCES / f"{APP_ID}.desktop"

MIME_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="{MIME_TYPE}">
    <comment>Neural Playground experiment</comment>
    <sub-class-of type="application/zip"/>
    <glob pattern="*.playground"/>
  </mime-type>
</mime-info>
"""

_RESERVED = set(' \t\n"\'\\><~|&;$*?#()`')


def _exec_argument(argument: str) -> str:
    """Quote one Exec argument as the Desktop Entry spec asks (then escape backslashes for the
    file's string syntax)."""
    if argument and not _RESERVED & set(argument):
        return argument
    quoted = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{quoted}"'.replace("\\", "\\\\")


def data_home(home: str | os.PathLike | None = None) -> Path:
    """`$XDG_DATA_HOME` (default ~/.local/share); with `home`, always `home`/.local/share."""
    if home is not None:
        return Path(home) / ".local" / "share"
    xdg = os.environ.get("XDG_DATA_HOME")
    return Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"


def entry_path(home: str | os.PathLike | None = None) -> Path:
    return data_home(home) / "applications" / f"{APP_ID}.desktop"


def icon_path(home: str | os.PathLike | None = None) -> Path:
    """Where the entry's icon is installed (a copy: the package may be zipped or moved)."""
    return data_home(home) / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png"


def desktop_entry_text(python: str | None = None, icon: str | os.PathLike | None = None) -> str:
    """The desktop entry: this Python (`sys.executable`, e.g. the venv's) runs the app."""
    python = python or sys.executable
    command = " ".join(_exec_argument(a) for a in (python, "-m", "playground"))
    template = TEMPLATE.read_text(encoding="utf-8")
    return (template.replace("@EXEC@", command)
            .replace("@ICON@", str(Path(icon or icon_path()).absolute())))


def install_desktop_entry(home: str | os.PathLike | None = None, python: str | None = None,
                          refresh: bool = True) -> Path:
    """Write the desktop entry, its icon and the file type (atomically); returns the entry's
    path.

    `refresh` runs update-desktop-database and update-mime-database when installed.
    """
    share = data_home(home)
    entry = entry_path(home)
    icon = icon_path(home)
    mime = share / "mime" / "packages" / f"{APP_ID}.xml"
    for folder in (entry.parent, icon.parent, mime.parent):
        folder.mkdir(parents=True, exist_ok=True)
    write_bytes(icon, ICON.read_bytes())
    write_text(entry, desktop_entry_text(python, icon))
    write_text(mime, MIME_XML)
    if refresh:
        for tool, folder in (("update-desktop-database", entry.parent),
                             ("update-mime-database", share / "mime")):
            if shutil.which(tool):
                subprocess.run([tool, str(folder)], capture_output=True, check=False)
    return entry


def uninstall_desktop_entry(home: str | os.PathLike | None = None) -> list[Path]:
    """Remove what `install_desktop_entry` wrote; returns the files removed."""
    share = data_home(home)
    removed = []
    for path in (entry_path(home), share / "mime" / "packages" / f"{APP_ID}.xml",
                 icon_path(home)):
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def instructions(platform: str | None = None) -> str:
    """How to start the app with a double-click on this platform."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        folder = Path(sys.executable).parent
        return ("On Windows, `pip install` made playground.exe (no console window) in "
                f"{folder}. Right-click it and choose 'Pin to Start' or 'Send to > Desktop "
                "(create shortcut)'.")
    if platform == "darwin":
        return ("On macOS, start the app from a terminal with `playground` (or `python -m "
                "playground`); to keep it in the Dock, right-click its icon there and choose "
                "Options > Keep in Dock.")
    return ("Run `python -m playground install-desktop-entry` to add Neural Playground to your "
            "application menu and open *.playground files with a double-click.")


def main_install(argv: list[str] | None = None) -> int:
    """`python -m playground install-desktop-entry [--uninstall]`."""
    argv = list(argv or [])
    if any(a not in ("--uninstall",) for a in argv):
        print(f"error: unexpected arguments {' '.join(argv)!r}; use install-desktop-entry "
              "[--uninstall]", file=sys.stderr)
        return 2
    if not sys.platform.startswith("linux") and "--uninstall" not in argv:
        print(instructions())
        return 0
    if "--uninstall" in argv:
        removed = uninstall_desktop_entry()
        print("\n".join(f"removed {p}" for p in removed) or "nothing to remove")
        return 0
    from playground.core.files.experiment_file import PersistError

    try:
        entry = install_desktop_entry()
    except (OSError, PersistError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"installed {entry}\nNeural Playground is in your application menu (Education); "
          "*.playground files open in it with a double-click.")
    return 0
