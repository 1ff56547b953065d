"""Convolutional presets (issue 17): Keras's mnist_convnet and the same network for
Fashion-MNIST, as the Experiment fields they set (every field that matters, so nothing of the
previous experiment leaks in). The gallery offers them by label, `playground train --preset`
by key.

Keras's example (https://keras.io/examples/vision/mnist_convnet/) trains 15 epochs on all
60,000 images; the presets train 5 epochs on the first 10,000 and test on 2,000 (plain Keras
reaches 0.9615 there: benchmarks/bench_images.py --convnet), a run of about a minute on a CPU.
"""
from __future__ import annotations

from playground.core.layers import MNIST_CONVNET

_CONVNET = dict(layers=MNIST_CONVNET, output_activation="", loss="categorical",
                optimizer="adam", learning_rate=0.001, momentum=0.0, batch_size=128, epochs=5,
                validation_split=0.0, train_size=10_000, test_size=2_000, normalize=True,
                seed=0)

#: key -> (label, Experiment fields, tip)
CNN_PRESETS = {
    "mnist-convnet": (
        "Keras MNIST convnet", dict(dataset="mnist", **_CONVNET),
        "Keras's mnist_convnet: Conv 32 3×3 relu → MaxPool 2 → Conv 64 3×3 relu → MaxPool 2 → "
        "Flatten → Dropout 0.5 → Dense 10 softmax; Adam (lr 0.001), categorical "
        "cross-entropy, batch 128, 5 epochs on the first 10,000 images, 2,000 test images."),
    "fashion-convnet": (
        "Fashion-MNIST convnet", dict(dataset="fashion-mnist", **_CONVNET),
        "The same convnet on Fashion-MNIST (clothes are harder than digits: ~0.85 after 5 "
        "epochs on 10,000 images)."),
}


def preset_fields(key: str) -> dict:
    return dict(CNN_PRESETS[key][1])
