"""`playground train --layers` and `--preset` (issue 17): conv stacks on the command line, bad
stacks named by flag and layer, and `--json` weights for every layer with weights."""
import json

import numpy as np
import pytest

from playground.cli import commands as cli
from playground.cli.commands import UsageError, parse_train_args
from playground.core.layers import MNIST_CONVNET, dense


def test_layers_flag_builds_the_convnet():
    experiment, _ = parse_train_args(["--dataset", "mnist", "--layers",
                                      "conv 32 3 relu, pool 2, conv 64 3 relu, pool 2, flatten, "
                                      "dropout 0.5"])
    assert experiment.layers == MNIST_CONVNET


def test_hidden_keeps_working_for_dense_networks():
    experiment, _ = parse_train_args(["--hidden", "8,4", "--activation", "relu"])
    assert experiment.layers == (dense(8, "relu"), dense(4, "relu"))
    experiment, _ = parse_train_args(["--layers", "dense 8 relu, dropout 0.2"])
    assert experiment.layers[0] == dense(8, "relu") and experiment.layers[1].dropout == 0.2


@pytest.mark.parametrize("flags, message", [
    (["--dataset", "mnist", "--layers", "conv 4 3, pool 2, pool 2, pool 2, pool 2, pool 2, "
      "flatten"], "--layers: layer 6: a pool of 2 shrinks 1×1 below 1×1"),
    (["--dataset", "mnist", "--layers", "conv 4 3, dense 3"],
     "--layers: layer 2: Dense before Flatten on image rows"),
    (["--layers", "conv 2 3, flatten"], "--layers: layer 1: Conv2D needs image data"),
    (["--layers", "dense 3, lstm 4"], "--layers: layer 2: 'lstm 4' is not a layer"),
    (["--layers", "dense 3", "--hidden", "3"], "--layers: give --layers or --hidden, not both"),
])
def test_a_bad_stack_is_one_line_naming_flag_and_layer(flags, message):
    with pytest.raises(UsageError) as error:
        parse_train_args(flags)
    assert str(error.value).startswith(message)


def test_the_preset_sets_keras_s_convnet_and_flags_change_it():
    experiment, _ = parse_train_args(["--preset", "mnist-convnet"])
    assert (experiment.dataset, experiment.layers, experiment.optimizer,
            experiment.batch_size, experiment.loss) == ("mnist", MNIST_CONVNET, "adam", 128,
                                                        "categorical")
    assert (experiment.train_size, experiment.test_size, experiment.epochs) == (10_000, 2_000, 5)
    experiment, _ = parse_train_args(["--preset", "fashion-convnet", "--epochs", "2"])
    assert experiment.dataset == "fashion-mnist" and experiment.epochs == 2
    assert experiment.layers == MNIST_CONVNET


@pytest.mark.needs_datasets
def test_json_lists_conv_kernels_with_their_shape(capsys):
    code = cli.main(["train", "--json", "--quiet", "--dataset", "mnist", "--train-size", "64",
                     "--test-size", "16", "--epochs", "1", "--layers",
                     "conv 2 3 relu, pool 2, conv 3 2 relu, flatten, dense 4 relu"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    shapes = [(w["name"], w["kind"], np.shape(w["kernel"])) for w in result["weights"]]
    assert shapes == [("conv_1", "Conv2D", (3, 3, 1, 2)), ("conv_3", "Conv2D", (2, 2, 2, 3)),
                      ("hidden_5", "Dense", (12 * 12 * 3, 4)), ("output", "Dense", (4, 10))]
    assert result["experiment"]["layers"][1] == {"kind": "pool", "pool_size": 2}
