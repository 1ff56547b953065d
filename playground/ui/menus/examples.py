"""The Examples menu, the start page shown on first launch, and the caption bar of an example.

Choosing an example stops whatever runs, fills the form with the seed's exact settings, trains
from epoch 0, brings the view to look at forward, and shows a caption saying what to look at,
with buttons for the follow-up steps (seed 002: the forward pass of [0.3, 0.1], then the
hand-set neuron). `install_examples(window)` adds all of it to a `MainWindow`; it is idempotent.
"""
from __future__ import annotations

import html
from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QDialog, QFrame, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QPushButton, QSizePolicy, QToolButton, QVBoxLayout,
                               QWidget)

from playground.core.teaching import examples
from playground.core.teaching.examples import EXAMPLES, Example, Step
from playground.core.training.runs import model_key
from playground.ui.settings import settings
from playground.ui.widgets.folding_label import FoldingLabel

#: The start page has been shown once (it then shows again only if asked to).
SEEN_KEY = "examples/start_page_seen"
#: The user ticked "Show this page at every start".
AT_LAUNCH_KEY = "examples/start_page_at_launch"
#: What each seed asked, as the start page groups the examples.
SEED_QUESTIONS = {
    "000": "“How do I try out the model I trained?” XOR, AND and OR with one neuron",
    "001": "“How do I get class probabilities from a prediction?” MNIST digits",
    "002": "Weights and the forward pass by hand: sum above a threshold",
    "003": "1, 5 or 500 epochs? Fashion-MNIST and over-fitting",
    "2-D": "The 2-D playground: circles, spirals, noise and curves",
}


# ---------------------------------------------------------------------------------------------
# Driving the window


def start_fresh(window, experiment, train: bool = True,
                then: Callable[[], None] | None = None) -> None:
    """Put `experiment` in the form and give it a fresh model at epoch 0 (stopping what runs);
    then train it (`train`) and/or call `then` once the fresh model is in place."""
    window.form.set_experiment(experiment)

    def after() -> None:
        if train:
            window.run.train(experiment)
        if then is not None:
            then()
    window.run.fresh(experiment, then=after)


def add_bar(window, bar: QWidget, rank: int) -> None:
    """Put `bar` in the column of slim bars above the window's content (created once by
    wrapping the central widget), ordered by `rank`: the example caption, then the hints."""
    column = getattr(window, "bars_column", None)
    if column is None:
        content = window.takeCentralWidget()  # taken, not deleted
        wrapper = QWidget()
        wrapper.setObjectName("bars_and_content")
        column = QVBoxLayout(wrapper)
        column.setContentsMargins(4, 2, 4, 0)
        column.setSpacing(2)
        column.addWidget(content, 1)
        window.setCentralWidget(wrapper)
        window.bars_column = column
    bar.setProperty("bar_rank", rank)
    index = 0
    while index < column.count() - 1:
        other = column.itemAt(index).widget()
        if other is not None and (other.property("bar_rank") or 0) > rank:
            break
        index += 1
    column.insertWidget(index, bar)


def focus_view(window, key: str) -> None:
    """Bring the view `key` forward (views above the tabs are always on screen)."""
    view = window.views.get(key)
    if view is not None and window.tabs.indexOf(view) >= 0:
        window.tabs.setCurrentWidget(view)


# ---------------------------------------------------------------------------------------------
# The caption bar


class ExampleBar(QFrame):
    """The loaded example's title, what to look at, and its follow-up steps."""

    def __init__(self, controller: "ExamplesController", parent=None):
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("example_bar")
        self.setStyleSheet("#example_bar { background: #eaf2fb; border: 1px solid #b7d0ea; "
                           "border-radius: 3px; }")
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.caption = FoldingLabel()  # one line; "More" unfolds the rest
        self.caption.setObjectName("example_caption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.RichText)
        self.caption.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.steps_box = QHBoxLayout()
        self.step_buttons: list[QPushButton] = []
        self.close_button = QToolButton()
        self.close_button.setObjectName("example_close")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hide this caption (Examples menu brings examples back)")
        self.close_button.clicked.connect(self.hide_bar)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 3, 2, 3)
        row.addWidget(self.caption, 1)
        row.addLayout(self.steps_box)
        row.addWidget(self.close_button, 0, Qt.AlignTop)

    def show_example(self, example: Example, caption: str = "") -> None:
        title = html.escape(example.title, quote=False)
        text = html.escape(caption or example.caption, quote=False)
        self.caption.setText(f"<b>Example, seed {example.seed}: {title}.</b> {text}")
        for button in self.step_buttons:
            button.setParent(None)
            button.deleteLater()
        self.step_buttons = []
        for step in example.then:
            button = QPushButton(step.label)
            button.setObjectName(f"example_step_{len(self.step_buttons)}")
            button.setToolTip(_step_tip(step))
            button.clicked.connect(lambda _=False, step=step: self.controller.run_step(step))
            self.steps_box.addWidget(button, 0, Qt.AlignTop)
            self.step_buttons.append(button)
        self.setVisible(True)

    def hide_bar(self) -> None:
        self.setVisible(False)


def _step_tip(step: Step) -> str:
    if step.example:
        example = examples.get(step.example)
        return f"Load the example “{example.title}”: {example.caption}"
    return step.caption


# ---------------------------------------------------------------------------------------------
# The start page


class StartPage(QDialog):
    """Shown on first launch: the seeds' questions, each with its examples one click away."""

    def __init__(self, controller: "ExamplesController", parent=None):
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("start_page")
        self.setWindowTitle("Welcome to Neural Playground")
        intro = QLabel(
            "<h2>Welcome to Neural Playground</h2>"
            "<p>Each example below loads the exact settings of a real learner's question about "
            "Keras, starts training, and says what to look at. Every example is also in the "
            "<b>Examples</b> menu; hover over a button to read what it shows.</p>")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for index, seed in enumerate(sorted(SEED_QUESTIONS)):
            box = QGroupBox(f"Seed {seed}: {SEED_QUESTIONS[seed]}")
            column = QVBoxLayout(box)
            for example in EXAMPLES:
                if example.seed != seed:
                    continue
                button = QPushButton(example.title)
                button.setObjectName(f"start_{example.key}")
                button.setToolTip(example.caption)
                button.setStyleSheet("text-align: left; padding: 4px 8px;")
                button.clicked.connect(lambda _=False, key=example.key: self.choose(key))
                column.addWidget(button)
                self.buttons[example.key] = button
            column.addStretch(1)
            grid.addWidget(box, index // 2, index % 2)
        layout.addLayout(grid)
        bottom = QHBoxLayout()
        self.at_launch = QCheckBox("Show this page at every start")
        self.at_launch.setObjectName("start_at_launch")
        self.at_launch.setToolTip("Tick to see this page each time the app opens; it is "
                                  "always in Examples ▸ Start page")
        self.at_launch.setChecked(bool(settings().value(AT_LAUNCH_KEY, False, type=bool)))
        self.at_launch.toggled.connect(lambda on: settings().setValue(AT_LAUNCH_KEY, on))
        self.blank_button = QPushButton("Start with the default experiment")
        self.blank_button.setObjectName("start_blank")
        self.blank_button.setToolTip("Close this page and keep the default experiment: XOR "
                                     "with one hidden layer of 4 tanh neurons, untrained")
        self.blank_button.clicked.connect(self.close)
        bottom.addWidget(self.at_launch)
        bottom.addStretch(1)
        bottom.addWidget(self.blank_button)
        layout.addLayout(bottom)

    def choose(self, key: str) -> None:
        self.close()
        self.controller.load(key)


# ---------------------------------------------------------------------------------------------
# The controller


class ExamplesController(QObject):
    """Owns the menu, the caption bar and the start page of one window."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.current: Example | None = None
        self.start_page: StartPage | None = None
        self.menu = window.menuBar().addMenu("&Examples")
        self.menu.setObjectName("examples_menu")
        self.menu.setToolTipsVisible(True)
        self.actions: dict[str, QAction] = {}
        seed = None
        for example in EXAMPLES:
            if seed is not None and example.seed != seed:
                self.menu.addSeparator()
            seed = example.seed
            action = QAction(example.title, self.menu)
            action.setObjectName(f"example_{example.key}")
            action.setToolTip(f"Seed {example.seed}: {example.caption}")
            action.setStatusTip(example.caption)
            action.triggered.connect(lambda _=False, key=example.key: self.load(key))
            self.menu.addAction(action)
            self.actions[example.key] = action
        self.menu.addSeparator()
        self.start_action = QAction("Start page…", self.menu)
        self.start_action.setObjectName("example_start_page")
        self.start_action.setToolTip("The welcome page: the four learners' questions and "
                                     "their examples")
        self.start_action.triggered.connect(self.show_start_page)
        self.menu.addAction(self.start_action)

        self.bar = ExampleBar(self)
        self.bar.setVisible(False)
        add_bar(window, self.bar, rank=0)
        window.session.run_started.connect(self._on_run_started)

    # ----- examples -----
    def load(self, key: str, train: bool | None = None) -> None:
        """Load example `key` exactly, bring its view forward, train it (unless `train` is
        False, or None and the example says not to), and show its caption."""
        example = examples.get(key)
        self.current = example
        window = self.window
        window.file_actions.untitled()  # a new experiment: Save never overwrites the last file
        window.views["runs"].watch_milestones(example.experiment, example.record_at)
        start_fresh(window, example.experiment, train=example.train if train is None else train)
        focus_view(window, example.focus)
        self.bar.show_example(example)

    def run_step(self, step: Step) -> None:
        """Carry out a follow-up step of the current example."""
        if step.example:
            self.load(step.example)
            return
        window = self.window
        if step.focus:
            focus_view(window, step.focus)
        if self.current is not None and step.caption:
            self.bar.show_example(self.current, f"{step.label}: {step.caption}")
        if step.experiment is not None:
            then = (lambda: self._hand_set_neuron()) if step.hand_set_neuron else None
            start_fresh(window, step.experiment, train=False, then=then)
        elif step.hand_set_neuron:
            self._hand_set_neuron()
        if step.forward_input:
            window.views["forward"].set_input(step.forward_input)

    def _on_run_started(self) -> None:
        """A model whose settings are not the example's (nor a step's): the caption would
        describe something else, so it goes."""
        example, experiment = self.current, self.window.session.experiment
        if example is None:
            return
        ours = [example.experiment] + [s.experiment for s in example.then if s.experiment]
        if experiment is None or all(model_key(experiment) != model_key(e) for e in ours):
            self.current = None
            self.bar.hide_bar()

    def _hand_set_neuron(self) -> None:
        self.window.views["weights"].set_by_hand()

    # ----- the start page -----
    def show_start_page(self) -> StartPage:
        if self.start_page is None:
            self.start_page = StartPage(self, self.window)
        settings().setValue(SEEN_KEY, True)
        self.start_page.show()
        self.start_page.raise_()
        return self.start_page


def should_show_start_page() -> bool:
    """First launch, or the user asked to see it at every start."""
    store = settings()
    return (not store.value(SEEN_KEY, False, type=bool)
            or bool(store.value(AT_LAUNCH_KEY, False, type=bool)))


def install_examples(window, start_page: bool | None = None) -> ExamplesController:
    """Add the Examples menu and caption bar to `window` (idempotent), and show the start page
    on first launch (`start_page=None`), always (True) or never (False)."""
    controller = getattr(window, "examples", None)
    if not isinstance(controller, ExamplesController):
        controller = ExamplesController(window)
        window.examples = controller
    if start_page is None:
        start_page = should_show_start_page()
    if start_page:
        QTimer.singleShot(0, controller.show_start_page)
    return controller
