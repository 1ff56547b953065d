"""MNIST digits and Fashion-MNIST through `keras.datasets` (seeds 001 and 003).

Images are flattened to 784 float32 inputs. Pixels are divided by 255 only when
`experiment.normalize` is on: leaving it off reproduces seed 001's bug, where raw 0–255 pixels
saturate the softmax into hard one-hot rows. `train_size` / `test_size` take the *first* images
of each set (0 = all), and `validation_split` holds out the last fraction of that training
subset, exactly as Keras's `validation_split` does.

The raw uint8 arrays are loaded once per process (~55 MB per dataset). The float32 arrays built
from them are shared while any `Dataset` still uses them (weak cache), so building the same
experiment twice never holds two float copies; they are read-only for that reason.
"""
from __future__ import annotations

import threading
import weakref

import numpy as np

from playground.core.data import downloads
from playground.core.data.dataset import Dataset, split_validation

PIXELS = 28 * 28
TRAIN_IMAGES = 60_000
TEST_IMAGES = 10_000
CLASS_NAMES = {
    "mnist": tuple(str(digit) for digit in range(10)),
    "fashion-mnist": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                      "Shirt", "Sneaker", "Bag", "Ankle boot"),
}

_raw: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
_floats: "weakref.WeakValueDictionary[tuple, np.ndarray]" = weakref.WeakValueDictionary()
_lock = threading.Lock()


def load_raw(key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, y_train, x_test, y_test) as Keras returns them (uint8), loaded once per process.

    Raises `downloads.MissingFilesError` when the files are not in Keras's cache, instead of
    letting Keras try the network.
    """
    with _lock:
        if key not in _raw:
            downloads.require(key)
            from playground.core.model.runtime import load  # configures TF before Keras runs ops

            _, keras = load()
            module = {"mnist": keras.datasets.mnist,
                      "fashion-mnist": keras.datasets.fashion_mnist}[key]
            try:
                (x_train, y_train), (x_test, y_test) = module.load_data()
            except (OSError, EOFError, ValueError) as exc:  # e.g. a truncated .gz file
                raise downloads.MissingFilesError(key, downloads.files_needed(key),
                                                  f"unreadable ({exc})") from exc
            arrays = tuple(np.ascontiguousarray(a) for a in (x_train, y_train, x_test, y_test))
            for array in arrays:
                array.setflags(write=False)
            _raw[key] = arrays
        return _raw[key]


def _pixels(key: str, part: str, count: int, normalize: bool) -> np.ndarray:
    """The first `count` images of `part` as read-only (count, 784) float32 rows."""
    cache_key = (key, part, count, normalize)
    with _lock:
        cached = _floats.get(cache_key)
    if cached is not None:
        return cached
    x_train, _, x_test, _ = load_raw(key)
    images = (x_train if part == "train" else x_test)[:count].reshape(count, PIXELS)
    rows = images.astype(np.float32)
    if normalize:
        rows /= np.float32(255.0)  # in place: no second float copy, same values as x / 255
    rows.setflags(write=False)
    with _lock:
        return _floats.setdefault(cache_key, rows)


def compact(x: np.ndarray) -> tuple[np.ndarray, float] | None:
    """(uint8 pixel rows, divisor) that reproduce `x` exactly, if `x` was built here, else None.

    `x` (or the array it is a slice of) must be one of this module's float arrays; then
    `uint8_rows.astype(float32) / divisor == x` bit for bit (divisor 1 when not normalised).
    A trainer can keep these 1-byte pixels instead of a 4-byte copy of the whole set.
    """
    base = x if x.base is None else x.base
    with _lock:
        origin = next((k for k, v in _floats.items() if v is base), None)
    if origin is None or x.ndim != 2 or not x.flags.c_contiguous or len(base) == 0:
        return None
    key, part, _, normalize = origin
    row_bytes = base.strides[0]
    offset = x.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    if offset % row_bytes:
        return None
    start = offset // row_bytes
    raw = load_raw(key)[0 if part == "train" else 2]
    rows = raw[start:start + len(x)].reshape(len(x), PIXELS)
    return rows, (255.0 if normalize else 1.0)


def _sizes(experiment) -> tuple[int, int]:
    train = experiment.train_size or TRAIN_IMAGES
    test = experiment.test_size or TEST_IMAGES
    return min(train, TRAIN_IMAGES), min(test, TEST_IMAGES)


def build(experiment) -> Dataset:
    key = experiment.dataset
    n_train, n_test = _sizes(experiment)
    _, y_train, _, y_test = load_raw(key)
    x = _pixels(key, "train", n_train, experiment.normalize)
    labels = y_train[:n_train].astype(np.int64)
    x_train, labels_train, x_val, labels_val = split_validation(
        x, labels, experiment.validation_split)
    return Dataset(
        key=key,
        x_train=x_train, labels_train=labels_train,
        x_val=x_val, labels_val=labels_val,
        x_test=_pixels(key, "test", n_test, experiment.normalize),
        labels_test=y_test[:n_test].astype(np.int64),
        feature_names=tuple(f"pixel {row},{col}" for row in range(28) for col in range(28)),
        class_names=CLASS_NAMES[key],
        plot_range=(),
        image_shape=(28, 28),
    )


def train_rows(experiment) -> int:
    """Training rows after the validation hold-out (no data needs loading to know)."""
    n_train, _ = _sizes(experiment)
    split = experiment.validation_split
    return int(n_train * (1.0 - split)) if split > 0 else n_train


def script(experiment) -> tuple[list[str], int, tuple[str, ...]]:
    """The data as lines of a plain-Keras script (see `gates.script`): Keras's own loader."""
    loader = {"mnist": "mnist", "fashion-mnist": "fashion_mnist"}[experiment.dataset]
    lines = [f"(x, labels), (x_test, labels_test) = keras.datasets.{loader}.load_data()"]
    if experiment.train_size:
        lines.append(f"x, labels = x[:{experiment.train_size}], labels[:{experiment.train_size}]")
    if experiment.test_size:
        lines.append(f"x_test, labels_test = x_test[:{experiment.test_size}], "
                     f"labels_test[:{experiment.test_size}]")
    scale = " / 255  # pixels 0..255 -> 0..1 (seed 001 forgot this when predicting)" \
        if experiment.normalize else "  # raw pixels 0..255, not normalised"
    lines += [
        f'x = x.reshape(len(x), 28 * 28).astype("float32"){scale}',
        f'x_test = x_test.reshape(len(x_test), 28 * 28).astype("float32")'
        f'{" / 255" if experiment.normalize else ""}',
    ]
    return lines, PIXELS, CLASS_NAMES[experiment.dataset]


def clear_cache() -> None:
    """Forget the loaded arrays (tests; or after replacing the files)."""
    with _lock:
        _raw.clear()
        _floats.clear()
