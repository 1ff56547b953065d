"""Costly NumPy work of a view (a layer map, saliency maps) in a daemon thread, so the GUI
thread never waits for it: the view polls `done` from a timer and reads `result` or `error`."""
from __future__ import annotations

import threading


class InThread:
    """`work()` in a daemon thread; `result` (or `error`, one line) once `done`."""

    def __init__(self, work):
        self.result, self.error, self.done = None, "", threading.Event()

        def run():
            try:
                self.result = work()
            except Exception as error:  # noqa: BLE001 (one line to the user)
                self.error = f"{type(error).__name__}: {error}"
            finally:
                self.done.set()
        threading.Thread(target=run, name="view-work", daemon=True).start()
