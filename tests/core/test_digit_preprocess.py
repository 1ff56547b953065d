"""A drawn digit is made to look like an MNIST image: 20×20 box, centred by mass, 0–1."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.data import downloads
from playground.core.inspection.digits import area_resample, mnist_style


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(image.shape)
    mass = image.sum()
    return (rows * image).sum() / mass, (cols * image).sum() / mass


def extent(image: np.ndarray) -> tuple[int, int]:
    ink = image > 0.05
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_empty_drawing_gives_a_blank_image():
    image = mnist_style(np.zeros((280, 280)))
    assert image.shape == (28, 28) and image.dtype == np.float32 and not image.any()


def test_a_small_mark_in_a_corner_is_scaled_into_the_box_and_centred():
    drawing = np.zeros((280, 280))
    drawing[10:90, 200:240] = 0.6  # tall, thin, faint, top right
    image = mnist_style(drawing)
    assert image.shape == (28, 28)
    assert image.min() >= 0.0 and image.max() == pytest.approx(1.0)
    assert extent(image) == (20, 10)  # the longer side fills 20 pixels, the shape is kept
    cy, cx = centre_of_mass(image)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5


def test_area_resampling_keeps_the_mean():
    rng = np.random.default_rng(1)
    image = rng.random((97, 61))
    small = area_resample(image, 20, 13)
    assert small.shape == (20, 13)
    assert small.mean() == pytest.approx(image.mean(), rel=1e-9)


@pytest.mark.skipif(bool(downloads.missing_files("mnist")), reason="no offline MNIST copy")
def test_an_mnist_digit_drawn_ten_times_larger_comes_back_nearly_the_same():
    with np.load(downloads.files_needed("mnist")[0]) as data:
        digits = data["x_test"][:20].astype(np.float64) / 255
    for digit in digits:
        big = np.kron(digit, np.ones((10, 10)))
        shifted = np.zeros((400, 400))
        shifted[37:317, 91:371] = big  # elsewhere on a larger canvas
        again = mnist_style(shifted)
        correlation = np.corrcoef(again.ravel(), digit.ravel())[0, 1]
        assert correlation > 0.9
