"""Python's cycle collector runs in the GUI thread only, on a timer, and seldom scans it all.

Left automatic, a collection starts in whichever thread happens to allocate past the threshold,
and the training thread allocates a lot (TensorFlow tracing). When that collection frees a Qt
object from a closed dialog, an old hint row or a previous window, its C++ destructor takes a
Qt lock and then waits for the GIL, while the GUI thread holds the GIL and waits for that lock:
the app hangs. So automatic collection is off and a GUI-thread timer collects instead (the idea
of pyqtgraph's `GarbageCollector`).

With TensorFlow loaded the heap holds ~300,000 objects and a full (generation 2) collection
scans them all: 80–140 ms on the GUI thread, a visible stall. pyqtgraph's collector ran one
every tenth generation-1 collection — every few seconds while a view built Keras models. Two
things keep them rare and short:
- once TensorFlow is loaded, what is alive is frozen (`gc.freeze`): TensorFlow's and Keras's
  modules and the window live as long as the app, and a full collection no longer scans them;
- a full collection runs only when generation 2 has grown by a quarter since the last one —
  CPython's own rule for its automatic collector (gcmodule.c, "long_lived_pending"), which
  pyqtgraph's manual `gc.collect(2)` skipped. (Python 3.14.0–3.14.4's incremental collector
  counts differently; the checks still collect, only not by that rule.)
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QTimer

#: Seconds between checks (collections only happen when Python's thresholds say one is due).
INTERVAL = 0.5
#: A full collection once generation 2 has grown by this share since the last one.
GROWTH = 0.25


class Collector:
    """Collects from a GUI-thread timer: young generations when Python's thresholds say so,
    the oldest when it has grown by `GROWTH`."""

    def __init__(self, interval: float = INTERVAL):
        self.threshold = gc.get_threshold()
        self.full_collections = 0
        self._left = len(gc.get_objects(2))  # generation 2 after the last full collection
        gc.disable()
        self.timer = QTimer()
        self.timer.timeout.connect(self.check)
        self.timer.start(int(interval * 1000))

    def check(self) -> None:
        young, middle, old = gc.get_count()
        if young <= self.threshold[0]:
            return
        gc.collect(0)
        if middle <= self.threshold[1]:
            return
        gc.collect(1)
        if old > self.threshold[2]:
            self._maybe_full()

    def _maybe_full(self) -> None:
        # Counting generation 2 takes a few milliseconds at most once TensorFlow is frozen.
        if len(gc.get_objects(2)) - self._left > GROWTH * max(self._left, 1):
            gc.collect(2)
            self.full_collections += 1
            self._left = len(gc.get_objects(2))

    def freeze(self) -> None:
        """Collect once, then keep what is alive out of every later collection (TensorFlow's
        modules and graphs: they live as long as the app)."""
        gc.collect()
        gc.freeze()
        self._left = len(gc.get_objects(2))


_collector: Collector | None = None


def collect_in_gui_thread() -> Collector:
    """Install the collector once per process; call from the GUI thread."""
    global _collector
    if _collector is None:
        _collector = Collector()
    return _collector


def freeze_what_is_loaded() -> None:
    """Call on the GUI thread once TensorFlow is loaded."""
    if _collector is not None and not gc.get_freeze_count():
        _collector.freeze()
