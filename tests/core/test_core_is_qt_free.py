"""playground.core must not need Qt or pyqtgraph (DESIGN.md, principle 1).

Two checks: importing every core module in a clean interpreter leaves no Qt module loaded (this
catches indirect imports through other packages too), and no core source file even mentions an
import of them (this catches imports hidden inside functions that the first check never runs).
"""
from __future__ import annotations

import ast
import os
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import playground.core

FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6", "PySide2")
CORE_DIR = Path(playground.core.__file__).resolve().parent


def core_modules() -> list[str]:
    names = ["playground.core"]
    for info in pkgutil.walk_packages([str(CORE_DIR)], prefix="playground.core."):
        names.append(info.name)
    return sorted(names)


def test_core_has_modules():
    modules = core_modules()
    assert "playground.core.experiment" in modules
    assert "playground.core.training.trainer" in modules


def test_importing_every_core_module_loads_no_qt():
    script = textwrap.dedent(f"""
        import importlib, pkgutil, sys
        import playground.core as core
        names = ["playground.core"] + [info.name for info in pkgutil.walk_packages(
            core.__path__, prefix="playground.core.")]
        for name in names:
            importlib.import_module(name)
        # TensorFlow is imported lazily; load it so anything it drags in is counted too.
        from playground.core.model.runtime import load
        load()
        forbidden = {FORBIDDEN!r}
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in forbidden)
        assert not loaded, "core imported: " + ", ".join(loaded)
        print("imported", len(names), "core modules")
    """)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"imported {len(core_modules())} core modules" in result.stdout


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and (getattr(node.func, "attr", None) == "import_module"
                   or getattr(node.func, "id", None) in ("__import__", "import_module"))):
            roots.add(node.args[0].value.split(".")[0])
    return roots


def test_no_core_source_imports_qt():
    files = sorted(CORE_DIR.rglob("*.py"))
    assert files
    offenders = {str(path.relative_to(CORE_DIR)): sorted(imported_roots(path) & set(FORBIDDEN))
                 for path in files}
    offenders = {name: roots for name, roots in offenders.items() if roots}
    assert not offenders, f"core files importing Qt: {offenders}"


def test_static_check_catches_a_qt_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from PySide6.QtCore import QObject\n"
                      "import importlib\nimportlib.import_module('pyqtgraph.exporters')\n")
    assert imported_roots(sample) >= {"PySide6", "pyqtgraph", "importlib"}
