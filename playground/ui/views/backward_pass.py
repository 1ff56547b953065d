"""The backward pass by hand: why the weights move, for one row, as numbers.

Pick a data row (or type an input and its target): the loss, ∂L/∂output, each layer's
δ = (W_nextᵀ δ_next) ⊙ f′(z), and every weight's gradient ∂L/∂W = a δᵀ (∂L/∂b = δ) to four
decimals, computed in NumPy from the latest weights (`core.inspection.backward`), beside the
gradient Keras computes for the same row (GradientTape on a copy of the model, in a thread
of its own: `keras_side.py`; while a run streams, only once it pauses or stops) and the
difference: the window never waits on TensorFlow. Then the step: W − η∇W for SGD, or for
another optimizer its own first step (applied to a copy). **Apply this step** gives the new
weights to the model through the run controller, so every view follows. Below, charts through
training (`backward_charts.py`): gradient norms, |ΔW| / |W| and the distributions of a layer's
weights, activations or gradients; hidden (and not drawn) while the tab is too short for
them and the tables, or as the user chose. As epochs arrive the tables and each chart redraw
in event-loop turns of their own.
"""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter,
                               QToolButton, QVBoxLayout)

from playground.core.experiment import OPTIMIZERS
from playground.core.inspection.feature_maps import dense_only_note
from playground.core.inspection import weights as W
from playground.core.inspection.backward import backward_of
from playground.core.inspection.dead_units import dead_units
from playground.ui.session import StreamedRedraw
from playground.ui.settings import settings
from playground.ui.views.backward_charts import BackwardCharts
from playground.ui.views.backward_text import number, parse_target, pending, sgd_note, vector
from playground.ui.views.keras_side import Answer, KerasSide, Question
from playground.ui.views.pass_view import PassView, feature_names
from playground.ui.widgets.note import tone_span

#: Agreement asked of the hand computation and Keras (float32 arithmetic in TensorFlow).
TOLERANCE = 1e-5
#: Parameters listed per layer before "… and N more".
MAX_PARAMETERS = 60
#: Even without Keras (left for the run's end), a redraw rebuilds the text: during a run,
#: redraw at most this often.
MIN_REDRAW_SECONDS = 0.25
#: Below this height for tables and charts together, the charts start hidden.
CHARTS_NEED_PX = 200
CHARTS_KEY = "view/backward_charts"


class BackwardPassView(PassView):
    title = "Backward pass"
    area = "bottom"

    def __init__(self, session, parent=None):
        super().__init__(session, "backward", "e.g. 1, 0", parent)
        self.result = None          # BackwardPass of the row shown
        self.keras = None           # (loss, gradients) from Keras, or None
        self.step: list[np.ndarray] | None = None  # the weights after the step shown
        self._weights = None        # the weights self.result is for
        self._label = None          # the target as typed, for the summary
        self._keras_for = None      # (weights, row, label, experiment) self.keras is for
        self._keras_error = ""      # why Keras could not answer for that row
        self.keras_side = KerasSide(self._keras_answered, self)

        self.target = QLineEdit(objectName="backward_target", placeholderText="class or value")
        self.target.setMaximumWidth(110)
        self.target.setToolTip("The row's target: its class (0, 1, …) or, for a regression, "
                               "its value")
        self.rows.setToolTip("Pick a row of the data to follow backward (or type one)")
        self.input.setToolTip("One input row, numbers separated by commas or spaces")
        self.rows.setMinimumContentsLength(24)
        self.summary = QLabel(objectName="backward_result", wordWrap=True,
                              textFormat=Qt.RichText)
        self.summary.setMinimumHeight(2 * self.summary.fontMetrics().lineSpacing())
        self.step_note = QLabel(objectName="backward_step_note", wordWrap=True)
        self.apply_button = QPushButton("Apply this step", objectName="backward_apply")
        self.apply_button.setToolTip("Give the model the weights after this step: every view "
                                     "follows (pause or stop training first)")
        self.apply_button.clicked.connect(self.apply_step)
        self.charts = BackwardCharts(session)
        self.update_plot = self.charts.update_plot
        self.distributions = self.charts.distributions

        top = QHBoxLayout()
        top.addWidget(QLabel("Input x ="))
        top.addWidget(self.input, 2)
        top.addWidget(QLabel("target"))
        top.addWidget(self.target)
        top.addWidget(QLabel("or a data row:"))
        top.addWidget(self.rows, 2)
        self.charts_button = QToolButton(objectName="backward_charts_button", text="Hide charts",
                                         checkable=True, checked=True)
        self.charts_button.setToolTip("Show or hide the charts through training below the "
                                      "arithmetic (hidden at first on a short screen)")
        self.charts_button.toggled.connect(self._charts_chosen)
        step = QHBoxLayout()
        step.addWidget(self.step_note, 1)
        step.addWidget(self.apply_button)
        step.addWidget(self.charts_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addLayout(step)
        # The arithmetic is what the tab is for: it takes most of the height, the charts the
        # rest, and the user moves the line between them.
        self.split = QSplitter(Qt.Vertical, objectName="backward_split", childrenCollapsible=False)
        self.split.addWidget(self.text)
        self.split.addWidget(self.charts)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([600, 400])  # scaled to the height the tab gets
        self.text.setMinimumHeight(6 * self.text.fontMetrics().lineSpacing())
        layout.addWidget(self.split, 1)
        # Shown or hidden as the user last chose; until they choose, hidden while the area is
        # too short for both (at 1366×768 each got ~80 px: charts with cut labels, 4 lines).
        self._charts_choice = settings().value(CHARTS_KEY)
        if self._charts_choice in ("shown", "hidden"):
            self._show_charts(self._charts_choice == "shown")

        self.input.textEdited.connect(self._on_typed)
        self.target.textEdited.connect(self._on_typed)
        session.run_started.connect(self._on_run_started)
        self._in_turns = False      # this redraw's parts each in an event-loop turn
        self._streamed = StreamedRedraw(session, self._redraw_in_turns, parent=self,
                                        pause=lambda: MIN_REDRAW_SECONDS)

    # ----- the charts below: shown or not -----
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self._charts_choice not in ("shown", "hidden"):
            self._show_charts(self.split.height() >= CHARTS_NEED_PX)

    def _charts_chosen(self, shown: bool) -> None:
        if shown != self.charts.isVisibleTo(self):  # the user's click, not `_show_charts`
            self._charts_choice = "shown" if shown else "hidden"
            settings().setValue(CHARTS_KEY, self._charts_choice)
            self._show_charts(shown)

    def _show_charts(self, shown: bool) -> None:
        if shown == self.charts.isVisibleTo(self):
            return
        self.charts.setVisible(shown)
        self.charts_button.setChecked(shown)
        self.charts_button.setText("Hide charts" if shown else "Show charts")
        if shown and self.isVisible():
            for part in self.charts.steps():  # drawn only while shown: catch up
                self.session.in_turn(part)
        elif shown:  # e.g. a resize that reached the tab behind another: drawn when shown
            self._stale = True

    @property
    def norm_curves(self) -> list:
        return self.charts.norm_curves

    # ----- choosing the row -----
    def _on_typed(self, *_args) -> None:
        self.rows.setCurrentIndex(0)
        self._redraw_now()

    def row_picked(self, label) -> None:
        self.target.setText(f"{label:g}" if isinstance(label, float) else str(label))

    def _on_run_started(self) -> None:
        self.charts.clear_run()
        if not self.fill_rows():
            return
        current, _ = W.parse_row(self.input.text(), self.session.dataset.n_inputs)
        if current is None or not self.target.text().strip():
            self.take_row(1)
        self._stale = True
        self._redraw_in_turns()  # as the run's reports will: not all parts in this turn

    def _parsed(self, weights):
        """(row, label) from the boxes, or None after showing what is wrong."""
        dataset = self.session.dataset
        x, message = W.parse_row(self.input.text(), int(np.shape(weights[0])[0]))
        where = "Input"
        label = None
        if x is not None:
            where = "Target"
            label, message = parse_target(self.target.text(), dataset.is_regression,
                                           max(int(np.shape(weights[-1])[0]), 2))
        self.show_error(f"{where}: {message}" if message else "")
        return None if message else (x.astype(np.float32).astype(np.float64), label)

    # ----- drawing -----
    def draw(self) -> None:
        weights = self.session.history.latest_weights
        experiment = self.session.experiment
        if not weights or experiment is None or self.session.dataset is None:
            return
        note = dense_only_note(weights, "The backward pass")
        if note:
            self.text.show_plain(note)
            return
        parsed = self._parsed(weights)
        later = list(self.charts.steps()) if self.charts.isVisibleTo(self) else []
        if parsed is not None:
            self._compute(weights, experiment, *parsed)
            later.insert(0, self._show_text)
        if self._in_turns or self.session.streaming:
            # Each part in an event-loop turn of its own: a paint pass draws the tables or one
            # chart, never all of them (one stall of ~50 ms became several short ones).
            for part in later:
                self.session.in_turn(part)
        else:  # what the user asked for (a row, a target): at once
            for part in later:
                part()

    def _redraw_in_turns(self) -> None:
        """A redraw as epochs arrive or a run ends: its parts each take a turn (`draw`)."""
        self._in_turns = True
        try:
            self.refresh()
        finally:
            self._in_turns = False

    def _compute(self, weights, experiment, row, label) -> None:
        """The row's backward pass at once; Keras's side (not while a run streams) asked in a
        thread of its own (`keras_side`), shown when it answers."""
        dataset = self.session.dataset  # a table's regression target is learnt standardised
        learnt = float(dataset.scaled_targets([label])[0]) if dataset.is_regression else label
        self.result = backward_of(experiment, weights, row, learnt)
        self._weights, self._label = weights, label
        # While a run streams, TensorFlow would take the GIL and the cores from the training
        # thread: Keras's side waits for the run's end or pause.
        live = self.session.streaming
        asked = (weights, row.tobytes(), learnt, experiment)  # a redraw of the same: reused
        sgd = experiment.optimizer == "sgd"
        if sgd:
            rate = float(experiment.learning_rate)
            self.step = [np.asarray(w, np.float32) for w in self.result.sgd_step(rate)]
        if live:
            self.keras, self._keras_for, self._keras_error = None, None, ""
            self.keras_side.forget()
        elif self._keras_for is None or not _same(self._keras_for, asked):
            self.keras, self._keras_for, self._keras_error = None, asked, ""
            if not sgd:
                self.step = None
            self.keras_side.ask(Question(
                asked, experiment, tuple(self.session.activations), weights, row, learnt,
                None if sgd else self.result.gradients()))
        if not sgd and self.keras is None:
            self.step = None
        self._show_step_note(experiment, live)
        self._show_summary(weights, label)

    def _show_step_note(self, experiment, live: bool) -> None:
        name = OPTIMIZERS[experiment.optimizer]
        if experiment.optimizer == "sgd":
            self.step_note.setText(sgd_note(experiment))
        elif self.step is not None:
            self.step_note.setText(
                f"{name}'s step is not W − η∇W: it scales each weight's step by its own "
                f"history. Shown: {name}'s first step from a fresh state "
                f"(η = {float(experiment.learning_rate):g}), applied to a copy of the weights.")
        elif live:
            self.step_note.setText(f"{name}'s step is computed when training pauses or stops.")
        elif self._keras_error:
            self.step_note.setText(f"{name}'s step could not be computed: Keras failed on this "
                                   "row (above).")
        else:
            self.step_note.setText(f"{name}'s step: asking Keras…")
        self.apply_button.setEnabled(self.step is not None)

    def _keras_answered(self, answer: Answer) -> None:
        """Keras's side arrived (on the GUI thread): shown if it is still for the row shown."""
        if self._keras_for is None or not _same(self._keras_for, answer.key) or \
                self.result is None:
            return  # another row, other weights or a run started since it was asked
        if answer.error:  # said in the summary and the step note, where the answer would be
            self._keras_error = answer.error
        else:
            self.keras = (answer.loss, answer.gradients)
            self.step = answer.step if answer.step is not None else self.step
            self.session.in_turn(self._show_text)  # the tables' Keras and step columns
        self._show_step_note(answer.key[3], False)
        self._show_summary(self._weights, self._label)

    def _show_summary(self, weights, label) -> None:
        result = self.result
        if self._keras_error:
            keras_text = (". Keras could not compute this row: "
                          + tone_span(html.escape(self._keras_error), "error"))
        elif self.keras is None and self._keras_for is None:
            keras_text = ". Keras's loss and gradients: computed when training pauses or stops."
        elif self.keras is None:
            keras_text = ". Keras's loss and gradients: asking Keras…"
        else:
            keras_loss, keras_grads = self.keras
            mine = result.gradients()
            difference = max(float(np.max(np.abs(a - b))) for a, b in zip(mine, keras_grads))
            difference = max(difference, abs(result.loss - keras_loss))
            verdict = (tone_span("✓ agree", "good") if difference <= TOLERANCE
                       else tone_span("✗ differ", "error"))
            keras_text = (f" (Keras: {keras_loss:.8f}). Gradients by hand and Keras's: {verdict} "
                          f"(largest difference {difference:.1e}).")
        # One line each, whichever Keras line shows: the label keeps its height when a run
        # starts or ends, so the tables and charts below are not laid out and painted anew.
        self.summary.setText(
            f"Output y = <b>{vector(result.output)}</b>, target {html.escape(str(label))} "
            f"(as the loss sees it: {vector(result.target)}); ∂L/∂y = "
            f"{vector(result.output_gradient)}.<br>"
            f"Loss L = <b>{number(result.loss)}</b>{keras_text}"
            + self._dead_relu_text(weights))

    def _show_text(self) -> None:
        if self.result is not None:
            self.text.show_html(self._layers_html(self._weights))

    def _layers_html(self, weights) -> str:
        dataset = self.session.dataset
        names = W.unit_names(W.layer_sizes(weights), feature_names(dataset, weights))
        count = len(self.result.layers)
        # Not yet computed (a run streams): the Keras and step columns show "…".
        keras_grads = self.keras[1] if self.keras is not None else [None] * (2 * count)
        steps = self.step if self.step is not None else [None] * (2 * count)
        parts = ["<style>td, th { padding: 1px 8px; } .n { font-family: monospace; }</style>"]
        for layer in reversed(self.result.layers):
            k = layer.index
            last = k == count - 1
            kind = "Output layer" if last else f"Hidden layer {k + 1}"
            how = ("δ = ∂L/∂y through the output" if last
                   else "δ = (W_nextᵀ δ_next) ⊙ f′(z)")
            parts.append(f"<p><b>{kind}</b> ({layer.activation}): {how}</p>")
            parts.append("<table><tr><th align=left>neuron</th><th align=right>z</th>"
                         "<th align=right>a = f(z)</th><th align=right>δ</th></tr>")
            for j in range(len(layer.delta)):
                parts.append(f"<tr><td>{html.escape(names[k + 1][j])}</td>"
                             f"<td class='n' align=right>{number(layer.pre_activation[j])}</td>"
                             f"<td class='n' align=right>{number(layer.outputs[j])}</td>"
                             f"<td class='n' align=right><b>{number(layer.delta[j])}</b></td></tr>")
            parts.append("</table>")
            parts.append(self._parameters_html(layer, names[k], names[k + 1],
                                               keras_grads[2 * k], keras_grads[2 * k + 1],
                                               steps[2 * k], steps[2 * k + 1]))
        return "".join(parts)

    def _parameters_html(self, layer, inputs, units, keras_kernel, keras_bias, new_kernel,
                         new_bias) -> str:
        rows = ["<table><tr><th align=left>weight</th><th align=right>a</th>"
                "<th align=right>∂L/∂w = a·δ</th><th align=right>Keras</th>"
                "<th align=right>difference</th><th align=right>w</th>"
                "<th align=right>w after the step</th></tr>"]
        def at(values, *index):  # a value not computed yet is None
            return None if values is None else values[index]

        cells = [(f"{inputs[i]} → {units[j]}", number(layer.inputs[i]), layer.kernel_gradient[i, j],
                  at(keras_kernel, i, j), layer.kernel[i, j], at(new_kernel, i, j))
                 for i in range(layer.kernel.shape[0]) for j in range(layer.kernel.shape[1])]
        cells += [(f"bias of {units[j]}", "1", layer.bias_gradient[j], at(keras_bias, j),
                   layer.bias[j], at(new_bias, j)) for j in range(len(layer.bias))]
        for name, a, mine, theirs, now, after in cells[:MAX_PARAMETERS]:
            gap = "…" if theirs is None else f"{abs(mine - theirs):.1e}"
            rows.append(f"<tr><td>{html.escape(name)}</td><td class='n' align=right>{a}</td>"
                        f"<td class='n' align=right><b>{number(mine)}</b></td>"
                        f"<td class='n' align=right>{pending(theirs)}</td>"
                        f"<td class='n' align=right>{gap}</td>"
                        f"<td class='n' align=right>{number(now)}</td>"
                        f"<td class='n' align=right>{pending(after)}</td></tr>")
        if len(cells) > MAX_PARAMETERS:
            rows.append(f"<tr><td colspan=7>… and {len(cells) - MAX_PARAMETERS} more</td></tr>")
        return "".join(rows) + "</table>"

    def _dead_relu_text(self, weights) -> str:
        """Which ReLU units are never active on the training rows (they cannot learn); judged
        on as many rows as a budget allows (all of a small plane's, a few dozen of MNIST's)."""
        dataset = self.session.dataset
        dead = dead_units(weights, self.session.activations, dataset.x_train)
        if not dead.relu_units or not dead.rows:
            return ""
        names = W.unit_names(W.layer_sizes(weights), feature_names(dataset, weights))
        units = [names[k + 1][j] for k, j in sorted(dead.units)]
        where = "training rows" if dead.rows >= dead.all_rows \
            else f"first {dead.rows:,} training rows"
        listed = f": {', '.join(units[:12])}" if units else ""
        return (f"<br>Dead ReLU units (never active on the {where}; no gradient reaches "
                f"them): <b>{len(units)} of {dead.relu_units}</b>{listed}")

    # ----- the step -----
    def apply_step(self) -> str:
        """Give the model the weights after the step shown; "" or why not (shown too)."""
        if self.step is None:
            return ""
        why = self.session.set_weights([np.array(w, np.float32) for w in self.step])
        self.error.setText(why)
        self.error.setVisible(bool(why))
        return why


def _same(was: tuple, now: tuple) -> bool:
    """The same weights (the history's very list), row, label and experiment."""
    return was[0] is now[0] and was[1:] == now[1:]
