"""The 2-D playground's done-when numbers: each lesson's network trained by the app (the one
Trainer, through `playground train --json`) on its generated data, scored on the held-out test
rows. Issue 14's reference: plain Keras reaches 0.976 test accuracy on the spiral below.

    python benchmarks/bench_planar.py            # every case
    python benchmarks/bench_planar.py spiral     # cases whose name contains 'spiral'
    python benchmarks/bench_planar.py --speed    # redraw costs and the 10,000-point schedule

--speed times, offscreen, the boundary view's refresh + repaint for six classes at 100×100
and the regression curve (one input) and heatmap (two inputs), against the 33 ms frame budget,
and says which schedule the Trainer picks for 10,000 points.
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


FRAME_MS = 33.0


def speed() -> int:
    import statistics

    import numpy as np
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from playground.core.data import registry as datasets
    from playground.core.experiment import Experiment, Layer
    from playground.core.model.build import build_model
    from playground.core.training.trainer import Report, Trainer
    from playground.ui.session import Session
    from playground.ui.views.boundary import DecisionBoundaryView

    app = QApplication.instance() or QApplication([])
    cases = {
        "6 classes, 100×100, 2-16-16-6 tanh": Experiment(
            dataset="gaussians", classes=6, loss="sparse-categorical", batch_size=10,
            layers=(Layer(16, "tanh"), Layer(16, "tanh"))),
        "sine curve (400 points), 16-16 tanh": Experiment(
            dataset="sine", loss="mse", layers=(Layer(16, "tanh"), Layer(16, "tanh"))),
        "hills heatmap 100×100, 16-16 tanh": Experiment(
            dataset="gaussian-hills", loss="mse", layers=(Layer(16, "tanh"), Layer(16, "tanh"))),
    }
    slow = 0
    for name, experiment in cases.items():
        dataset = datasets.load(experiment)
        model = build_model(experiment, dataset)
        session = Session()
        view = DecisionBoundaryView(session)
        view.resize(520, 420)
        view.show()
        session.start_run(experiment, dataset, dataset.x_train, dataset.labels_train)
        session.add_report(Report(
            epochs=np.array([0]), loss=np.array([0.7]), metrics={},
            val_loss=None, val_metrics=None,
            outputs=model.predict(dataset.x_train, verbose=0)[None],
            weights=tuple(model.get_weights()), epochs_per_second=0.0))
        session.flush()
        times = []
        for _ in range(30):
            started = time.perf_counter()
            view.refresh()
            app.processEvents()
            times.append(1000 * (time.perf_counter() - started))
        median = statistics.median(times)
        slow += median > FRAME_MS
        print(f"{'ok  ' if median <= FRAME_MS else 'SLOW'} {name}: refresh + paint "
              f"{median:.1f} ms median (budget {FRAME_MS:g} ms)", flush=True)
        view.close()
    big = Experiment(dataset="circle", samples=10_000, test_fraction=0.2, loss="bce",
                     batch_size=10, validation_split=0.0, optimizer="adam", learning_rate=0.01)
    trainer = Trainer(big)
    print(f"10,000 circle points, batch 10: the Trainer's schedule is "
          f"'{trainer._schedule_name()}'", flush=True)
    return 1 if slow else 0


def main(argv: list[str]) -> int:
    if argv == ["--speed"]:
        return speed()
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
