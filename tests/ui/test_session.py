"""The session's redraw turns: one job per event-loop turn, in order, then what waits for them."""
from __future__ import annotations

from PySide6.QtCore import QTimer

from playground.ui.session import Session, StreamedRedraw


def test_jobs_run_one_per_turn_in_order_and_a_waiting_job_keeps_its_place(qtbot):
    session = Session()
    ran = []

    def first():
        ran.append("first")

    def second():
        ran.append("second")

    session.in_turn(first)
    session.in_turn(second)
    session.in_turn(first)  # already waiting: not twice, and still before `second`
    assert ran == []  # nothing runs in the turn that queued it
    qtbot.waitUntil(lambda: len(ran) == 2)
    assert ran == ["first", "second"]


def test_each_job_gets_a_turn_of_its_own(qtbot):
    # A repeating 0 ms timer ticks once each pass of the event loop; jobs that each see a
    # later tick ran in passes of their own, so each one's drawing is painted on its own.
    session = Session()
    ticks = [0]
    timer = QTimer(interval=0, timeout=lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start()
    seen = []
    for _ in range(4):
        session.in_turn(lambda: seen.append(ticks[0]))
        session.in_turn(lambda: seen.append(ticks[0]))  # another lambda: another job
    qtbot.waitUntil(lambda: len(seen) == 8)
    timer.stop()
    assert all(later > earlier for earlier, later in zip(seen, seen[1:]))


def test_when_drawn_waits_for_the_jobs_that_jobs_queue(qtbot):
    # At a run's end the window turns idle only after every view has drawn it, including
    # the chart the Outputs table queues behind itself.
    session = Session()
    ran = []

    def table():
        ran.append("table")
        session.in_turn(lambda: ran.append("chart"))

    session.in_turn(table)
    session.when_drawn(lambda: ran.append("idle"))
    qtbot.waitUntil(lambda: "idle" in ran)
    assert ran == ["table", "chart", "idle"]


class FakeClock:
    """Seconds that pass only when a test says so."""

    def __init__(self, now: float = 100.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def one_turn(qtbot, session: Session) -> None:
    """Let the session's queued turns run: a job queued now runs after them."""
    done = []
    session.in_turn(lambda: done.append(True))
    qtbot.waitUntil(lambda: done == [True])


def streamed(session: Session, clock: FakeClock, pause: float = 0.2):
    """A StreamedRedraw (owned by the session) that notes the clock each time it draws."""
    drawn = []
    redraw = StreamedRedraw(session, lambda: drawn.append(clock.now), lambda: pause, session,
                            clock=clock)
    return redraw, drawn


def test_a_streamed_redraw_waits_out_its_pause_while_a_run_streams_in(qtbot):
    session, clock = Session(), FakeClock()
    redraw, drawn = streamed(session, clock)
    session.streaming = True
    session.history_changed.emit()  # the run's first report: drawn in a turn of its own
    assert drawn == []
    one_turn(qtbot, session)
    assert drawn == [100.0]
    clock.now = 100.05  # 50 ms later: five more reports within the 0.2 s pause
    for _ in range(5):
        session.history_changed.emit()
    one_turn(qtbot, session)
    assert drawn == [100.0]  # put off ...
    assert redraw._later.isActive() and redraw._later.interval() == 151  # ... for the rest
    clock.now = 100.25
    qtbot.waitUntil(lambda: len(drawn) == 2)
    one_turn(qtbot, session)
    assert drawn == [100.0, 100.25]  # once for the five reports
    clock.now = 100.5  # a pause after the last redraw: the next report draws at once
    session.history_changed.emit()
    assert not redraw._later.isActive()
    one_turn(qtbot, session)
    assert drawn == [100.0, 100.25, 100.5]


def test_a_streamed_redraw_is_prompt_once_the_run_ends(qtbot):
    session, clock = Session(), FakeClock()
    redraw, drawn = streamed(session, clock)
    session.streaming = True
    session.history_changed.emit()
    one_turn(qtbot, session)
    clock.now += 0.01
    session.history_changed.emit()  # within the pause: put off
    assert redraw._later.isActive()
    session.streaming = False  # the run ended: its last state is drawn at the next turn
    session.history_changed.emit()
    assert not redraw._later.isActive() and len(drawn) == 1
    one_turn(qtbot, session)
    assert drawn == [100.0, 100.01]
