"""No test reaches the network: sockets may connect to this machine only.

`block()` (called by tests/conftest.py before any test runs) replaces `socket.socket.connect`,
`connect_ex` and `socket.getaddrinfo`: a connection or name lookup for anything but loopback
raises `NetworkBlocked` and is recorded. Code under test may catch that error (a download
reports "failed"), so the autouse fixture `no_network` also fails the test afterwards, naming
the address it tried: a test that reaches for the network fails even when the app copes.
"""
from __future__ import annotations

import ipaddress
import socket

import pytest

#: Every address a test tried to reach since the last check ("host:port").
attempts: list[str] = []

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_original = {}


class NetworkBlocked(RuntimeError):
    """A test tried to reach another machine (not an OSError: nothing mistakes it for a
    network that is merely down, and urllib passes it on unwrapped)."""


def _is_loopback(host) -> bool:
    if host is None or isinstance(host, bytes) and not host:
        return True
    host = host.decode() if isinstance(host, bytes) else str(host)
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(host, port) -> None:
    where = f"{host}:{port}"
    attempts.append(where)
    raise NetworkBlocked(f"a test tried to reach {where}: tests must not use the network")


def _check_address(sock, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        _refuse(address[0], address[1])


def _connect(self, address):
    _check_address(self, address)
    return _original["connect"](self, address)


def _connect_ex(self, address):
    _check_address(self, address)
    return _original["connect_ex"](self, address)


def _getaddrinfo(host, port, *args, **kwargs):
    if not _is_loopback(host):
        _refuse(host, port)
    return _original["getaddrinfo"](host, port, *args, **kwargs)


def block() -> None:
    """Refuse every connection and name lookup beyond loopback, for this whole process."""
    if _original:
        return
    _original.update(connect=socket.socket.connect, connect_ex=socket.socket.connect_ex,
                     getaddrinfo=socket.getaddrinfo)
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    socket.getaddrinfo = _getaddrinfo


def pytest_configure(config):
    """As a plugin of its own (`pytest -p tests.network`), block from the start."""
    block()


@pytest.fixture(autouse=True)
def no_network():
    """Fail the test that tried to reach the network, even if the code under test coped
    (attempts left over from before the test, e.g. by a thread, count too)."""
    yield attempts
    tried, attempts[:] = list(attempts), []
    if tried:
        pytest.fail(f"tried to reach the network: {', '.join(tried)} (tests must stay offline)",
                    pytrace=False)
