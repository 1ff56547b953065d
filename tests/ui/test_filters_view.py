"""A conv network in the window (issue 17): it trains, the Filters tab shows its first kernels
and the feature maps of a test image, and the dense-only inspectors say plainly what they show."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from playground.core.experiment import Experiment
from playground.core.layers import conv, flatten, pool
from tests.ui.gui import open_window, train

TINY_CNN = Experiment(dataset="mnist", layers=(conv(3, 3), pool(2), conv(2, 3), flatten()),
                      loss="sparse-categorical", optimizer="adam", learning_rate=0.01,
                      epochs=1, batch_size=32, train_size=64, test_size=8)


def _show(qtbot, window, key):
    view = window.views[key]
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(view.isVisible)
    return view


@pytest.mark.needs_datasets
def test_a_conv_network_trains_and_shows_its_filters_and_maps(qtbot, offline_datasets,
                                                              monkeypatch):
    from playground.ui.views import filters

    saliency_threads, real_saliency = [], filters.saliency_maps

    def recorded_saliency(*args):
        saliency_threads.append(threading.get_ident())
        return real_saliency(*args)

    monkeypatch.setattr(filters, "saliency_maps", recorded_saliency)
    window = open_window(qtbot, TINY_CNN)
    assert train(qtbot, window) in ("finished", "step")  # "step": a one-epoch run
    view = _show(qtbot, window, "filters")
    qtbot.waitUntil(lambda: "First layer" in view.tiles, timeout=5_000)
    assert list(view.tiles) == ["Test image", "First layer", "1: conv relu valid", "2: pool 2",
                                "3: conv relu valid"]
    assert [len(view.tiles[name]) for name in view.tiles] == [1, 3, 3, 3, 2]
    assert not view.tiles["First layer"][0].pixmap().isNull()
    assert "3 kernels" in view.info.text()
    view.saliency.click()  # worked out in a thread: the tiles come when it is done
    qtbot.waitUntil(lambda: any(name.startswith("Saliency for") for name in view.tiles),
                    timeout=10_000)
    title = next(name for name in view.tiles if name.startswith("Saliency for"))
    assert len(view.tiles[title]) == 3 and not view.tiles[title][2].pixmap().isNull()
    assert saliency_threads and threading.main_thread().ident not in saliency_threads
    weights = _show(qtbot, window, "weights")
    qtbot.waitUntil(lambda: "Dense networks" in weights.info.text(), timeout=5_000)
    assert weights.panels == []
    forward = _show(qtbot, window, "forward")
    qtbot.waitUntil(lambda: "Dense networks" in forward.text.toPlainText(), timeout=5_000)
    layer_map = _show(qtbot, window, "map")
    assert [layer_map.layer.itemText(i).split(" (")[0] for i in range(layer_map.layer.count())] \
        == ["1: Conv2D", "2: MaxPooling2D", "3: Conv2D"]
    layer_map.layer.setCurrentIndex(2)
    threads, real = [], layer_map.placement

    def recorded(*args):
        threads.append(threading.get_ident())
        return real(*args)

    layer_map.placement = recorded
    qtbot.mouseClick(layer_map.draw_button, Qt.LeftButton)
    # every test image, one dot each, placed off the GUI thread
    qtbot.waitUntil(lambda: len(layer_map.scatter.data) == 8, timeout=10_000)
    assert threads and threading.main_thread().ident not in threads
    assert "8 test images" in layer_map.info.text()
    window.close()


@pytest.mark.needs_datasets
def test_an_mlp_s_first_units_are_28_by_28_pictures(qtbot, offline_datasets):
    from playground.core.layers import dense

    window = open_window(qtbot, TINY_CNN.replace(layers=(dense(5, "relu"),)))
    assert train(qtbot, window) in ("finished", "step")  # "step": a one-epoch run
    view = _show(qtbot, window, "filters")
    qtbot.waitUntil(lambda: "First layer" in view.tiles, timeout=5_000)
    assert list(view.tiles) == ["First layer"] and len(view.tiles["First layer"]) == 5
    assert "784 weights into one first hidden unit" in view.info.text()
    window.close()


@pytest.mark.needs_datasets  # the window then loads Fashion-MNIST
def test_the_convnet_preset_fills_the_form_with_keras_s_example(qtbot, window):
    from playground.core.layers import MNIST_CONVNET

    view = window.views["images"]
    view.preset_buttons["Keras MNIST convnet"].trigger()
    experiment = window.form.experiment
    assert (experiment.dataset, experiment.layers) == ("mnist", MNIST_CONVNET)
    assert (experiment.optimizer, experiment.learning_rate, experiment.batch_size,
            experiment.loss, experiment.output) == ("adam", 0.001, 128, "categorical", "softmax")
    assert window.form.layers.total.text() == "34,826 parameters with the output layer"
    view.preset_buttons["Fashion-MNIST convnet"].trigger()
    assert window.form.experiment.dataset == "fashion-mnist"
    qtbot.waitUntil(lambda: window.state == "idle" and window.session.experiment is not None
                    and window.session.experiment.dataset == "fashion-mnist", timeout=60_000)


@pytest.mark.needs_datasets
def test_the_drawn_digit_s_feature_maps_and_saliency(qtbot, offline_datasets):
    import numpy as np

    from playground.core.inspection.feature_maps import feature_maps

    window = open_window(qtbot, TINY_CNN)
    assert train(qtbot, window) in ("finished", "step")
    view = _show(qtbot, window, "filters")
    view.source.setCurrentIndex(view.source.findData("drawn"))
    assert "Draw a digit in the Draw tab" in view.info.text()
    assert "Drawn digit" not in view.tiles and not view.image.isEnabled()

    draw = _show(qtbot, window, "draw")
    draw.canvas.stroke([(140, 40), (140, 240)])  # a 1
    qtbot.waitUntil(lambda: window.session.drawn_digit is not None, timeout=5_000)
    view = _show(qtbot, window, "filters")
    qtbot.waitUntil(lambda: "Drawn digit" in view.tiles, timeout=5_000)
    assert "chosen drawn digit" in view.info.text()
    row = window.session.drawn_digit
    np.testing.assert_allclose(row.reshape(28, 28), draw.shown_image)
    maps = feature_maps(window.session.history.latest_weights, window.session.activations, row)
    assert [len(view.tiles[f"{i}: {m.step}"]) for i, m in enumerate(maps, 1)] == [3, 3, 2]
    view.saliency.click()  # worked out in a thread: the tiles come when it is done
    qtbot.waitUntil(lambda: any(name.startswith("Saliency for") for name in view.tiles),
                    timeout=10_000)
    title = next(name for name in view.tiles if name.startswith("Saliency for"))
    predicted = draw.probabilities.argmax()
    assert f"'{window.session.dataset.class_names[predicted]}'" in title
    _show(qtbot, window, "draw").canvas.clear()
    qtbot.waitUntil(lambda: window.session.drawn_digit is None, timeout=5_000)
    window.close()


@pytest.mark.needs_datasets
def test_at_1366x768_three_conv_layers_show_without_scrolling(qtbot, offline_datasets):
    from playground.core.layers import conv, flatten, pool

    # 32 channels, as Keras's convnet: a 16-wide grid a layer showed only the first layer.
    window = open_window(qtbot, TINY_CNN.replace(layers=(conv(32, 3), pool(2), conv(4, 3),
                                                         flatten())))
    window.resize(1366, 768)
    view = _show(qtbot, window, "filters")  # the untrained network's kernels and maps
    qtbot.waitUntil(lambda: "2: pool 2" in view.tiles, timeout=5_000)
    viewport = view.sheet.viewport()

    def all_in_view():  # once laid out
        for name in ("Test image", "First layer", "1: conv relu valid", "2: pool 2"):
            row = view.sheet.rows[name]
            shown = row.rect().translated(row.mapTo(viewport, row.rect().topLeft()))
            assert viewport.rect().contains(shown), (name, shown, viewport.size())
        last = view.tiles["2: pool 2"][-1]  # the channels flow across: none past the right edge
        assert last.mapTo(viewport, last.rect().bottomRight()).x() < viewport.width()

    qtbot.waitUntil(all_in_view, timeout=2_000)
    window.close()
