"""Layer kinds (issue 11, issue 17): dense, conv, pool, flatten, dropout in the Experiment, its
JSON, validation naming the row and field, and the Keras model built from them."""
import numpy as np
import pytest

from playground.core.experiment import Experiment, ExperimentError
from playground.core.layers import (MNIST_CONVNET, Layer, conv, dense, dropout, flatten,
                                    layers_text, parse_layers, pool, stack_shapes)

CONVNET = MNIST_CONVNET


def _errors(experiment):
    return {e.field: e.message for e in experiment.validate()}


def test_a_layer_without_a_kind_is_dense_and_old_files_read_as_before():
    old = {"dataset": "xor", "layers": [{"units": 3, "activation": "relu", "dropout": 0.0}]}
    experiment = Experiment.from_dict(old)
    assert experiment.layers == (Layer(3, "relu"),)
    assert experiment.layers[0].kind == "dense"
    # A dense network's file is written as before kinds existed: no "kind" key.
    assert Experiment.from_dict(old).to_dict()["layers"] == old["layers"]


def test_every_kind_round_trips_through_json():
    layers = (*CONVNET, dense(16, "tanh", 0.25))
    experiment = Experiment(dataset="mnist", layers=layers, loss="sparse-categorical")
    data = experiment.to_dict()
    assert data["layers"][0] == {"kind": "conv", "filters": 32, "kernel_size": 3,
                                 "activation": "relu", "padding": "valid"}
    assert data["layers"][1] == {"kind": "pool", "pool_size": 2}
    assert data["layers"][4] == {"kind": "flatten"}
    assert Experiment.from_dict(data) == experiment


def test_json_refuses_an_unknown_kind_and_a_setting_of_another_kind():
    with pytest.raises(ExperimentError) as error:
        Experiment.from_dict({"dataset": "mnist", "layers": [
            {"kind": "lstm"}, {"kind": "pool", "units": 3}]})
    fields = {e.field: e.message for e in error.value.errors}
    assert "lstm" in fields["layers[0].kind"]
    assert fields["layers[1].units"] == "not a setting of a pool layer"


def test_the_convnet_shapes_and_parameters_are_model_summary_s():
    rows, problem = stack_shapes(CONVNET, 784, (28, 28), output_units=10)
    assert problem is None
    assert [r.shape for r in rows] == [(26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64),
                                       (1600,), (1600,), (10,)]
    assert [r.params for r in rows] == [320, 0, 18496, 0, 0, 0, 16010]


def test_validation_names_the_row_and_field_of_a_bad_stack():
    too_small = (conv(4, 3), pool(2), pool(2), pool(2), pool(2), pool(2), flatten())
    errors = _errors(Experiment(dataset="mnist", layers=too_small, loss="sparse-categorical"))
    assert errors == {"layers[5].pool_size": "layer 6: a pool of 2 shrinks 1×1 below 1×1"}
    errors = _errors(Experiment(dataset="mnist", layers=(conv(4, 3), dense(8)),
                                loss="sparse-categorical"))
    assert errors["layers[1].kind"].startswith("layer 2: Dense before Flatten on image rows")
    errors = _errors(Experiment(dataset="mnist", layers=(conv(4, 3),), loss="sparse-categorical"))
    assert "need a Flatten after this layer" in errors["layers[0].kind"]
    errors = _errors(Experiment(dataset="xor", layers=(conv(4, 3), flatten())))
    assert errors["layers[0].kind"].startswith("layer 1: Conv2D needs image data")
    errors = _errors(Experiment(dataset="mnist", layers=(conv(4, 29, padding="valid"),
                                                         flatten()), loss="sparse-categorical"))
    assert "kernel_size" in next(iter(errors)) and "must be at most 28" in str(errors)


def test_same_padding_keeps_the_size_and_a_kernel_too_big_is_named():
    rows, problem = stack_shapes((conv(2, 5, padding="same"),), 784, (28, 28))
    assert rows[0].shape == (28, 28, 2) and problem is None
    _, problem = stack_shapes((pool(4), pool(4), conv(2, 3)), 784, (28, 28))
    assert problem.index == 2 and problem.message == (
        "layer 3: a 3×3 kernel does not fit a 1×1 input (padding 'same' keeps the size)")


def test_an_mlp_on_images_needs_no_flatten():
    assert _errors(Experiment(dataset="mnist", layers=(dense(8),), loss="sparse-categorical")) \
        == {}


def test_layers_text_parses_back():
    layers, problems = parse_layers("conv 32 3 relu, pool 2, conv 64 3 relu, pool 2, flatten, "
                                    "dropout 0.5")
    assert problems == [] and layers == CONVNET
    assert parse_layers(layers_text(layers))[0] == layers
    layers, _ = parse_layers("dense 16 tanh, dropout 0.2, conv 8 5x5 same")
    assert layers == (dense(16, "tanh"), dropout(0.2), conv(8, 5, "relu", "same"))
    _, problems = parse_layers("conv, lstm 4")
    assert problems[0][0] == 0 and "conv FILTERS" in problems[0][1]
    assert problems[1][0] == 1 and "not a layer" in problems[1][1]


@pytest.fixture(scope="module")
def tiny_images():
    from playground.core.data.dataset import Dataset

    rng = np.random.default_rng(0)
    x = rng.random((6, 784), dtype=np.float32)
    labels = np.arange(6) % 10
    return Dataset(key="mnist", x_train=x, labels_train=labels, x_val=x[:0], feature_names=(),
                   labels_val=labels[:0], x_test=x[:2], labels_test=labels[:2],
                   class_names=tuple(str(i) for i in range(10)), image_shape=(28, 28))


def test_the_model_has_the_experiment_s_layers_and_summary_shapes(tiny_images):
    from playground.core.model.build import build_model, dense_layers

    layers = (conv(2, 3), pool(2), conv(3, 3), pool(2), flatten(), dropout(0.5))
    experiment = Experiment(dataset="mnist", layers=layers, loss="sparse-categorical",
                            optimizer="adam", learning_rate=0.001)
    model = build_model(experiment, tiny_images)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Reshape", "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten",
                     "Dropout", "Dense"]
    rows, _ = stack_shapes(layers, 784, (28, 28), output_units=10)
    assert [tuple(layer.output.shape[1:]) for layer in model.layers[1:]] == [r.shape
                                                                           for r in rows]
    assert model.count_params() == sum(r.params for r in rows)
    assert [w.shape for w in dense_layers(model)[0].get_weights()] == [(3, 3, 1, 2), (2,)]
    outputs = model.predict(tiny_images.x_train, verbose=0)
    assert outputs.shape == (6, 10) and np.allclose(outputs.sum(axis=1), 1, atol=1e-5)


def test_numpy_follows_a_conv_network_as_keras_does(tiny_images):
    from playground.core.inspection.feature_maps import feature_maps, first_layer_pictures
    from playground.core.inspection.forward import activations_of, forward
    from playground.core.model.build import build_model

    layers = (conv(3, 3, "tanh", "same"), pool(3), conv(2, 2, "relu"), pool(2), flatten(),
              dense(5, "sigmoid"))
    experiment = Experiment(dataset="mnist", layers=layers, loss="sparse-categorical")
    model = build_model(experiment, tiny_images)
    weights = model.get_weights()
    expected = model.predict(tiny_images.x_train, verbose=0)
    outputs = forward(weights, activations_of(experiment), tiny_images.x_train)
    assert np.allclose(outputs, expected, atol=1e-5)
    maps = feature_maps(weights, activations_of(experiment), tiny_images.x_train[0])
    assert [m.values.shape for m in maps] == [(28, 28, 3), (9, 9, 3), (8, 8, 2), (4, 4, 2)]
    assert first_layer_pictures(weights).shape == (3, 3, 3)
    # A dense network's list is still its Dense activations, as every dense inspector expects.
    assert activations_of(Experiment(layers=(dense(3, "tanh"),))) == ["tanh", "sigmoid"]


def test_the_trainer_trains_a_conv_network_and_reports_its_outputs(tiny_images):
    from playground.core.training.trainer import Trainer

    experiment = Experiment(dataset="mnist", layers=(conv(2, 3), pool(2), flatten()),
                            loss="sparse-categorical", optimizer="adam", learning_rate=0.01,
                            batch_size=3, epochs=2)
    trainer = Trainer(experiment, dataset=tiny_images)
    reports = list(trainer.run(2))
    last = reports[-1]
    assert last.epochs[-1] == 2 and np.all(np.isfinite(last.loss))
    assert last.outputs.shape[-1] == 10  # probe rows: the TensorFlow side predicts them


def test_a_conv_layer_costs_its_multiply_adds_at_every_position():
    from playground.core.layers import row_costs

    work, largest = row_costs(CONVNET, 784, (28, 28), 10)
    assert work == 26 * 26 * 9 * 32 + 11 * 11 * 288 * 64 + 1600 * 10
    assert largest == 26 * 26 * 32
    assert row_costs((dense(8),), 784, (), 10) == (784 * 8 + 8 * 10, 784)


def test_the_trainer_takes_the_batch_schedule_for_a_convnet_and_evaluates_in_chunks(tiny_images):
    """35,000 weights but 2.4 million multiply-adds a row: an epoch of 10,000 images takes
    seconds, so Stop and progress act within it, and no pass holds 10,000 rows' maps at once."""
    from playground.core.data.dataset import Dataset
    from playground.core.training import schedules
    from playground.core.training.trainer import Trainer

    rows = np.zeros((10_000, 784), np.float32)
    labels = np.arange(10_000) % 10
    many = Dataset(key="mnist", x_train=rows, labels_train=labels, x_val=rows[:0],
                   labels_val=labels[:0], x_test=rows[:10], labels_test=labels[:10],
                   feature_names=(), class_names=tiny_images.class_names, image_shape=(28, 28))
    trainer = Trainer(Experiment(dataset="mnist", layers=CONVNET, loss="categorical",
                                 batch_size=128), dataset=many)
    assert trainer._schedule_name() == schedules.BATCHES
    assert trainer.eval_rows == 20_000_000 // (26 * 26 * 32)
    dense_net = Trainer(Experiment(dataset="mnist", layers=(dense(8),), loss="categorical",
                                   batch_size=128), dataset=many)
    assert dense_net.eval_rows == 10_000


def test_descriptions_and_hints_keep_a_conv_layer_a_conv_layer():
    from playground.core.teaching.hints import layers_text as hint_text

    assert hint_text(CONVNET[:2] + (dense(8, "relu", 0.2),)) == \
        "Conv2D 32 3×3 relu, MaxPooling2D 2×2, 8 relu + dropout 0.2"


def test_the_gallery_s_predictions_follow_a_conv_network_in_slices(tiny_images):
    from playground.core.inspection.forward import activations_of
    from playground.core.inspection.predictions import output_chunks, predictions
    from playground.core.model.build import build_model

    experiment = Experiment(dataset="mnist", layers=(conv(2, 3), pool(2), flatten()),
                            loss="sparse-categorical")
    model = build_model(experiment, tiny_images)
    steps = activations_of(experiment)
    parts = list(output_chunks(model.get_weights(), steps, tiny_images.x_train, rows=4))
    assert [len(out) for out, _ in parts] == [6]  # conv slices are their own size (32)
    expected = model.predict(tiny_images.x_train, verbose=0)
    np.testing.assert_allclose(parts[0][0], expected, atol=1e-5)
    result = predictions(model.get_weights(), steps, tiny_images.x_train,
                         tiny_images.labels_train)
    assert len(result.predicted) == 6
