"""Memory kept per new model: build and train models in turn, as a learner changing layers does.

    .venv/bin/python benchmarks/bench_memory.py [--models 40] [--epochs 50] [--window 30]

Builds and trains `--models` models one after another with the app's `Trainer` (the window's
and the command line's path), alternating between two shapes (XOR with 4 and with 8 tanh units,
batch 1, `--epochs` epochs each), dropping each before the next as the window does, and reads
the process's resident memory (RSS) after each. The first models warm TensorFlow's caches; the
slope of RSS over the last `--window` models is what every further rebuild keeps.

The last line is `MB per rebuild: X` (target < 0.5).
"""
from __future__ import annotations

import argparse
import gc
import time

import numpy as np

TARGET_MB_PER_REBUILD = 0.5


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--window", type=int, default=30, help="models the slope is taken over")
    args = parser.parse_args()

    from playground.core.experiment import Experiment, Layer
    from playground.core.model.runtime import load
    from playground.core.training.trainer import Trainer

    tf, keras = load()
    shapes = (Experiment(epochs=args.epochs, layers=(Layer(4, "tanh"),)),
              Experiment(epochs=args.epochs, layers=(Layer(8, "tanh"),)))
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}; {args.models} models "
          f"alternating 2-4-1 / 2-8-1 on XOR, {args.epochs} epochs each")
    sizes, started = [], time.perf_counter()
    trainer = None
    for i in range(args.models):
        trainer = None  # the old model goes before the new one is built, as in the window
        trainer = Trainer(shapes[i % 2])
        for _report in trainer.run():
            pass
        gc.collect()  # the window's GUI thread collects cycles too (ui/garbage.py)
        sizes.append(rss_mb())
        print(f"model {i + 1:3d}: RSS {sizes[-1]:8.1f} MB")
    window = min(args.window, len(sizes))
    tail = np.array(sizes[-window:])
    slope = float(np.polyfit(np.arange(window), tail, 1)[0]) if window > 1 else 0.0
    print(f"{len(sizes)} models in {time.perf_counter() - started:.1f} s; RSS "
          f"{sizes[0]:.1f} -> {sizes[-1]:.1f} MB; target < {TARGET_MB_PER_REBUILD} MB per "
          f"rebuild: {'ok' if slope < TARGET_MB_PER_REBUILD else 'MISSED'}")
    print(f"MB per rebuild: {slope:.2f}")


if __name__ == "__main__":
    main()
