"""`playground backprop FILE --input "1,0" [--target 1] [--json]`: the backward pass by hand.

For one input row of a saved experiment's network (its latest weights), the loss, ∂L/∂output,
each layer's δ, ∂L/∂W = a δᵀ, ∂L/∂b = δ, and the weights after one plain SGD step
W − η ∂L/∂W (η: the experiment's learning rate). Without --target the row must be one of the
data's rows, whose label is taken.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from playground.cli.train_flags import UsageError, _Parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="playground backprop", description="The backward pass of one input "
                     "row through a saved experiment's network, by hand.")
    parser.add_argument("file", metavar="FILE", help="a .playground experiment file")
    parser.add_argument("--input", required=True, metavar="X1,X2,...",
                        help="the input row, comma-separated, e.g. 1,0")
    parser.add_argument("--target", metavar="T", help="the row's class (0, 1, ...) or, for a "
                        "regression, its value (default: the label of this row in the data)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _numbers(text: str, flag: str) -> np.ndarray:
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise UsageError(f"{flag}: '{text}' is not a comma-separated list of numbers") from None
    if not values or not np.all(np.isfinite(values)):
        raise UsageError(f"{flag}: '{text}' must be finite numbers")
    return np.asarray(values)


def _latest_weights(saved) -> list[np.ndarray]:
    """The weights the file's history ends with, or its model's when it has no history."""
    if saved.history.latest_weights:
        return [np.asarray(w) for w in saved.history.latest_weights]
    from playground.core.files.keras_models import load_keras_model
    from playground.core.model.build import dense_layers

    with tempfile.TemporaryDirectory(prefix="playground-backprop-") as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(saved.model_bytes)
        model = load_keras_model(path, f"{saved.path.name}: model.keras")
        return [w for layer in dense_layers(model) for w in layer.get_weights()]


def _target(experiment, row: np.ndarray, text: str | None, units: int):
    """The label for `row`: --target checked against the task, or looked up in the data."""
    regression = experiment.encoding == "value"
    if text is not None:
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"--target: '{text}' is not a number") from None
        if regression:
            return value
        classes = max(units, 2)
        if value != int(value) or not 0 <= value < classes:
            raise UsageError(f"--target: a class is a whole number from 0 to {classes - 1}, "
                             f"not {text}")
        return int(value)
    from playground.core.data import registry as datasets

    data = datasets.load(experiment)
    for x, labels in ((data.x_train, data.labels_train), (data.x_val, data.labels_val),
                      (data.x_test, data.labels_test)):
        found = np.flatnonzero(np.all(np.isclose(x, row), axis=1)) if len(x) else []
        if len(found):
            label = labels[found[0]]
            return float(label) if regression else int(label)
    raise UsageError("--target: this input is not a row of the data; give its target")


def _layer_names(count: int) -> list[str]:
    return [f"hidden_{i}" for i in range(1, count)] + ["output"]


def result_json(row, label, result, learning_rate: float) -> dict:
    names = _layer_names(len(result.layers))
    step = result.sgd_step(learning_rate)
    return {
        "input": row.tolist(), "target": label, "loss": result.loss,
        "output": result.output.tolist(), "output_gradient": result.output_gradient.tolist(),
        "learning_rate": learning_rate,
        "gradients": [{"layer": name, "delta": layer.delta.tolist(),
                       "kernel": layer.kernel_gradient.tolist(),
                       "bias": layer.bias_gradient.tolist()}
                      for name, layer in zip(names, result.layers)],
        "sgd_step": [{"layer": name, "kernel": step[2 * i].tolist(),
                      "bias": step[2 * i + 1].tolist()} for i, name in enumerate(names)],
    }


def _text(array) -> str:
    return np.array2string(np.asarray(array) + 0.0, precision=4, suppress_small=True,
                           floatmode="fixed")


def _block(label: str, matrix) -> str:
    """A matrix after its label, its rows lined up under the first."""
    return label + _text(matrix).replace("\n", "\n" + " " * len(label))


def result_text(experiment, row, label, result, learning_rate: float) -> str:
    names = _layer_names(len(result.layers))
    step = result.sgd_step(learning_rate)
    lines = [f"Backward pass for input {_text(row)}, target {label} ({experiment.loss} loss, "
             f"{experiment.output} output)",
             f"output {_text(result.output)}   loss {result.loss:.4f}   "
             f"∂L/∂output {_text(result.output_gradient)}"]
    for i in range(len(result.layers) - 1, -1, -1):
        layer = result.layers[i]
        lines += ["", f"{names[i]} ({layer.activation}): z {_text(layer.pre_activation)}  "
                      f"a {_text(layer.outputs)}",
                  f"  δ = ∂L/∂z      {_text(layer.delta)}",
                  _block("  ∂L/∂W = a δᵀ   ", layer.kernel_gradient),
                  f"  ∂L/∂b = δ      {_text(layer.bias_gradient)}",
                  _block("  W − η∂L/∂W     ", step[2 * i]),
                  f"  b − η∂L/∂b     {_text(step[2 * i + 1])}"]
    lines.append(f"\nη = {learning_rate:g} (one plain SGD step on this row)")
    return "\n".join(lines)


def backprop(argv: list[str]) -> int:
    """The `backprop` command: 0, or 2 with one line on stderr for a bad file or flag."""
    from playground.core.files.experiment_file import PersistError, read_run
    from playground.core.inspection.backward import backward_of

    try:
        args = build_parser().parse_args(argv)
        row = _numbers(args.input, "--input")
        try:
            saved = read_run(args.file)
            weights = _latest_weights(saved)
        except PersistError as error:
            raise UsageError(str(error)) from None
        experiment = saved.experiment
        if any(np.ndim(w) > 2 for w in weights):
            raise UsageError(f"{saved.path.name}: the backward pass by hand covers dense "
                             "networks; this one has conv layers")
        inputs, units = np.asarray(weights[0]).shape[0], np.asarray(weights[-1]).shape[0]
        if len(row) != inputs:
            raise UsageError(f"--input: the network takes {inputs} inputs, not {len(row)}")
        label = _target(experiment, row, args.target, units)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    result = backward_of(experiment, weights, row, label)
    rate = float(experiment.learning_rate)
    if args.json:
        try:
            print(json.dumps(result_json(row, label, result, rate), allow_nan=False))
        except ValueError:  # NaN or infinity: JSON has no word for them
            print("error: the weights give no finite numbers for this row (did the run "
                  "diverge?)", file=sys.stderr)
            return 1
    else:
        print(result_text(experiment, row, label, result, rate))
    return 0
