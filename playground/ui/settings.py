"""What the app remembers between launches (QSettings): the last experiment, the window layout,
recent files and the last folder used; and "Reset to defaults".

The store is `QSettings("Neural Playground", "Neural Playground")` (on Linux
`$XDG_CONFIG_HOME/Neural Playground/Neural Playground.conf`; the tests point XDG_CONFIG_HOME at
a temporary folder). The experiment and layout are restored only when the app asks
(`restore`), so windows opened by tests start from the defaults.
"""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QSettings, QStandardPaths
from PySide6.QtWidgets import QSplitter

from playground.core.experiment import Experiment, ExperimentError

ORGANIZATION = APPLICATION = "Neural Playground"
MAX_RECENT = 8
LAYOUT_KEYS = ("last_experiment", "window/geometry", "window/state", "window/splitters")


def settings() -> QSettings:
    """The app's settings store."""
    return QSettings(ORGANIZATION, APPLICATION)


def _experiment(text) -> Experiment | None:
    """The remembered experiment, or None when it cannot be read (from an older version,
    edited by hand, or nested too deep for the JSON reader)."""
    try:
        return Experiment.from_dict(json.loads(str(text))).check()
    except (ValueError, ExperimentError, TypeError, AttributeError, KeyError, RecursionError):
        return None


class RememberedSettings(QObject):
    """Restores and keeps one window's experiment and layout; keeps the recent files."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.store = settings()
        #: True once `restore` ran: the experiment and layout are kept again on close.
        self.remember = False
        #: What `restore` could not read from the settings file ("" when all was fine).
        self.problem = ""
        self._defaults = (window.saveState(), window.size(), self._splitter_states())
        # A signal, not an event filter on the window: a Python filter there would run for every
        # event the window gets (each report, each repaint), taking the GIL each time.
        window.closing.connect(self._on_close)

    # ----- experiment and layout -----
    def restore(self) -> None:
        """Bring back the last experiment and window layout; keep them again on close.

        Whatever the settings file holds (edited by hand, from another version, damaged), the
        window starts: what cannot be read is dropped, the default stays, and the status bar
        says so once.
        """
        self.remember = True
        s, w = self.store, self.window
        lost = []
        layout = [("window/geometry", w.restoreGeometry), ("window/state", w.restoreState)]
        for key, apply in layout:
            if not self._apply(key, apply):
                lost.append(key)
        splitters = s.value("window/splitters")
        if splitters is not None:
            values = splitters if isinstance(splitters, list) else [splitters]
            pairs = list(zip(self._splitters(), values))
            if not all(self._readable(value) for _, value in pairs):
                s.remove("window/splitters")  # restore none rather than half of them
                lost.append("window/splitters")
            else:
                for splitter, value in pairs:
                    splitter.restoreState(value)
        text = s.value("last_experiment")
        if text:
            experiment = _experiment(text)
            if experiment is None:
                s.remove("last_experiment")
                lost.append("last_experiment")
            else:
                w.form.set_experiment(experiment)
        if lost:
            what = " and ".join(filter(None, (
                "the window layout" if any(k.startswith("window/") for k in lost) else "",
                "the last experiment" if "last_experiment" in lost else "")))
            self.problem = (f"Could not read {what} from the settings file; using the "
                            f"default instead ({s.fileName()}).")
            w.statusBar().showMessage(self.problem, 15_000)

    def _apply(self, key: str, apply) -> bool:
        """Give the stored bytes under `key` to `apply`; False (and the key dropped) when they
        are not a layout Qt can read."""
        value = self.store.value(key)
        if value is None:
            return True
        if self._readable(value) and apply(value):
            return True
        self.store.remove(key)
        return False

    @staticmethod
    def _readable(value) -> bool:
        return isinstance(value, (QByteArray, bytes, bytearray))

    def save(self) -> None:
        w, s = self.window, self.store
        experiment = w.form.experiment or w.session.experiment
        if experiment is not None:
            s.setValue("last_experiment", json.dumps(experiment.to_dict()))
        s.setValue("window/geometry", w.saveGeometry())
        s.setValue("window/state", w.saveState())
        s.setValue("window/splitters", self._splitter_states())
        s.sync()

    def reset(self) -> None:
        """The default experiment in the form, and the window's first layout."""
        for key in LAYOUT_KEYS:
            self.store.remove(key)
        state, size, splitters = self._defaults
        w = self.window
        w.restoreState(state)
        if not (w.isMaximized() or w.isFullScreen()):
            w.resize(size)
        for splitter, value in zip(self._splitters(), splitters):
            splitter.restoreState(value)
        w.form.set_experiment(Experiment())

    def _splitters(self) -> list[QSplitter]:
        return self.window.findChildren(QSplitter)

    def _splitter_states(self) -> list:
        return [splitter.saveState() for splitter in self._splitters()]

    def _on_close(self) -> None:
        if self.remember:
            self.save()

    # ----- recent files -----
    def recent_files(self) -> list[str]:
        value = self.store.value("recent_files", [])
        if isinstance(value, str):  # QSettings gives a one-item list back as a string
            value = [value]
        return [str(v) for v in value or []]

    def add_recent(self, path: str) -> None:
        path = str(Path(path).absolute())
        files = [path] + [p for p in self.recent_files() if p != path]
        self.store.setValue("recent_files", files[:MAX_RECENT])
        self.store.setValue("last_folder", str(Path(path).parent))

    def forget_recent(self, path: str) -> None:
        path = str(Path(path).absolute())
        self.store.setValue("recent_files", [p for p in self.recent_files() if p != path])

    def clear_recent(self) -> None:
        self.store.remove("recent_files")

    def folder(self) -> str:
        """Where file dialogs start: the last folder used, else Documents, else home."""
        folder = self.store.value("last_folder")
        if folder and Path(str(folder)).is_dir():
            return str(folder)
        return QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or \
            str(Path.home())
