"""Your own table against plain Keras on the same rows (issue 15's "done when").

    python benchmarks/bench_tables.py [--rows-per-class 400] [--epochs 60]

Two files are written to a temporary folder, shaped like real tables:
- a classification sorted by class, labels as words, columns from 0.01 to thousands;
- a regression whose inputs range from 0.01 to thousands.
Each is trained by the app (the csv dataset: seeded shuffle, stratified split, inputs
standardised from the training rows; the app's Trainer) and by plain Keras `fit` on the very
same standardised training rows with the same network, optimizer and epochs; both are scored
on the same test rows. The app without standardisation is shown too: the reason it is on.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.core.data import registry as datasets  # noqa: E402
from playground.core.experiment import Experiment, Layer  # noqa: E402


def write_classes(path: Path, per_class: int, rng) -> None:
    lines = ["acidity,weight_g,angle,colour"]
    for c, name in enumerate(("setosa", "versicolor", "virginica")):
        for _ in range(per_class):
            acidity = 0.05 + 0.01 * rng.normal(c, 0.8)
            weight = 2500 + 600 * rng.normal(-c, 0.8)
            angle = rng.normal(c * 0.5, 0.8)
            lines.append(f"{acidity:.5f},{weight:.1f},{angle:.3f},{name}")
    path.write_text("\n".join(lines) + "\n")


def write_regression(path: Path, rows: int, rng) -> None:
    lines = ["rate;area_m2;age;price"]
    for _ in range(rows):
        rate, area, age = rng.uniform(0.01, 0.05), rng.uniform(40, 4000), rng.uniform(0, 50)
        price = 40 * np.sin(rate * 100) + 0.01 * area - 0.3 * age + rng.normal(0, 2)
        lines.append(";".join(f"{v:.4f}".replace(".", ",") for v in (rate, area, age, price)))
    path.write_text("\n".join(lines) + "\n")


def app_run(experiment: Experiment) -> dict:
    from playground.core.training.trainer import make_trainer

    trainer = make_trainer(experiment)
    for _report in trainer.run():
        pass
    data = trainer.dataset
    return trainer.scores(data.x_test, data.labels_test)


def keras_run(experiment: Experiment) -> dict:
    import keras

    data = datasets.load(experiment)
    keras.utils.set_random_seed(experiment.seed)
    model = keras.Sequential([keras.Input(shape=(data.n_inputs,))])
    for layer in experiment.layers:
        model.add(keras.layers.Dense(layer.units, activation=layer.activation))
    regression = data.task == "regression"
    model.add(keras.layers.Dense(1 if regression else data.n_classes,
                                 activation="linear" if regression else "softmax"))
    model.compile(optimizer=keras.optimizers.Adam(experiment.learning_rate),
                  loss="mse" if regression else "sparse_categorical_crossentropy")
    model.fit(data.x_train, data.labels_train, epochs=experiment.epochs,
              batch_size=experiment.batch_size, verbose=0)
    outputs = model.predict(data.x_test, verbose=0)
    if regression:
        error = outputs[:, 0] - data.labels_test
        spread = np.sum((data.labels_test - data.labels_test.mean()) ** 2)
        return {"mse": float(np.mean(error ** 2)), "r2": float(1 - np.sum(error ** 2) / spread)}
    return {"accuracy": float(np.mean(outputs.argmax(axis=1) == data.labels_test))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows-per-class", type=int, default=400)
    parser.add_argument("--epochs", type=int, default=60)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    folder = Path(tempfile.mkdtemp(prefix="bench-tables-"))
    flowers, prices = folder / "sorted_by_class.csv", folder / "prices.csv"
    write_classes(flowers, args.rows_per_class, rng)
    write_regression(prices, 3 * args.rows_per_class, rng)
    base = Experiment(dataset="csv", layers=(Layer(16, "relu"),), optimizer="adam",
                      learning_rate=0.01, epochs=args.epochs, batch_size=32)
    for path, metric in ((flowers, "accuracy"), (prices, "r2")):
        experiment = base.replace(csv=str(path))
        experiment = experiment.replace(**{
            key: value for key, value in datasets.follow("csv", experiment.loss, "xor",
                                                         experiment).items()
            if key not in ("epochs", "batch_size")})
        app = app_run(experiment)[metric]
        raw = app_run(experiment.replace(standardize=False))[metric]
        plain = keras_run(experiment)[metric]
        print(f"{path.name}: test {metric}  app {app:.4f}  plain Keras fit {plain:.4f}  "
              f"(app without standardisation {raw:.4f})")


if __name__ == "__main__":
    main()
