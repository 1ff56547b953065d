"""The current experiment as a standalone plain-Keras script ("Show as Keras code").

`keras_script(experiment)` writes a script that needs NumPy and Keras (and pandas to read a
table's CSV file): the same data (the
same generator and seed for generated data, Keras's own loader for the images: each data
module writes its own lines with `script(experiment)`), the same
Sequential network built in the same order after `keras.utils.set_random_seed` (so it starts
from the same weights as the app), the same compile settings, `fit` with the same epochs, batch
size and validation split, then `evaluate` and a printout of what the model outputs per input.
`fit` shuffles differently from the app's compiled loop, so the run ends at the same accuracy
(or error, for regression) level, not the same bits.

`main_export_code(path)` is `python -m playground export-code FILE`.
"""
from __future__ import annotations

import importlib
import sys

from playground import __version__
from playground.core.data import features
from playground.core.data import registry as datasets
from playground.core.experiment import LOSSES, OPTIMIZERS, Experiment
from playground.core.layers import Layer, is_spatial

#: How many rows the script prints outputs for (all four rows of a truth table).
PRINTED_ROWS = 10


def _num(value: float) -> str:
    """Shortest text that reads back as the same float (0.5, 0.001, 1e-05)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _targets(encoding: str, n_classes: int, scaled: bool = False) -> list[str]:
    """`scaled`: the data lines define TARGET_SHIFT and TARGET_SCALE (a table's regression)."""
    def line(name, source):
        if encoding == "value" and scaled:
            return (f"{name} = (({source} - TARGET_SHIFT) / TARGET_SCALE)"
                    '.reshape(-1, 1).astype("float32")')
        if encoding in ("binary", "value"):
            return f'{name} = {source}.reshape(-1, 1).astype("float32")'
        if encoding == "signed":
            return f'{name} = (2 * {source} - 1).reshape(-1, 1).astype("float32")'
        if encoding == "onehot":
            return f"{name} = keras.utils.to_categorical({source}, {n_classes})"
        return f"{name} = {source}"

    note = {"binary": "# Targets 0/1.", "signed": "# Hinge loss wants targets -1/+1.",
            "value": ("# Regression: the targets standardised as above." if scaled else
                      "# Regression: the targets are the values themselves."),
            "onehot": "# Categorical cross-entropy wants one-hot targets.",
            "sparse": "# Sparse categorical cross-entropy takes the class numbers."}[encoding]
    return [note, line("y", "labels"), line("y_test", "labels_test")]


def _model_lines(experiment: Experiment, n_inputs: int, output_units: int) -> list[str]:
    lines = ["# Several GPUs on this machine? Uncomment the two lines below: one copy of the model",
             "# per GPU, each batch split between them (TensorFlow's MirroredStrategy).",
             "# import tensorflow as tf",
             "# tf.distribute.experimental_set_strategy(tf.distribute.MirroredStrategy())",
             "",
             "# Built layer by layer, in the app's order, so it starts from the same weights.",
             "model = keras.Sequential()",
             f"model.add(keras.Input(shape=({n_inputs},)))"]
    if is_spatial(experiment.layers):
        lines.append("model.add(keras.layers.Reshape((28, 28, 1)))  # each row as a picture")
    for layer in experiment.layers:
        lines += _layer_lines(layer)
    lines.append(f'model.add(keras.layers.Dense({output_units}, '
                 f'activation="{experiment.output}"))')
    extra = _dense_options(experiment)  # initial kernels and their penalty, as the app's
    lines = [line[:-2] + extra + "))" if extra and line.startswith(DENSE) else line
             for line in lines]
    # A float even when whole: Keras refuses learning_rate=1 (an int).
    args = f"learning_rate={float(experiment.learning_rate)!r}"
    if experiment.optimizer == "sgd" and experiment.momentum:
        args += f", momentum={_num(experiment.momentum)}"
    # Keras's accuracy misreads ±1 targets; a regression has none (the script prints MSE, MAE, R²).
    metrics = "" if experiment.encoding in ("signed", "value") else ', metrics=["accuracy"]'
    lines += [
        f"model.compile(optimizer=keras.optimizers.{OPTIMIZERS[experiment.optimizer]}({args}),",
        f'              loss="{LOSSES[experiment.loss].keras_name}"{metrics})',
        "model.summary()",
    ]
    return lines


DENSE = "model.add(keras.layers.Dense("


def _dense_options(experiment: Experiment) -> str:
    """`, kernel_initializer=…, kernel_regularizer=…` for settings other than Keras's own."""
    init = {"he": '"he_normal"', "zeros": '"zeros"',
            "small": "keras.initializers.RandomNormal(stddev=0.01)"}.get(experiment.init)
    text = f", kernel_initializer={init}" if init else ""
    if experiment.l1 or experiment.l2:
        text += (f", kernel_regularizer=keras.regularizers.L1L2(l1={float(experiment.l1)!r}, "
                 f"l2={float(experiment.l2)!r})")
    return text


def _layer_lines(layer: Layer) -> list[str]:
    if layer.kind == "conv":
        return [f"model.add(keras.layers.Conv2D({layer.filters}, {layer.kernel_size}, "
                f'activation="{layer.activation}", padding="{layer.padding}"))']
    if layer.kind == "pool":
        return [f"model.add(keras.layers.MaxPooling2D({layer.pool_size}))"]
    if layer.kind == "flatten":
        return ["model.add(keras.layers.Flatten())"]
    if layer.kind == "dropout":
        return [f"model.add(keras.layers.Dropout({_num(layer.dropout)}))"]
    lines = [f'model.add(keras.layers.Dense({layer.units}, activation="{layer.activation}"))']
    if layer.dropout > 0:
        lines.append(f"model.add(keras.layers.Dropout({_num(layer.dropout)}))")
    return lines


def _fit_lines(experiment: Experiment, images: bool) -> list[str]:
    split = experiment.validation_split
    verbose = 2 if images else 0  # an epoch of images takes seconds: show each
    args = f"epochs={experiment.epochs}, batch_size={experiment.batch_size}"
    if split > 0:
        args += f", validation_split={_num(split)}"
    elif images:  # as seed 001: the test images serve as validation data
        args += ", validation_data=(x_test, y_test)"
    lines = [f"history = model.fit(x, y, {args}, verbose={verbose})"]
    lines += [
        "# fit trains on the first rows and validates on the last (validation_split).",
        f"cut = int(len(x) * (1 - {_num(split)}))" if split > 0 else "cut = len(x)",
        "x_train, labels_train = x[:cut], labels[:cut]",
    ]
    return lines


def _regression_lines(scaled: bool = False) -> list[str]:
    """`scaled`: outputs are standardised targets, turned back into the file's units."""
    units = " * TARGET_SCALE + TARGET_SHIFT" if scaled else ""
    return [
        "",
        "",
        "def predicted(rows):",
        '    """The model\'s outputs in the targets\' units."""',
        f"    return model.predict(rows, verbose=0)[:, 0]{units}",
        "",
        "",
        "def scores(rows, targets):",
        '    """MSE, MAE and R² of the model on rows, in the targets\' units."""',
        "    if len(rows) == 0:",
        '        return "no rows"',
        "    error = predicted(rows) - targets",
        "    spread = np.sum((targets - targets.mean()) ** 2)",
        "    r2 = 1 - np.sum(error ** 2) / spread if spread > 0 else float(\"nan\")",
        '    return (f"mse {np.mean(error ** 2):.4f}  mae {np.mean(np.abs(error)):.4f}  "',
        '            f"r2 {r2:.4f}")',
        "",
        "",
        "# What the model outputs per input, against the target.",
        f"shown, shown_targets = x[:{PRINTED_ROWS}], labels[:{PRINTED_ROWS}]",
        "for row, output, target in zip(shown, predicted(shown), shown_targets):",
        '    print(f"input {[round(float(v), 4) for v in row]}: output {output:.4f}  '
        'target {target:.4f}")',
        "",
        'print("training", scores(x_train, labels_train))',
        "if cut < len(x):",
        '    print("validation", scores(x[cut:], labels[cut:]))',
        "if len(x_test):",
        '    print("test", scores(x_test, labels_test))',
    ]


def _report_lines(experiment: Experiment, class_names, images: bool,
                  scaled: bool = False) -> list[str]:
    encoding = experiment.encoding
    if encoding == "value":
        return _regression_lines(scaled)
    if encoding in ("onehot", "sparse"):
        classify = "outputs.argmax(axis=1)"
    else:
        classify = f"(outputs[:, 0] > {_num(experiment.default_threshold)}).astype(\"int64\")"
    lines = [
        "",
        "",
        "def accuracy(rows, row_labels):",
        '    """Share of rows whose predicted class is the label."""',
        "    if len(rows) == 0:",
        '        return float("nan")',
        "    outputs = model.predict(rows, verbose=0)",
        f"    return float(np.mean({classify} == row_labels))",
        "",
        "",
    ]
    if encoding in ("onehot", "sparse"):
        names = ", ".join(f'"{name}"' for name in class_names)
        what = "image" if images else "row"
        lines += [
            f"CLASS_NAMES = [{names}]",
            f"# Probabilities per class for the first test {what}s (seed 001's question).",
            f"shown, shown_labels = x_test[:{PRINTED_ROWS}], labels_test[:{PRINTED_ROWS}]",
            "np.set_printoptions(precision=4, suppress=False, linewidth=120)",
            "for probabilities, label in zip(model.predict(shown, verbose=0), shown_labels):",
            "    guess = int(probabilities.argmax())",
            f'    print(f"{what} of {{CLASS_NAMES[label]!r}}: predicted '
            '{CLASS_NAMES[guess]!r} with probability {probabilities[guess]:.4f}")',
            '    print("  ", probabilities)',
        ]
    else:
        what = {"sigmoid": "probability of class 1", "tanh": "output (-1..1)",
                "linear": "output"}[experiment.output]
        lines += [
            f"# What the model outputs per input ({what}); class 1 above "
            f"{_num(experiment.default_threshold)}.",
            f"shown, shown_labels = x[:{PRINTED_ROWS}], labels[:{PRINTED_ROWS}]",
            "for row, output, label in zip(shown, model.predict(shown, verbose=0), shown_labels):",
            f"    predicted = int(output[0] > {_num(experiment.default_threshold)})",
            '    print(f"input {[round(float(v), 4) for v in row]}: output {output[0]:.4f}  '
            'class {predicted}  label {label}  {\'right\' if predicted == label else \'WRONG\'}")',
        ]
    lines += [
        "",
        'print(f"training accuracy {accuracy(x_train, labels_train):.4f}")',
        "if cut < len(x):",
        '    print(f"validation accuracy {accuracy(x[cut:], labels[cut:]):.4f}")',
        "if len(x_test):",
        "    test_loss = model.evaluate(x_test, y_test, verbose=0)",
        "    test_loss = test_loss[0] if isinstance(test_loss, list) else test_loss",
        '    print(f"test loss {test_loss:.4f}  test accuracy '
        '{accuracy(x_test, labels_test):.4f}")',
    ]
    return lines


def _settings(experiment: Experiment) -> dict:
    """The settings that matter for this experiment (not other datasets' options)."""
    others = {name for key in datasets.names() for name in datasets.get(key).options}
    shown = set(datasets.get(experiment.dataset).options)
    if experiment.optimizer != "sgd":
        others.add("momentum")
    data = experiment.to_dict()
    return {key: value for key, value in data.items()
            if key != "version" and (key not in others or key in shown)}


def keras_script(experiment: Experiment) -> str:
    """A standalone Python script that runs `experiment` with plain Keras and NumPy."""
    spec = datasets.get(experiment.dataset)
    data_lines, n_inputs, class_names = importlib.import_module(spec.module).script(experiment)
    data_lines = data_lines + features.script_lines(experiment.features)
    if features.parse(experiment.features)[0]:  # x1, x2 and the engineered columns
        n_inputs = len(features.columns(experiment.features))
    n_classes = spec.classes(experiment)
    output_units = n_classes if experiment.encoding in ("onehot", "sparse") else 1
    header = [
        f'"""{spec.label} with plain Keras: the Neural Playground experiment as a script.',
        "",
        f"Written by Neural Playground {__version__}. Run it with `python thisfile.py`; it needs",
        ("NumPy, pandas (to read the CSV file) and Keras (with TensorFlow)."
         if experiment.dataset == "csv" else "only NumPy and Keras (with TensorFlow).")
        + " The experiment's settings in the app:",
        "",
    ]
    header += [f"    {key} = {value!r}" for key, value in _settings(experiment).items()]
    header += ['"""', "import numpy as np", "import keras", "",
               f"SEED = {experiment.seed}",
               "keras.utils.set_random_seed(SEED)  # same seed: same weights, same shuffling",
               ""]
    # A table's regression target is learnt standardised (table_files.script's TARGET_SCALE).
    scaled = any(line.startswith("TARGET_SCALE") for line in data_lines)
    body = (data_lines + [""] + _targets(experiment.encoding, n_classes, scaled)
            + [""] + _model_lines(experiment, n_inputs, output_units) + [""]
            + _fit_lines(experiment, spec.images)
            + _report_lines(experiment, class_names, spec.images, scaled))
    return "\n".join(header + body) + "\n"


def main_export_code(path: str, out=None) -> int:
    """`python -m playground export-code FILE`: print the script for an experiment file.

    FILE is a `.playground` file or a JSON file of experiment settings. Returns the exit code.
    """
    from playground.core.files.experiment_file import PersistError, read_experiment

    out = out or sys.stdout
    try:
        experiment = read_experiment(path)
    except PersistError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    out.write(keras_script(experiment))
    return 0
