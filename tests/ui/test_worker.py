"""The worker thread must keep TensorFlow alive between separate commands."""
from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
    from playground.core.experiment import Experiment
    from playground.ui.worker import WorkerThread

    app = QCoreApplication([])
    threads = WorkerThread()
    ends = []

    class Commands(QObject):
        load = Signal()
        build = Signal(object)
        train = Signal(object, int)

    commands = Commands()
    commands.load.connect(threads.worker.load)
    commands.build.connect(threads.worker.build)
    commands.train.connect(threads.worker.train)

    def on_idle(reason):
        ends.append(reason)
        if len(ends) == 2:
            app.quit()

    threads.worker.idle.connect(on_idle)
    threads.worker.failed.connect(lambda message: (print(message), app.exit(3)))
    # Three queued calls, each a separate slot invocation in the worker thread.
    commands.load.emit()
    commands.build.emit(Experiment(epochs=5))
    commands.train.emit(Experiment(epochs=5), 0)
    QTimer.singleShot(60_000, lambda: app.exit(4))
    code = app.exec()
    threads.shutdown()
    print("ends", ends)
    raise SystemExit(code)
""")


def test_tensorflow_survives_separate_slot_calls():
    # With PySide6's default QThread.run(), the second slot that touched a tensor segfaulted
    # (TensorFlow's thread-local eager context died with the Python thread state). A crash
    # would kill pytest itself, so this runs in a child process.
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ends ['reset', 'finished']" in result.stdout


def test_garbage_is_collected_in_the_gui_thread_only(window, qtbot):
    # A collection that starts in the training thread can free a Qt object there; its
    # destructor then waits for the GIL while the GUI thread waits for Qt's lock: a hang
    # (seen when hint rows and closed windows were collected while the worker traced).
    import gc
    import threading

    assert not gc.isenabled()  # no collection starts by itself in whichever thread allocates
    freed_in = []

    class Cycle:
        def __init__(self):
            self.me = self

        def __del__(self):
            freed_in.append(threading.current_thread() is threading.main_thread())

    for _ in range(gc.get_threshold()[0] + 1):  # enough garbage for a gen-0 collection
        Cycle()
    qtbot.waitUntil(lambda: len(freed_in) > 0, timeout=5_000)
    assert all(freed_in)


PAINT_FIRST = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication
    from playground.ui.main_window import MainWindow

    app = QApplication([])
    window = MainWindow()
    seen = []

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint and not seen:
                seen.append("tensorflow" in sys.modules)
            return False

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    window.show()
    deadline = time.monotonic() + 90
    while not window.loaded and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    print("tensorflow imported at first paint:", seen[0], "loaded:", window.loaded)
    window.close()
""")


def test_the_window_paints_before_tensorflow_is_imported():
    # Importing TensorFlow holds the GIL for seconds; begun before the first paint, it kept
    # the window blank for ~0.5 s more. A fresh process, since this one has TensorFlow.
    result = subprocess.run([sys.executable, "-c", PAINT_FIRST], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "tensorflow imported at first paint: False loaded: True" in result.stdout
