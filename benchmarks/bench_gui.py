"""How responsive the window stays: start-up time, event-loop stalls while training, Stop latency.

    .venv/bin/python benchmarks/bench_gui.py            # offscreen unless QT_QPA_PLATFORM is set

- start-up: from process start to the window shown, and to TensorFlow loaded;
- stall: a 1 ms QTimer probe on the GUI thread records the longest gap between its ticks while
  the window trains XOR (2-4-1 tanh, SGD 0.5, batch 1) for 2,000 epochs in Qt's own event loop;
  target < 33 ms;
- stop: from clicking Stop on a long run to the window idle again (`training_idle`); target
  < 0.2 s.
"""
from __future__ import annotations

import os
import sys
import time

START = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def wait_for(app, condition, timeout=120.0):
    deadline = time.perf_counter() + timeout
    while not condition():
        app.processEvents()
        time.sleep(0.001)
        if time.perf_counter() > deadline:
            raise TimeoutError


class StallProbe:
    """Ticks every millisecond on the GUI thread; remembers the longest gap between ticks."""

    def __init__(self):
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)
        self.gaps = []

    def start(self):
        self.gaps.clear()
        self.clock.start()
        self.timer.start()

    def stop(self):
        self.timer.stop()

    def _tick(self):
        self.gaps.append(self.clock.restart())


def main() -> None:
    app = QApplication([])
    from playground.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    app.processEvents()
    shown = time.perf_counter() - START
    wait_for(app, lambda: window.loaded and window.state == "idle")
    loaded = time.perf_counter() - START

    ends = []
    window.training_idle.connect(ends.append)
    window.form.texts["epochs"].setText("2000")
    wait_for(app, lambda: window.state == "idle")
    probe = StallProbe()
    loop = QEventLoop()
    window.training_idle.connect(loop.quit)
    probe.start()
    started = time.perf_counter()
    window.train()
    loop.exec()  # Qt's own event loop, as the app runs it (not processEvents in a Python loop)
    seconds = time.perf_counter() - started
    probe.stop()
    gaps = sorted(probe.gaps)
    epochs_per_second = 2000 / seconds

    latencies = []
    window.form.texts["epochs"].setText("1000000")
    for _ in range(5):
        ends.clear()
        window.train()
        wait_for(app, lambda: window.session.history.last_epoch > 0 and window.state == "training")
        time.sleep(0.3)
        clicked = time.perf_counter()
        window.stop()
        wait_for(app, lambda: bool(ends))
        latencies.append(time.perf_counter() - clicked)
    window.close()

    print(f"window shown after start         {shown * 1000:8.0f} ms")
    print(f"TensorFlow loaded, model shown   {loaded * 1000:8.0f} ms")
    print(f"XOR 2,000 epochs in the window   {seconds:8.2f} s  ({epochs_per_second:,.0f} epochs/s)")
    print(f"event-loop gap: longest          {gaps[-1]:8.0f} ms   (target < 33 ms)")
    print(f"event-loop gap: 99th percentile  {gaps[int(len(gaps) * 0.99)]:8.0f} ms")
    print(f"Stop latency: worst of 5         {max(latencies) * 1000:8.0f} ms   (target < 200 ms)")


if __name__ == "__main__":
    main()
