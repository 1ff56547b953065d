"""The Mistakes lab's questions about a test image, in NumPy only (no SciPy, no Qt).

`perturb` changes one picture as a learner might: thicker or thinner strokes, rotation about the
centre, a shift, Gaussian noise (a fixed seed, so a slider moved back gives the same picture).
With every setting at 0 it returns the picture unchanged, bit for bit. `per_sample_loss` orders
mistakes by how costly they are, and `coverage_curve` says what a confidence threshold buys:
answer only when the top probability reaches it ("I don't know" below), and be right more often
on fewer images.
"""
from __future__ import annotations

import numpy as np

#: The smallest probability a loss takes the log of (as Keras clips).
EPSILON = 1e-7


def perturb(image, noise: float = 0.0, rotation: float = 0.0, shift: tuple = (0.0, 0.0),
            thickness: int = 0, scale: float = 1.0, seed: int = 0) -> np.ndarray:
    """`image` (h, w; ink high, 0..scale) with its strokes grown (`thickness` > 0) or thinned
    (< 0) by that many pixels, rotated by `rotation` degrees anticlockwise about its centre,
    moved by `shift` = (right, down) pixels, and Gaussian noise of standard deviation
    `noise` × scale added (clipped to 0..scale)."""
    out = np.asarray(image, np.float64)
    for _ in range(abs(int(thickness))):
        out = _grow(out, thicker=thickness > 0)
    if rotation or any(shift):
        out = _rotate_shift(out, float(rotation), float(shift[0]), float(shift[1]))
    if noise:
        rng = np.random.default_rng(seed)
        out = np.clip(out + noise * scale * rng.standard_normal(out.shape), 0.0, scale)
    return out


def _grow(image: np.ndarray, thicker: bool) -> np.ndarray:
    """One step of grey dilation (max) or erosion (min) over the pixel and its 4 neighbours."""
    fill = 0.0 if thicker else float(image.max(initial=0.0))
    padded = np.pad(image, 1, constant_values=fill)
    h, w = image.shape
    around = [padded[1 + dr:1 + dr + h, 1 + dc:1 + dc + w]
              for dr, dc in ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1))]
    return np.max(around, axis=0) if thicker else np.min(around, axis=0)


def _rotate_shift(image: np.ndarray, degrees: float, right: float, down: float) -> np.ndarray:
    """Bilinear resampling: each output pixel looks up where it came from (0 outside)."""
    h, w = image.shape
    cy, cx = (h - 1) / 2, (w - 1) / 2
    rows, cols = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64),
                             indexing="ij")
    y, x = rows - down - cy, cols - right - cx
    angle = -np.deg2rad(degrees)  # anticlockwise on screen, where rows grow downwards
    cos, sin = np.cos(angle), np.sin(angle)
    src_r = np.round(cy + cos * y - sin * x, 9)  # rounded: a quarter turn lands on pixels
    src_c = np.round(cx + sin * y + cos * x, 9)
    r0, c0 = np.floor(src_r).astype(int), np.floor(src_c).astype(int)
    fr, fc = src_r - r0, src_c - c0
    out = np.zeros_like(image)
    for dr, wr in ((0, 1 - fr), (1, fr)):
        for dc, wc in ((0, 1 - fc), (1, fc)):
            rr, cc = r0 + dr, c0 + dc
            inside = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
            values = image[np.clip(rr, 0, h - 1), np.clip(cc, 0, w - 1)]
            out += np.where(inside, wr * wc * values, 0.0)
    return out


def per_sample_loss(probabilities, labels) -> np.ndarray:
    """Each image's cross-entropy, -log p(true class), clipped at EPSILON."""
    p = np.asarray(probabilities, np.float64)
    labels = np.asarray(labels, int)
    return -np.log(np.clip(p[np.arange(len(labels)), labels], EPSILON, 1.0))


def mistakes_by_loss(probabilities, labels) -> np.ndarray:
    """Indices of the wrongly answered images, costliest first (ties: test set order)."""
    p = np.asarray(probabilities)
    labels = np.asarray(labels, int)
    wrong = np.flatnonzero(p.argmax(axis=1) != labels)
    loss = per_sample_loss(p[wrong], labels[wrong])
    return wrong[np.argsort(-loss, kind="stable")]


def coverage_curve(confidence, correct, thresholds) -> tuple[np.ndarray, np.ndarray]:
    """For each threshold: the share of images answered (top probability >= threshold) and
    the accuracy on them (nan when none is answered)."""
    confidence = np.asarray(confidence, np.float64)
    correct = np.asarray(correct, bool)
    answered = confidence[None, :] >= np.asarray(thresholds, np.float64)[:, None]
    counts = answered.sum(axis=1)
    coverage = counts / max(len(confidence), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = np.where(counts > 0, (answered & correct).sum(axis=1) / counts, np.nan)
    return coverage, accuracy
