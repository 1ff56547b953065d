"""Take the README's screenshots of the real window (offscreen), as a newcomer would see it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--only NAME] [OUT_DIR]

Each shot loads an example or experiment through the window's own menus and controls, trains
it in the worker thread and grabs the whole window, or the dialog it shows (default OUT_DIR:
assets/screenshots).
MNIST needs its files in Keras's cache (see ../shared/datasets/README.md); without them that
shot is skipped.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402


def wait(condition, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(seconds: float = 0.6) -> None:
    """Let throttled redraws (≤ 30 a second) and the hints (once a second) catch up."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def trained(window, start) -> None:
    """Run `start()` (which asks for training) and wait until the run has ended."""
    start()
    wait(lambda: window.state == "training", 30)
    wait(lambda: window.state == "idle", 600)
    settle(1.3)


def shot_single_neuron(window):
    trained(window, lambda: window.examples.load("xor-single-neuron"))


def shot_xor(window):
    trained(window, lambda: window.examples.load("xor-hidden-layer"))


def shot_forward(window):
    trained(window, lambda: window.examples.load("sum-threshold"))
    step = window.examples.current.then[0]  # "Forward pass of [0.3, 0.1]"
    window.examples.run_step(step)
    settle(1.0)


def shot_mnist(window):
    from playground.core.data import downloads
    from playground.core.experiment import Experiment, Layer

    if downloads.missing_files("mnist"):
        raise LookupError("no MNIST files in Keras's cache")
    experiment = Experiment(dataset="mnist", layers=(Layer(128, "relu"),),
                            loss="sparse-categorical", optimizer="adam", learning_rate=0.001,
                            batch_size=32, epochs=3, train_size=10000, test_size=1000)
    from playground.ui.menus.examples import start_fresh
    trained(window, lambda: start_fresh(window, experiment))
    view = window.views["images"]
    window.tabs.setCurrentWidget(view)
    view.evaluate_now()
    settle(0.5)
    view.select(view.grid.cells[3].index)
    settle(1.5)


def shot_spiral(window):
    """The 2-D playground: the spiral learnt with depth (test points hollow)."""
    trained(window, lambda: window.examples.load("spiral-needs-depth"))


def shot_extrapolate(window):
    """A regression: the fitted sine over twice the data's span."""
    trained(window, lambda: window.examples.load("networks-do-not-extrapolate"))


def shot_classes(window):
    """Four Gaussian blobs: the boundary by predicted class, Outputs with every probability."""
    from playground.core.experiment import Experiment, Layer
    from playground.ui.menus.examples import start_fresh

    experiment = Experiment(dataset="gaussians", classes=4, layers=(Layer(8, "tanh"),),
                            loss="sparse-categorical", optimizer="adam", learning_rate=0.03,
                            epochs=60, batch_size=16, noise=0.3)
    trained(window, lambda: start_fresh(window, experiment))


def shot_convnet(window):
    """Keras's mnist_convnet (2 epochs on 4,000 images) on a 1920×1080 screen: the Filters tab's
    feature maps and saliency for one test image, the form wide enough for the layers' kinds and
    shapes (at 1366 px that width shortened the tab titles to "Out…")."""
    from playground.core.data import downloads
    from playground.core.experiment import Experiment
    from playground.core.model.presets import preset_fields
    from playground.ui.menus.examples import start_fresh

    if downloads.missing_files("mnist"):
        raise LookupError("no MNIST files in Keras's cache")
    fields = dict(preset_fields("mnist-convnet"), epochs=2, train_size=4000, test_size=1000)
    window.resize(1920, 1080)
    trained(window, lambda: start_fresh(window, Experiment(**fields)))
    from PySide6.QtWidgets import QScrollArea, QSplitter
    for splitter in window.findChildren(QSplitter):  # drag the form wider, as a person would
        form_column = splitter.widget(0)
        if isinstance(form_column, QScrollArea) and form_column.widget() is window.form:
            splitter.setSizes([580, 1340])  # the table's kinds and shapes; the tabs whole
    view = window.views["filters"]
    window.tabs.setCurrentWidget(view)
    view.saliency.setChecked(True)
    settle(4.0)


def shot_neurons(window):
    """XOR with one hidden layer: the Weights tab, each neuron's map of the plane in the diagram."""
    trained(window, lambda: window.examples.load("xor-hidden-layer"))
    window.tabs.setCurrentWidget(window.views["weights"])
    settle(1.5)


def shot_neuron_grid(window):
    """The spiral with two layers of 16: the Neurons tab, each neuron of the second hidden layer."""
    trained(window, lambda: window.examples.load("spiral-needs-depth"))
    grid = next(view for view in window.views.values() if hasattr(view, "layer_combo"))
    window.tabs.setCurrentWidget(grid)
    settle(0.5)
    grid.layer_combo.setCurrentIndex(1)
    settle(1.5)


def shot_backward(window):
    """XOR with one hidden layer: the Backward tab, one row's gradients by hand beside Keras's,
    the gradient norms and the gradients' distributions through training."""
    trained(window, lambda: window.examples.load("xor-hidden-layer"))
    backward = window.views["backward"]
    window.tabs.setCurrentWidget(backward)
    settle(0.5)
    backward.distributions.kind.setCurrentText("gradients")
    settle(2.0)


def shot_sweep(window):
    """Run ▸ Sweep… on XOR: learning rate × hidden layers, two seeds each; the dialog's heatmap
    and table of mean ± spread (the dialog is what is grabbed)."""
    from playground.core.experiment import Experiment
    window.form.set_experiment(Experiment(epochs=300))
    dialog = window.research_tools.show_sweep()
    dialog.values[0].setText("0.05|0.5|2")
    dialog.fields[1].setCurrentText("hidden")
    dialog.values[1].setText("2|4|8,4")
    dialog.seeds.setValue(2)
    dialog.start()
    wait(lambda: dialog.thread is None, 600)
    settle(1.0)
    return dialog


def window_at(width: int, height: int, theme: str):
    """The single-neuron example (its caption and a hint showing) at a screen size, in a
    theme: what a newcomer meets on a 1366×768 laptop or a 1920×1080 screen."""
    def shot(window):
        window.theme.set_mode(theme)
        window.resize(width, height)
        trained(window, lambda: window.examples.load("xor-single-neuron"))
    return shot


SHOTS = {"single-neuron": shot_single_neuron, "xor": shot_xor, "forward": shot_forward,
         "mnist": shot_mnist, "spiral": shot_spiral, "extrapolate": shot_extrapolate,
         "classes": shot_classes, "convnet": shot_convnet, "neurons": shot_neurons,
         "neuron-grid": shot_neuron_grid, "backward": shot_backward, "sweep": shot_sweep}
#: The window at common screen sizes, light and dark (named window-WxH-THEME.png).
SIZES = {f"window-{w}x{h}-{theme}": window_at(w, h, theme)
         for w, h in ((1366, 768), (1920, 1080)) for theme in ("light", "dark")}
SHOTS.update(SIZES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "assets" / "screenshots"))
    parser.add_argument("--only", choices=sorted(SHOTS), action="append")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playground.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Neural Playground")
    window = MainWindow()
    window.resize(1500, 940)
    window.show()
    wait(lambda: window.loaded and window.state == "idle")
    for name in args.only or SHOTS:
        window.tabs.setCurrentWidget(window.views["outputs"])  # not the last shot's tab
        try:
            dialog = SHOTS[name](window)  # a shot of a dialog returns it
        except LookupError as why:
            print(f"skipped {name}: {why}")
            continue
        path = out / f"{name}.png"
        (dialog or window).grab().save(str(path), "PNG", 0)  # 0: the smallest file (lossless)
        if dialog is not None:
            dialog.close()
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
        if name in SIZES:
            window.theme.set_mode("system")  # the next shot starts as a launch would
        window.resize(1500, 940)
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
