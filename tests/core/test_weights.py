"""Weights by hand (seed 002): typed and pasted numbers, edits, the forward pass written out
layer by layer against Keras, and the hand-set neuron that classifies perfectly."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.inspection import weights as W
from playground.core.data.dataset import Dataset
from playground.core.experiment import Experiment, Layer
from playground.core.inspection.forward import forward, forward_steps
from playground.core.model.build import build_model
from playground.core.data.sum_threshold import PRESETS
from playground.core.model.runtime import load
from playground.core.training.trainer import Trainer

tf, keras = load()

SEED_002 = Experiment().replace(**PRESETS["2 inputs, t = 0.5 (hidden 5 tanh)"])


# ----- typed and pasted numbers -------------------------------------------------------------

@pytest.mark.parametrize("text, value", [("1", 1.0), (" -0.5 ", -0.5), ("\u22120.5", -0.5),
                                         ("1e-3", 0.001), (".25", 0.25)])
def test_a_typed_number_is_read(text, value):
    assert W.parse_value(text) == (value, "")


@pytest.mark.parametrize("text, words", [("", "type a number"), ("abc", "not a number"),
                                         ("1,5", "not a number"), ("nan", "finite"),
                                         ("-inf", "finite")])
def test_bad_text_says_why(text, words):
    value, message = W.parse_value(text)
    assert value is None and words in message


@pytest.mark.parametrize("text, rows", [
    ("1\t2\n3\t4", [[1, 2], [3, 4]]),                 # from a spreadsheet
    ("1, 2; 3, 4", [[1, 2], [3, 4]]),
    ("[[1], [1]]", [[1], [1]]),                        # seed 002's set_weights argument
    ("[[0.1 0.2]\n [0.3 0.4]]", [[0.1, 0.2], [0.3, 0.4]]),  # how NumPy prints a kernel
    ("[-0.5]", [[-0.5]]),
    ("0.3 0.1\n", [[0.3, 0.1]]),
])
def test_pasted_matrices_in_common_shapes(text, rows):
    block, message = W.parse_block(text)
    assert message == "" and np.array_equal(block, rows)


def test_pasted_text_with_ragged_rows_or_words_is_refused():
    assert "same number" in W.parse_block("1 2\n3")[1]
    assert "not a number" in W.parse_block("1 x")[1]
    assert W.parse_block("  ")[1] == "nothing to paste"


def test_a_typed_input_row_needs_one_number_per_input():
    assert np.array_equal(W.parse_row("0.3, 0.1", 2)[0], [0.3, 0.1])
    assert W.parse_row("0.3", 2) == (None, "expected 2 numbers, got 1")


# ----- edits ---------------------------------------------------------------------------------

def seed_shaped_weights():
    rng = np.random.default_rng(0)
    return [rng.normal(size=s).astype(np.float32) for s in ((2, 5), (5,), (5, 1), (1,))]


def test_a_layer_table_is_the_kernel_with_the_bias_as_last_row():
    weights = seed_shaped_weights()
    table = W.layer_table(weights, 0)
    assert table.shape == (3, 5)
    assert np.array_equal(table[:2], weights[0]) and np.array_equal(table[2], weights[1])


def test_editing_a_cell_changes_that_weight_only_and_copies():
    weights = seed_shaped_weights()
    frozen = [w.copy() for w in weights]
    new, message = W.with_value(weights, 0, 1, 3, 2.5)  # x2 -> h4
    assert message == ""
    assert new[0][1, 3] == 2.5
    changed = [~np.equal(a, b) for a, b in zip(new, frozen)]
    assert sum(int(c.sum()) for c in changed) == 1
    assert all(np.array_equal(a, b) for a, b in zip(weights, frozen))  # not in place
    new, _ = W.with_value(weights, 1, 5, 0, -1.0)  # the output bias row
    assert new[3][0] == -1.0 and new[3].dtype == np.float32


def test_a_pasted_block_lands_at_the_cell_or_is_refused_when_it_does_not_fit():
    weights = seed_shaped_weights()
    new, message = W.with_block(weights, 1, 0, 0, np.arange(6).reshape(6, 1))
    assert message == ""
    assert np.array_equal(new[2][:, 0], [0, 1, 2, 3, 4]) and new[3][0] == 5
    assert W.with_block(weights, 0, 2, 4, [[1, 2]])[0] is None
    assert "does not fit" in W.with_block(weights, 0, 2, 4, [[1, 2]])[1]
    assert "no cell" in W.with_value(weights, 0, 3, 0, 1.0)[1]


@pytest.mark.parametrize("text", ["1e300", "-1e39", "3.5e38"])
def test_a_typed_weight_float32_cannot_hold_is_refused(text):
    value, message = W.parse_weight(text)
    assert value is None and "too large" in message and "3.4e+38" in message
    assert W.parse_weight("3.4e38") == (3.4e38, "")  # the largest float32 still fits
    assert W.parse_weight("nan")[1] and W.parse_weight("inf")[1]


def test_a_pasted_or_set_weight_float32_cannot_hold_is_refused():
    weights = [np.zeros((2, 1), np.float32), np.zeros(1, np.float32)]
    for block in ([[1.0], [1e300]], [[float("inf")]], [[float("nan")]]):
        new, message = W.with_block(weights, 0, 0, 0, block)
        assert new is None and message
    new, message = W.with_value(weights, 0, 0, 0, -1e300)
    assert new is None and "too large" in message


def test_shapes_must_match_the_model():
    weights = seed_shaped_weights()
    assert W.same_shapes(weights, [w * 2 for w in weights]) == ""
    assert "layer 2 kernel" in W.same_shapes(weights, weights[:2] + [np.ones((2, 1)),
                                                                    weights[3]])
    assert "4 arrays" in W.same_shapes(weights, weights[:2])


def test_names_and_formatting_as_in_the_seed():
    assert W.unit_names([5, 1], ["x1", "x2"]) == [["x1", "x2"], ["h1", "h2", "h3", "h4", "h5"],
                                                 ["y"]]
    assert W.unit_names([2, 2, 3], ["a"])[1:] == [["h1.1", "h1.2"], ["h2.1", "h2.2"],
                                                  ["y1", "y2", "y3"]]
    assert W.format_value(0.93015909) == "0.9302"
    assert W.format_value(-0.00001) == "0.0000"
    assert W.exact_text(np.float32(0.3)) == "0.3"


def test_reinitialised_weights_look_like_a_fresh_keras_dense():
    weights = seed_shaped_weights()
    fresh = W.glorot_uniform(weights, seed=1)
    assert [w.shape for w in fresh] == [w.shape for w in weights]
    assert np.all(np.abs(fresh[0]) <= np.sqrt(6 / 7)) and not np.all(fresh[0] == 0)
    assert np.all(fresh[1] == 0) and np.all(fresh[3] == 0)


# ----- the forward pass by hand equals Keras, layer by layer --------------------------------

def layer_outputs(model, x) -> list[np.ndarray]:
    """What each Dense layer of `model` outputs for rows `x`, computed by Keras."""
    dense = [layer for layer in model.layers if layer.get_weights()]
    probe = keras.Model(model.inputs, [layer.output for layer in dense])
    outputs = probe.predict(np.asarray(x, np.float32), verbose=0)
    return outputs if isinstance(outputs, list) else [outputs]


def random_biases(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([w + rng.normal(0, 0.5, w.shape).astype(np.float32)
                       for w in model.get_weights()])


@pytest.mark.parametrize("hidden", [(), ("relu",), ("tanh",), ("sigmoid",), ("linear",),
                                    ("relu", "tanh"), ("sigmoid", "linear", "relu")])
@pytest.mark.parametrize("loss", ["hinge", "bce", "mse"])
def test_every_step_by_hand_equals_the_keras_layer(hidden, loss):
    experiment = SEED_002.replace(layers=tuple(Layer(4, a) for a in hidden), loss=loss,
                                  output_activation="linear" if loss == "mse" else "")
    from playground.core.data import registry as datasets

    model = build_model(experiment, datasets.load(experiment))
    random_biases(model, len(hidden))
    activations = list(hidden) + [experiment.output]
    rows = np.array([[0.3, 0.1], [0.9, 0.75], [0.0, 0.0]], np.float32)
    expected = layer_outputs(model, rows)
    predicted = model.predict(rows, verbose=0)
    for i, x in enumerate(rows):
        steps = forward_steps(model.get_weights(), activations, x)
        assert len(steps) == len(expected) == len(hidden) + 1
        for step, keras_out in zip(steps, expected):
            np.testing.assert_allclose(step.outputs, keras_out[i], atol=1e-5)
            np.testing.assert_allclose(step.pre_activation, step.weighted + step.bias)
        np.testing.assert_allclose(steps[-1].outputs, predicted[i], atol=1e-5)


def test_softmax_output_by_hand_equals_predict():
    x = np.random.default_rng(0).uniform(size=(6, 3)).astype(np.float32)
    labels = np.array([0, 1, 2, 0, 1, 2])
    data = Dataset("three", x, labels, x[:0], labels[:0], x[:0], labels[:0],
                   ("a", "b", "c"), ("0", "1", "2"))
    experiment = Experiment(layers=(Layer(4, "relu"), Layer(3, "sigmoid")),
                            loss="sparse-categorical")
    model = build_model(experiment, data)
    random_biases(model, 3)
    steps = forward_steps(model.get_weights(), ["relu", "sigmoid", "softmax"], x[2])
    for step, keras_out in zip(steps, layer_outputs(model, x[2:3])):
        np.testing.assert_allclose(step.outputs, keras_out[0], atol=1e-5)


def test_seed_002_by_hand_on_the_trained_model():
    """h = tanh(Wᵀx + b), y = tanh(vᵀh + c) for x = [0.3, 0.1], as the author wrote it."""
    trainer = Trainer(SEED_002)
    reports = list(trainer.run())
    assert reports[-1].last_epoch == 150
    kernel, bias, v, c = trainer.model.get_weights()
    assert kernel.shape == (2, 5) and bias.shape == (5,) and v.shape == (5, 1)
    x = np.array([0.3, 0.1])
    h = np.tanh(x @ kernel + bias)
    y = np.tanh(h @ v + c)
    predicted = trainer.model.predict(np.array([x], np.float32), verbose=0)[0]
    np.testing.assert_allclose(y, predicted, atol=1e-5)
    steps = forward_steps(trainer.model.get_weights(), ["tanh", "tanh"], x)
    np.testing.assert_allclose(steps[0].outputs, h, atol=1e-12)
    assert W.format_value(steps[-1].outputs[0]) == W.format_value(predicted[0])


# ----- weights set by hand ------------------------------------------------------------------

def test_set_weights_round_trip_keeps_the_epoch_and_what_the_model_computes():
    trainer = Trainer(SEED_002.replace(epochs=5))
    list(trainer.run())
    new, _ = W.with_value(trainer.model.get_weights(), 0, 0, 0, 1.25)
    trainer.model.set_weights(new)
    for got, want in zip(trainer.model.get_weights(), new):
        assert np.array_equal(got, want)
    assert trainer.epoch == 5
    x = trainer.dataset.x_test
    np.testing.assert_allclose(trainer.predict(x), forward(new, ["tanh", "tanh"], x), atol=1e-5)


def test_the_hand_set_neuron_is_perfect_on_200_fresh_points():
    """Seed 002: set_weights([[1], [1]], [-0.5]) on one tanh neuron -> 100 % by sign."""
    experiment = Experiment().replace(**PRESETS["One neuron, to set by hand"])
    trainer = Trainer(experiment)
    weights = W.hand_set_neuron(2, 0.5)
    assert np.array_equal(weights[0], [[1], [1]]) and np.array_equal(weights[1], [-0.5])
    trainer.model.set_weights(weights)
    data = trainer.dataset
    assert len(data.x_test) == 200
    outputs = trainer.model.predict(data.x_test, verbose=0)[:, 0]
    assert np.mean(np.sign(outputs) == 2 * data.labels_test - 1) == 1.0
    assert trainer.evaluate(data.x_test, data.labels_test)[1] == 1.0
    assert trainer.evaluate(data.x_train, data.labels_train)[1] == 1.0


def test_the_hand_set_neuron_works_for_five_inputs_too():
    experiment = Experiment().replace(**PRESETS["5 inputs, t = 2.5 (hidden 20 tanh)"])
    experiment = experiment.replace(layers=())
    trainer = Trainer(experiment)
    trainer.model.set_weights(W.hand_set_neuron(5, 2.5))
    assert trainer.evaluate(trainer.dataset.x_test, trainer.dataset.labels_test)[1] == 1.0
