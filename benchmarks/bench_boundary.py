"""Decision-boundary cost: grid refresh time, and training speed with the boundary shown vs hidden.

1. `decision_grid` alone (one vectorised NumPy forward pass) for 100×100 and 200×200 grids, on
   seed 000's single neuron, the default XOR net (2-4-1) and a wider 2-64-64-1 net.
2. The whole view refresh (grid + image + colour bar + threshold contour + points), offscreen.
3. Epochs per second of the default XOR run in the real window (worker thread training, GUI
   thread drawing every view at ≤30 redraws/s), with the boundary view shown and hidden, in
   alternating rounds after an untimed warm-up. Target: shown / hidden ≥ 0.7.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_boundary.py
    QT_QPA_PLATFORM=offscreen python benchmarks/bench_boundary.py --epochs 20000 --rounds 3
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from playground.core.inspection.forward import decision_grid  # noqa: E402

NETS = {  # name: (layer sizes, activations)
    "seed 000: 2-1 sigmoid": ([2, 1], ["sigmoid"]),
    "default: 2-4-1 tanh": ([2, 4, 1], ["tanh", "sigmoid"]),
    "wide: 2-64-64-1 relu": ([2, 64, 64, 1], ["relu", "relu", "sigmoid"]),
}


def random_weights(sizes, seed=0):
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        weights += [rng.normal(0, 1, (fan_in, fan_out)).astype(np.float32),
                    rng.normal(0, 0.1, fan_out).astype(np.float32)]
    return weights


def median_ms(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def bench_grid(repeats: int) -> None:
    print("decision_grid (NumPy forward pass), median ms")
    print(f"  {'network':<26}{'100×100':>10}{'200×200':>10}")
    for name, (sizes, activations) in NETS.items():
        weights = random_weights(sizes)
        row = [median_ms(lambda n=n, w=weights, a=activations: decision_grid(
                             w, a, (-0.25, 1.25), (-0.25, 1.25), n), repeats)
               for n in (100, 200)]
        print(f"  {name:<26}{row[0]:>10.2f}{row[1]:>10.2f}")


def bench_view(app, repeats: int) -> None:
    from playground.core.data import registry as datasets
    from playground.core.experiment import Experiment, Layer
    from playground.core.training.trainer import Report
    from playground.ui.session import Session
    from playground.ui.views.boundary import DecisionBoundaryView

    print("\nboundary view refresh (grid, image, colour bar, contour, wrong marks) and the"
          " repaint after it, median ms")
    print(f"  {'network':<26}{'100×100':>18}{'200×200':>18}")
    print(f"  {'':<26}{'refresh + paint':>18}{'refresh + paint':>18}")
    for name, layers in (("default: 2-4-1 tanh", (Layer(4, "tanh"),)),
                         ("wide: 2-64-64-1 relu", (Layer(64, "relu"), Layer(64, "relu")))):
        experiment = Experiment(layers=layers)
        dataset = datasets.load(experiment)
        session = Session()
        view = DecisionBoundaryView(session)
        view.resize(520, 420)
        view.show()
        session.start_run(experiment, dataset, dataset.x_train, dataset.labels_train)
        sizes = [2] + [layer.units for layer in layers] + [1]
        session.add_report(Report(
            epochs=np.array([0]), loss=np.array([0.7]), metrics={"accuracy": np.array([0.5])},
            val_loss=None, val_metrics=None, outputs=np.zeros((1, 4, 1)),
            weights=tuple(random_weights(sizes)), epochs_per_second=0.0))
        row = []
        for index in (1, 2):  # 100×100, 200×200
            view.resolution.setCurrentIndex(index)

            refresh = median_ms(view.refresh, repeats)

            def redraw(view=view):
                view.refresh()
                app.processEvents()

            row.append(f"{refresh:.2f} + {median_ms(redraw, repeats) - refresh:.2f}")
        print(f"  {name:<26}{row[0]:>18}{row[1]:>18}")
        if view.resolution_used != 200:
            print(f"  {'':<26}(this network is drawn at {view.resolution_used}×"
                  f"{view.resolution_used}: GRID_BUDGET)")
        view.close()


def bench_training(app, epochs: int, rounds: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from playground.core.experiment import Experiment
    from playground.ui.main_window import MainWindow

    window = MainWindow(Experiment(epochs=epochs))
    window.show()
    loop = QEventLoop()
    window.training_idle.connect(lambda _reason: loop.quit())

    def wait_until(condition):
        while not condition():
            QTimer.singleShot(20, loop.quit)
            loop.exec()

    wait_until(lambda: window.loaded and window.state == "idle")
    view = window.views["boundary"]

    def one_run() -> float:
        first = window.session.history.last_epoch
        started = time.perf_counter()
        window.train_action.trigger()
        watchdog = QTimer(singleShot=True, interval=120_000, timeout=loop.quit)
        watchdog.start()
        loop.exec()
        if not watchdog.isActive():
            raise RuntimeError(f"no end of training after 120 s: state {window.state!r}, "
                               f"epochs {first} -> {window.session.history.last_epoch}, "
                               f"train enabled {window.train_action.isEnabled()}")
        watchdog.stop()
        return epochs / (time.perf_counter() - started)

    one_run()  # warm-up: traces the compiled training function
    for index in (1, 2):  # 100×100, 200×200
        view.resolution.setCurrentIndex(index)
        speeds = {"shown": [], "hidden": []}
        draws = []
        for _ in range(rounds):
            for mode in ("shown", "hidden"):
                view.setVisible(mode == "shown")
                app.processEvents()
                speeds[mode].append(one_run())
                if mode == "shown":
                    draws.append(view.last_draw_seconds)
        shown, hidden = statistics.median(speeds["shown"]), statistics.median(speeds["hidden"])
        size = view.resolution.currentData()
        print(f"\nXOR 2-4-1, {epochs:,} epochs a round, {rounds} rounds each, "
              f"boundary {size}×{size}")
        for mode, value in (("shown", shown), ("hidden", hidden)):
            print(f"  epochs/s with the boundary {mode:<6}: {value:>8,.0f}  "
                  f"({', '.join(f'{s:,.0f}' for s in speeds[mode])})")
        print(f"  last boundary redraw: {1000 * statistics.median(draws):.1f} ms")
        print(f"  ratio shown / hidden: {shown / hidden:.2f}  (target ≥ 0.7)")
    window.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10000, help="epochs per timed round")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds per mode")
    parser.add_argument("--repeats", type=int, default=30, help="repeats per grid timing")
    parser.add_argument("--skip-training", action="store_true")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from playground.ui.garbage import collect_in_gui_thread

    app = QApplication.instance() or QApplication([])
    collect_in_gui_thread()  # the training benchmark's thread must never free these views
    print(f"{os.cpu_count()} CPUs, NumPy {np.__version__}\n")
    bench_grid(args.repeats)
    bench_view(app, args.repeats)
    if not args.skip_training:
        bench_training(app, args.epochs, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
