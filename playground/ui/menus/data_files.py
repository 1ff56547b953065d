"""Getting MNIST / Fashion-MNIST onto the computer: a download with progress and Cancel, or an
import of files the user already has.

The worker reports a dataset whose files are not in Keras's cache (`missing_data(key)`); the
main window hands the key to `DataFilesDialog.show_missing`, which names the files and the folder
Keras expects them in, and starts downloading them in a background thread at once (as Keras
would on first use) while the window stays usable. Without a network the download fails with
that same information and "Import files…" copies local files into place. `core.downloads` does
the work and guarantees that a cancelled or failed transfer leaves no partial file. When the
files are in place, `files_ready(key)` asks the window to try again.
"""
from __future__ import annotations

import threading
from urllib.parse import urlparse
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QProgressBar,
                               QPushButton, QVBoxLayout)

from playground.core.data import registry as datasets
from playground.core.data import downloads
from playground.ui.widgets.note import set_tone

FILE_FILTERS = {
    "mnist": "MNIST (mnist.npz *.npz);;All files (*)",
    "fashion-mnist": "Fashion-MNIST (*.gz);;All files (*)",
}


def size_text(count: int | None) -> str:
    """Bytes as a person reads them: 11.5 MB, 29 kB."""
    if count is None:
        return "?"
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} MB"
    if count >= 1_000:
        return f"{count / 1_000:.0f} kB"
    return f"{count} bytes"


def dataset_label(key: str) -> str:
    try:
        return datasets.get(key).label
    except KeyError:
        return key


class DataFilesDialog(QDialog):
    """Non-modal: what is missing, a progress bar with bytes and Cancel, and Import files…"""

    #: Every needed file of this dataset is now in Keras's cache.
    files_ready = Signal(str)
    #: A download ended: "done", "failed" or "cancelled".
    download_ended = Signal(str)
    # From the download thread (queued to the GUI thread).
    _progress = Signal(object, object)
    _ended = Signal(str, str, object)

    #: Start downloading as soon as files are reported missing (Keras's own first-use habit).
    auto_download = True

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("data_files_dialog")
        self.setWindowTitle("Image data files")
        self.setModal(False)
        self.key: str | None = None
        self.state = "idle"  # idle | downloading | failed | done
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()

        self.message = QLabel()
        self.message.setObjectName("data_files_message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.RichText)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message.setMinimumWidth(520)
        self.progress = QProgressBar()
        self.progress.setObjectName("download_progress")
        self.progress.setTextVisible(True)
        self.error = QLabel()
        self.error.setObjectName("data_files_error")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextSelectableByMouse)
        set_tone(self.error, "error")
        self.error.hide()
        self.download_button = QPushButton("Download")
        self.download_button.setObjectName("download_button")
        self.download_button.setToolTip("Fetch the files from the internet into Keras's cache, "
                                        "as Keras does on first use; you can keep working "
                                        "meanwhile")
        self.download_button.clicked.connect(self.start_download)
        self.cancel_button = QPushButton("Cancel download")
        self.cancel_button.setObjectName("cancel_download")
        self.cancel_button.setToolTip("Stop downloading; nothing half-downloaded is kept")
        self.cancel_button.clicked.connect(self.cancel_download)
        self.import_button = QPushButton("Import files…")
        self.import_button.setObjectName("import_files")
        self.import_button.setToolTip("Copy files you already have (e.g. from another "
                                      "computer) into Keras's cache; renamed files are "
                                      "recognised by their content")
        self.import_button.clicked.connect(lambda: self.import_files())
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Close this window; a download still running is cancelled")
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (self.download_button, self.cancel_button, self.import_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

        self._progress.connect(self._on_progress)
        self._ended.connect(self._on_ended)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._update()

    # ----- public -----
    def show_missing(self, key: str) -> None:
        """Files of dataset `key` are missing: say which and where, and fetch them."""
        if self.state == "downloading":
            self._raise()
            return
        self.key = key
        self.state = "idle"
        self.error.hide()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self._describe()
        self._raise()
        if self.auto_download:
            self.start_download()
        self._update()

    def start_download(self) -> None:
        if self.key is None or self.state == "downloading":
            return
        self.state = "downloading"
        self.error.hide()
        self._cancel.clear()
        total = sum(spec.size for spec in downloads.FILES.get(self.key, ()))
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self.progress.setFormat(f"Starting the download of {size_text(total)}…")
        self._describe()
        self._thread = threading.Thread(target=self._download, args=(self.key,),
                                        name="dataset-download", daemon=True)
        self._thread.start()
        self._update()

    def cancel_download(self) -> None:
        self._cancel.set()

    def import_files(self, paths=None) -> bool:
        """Copy `paths` (default: chosen in a file dialog) into Keras's cache."""
        if self.key is None or self.state == "downloading":
            return False
        if paths is None:
            paths = self.choose_files()
        paths = [str(p) for p in paths or ()]
        if not paths:
            return False
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            downloads.import_files(self.key, paths)
        except (downloads.DataFilesError, OSError) as error:
            self._show_error(f"Nothing was imported: {error}")
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        missing = downloads.missing_files(self.key)
        if missing:
            self._describe()
            self._show_error("Imported; still missing: "
                             + ", ".join(path.name for path in missing))
            return False
        self._finished()
        return True

    def choose_files(self) -> list[str]:
        """The files picked in a file dialog (empty when cancelled)."""
        paths, _ = QFileDialog.getOpenFileNames(
            self, f"Import the {dataset_label(self.key)} files", str(Path.home()),
            FILE_FILTERS.get(self.key, "All files (*)"))
        return paths

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """Cancel a running download and wait for its thread (the partial file goes)."""
        self._cancel.set()
        thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join(timeout_s)

    # ----- the download thread -----
    def _download(self, key: str) -> None:
        try:
            downloads.download(key, lambda done, total: self._progress.emit(done, total),
                               self._cancel.is_set)
        except downloads.DownloadCancelled as error:
            outcome, message = "cancelled", str(error)
        except Exception as error:  # noqa: BLE001 - every failure must reach the user
            outcome, message = "failed", str(error)
        else:
            outcome, message = "done", ""
        try:
            self._ended.emit(key, outcome, message)
        except RuntimeError:  # the dialog is gone (the app closed meanwhile)
            pass

    def _on_progress(self, done: int, total: int | None) -> None:
        if self.state != "downloading":
            return
        if total:
            self.progress.setRange(0, int(total))
            self.progress.setValue(min(int(done), int(total)))
            self.progress.setFormat(f"{size_text(done)} of {size_text(total)} (%p%)")
        else:
            self.progress.setRange(0, 0)
            self.progress.setFormat(size_text(done))

    def _on_ended(self, key: str, outcome: str, message: str) -> None:
        self._thread = None
        if outcome == "done":
            self.progress.setValue(self.progress.maximum())
            self._finished()
        else:
            self.state = "failed"
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.progress.setFormat("Cancelled" if outcome == "cancelled" else "Failed")
            self._describe()
            self._show_error(message)
        self.download_ended.emit(outcome)
        self._update()

    # ----- display -----
    def _finished(self) -> None:
        self.state = "done"
        key = self.key
        self._update()
        self.hide()
        self.files_ready.emit(key)

    def _describe(self) -> None:
        key = self.key
        label = dataset_label(key)
        folder = downloads.datasets_dir()
        specs = downloads.FILES.get(key, ())
        missing = {path.name for path in downloads.missing_files(key)} if specs else set()
        # The missing files; none missing means a present one is damaged (wrong checksum).
        shown = [spec for spec in specs if spec.name in missing] or list(specs)
        rows = "".join(
            f"<li><code>{spec.name}</code> ({size_text(spec.size)})"
            f"{'' if spec.name in missing else ' — present but damaged'}</li>"
            for spec in shown)
        text = (f"<b>The {label} data files are not on this computer yet.</b> Keras expects "
                f"them in<br><code>{folder}</code>:<ul style='margin:2px'>{rows}</ul>")
        if self.state == "downloading":
            text += (f"Downloading them from <code>{urlparse(downloads.ORIGIN).netloc}</code>, "
                     "where Keras gets them. You can keep working meanwhile.")
        elif self.state == "failed":
            text += (f"No network? Fetch them elsewhere from <code>{downloads.ORIGIN}</code> "
                     "(file names as above), then use <b>Import files…</b> to copy them in, "
                     "or put them in that folder yourself.")
        else:
            text += "Download them (as Keras would), or import copies you already have."
        self.message.setText(text)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _update(self) -> None:
        busy = self.state == "downloading"
        self.download_button.setVisible(not busy)
        self.download_button.setText("Try again" if self.state == "failed" else "Download")
        self.cancel_button.setVisible(busy)
        self.import_button.setEnabled(not busy)
        self.progress.setVisible(busy or self.state in ("failed", "done"))

    def _raise(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.cancel_download()  # closing the progress window cancels, as QProgressDialog does
        super().closeEvent(event)

    def reject(self) -> None:  # Esc
        self.cancel_download()
        super().reject()
