"""The Test images gallery answers a conv network's test images off the GUI thread (issue 17):
the forward pass runs in the gallery's own thread, the window keeps handling events meanwhile
and the summary counts the images answered so far."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from playground.core.inspection import predictions as image_eval
from playground.core.layers import conv, flatten, pool
from tests.ui.gui import open_window, train
from tests.ui.test_filters_view import TINY_CNN

CNN = TINY_CNN.replace(layers=(conv(3, 3), pool(2), flatten()), test_size=40)


@pytest.mark.needs_datasets
def test_a_conv_network_s_answers_are_computed_off_the_gui_thread(qtbot, offline_datasets):
    window = open_window(qtbot, CNN)
    view = window.views["images"]
    threads: list[int] = []
    release = threading.Event()

    def recorded_chunks(weights, activations, x):
        """The real forward pass, noting which thread runs each slice; after the first slice
        it waits for the test, as a long pass would."""
        for i, start in enumerate(range(0, len(x), 10)):
            threads.append(threading.get_ident())
            if i == 1:
                release.wait(30)
            yield from image_eval.output_chunks(weights, activations, x[start:start + 10])

    view.chunks = recorded_chunks
    window.tabs.setCurrentWidget(view)
    assert train(qtbot, window) in ("finished", "step")
    # The pass is stuck after one slice, yet the GUI thread runs its timers and shows progress.
    qtbot.waitUntil(lambda: "10 done" in view.summary.text(), timeout=10_000)
    assert view.predictions is None
    release.set()
    latest = window.session.history.latest_weights
    qtbot.waitUntil(lambda: view.evaluated_weights is latest, timeout=10_000)

    assert threads and threading.main_thread().ident not in threads
    dataset = window.session.dataset
    expected = image_eval.predictions(window.session.history.latest_weights,
                                      window.session.activations, dataset.x_test,
                                      dataset.labels_test)
    np.testing.assert_allclose(view.predictions.probabilities, expected.probabilities,
                               rtol=1e-5, atol=1e-7)
    assert f"{100 * expected.accuracy:.2f}%" in view.summary.text()
    assert len(view.grid.cells) > 0 and view.grid.cells[0].name
    window.close()


@pytest.mark.needs_datasets
def test_a_failing_pass_is_one_message_not_a_traceback(qtbot, offline_datasets):
    window = open_window(qtbot, CNN)
    view = window.views["images"]

    def broken_chunks(weights, activations, x):
        yield from ()
        raise MemoryError("no room for the maps")

    view.chunks = broken_chunks
    window.tabs.setCurrentWidget(view)
    assert train(qtbot, window) in ("finished", "step")
    qtbot.waitUntil(lambda: "Could not answer" in view.summary.text(), timeout=10_000)
    assert "no room for the maps" in view.summary.text() and view.predictions is None
    window.close()
