"""Python's cycle collector runs in the GUI thread only, on a timer.

Left automatic, a collection starts in whichever thread happens to allocate past the threshold,
and the training thread allocates a lot (TensorFlow tracing). When that collection frees a Qt
object from a closed dialog, an old hint row or a previous window, its C++ destructor takes a
Qt lock and then waits for the GIL, while the GUI thread holds the GIL and waits for that lock:
the app hangs. pyqtgraph's `GarbageCollector` disables automatic collection and collects from
a GUI-thread timer instead (gen 0 only when it is due, older generations as Python would).
"""
from __future__ import annotations

from pyqtgraph.util.garbage_collector import GarbageCollector

#: Seconds between checks (collections only happen when Python's thresholds say one is due).
INTERVAL = 0.5

_collector: GarbageCollector | None = None


def collect_in_gui_thread() -> None:
    """Install the collector once per process; call from the GUI thread."""
    global _collector
    if _collector is None:
        _collector = GarbageCollector(interval=INTERVAL)
