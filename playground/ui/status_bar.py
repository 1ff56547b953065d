"""The window's status line: run state, epoch and progress, metrics, speed, batch progress
within a long epoch, and one message (an error beside its cause, in red)."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from playground.ui.widgets.note import set_tone


class RunStatus(QWidget):
    """Reads the session's history; the window tells it the state's text and messages."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.state_label = _label("state_label")
        self.epoch_label = _label("epoch_label", "Epoch 0")
        self.metrics_label = _label("metrics_label")
        self.speed_label = _label("speed_label")
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setMaximumWidth(240)
        self.progress.setTextVisible(True)
        self.message_label = _label("message_label")
        self.message_label.setWordWrap(True)
        set_tone(self.message_label, "error")
        # Shown only with a message: an empty one showing, then hidden at the first Train,
        # would resize the whole window's content (and repaint every plot) mid-run.
        self.message_label.hide()
        # Batches done within the epoch, samples/s, time left (image data: epochs take seconds).
        self.batch_bar = QProgressBar()
        self.batch_bar.setObjectName("batch_progress")
        self.batch_bar.setMaximumWidth(160)
        # Wide enough for its words whatever else the line holds ("batch 209 / 469").
        self.batch_bar.setMinimumWidth(self.fontMetrics().horizontalAdvance("batch 8888 / 8888")
                                       + 16)
        self.batch_bar.setFormat("batch %v / %m")
        self.batch_bar.setToolTip("Batches done in the epoch under way")
        self.batch_label = _label("batch_label")
        # These give way (cut at the end) before the bars do; they never wrap.
        for label in (self.batch_label, self.metrics_label):
            label.setMinimumWidth(40)
        row = QHBoxLayout()
        row.setContentsMargins(8, 2, 8, 2)
        for widget in (self.state_label, self.epoch_label, self.progress, self.batch_bar,
                       self.batch_label, self.metrics_label, self.speed_label):
            row.addWidget(widget)
        self.hide_batch_progress()
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.message_label)
        session.history_changed.connect(self.show_history)
        session.batch_progress.connect(self.show_batch_progress)

    def show_state(self, text: str) -> None:
        self.state_label.setText(f"<b>{text}</b>")

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def show_history(self) -> None:
        """Epoch counter, progress, metrics and speed from the session's history (at the
        session's redraws, ≤ 30 a second: painted in the same pass as the plots)."""
        history, target = self.session.history, self.session.target_epoch
        epoch = history.last_epoch
        self.epoch_label.setText(f"Epoch {epoch:,} / {max(target, epoch):,}")
        # QProgressBar.setValue repaints the bar at once (a paint and flush of its own, every
        # time); with updates off it only records the value, and turning them back on asks for
        # a repaint in the window's next paint pass.
        self.progress.setUpdatesEnabled(False)
        self.progress.setRange(0, max(target, 1))
        self.progress.setValue(min(epoch, self.progress.maximum()))
        self.progress.setUpdatesEnabled(True)
        names = history.metric_names  # the task's: accuracy, or mse, mae, r2
        text = f"loss {history.last('loss'):.4f}" + "".join(
            f"   {name} {history.last(name):.3f}" for name in names)
        if history.has_validation:
            held_out = "test" if history.held_out == "test" else "val"  # as the trainer says
            text += f"   {held_out} loss {history.last('val_loss'):.4f}" + "".join(
                f"   {held_out} {name} {history.last('val_' + name):.3f}" for name in names)
        self.metrics_label.setText(text)
        self.speed_label.setText(speed_text(history.epochs_per_second))

    def show_batch_progress(self, progress) -> None:
        self.batch_bar.setRange(0, max(progress.batches_total, 1))
        self.batch_bar.setValue(progress.batches_done)
        text = (f"{progress.samples_done:,} / {progress.samples_total:,} images of epoch "
                f"{progress.epoch:,}")
        if progress.samples_per_second > 0:
            text += (f" · {progress.samples_per_second:,.0f} samples/s · "
                     f"{duration(progress.seconds_left)} left")
        self.batch_label.setText(text)
        self.batch_bar.show()
        self.batch_label.show()

    def hide_batch_progress(self, *_args) -> None:
        self.batch_bar.hide()
        self.batch_label.hide()


def _label(name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


def speed_text(epochs_per_second: float) -> str:
    """6,443 epochs/s; 2.5 epochs/s; 12 s/epoch (image data: an epoch takes seconds)."""
    speed = epochs_per_second
    if not speed or speed <= 0:
        return ""
    if speed >= 10:
        return f"{speed:,.0f} epochs/s"
    if speed >= 1:
        return f"{speed:.1f} epochs/s"
    return f"{duration(1 / speed)}/epoch" if speed < 1 / 60 else f"{1 / speed:.1f} s/epoch"


def duration(seconds: float) -> str:
    """3 s, 1 min 05 s."""
    seconds = max(0, int(round(seconds)))
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60:02d} s"
