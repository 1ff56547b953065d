"""The session's redraw turns: one job per event-loop turn, in order, then what waits for them."""
from __future__ import annotations

from PySide6.QtCore import QTimer

from playground.ui.session import Session


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


def test_a_streamed_redraw_is_throttled_while_a_run_streams_in_and_prompt_after(qtbot):
    import time

    from PySide6.QtCore import QObject

    from playground.ui.session import StreamedRedraw

    session, owner = Session(), QObject()
    stamps = []
    StreamedRedraw(session, lambda: stamps.append(time.perf_counter()), lambda: 0.2, owner)
    session.streaming = True
    started = time.perf_counter()
    while time.perf_counter() - started < 0.5:  # epochs arriving ~100 times a second
        session.history_changed.emit()
        qtbot.wait(10)
    assert 2 <= len(stamps) <= 4 and min(b - a for a, b in zip(stamps, stamps[1:])) >= 0.19
    session.streaming = False  # the run ended: its last state is drawn at the next turn
    count = len(stamps)
    session.history_changed.emit()
    assert len(stamps) == count
    qtbot.waitUntil(lambda: len(stamps) == count + 1, timeout=100)
