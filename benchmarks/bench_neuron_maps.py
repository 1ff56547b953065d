"""Time one neuron-map redraw of the Weights tab's diagram (maps in NumPy + the pixmaps), the
cost paid once per throttled redraw while training streams; compare with the 33 ms frame.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_neuron_maps.py
"""
from __future__ import annotations

import os
import time
from types import SimpleNamespace

import numpy as np
from PySide6.QtWidgets import QApplication

from playground.core.data import registry
from playground.core.experiment import Experiment, Layer
from playground.core.inspection import weights as W
from playground.ui.widgets.network_diagram import NetworkDiagram
from playground.ui.widgets.neuron_map_items import PlaneMaps


def time_redraw(layers, repeats=50) -> float:
    experiment = Experiment(dataset="gaussians", layers=tuple(Layer(n, "tanh") for n in layers))
    dataset = registry.load(experiment)
    rng = np.random.default_rng(0)
    sizes = [dataset.n_inputs, *layers, dataset.output_units]
    weights = []
    for a, b in zip(sizes, sizes[1:]):
        weights += [rng.normal(size=(a, b)).astype(np.float32), np.zeros(b, np.float32)]
    session = SimpleNamespace(dataset=dataset, experiment=experiment, threshold=0.5,
                              activations=["tanh"] * len(layers) + ["softmax"],
                              switched_off=frozenset())
    diagram = NetworkDiagram()
    diagram.set_structure(W.unit_names(W.layer_sizes(weights), dataset.feature_names))
    maps = PlaneMaps()
    started = time.perf_counter()
    for _ in range(repeats):
        diagram.set_maps(maps.maps(session, weights))
    return (time.perf_counter() - started) / repeats * 1000


if __name__ == "__main__":
    app = QApplication([])
    for layers in ((4,), (8, 8), (12, 12, 12)):
        print(f"{'-'.join(map(str, layers)):>9}: {time_redraw(layers):5.2f} ms a redraw "
              f"(load average {os.getloadavg()[0]:.1f})")
