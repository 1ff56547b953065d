"""Live within the epoch (issue 17): the curves grow a smoothed per-batch line, x in fractions
of an epoch, as BatchProgress arrives, before the first epoch ends; a new run clears it."""
from __future__ import annotations

import numpy as np

from playground.core.training.reports import BatchProgress
from playground.ui.session import Session
from playground.ui.views.training_curves import TrainingCurves


def _progress(epoch, done, loss, accuracy):
    return BatchProgress(epoch=epoch, batches_done=done // 100, batches_total=4,
                         samples_done=done, samples_total=400, samples_per_second=0.0,
                         seconds_left=0.0, run_seconds_left=0.0, loss=loss,
                         metrics={"accuracy": accuracy})


def test_the_per_batch_line_grows_within_the_first_epoch(qtbot):
    session = Session()
    view = TrainingCurves(session)
    qtbot.addWidget(view)
    session.batch_progress.emit(_progress(1, 100, 2.0, 0.2))
    session.batch_progress.emit(_progress(1, 200, 1.5, 0.3))
    x, loss = view.batch_lines["loss"].getData()
    np.testing.assert_allclose(x, [0.25, 0.5])  # a quarter and half of epoch 1
    assert np.isclose(loss[0], 2.0) and 1.0 < loss[1] < 2.0  # the second chunk's 1.0, smoothed
    _, accuracy = view.batch_lines["metric"].getData()
    assert np.isclose(accuracy[0], 0.2) and accuracy[1] > 0.2
    assert len(view.curves["loss"].getData()[0] or []) == 0  # no epoch has ended yet
    session.run_started.emit()
    assert view.batch_lines["loss"].getData()[0] is None or \
        len(view.batch_lines["loss"].getData()[0]) == 0
