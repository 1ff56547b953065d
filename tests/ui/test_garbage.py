"""The cycle collector: in the GUI thread, and a full (slow) collection only when one is due.

A full collection with TensorFlow loaded scanned ~300,000 objects on the GUI thread (~140 ms, the
longest stall `bench_gui --tabs` found, in whichever tab was in front). These tests count the
collections Python reports (`gc.callbacks`), never time them. They drive the collector's check
directly and process no events, so the app's own timer does not collect meanwhile.
"""
from __future__ import annotations

import gc

import pytest

from playground.ui.garbage import GROWTH, Collector


class Cycle:
    def __init__(self, freed: list | None = None):
        self.me = self
        self.freed = freed

    def __del__(self):
        if self.freed is not None:
            self.freed.append(1)


@pytest.fixture
def collections(qtbot):
    """The generation of every collection while the test runs."""
    seen = []

    def note(phase, info):
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)


def test_short_lived_garbage_never_triggers_a_full_collection(collections):
    collector = Collector(interval=3600)  # checked by hand below
    freed = []
    threshold = gc.get_threshold()
    # Garbage until well over `threshold[2]` generation-1 collections happened (however many
    # counts earlier tests left): the old collector (pyqtgraph's) ran a full collection after
    # every tenth of them.
    for _ in range(20 * threshold[1] * (threshold[2] + 3)):  # a cap, never reached
        if collections.count(1) > threshold[2] + 2:
            break
        for _ in range(threshold[0] + 1):
            Cycle(freed)
        collector.check()
    assert collections.count(1) > threshold[2] + 2
    assert freed  # the cycles were collected …
    assert 2 not in collections  # … without scanning every object in the process
    assert collector.full_collections == 0


def test_a_full_collection_runs_once_the_oldest_generation_has_grown(collections):
    collector = Collector(interval=3600)
    freed = []
    old_cycle = [Cycle(freed)]
    gc.collect(1)  # it survives into the oldest generation, then becomes garbage there
    old_cycle.clear()
    # Long-lived objects: the oldest generation grows by more than a quarter.
    kept = [[i] for i in range(int((GROWTH + 0.1) * max(len(gc.get_objects(2)), 1000)))]
    threshold = gc.get_threshold()
    for _ in range(20 * threshold[1] * (threshold[2] + 3)):  # a cap, never reached
        for _ in range(threshold[0] + 1):
            Cycle()
        collector.check()
        if collector.full_collections:
            break
    assert 2 in collections and collector.full_collections == 1
    assert freed == [1]  # the old cycle was freed by it
    assert kept


def test_tensorflow_is_frozen_out_of_collections_once_loaded(window):
    # What the app loaded (TensorFlow's modules, the first graphs) lives as long as it does: a
    # full collection no longer scans it.
    assert not gc.isenabled()
    assert gc.get_freeze_count() > 50_000
