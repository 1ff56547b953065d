"""The examples load each seed's situation exactly, and the small ones do what the seeds say."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.teaching import examples
from playground.core.teaching.examples import EXAMPLES, Example
from playground.core.experiment import Layer
from playground.core.training.history import RunHistory
from playground.core.training.trainer import train

#: Views an example may bring forward (keys of playground.ui.views.VIEWS; checked there too).
VIEW_NAMES = {"curves", "boundary", "outputs", "weights", "forward", "data", "runs"}


def test_keys_are_unique_and_every_example_is_valid():
    assert len({e.key for e in EXAMPLES}) == len(EXAMPLES)
    for example in EXAMPLES:
        assert example.experiment.validate() == [], example.key
        assert example.caption and example.title
        assert example.focus in VIEW_NAMES, example.key
        for step in example.then:
            assert step.focus in VIEW_NAMES | {""}
            if step.example:
                assert step.example in examples.BY_KEY
            if step.experiment is not None:
                assert step.experiment.validate() == []


def test_every_seed_has_examples():
    assert {e.seed for e in EXAMPLES} == {"000", "001", "002", "003", "2-D"}


def test_get_names_the_choices_when_unknown():
    assert examples.get("xor-single-neuron").seed == "000"
    with pytest.raises(KeyError, match="xor-single-neuron"):
        examples.get("nope")


def test_seed_000_settings_exactly():
    e = examples.get("xor-single-neuron").experiment
    assert (e.dataset, e.layers, e.output, e.loss) == ("xor", (), "sigmoid", "bce")
    assert (e.optimizer, e.learning_rate, e.batch_size, e.epochs, e.seed) == ("sgd", 0.1, 1,
                                                                              200, 0)
    for key, data in (("and-single-neuron", "and"), ("or-single-neuron", "or")):
        e = examples.get(key).experiment
        assert (e.dataset, e.layers, e.learning_rate, e.epochs) == (data, (), 1.0, 10)


def test_seed_001_and_002_settings_exactly():
    e = examples.get("mnist-mlp").experiment
    assert e.layers == (Layer(512, "relu", 0.2), Layer(512, "relu", 0.2))
    assert (e.output, e.loss, e.optimizer, e.batch_size, e.epochs) == (
        "softmax", "categorical", "rmsprop", 128, 20)
    assert e.normalize and e.train_size == 0 and e.validation_split == 0
    assert examples.get("mnist-raw-pixels").experiment == e.replace(normalize=False)
    s = examples.get("sum-threshold").experiment
    assert (s.dataset, s.inputs, s.threshold, s.layers) == ("sum-threshold", 2, 0.5,
                                                           (Layer(5, "tanh"),))
    assert (s.output, s.loss, s.optimizer, s.epochs, s.validation_split, s.samples) == (
        "tanh", "hinge", "adam", 150, 0.2, 250)


def test_seed_002_follow_up_steps():
    steps = examples.get("sum-threshold").then
    assert steps[0].forward_input == "0.3, 0.1" and steps[0].focus == "forward"
    neuron = steps[1]
    assert neuron.hand_set_neuron and neuron.experiment.layers == ()
    assert neuron.experiment.replace(layers=(Layer(5, "tanh"),)) == examples.SUM_THRESHOLD


def test_seed_003_is_honest_about_its_subset():
    quick = examples.get("fashion-1-5-500")
    full = examples.get("fashion-1-5-500-full")
    assert quick.record_at == full.record_at == (1, 5, 500)
    assert quick.experiment == full.experiment.replace(train_size=examples.FASHION_SUBSET)
    assert full.experiment.train_size == 0 and full.experiment.epochs == 500
    assert "10,000" in quick.title and "10,000" in quick.caption
    assert quick.experiment.layers == (Layer(128, "relu"),)
    assert (quick.experiment.loss, quick.experiment.batch_size) == ("sparse-categorical", 32)
    assert examples.milestone_name(1) == "1 epoch"
    assert examples.milestone_name(500) == "500 epochs"


def final_accuracy(example: Example) -> tuple[float, np.ndarray]:
    _trainer, reports = train(example.experiment)
    history = RunHistory()
    for report in reports:
        history.append(report)
    return history.last("accuracy"), history.metric("accuracy")


def test_the_small_examples_do_what_their_captions_say():
    accuracy, curve = final_accuracy(examples.get("xor-single-neuron"))
    assert curve.max() <= 0.75
    assert final_accuracy(examples.get("xor-hidden-layer"))[0] == 1.0
    assert final_accuracy(examples.get("and-single-neuron"))[0] == 1.0
    assert final_accuracy(examples.get("or-single-neuron"))[0] == 1.0
