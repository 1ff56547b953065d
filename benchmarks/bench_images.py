"""Seconds per epoch: the app's `Trainer` against plain `model.fit`, seed 001's MNIST MLP.

784-512-512-10 relu, dropout 0.2, RMSprop, categorical cross-entropy, batch 128, all 60,000
training images, validation on the 10,000 test images every epoch (as seed 001 does, and as the
trainer does when no validation split is held out). Each (way, threads) pair runs in its own
process, so every one starts cold, pays its own tracing, and reports its own peak memory
(`ru_maxrss`: TensorFlow + the data + training). The first epoch includes tracing; "steady" is
the median of the later epochs. CPU seconds (the process's, all threads) are printed beside wall
seconds: on a shared machine they compare the work done even when other jobs steal the cores.

    python benchmarks/bench_images.py                 # 3 epochs each, 1 and 2 TF threads
    python benchmarks/bench_images.py --threads 1 --rounds 2 --ways fit,fit-tfdata,trainer

Needs the MNIST files in Keras's cache ($KERAS_HOME/datasets/mnist.npz); see
../shared/datasets/README.md for pointing KERAS_HOME at the offline copies.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def seed_001(epochs: int):
    from playground.core.experiment import Experiment, Layer

    return Experiment(dataset="mnist", layers=(Layer(512, "relu", 0.2), Layer(512, "relu", 0.2)),
                      loss="categorical", optimizer="rmsprop", learning_rate=0.001,
                      batch_size=128, epochs=epochs)


def convnet(epochs: int):
    """Keras's mnist_convnet as the app's preset: the first 10,000 images, 2,000 test images."""
    from playground.core.experiment import Experiment
    from playground.core.model.presets import preset_fields

    return Experiment(**preset_fields("mnist-convnet")).replace(epochs=epochs)


WAYS = ("fit", "fit-tfdata", "trainer")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child(way: str, epochs: int) -> dict:
    from playground.core.data import registry as datasets
    from playground.core.data.dataset import encode_targets
    from playground.core.training.trainer import BatchProgress, Trainer
    from playground.core.model.build import build_model
    from playground.core.model.runtime import load

    tf, keras = load()
    experiment = convnet(epochs) if os.environ.get("BENCH_MODEL") == "convnet" \
        else seed_001(epochs)
    started = time.perf_counter()
    data = datasets.load(experiment)
    load_seconds = time.perf_counter() - started
    after_load_mb = peak_mb()
    model = build_model(experiment, data)
    times: list[float] = []
    cpu: list[float] = []  # process CPU seconds (all threads): robust when the machine is busy
    accuracy = float("nan")
    if way in ("fit", "fit-tfdata"):
        y_train = encode_targets(data.labels_train, "onehot", 10)
        y_test = encode_targets(data.labels_test, "onehot", 10)
        train: object = data.x_train
        fit_args = {"y": y_train, "batch_size": 128}
        if way == "fit-tfdata":  # a prebuilt pipeline: no per-epoch adapter work
            train = (tf.data.Dataset.from_tensor_slices((data.x_train, y_train))
                     .shuffle(len(y_train), seed=experiment.seed).batch(128)
                     .prefetch(tf.data.AUTOTUNE))
            fit_args = {}

        class Timer(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self.t0, self.c0 = time.perf_counter(), time.process_time()

            def on_epoch_end(self, epoch, logs=None):
                times.append(time.perf_counter() - self.t0)
                cpu.append(time.process_time() - self.c0)

        history = model.fit(train, **fit_args, epochs=epochs, verbose=0,
                            validation_data=(data.x_test, y_test), callbacks=[Timer()])
        accuracy = history.history["val_accuracy"][-1]
    else:
        trainer = Trainer(experiment, data, model)  # MNIST: the batch schedule
        t0 = c0 = None
        for item in trainer.run():
            if isinstance(item, BatchProgress):
                continue
            now, now_cpu = time.perf_counter(), time.process_time()
            if t0 is not None:
                times.append(now - t0)
                cpu.append(now_cpu - c0)
            t0, c0 = now, now_cpu
            accuracy = float(item.val_accuracy[-1])
    return {"way": way, "threads": int(os.environ.get("PLAYGROUND_TF_THREADS", "1")),
            "epoch_seconds": times, "epoch_cpu_seconds": cpu, "val_accuracy": accuracy,
            "load_seconds": load_seconds, "peak_mb_after_load": after_load_mb,
            "peak_mb": peak_mb()}


def run_child(way: str, threads: int, epochs: int) -> dict:
    env = dict(os.environ, PLAYGROUND_TF_THREADS=str(threads), TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([sys.executable, __file__, "--child", way, "--epochs", str(epochs)],
                         env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{way} with {threads} thread(s) failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", default="1,2", help="comma-separated TF thread counts")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat each pair, alternating fit and trainer")
    parser.add_argument("--ways", default="fit,trainer",
                        help="comma-separated: fit (numpy arrays, as seed 001), fit-tfdata "
                             "(a prebuilt tf.data pipeline), trainer (the app's Trainer)")
    parser.add_argument("--model", choices=("mlp", "convnet"), default="mlp",
                        help="mlp: seed 001 on all images; convnet: Keras's mnist_convnet "
                             "preset (10,000 images, 2,000 test; Keras reaches 0.9615 in 5 "
                             "epochs)")
    parser.add_argument("--child", choices=WAYS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("BENCH_MODEL", args.model)  # the children read it
    if args.child:
        print(json.dumps(child(args.child, args.epochs)))
        return

    results: dict[tuple[str, int], list[dict]] = {}
    for _ in range(args.rounds):
        for threads in (int(t) for t in args.threads.split(",")):
            for way in args.ways.split(","):
                result = run_child(way, threads, args.epochs)
                results.setdefault((way, threads), []).append(result)
                print(f"  {way:10s} threads={threads}: epochs "
                      + " ".join(f"{s:.2f}" for s in result["epoch_seconds"])
                      + " s (CPU " + " ".join(f"{s:.2f}" for s in result["epoch_cpu_seconds"])
                      + f" s), val acc {result['val_accuracy']:.4f}, "
                        f"peak {result['peak_mb']:.0f} MB", flush=True)

    print()
    print("| way | TF threads | first epoch s | steady s/epoch | vs fit | steady CPU s/epoch | "
          "CPU vs fit | val acc | peak MB after load | peak MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (way, threads), runs in results.items():
        fit_runs = results.get(("fit", threads), runs)
        wall, fit_wall = _steady(runs, "epoch_seconds"), _steady(fit_runs, "epoch_seconds")
        cpu, fit_cpu = _steady(runs, "epoch_cpu_seconds"), _steady(fit_runs, "epoch_cpu_seconds")
        first = statistics.median(r["epoch_seconds"][0] for r in runs)
        print(f"| {way} | {threads} | {first:.2f} | {wall:.2f} | {wall / fit_wall:.3f} | "
              f"{cpu:.2f} | {cpu / fit_cpu:.3f} | {runs[-1]['val_accuracy']:.4f} | "
              f"{max(r['peak_mb_after_load'] for r in runs):.0f} | "
              f"{max(r['peak_mb'] for r in runs):.0f} |")


def _steady(runs: list[dict], name: str) -> float:
    """Median over the epochs after the first (which pays for tracing) of every run."""
    return statistics.median(s for r in runs for s in (r[name][1:] or r[name]))

if __name__ == "__main__":
    main()
