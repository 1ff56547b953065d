"""The 2-D playground's done-when numbers: each lesson's network trained by the app (the one
Trainer, through `playground train --json`) on its generated data, scored on the held-out test
rows. Issue 14's reference: plain Keras reaches 0.976 test accuracy on the spiral below.

    python benchmarks/bench_planar.py            # every case
    python benchmarks/bench_planar.py spiral     # cases whose name contains 'spiral'
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.cli import commands  # noqa: E402

#: name: (flags, metric, pass when the metric is at least (>=) or at most (<=) the target)
CASES = {
    "spiral 2-16-16-1 tanh, adam 0.01, batch 10, 1000 epochs, 500 points, half held out": (
        "--dataset spiral --classes 2 --samples 500 --test-fraction 0.5 --hidden 16,16 "
        "--activation tanh --optimizer adam --lr 0.01 --batch-size 10 --epochs 1000 "
        "--validation-split 0", "test_accuracy", ">=", 0.9),
    "circle, one 4-unit tanh layer": (
        "--dataset circle --samples 500 --test-fraction 0.5 --hidden 4 --activation tanh "
        "--optimizer adam --lr 0.03 --batch-size 10 --epochs 300 --validation-split 0",
        "test_accuracy", ">=", 0.95),
    "circle, no hidden layer": (
        "--dataset circle --samples 500 --test-fraction 0.5 --hidden none --optimizer adam "
        "--lr 0.03 --batch-size 10 --epochs 300 --validation-split 0",
        "test_accuracy", "<=", 0.8),
    "three gaussians, 8 tanh": (
        "--dataset gaussians --classes 3 --samples 500 --test-fraction 0.5 --hidden 8 "
        "--activation tanh --optimizer adam --lr 0.01 --batch-size 10 --epochs 200 "
        "--validation-split 0", "test_accuracy", ">=", 0.9),
    "sine 16-16 tanh": (
        "--dataset sine --samples 500 --test-fraction 0.5 --hidden 16,16 --activation tanh "
        "--optimizer adam --lr 0.01 --batch-size 10 --epochs 500 --validation-split 0",
        "test_r2", ">=", 0.9),
}


def run(flags: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = commands.main(["train", *flags.split(), "--json", "--quiet"])
    if code:
        raise SystemExit(f"train exited {code}: {flags}")
    return json.loads(out.getvalue())


def main(argv: list[str]) -> int:
    failed = 0
    for name, (flags, metric, how, target) in CASES.items():
        if argv and not any(word in name for word in argv):
            continue
        start = time.perf_counter()
        value = run(flags)["final"][metric]
        ok = value >= target if how == ">=" else value <= target
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {metric} {value:.3f} (target {how} {target}) "
              f"in {time.perf_counter() - start:.1f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
