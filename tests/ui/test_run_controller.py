"""The run controller in the real window: its state table, what each state enables, training
settings that keep the model, and files (open, save, close during a save, a new example)."""
from __future__ import annotations

import contextlib
import threading

import pytest

from playground.core.experiment import Experiment
from playground.core.files import experiment_file as persist
from playground.ui.menus.examples import install_examples
from playground.ui.run_controller import (TRANSITIONS, IllegalTransition, RunController,
                                          RunState)
from playground.ui.session import Session
from tests.ui.gui import open_window, train

S = RunState
FAST = Experiment(optimizer="adam", learning_rate=0.05, epochs=60, batch_size=4)


def record(window) -> list[tuple]:
    """Every state the controller passes through, with what the window showed in it:
    (state, status text, Train, Pause text, Pause, Step, Stop, Reset enabled)."""
    seen = []

    def note(state):
        seen.append((state, window.state_label.text(), window.train_action.isEnabled(),
                     window.pause_action.text(), window.pause_action.isEnabled(),
                     window.step_action.isEnabled(), window.stop_action.isEnabled(),
                     window.reset_action.isEnabled()))
    window.run.state_changed.connect(note)
    return seen


def states(seen) -> list[RunState]:
    return [entry[0] for entry in seen]


def saved_file(qtbot, window, path) -> None:
    with qtbot.waitSignal(window.file_actions.finished, timeout=60_000) as blocker:
        window.file_actions.save_to(path)
    assert blocker.args[2] == ""


# ----- the table ------------------------------------------------------------------------------

def test_every_move_outside_the_table_is_refused_and_every_state_has_a_way_out(qtbot):
    controller = RunController(Session())
    try:
        assert set(TRANSITIONS) == set(RunState)
        for state in RunState:
            assert TRANSITIONS[state], f"{state} is a dead end"
            for target in set(RunState) - TRANSITIONS[state] - {state}:
                controller.state = state
                with pytest.raises(IllegalTransition):
                    controller._go(target)
                assert controller.state is state
        # Every state is reached from the start.
        reached, todo = {S.LOADING}, [S.LOADING]
        while todo:
            for target in TRANSITIONS[todo.pop()] - reached:
                reached.add(target)
                todo.append(target)
        assert reached == set(RunState)
    finally:
        controller.shutdown()


def test_train_pause_step_resume_stop_enable_what_each_state_allows(qtbot, window):
    window.form.texts["epochs"].setText("1000000")
    seen = record(window)
    window.train_action.trigger()
    qtbot.waitUntil(lambda: window.session.history.last_epoch > 20, timeout=30_000)
    with qtbot.waitSignal(window.training_idle, timeout=5_000):
        window.pause_action.trigger()
    paused_at = window.session.history.last_epoch
    with qtbot.waitSignal(window.training_idle, timeout=5_000) as step:
        window.step_action.trigger()
    assert step.args == ["step"] and window.session.history.last_epoch == paused_at + 1
    assert window.state is S.PAUSED and window.pause_action.text() == "Resume"
    window.pause_action.trigger()  # Resume: on towards 1,000,000, not one epoch more
    qtbot.waitUntil(lambda: window.session.history.last_epoch > paused_at + 20, timeout=30_000)
    with qtbot.waitSignal(window.training_idle, timeout=5_000) as stop:
        window.stop_action.trigger()
    assert stop.args == ["stopped"]

    assert states(seen) == [S.TRAINING, S.PAUSING, S.FINISHING, S.PAUSED,       # Pause
                            S.TRAINING, S.FINISHING, S.PAUSED,                  # Step
                            S.TRAINING, S.STOPPING, S.FINISHING, S.IDLE]        # Resume, Stop
    shown = {entry[0]: entry[1:] for entry in seen}
    #                 text             Train  Pause text  Pause  Step   Stop   Reset
    assert shown[S.TRAINING] == ("<b>Training…</b>", False, "Pause", True, False, True, False)
    assert shown[S.PAUSED] == ("<b>Paused</b>", True, "Resume", True, True, True, True)
    assert shown[S.STOPPING][1:] == (False, "Pause", False, False, False, False)
    assert shown[S.IDLE] == ("<b>Ready</b>", True, "Pause", False, True, False, True)


def test_a_new_learning_rate_trains_the_same_model_on_from_where_it_was(qtbot, window):
    window.form.texts["epochs"].setText("30")
    assert train(qtbot, window) == "finished"
    trained = window.session.history.latest_weights
    trained_loss = window.session.history.last("loss")
    seen = record(window)
    window.form.learning_rate.setEditText("0.1")
    window.form.texts["epochs"].setText("50")
    qtbot.wait(400)  # the form's preview: a training setting alone builds nothing
    assert S.PREPARING not in states(seen)
    assert train(qtbot, window) == "finished"
    history = window.session.history
    assert list(history.epochs) == list(range(51))  # one run, epochs 0..50
    assert history.metric("loss")[30] == trained_loss  # its first 30 epochs: the first Train
    assert window.session.experiment.learning_rate == 0.1
    epoch, weights = history.weights_at(30)
    assert epoch == 30 and [w.tolist() for w in weights] == [w.tolist() for w in trained]
    assert window.epoch_label.text() == "Epoch 50 / 50"


def test_save_after_a_new_learning_rate_writes_the_rate_the_weights_train_with_next(
        qtbot, window, tmp_path):
    window.form.texts["epochs"].setText("20")
    assert train(qtbot, window) == "finished"
    window.form.learning_rate.setEditText("0.1")
    path = tmp_path / "next.playground"
    saved_file(qtbot, window, path)
    saved = persist.read_run(path)
    assert saved.experiment.learning_rate == 0.1 and saved.history.last_epoch == 20


def test_two_examples_chosen_in_a_row_end_with_the_second_trained(qtbot, window):
    from playground.core.teaching import examples as teaching

    controller = install_examples(window, start_page=False)
    ends = []
    window.training_idle.connect(ends.append)
    controller.load("xor-hidden-layer")  # 1,000 epochs: still training when the next comes
    controller.load("and-single-neuron")
    second = teaching.get("and-single-neuron").experiment
    qtbot.waitUntil(lambda: "finished" in ends and window.state is S.IDLE, timeout=60_000)
    qtbot.wait(300)  # nothing of the first example comes after
    assert window.session.experiment == second and window.form.experiment == second
    assert window.session.history.last_epoch == second.epochs
    assert ends.count("finished") == 1


# ----- files ----------------------------------------------------------------------------------

def test_opening_a_file_never_shows_training_nor_enables_pause_and_stop(qtbot, tmp_path):
    first = open_window(qtbot, FAST)
    assert train(qtbot, first) == "finished"
    path = tmp_path / "xor.playground"
    saved_file(qtbot, first, path)
    first.close()

    window = open_window(qtbot)
    try:
        seen = record(window)
        with qtbot.waitSignal(window.file_actions.finished, timeout=60_000) as blocker:
            window.file_actions.open_path(path)
        assert blocker.args[2] == ""
        assert states(seen) == [S.OPENING, S.FINISHING, S.IDLE]
        assert not any("Training" in text for _state, text, *_ in seen)
        assert "Opening" in seen[0][1]
        assert not any(pause or stop for *_, pause, _step, stop, _reset in seen[:2])
        assert window.session.history.last_epoch == 60
    finally:
        window.close()


def test_an_example_after_an_opened_file_is_untitled_and_save_asks_where(
        qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    window.form.texts["epochs"].setText("5")
    assert train(qtbot, window) == "finished"
    path = tmp_path / "mine.playground"
    saved_file(qtbot, window, path)
    assert window.windowTitle().startswith("mine.playground")
    before = path.read_bytes()

    examples = install_examples(window, start_page=False)
    examples.load("and-single-neuron", train=False)
    qtbot.waitUntil(lambda: window.state is S.IDLE, timeout=30_000)
    assert "mine.playground" not in window.windowTitle()
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (asked.append(args), ("", ""))[1])
    window.file_actions.save_action.trigger()  # Ctrl+S
    assert len(asked) == 1 and path.read_bytes() == before


def test_closing_during_a_save_waits_for_it_and_leaves_no_temporary_file(
        qtbot, tmp_path, monkeypatch, qt_messages):
    # Closing 0.3 s into a long save blocked, then aborted the process (a thread destroyed
    # while it ran) and left a hidden temporary file beside the target. The writer here
    # holds the save half-way (its temporary file written, not yet renamed) until released.
    writing, release = threading.Event(), threading.Event()
    original = persist.atomic_path

    @contextlib.contextmanager
    def slow_atomic_path(target, suffix=""):
        with original(target, suffix) as temp:
            yield temp
            writing.set()
            release.wait(60)  # a safety net for a broken test, not a timing

    monkeypatch.setattr(persist, "atomic_path", slow_atomic_path)
    window = open_window(qtbot, FAST.replace(epochs=10))
    assert train(qtbot, window) == "finished"
    path = tmp_path / "big.playground"
    window.file_actions.save_to(path)
    qtbot.waitUntil(writing.is_set, timeout=30_000)
    assert window.state is S.SAVING
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # half-way

    window.close()
    assert window.isVisible() and window.close_pending
    assert "closes as soon as the file is written" in window.message_label.text()
    with qtbot.waitSignal(window.closing, timeout=30_000):
        release.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert window.workers.thread.isFinished()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.playground"]
    assert persist.read_run(path).history.last_epoch == 10
    assert not [m for m in qt_messages if "QThread" in m]


# ----- closing with unsaved work --------------------------------------------------------------

def answer_when_asked(qtbot, window, button) -> list[str]:
    """Click `button` in the Save / Discard / Cancel question as soon as it shows."""
    from PySide6.QtCore import QTimer

    asked = []

    def click():
        box = window.file_actions.unsaved.box
        if box is None:
            QTimer.singleShot(10, click)
            return
        asked.append(box.text())
        box.button(button).click()
    QTimer.singleShot(0, click)
    return asked


def test_closing_with_a_trained_model_asks_and_cancel_keeps_everything(qtbot, window):
    from PySide6.QtWidgets import QMessageBox

    window.file_actions.unsaved.enabled = True  # as the app sets it
    window.form.texts["epochs"].setText("15")
    assert train(qtbot, window) == "finished"
    asked = answer_when_asked(qtbot, window, QMessageBox.Cancel)
    window.close()
    assert asked and "Save the trained model" in asked[0]
    assert window.isVisible() and window.session.history.last_epoch == 15
    assert window.train_action.isEnabled()
    asked = answer_when_asked(qtbot, window, QMessageBox.Discard)
    window.close()
    assert asked and not window.isVisible()


def test_save_on_close_writes_the_file_then_closes(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    unsaved = window.file_actions.unsaved
    unsaved.enabled = True
    path = tmp_path / "kept.playground"
    assert not unsaved.pending()  # an untrained model: nothing to lose, nothing asked
    window.form.texts["epochs"].setText("10")
    assert train(qtbot, window) == "finished"
    saved_file(qtbot, window, path)
    assert not unsaved.pending()  # all in the file
    window.form.texts["epochs"].setText("25")
    assert train(qtbot, window) == "finished"
    assert unsaved.pending()
    asked = answer_when_asked(qtbot, window, QMessageBox.Save)
    with qtbot.waitSignal(window.closing, timeout=30_000):
        window.close()
    assert asked
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert persist.read_run(path).history.last_epoch == 25
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.playground"]


@pytest.mark.parametrize("arrives_in", [S.PREPARING, S.FINISHING])
def test_a_change_made_while_the_last_one_is_still_being_built_is_shown_not_lost(qtbot,
                                                                                 arrives_in):
    # Two quick clicks on the drawn-points plot on a busy machine: the second preview arrives
    # while the first model is still being built or drawn. It used to be dropped, so the data
    # never got the second point although the form showed it.
    window = open_window(qtbot, FAST)
    first, second = FAST.replace(seed=FAST.seed + 1), FAST.replace(seed=FAST.seed + 2)
    sent = []

    def second_change(state):
        if state is arrives_in and not sent:
            sent.append(state)
            window.run.preview(second)
    window.run.state_changed.connect(second_change)
    window.run.preview(first)
    qtbot.waitUntil(lambda: window.session.experiment == second and window.state == "idle",
                    timeout=30_000)
    assert sent == [arrives_in]
