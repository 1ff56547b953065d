"""The Mistakes lab's image changes and measures (core/inspection/perturb.py)."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.inspection.perturb import (coverage_curve, mistakes_by_loss,
                                                per_sample_loss, perturb)


def _an_l() -> np.ndarray:
    image = np.zeros((28, 28))
    image[5:20, 8] = 1.0   # a vertical bar ...
    image[19, 8:16] = 0.5  # ... and a foot: no symmetry
    return image


def test_every_setting_at_zero_returns_the_picture_unchanged():
    image = _an_l()
    assert np.array_equal(perturb(image), image)


def test_a_quarter_turn_is_numpys_rot90_and_a_shift_moves_the_ink():
    image = _an_l()
    np.testing.assert_allclose(perturb(image, rotation=90), np.rot90(image), atol=1e-9)
    moved = perturb(image, shift=(2, 3))  # 2 right, 3 down
    np.testing.assert_allclose(moved[3:, 2:], image[:-3, :-2], atol=1e-12)
    assert moved[:3].sum() == 0 and moved[:, :2].sum() == 0


def test_thicker_strokes_cover_more_pixels_and_thinner_fewer():
    image = _an_l()
    image[5:20, 9] = 1.0  # a 2-pixel-wide bar
    assert (perturb(image, thickness=1) > 0).sum() > (image > 0).sum()
    assert (perturb(image, thickness=-1) > 0).sum() < (image > 0).sum()
    assert perturb(image, thickness=2).max() == image.max()


def test_noise_is_repeatable_and_stays_in_range():
    image = _an_l() * 255
    a = perturb(image, noise=0.3, scale=255)
    assert np.array_equal(a, perturb(image, noise=0.3, scale=255))
    assert a.min() >= 0 and a.max() <= 255 and not np.array_equal(a, image)


def test_mistakes_come_costliest_first_and_coverage_at_zero_is_the_accuracy():
    p = np.array([[0.9, 0.1], [0.4, 0.6], [0.05, 0.95], [0.7, 0.3]])
    labels = np.array([0, 0, 0, 1])
    assert per_sample_loss(p, labels)[0] == pytest.approx(-np.log(0.9))
    assert mistakes_by_loss(p, labels).tolist() == [2, 3, 1]
    correct = p.argmax(axis=1) == labels
    coverage, accuracy = coverage_curve(p.max(axis=1), correct, [0.0, 0.8, 0.99])
    assert coverage.tolist() == [1.0, 0.5, 0.0]
    assert accuracy[0] == correct.mean() and accuracy[1] == 0.5 and np.isnan(accuracy[2])
