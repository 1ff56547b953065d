"""What a finished run looks like as plain data and as text: the command line's output.

The per-input rows answer seed 000's question ("what does the model say for [0, 0]?"): for each
probe row its input, its target in the loss's encoding (0/1, ±1, a one-hot vector or a class
index), the model's output (a probability for sigmoid/softmax outputs, the raw value otherwise),
the class that output implies and whether that class is right. A regression's rows give the
target value and the output instead. Metrics follow the task (accuracy; or MSE, MAE, R²).
No Qt, no TensorFlow here: the functions take arrays, a `RunHistory` and, for weights,
anything with `get_weights()` layers.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from playground.core.data.dataset import Dataset, encode_targets
from playground.core.experiment import Experiment
from playground.core.inspection.metrics import metric_names, predicted_classes
from playground.core.training.history import RunHistory

#: Inputs with more features than this are shown as a row number in tables (images).
MAX_SHOWN_FEATURES = 6


def _float(value) -> float | None:
    """Shortest decimal that reads back as the same float32 (the model computes in float32),
    so JSON says 0.6666667 rather than 0.6666666865348816; None for NaN and infinities."""
    with np.errstate(over="ignore"):
        single = np.float32(value)
    return float(str(single)) if np.isfinite(single) else None


def clean(value: Any) -> Any:
    """NumPy values and arrays -> plain JSON values, with NaN and ±inf as None (null)."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            flat = np.array([_float(v) for v in value.ravel()], dtype=object)
            return flat.reshape(value.shape).tolist()
        return clean(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _float(value)
    return value


def probe_rows(experiment: Experiment, dataset: Dataset, x: np.ndarray, labels: np.ndarray,
               outputs: np.ndarray, with_inputs: bool = True) -> list[dict[str, Any]]:
    """One dict per row: input, split, target, probability (the output), class, correct.

    `probability` is a number for one output unit and the list of class probabilities for
    softmax outputs; `class` is None where the output is not finite; `split` says whether the
    row is a training or a validation row. `with_inputs=False` leaves out input, split and
    target (for long histories, where they would only repeat).
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    labels = np.asarray(labels)
    if dataset.is_regression:
        return _regression_rows(dataset, x, labels, outputs, with_inputs)
    encoding = experiment.encoding
    classes = predicted_classes(outputs, encoding, experiment.default_threshold)
    targets = encode_targets(labels, encoding, dataset.n_classes)
    n_train = len(dataset.x_train)
    rows = []
    for i in range(len(outputs)):
        row = _input_and_split(x, i, n_train) if with_inputs else {}
        if with_inputs:
            target = targets[i]
            row["target"] = (clean(target) if np.ndim(target) == 0 or len(target) > 1
                             else clean(target[0]))
            if isinstance(row["target"], float) and row["target"].is_integer():
                row["target"] = int(row["target"])
        out = outputs[i]
        row["probability"] = clean(out[0]) if out.shape[-1] == 1 else clean(out)
        if out.shape[-1] > 1:  # one probability per class, in `classes` order
            row["probabilities"] = clean(out)
        finite = bool(np.isfinite(out).all())
        row["class"] = int(classes[i]) if finite else None  # NaN outputs imply no class
        row["correct"] = finite and bool(classes[i] == labels[i])
        rows.append(row)
    return rows


def _input_and_split(x, i: int, n_train: int) -> dict[str, Any]:
    """Row `i`'s input, and whether it is a training or a validation row (they come first)."""
    return {"input": clean(np.asarray(x[i])), "split": "train" if i < n_train else "validation"}


def _regression_rows(dataset: Dataset, x, targets, outputs, with_inputs: bool) -> list[dict]:
    """One dict per row: input, split, target (the value), output."""
    n_train = len(dataset.x_train)
    rows = []
    for i in range(len(outputs)):
        row = _input_and_split(x, i, n_train) if with_inputs else {}
        if with_inputs:
            row["target"] = clean(targets[i])
        row["output"] = clean(outputs[i][0])
        rows.append(row)
    return rows


def _number(value: Any, digits: int = 4) -> str:
    if value is None:
        return "nan"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return f"{value:.{digits}f}" if abs(value) < 1e4 else f"{value:.4g}"


def _input_text(values: Sequence[float] | None, index: int) -> str:
    if values is None or len(values) > MAX_SHOWN_FEATURES:
        return f"row {index}"
    return "[" + ", ".join("nan" if v is None else f"{v:.4g}" for v in values) + "]"


def outputs_table(experiment: Experiment, dataset: Dataset, rows: list[dict[str, Any]],
                  title: str) -> str:
    """The rows of `probe_rows` as an aligned text table under `title`."""
    if dataset.is_regression:
        return _regression_table(rows, title)
    multi = experiment.encoding in ("onehot", "sparse")
    names = dataset.class_names
    value_head = "probability" if experiment.output in ("sigmoid", "softmax") else "output"
    header = ["input", "target", value_head, "class", ""]
    lines = [header]
    for i, row in enumerate(rows):
        if multi:
            target = names[int(np.argmax(row["target"]))] if isinstance(row["target"], list) \
                else names[int(row["target"])]
            value = "nan" if row["class"] is None else _number(row["probability"][row["class"]])
        else:
            target = _number(row["target"], 0) if isinstance(row["target"], int) \
                else _number(row["target"])
            value = _number(row["probability"])
        verdict = "correct" if row["correct"] else "WRONG"
        if row.get("split") == "validation":
            verdict += " (validation row)"
        klass = "-" if row["class"] is None else names[row["class"]]
        lines.append([_input_text(row.get("input"), i), target, value, klass, verdict])
    return _aligned(title, lines)


def _regression_table(rows: list[dict[str, Any]], title: str) -> str:
    lines = [["input", "target", "output", "error"]]
    for i, row in enumerate(rows):
        output, target = row["output"], row["target"]
        error = None if output is None or target is None else output - target
        lines.append([_input_text(row.get("input"), i), _number(target), _number(output),
                      _number(error) + (" (validation row)" if row.get("split") == "validation"
                                        else "")])
    return _aligned(title, lines)


def _aligned(title: str, lines: list[list[str]]) -> str:
    widths = [max(len(line[c]) for line in lines) for c in range(len(lines[0]))]
    text = [title]
    for line in lines:
        text.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())
    return "\n".join(text)


def _names(history: RunHistory, task: str | None) -> tuple[str, ...]:
    """The loss and the task's metrics (those the history holds when no task is given)."""
    return ("loss",) + (metric_names(task) if task else history.metric_names)


def history_dict(history: RunHistory, task: str | None = None) -> dict[str, list]:
    """Per-epoch lists: epoch, loss, the task's metrics (accuracy; or mse, mae, r2), and their
    val_ forms with validation data."""
    data: dict[str, list] = {"epoch": [int(e) for e in history.epochs]}
    names = list(_names(history, task))
    if history.has_validation:
        names += [f"val_{name}" for name in names]
    for name in names:
        data[name] = clean(history.metric(name))
    return data


def final_metrics(history: RunHistory, test: dict[str, float] | None = None,
                  task: str | None = None) -> dict:
    """Metrics after the last epoch; `test` is the loss and metrics on the test set, if any
    (a dict as `Trainer.scores` gives it)."""
    names = _names(history, task)
    final = {name: history.last(name) for name in names}
    if history.has_validation:
        final.update({f"val_{name}": history.last(f"val_{name}") for name in names})
    if test is not None:
        final.update({f"test_{name}": test.get(name) for name in names})
    return clean(final)


def metrics_text(final: dict) -> str:
    """`final_metrics` as one line: 'loss 0.0021  accuracy 1.0000  val_loss …'."""
    return "  ".join(f"{name.replace('_', ' ')} {_number(value)}" for name, value in final.items())


def weights_list(model) -> list[dict[str, Any]]:
    """Per layer with weights, in order: {name, kind, kernel, bias} as nested lists (a Conv2D
    kernel has shape (k, k, in, out), a Dense one (in, out))."""
    layers = []
    for layer in model.layers:
        weights = layer.get_weights()
        if not weights:
            continue
        entry = {"name": layer.name, "kind": type(layer).__name__, "kernel": clean(weights[0])}
        entry["bias"] = clean(weights[1]) if len(weights) > 1 else None
        layers.append(entry)
    return layers


def summary(experiment: Experiment, dataset: Dataset, history: RunHistory, x: np.ndarray,
            labels: np.ndarray, model, test: dict[str, float] | None,
            train_seconds: float, status: str | None = None) -> dict[str, Any]:
    """The whole run as one JSON-ready dict (see `playground train --json`).

    `status` is "finished", "diverged" or "stopped" (default: the history's).
    `outputs_history` has every epoch `history` recorded (all of them for short runs, an even
    sample for long ones), always with epoch 0 and the last epoch. Its rows carry probability,
    class and correct only; they are in the same order as `outputs`, whose rows also give
    input, split and target.
    """
    epochs, stacked = history.outputs_history()
    epochs, stacked = list(epochs), list(stacked)
    if history.latest_outputs is not None and (not epochs or epochs[-1] != history.last_epoch):
        epochs.append(history.last_epoch)  # thinned histories may skip the last epoch
        stacked.append(history.latest_outputs)
    task = dataset.task
    return clean({
        "experiment": experiment.to_dict(),
        "task": task,
        **({"classes": list(dataset.class_names)} if dataset.n_classes else {}),
        "status": status or history.status,
        "message": history.message,
        "epochs_run": history.last_epoch,
        "history": history_dict(history, task),
        "final": final_metrics(history, test, task),
        "outputs": probe_rows(experiment, dataset, x, labels, history.latest_outputs),
        "outputs_history": [
            {"epoch": int(epoch),
             "outputs": probe_rows(experiment, dataset, x, labels, outputs, with_inputs=False)}
            for epoch, outputs in zip(epochs, stacked)],
        "weights": weights_list(model),
        # One list per Dense kernel (input to output): the norm of the full-pass loss's
        # gradient after each recorded epoch (the small-data schedule records every epoch).
        "gradient_norm_epochs": [int(e) for e in history.gradient_norms()[0]],
        "gradient_norms": [clean(column) for column in history.gradient_norms()[1]],
        "train_seconds": round(train_seconds, 4),
    })
