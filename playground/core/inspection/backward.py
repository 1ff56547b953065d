"""The backward pass by hand, in NumPy, for one row: why the weights move.

For a dense network and one input row with its target, the loss, ∂L/∂output, each layer's
δ = (W_nextᵀ δ_next) ⊙ f′(z) (δ at the output: ∂L/∂output through the output activation),
∂L/∂W = a δᵀ (a: the layer's inputs) and ∂L/∂b = δ, all from a weight snapshot in float64.
`keras_gradients` asks Keras for the same numbers (GradientTape on the model, the loss object
the trainer uses, a batch of one), so a view or a test can set them side by side.

Keras computes cross-entropy from the logits when the output is a sigmoid or softmax (it keeps
them on the tensor), so here too the loss and the output δ = p − y come from z: no clipping,
no division by p(1 − p). Dropout is inactive (inference): the pass is the network as it predicts.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from playground.core.inspection.forward import ACTIVATION_FUNCTIONS, _pairs
from playground.core.losses import LOSSES

#: Keras's Huber delta (its default).
HUBER_DELTA = 1.0


@dataclass(frozen=True)
class LayerGradient:
    """One Dense layer's part of the backward pass for a single row."""

    index: int
    activation: str
    inputs: np.ndarray          # a: the previous layer's output (the row, for the first layer)
    kernel: np.ndarray          # W, shape (inputs, units)
    bias: np.ndarray            # b
    pre_activation: np.ndarray  # z = Wᵀa + b
    outputs: np.ndarray         # f(z)
    delta: np.ndarray           # δ = ∂L/∂z
    kernel_gradient: np.ndarray  # ∂L/∂W = a δᵀ
    bias_gradient: np.ndarray    # ∂L/∂b = δ


@dataclass(frozen=True)
class BackwardPass:
    """The loss of one row and every layer's gradient, input layer first."""

    loss: float
    output: np.ndarray           # the network's output for the row
    target: np.ndarray           # the target as the loss sees it (0/1, ±1, one-hot, value)
    output_gradient: np.ndarray  # ∂L/∂output
    layers: tuple[LayerGradient, ...]

    def gradients(self) -> list[np.ndarray]:
        """∂L/∂W, ∂L/∂b per layer, in `get_weights()` order."""
        return [g for layer in self.layers for g in (layer.kernel_gradient, layer.bias_gradient)]

    def weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers for w in (layer.kernel, layer.bias)]

    def sgd_step(self, learning_rate: float) -> list[np.ndarray]:
        """The weights after one plain SGD step on this row: W − η ∂L/∂W (and b likewise)."""
        return [w - learning_rate * g for w, g in zip(self.weights(), self.gradients())]


def encoded_target(label, encoding: str, units: int) -> np.ndarray:
    """A class index (or a regression value) -> the target vector the loss compares with."""
    if encoding in ("onehot", "sparse"):
        target = np.zeros(units)
        target[int(label)] = 1.0
        return target
    if encoding == "signed":
        return np.array([2.0 * float(label) - 1.0])
    return np.array([float(label)])  # binary 0/1, or a regression value


def _softplus(z):
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _log_softmax(z):
    shifted = z - z.max()
    return shifted - np.log(np.exp(shifted).sum())


def loss_and_gradient(keras_loss: str, output_activation: str, z: np.ndarray, p: np.ndarray,
                      y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray | None]:
    """(loss, ∂L/∂output, δ at the output or None to take ∂L/∂output through f′).

    Losses average over the output units, as Keras's do."""
    units = len(p)
    if keras_loss == "binary_crossentropy" and output_activation == "sigmoid":
        # -[y log σ(z) + (1 − y) log(1 − σ(z))] = softplus(z) − y z, as Keras from the logits
        loss = float(np.mean(_softplus(z) - y * z))
        with np.errstate(divide="ignore", invalid="ignore"):
            d_out = (p - y) / (p * (1.0 - p)) / units
        return loss, d_out, (p - y) / units
    if keras_loss in ("categorical_crossentropy", "sparse_categorical_crossentropy") \
            and output_activation == "softmax":
        loss = float(-np.sum(y * _log_softmax(z)))
        with np.errstate(divide="ignore", invalid="ignore"):
            d_out = -y / p
        return loss, d_out, p - y
    error = p - y
    if keras_loss == "mean_squared_error":
        return float(np.mean(error ** 2)), 2.0 * error / units, None
    if keras_loss == "mean_absolute_error":
        return float(np.mean(np.abs(error))), np.sign(error) / units, None
    if keras_loss == "huber":
        size = np.abs(error)
        quadratic = np.minimum(size, HUBER_DELTA)
        loss = float(np.mean(0.5 * quadratic ** 2 + HUBER_DELTA * (size - quadratic)))
        return loss, np.where(size <= HUBER_DELTA, error, HUBER_DELTA * np.sign(error)) / units, \
            None
    if keras_loss == "hinge":
        margin = 1.0 - y * p
        return float(np.mean(np.maximum(margin, 0.0))), np.where(margin > 0, -y, 0.0) / units, \
            None
    raise ValueError(f"the backward pass does not know the loss {keras_loss!r} with a "
                     f"{output_activation} output")


def activation_derivative(activation: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """f′(z) of an element-wise activation, from z and a = f(z)."""
    if activation == "relu":
        return (z > 0).astype(np.float64)  # TensorFlow's derivative at 0 is 0 too
    if activation == "tanh":
        return 1.0 - a ** 2
    if activation == "sigmoid":
        return a * (1.0 - a)
    if activation == "linear":
        return np.ones_like(z)
    raise ValueError(f"no element-wise derivative for {activation!r}")


def _through(activation: str, z, a, upstream):
    """∂L/∂z from ∂L/∂a: ⊙ f′(z), or the softmax's Jacobian (diag(a) − a aᵀ) upstream."""
    if activation == "softmax":
        return a * (upstream - np.dot(upstream, a))
    return upstream * activation_derivative(activation, z, a)


def backward(weights: Sequence[np.ndarray], activations: Sequence[str], loss: str, encoding: str,
             row, label) -> BackwardPass:
    """The backward pass of one `row` with its `label` (class index, or value for regression).

    `weights` alternates kernel, bias as `get_weights()`; `activations` as `activations_of`;
    `loss` is a key of `LOSSES`; `encoding` the experiment's target encoding.
    """
    pairs = [(np.asarray(k, np.float64), np.asarray(b, np.float64)) for k, b in _pairs(weights)]
    a = np.asarray(row, np.float64).reshape(-1)
    inputs, zs, outs = [], [], []
    for (kernel, bias), activation in zip(pairs, activations):
        z = a @ kernel + bias
        inputs.append(a)
        zs.append(z)
        a = ACTIVATION_FUNCTIONS[activation](z[None])[0]
        outs.append(a)
    p, z_out = outs[-1], zs[-1]
    y = encoded_target(label, encoding, len(p))
    value, d_out, delta = loss_and_gradient(LOSSES[loss].keras_name, activations[-1], z_out, p, y)
    if delta is None:
        delta = _through(activations[-1], z_out, p, d_out)
    layers: list[LayerGradient] = []
    for i in range(len(pairs) - 1, -1, -1):
        kernel, bias = pairs[i]
        layers.append(LayerGradient(i, activations[i], inputs[i], kernel, bias, zs[i], outs[i],
                                    delta, np.outer(inputs[i], delta), delta.copy()))
        if i:
            delta = _through(activations[i - 1], zs[i - 1], outs[i - 1], kernel @ delta)
    return BackwardPass(value, p, y, d_out, tuple(reversed(layers)))


def backward_of(experiment, weights, row, label) -> BackwardPass:
    """`backward` with the activations, loss and encoding of `experiment`, plus its L1/L2
    penalties on the kernels: L + l1 Σ|W| + l2 ΣW², whose gradient adds l1 sign(W) + 2 l2 W."""
    from playground.core.inspection.forward import activations_of
    result = backward(weights, activations_of(experiment), experiment.loss, experiment.encoding,
                      row, label)
    l1, l2 = float(getattr(experiment, "l1", 0.0)), float(getattr(experiment, "l2", 0.0))
    if not (l1 or l2):
        return result
    penalty = sum(l1 * np.abs(layer.kernel).sum() + l2 * (layer.kernel ** 2).sum()
                  for layer in result.layers)
    layers = tuple(dataclasses.replace(layer, kernel_gradient=layer.kernel_gradient
                                       + l1 * np.sign(layer.kernel) + 2 * l2 * layer.kernel)
                   for layer in result.layers)
    return dataclasses.replace(result, loss=result.loss + float(penalty), layers=layers)


# ----- many rows at once: the gradient training follows ---------------------------------------

def batch_gradients(experiment, weights, x, labels) -> tuple[float, list[np.ndarray]]:
    """(loss, ∂loss/∂W and ∂loss/∂b per layer in `get_weights()` order) of the training
    objective on rows `x` with `labels`: the mean of the rows' losses (Keras's losses average a
    batch) plus the kernels' L1/L2 penalties. `backward_of` for all rows at once, vectorised:
    equal to the mean of its per-row gradients (tests), and to Keras's GradientTape."""
    from playground.core.inspection.forward import activations_of
    activations = activations_of(experiment)
    pairs = [(np.asarray(k, np.float64), np.asarray(b, np.float64)) for k, b in _pairs(weights)]
    a = np.asarray(x, np.float64).reshape(len(x), -1)
    inputs, zs, outs = [], [], []
    for (kernel, bias), activation in zip(pairs, activations):
        z = a @ kernel + bias
        inputs.append(a)
        zs.append(z)
        a = ACTIVATION_FUNCTIONS[activation](z)
        outs.append(a)
    y = _encoded_targets(labels, experiment.encoding, outs[-1].shape[1])
    losses, delta = _rows_loss_and_delta(LOSSES[experiment.loss].keras_name, activations[-1],
                                         zs[-1], outs[-1], y)
    delta = delta / max(len(delta), 1)  # the batch's mean
    gradients: list[np.ndarray] = []
    for i in range(len(pairs) - 1, -1, -1):
        gradients[:0] = [inputs[i].T @ delta, delta.sum(axis=0)]
        if i:
            delta = _through_rows(activations[i - 1], zs[i - 1], outs[i - 1],
                                  delta @ pairs[i][0].T)
    loss = float(np.mean(losses)) if len(losses) else 0.0
    l1, l2 = float(getattr(experiment, "l1", 0.0)), float(getattr(experiment, "l2", 0.0))
    for i, (kernel, _) in enumerate(pairs):
        if l1 or l2:
            loss += float(l1 * np.abs(kernel).sum() + l2 * (kernel ** 2).sum())
            gradients[2 * i] = gradients[2 * i] + l1 * np.sign(kernel) + 2 * l2 * kernel
    return loss, gradients


def _encoded_targets(labels, encoding: str, units: int) -> np.ndarray:
    """`encoded_target` of every label, as rows."""
    labels = np.asarray(labels)
    if encoding in ("onehot", "sparse"):
        return np.eye(units)[labels.astype(int)]
    if encoding == "signed":
        return (2.0 * labels.astype(np.float64) - 1.0).reshape(-1, 1)
    return labels.astype(np.float64).reshape(-1, 1)


def _rows_loss_and_delta(keras_loss: str, output_activation: str, z, p, y):
    """(each row's loss, ∂(row's loss)/∂z at the output per row): `loss_and_gradient` by rows."""
    units = p.shape[1]
    if keras_loss == "binary_crossentropy" and output_activation == "sigmoid":
        return np.mean(_softplus(z) - y * z, axis=1), (p - y) / units
    if keras_loss in ("categorical_crossentropy", "sparse_categorical_crossentropy") \
            and output_activation == "softmax":
        shifted = z - z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -np.sum(y * log_p, axis=1), p - y
    error = p - y
    if keras_loss == "mean_squared_error":
        losses, d_out = np.mean(error ** 2, axis=1), 2.0 * error / units
    elif keras_loss == "mean_absolute_error":
        losses, d_out = np.mean(np.abs(error), axis=1), np.sign(error) / units
    elif keras_loss == "huber":
        size = np.abs(error)
        quadratic = np.minimum(size, HUBER_DELTA)
        losses = np.mean(0.5 * quadratic ** 2 + HUBER_DELTA * (size - quadratic), axis=1)
        d_out = np.where(size <= HUBER_DELTA, error, HUBER_DELTA * np.sign(error)) / units
    elif keras_loss == "hinge":
        margin = 1.0 - y * p
        losses, d_out = np.mean(np.maximum(margin, 0.0), axis=1), \
            np.where(margin > 0, -y, 0.0) / units
    else:
        raise ValueError(f"the backward pass does not know the loss {keras_loss!r} with a "
                         f"{output_activation} output")
    return losses, _through_rows(output_activation, z, p, d_out)


def _through_rows(activation: str, z, a, upstream):
    """`_through` for rows: each row's ∂L/∂z from its ∂L/∂a."""
    if activation == "softmax":
        return a * (upstream - np.sum(upstream * a, axis=1, keepdims=True))
    return upstream * activation_derivative(activation, z, a)


# ----- Keras's own numbers --------------------------------------------------------------------

def keras_gradients(model, experiment, row, label) -> tuple[float, list[np.ndarray]]:
    """(loss, gradients per Dense kernel and bias) as Keras computes them for this one row:
    the trainer's loss object on a batch of one, dropout off (the network as it predicts)."""
    from playground.core.data.dataset import encode_targets
    from playground.core.model.build import dense_layers, make_loss
    from playground.core.model.runtime import load

    tf, _ = load()
    layers = dense_layers(model)
    dtype = layers[0].kernel.dtype  # float32 in the app; a test may build a float64 model
    x = tf.constant(np.asarray(row).reshape(1, -1), dtype=dtype)
    targets = encode_targets(np.asarray([label]), experiment.encoding, layers[-1].units)
    if experiment.encoding != "sparse":
        targets = targets.astype(dtype)
    variables = [v for layer in layers for v in (layer.kernel, layer.bias)]
    with tf.GradientTape() as tape:
        outputs = model(x, training=False)
        value = make_loss(experiment)(tf.constant(targets), outputs)
        if model.losses:  # the kernels' L1/L2 penalties, as training adds them
            value = value + tf.add_n(model.losses)
    grads = tape.gradient(value, variables)
    return float(value), [g.numpy() for g in grads]


def optimizer_step(model, experiment, gradients: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The weights after the experiment's optimizer, fresh (no momentum or averages yet),
    applies `gradients` once, computed on a copy: the model itself is untouched."""
    from playground.core.model.build import dense_layers, make_optimizer
    from playground.core.model.runtime import load

    tf, _ = load()
    copies = [tf.Variable(np.asarray(w, np.float32))
              for layer in dense_layers(model) for w in (layer.kernel, layer.bias)]
    optimizer = make_optimizer(experiment)
    optimizer.apply_gradients([(tf.constant(np.asarray(g, np.float32)), v)
                               for g, v in zip(gradients, copies)])
    return [v.numpy() for v in copies]


def keras_copy(experiment, weights):
    """A Keras model of `experiment`'s Dense layers holding `weights` (no dropout: inference).

    Views ask Keras on a copy: the live model belongs to the training thread. No random seed is
    set (`build_model` would reset the global ones mid-run); the weights are overwritten anyway.
    """
    from playground.core.inspection.forward import activations_of
    from playground.core.model.build import dense_options
    from playground.core.model.runtime import load

    _, keras = load()
    pairs = _pairs(weights)
    model = keras.Sequential(name="backward_copy")
    model.add(keras.Input(shape=(pairs[0][0].shape[0],)))
    for (kernel, _), activation in zip(pairs, activations_of(experiment)):
        model.add(keras.layers.Dense(kernel.shape[1], activation=activation,
                                     **dense_options(experiment)))
    model.set_weights([np.asarray(w, np.float32) for w in weights])
    return model


def dead_relu_units(weights, activations, x) -> list[tuple[int, list[int]]]:
    """(hidden layer index, the ReLU units of it never active on any row of `x`) for each
    ReLU layer: a dead unit passes no gradient back (δ = 0 on every row), so it never learns."""
    pairs = _pairs(weights)
    h = np.asarray(x, np.float64)
    dead = []
    for i, ((kernel, bias), activation) in enumerate(zip(pairs, activations)):
        z = h @ np.asarray(kernel, np.float64) + np.asarray(bias, np.float64)
        if activation == "relu" and i < len(pairs) - 1:
            dead.append((i, [int(j) for j in np.flatnonzero(~(z > 0).any(axis=0))]))
        h = ACTIVATION_FUNCTIONS[activation](z)
    return dead
