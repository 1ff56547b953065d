"""Settings the form has no field for yet (features, init, L1/L2) survive edits and Train."""
from __future__ import annotations

from playground.core.experiment import Experiment
from playground.core.inspection.forward import forward
from tests.ui.gui import open_window, train

XOR_X1X2 = Experiment(features="x1*x2", layers=(), learning_rate=1.0, epochs=300, l2=0.0001)


def test_xor_with_x1x2_trains_in_the_window_and_the_boundary_covers_the_plane(qtbot):
    window = open_window(qtbot, XOR_X1X2)
    try:
        epochs = window.form.texts["epochs"]
        epochs.clear()
        qtbot.keyClicks(epochs, "250")  # an edit rebuilds the experiment from the form
        assert train(qtbot, window) == "finished"
        experiment = window.session.experiment
        assert (experiment.epochs, experiment.features, experiment.l2) == (250, "x1*x2", 0.0001)
        assert window.session.history.last("accuracy") == 1.0
        assert window.session.dataset.feature_names == ("x1", "x2", "x1*x2")
        boundary = window.views["boundary"]
        weights = window.session.history.latest_weights

        def corner_is_the_networks_output_there():
            # The grid's corner holds the network's output at (x1, x2, x1·x2) of that point.
            if boundary.grid is None:
                return False
            x1, x2 = boundary.xs[-1], boundary.ys[-1]
            expected = forward(weights, ["sigmoid"], [[x1, x2, x1 * x2]])[0, 0]
            return abs(boundary.grid[-1, -1] - expected) < 1e-6  # the grid is float32

        qtbot.waitUntil(corner_is_the_networks_output_there, timeout=10_000)
    finally:
        window.close()
