"""Command line: the window by default, `train` to run an experiment headless.

    python -m playground [FILE]             open the app (optionally with a saved experiment)
    python -m playground train [FLAGS]      train and print the per-input outputs
    python -m playground train --help       every flag, with its default
    python -m playground export-code FILE   print the plain Keras script of an experiment
    python -m playground install-desktop-entry [--uninstall]   the Linux application menu

Every `train` flag is an `Experiment` field, parsed by the same `FIELDS` table as the form, so
a bad value gets the form's message, named by its flag: `error: --lr: must be greater than 0`
(train_flags.py).
"""
from __future__ import annotations

import json
import sys
import time

from playground.cli.train_flags import (  # noqa: F401 - tests and scripts import them from here
    UsageError, build_parser, flag_name, parse_train_args)
from playground.core.experiment import Experiment

USAGE = """usage: playground [FILE]
       playground train [--dataset NAME] [--hidden 8,4] [--lr 0.5] ... [--json] [--save FILE]
       playground sweep [train's flags] --vary FIELD=V1|V2 [--seeds N] [--json]
       playground lr-find [train's flags] [--json]
       playground backprop FILE --input "1,0" [--target 1] [--json]
       playground export-code FILE
       playground install-desktop-entry [--uninstall]

With no command, open the Neural Playground window (FILE: a .playground experiment or a
.keras / .h5 model to open).
  train                  train an experiment without the window; see `playground train --help`
  sweep                  train over a grid of settings and seeds; see `playground sweep --help`
  lr-find                the learning-rate range test: the loss as the rate grows, a suggestion
  backprop               the backward pass of one input row through a saved experiment's
                         network: loss, each layer's delta and gradients, one SGD step
  export-code            print a plain Keras + NumPy script that runs the experiment in FILE
                         (a .playground file or a JSON file of settings)
  install-desktop-entry  add the app to the Linux application menu (--uninstall removes it)"""

PROGRESS_SECONDS = 0.5


def train(experiment: Experiment, args) -> int:
    """Train, print progress on stderr and the result on stdout.

    Returns 0 when the run finished, 1 when it diverged, 130 when Ctrl+C stopped it.
    """
    from playground.cli import summary as run_summary
    from playground.core.training.history import RunHistory
    from playground.core.training.trainer import BatchProgress, make_trainer
    from playground.core.data.downloads import MissingFilesError

    try:
        trainer = make_trainer(experiment)
    except MissingFilesError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    history = RunHistory()
    started = last_line = time.perf_counter()
    status = "finished"
    try:
        for report in trainer.run():
            if isinstance(report, BatchProgress):  # progress within a long epoch
                now = time.perf_counter()
                if not args.quiet and now - last_line >= PROGRESS_SECONDS:
                    last_line = now
                    print(f"epoch {report.epoch}/{experiment.epochs}  batch "
                          f"{report.batches_done}/{report.batches_total}  "
                          f"{report.samples_per_second:,.0f} samples/s", file=sys.stderr,
                          flush=True)
                continue
            history.append(report)
            now = time.perf_counter()
            if not args.quiet and now - last_line >= PROGRESS_SECONDS:
                last_line = now
                measured = "  ".join(f"{name} {values[-1]:.4f}"
                                     for name, values in report.metrics.items())
                print(f"epoch {report.last_epoch}/{experiment.epochs}  loss "
                      f"{report.loss[-1]:.4f}  {measured}  "
                      f"{report.epochs_per_second:,.0f} epochs/s", file=sys.stderr, flush=True)
        status = history.status
    except KeyboardInterrupt:  # Ctrl+C: stop between chunks and show the model as it is
        status = "stopped"
        if not len(history):
            print("playground: interrupted (Ctrl+C) before the first epoch", file=sys.stderr)
            return 130
    seconds = time.perf_counter() - started
    data = trainer.dataset
    test = trainer.scores(data.x_test, data.labels_test) if len(data.x_test) else None
    x, labels = trainer.probe_x, trainer.probe_labels
    if args.json:
        result = run_summary.summary(experiment, data, history, x, labels, trainer.model,
                                     test, seconds, status)
        print(json.dumps(result, allow_nan=False))
    else:
        def table(outputs, title):
            rows = run_summary.probe_rows(experiment, data, x, labels, outputs)
            return run_summary.outputs_table(experiment, data, rows, title)

        for wanted in args.snapshots:
            epoch, outputs = history.outputs_at(wanted)
            note = "" if epoch == wanted else f" (the recorded epoch nearest before {wanted})"
            print(table(outputs, f"Outputs at epoch {epoch}{note}:") + "\n")
        print(table(history.latest_outputs, f"Outputs after epoch {history.last_epoch}:"))
        final = run_summary.final_metrics(history, test, data.task)
        print(f"\n{run_summary.metrics_text(final)}  ({history.last_epoch} epochs in "
              f"{seconds:.2f} s)")
    if getattr(args, "tensorboard", None) and len(history):  # checked before training
        from playground.core.files.tensorboard import export_history
        from playground.core.training.runs import settings_summary
        export_history(args.tensorboard, settings_summary(experiment), history, experiment)
    if args.save and len(history):
        from playground.core.files.experiment_file import save_from_cli
        code = save_from_cli(args.save, trainer, history)
        if code:
            return code
    if status == "diverged":
        print(f"playground: {history.message}", file=sys.stderr)
        return 1
    if status == "stopped":
        print(f"playground: stopped at epoch {history.last_epoch}", file=sys.stderr)
        return 130
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "train":
            experiment, args = parse_train_args(argv[1:])
            return train(experiment, args)
        if argv and argv[0] == "backprop":
            from playground.cli.backprop_command import backprop
            return backprop(argv[1:])
        if argv and argv[0] in ("sweep", "lr-find"):
            from playground.cli import sweep_commands
            return (sweep_commands.sweep if argv[0] == "sweep" else
                    sweep_commands.lr_find)(argv[1:])
        if argv and argv[0] == "export-code":
            if len(argv) != 2:
                raise UsageError("export-code takes one FILE (a .playground file or a JSON "
                                 "file of experiment settings)")
            from playground.core.files.codegen import main_export_code
            return main_export_code(argv[1])
        if argv and argv[0] == "install-desktop-entry":
            from playground.desktop import main_install
            return main_install(argv[1:])
        if argv and argv[0] in ("-h", "--help", "help"):
            print(USAGE)
            return 0
        if len(argv) > 1 or (argv and argv[0].startswith("-")):
            raise UsageError(f"unexpected arguments {' '.join(argv)!r}; to train without the "
                             "window use `playground train …`")
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else 0
    except KeyboardInterrupt:  # Ctrl+C before training began (e.g. while TensorFlow loads)
        print("playground: interrupted (Ctrl+C)", file=sys.stderr)
        return 130
    from playground.ui.app import run_gui
    return run_gui(argv)
