"""The `train` command's flags: every `Experiment` field a flag, read by the form's own rules.

Kept apart from the commands (commands.py), which run what these flags describe: the parser is
built from the `FIELDS` table, so a bad value gets the form's message, named by its flag
(`error: --lr: must be greater than 0`); `parse_train_args` turns flags into a checked
`Experiment`, filling what was left out as the form does when the dataset changes. `sweep` and
`lr-find` take the same flags.
"""
from __future__ import annotations

import argparse
import re

from playground.core.data import registry as datasets
from playground.core.experiment import (ACTIVATIONS, FIELDS, LAYER_FIELDS, LOSSES, Experiment,
                                        FieldError, Layer)
from playground.core.layers import parse_layers
from playground.core.model.presets import CNN_PRESETS, preset_fields

#: Flags whose name is not the field name with dashes.
FLAG_NAMES = {"learning_rate": "--lr", "normalize": "--no-normalize",
              "standardize": "--no-standardize", "table_task": "--task"}
LAYER_FLAGS = {"units": "--hidden", "activation": "--activation", "dropout": "--dropout",
               "kind": "--layers", "filters": "--layers", "kernel_size": "--layers",
               "padding": "--layers", "pool_size": "--layers"}
NO_HIDDEN = ("", "none", "0", "-")
#: Fields whose default depends on the data's size (`datasets.follow`).
FOLLOWED = ("validation_split", "epochs", "batch_size")


class UsageError(Exception):
    """A bad command line: reported as one `error: …` line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print usage and exit; we want one line
        raise UsageError(message.replace("argument ", "", 1))


def flag_name(field: str) -> str:
    """The flag that sets `field` (an Experiment field or `layers[i].units` and the like)."""
    match = re.fullmatch(r"layers(?:\[(\d+)\])?(?:\.(\w+))?", field)
    if match:
        return LAYER_FLAGS.get(match.group(2) or "units", "--hidden")
    return FLAG_NAMES.get(field, "--" + field.replace("_", "-"))


def error_text(errors: list[FieldError], layers: int = 1) -> str:
    """Field errors -> one line naming flags: '--lr: must be greater than 0; --epochs: …'."""
    parts = []
    for error in errors:
        match = re.match(r"layers\[(\d+)\]", error.field)
        where = f"layer {int(match.group(1)) + 1}: " if match and layers > 1 \
            and not error.message.startswith("layer ") else ""
        parts.append(f"{flag_name(error.field)}: {where}{error.message}")
    return "; ".join(parts)


def _add_layer_flags(parser: argparse.ArgumentParser, defaults: Experiment) -> None:
    layer = defaults.layers[0] if defaults.layers else Layer()
    units = ",".join(str(layer.units) for layer in defaults.layers) or "none"
    parser.add_argument("--hidden", metavar="UNITS", help="hidden layer sizes, e.g. 8,4; "
                        f"'none' or '' for no hidden layer (default: {units})")
    parser.add_argument("--activation", metavar="{%s}" % ",".join(ACTIVATIONS),
                        help="hidden activation, one for all layers or a comma list "
                             f"(default: {layer.activation})")
    parser.add_argument("--dropout", metavar="RATE", help="dropout after each hidden layer, "
                        f"one rate or a comma list (default: {layer.dropout:g})")
    parser.add_argument("--layers", metavar="LAYERS", help="the layers before the output, "
                        "comma-separated, instead of --hidden: 'conv 32 3 relu, pool 2, "
                        "conv 64 3 relu, pool 2, flatten, dropout 0.5' (also 'dense N ACT', "
                        "'conv N K ACT same'); conv and pool need image data")
    parser.add_argument("--preset", choices=sorted(CNN_PRESETS), help="start from a preset: "
                        + "; ".join(f"{key}: {label}" for key, (label, _, _)
                                    in CNN_PRESETS.items()) + " (other flags change it)")


def build_parser() -> argparse.ArgumentParser:
    defaults = Experiment()
    parser = _Parser(prog="playground train", description="Train an experiment headless and "
                     "print what the model outputs for each input.")
    for name, spec in FIELDS.items():
        flag = flag_name(name)
        if name == "loss":  # the layers come between the data and the loss, as in the form
            _add_layer_flags(parser, defaults)
        if spec.kind is bool:
            parser.add_argument(flag, dest=name, action="store_true",
                                help=f"{spec.label}: off (default: on)")
            continue
        choices = datasets.names() if name == "dataset" else [c for c in spec.choices if c]
        default = getattr(defaults, name)
        if name == "output_activation":
            text = "the loss's natural one: " + ", ".join(
                f"{key} {loss.outputs[0]}" for key, loss in LOSSES.items())
        elif name in FOLLOWED:
            text = f"{default}; " + "; ".join(
                f"{', '.join(keys)} {value:g}" for value, keys in _starting(name, default))
        else:
            text = default
        parser.add_argument(flag, dest=name, metavar="{%s}" % ",".join(choices) if choices
                            else name.split("_")[-1].upper(),
                            help=f"{spec.label} (default: {text})")
    parser.add_argument("--snapshot-epochs", metavar="0,100", help="also print the outputs "
                        "as they were at these epochs")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--tensorboard", metavar="DIR", help="write the run's per-epoch "
                        "metrics and weight histograms as TensorBoard logs in DIR "
                        "(tensorboard --logdir DIR)")
    parser.add_argument("--save", metavar="FILE", help="write the trained experiment (settings, "
                        "model, history) to FILE, e.g. run.playground; open it in the window "
                        "with `playground FILE`")
    return parser


def _starting(name: str, default) -> list[tuple[float, list[str]]]:
    """(starting value, the datasets that start there) for a followed field, other than
    `default`, in registry order."""
    groups: dict[float, list[str]] = {}
    for key in datasets.names():
        value = getattr(datasets.get(key), name)
        if value != default:
            groups.setdefault(value, []).append(key)
    return list(groups.items())


def _join_negative_values(argv: list[str]) -> list[str]:
    """'--lr -1e-3' -> '--lr=-1e-3': argparse would take '-1e-3' for a flag."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1].startswith("--") and "=" not in out[-1] \
                and re.match(r"-[\d.]", arg) and out[-1] not in ("--json", "--quiet"):
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


def _layers(args, errors: list[FieldError]) -> tuple[tuple[Layer, ...], int]:
    """--hidden, --activation, --dropout (or --layers) -> (layers, how many layers)."""
    if args.layers is not None:
        return _kinds_of_layers(args, errors)
    if args.hidden is None:
        units = [layer.units for layer in Experiment().layers]
    elif args.hidden.strip().lower() in NO_HIDDEN:
        units = []
    else:
        units = []
        for i, part in enumerate(args.hidden.split(",")):
            value, message = LAYER_FIELDS["units"].parse(part)
            units.append(value)
            if message:
                errors.append(FieldError(f"layers[{i}].units", message))
    count = len(units)
    columns = {"units": units}
    for name, raw in (("activation", args.activation), ("dropout", args.dropout)):
        parts = [str(getattr(Layer(), name))] if raw is None else raw.split(",")
        if len(parts) != 1 and len(parts) != count:
            errors.append(FieldError(f"layers.{name}", f"give one value or {count} (one per "
                                     f"hidden layer), not {len(parts)}"))
            continue
        values = []
        for i, part in enumerate(parts):
            value, message = LAYER_FIELDS[name].parse(part)
            values.append(value)
            if message:
                field = f"layers[{i}].{name}" if len(parts) > 1 else f"layers.{name}"
                errors.append(FieldError(field, message))
        columns[name] = values * count if len(parts) == 1 else values
    if errors:
        return (), count
    return tuple(Layer(*row) for row in zip(*columns.values())), count


def _kinds_of_layers(args, errors: list[FieldError]) -> tuple[tuple[Layer, ...], int]:
    """--layers 'conv 32 3 relu, pool 2, flatten' -> (layers, count)."""
    given = [flag for flag, value in (("--hidden", args.hidden), ("--activation",
             args.activation), ("--dropout", args.dropout)) if value is not None]
    if given:
        errors.append(FieldError("layers.kind", f"give --layers or {', '.join(given)}, "
                                 "not both"))
        return (), 0
    layers, problems = parse_layers(args.layers)
    for i, message in problems:
        errors.append(FieldError(f"layers[{i}].kind", message))
    return layers, max(len(layers), 2)  # 2: messages name the layer


def parse_train_args(argv: list[str]) -> tuple[Experiment, argparse.Namespace]:
    """Flags -> a validated Experiment, or `UsageError` with one line naming the flag(s)."""
    args = build_parser().parse_args(_join_negative_values(argv))
    errors: list[FieldError] = []
    values = {}
    for name, spec in FIELDS.items():
        raw = getattr(args, name)
        if spec.kind is bool:
            values[name] = not raw if flag_name(name).startswith("--no-") else raw
        elif raw is not None:
            if raw.strip() == "" and "" in spec.choices:
                values[name] = ""
                continue
            value, message = spec.parse(raw)
            if message:
                errors.append(FieldError(name, message))
            values[name] = value
    layers, count = _layers(args, errors)
    if errors:
        raise UsageError(error_text(errors, count))
    if args.preset:  # the preset's settings, under the flags given
        preset = preset_fields(args.preset)
        if args.layers is None and args.hidden is None:
            layers = preset.pop("layers")
        preset.pop("layers", None)
        values = {**preset, **values}
    # Flags left out take the dataset's starting settings, as the form picks them when the
    # dataset changes: sum-threshold holds out 0.2 (Keras's validation_split in seed 002);
    # images get their natural loss, 5 epochs and batch 32, not XOR's 500 epochs of batch 1;
    # three Gaussian blobs a softmax, the sine a linear output.
    defaults = Experiment()
    if values.get("csv") and "dataset" not in values:  # --csv FILE is your own table
        values["dataset"] = "csv"
    dataset = values.get("dataset", defaults.dataset)
    if dataset in datasets.names():
        # The settings that say the data (classes; a table's file and columns), not training's.
        chosen = defaults.replace(dataset=dataset, **{
            name: value for name, value in values.items()
            if name in datasets.get(dataset).options})
        followed = datasets.follow(dataset, values.get("loss", defaults.loss), defaults.dataset,
                                   chosen)
        for name, value in followed.items():
            if name not in values and not (name == "output_activation" and "loss" in values):
                values[name] = value
    experiment = Experiment(layers=layers, **values)
    errors = experiment.validate()
    if errors:
        raise UsageError(error_text(errors, count).replace("--hidden: layer", "--layers: layer")
                         if args.layers is not None or args.preset else error_text(errors, count))
    args.snapshots = _snapshot_epochs(args.snapshot_epochs, experiment.epochs)
    if args.save is not None:  # before training: a run that cannot be saved is time lost
        from playground.core.files.experiment_file import PersistError, check_destination
        try:
            check_destination(args.save)
        except PersistError as error:
            raise UsageError(f"--save: {error}") from None
    if args.tensorboard is not None:  # likewise: the logs' folder and package, checked first
        from playground.cli.sweep_commands import check_tensorboard
        check_tensorboard(args)
    return experiment, args


def _snapshot_epochs(text: str | None, last: int) -> list[int]:
    if not text:
        return []
    epochs = []
    for part in text.split(","):
        try:
            value = int(part.strip())
        except ValueError:
            raise UsageError(f"--snapshot-epochs: '{part.strip()}' is not a whole number") \
                from None
        if not 0 <= value <= last:
            raise UsageError(f"--snapshot-epochs: {value} is not between 0 and the last epoch "
                             f"({last})")
        epochs.append(value)
    return epochs
