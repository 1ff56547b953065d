"""The seeds' experiments, each one click away, with a caption saying what to look at.

An `Example` is an exact `Experiment` (the settings the seed used), the view to bring forward,
and optional follow-up `Step`s (seed 002: the forward pass of [0.3, 0.1], then the hand-set
neuron). `record_at` asks the Runs list to keep the run at chosen epochs: seed 003 compares one
run after 1, 5 and 500 epochs. The window decides how to carry these out; nothing here knows Qt.
"""
from __future__ import annotations

from dataclasses import dataclass

from playground.core.experiment import Experiment, Layer
from playground.core.data.sum_threshold import PRESETS


@dataclass(frozen=True)
class Step:
    """A follow-up to an example, offered as a button once the example is loaded."""

    #: Button text.
    label: str
    #: What to look at after the step.
    caption: str
    #: The view (class name) to bring forward.
    focus: str = ""
    #: Load these settings first (None: keep the current model).
    experiment: Experiment | None = None
    #: Type this input into the forward-pass view.
    forward_input: str = ""
    #: Give the (single-neuron) model w = 1, b = −threshold once it is built.
    hand_set_neuron: bool = False
    #: Load another example instead (its key).
    example: str = ""


@dataclass(frozen=True)
class Example:
    key: str
    #: Menu text.
    title: str
    #: Which seed page it reproduces ("000" … "003").
    seed: str
    #: What to look at, in two or three sentences.
    caption: str
    experiment: Experiment
    #: The view to bring forward, by its key in playground.ui.views.VIEWS: "boundary",
    #: "outputs", "weights", "forward", "data", "runs".
    focus: str = ""
    #: Follow-up steps, in order.
    then: tuple[Step, ...] = ()
    #: Start training as soon as it is loaded.
    train: bool = True
    #: Keep the run in the Runs list at these epochs (besides at its end).
    record_at: tuple[int, ...] = ()


# ----- seed 000: XOR, AND, OR ----------------------------------------------------------------

_SEED_000 = dict(loss="bce", output_activation="", optimizer="sgd", batch_size=1, seed=0,
                 validation_split=0.0)

XOR_SINGLE = Experiment(dataset="xor", layers=(), learning_rate=0.1, epochs=200, **_SEED_000)
XOR_HIDDEN = Experiment(dataset="xor", layers=(Layer(4, "tanh"),), learning_rate=0.5,
                        epochs=500, **_SEED_000)
AND_SINGLE = Experiment(dataset="and", layers=(), learning_rate=1.0, epochs=10, **_SEED_000)
OR_SINGLE = Experiment(dataset="or", layers=(), learning_rate=1.0, epochs=10, **_SEED_000)

# ----- seed 002: sum above a threshold ---------------------------------------------------------

SUM_THRESHOLD = Experiment(**PRESETS["2 inputs, t = 0.5 (hidden 5 tanh)"])
SUM_SINGLE_NEURON = Experiment(**PRESETS["One neuron, to set by hand"])

# ----- seed 001: the Keras MNIST MLP -----------------------------------------------------------

MNIST_MLP = Experiment(dataset="mnist", layers=(Layer(512, "relu", 0.2), Layer(512, "relu", 0.2)),
                       loss="categorical", output_activation="", optimizer="rmsprop",
                       learning_rate=0.001, epochs=20, batch_size=128, seed=0,
                       validation_split=0.0, normalize=True)
MNIST_RAW = MNIST_MLP.replace(normalize=False)

# ----- seed 003: the TensorFlow classification tutorial ---------------------------------------

#: Training images of the quick version: 500 epochs in minutes rather than most of an hour.
FASHION_SUBSET = 10_000
FASHION_FULL = Experiment(dataset="fashion-mnist", layers=(Layer(128, "relu"),),
                          loss="sparse-categorical", output_activation="",
                          optimizer="adam", learning_rate=0.001, epochs=500, batch_size=32,
                          seed=0, validation_split=0.0, normalize=True)
FASHION_QUICK = FASHION_FULL.replace(train_size=FASHION_SUBSET)
FASHION_EPOCHS = (1, 5, 500)

# ----- the 2-D playground (issue 14): generated shapes and curves ------------------------------

#: TensorFlow Playground's habits: half the points held out, Adam, small batches.
_PLAYGROUND = dict(samples=500, test_fraction=0.5, validation_split=0.0, optimizer="adam",
                   batch_size=10, seed=0)
CIRCLE_LINE = Experiment(dataset="circle", layers=(), loss="bce", learning_rate=0.03,
                         epochs=300, **_PLAYGROUND)
CIRCLE_HIDDEN = CIRCLE_LINE.replace(layers=(Layer(4, "tanh"),))
SPIRAL_SHALLOW = Experiment(dataset="spiral", classes=2, layers=(Layer(4, "tanh"),), loss="bce",
                            learning_rate=0.01, epochs=1000, **_PLAYGROUND)
SPIRAL_DEEP = SPIRAL_SHALLOW.replace(layers=(Layer(16, "tanh"), Layer(16, "tanh")))
OVERFITTING = Experiment(dataset="moons", noise=0.5, layers=(Layer(64, "relu"), Layer(64, "relu")),
                         loss="bce", learning_rate=0.01, epochs=1000,
                         # 20 training and 20 validation points: a held-out curve every epoch
                         **{**_PLAYGROUND, "samples": 50, "test_fraction": 0.2,
                            "validation_split": 0.5})
SINE_LINE = Experiment(dataset="sine", layers=(), loss="mse", learning_rate=0.01, epochs=300,
                       **_PLAYGROUND)
SINE_CURVE = SINE_LINE.replace(layers=(Layer(16, "tanh"), Layer(16, "tanh")), epochs=500)

PLAYGROUND_EXAMPLES: tuple[Example, ...] = (
    Example(
        "circle-no-hidden-layer", "A line cannot split a circle", "2-D",
        "A disc of one class inside a ring of the other, no hidden layer: the boundary is one "
        "straight line, so the best it can do is cut the plane in two and test accuracy stays "
        "near 0.5. Filled dots are training points, hollow ones the held-out half.",
        CIRCLE_LINE, focus="boundary",
        then=(Step("Add a hidden layer of 4", "", example="circle-hidden-layer"),)),
    Example(
        "circle-hidden-layer", "The circle with one hidden layer of 4 (it works)", "2-D",
        "Four tanh neurons draw four lines; the output bends them into a closed shape round "
        "the disc: test accuracy near 1.0 (≥ 0.95).",
        CIRCLE_HIDDEN, focus="boundary"),
    Example(
        "spiral-one-small-layer", "The spiral with one small layer (not enough)", "2-D",
        "Two interleaved spiral arms, one hidden layer of 4 tanh neurons: the boundary cannot "
        "wind round the arms and many points stay ringed as wrong.",
        SPIRAL_SHALLOW, focus="boundary",
        then=(Step("Two layers of 16", "", example="spiral-needs-depth"),)),
    Example(
        "spiral-needs-depth", "The spiral needs depth (2-16-16-1)", "2-D",
        "The same spiral with two hidden layers of 16 tanh neurons, Adam 0.01, batch 10, 1,000 "
        "epochs: the regions wind along the arms and the held-out half is classified about "
        "as well as the training half (plain Keras: 0.976 test accuracy).",
        SPIRAL_DEEP, focus="boundary"),
    Example(
        "noise-and-over-fitting", "Noise and over-fitting (40 noisy points, a big network)",
        "2-D",
        "Twenty noisy training points and two layers of 64 relu neurons: the training loss "
        "keeps falling while the validation loss (20 other points), after a first dip, "
        "climbs. On the boundary the regions twist to take in single noisy points: it learns "
        "the noise, not the moons.",
        OVERFITTING, focus="curves"),
    Example(
        "sine-straight-line", "A straight line cannot fit a sine", "2-D",
        "y = sin x with no hidden layer: the network is a straight line, the best one tilts "
        "through the middle of the wave and R² stays low.",
        SINE_LINE, focus="boundary",
        then=(Step("Two layers of 16 tanh", "", example="networks-do-not-extrapolate"),)),
    Example(
        "networks-do-not-extrapolate", "Networks do not extrapolate (a sine, 16-16 tanh)", "2-D",
        "Two hidden layers of 16 tanh neurons fit the sine where the data is (test R² ≥ 0.9). "
        "The curve is drawn over twice the data's span: outside the shaded band the tanh "
        "neurons saturate and it goes flat instead of waving on. A network only knows where "
        "it has seen data.",
        SINE_CURVE, focus="boundary"),
)

EXAMPLES: tuple[Example, ...] = (
    Example(
        "xor-single-neuron", "XOR with a single neuron (it cannot work)", "000",
        "Seed 000's model: one sigmoid neuron, no hidden layer, SGD 0.1, batch 1, 200 epochs. "
        "The decision boundary is one straight line, and no line puts [0, 1] and [1, 0] on one "
        "side and [0, 0] and [1, 1] on the other: accuracy never passes 0.75 and every answer "
        "ends near 0.5. Outputs: drag the epoch slider to see the answer for [0, 0] before "
        "training, at epoch 100 and after.",
        XOR_SINGLE, focus="outputs",
        then=(Step("Add a hidden layer", "", example="xor-hidden-layer"),
              Step("Try AND instead", "", example="and-single-neuron"))),
    Example(
        "xor-hidden-layer", "XOR with one hidden layer (it works)", "000",
        "The same data with a hidden layer of 4 tanh neurons (SGD 0.5, batch 1, 500 epochs). "
        "Watch the decision boundary bend around the corners until all four answers are right: "
        "accuracy 1.0. Outputs shows each answer moving away from 0.5.",
        XOR_HIDDEN, focus="outputs"),
    Example(
        "and-single-neuron", "AND with a single neuron (lr 1, 10 epochs)", "000",
        "Seed 000's advice: start with a gate a straight line can split. One sigmoid neuron, "
        "SGD with learning rate 1, 10 epochs: accuracy 1.0. The boundary line cuts [1, 1] off "
        "from the other three corners.",
        AND_SINGLE, focus="outputs",
        then=(Step("Now OR", "", example="or-single-neuron"),)),
    Example(
        "or-single-neuron", "OR with a single neuron (lr 1, 10 epochs)", "000",
        "The same single neuron on OR: accuracy 1.0 after 10 epochs. The line now cuts [0, 0] "
        "off from the other three corners.",
        OR_SINGLE, focus="outputs",
        then=(Step("Back to XOR", "", example="xor-single-neuron"),)),
    Example(
        "sum-threshold", "Sum above threshold, weights by hand", "002",
        "Seed 002: 2 inputs in [0, 1), class +1 when they sum above 0.5; hidden 5 tanh, tanh "
        "output, hinge loss, Adam, 150 epochs, validation 0.2. Accuracy ends near 92 %, only "
        "the share of points above 0.5 (see the hint). The Weights tab shows get_weights(): "
        "the 2×5 kernel and the 5 biases. Next: the forward pass by hand, then a perfect "
        "neuron set by hand.",
        SUM_THRESHOLD, focus="weights",
        then=(Step("Forward pass of [0.3, 0.1]",
                   "h = tanh(Wᵀx + b), then y = tanh(Wᵀh + b) with the output layer's own W "
                   "and b, worked out with the trained weights, "
                   "beside model.predict. 0.3 + 0.1 is not above 0.5, so the right answer is "
                   "negative: is the network right here?",
                   focus="forward", forward_input="0.3, 0.1"),
              Step("Perfect neuron by hand",
                   "One tanh neuron, no hidden layer, with w = [1, 1] and b = −0.5 set by hand "
                   "(set_weights): its output is positive exactly when x1 + x2 > 0.5. The "
                   "Data tab scores it on 200 fresh random points: 100 %.",
                   focus="data", experiment=SUM_SINGLE_NEURON, hand_set_neuron=True))),
    Example(
        "mnist-mlp", "MNIST with the Keras MLP (probabilities)", "001",
        "Seed 001: the Keras MNIST example, 512 relu → dropout 0.2 → 512 relu → dropout 0.2 → "
        "10 softmax, RMSprop, batch 128, 20 epochs, checked on the 10,000 test images "
        "(≈ 98 % test accuracy), about 5 s an epoch on a laptop CPU. Outputs lists the first "
        "test images with the network's answer and its probability (drag its epoch slider "
        "back to epoch 1 to see them less certain); all ten probabilities of an image show "
        "under Test images when you click it.",
        MNIST_MLP, focus="outputs",
        then=(Step("The same, normalisation off", "", example="mnist-raw-pixels"),)),
    Example(
        "mnist-raw-pixels", "MNIST with normalisation off (seed 001's bug)", "001",
        "The same network fed raw 0–255 pixels: the division by 255 is missing, as in seed "
        "001's prediction script. Outputs shows probabilities of 1.0000: hard one-hot answers "
        "[1, 0, 0, …] (click an image under Test images to see all ten) instead of "
        "probabilities: the softmax is saturated. It shows after the first epoch, so Stop "
        "whenever you like.",
        MNIST_RAW, focus="outputs",
        then=(Step("Back to normalised pixels", "", example="mnist-mlp"),)),
    Example(
        "fashion-1-5-500", "Fashion-MNIST at 1, 5 and 500 epochs (quick: 10,000 images)", "003",
        "Seed 003's tutorial model (128 relu → 10 softmax, Adam, batch 32) trained for 500 "
        "epochs; Runs keeps it after 1, 5 and 500 epochs (with one seed, the same as three "
        "separate trainings) and compares train accuracy with test loss and accuracy. It uses "
        "the first 10,000 of the 60,000 images to take minutes, not most of an hour, so it "
        "over-fits sooner: test loss falls, then climbs, while train accuracy nears 1.0.",
        FASHION_QUICK, focus="runs", record_at=FASHION_EPOCHS,
        then=(Step("Use all 60,000 images", "", example="fashion-1-5-500-full"),)),
    Example(
        "fashion-1-5-500-full", "Fashion-MNIST at 1, 5 and 500 epochs (all 60,000 images)", "003",
        "The tutorial exactly: all 60,000 training images, 500 epochs, kept in Runs after 1, 5 "
        "and 500 epochs. An epoch takes about 1 to 5 s depending on the computer, so the whole "
        "run takes 10 to 40 minutes; the first two rows of the table come within seconds.",
        FASHION_FULL, focus="runs", record_at=FASHION_EPOCHS),
) + PLAYGROUND_EXAMPLES

BY_KEY = {example.key: example for example in EXAMPLES}


def get(key: str) -> Example:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown example {key!r}; choose one of {', '.join(BY_KEY)}") from None


def milestone_name(epoch: int) -> str:
    """How a run kept at an epoch is named in the Runs list: "1 epoch", "500 epochs"."""
    return f"{epoch:,} epoch{'' if epoch == 1 else 's'}"
