"""`playground sweep` and `playground lr-find`: the researcher's tools on the command line.

    playground sweep [train's flags] --vary "learning_rate=0.01|0.1|1" [--vary "hidden=4|8,4"]
                     --seeds 3 [--tensorboard DIR] [--json]
    playground lr-find [train's flags] [--start 1e-5] [--end 10] [--steps 100] [--json]

Train's flags set what stays fixed; each `--vary` names a field (any the form knows; `hidden`
takes layer lists) and its values. A bad flag or value is one `error: …` line, exit code 2.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time

from playground.core.data.downloads import MissingFilesError
from playground.cli.train_flags import UsageError, _Parser, build_parser, parse_train_args

def _sweep_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="playground sweep", add_help=False)
    parser.add_argument("--vary", action="append", default=[], metavar="FIELD=V1|V2")
    parser.add_argument("--seeds", default="1", metavar="N")
    return parser


def _finder_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="playground lr-find", add_help=False)
    for flag, default in (("--start", "1e-5"), ("--end", "10"), ("--steps", "100")):
        parser.add_argument(flag, default=default)
    return parser


def _help(parser_prog: str, extra: str) -> None:
    text = build_parser().format_help().replace("playground train", parser_prog, 1)
    print(text.rstrip() + "\n\n" + extra)


def parse_sweep_args(argv: list[str]):
    """Flags -> (Sweep, train's args); `UsageError` naming the flag otherwise."""
    from playground.core.training.sweep import Sweep, SweepError, parse_axis

    if any(a in ("-h", "--help") for a in argv):
        _help("playground sweep", "sweep:\n  --vary FIELD=V1|V2|…  a setting and its values "
              "(repeatable; hidden takes layer lists like 4 or 8,4)\n  --seeds N  runs per "
              "setting, seeds base, base+1, … (default 1)")
        raise SystemExit(0)
    own, rest = _sweep_parser().parse_known_args(argv)
    if not own.vary:
        raise UsageError("--vary: give at least one, e.g. --vary \"learning_rate=0.01|0.1|1\"")
    if "--save" in rest or any(a.startswith("--save=") for a in rest) or \
            "--snapshot-epochs" in rest:
        raise UsageError("sweep does not take --save or --snapshot-epochs; use --tensorboard "
                         "DIR to keep every run's curves")
    base, args = parse_train_args(rest)
    try:
        seeds = int(own.seeds)
    except ValueError:
        raise UsageError(f"--seeds: '{own.seeds}' is not a whole number") from None
    try:
        sweep = Sweep(base, tuple(parse_axis(text) for text in own.vary), seeds)
        points = sweep.points()
    except SweepError as error:
        raise UsageError(f"--vary: {error}" if not str(error).startswith("seeds") else
                         f"--{error}") from None
    return sweep, points, args


def check_tensorboard(args) -> None:
    if getattr(args, "tensorboard", None) is None:
        return
    from playground.core.files.tensorboard import ExportError, check_directory, summary_module
    try:
        check_directory(args.tensorboard)
        summary_module()
    except ExportError as error:
        raise UsageError(f"--tensorboard: {error}") from None


def sweep(argv: list[str]) -> int:
    sweep_, points, args = parse_sweep_args(argv)
    from playground.core.training.sweep import (SweepProgress, aggregate, best_metric,
                                                json_value, run_sweep,
                                                settings_text)
    results = []
    last_line = 0.0
    try:
        for item in run_sweep(points):
            if isinstance(item, SweepProgress):
                now = time.perf_counter()
                if not args.quiet and now - last_line >= 0.5:
                    last_line = now
                    print(f"run {item.index + 1}/{item.total}  epoch {item.epoch}/{item.epochs}",
                          file=sys.stderr, flush=True)
                continue
            results.append(item)
            if args.tensorboard:
                from playground.core.files.tensorboard import export_history
                export_history(args.tensorboard, item.record.name, item.history,
                               item.point.experiment)
    except MissingFilesError as error:  # the image files are not here: one line, as train says
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"playground: interrupted after {len(results)} of {len(points)} runs",
              file=sys.stderr)
        if not results:
            return 130
    metric = best_metric(results)
    rows = aggregate(results, metric)
    if args.json:
        print(json.dumps({
            "metric": metric,
            "runs": [{"settings": {k: json_value(v) for k, v in r.point.settings.items()},
                      "seed": r.point.seed, "status": r.record.status,
                      "epochs": r.record.epochs, "seconds": round(r.seconds, 3),
                      "final": _finite(r.final)} for r in results],
            "summary": [{"settings": {k: json_value(v) for k, v in row.settings.items()},
                         "mean": _number(row.mean), "spread": _number(row.spread),
                         "runs": row.runs} for row in rows],
        }, allow_nan=False))
    else:
        print(f"{len(results)} runs; {metric} (mean ± spread over {sweep_.seeds} "
              f"seed{'s' if sweep_.seeds > 1 else ''}):")
        width = max(len(settings_text(r.settings)) for r in rows)
        for row in rows:
            print(f"  {settings_text(row.settings):<{width}}  {row.mean:.4f} ± {row.spread:.4f}"
                  f"  ({row.seconds:.2f} s a run)")
        if args.tensorboard:
            print(f"\nTensorBoard logs: tensorboard --logdir {args.tensorboard}")
    return 130 if len(results) < len(points) else 0


def parse_finder_args(argv: list[str]):
    if any(a in ("-h", "--help") for a in argv):
        _help("playground lr-find", "lr-find:\n  --start LR  --end LR  --steps N  the range "
              "(default 1e-5 to 10 in 100 steps)")
        raise SystemExit(0)
    own, rest = _finder_parser().parse_known_args(argv)
    if "--tensorboard" in rest or "--save" in rest:
        raise UsageError("lr-find does not take --tensorboard or --save")
    experiment, args = parse_train_args(rest)
    values = {}
    for name in ("start", "end", "steps"):
        raw = getattr(own, name)
        try:
            values[name] = int(raw) if name == "steps" else float(raw)
        except ValueError:
            raise UsageError(f"--{name}: '{raw}' is not a "
                             f"{'whole number' if name == 'steps' else 'number'}") from None
    if not (0 < values["start"] < values["end"]) or not math.isfinite(values["end"]):
        raise UsageError("--start, --end: need 0 < start < end")
    if not 3 <= values["steps"] <= 10_000:
        raise UsageError("--steps: must be between 3 and 10,000")
    return experiment, args, values


def lr_find(argv: list[str]) -> int:
    experiment, args, values = parse_finder_args(argv)
    from playground.core.training import lr_finder

    def progress(done, total):
        if not args.quiet and done % 20 == 0:
            print(f"step {done}/{total}", file=sys.stderr, flush=True)
        return True

    try:
        result = lr_finder.find(experiment, values["start"], values["end"], values["steps"],
                                on_step=progress)
    except MissingFilesError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("playground: interrupted (Ctrl+C)", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps({"learning_rates": [float(f"{v:.6g}") for v in result.learning_rates],
                          "losses": [_number(v) for v in result.losses],
                          "suggested": _number(result.suggested), "ended": result.ended},
                         allow_nan=False))
    elif math.isfinite(result.suggested):
        print(f"suggested learning rate: {result.suggested:.3g} (steepest descent of the "
              f"loss; the test {result.ended} after {len(result.losses)} steps)")
        print(f"train with it: playground train … --lr {result.suggested:.3g}")
    else:
        print("the loss never fell over the range: try a wider range (--start, --end)")
    return 0


def _number(value) -> float | None:
    return float(f"{value:.7g}") if value is not None and math.isfinite(value) else None


def _finite(final: dict) -> dict:
    return {k: _number(v) for k, v in final.items() if v is not None}
