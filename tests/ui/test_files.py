"""Files from the window, as a user meets them: save, open in a new window and train on, plain
Keras models both ways, bad files and folders, exports, the code view, remembered settings."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

from playground.core.files import codegen
from playground.core.files import experiment_file as persist
from playground.core.experiment import Experiment, Layer
from playground.ui.menus.about import about_text
from playground.ui.settings import settings
from playground.ui.menus.file_actions import install_file_actions
from tests.ui.gui import open_window, train

FAST = Experiment(optimizer="adam", learning_rate=0.05, epochs=60, batch_size=4)


@pytest.fixture(autouse=True)
def clean_settings():
    settings().clear()
    yield
    settings().clear()


def run(qtbot, actions, call, *args, timeout=60_000) -> str:
    """Start a file operation and wait for its end; returns the message ("" on success)."""
    with qtbot.waitSignal(actions.finished, timeout=timeout) as blocker:
        call(*args)
    return blocker.args[2]


def snapshot(window) -> tuple:
    """What a failed operation must leave alone."""
    h = window.session.history
    return (window.form.experiment, window.session.experiment, h, h.last_epoch,
            None if h.latest_outputs is None else h.latest_outputs.copy(), window.windowTitle(),
            runs_table(window))


def runs_table(window) -> list[tuple[str, ...]]:
    """The Runs tab's rows as shown: name, epochs, the final numbers, how it ended."""
    view = window.views["runs"]
    columns = ("Name", "Epochs", "Train loss", "Train acc.", "Val loss", "Test loss", "Ended")
    return list(zip(*(view.values(c) for c in columns)))


def assert_unchanged(window, before) -> None:
    after = snapshot(window)
    assert after[:4] == before[:4] and after[5:] == before[5:]
    np.testing.assert_array_equal(after[4], before[4])
    assert window.state == "idle" and window.train_action.isEnabled()


@pytest.fixture
def trained_file(qtbot, tmp_path):
    """An XOR run trained for 60 epochs and saved; (path, window's outputs, curve points)."""
    window = open_window(qtbot, FAST)
    actions = install_file_actions(window)
    assert train(qtbot, window) == "finished"
    path = tmp_path / "xor.playground"
    assert run(qtbot, actions, actions.save_to, path) == ""
    result = (path, window.session.history.latest_outputs.copy(),
              len(window.views["curves"].curves["loss"].xData))
    assert window.windowTitle().startswith("xor.playground")
    assert actions.recent_files()[0] == str(path)
    window.close()
    return result


def test_file_menu_comes_first_and_install_is_idempotent(window):
    actions = install_file_actions(window)
    assert install_file_actions(window) is actions
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[0] == "&File" and menus[-1] == "&Help" and menus.count("&File") == 1
    texts = [a.text() for a in actions.file_menu.actions() if a.text()]
    for wanted in ("&Open…", "&Save", "Save &As…", "Export Model as .&keras…",
                   "Export &Plot…", "Export &History as CSV…", "Show as Keras &Code…",
                   "Reset to &Defaults"):
        assert wanted in texts
    assert not window.windowIcon().isNull()


def test_open_restores_form_curves_outputs_and_training_continues(qtbot, trained_file):
    path, outputs, points = trained_file
    window = open_window(qtbot)  # the default experiment, untrained
    actions = install_file_actions(window)
    assert run(qtbot, actions, actions.open_path, path) == ""
    assert window.state == "idle"
    assert window.form.experiment == FAST
    assert window.session.experiment == FAST
    history = window.session.history
    assert history.last_epoch == 60
    np.testing.assert_array_equal(history.latest_outputs, outputs)
    assert len(window.views["curves"].curves["loss"].xData) == points
    assert window.epoch_label.text() == "Epoch 60 / 60"
    assert "accuracy 1.000" in window.metrics_label.text()
    boundary = window.views["boundary"]
    qtbot.waitUntil(lambda: boundary.grid is not None, timeout=5_000)
    assert window.windowTitle().startswith("xor.playground")
    # No rebuild sneaks in after the form is filled (the preview waits 300 ms).
    qtbot.wait(500)
    assert window.session.history is history
    # Train continues the same model: epochs 61..120 join the restored curve.
    assert train(qtbot, window) == "finished"
    epochs = window.session.history.epochs
    assert len(epochs) == points + 60
    np.testing.assert_array_equal(epochs[points:], np.arange(61, 121))
    assert window.epoch_label.text() == "Epoch 120 / 120"
    assert len(window.views["curves"].curves["loss"].xData) == points + 60


def test_runs_are_saved_and_open_in_a_new_window(qtbot, tmp_path):
    """Two runs, one renamed and one ticked, saved; a new window that has runs of its own
    opens the file and shows the file's runs instead, with their numbers, and names on."""
    from PySide6.QtCore import Qt

    window = open_window(qtbot, FAST)
    actions = install_file_actions(window)
    runs = window.views["runs"]
    assert train(qtbot, window) == "finished"
    window.form.set_experiment(FAST.replace(seed=7, epochs=30))  # another model
    assert train(qtbot, window) == "finished"
    assert runs.values("Name") == ["Run 1", "Run 2"]
    runs.table.item(0, runs.columns.index("Name")).setText("adam, seed 0")  # a double-click
    runs.table.item(1, runs.columns.index("Show")).setCheckState(Qt.Checked)
    saved_rows = runs_table(window)
    assert saved_rows[0][:3] == ("adam, seed 0", "60", runs.values("Train loss")[0])
    assert saved_rows[1][:2] == ("Run 2", "30")
    finals = [r.final for r in runs.runs]
    path = tmp_path / "two runs.playground"
    assert run(qtbot, actions, actions.save_to, path) == ""
    with zipfile.ZipFile(path) as archive:
        assert "runs.json" in archive.namelist()
    window.close()

    fresh = open_window(qtbot)
    actions = install_file_actions(fresh)
    fresh.form.texts["epochs"].setText("5")
    assert train(qtbot, fresh) == "finished"
    view = fresh.views["runs"]
    assert view.values("Name") == ["Run 1"]  # to be replaced by the file's
    assert run(qtbot, actions, actions.open_path, path) == ""
    assert runs_table(fresh) == saved_rows
    assert [r.final for r in view.runs] == [pytest.approx(f, nan_ok=True) for f in finals]
    assert [r.shown for r in view.runs] == [False, True]
    assert view.legend_names == ["Run 2", "Run 2"]  # its curves over both charts
    # Training on records the next run under the next number.
    assert train(qtbot, fresh) == "finished"
    assert view.values("Name") == ["adam, seed 0", "Run 2", "Run 3"]
    assert view.values("Epochs")[-1] == "60"
    fresh.close()


def test_a_file_given_at_start_opens_once_tensorflow_is_in(qtbot, trained_file):
    """`python -m playground FILE`: the window asks to open before the worker is ready."""
    from playground.ui.main_window import MainWindow

    path, outputs, _ = trained_file
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    actions = install_file_actions(window)
    assert not window.loaded
    with qtbot.waitSignal(actions.finished, timeout=90_000) as blocker:
        actions.start([str(path)])
    assert blocker.args == ["open", str(path), ""]
    qtbot.waitUntil(lambda: window.state == "idle", timeout=10_000)
    qtbot.wait(500)  # the form's preview must not replace the opened model
    assert window.session.experiment == FAST
    np.testing.assert_array_equal(window.session.history.latest_outputs, outputs)
    window.close()


def test_exported_model_predicts_in_a_plain_script_what_the_app_showed(qtbot, window,
                                                                         tmp_path):
    actions = install_file_actions(window)
    window.form.set_experiment(FAST)
    assert train(qtbot, window) == "finished"
    assert window.session.experiment == FAST
    path = tmp_path / "xor.keras"
    assert run(qtbot, actions, actions.export_model_to, path) == ""
    probe = tmp_path / "probe.npy"
    np.save(probe, window.session.probe_x)
    result = tmp_path / "predicted.npy"
    script = textwrap.dedent(f"""
        import keras, numpy as np
        model = keras.models.load_model({str(path)!r})
        np.save({str(result)!r}, model.predict(np.load({str(probe)!r}), verbose=0))
    """)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    np.testing.assert_allclose(np.load(result), window.session.history.latest_outputs,
                               atol=1e-6)


def plain_keras_model(path, inputs=2, units=1):
    """A model made with plain Keras, as a learner's script would (computes AND)."""
    from playground.core.model.runtime import load

    _, keras = load()
    model = keras.Sequential([keras.Input((inputs,)),
                              keras.layers.Dense(units, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0),
                  loss="binary_crossentropy", metrics=["accuracy"])
    if inputs == 2 and units == 1:
        model.layers[0].set_weights([np.array([[4.0], [4.0]], np.float32),
                                     np.array([-6.0], np.float32)])
    model.save(path)
    return model


def test_open_a_plain_keras_model(qtbot, window, tmp_path):
    path = tmp_path / "and.keras"
    model = plain_keras_model(path)
    actions = install_file_actions(window)
    assert run(qtbot, actions, actions.open_path, path) == ""
    experiment = window.form.experiment
    assert experiment.dataset == "and" and experiment.layers == ()
    assert (experiment.optimizer, experiment.learning_rate) == ("sgd", 1.0)
    history = window.session.history
    expected = model.predict(window.session.probe_x, verbose=0)
    qtbot.waitUntil(lambda: window.session.history.latest_outputs is not None, timeout=5_000)
    np.testing.assert_allclose(window.session.history.latest_outputs, expected, atol=1e-6)
    np.testing.assert_allclose(history.latest_weights[0], [[4.0], [4.0]])
    assert window.state == "idle"
    boundary = window.views["boundary"]
    qtbot.waitUntil(lambda: boundary.grid is not None, timeout=5_000)
    assert window.windowTitle().startswith("and.keras")
    # Training starts from the opened weights; AND is already right.
    window.form.texts["epochs"].setText("5")
    assert train(qtbot, window) == "finished"
    assert window.session.history.last("accuracy") == 1.0


def test_a_model_that_fits_no_dataset_names_the_shapes(qtbot, window, tmp_path):
    path = tmp_path / "odd.keras"
    plain_keras_model(path, inputs=3, units=4)
    actions = install_file_actions(window)
    before = snapshot(window)
    message = run(qtbot, actions, actions.open_path, path)
    assert "input shape (None, 3) and output (None, 4) fit no dataset" in message
    assert actions.message_box.text() == message and actions.message_box.isVisible()
    assert_unchanged(window, before)


def test_bad_files_leave_the_window_as_it_was(qtbot, window, tmp_path, trained_file):
    path, _, _ = trained_file
    actions = install_file_actions(window)
    window.form.texts["epochs"].setText("7")
    assert train(qtbot, window) == "finished"
    before = snapshot(window)
    truncated = tmp_path / "truncated.playground"
    data = path.read_bytes()
    truncated.write_bytes(data[:len(data) // 3])
    foreign = tmp_path / "holiday.playground"
    foreign.write_bytes(b"\x89PNG\r\n\x1a\n not an experiment")
    fake_model = tmp_path / "fake.keras"
    fake_model.write_text("hello")
    bad_runs = tmp_path / "bad-runs.playground"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(bad_runs, "w") as new:
        for name in old.namelist():
            new.writestr(name, b'{"runs": [{"name": "R' if name == "runs.json"
                         else old.read(name))
    assert runs_table(window)  # the window's own run, which must stay
    cases = {truncated: "truncated or damaged", foreign: "not a Neural Playground file",
             bad_runs: "bad-runs.playground: the file is truncated or damaged (runs.json is "
                       "not valid JSON",
             fake_model: "is not a Keras model file",
             tmp_path / "gone.playground": "no such file"}
    for bad, expected in cases.items():
        message = run(qtbot, actions, actions.open_path, bad)
        assert expected in message, message
        assert actions.last_error == message
        assert_unchanged(window, before)


def test_unwritable_location_says_so_and_keeps_the_old_file(qtbot, window, tmp_path):
    actions = install_file_actions(window)
    a_file = tmp_path / "file.txt"
    a_file.write_text("keep me")
    message = run(qtbot, actions, actions.save_to, a_file / "x.playground")
    assert message.startswith("Could not save x.playground") and "is not a folder" in message
    message = run(qtbot, actions, actions.export_model_to, tmp_path / "nope" / "m.keras")
    assert "does not exist" in message
    assert a_file.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
    assert actions.path is None and "—" not in window.windowTitle()


def test_open_and_save_are_refused_while_training(qtbot, window, tmp_path, trained_file):
    path, _, _ = trained_file
    actions = install_file_actions(window)
    window.form.texts["epochs"].setText("1000000")
    window.train_action.trigger()
    qtbot.waitUntil(lambda: window.session.history.last_epoch > 5, timeout=30_000)
    assert "pause or stop it first" in run(qtbot, actions, actions.open_path, path)
    assert "pause or stop it first" in run(qtbot, actions, actions.save_to,
                                           tmp_path / "x.playground")
    with qtbot.waitSignal(window.training_idle, timeout=5_000):
        window.stop_action.trigger()
    assert not (tmp_path / "x.playground").exists()


def test_exports_plots_history_and_code(qtbot, window, tmp_path):
    actions = install_file_actions(window)
    window.form.texts["epochs"].setText("20")
    assert train(qtbot, window) == "finished"
    plots = actions.plots()
    loss = next(label for label in plots if "Loss" in label)
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml")):
        target = tmp_path / f"loss{suffix}"
        assert actions.export_plot(plots[loss], target) == ""
        assert target.read_bytes().startswith(magic)
    assert "choose a .png or .svg" in actions.export_plot(plots[loss], tmp_path / "loss.gif")

    csv = tmp_path / "history.csv"
    assert actions.export_history_csv(csv) == ""
    lines = csv.read_text().splitlines()
    assert lines[0] == "epoch,loss,accuracy"
    epochs = [int(line.split(",")[0]) for line in lines[1:]]
    assert sorted(set(epochs)) == list(range(21)) and epochs == sorted(epochs)
    assert len(lines) - 1 == len(window.session.history)

    dialog = actions.show_code()
    assert dialog.editor.isReadOnly()
    assert dialog.editor.toPlainText() == codegen.keras_script(window.form.experiment)
    dialog.copy()
    from PySide6.QtGui import QGuiApplication
    assert QGuiApplication.clipboard().text() == dialog.script
    script = tmp_path / "xor.py"
    assert dialog.save_to(script) == ""
    assert script.read_text() == dialog.script
    dialog.close()


def test_settings_remember_the_experiment_and_reset_to_defaults(qtbot, tmp_path):
    chosen = Experiment(dataset="sum-threshold", layers=(Layer(5, "tanh"),), loss="hinge",
                        optimizer="adam", learning_rate=0.01, epochs=30, batch_size=32,
                        validation_split=0.2)
    first = open_window(qtbot)
    actions = install_file_actions(first)
    actions.restore_settings()  # what the app does at start-up; nothing saved yet
    assert first.form.experiment == Experiment()
    first.form.set_experiment(chosen)
    first.close()  # remembered on close
    assert settings().value("last_experiment")

    second = open_window(qtbot)
    actions = install_file_actions(second)
    actions.restore_settings()
    assert second.form.experiment == chosen
    actions.reset_to_defaults()
    assert second.form.experiment == Experiment()
    assert settings().value("last_experiment") is None
    second.close()


def test_about_names_versions_and_places():
    text = about_text()
    for name in ("Neural Playground", "TensorFlow: 2.", "Keras: 3.", "Qt: 6.", "Python: 3."):
        assert name in text
    assert settings().fileName() in text
    assert str(persist.Path(os.environ["KERAS_HOME"])) in text
