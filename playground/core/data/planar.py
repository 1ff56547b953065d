"""Small generated data to see a network learn: points on a plane, a curve over a line.

Each generator is a pure, seeded NumPy function `(rng, samples, noise, classes) -> (x, labels)`
in the style of TensorFlow Playground's dataset.ts; `GENERATORS` names them by dataset key and
says what their data is, so a new shape is one function and one entry. `samples` rows come from
the seed; the last `test_fraction` of them are the test set, the rest split like Keras's
`validation_split`. Inputs are standardised with the training rows' mean and spread when
`standardize` is on (the exported script does the same).
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from playground.core.data.dataset import Dataset, split_validation
from playground.core.errors import FieldError

#: Gaussian blobs: centres on a circle of this radius, each blob's spread grows with the noise.
BLOB_RADIUS = 1.0
BLOB_SPREAD = 0.25
#: The sine's inputs span [-SINE_SPAN, SINE_SPAN].
SINE_SPAN = 3.0
#: Circle, XOR clouds, spiral, plane and hills fill [-RADIUS, RADIUS] on each axis.
RADIUS = 2.0
#: The hills: (x1, x2, height) of each Gaussian bump and their width.
HILLS = ((-1.0, -1.0, 1.0), (1.0, 1.0, 1.0), (-1.0, 1.0, -1.0), (1.0, -1.0, -1.0))
HILL_WIDTH = 0.6
#: How many rows a generated set may have.
SAMPLES_RANGE = (10, 10_000)


def gaussian_blobs(rng: np.random.Generator, samples: int, noise: float, classes: int):
    """`classes` round blobs, centres evenly spaced on a circle, rows dealt round-robin to
    them (so every class has rows); noise widens each blob, making them overlap."""
    labels = np.arange(samples) % classes
    rng.shuffle(labels)
    angles = 2 * np.pi * np.arange(classes) / classes + np.pi / 2
    centres = BLOB_RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    x = centres[labels] + rng.normal(0.0, BLOB_SPREAD + noise, (samples, 2))
    return x.astype(np.float32), labels.astype(np.int64)


def circle(rng: np.random.Generator, samples: int, noise: float, classes: int):
    """Class 1 inside half the radius, class 0 in a ring from 0.7 of it to the edge; noise
    moves the point the label is read from, so near the gap some labels flip."""
    labels = np.arange(samples) % 2
    rng.shuffle(labels)
    low = np.where(labels == 1, 0.0, 0.7 * RADIUS)
    high = np.where(labels == 1, 0.5 * RADIUS, RADIUS)
    r = rng.uniform(low, high)
    angle = rng.uniform(0.0, 2 * np.pi, samples)
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    moved = x + rng.uniform(-RADIUS, RADIUS, (samples, 2)) * noise
    labels = (np.linalg.norm(moved, axis=1) < 0.5 * RADIUS).astype(np.int64)
    return x.astype(np.float32), labels


def xor_cloud(rng: np.random.Generator, samples: int, noise: float, classes: int):
    """Points in the four quadrants, class 1 where x1 and x2 have the same sign; kept a little
    off the axes; noise moves the point the label is read from."""
    x = rng.uniform(-RADIUS, RADIUS, (samples, 2))
    x += np.sign(x) * 0.06 * RADIUS  # a gap along the axes
    moved = x + rng.uniform(-RADIUS, RADIUS, (samples, 2)) * noise
    labels = (moved[:, 0] * moved[:, 1] >= 0).astype(np.int64)
    return x.astype(np.float32), labels


def spiral(rng: np.random.Generator, samples: int, noise: float, classes: int):
    """`classes` arms winding out from the centre, one class each, turned evenly apart."""
    labels = np.arange(samples) % classes
    rng.shuffle(labels)
    along = rng.uniform(0.0, 1.0, samples)
    r = along * RADIUS
    angle = 1.75 * along * 2 * np.pi + 2 * np.pi * labels / classes
    x = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    x += rng.uniform(-1.0, 1.0, (samples, 2)) * noise * RADIUS / 5
    return x.astype(np.float32), labels.astype(np.int64)


def moons(rng: np.random.Generator, samples: int, noise: float, classes: int):
    """Two interleaving half circles, one class each; noise is Gaussian."""
    labels = np.arange(samples) % 2
    rng.shuffle(labels)
    t = rng.uniform(0.0, np.pi, samples)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    x = np.where(labels[:, None] == 0, upper, lower) - np.array([0.5, 0.25])
    x = 1.5 * x + rng.normal(0.0, noise, (samples, 2))
    return x.astype(np.float32), labels.astype(np.int64)


def noisy_sine(rng: np.random.Generator, samples: int, noise: float, classes: int):
    """y = sin(x) plus Gaussian noise of standard deviation `noise`, x uniform in the span."""
    x = rng.uniform(-SINE_SPAN, SINE_SPAN, (samples, 1))
    y = np.sin(x[:, 0]) + rng.normal(0.0, noise, samples) if noise else np.sin(x[:, 0])
    return x.astype(np.float32), y.astype(np.float32)


def tilted_plane(rng: np.random.Generator, samples: int, noise: float, classes: int):
    """y = (x1 + x2) / RADIUS (from -2 to 2) plus Gaussian noise, x uniform on the square."""
    x = rng.uniform(-RADIUS, RADIUS, (samples, 2))
    y = (x[:, 0] + x[:, 1]) / RADIUS + rng.normal(0.0, noise, samples)
    return x.astype(np.float32), y.astype(np.float32)


def gaussian_hills(rng: np.random.Generator, samples: int, noise: float, classes: int):
    """y = the sum of two Gaussian hills and two hollows plus Gaussian noise."""
    x = rng.uniform(-RADIUS, RADIUS, (samples, 2))
    y = rng.normal(0.0, noise, samples)
    for cx, cy, height in HILLS:
        y += height * np.exp(-((x[:, 0] - cx) ** 2 + (x[:, 1] - cy) ** 2) / (2 * HILL_WIDTH ** 2))
    return x.astype(np.float32), y.astype(np.float32)


@dataclass(frozen=True)
class Generator:
    """One generated dataset: its function and what its rows mean."""

    make: Callable
    feature_names: tuple[str, ...]
    #: Class names for `classes` classes; None for regression.
    class_names: Callable[[int], tuple[str, ...]] | None
    #: Per input, the range its plots span.
    plot_range: tuple[tuple[float, float], ...]
    #: What the data is, in a line (the exported script's comment and the Data view).
    about: str = ""
    #: Module constants `make` reads (copied into the exported script).
    constants: tuple[str, ...] = ()
    #: The `classes` setting counts (blobs, spiral arms); otherwise two classes or none.
    uses_classes: bool = False


_PLANE = ((-2.5, 2.5), (-2.5, 2.5))
GENERATORS: dict[str, Generator] = {
    "gaussians": Generator(gaussian_blobs, ("x1", "x2"),
                           lambda k: tuple(f"blob {i + 1}" for i in range(k)), _PLANE,
                           "Gaussian blobs on the plane, one per class; noise widens them.",
                           ("BLOB_RADIUS", "BLOB_SPREAD"), uses_classes=True),
    "circle": Generator(circle, ("x1", "x2"), lambda k: ("ring", "disc"), _PLANE,
                        "A disc (class 1) inside a ring (class 0): no straight line splits them.",
                        ("RADIUS",)),
    "xor-cloud": Generator(xor_cloud, ("x1", "x2"), lambda k: ("opposite signs", "same sign"),
                           _PLANE, "Clouds in four quadrants labelled like XOR.", ("RADIUS",)),
    "spiral": Generator(spiral, ("x1", "x2"), lambda k: tuple(f"arm {i + 1}" for i in range(k)),
                        _PLANE, "Spiral arms, one class each, winding out from the centre.",
                        ("RADIUS",), uses_classes=True),
    "moons": Generator(moons, ("x1", "x2"), lambda k: ("upper moon", "lower moon"),
                       ((-2.75, 2.75), (-1.75, 1.75)),
                       "Two interleaving half moons, one class each."),
    "sine": Generator(noisy_sine, ("x",), None, ((-SINE_SPAN - 0.25, SINE_SPAN + 0.25),),
                      "y = sin(x) plus Gaussian noise, one input: a regression.",
                      ("SINE_SPAN",)),
    "plane": Generator(tilted_plane, ("x1", "x2"), None, _PLANE,
                       "y = (x1 + x2) / 2 plus Gaussian noise: a regression over the plane.",
                       ("RADIUS",)),
    "gaussian-hills": Generator(gaussian_hills, ("x1", "x2"), None, _PLANE,
                                "Two Gaussian hills and two hollows plus noise: a regression.",
                                ("RADIUS", "HILLS", "HILL_WIDTH")),
}
#: Datasets whose class count is the `classes` setting, and the most each allows.
MAX_CLASSES = {"gaussians": 6, "spiral": 4}


def classes_of(key: str, classes: int) -> int:
    """How many classes `key` has with the `classes` setting (0 for regression)."""
    generator = GENERATORS[key]
    if generator.class_names is None:
        return 0
    return classes if generator.uses_classes else 2


@lru_cache(maxsize=8)
def _rows(key: str, seed: int, count: int, noise: float, classes: int):
    """`count` read-only (x, labels), cached: the form validates on every keystroke."""
    rng = np.random.default_rng(seed)
    x, labels = GENERATORS[key].make(rng, count, noise, classes)
    for array in (x, labels):
        array.setflags(write=False)
    return x, labels


# ----- your own points ----------------------------------------------------------------------

#: Drawn points live on this square (the plot's span; inputs kept as drawn, not standardised).
DRAWN_RANGE = ((-3.0, 3.0), (-3.0, 3.0))
#: What "Your own points" starts from before anything is drawn: two small clusters.
STARTER_POINTS = ("-1.5,1,0; -1,1.5,0; -1.5,1.5,0; -1,1,0; -2,1,0; "
                  "1.5,-1,1; 1,-1.5,1; 1.5,-1.5,1; 1,-1,1; 2,-1,1")
#: Fewest drawn points to train on.
MIN_POINTS = 4


def parse_points(text: str, classes: int) -> tuple[np.ndarray, np.ndarray, str]:
    """"x1,x2,class; …" -> (x (n, 2) float32, labels (n,) int64, "") or empty arrays and a
    message naming the first bad point. "" is the starter set."""
    x, labels = [], []
    for n, part in enumerate((text or STARTER_POINTS).split(";"), start=1):
        if not part.strip():
            continue
        fields = part.replace(",", " ").split()
        try:
            x1, x2, label = float(fields[0]), float(fields[1]), int(fields[2])
            if len(fields) != 3 or not (np.isfinite(x1) and np.isfinite(x2)):
                raise ValueError
        except (ValueError, IndexError):
            return (np.zeros((0, 2), np.float32), np.zeros(0, np.int64),
                    f"point {n} ('{part.strip()}') is not 'x1, x2, class'")
        if not 0 <= label < classes:
            return (np.zeros((0, 2), np.float32), np.zeros(0, np.int64),
                    f"point {n} has class {label}; classes run from 0 to {classes - 1}")
        x.append((x1, x2))
        labels.append(label)
    return (np.array(x, np.float32).reshape(-1, 2), np.array(labels, np.int64), "")


def format_points(x, labels) -> str:
    """The points as the `points` setting holds them (2 decimals: about a pixel's size)."""
    return "; ".join(f"{round(float(a), 2):g},{round(float(b), 2):g},{int(c)}"
                     for (a, b), c in zip(np.asarray(x), labels))


def _drawn(experiment):
    """The drawn points shuffled by the seed: the last `test_rows` are the test set."""
    x, labels, _problem = parse_points(experiment.points, experiment.classes)
    order = np.random.default_rng(experiment.seed).permutation(len(x))
    return x[order], labels[order]


def _drawn_test_rows(experiment, n: int) -> int:
    return min(int(round(n * experiment.test_fraction)), max(n - 1, 0))


def test_rows(experiment) -> int:
    """How many of the samples are held out as the test set (the last ones)."""
    return int(round(experiment.samples * experiment.test_fraction))


def check(experiment) -> list[FieldError]:
    errors = []
    if experiment.dataset == "drawn":
        x, _labels, problem = parse_points(experiment.points, experiment.classes)
        if problem:
            return [FieldError("points", problem)]
        if len(x) < MIN_POINTS:
            return [FieldError("points", f"draw at least {MIN_POINTS} points (click on the "
                                         "boundary plot)")]
        return errors
    low, high = SAMPLES_RANGE
    if not low <= experiment.samples <= high:
        errors.append(FieldError("samples", f"must be between {low:,} and {high:,}"))
    most = MAX_CLASSES.get(experiment.dataset)
    if most and experiment.classes > most:
        errors.append(FieldError("classes", f"must be at most {most} for this data"))
    return errors


def standardisation(x_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, spread) per input from the training rows; a constant input keeps spread 1."""
    mean = x_train.mean(axis=0, dtype=np.float64)
    spread = x_train.std(axis=0, dtype=np.float64)
    spread[spread == 0] = 1.0
    return mean.astype(np.float32), spread.astype(np.float32)


def _build_drawn(experiment) -> Dataset:
    x, labels = _drawn(experiment)
    cut = len(x) - _drawn_test_rows(experiment, len(x))
    x_train, y_train, x_val, y_val = split_validation(x[:cut], labels[:cut],
                                                      experiment.validation_split)
    return Dataset(key="drawn", x_train=x_train, labels_train=y_train, x_val=x_val,
                   labels_val=y_val, x_test=x[cut:], labels_test=labels[cut:],
                   feature_names=("x1", "x2"),
                   class_names=tuple(f"class {i}" for i in range(experiment.classes)),
                   plot_range=DRAWN_RANGE)


def build(experiment) -> Dataset:
    if experiment.dataset == "drawn":
        return _build_drawn(experiment)
    key, generator = experiment.dataset, GENERATORS[experiment.dataset]
    classes = classes_of(key, experiment.classes)
    x, labels = _rows(key, experiment.seed, experiment.samples, experiment.noise, classes)
    cut = len(x) - test_rows(experiment)
    x_rest, x_test, y_test = x[:cut], x[cut:], labels[cut:]
    plot_range = generator.plot_range
    if experiment.standardize and cut:
        mean, spread = standardisation(split_validation(x_rest, labels[:cut],
                                                        experiment.validation_split)[0])
        x_rest, x_test = (x_rest - mean) / spread, (x_test - mean) / spread
        plot_range = tuple(((low - m) / s, (high - m) / s)
                           for (low, high), m, s in zip(plot_range, mean.tolist(),
                                                         spread.tolist()))
    x_train, y_train, x_val, y_val = split_validation(x_rest, labels[:cut],
                                                      experiment.validation_split)
    regression = generator.class_names is None
    return Dataset(
        key=key,
        x_train=x_train, labels_train=y_train,
        x_val=x_val, labels_val=y_val,
        x_test=x_test, labels_test=y_test,
        feature_names=generator.feature_names,
        class_names=() if regression else generator.class_names(classes),
        plot_range=plot_range,
        task="regression" if regression else "classification",
    )


def train_rows(experiment) -> int:
    # The same cuts as build.
    if experiment.dataset == "drawn":
        n = len(parse_points(experiment.points, experiment.classes)[0])
        rest = n - _drawn_test_rows(experiment, n)
    else:
        rest = experiment.samples - test_rows(experiment)
    if experiment.validation_split > 0:
        return int(rest * (1.0 - experiment.validation_split))
    return rest


def describe(experiment, dataset) -> str:
    if experiment.dataset == "drawn":
        return (f"Your own points: {dataset.rows:,} drawn, {len(dataset.x_test):,} of them "
                f"(shuffled with seed {experiment.seed}) held out as the test set. Click on the "
                "boundary plot to add a point of the chosen class, drag to move it, "
                "right-click to delete it.")
    generator = GENERATORS[experiment.dataset]
    what = generator.about.rstrip(".")
    if experiment.dataset == "gaussians":
        what = (f"{dataset.n_classes} Gaussian blobs on the plane, one per class, centres on a "
                f"circle of radius {BLOB_RADIUS:g}, spread {BLOB_SPREAD + experiment.noise:g}")
    elif experiment.dataset == "sine":
        what = (f"y = sin(x) for x uniform in [−{SINE_SPAN:g}, {SINE_SPAN:g}], plus Gaussian "
                f"noise of spread {experiment.noise:g}")
    elif experiment.dataset == "spiral":
        what = f"{dataset.n_classes} spiral arms, one class each (noise {experiment.noise:g})"
    else:
        what += f" (noise {experiment.noise:g})"
    scaled = ("inputs standardised from the training rows (mean 0, spread 1)"
              if experiment.standardize else "inputs as generated")
    return (f"{what}. {experiment.samples:,} samples (seed {experiment.seed}), "
            f"{test_rows(experiment):,} held out as the test set; {scaled}.")


def _drawn_script(experiment) -> tuple[list[str], int, tuple[str, ...]]:
    x, labels, _problem = parse_points(experiment.points, experiment.classes)
    n_test = _drawn_test_rows(experiment, len(x))
    rows = ", ".join(f"[{float(a)!r}, {float(b)!r}]" for a, b in x.tolist())
    return [
        "# Your own points, drawn on the plane, and their classes.",
        f'points = np.array([{rows}], dtype="float32")',
        f"point_labels = np.array([{', '.join(str(int(c)) for c in labels)}])",
        f"# Shuffled with the seed; the last {n_test} are the test set.",
        "order = np.random.default_rng(SEED).permutation(len(points))",
        "points, point_labels = points[order], point_labels[order]",
        f"x, labels = points[:{len(x) - n_test}], point_labels[:{len(x) - n_test}]",
        f"x_test, labels_test = points[{len(x) - n_test}:], point_labels[{len(x) - n_test}:]",
    ], 2, tuple(f"class {i}" for i in range(experiment.classes))


def script(experiment) -> tuple[list[str], int, tuple[str, ...]]:
    """The data as lines of a plain-Keras script (see `gates.script`): this module's own
    generator, copied, the same seed, test cut and standardisation."""
    if experiment.dataset == "drawn":
        return _drawn_script(experiment)
    generator = GENERATORS[experiment.dataset]
    name = generator.make.__name__
    classes = classes_of(experiment.dataset, experiment.classes)
    lines = [f"# {generator.about}"]
    lines += [f"{constant} = {globals()[constant]!r}" for constant in generator.constants]
    lines += ["", ""] + inspect.getsource(generator.make).rstrip().splitlines() + ["", ""]
    split = experiment.validation_split
    train_cut = "int(len(x) * (1 - %r))" % split if split > 0 else "len(x)"
    lines += [
        f"NOISE, CLASSES = {experiment.noise!r}, {classes}",
        f"rows, labels_all = {name}(np.random.default_rng(SEED), {experiment.samples}, NOISE, "
        "CLASSES)",
        f"# The last {test_rows(experiment)} rows are the test set.",
        f"x, labels = rows[:{experiment.samples - test_rows(experiment)}], "
        f"labels_all[:{experiment.samples - test_rows(experiment)}]",
        f"x_test, labels_test = rows[{experiment.samples - test_rows(experiment)}:], "
        f"labels_all[{experiment.samples - test_rows(experiment)}:]",
    ]
    if experiment.standardize:
        lines += [
            "# Standardise the inputs with the training rows' mean and spread.",
            f"mean = x[:{train_cut}].mean(axis=0, dtype=\"float64\")",
            f"spread = x[:{train_cut}].std(axis=0, dtype=\"float64\")",
            "spread[spread == 0] = 1.0",
            "mean, spread = mean.astype(\"float32\"), spread.astype(\"float32\")",
            "x, x_test = (x - mean) / spread, (x_test - mean) / spread",
        ]
    names = generator.class_names(classes) if generator.class_names else ()
    return lines, len(generator.feature_names), names
