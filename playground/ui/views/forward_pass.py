"""The forward pass by hand (seed 002): each layer's Wᵀx, + b and activation, as numbers.

Pick a data row or type an input like "0.3, 0.1"; every layer's arithmetic is written out with
four decimals from the latest weights (NumPy, `core.forward.forward_steps`), down to the output,
and beside it the value the real `model.predict` returns for the same input. `model.predict`
is asked of the session (`Session.predict`: the worker thread answers when no training runs);
while a run goes on, the view shows "waiting" and asks again when the model is free.
"""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from playground.core.data import registry as datasets
from playground.core.inspection.feature_maps import dense_only_note
from playground.core.inspection import weights as W
from playground.core.inspection.forward import forward_steps
from playground.core.inspection.metrics import predicted_classes
from playground.ui.session import StreamedRedraw
from playground.ui.views.pass_view import PassView, feature_names
from playground.ui.widgets.note import tone_span

#: Agreement asked of the hand computation and `model.predict` (float32 arithmetic in Keras).
TOLERANCE = 1e-5
#: Terms of Wᵀx written out before "…", and neurons listed per layer.
MAX_TERMS = 6
MAX_NEURONS = 24
MIN_REDRAW_SECONDS = 0.1


def _num(value: float) -> str:
    """A number in a sum: negative ones in parentheses, as written by hand."""
    text = W.format_value(value)
    return f"({text})" if text.startswith("-") else text


def _vector(values, limit: int = 12) -> str:
    values = list(values)
    shown = ", ".join(W.format_value(v) for v in values[:limit])
    return f"[{shown}{', …' if len(values) > limit else ''}]"


class ForwardPassView(PassView):
    title = "Forward pass"
    area = "bottom"

    def __init__(self, session, parent=None):
        super().__init__(session, "forward", "e.g. 0.3, 0.1", parent)
        session.predicted.connect(self.show_predicted)
        session.looked_at_changed.connect(lambda: self.x is not None and self._show_result())
        self.x: np.ndarray | None = None      # the input shown
        self.steps = []                        # its forward_steps
        self.by_hand: np.ndarray | None = None
        self.predicted: np.ndarray | None = None  # model.predict's answer for self.x
        self._label: int | None = None         # the true class of a picked data row
        self._asked = None                     # (token, weights, row, open) of the request
        self._dataset_key = ""

        self.input.setToolTip("The input x, numbers separated by commas or spaces")
        self.rows.setMinimumContentsLength(28)
        self.rows.setToolTip("Pick a row of the training, validation or test data: its input "
                             "goes into the box and the arithmetic below follows it")
        self.result = QLabel(objectName="forward_result", wordWrap=True, textFormat=Qt.RichText)

        top = QHBoxLayout()
        top.addWidget(QLabel("Input x ="))
        top.addWidget(self.input, 2)
        top.addWidget(QLabel("or a data row:"))
        top.addWidget(self.rows, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.result)
        layout.addWidget(self.text, 1)

        self.input.textEdited.connect(self._on_typed)
        session.run_started.connect(self._on_run_started)
        self._streamed = StreamedRedraw(session, self.refresh, parent=self,
                                        pause=lambda: MIN_REDRAW_SECONDS)
        session.threshold_changed.connect(lambda _value: self.refresh())

    # ----- choosing the input -----
    def set_input(self, text: str) -> None:
        """Show the forward pass for a typed input (what typing and Enter do)."""
        self.input.setText(text)
        self._on_typed()

    def _on_typed(self, *_args) -> None:
        self._label = None
        self.rows.setCurrentIndex(0)
        self._redraw_now()

    def row_picked(self, label) -> None:
        self._label = label

    def _on_run_started(self) -> None:
        if not self.fill_rows():
            return
        dataset, experiment = self.session.dataset, self.session.experiment
        current, _ = W.parse_row(self.input.text(), dataset.n_inputs)
        if current is None or dataset.key != self._dataset_key:
            # Other data: start from the seed's x = [0.3, 0.1], or the first data row.
            self._dataset_key = dataset.key
            example = datasets.get(experiment.dataset).example_input(experiment)
            if example:
                self.input.setText(example)
                self._label = None
            elif len(dataset.x_train):
                self.pick_row(1)
                return
        self._redraw_now()

    # ----- drawing -----
    def draw(self) -> None:
        weights = self.session.history.latest_weights
        dataset = self.session.dataset
        if not weights or dataset is None:
            return
        note = dense_only_note(weights, "The forward pass")
        if note:
            self.text.show_plain(note)
            return
        x, message = W.parse_row(self.input.text(), int(np.shape(weights[0])[0]))
        self.show_error(f"Input: {message}" if message else "")
        if x is None:
            return
        # The network sees float32 inputs; compute by hand from exactly those numbers.
        x = x.astype(np.float32).astype(np.float64)
        if self.x is None or not np.array_equal(x, self.x):
            self.predicted = None
        self.x = x
        self.steps = forward_steps(weights, self.session.activations, x)
        self.by_hand = self.steps[-1].outputs
        self.text.show_html(self._steps_html(weights, dataset))
        self._ask_model(weights)
        self._show_result()

    def _steps_html(self, weights, dataset) -> str:
        names = W.unit_names(W.layer_sizes(weights), feature_names(dataset, weights))
        parts = ["<style>td { padding: 1px 8px; } th { padding: 3px 12px; } "
                 ".n { font-family: monospace; }</style>"]
        for step in self.steps:
            k = step.index
            out_name = _vector_name(k, len(self.steps))
            in_name = "x" if k == 0 else _vector_name(k - 1, len(self.steps))
            kind = "Output layer" if k == len(self.steps) - 1 else f"Hidden layer {k + 1}"
            parts.append(f"<p><b>{kind}</b>: {out_name} = {step.activation}(Wᵀ{in_name} + b), "
                         f"{in_name} = <span class='n'>{_vector(step.inputs)}</span></p>")
            parts.append("<table cellspacing=0 cellpadding=3><tr><th align=left>neuron</th>"
                         f"<th align=left>Wᵀ{in_name}</th>"
                         "<th align=right>+ b</th><th align=right>= z</th>"
                         f"<th align=right>{step.activation}(z)</th></tr>")
            for j in range(min(len(step.outputs), MAX_NEURONS)):
                written = _written_sum(step.inputs, step.kernel[:, j])
                parts.append(
                    f"<tr><td>{html.escape(names[k + 1][j])}</td>"
                    f"<td class='n'>{written} = {W.format_value(step.weighted[j])}</td>"
                    f"<td class='n' align=right>{_num(step.bias[j])}</td>"
                    f"<td class='n' align=right>{W.format_value(step.pre_activation[j])}</td>"
                    f"<td class='n' align=right><b>{W.format_value(step.outputs[j])}</b></td>"
                    "</tr>")
            if len(step.outputs) > MAX_NEURONS:
                parts.append(f"<tr><td colspan=5>… and {len(step.outputs) - MAX_NEURONS} more "
                             "neurons</td></tr>")
            parts.append("</table>")
            parts.append(f"<p class='n'>{out_name} = {_vector(step.outputs)}</p>")
        return "".join(parts)

    def _show_result(self) -> None:
        y = self.by_hand
        text = f"By hand: <b>y = {_vector(y)}</b>" if len(y) > 1 else \
            f"By hand: <b>y = {W.format_value(y[0])}</b>"
        if self.predicted is not None:
            p = self.predicted
            shown = (", ".join(f"{v:.8f}" for v in p[:12]) if len(p) > 1 else f"{p[0]:.8f}")
            difference = float(np.max(np.abs(p - y)))
            verdict = (tone_span("✓ agree", "good") if difference <= TOLERANCE
                       else tone_span("✗ differ", "error"))
            text += (f" &nbsp;&nbsp; model.predict: <b>{shown}</b> &nbsp; {verdict} "
                     f"(difference {difference:.1e})")
        else:
            text += " &nbsp;&nbsp; model.predict: <i>waiting for the model…</i>"
        text += self._verdict()
        looked_at, newest = self.session.looked_at, self.session.history.last_epoch
        if looked_at is not None:  # Outputs' slider is back in time; this tab is not
            text += (f"<br><i>With the weights of epoch {newest:,}, the newest (Outputs' "
                     f"slider shows epoch {looked_at:,}): model.predict holds only these.</i>")
        self.result.setText(text)

    def _verdict(self) -> str:
        """Which class the output means, and whether that is right (when the truth is known);
        for a regression, how far the output is from the target."""
        dataset, experiment = self.session.dataset, self.session.experiment
        if dataset.is_regression:
            if self._label is None:
                return ""
            # A table's target is learnt standardised: its output read in the file's units.
            output = float(dataset.in_data_units(self.by_hand)[0])
            units = ("" if output == float(self.by_hand[0]) else
                     f" and the output {W.format_value(output)} in the file's units")
            return (f"<br>The target is <b>{W.format_value(self._label)}</b>{units}: the "
                    f"output is off by {W.format_value(output - self._label)}")
        predicted = int(predicted_classes(self.by_hand[None], experiment.encoding,
                                          self.session.threshold)[0])
        truth = self._label
        note = ""
        rule = datasets.get(experiment.dataset).truth(experiment, self.x) \
            if truth is None else None
        if rule is not None:
            truth, how = rule
            note = f" ({how})"
        text = f"<br>The output means <b>{html.escape(dataset.class_names[predicted])}</b>"
        if truth is not None:
            right = predicted == truth
            text += (f"; the truth is {html.escape(dataset.class_names[truth])}{note}: "
                     + (tone_span("right", "good") if right else
                        tone_span("<b>the model is wrong here</b>", "error")))
        return text

    # ----- model.predict, from the worker thread -----
    def _ask_model(self, weights) -> None:
        if self.predicted is not None and self._asked is not None \
                and self._asked[1] is weights:
            return  # the answer shown is for these weights and this input
        if self._asked is not None and self._asked[3]:
            return  # a request is still open (the worker answers when training stops)
        token = object()
        self._asked = (token, weights, self.x.copy(), True)
        self.session.predict(self.x[None].astype(np.float32), token)

    def show_predicted(self, rows, outputs, token) -> None:
        """The answer to `Session.predict` (every view's: the token says whose)."""
        if self._asked is None or token is not self._asked[0]:
            return  # another view's question, or an old one
        _, weights, x, _ = self._asked
        self._asked = (token, weights, x, False)
        current = self.session.history.latest_weights
        if outputs is None:
            return
        if weights is not current or self.x is None or not np.array_equal(x, self.x):
            self.predicted = None  # asked before the weights or the input changed: ask again
            if self.x is not None and current:
                self._ask_model(current)
            if self.by_hand is not None:
                self._show_result()
            return
        self.predicted = np.asarray(outputs, np.float64)[0]
        self._show_result()


def _written_sum(inputs: np.ndarray, weights: np.ndarray) -> str:
    """x1×w1 + x2×w2 + …; for many inputs only the first few non-zero terms (an image's
    border pixels are all 0), then how many there are."""
    if len(inputs) <= MAX_TERMS:
        return " + ".join(f"{_num(x)}×{_num(w)}" for x, w in zip(inputs, weights))
    nonzero = np.flatnonzero(inputs)
    shown = " + ".join(f"{_num(inputs[i])}×{_num(weights[i])}" for i in nonzero[:3])
    return (f"{shown} + … ({len(inputs)} terms, {len(nonzero)} with x ≠ 0)" if len(nonzero)
            else f"0 ({len(inputs)} terms, every x = 0)")


def _vector_name(layer: int, layers: int) -> str:
    """y for the output; h for a single hidden layer, h1, h2… for several."""
    if layer == layers - 1:
        return "y"
    return "h" if layers == 2 else f"h{layer + 1}"

