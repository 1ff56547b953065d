"""The suite's network guard (tests/network.py): nothing a test runs can reach another machine."""
from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

from playground.core.data import downloads
from tests.network import NetworkBlocked

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_a_download_is_refused_before_any_connection_and_recorded(no_network):
    with pytest.raises(NetworkBlocked, match="storage.googleapis.com:443"):
        urllib.request.urlopen(downloads.FILES["mnist"][0].url, timeout=1)
    with pytest.raises(NetworkBlocked, match="192.0.2.1:80"):  # an address: no lookup needed
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    assert no_network == ["storage.googleapis.com:443", "192.0.2.1:80"]
    no_network.clear()  # this test asked for them; any other test would fail here


def test_connections_to_this_machine_still_work(no_network):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        for host in ("127.0.0.1", "localhost"):
            with socket.create_connection((host, port), timeout=5):
                pass
    assert no_network == []


def test_a_test_that_swallows_the_refusal_still_fails(tmp_path):
    # The data-files dialog turns a failed download into a message; the test must fail anyway.
    (tmp_path / "test_reaching_out.py").write_text(textwrap.dedent("""
        import urllib.request

        def test_download_quietly():
            try:
                urllib.request.urlopen("https://example.com/", timeout=1)
            except Exception:
                pass

        def test_offline():
            pass
    """))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.network",
         str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT)})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 passed, 1 error" in result.stdout
    assert "ERROR at teardown of test_download_quietly" in result.stdout
    assert "tried to reach the network: example.com:443" in result.stdout
