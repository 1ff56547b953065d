"""The command line under bad input and faults: one line that says what happened, the right
exit code, never a traceback, nothing written where it should not be.

Tests that could hang or eat memory without their fix (a FIFO, a link to /dev/zero), or that
need a fresh process (TensorFlow's start-up noise, Ctrl+C while it imports), run in a
subprocess with a timeout and a memory limit.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from playground.cli import commands as cli
from playground.core.experiment import Experiment
from tests.files import leftovers

REPO = Path(__file__).resolve().parents[2]
NESTED = "[" * 100_000
QUICK = ["train", "--dataset", "or", "--hidden", "none", "--epochs", "2", "--quiet"]
#: The lines TensorFlow's C++ start-up prints whatever TF_CPP_MIN_LOG_LEVEL says.
NOISE = ("absl::InitializeLog()", "oneDNN custom operations")


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(err: str, *words: str) -> None:
    assert "Traceback" not in err and err.count("\n") == 1, err
    for word in words:
        assert word in err, err


def run_python(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter at the repository root, with at most 2 GB of memory."""
    def limit_memory():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout,
                          preexec_fn=limit_memory)


# ----- --save is checked before training -----

def test_save_into_a_missing_folder_is_refused_before_training(capsys, tmp_path):
    target = tmp_path / "no such folder" / "x.playground"
    code, out, err = run_main(capsys, *QUICK, "--save", str(target))
    assert code == 2 and out == ""  # no table: nothing was trained
    assert_one_line(err, "error: --save:", "does not exist")
    assert not target.parent.exists()


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_save_name_is_refused(capsys, value):
    code, out, err = run_main(capsys, *QUICK, "--save", value)
    assert code == 2 and out == ""
    assert_one_line(err, "error: --save:")


def test_save_where_no_file_can_be_made_says_so_not_that_the_folder_is_missing(capsys,
                                                                              tmp_path):
    code, out, err = run_main(capsys, *QUICK, "--save", "/proc/x.playground")
    assert code == 2 and out == ""
    assert_one_line(err, "error: --save:", "/proc")
    assert "does not exist" not in err
    folder = tmp_path / "taken.playground"
    folder.mkdir()
    code, out, err = run_main(capsys, *QUICK, "--save", str(folder))
    assert code == 2 and out == ""
    assert_one_line(err, "is a folder")


# ----- export-code: files it cannot read -----

def test_deeply_nested_json_gets_one_line(capsys, tmp_path):
    settings = tmp_path / "nested.json"
    settings.write_text(NESTED)
    code, out, err = run_main(capsys, "export-code", str(settings))
    assert code == 1 and out == ""
    assert_one_line(err, "nested.json", "nested too deeply")

    experiment = tmp_path / "nested.playground"
    with zipfile.ZipFile(experiment, "w") as archive:
        archive.writestr("experiment.json", NESTED)
    code, out, err = run_main(capsys, "export-code", str(experiment))
    assert code == 1 and out == ""
    assert_one_line(err, "nested.playground", "experiment.json", "nested too deeply")


def test_settings_that_are_not_utf8_get_one_line(capsys, tmp_path):
    settings = tmp_path / "latin1.json"
    text = json.dumps(Experiment().to_dict())[:-1] + ', "note": "café"}'
    settings.write_bytes(text.encode("latin-1"))
    code, out, err = run_main(capsys, "export-code", str(settings))
    assert code == 1 and out == ""
    assert_one_line(err, "latin1.json", "UTF-8")


@pytest.mark.parametrize("suffix", [".json", ".playground"])
@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "folder"])
def test_export_code_reads_regular_files_only(tmp_path, kind, suffix):
    path = tmp_path / f"settings{suffix}"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")
    done = run_python(f"""
        import sys
        from playground.cli import main
        sys.exit(main(["export-code", {str(path)!r}]))
    """, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    expected = "is a folder" if kind == "folder" else "not a regular file"
    assert_one_line(done.stderr, path.name, expected)


# ----- Ctrl+C -----

def test_ctrl_c_while_tensorflow_imports_exits_130_with_one_line():
    # SIGINT arrives at a point we choose: the moment Python starts looking for TensorFlow.
    # `raise_signal` delivers it to this thread (`os.kill` on our own pid may pick another).
    done = run_python("""
        import signal, sys
        # As at a terminal. Started from a shell's background job (`make test &`), SIGINT
        # comes in ignored and Python then installs no KeyboardInterrupt for it at all.
        signal.signal(signal.SIGINT, signal.default_int_handler)

        class Interrupt:
            def find_spec(self, name, path=None, target=None):
                if name == "tensorflow":
                    sys.meta_path.remove(self)
                    signal.raise_signal(signal.SIGINT)
                return None

        sys.meta_path.insert(0, Interrupt())
        from playground.cli import main
        sys.exit(main(["train", "--dataset", "xor", "--epochs", "2"]))
    """)
    assert done.returncode == 130, done.stderr
    assert done.stdout == ""
    assert_one_line(done.stderr, "interrupted")


def test_ctrl_c_while_the_file_is_compressed_exits_130_and_leaves_nothing(capsys, tmp_path,
                                                                          monkeypatch):
    target = tmp_path / "run.playground"
    target.write_bytes(b"the file that was there")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(zipfile.ZipFile, "write", interrupted)
    code, _out, err = run_main(capsys, *QUICK, "--save", str(target))
    assert code == 130
    assert_one_line(err, "interrupted", "run.playground")
    assert target.read_bytes() == b"the file that was there"
    assert leftovers(tmp_path) == ["run.playground"]


# ----- TensorFlow's start-up noise -----

def test_tensorflow_start_up_noise_does_not_reach_the_user():
    done = subprocess.run([sys.executable, "-m", "playground", "train", "--dataset", "xor",
                           "--epochs", "2", "--json"], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["epochs_run"] == 2
    noise = [line for line in done.stderr.splitlines() if any(n in line for n in NOISE)]
    assert noise == []
