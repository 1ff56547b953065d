"""Sum above a threshold (seed 002): n inputs uniform in [0, 1), positive when they sum above t.

Training rows (`samples`, split into training and validation like Keras's `validation_split`)
and the separate test rows (`test_samples`) come from two independent random streams of
`experiment.seed`: the same seed gives the same data, another seed new data, and changing the
test-set size never changes the training rows. Labels are class indices (1 = sum above t); the
loss decides whether the network sees them as 0/1 or ±1 (`encode_targets`).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from playground.core.data.dataset import Dataset, split_validation
from playground.core.errors import FieldError
from playground.core.layers import Layer

#: Each input is drawn from [0, 1); plots span that with a margin.
PLOT_RANGE = (-0.1, 1.1)
_TRAIN_STREAM, _TEST_STREAM = 0, 1


@lru_cache(maxsize=4)
def _rows(seed: int, stream: int, count: int, inputs: int) -> np.ndarray:
    """`count` read-only float32 rows, cached: the form validates on every keystroke."""
    generator = np.random.default_rng([seed, stream])
    rows = generator.random((count, inputs), dtype=np.float64).astype(np.float32)
    rows.setflags(write=False)
    return rows


def labels_for(x: np.ndarray, threshold: float) -> np.ndarray:
    """1 where a row sums above `threshold`, else 0 (summed from the float32 inputs the
    network sees, so a label never disagrees with the numbers shown)."""
    return (np.asarray(x, np.float64).sum(axis=1) > threshold).astype(np.int64)


def build(experiment) -> Dataset:
    n, t = experiment.inputs, experiment.threshold
    x = _rows(experiment.seed, _TRAIN_STREAM, experiment.samples, n)
    x_train, y_train, x_val, y_val = split_validation(x, labels_for(x, t),
                                                      experiment.validation_split)
    x_test = _rows(experiment.seed, _TEST_STREAM, experiment.test_samples, n)
    return Dataset(
        key=experiment.dataset,
        x_train=x_train, labels_train=y_train,
        x_val=x_val, labels_val=y_val,
        x_test=x_test, labels_test=labels_for(x_test, t),
        feature_names=tuple(f"x{i}" for i in range(1, n + 1)),
        class_names=(f"sum ≤ {t:g}", f"sum > {t:g}"),
        plot_range=(PLOT_RANGE,) * n,
    )


def train_rows(experiment) -> int:
    # The same cut as split_validation.
    if experiment.validation_split > 0:
        return int(experiment.samples * (1.0 - experiment.validation_split))
    return experiment.samples


def check(experiment) -> list[FieldError]:
    """A threshold that leaves one class empty cannot be learned: say so beside the field."""
    n, t = experiment.inputs, experiment.threshold
    sums = _rows(experiment.seed, _TRAIN_STREAM, experiment.samples, n).sum(axis=1,
                                                                            dtype=np.float64)
    positives = int((sums > t).sum())
    rows = f"the {experiment.samples:,} samples"
    if positives == 0:
        return [FieldError("threshold", f"no sample sums above {t:g} ({n} inputs in [0, 1) sum "
                           f"to at most {sums.max():.2f} in {rows}): choose a smaller "
                           f"threshold, e.g. {n / 2:g}")]
    if positives == len(sums):
        return [FieldError("threshold", f"every sample sums above {t:g} (the smallest sum in "
                           f"{rows} is {sums.min():.2f}): choose a larger threshold, "
                           f"e.g. {n / 2:g}")]
    return []


def example_input(experiment) -> str:
    """Seed 002 works x = [0.3, 0.1] through the network by hand."""
    return "0.3, 0.1" if experiment.inputs == 2 else ""


def truth(experiment, row) -> tuple[int, str]:
    """The label of any input and the sum that decides it, e.g. (0, "0.3 + 0.1 = 0.4 ≤ 0.5")."""
    row = np.asarray(row, np.float64)
    total = float(row.sum())
    label = int(total > experiment.threshold)
    terms = " + ".join(_four(v) for v in row[:6]) + (" + …" if len(row) > 6 else "")
    return label, f"{terms} = {_four(total)} {'>' if label else '≤'} {experiment.threshold:g}"


def _four(value: float) -> str:
    """Four decimals, as the forward pass writes numbers by hand (never "-0.0000")."""
    text = f"{value:.4f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def describe(experiment, dataset) -> str:
    n, t = experiment.inputs, experiment.threshold
    labels = np.concatenate([dataset.labels_train, dataset.labels_val])
    share = 100.0 * labels.mean() if len(labels) else 0.0
    summed = " + ".join(f"x{i}" for i in range(1, n + 1)) if n <= 3 else f"x1 + … + x{n}"
    return (f"{n} input{'s' if n != 1 else ''} uniform in [0, 1); class “sum > {t:g}” when "
            f"{summed} > {t:g}. {experiment.samples:,} samples (seed {experiment.seed}), "
            f"{share:.1f} % of them above.")


def script(experiment) -> tuple[list[str], int, tuple[str, ...]]:
    """The data as lines of a plain-Keras script (see `gates.script`): the same generator."""
    threshold = repr(float(experiment.threshold)).removesuffix(".0")
    return [
        f"# {experiment.inputs} inputs uniform in [0, 1); label 1 when they sum above "
        f"{threshold}.",
        f"INPUTS, THRESHOLD = {experiment.inputs}, {threshold}",
        "",
        "",
        "def rows(stream, count):",
        "    # The app's generator: (seed, stream) picks an independent random sequence, so",
        "    # the test rows (stream 1) never change the training rows (stream 0).",
        "    generator = np.random.default_rng([SEED, stream])",
        '    return generator.random((count, INPUTS), dtype=np.float64).astype("float32")',
        "",
        "",
        "def labels_for(rows):",
        '    return (rows.astype("float64").sum(axis=1) > THRESHOLD).astype("int64")',
        "",
        "",
        f"x = rows(0, {experiment.samples})",
        "labels = labels_for(x)",
        f"x_test = rows(1, {experiment.test_samples})",
        "labels_test = labels_for(x_test)",
    ], experiment.inputs, ("0", "1")


def _seed_002(**changes):
    base = dict(dataset="sum-threshold", inputs=2, threshold=0.5, samples=250, test_samples=200,
                layers=(Layer(5, "tanh"),), loss="hinge", output_activation="",
                optimizer="adam", learning_rate=0.001, epochs=150, batch_size=32,
                validation_split=0.2)
    return {**base, **changes}


#: Seed 002's settings, one click away: label -> the Experiment fields they set (Keras's
#: default batch size of 32, since the seed does not set one).
PRESETS: dict[str, dict] = {
    "2 inputs, t = 0.5 (hidden 5 tanh)": _seed_002(),
    "5 inputs, t = 2.5 (hidden 20 tanh)": _seed_002(inputs=5, threshold=2.5,
                                                    layers=(Layer(20, "tanh"),)),
    "One neuron, to set by hand": _seed_002(layers=()),
}
