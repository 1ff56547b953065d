"""The Linux desktop entry, written into a temporary home, and the package data it needs."""
from __future__ import annotations

import configparser
import shlex
from importlib import resources

import pytest

from playground import desktop


def read_entry(path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_install_writes_entry_and_file_type(tmp_path):
    entry = desktop.install_desktop_entry(home=tmp_path, python="/opt/venv/bin/python",
                                          refresh=False)
    assert entry == tmp_path / ".local/share/applications/neural-playground.desktop"
    fields = read_entry(entry)
    assert fields["Type"] == "Application" and fields["Name"] == "Neural Playground"
    assert fields["Exec"] == "/opt/venv/bin/python -m playground %f"
    icon = tmp_path / ".local/share/icons/hicolor/256x256/apps/neural-playground.png"
    assert fields["Icon"] == str(icon) and icon.read_bytes() == desktop.ICON.read_bytes()
    assert fields["Terminal"] == "false"
    assert desktop.MIME_TYPE in fields["MimeType"]
    mime = tmp_path / ".local/share/mime/packages/neural-playground.xml"
    assert '<glob pattern="*.playground"/>' in mime.read_text()
    assert sorted(p.name for p in entry.parent.iterdir()) == [entry.name]  # no temp files
    assert desktop.uninstall_desktop_entry(home=tmp_path) == [entry, mime, icon]
    assert not entry.exists() and not icon.exists()


def test_exec_quotes_paths_with_spaces_and_backslashes(tmp_path):
    text = desktop.desktop_entry_text(python="/home/ann/My Apps/venv/bin/python")
    line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert line == 'Exec="/home/ann/My Apps/venv/bin/python" -m playground %f'
    assert shlex.split(line[5:])[0] == "/home/ann/My Apps/venv/bin/python"
    odd = desktop._exec_argument('/a"b\\c')
    assert odd == '"/a\\\\"b\\\\\\\\c"'  # quoted, then backslashes escaped for the file


def test_instructions_per_platform():
    assert "playground.exe" in desktop.instructions("win32")
    assert "Dock" in desktop.instructions("darwin")
    assert "install-desktop-entry" in desktop.instructions("linux")


def test_main_install_uses_xdg_data_home(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(desktop.sys, "platform", "linux")
    monkeypatch.setattr(desktop.shutil, "which", lambda tool: None)
    assert desktop.main_install([]) == 0
    assert (tmp_path / "data/applications/neural-playground.desktop").is_file()
    assert "installed" in capsys.readouterr().out
    assert desktop.main_install(["--uninstall"]) == 0
    assert not (tmp_path / "data/applications/neural-playground.desktop").exists()
    assert desktop.main_install(["--bogus"]) == 2


def test_icon_and_template_are_package_data():
    # A pip or pipx install has only what is inside the package: no assets/ beside it.
    files = resources.files("playground.resources")
    assert desktop.ICON.read_bytes().startswith(b"\x89PNG\r\n")
    assert (files / "icon.svg").read_text(encoding="utf-8").lstrip().startswith("<")
    assert "@EXEC@" in desktop.TEMPLATE.read_text(encoding="utf-8")
    assert {"icon.png", "icon.svg", "neural-playground.desktop"} <= {
        f.name for f in files.iterdir()}


def test_every_resource_file_is_declared_package_data():
    # Without the declaration a wheel (pip, pipx) leaves the icon out, though a checkout has it.
    import fnmatch
    from pathlib import Path

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["playground.resources"]
    shipped = [p.name for p in (root / "playground" / "resources").iterdir()
               if p.is_file() and p.suffix != ".py"]
    assert shipped and all(any(fnmatch.fnmatch(name, pattern) for pattern in patterns)
                           for name in shipped), (shipped, patterns)
