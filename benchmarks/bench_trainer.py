"""How fast the app's Trainer runs seed 000's XOR network, against plain Keras and plain NumPy.

    .venv/bin/python benchmarks/bench_trainer.py [--epochs 500] [--fit-epochs 100] [--threads N]
                                                 [--repeat 3]

The same experiment three ways: XOR, Dense(4, tanh) -> Dense(1, sigmoid), binary cross-entropy,
SGD lr 0.5, batch size 1, shuffled every epoch, 500 epochs, seed 0, all starting from the same
initial weights:

(a) the app's `Trainer` (compiled chunks of epochs; it also measures loss and accuracy on the
    whole training set and records the probe outputs after every epoch), as the app runs it
    and with each epoch compiled by XLA (PLAYGROUND_XLA=1, off in the app: see below),
(b) `model.fit(X, Y, epochs=..., batch_size=1, verbose=0)` on a model built the same way,
(c) a NumPy loop doing the same arithmetic by hand, timed with and without the per-epoch
    measurement the Trainer does, so the ratio compares the same work.

The Trainer and NumPy runs are repeated (--repeat) and the fastest run is shown, which filters
out other work on the machine; `fit` is slow enough to be timed once, and its rate is also
taken from its median epoch (the spacing of `on_epoch_end` callbacks) for the same reason.

TensorFlow is imported through `playground.core.model.runtime.load()`, which sets the app's thread
counts (1 intra-op / 1 inter-op unless PLAYGROUND_TF_THREADS or --threads says otherwise), so
`fit` runs under the same setting as the Trainer.
"""
from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

TARGET_TRAINER_OVER_FIT = 150
#: The small-data schedule should be at least as fast as NumPy doing the same per-epoch work.
TARGET_NUMPY_OVER_TRAINER = 1
#: Recording the gradient norm per layer after every epoch may cost at most this share.
TARGET_GRADIENT_NORM_COST = 0.30


def bench_trainer(experiment) -> dict:
    from playground.core.training.trainer import Trainer

    built = time.perf_counter()
    trainer = Trainer(experiment)
    started = time.perf_counter()
    stamps = []  # (epochs done, time, process CPU time) after each report
    report = None
    report_accuracies = []
    for report in trainer.run():
        stamps.append((report.last_epoch, time.perf_counter(), time.process_time()))
        report_accuracies.extend(report.accuracy)
    total = stamps[-1][1] - started
    # Steady state: from the end of the first training chunk (which traces the function).
    first_epochs, first_time, first_cpu = stamps[1]
    steady_epochs = stamps[-1][0] - first_epochs
    steady = stamps[-1][1] - first_time
    return {"epochs": report.last_epoch, "seconds": total, "build_seconds": started - built,
            "rate": report.last_epoch / total, "steady_epochs": steady_epochs,
            "steady_seconds": steady, "steady_rate": steady_epochs / steady if steady else 0.0,
            "steady_cpu_rate": steady_epochs / max(stamps[-1][2] - first_cpu, 1e-9),
            "first_chunk_seconds": first_time - started, "chunks": len(stamps) - 1,
            "accuracy": float(report.accuracy[-1]), "accuracies": np.array(report_accuracies)}


def bench_fit(experiment, dataset, epochs: int) -> dict:
    from playground.core.model.build import build_model
    from playground.core.model.runtime import load

    _, keras = load()
    model = build_model(experiment, dataset)  # same seed -> same initial weights as (a)
    x, y = dataset.x_train, dataset.labels_train.astype(np.float32).reshape(-1, 1)
    warm = time.perf_counter()
    model.fit(x, y, epochs=1, batch_size=1, verbose=0)  # traces train_step
    ends = []  # time at the end of every epoch: their spacing is robust to bursts of load
    clock = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: ends.append(time.perf_counter()))
    started = time.perf_counter()
    if epochs > 1:
        model.fit(x, y, epochs=epochs - 1, batch_size=1, verbose=0, callbacks=[clock])
    seconds = time.perf_counter() - started
    gaps = np.diff([started] + ends)
    outputs = model(x, training=False).numpy()[:, 0]
    accuracy = float(np.mean((outputs > 0.5) == (y[:, 0] > 0.5)))
    return {"epochs": epochs, "seconds": seconds + (started - warm), "timed_epochs": epochs - 1,
            "rate": (epochs - 1) / seconds if epochs > 1 else 0.0,
            "median_rate": 1.0 / float(np.median(gaps)) if len(gaps) else 0.0,
            "first_epoch_seconds": started - warm, "accuracy": accuracy}


def numpy_train(weights, x, y, epochs: int, lr: float, seed: int, measure: bool) -> dict:
    """2-4-1 tanh/sigmoid network, binary cross-entropy, SGD with batch 1, shuffled epochs.

    With `measure`, also does what the Trainer does after every epoch: loss and accuracy on the
    whole training set and the outputs of every row.
    """
    w1, b1, w2, b2 = (np.array(w, np.float64) for w in weights)
    rng = np.random.default_rng(seed)
    rows = len(x)
    losses = np.empty(epochs)
    accuracies = np.empty(epochs)
    outputs = np.empty((epochs, rows, 1))
    started, started_cpu = time.perf_counter(), time.process_time()
    for epoch in range(epochs):
        for i in rng.permutation(rows):
            xi, yi = x[i:i + 1], y[i:i + 1]
            h = np.tanh(xi @ w1 + b1)
            p = 1.0 / (1.0 + np.exp(-(h @ w2 + b2)))
            dz = p - yi                      # d(BCE)/d(logit) for a sigmoid output, batch of 1
            dh = (dz @ w2.T) * (1.0 - h * h)
            w2 -= lr * (h.T @ dz)
            b2 -= lr * dz[0]
            w1 -= lr * (xi.T @ dh)
            b1 -= lr * dh[0]
        if measure:
            p = 1.0 / (1.0 + np.exp(-(np.tanh(x @ w1 + b1) @ w2 + b2)))
            q = np.clip(p, 1e-7, 1 - 1e-7)
            losses[epoch] = -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))
            accuracies[epoch] = np.mean((p > 0.5) == (y > 0.5))
            outputs[epoch] = p
    seconds = time.perf_counter() - started
    cpu_rate = epochs / max(time.process_time() - started_cpu, 1e-9)
    p = 1.0 / (1.0 + np.exp(-(np.tanh(x @ w1 + b1) @ w2 + b2)))
    return {"epochs": epochs, "seconds": seconds, "rate": epochs / seconds, "cpu_rate": cpu_rate,
            "accuracy": float(np.mean((p > 0.5) == (y > 0.5)))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=500, help="epochs for the Trainer and "
                        "NumPy (default 500)")
    parser.add_argument("--fit-epochs", type=int, default=100, help="epochs for model.fit "
                        "(default 100: ~5-10 s; 500 gives the same run as the others)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the Trainer and of "
                        "NumPy; the fastest is shown (default 3)")
    parser.add_argument("--threads", type=int, help="TensorFlow intra-/inter-op threads "
                        "(default: the app's setting, 1)")
    args = parser.parse_args()
    if args.threads:
        os.environ["PLAYGROUND_TF_THREADS"] = str(args.threads)

    from playground.core.data import registry as datasets
    from playground.core.experiment import Experiment
    from playground.core.model.build import build_model
    from playground.core.model.runtime import load

    loading = time.perf_counter()
    tf, keras = load()
    import_seconds = time.perf_counter() - loading
    experiment = Experiment(epochs=args.epochs)  # defaults: XOR, 4 tanh, bce, SGD 0.5, batch 1
    dataset = datasets.load(experiment)
    x = dataset.x_train.astype(np.float64)
    y = dataset.labels_train.astype(np.float64).reshape(-1, 1)
    initial = build_model(experiment, dataset).get_weights()

    def best(runs: list[dict], key: str) -> dict:
        return max(runs, key=lambda run: run[key])

    repeat = max(1, args.repeat)
    trainer_runs = [bench_trainer(experiment) for _ in range(repeat)]
    first, trainer = trainer_runs[0], best(trainer_runs, "steady_rate")
    os.environ["PLAYGROUND_XLA"] = "1"  # the same Trainer, each epoch compiled by XLA
    xla_runs = [bench_trainer(experiment) for _ in range(repeat)]
    del os.environ["PLAYGROUND_XLA"]
    xla_first, xla = xla_runs[0], best(xla_runs, "steady_rate")
    from playground.core.training import schedules  # issue 16: gradient norms' cost
    schedules.RECORD_GRADIENT_NORMS = False
    bare_runs = [bench_trainer(experiment) for _ in range(repeat)]
    schedules.RECORD_GRADIENT_NORMS = True
    fit = bench_fit(experiment, dataset, args.fit_epochs)
    numpy_same, numpy_bare = (
        best([numpy_train(initial, x, y, args.epochs, experiment.learning_rate,
                          experiment.seed, measure=measure) for _ in range(repeat)], "rate")
        for measure in (True, False))

    print(f"Python {platform.python_version()}, TensorFlow {tf.__version__}, Keras "
          f"{keras.__version__}, NumPy {np.__version__}, {os.cpu_count()} CPUs")
    print(f"TensorFlow imported through playground.core.model.runtime.load() in "
          f"{import_seconds:.1f} s: {tf.config.threading.get_intra_op_parallelism_threads()} "
          f"intra-op / {tf.config.threading.get_inter_op_parallelism_threads()} inter-op "
          f"thread(s), the same for the Trainer and for model.fit")
    print("XOR, Dense(4, tanh) -> Dense(1, sigmoid), binary cross-entropy, SGD lr 0.5, "
          "batch 1, seed 0\n")
    rows = [
        ("Trainer, 1st run incl. tracing", first["epochs"], first["seconds"],
         first["rate"], first["accuracy"]),
        ("Trainer, fastest run incl. tracing", trainer["epochs"], trainer["seconds"],
         trainer["rate"], trainer["accuracy"]),
        ("Trainer, steady (after chunk 1)", trainer["steady_epochs"],
         trainer["steady_seconds"], trainer["steady_rate"], None),
        ("Trainer+XLA, 1st run incl. compile", xla_first["epochs"], xla_first["seconds"],
         xla_first["rate"], xla_first["accuracy"]),
        ("Trainer+XLA, steady (after chunk 1)", xla["steady_epochs"], xla["steady_seconds"],
         xla["steady_rate"], None),
        ("model.fit, batch_size=1", fit["timed_epochs"], fit["seconds"] -
         fit["first_epoch_seconds"], fit["rate"], fit["accuracy"]),
        ("model.fit, from the median epoch", 1, 1 / fit["median_rate"], fit["median_rate"],
         None),
        ("NumPy, with per-epoch metrics", numpy_same["epochs"], numpy_same["seconds"],
         numpy_same["rate"], numpy_same["accuracy"]),
        ("NumPy, training only", numpy_bare["epochs"], numpy_bare["seconds"],
         numpy_bare["rate"], numpy_bare["accuracy"]),
    ]
    print(f"{'way of training':36}{'epochs':>8}{'seconds':>10}{'epochs/s':>11}"
          f"{'final acc':>11}")
    for name, epochs, seconds, rate, accuracy in rows:
        acc = "" if accuracy is None else f"{accuracy:.2f}"
        print(f"{name:36}{epochs:8d}{seconds:10.3f}{rate:11,.0f}{acc:>11}")
    print(f"\nTrainer, 1st run: model built and compiled in {first['build_seconds']:.2f} s; "
          f"first chunk (1 epoch, traces the function) {first['first_chunk_seconds']:.2f} s; "
          f"{first['chunks']} chunks in all.")
    print(f"model.fit: first epoch (traces train_step) {fit['first_epoch_seconds']:.2f} s, "
          f"not counted in its epochs/s; final accuracy after {fit['epochs']} epochs", end="")
    if fit["epochs"] < len(trainer["accuracies"]):
        print(f" (the Trainer's at epoch {fit['epochs']}: "
              f"{trainer['accuracies'][fit['epochs']]:.2f})", end="")
    print(f".\nTrainer and NumPy: fastest of {repeat} runs.")

    over_fit = trainer["steady_rate"] / fit["median_rate"] if fit["rate"] else float("inf")
    numpy_over = numpy_same["rate"] / trainer["steady_rate"]
    print("\nratios (Trainer: steady state of the fastest run; fit: its median epoch; NumPy: "
          "the fastest run with the same per-epoch metrics):")
    print(f"  trainer / fit   = {over_fit:7.1f}   target >= {TARGET_TRAINER_OVER_FIT}   "
          f"{'ok' if over_fit >= TARGET_TRAINER_OVER_FIT else 'MISSED'}")
    print(f"  numpy / trainer = {numpy_over:7.2f}   target <= {TARGET_NUMPY_OVER_TRAINER}     "
          f"{'ok' if numpy_over <= TARGET_NUMPY_OVER_TRAINER else 'MISSED'}")
    print(f"  (numpy training only / trainer = {numpy_bare['rate'] / trainer['steady_rate']:.2f};"
          f" trainer 1st run incl. tracing / fit = {first['rate'] / fit['rate']:.1f})")
    cpu_numpy = max(run["cpu_rate"] for run in [numpy_same])
    print(f"  per CPU second (robust on a busy machine): trainer "
          f"{max(r['steady_cpu_rate'] for r in trainer_runs):,.0f}, with XLA "
          f"{max(r['steady_cpu_rate'] for r in xla_runs):,.0f}, NumPy same work "
          f"{cpu_numpy:,.0f} epochs")
    print(f"  numpy / trainer with XLA (PLAYGROUND_XLA=1) = "
          f"{numpy_same['rate'] / xla['steady_rate']:.2f}; its first chunk compiles for "
          f"{xla_first['first_chunk_seconds']:.1f} s (without XLA: "
          f"{first['first_chunk_seconds']:.2f} s)")
    bare = best(bare_runs, "steady_rate")
    cost = 1 - trainer["steady_rate"] / bare["steady_rate"]
    print(f"  recording gradient norms per layer after every epoch costs {cost:.0%} of the "
          f"epochs/s ({bare['steady_rate']:,.0f} without, {trainer['steady_rate']:,.0f} with)  "
          f"target <= {TARGET_GRADIENT_NORM_COST:.0%}   "
          f"{'OK' if cost <= TARGET_GRADIENT_NORM_COST else 'MISSED'}")


if __name__ == "__main__":
    main()
