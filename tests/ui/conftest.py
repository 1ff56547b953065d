"""Fixtures for GUI tests: a real main window, and Qt's own messages captured."""
from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from tests.ui.gui import open_window


@pytest.fixture(autouse=True)
def global_look_restored(qapp):
    """A test that switches the theme changes process-wide state (pyqtgraph's default colours,
    the application palette); put both back, so no later test depends on the order."""
    options = dict(pg.CONFIG_OPTIONS)
    palette = QApplication.instance().palette()
    yield
    pg.CONFIG_OPTIONS.clear()
    pg.CONFIG_OPTIONS.update(options)
    QApplication.instance().setPalette(palette)


@pytest.fixture
def qt_messages():
    """Every message Qt prints while the test runs (e.g. 'QThread: Destroyed while ...')."""
    messages = []

    def handler(kind, context, text):
        if kind != QtMsgType.QtDebugMsg:
            messages.append(text)

    previous = qInstallMessageHandler(handler)
    yield messages
    qInstallMessageHandler(previous)


@pytest.fixture
def window(qtbot):
    """The main window, TensorFlow loaded and the untrained XOR model shown; closed after.

    It never downloads by itself: without the offline copies (a fresh clone), picking MNIST
    shows the missing files instead of reaching for the network (tests/network.py would fail
    the test). tests/ui/test_data_files.py drives the download with a fake server.
    """
    window = open_window(qtbot)
    window.data_files.auto_download = False
    yield window
    window.close()
