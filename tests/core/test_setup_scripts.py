"""The set-up scripts check and say what to install; they never install anything themselves."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BASH = shutil.which("bash") or "/bin/bash"


@pytest.fixture
def fake_bin(tmp_path):
    """A folder of stand-in commands; `apt-get` and `sudo` record being called and do nothing."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("apt-get", "sudo"):
        tool = folder / name
        tool.write_text(f'#!{BASH}\necho "{name} $*" >> "{tmp_path}/called"\n')
        tool.chmod(0o755)
    return folder


def run(script: str, args: list[str], path: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([BASH, str(REPO_ROOT / "scripts" / script), *args], text=True,
                          capture_output=True, timeout=60, env={"PATH": path, **env})


def test_without_python_make_venv_prints_the_command_and_installs_nothing(fake_bin, tmp_path):
    for name in ("id", "dirname"):  # everything else the script needs is a bash builtin
        found = shutil.which(name)
        if found:
            os.symlink(found, fake_bin / name)
    result = run("make-venv.sh", ["python3", str(tmp_path / "venv")], str(fake_bin))
    assert result.returncode == 1
    assert "python3 not found" in result.stderr
    assert "apt-get install --no-install-recommends python3 python3-venv" in result.stderr
    assert not (tmp_path / "called").exists() and not (tmp_path / "venv").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="checks Linux libraries only")
def test_a_missing_qt_library_is_named_with_the_command_that_installs_it(fake_bin, tmp_path):
    venv = tmp_path / "venv"
    plugin = venv / "lib/python3.11/site-packages/PySide6/Qt/plugins/platforms/libqoffscreen.so"
    plugin.parent.mkdir(parents=True)
    plugin.write_bytes(b"")
    ldd = fake_bin / "ldd"  # as ldd reports a library the loader cannot find
    ldd.write_text(f"#!{BASH}\necho '\tlibEGL.so.1 => not found'\n")
    ldd.chmod(0o755)
    result = run("check-qt-libs.sh", ["offscreen"], f"{fake_bin}:/usr/bin:/bin", VENV=str(venv))
    assert result.returncode == 1, result.stderr
    assert "libEGL.so.1" in result.stderr
    command = next(line for line in result.stderr.splitlines() if "apt-get install" in line)
    assert command.split("apt-get install --no-install-recommends ")[-1].split() == \
        run("check-qt-libs.sh", ["--packages", "offscreen"], "/usr/bin:/bin").stdout.split()
    assert "libegl1" in command and not (tmp_path / "called").exists()


def test_the_xcb_window_needs_more_packages_than_the_offscreen_tests():
    offscreen = run("check-qt-libs.sh", ["--packages", "offscreen"], "/usr/bin:/bin").stdout
    xcb = run("check-qt-libs.sh", ["--packages", "xcb"], "/usr/bin:/bin").stdout
    assert set(offscreen.split()) < set(xcb.split())
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"} <= set(xcb.split())
