"""Judging an image classifier from its weights: predictions, filters, confusion, numbers."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.inspection import predictions as image_eval
from playground.core.experiment import Experiment, Layer
from playground.core.inspection.forward import activations_of, forward
from playground.core.inspection.predictions import Predictions


def toy_predictions() -> Predictions:
    """Six rows of three classes: rows 1, 3 and 4 are wrong."""
    probs = np.array([[0.90, 0.05, 0.05],   # 0 right, sure
                      [0.20, 0.70, 0.10],   # 0 -> 1 wrong
                      [0.10, 0.80, 0.10],   # 1 right
                      [0.30, 0.30, 0.40],   # 1 -> 2 wrong, unsure
                      [0.05, 0.94, 0.01],   # 2 -> 1 wrong, sure
                      [0.01, 0.01, 0.98]],  # 2 right, surest
                     np.float32)
    return Predictions(probs, np.array([0, 0, 1, 1, 2, 2]))


def test_chunked_float32_probabilities_match_the_float64_forward_pass():
    rng = np.random.default_rng(0)
    weights = [rng.normal(0, 0.1, (784, 16)), rng.normal(0, 0.1, 16),
               rng.normal(0, 0.1, (16, 10)), rng.normal(0, 0.1, 10)]
    x = rng.random((2500, 784))
    chunks = list(image_eval.probability_chunks(weights, ["relu", "softmax"], x, rows=1000))
    assert [len(c) for c in chunks] == [1000, 1000, 500]
    assert all(c.dtype == np.float32 for c in chunks)
    np.testing.assert_allclose(np.concatenate(chunks), forward(weights, ["relu", "softmax"], x),
                               rtol=1e-4, atol=1e-6)


def test_accuracy_loss_and_confusion_matrix():
    p = toy_predictions()
    assert p.predicted.tolist() == [0, 1, 1, 2, 1, 2]
    assert p.accuracy == pytest.approx(0.5)
    expected_loss = -np.mean(np.log([0.90, 0.20, 0.80, 0.30, 0.01, 0.98]))
    assert p.loss == pytest.approx(expected_loss, rel=1e-6)
    assert p.confusion.tolist() == [[1, 1, 0],
                                    [0, 1, 1],
                                    [0, 1, 1]]
    assert p.confusion.sum() == len(p) and np.trace(p.confusion) == p.correct.sum()


def test_loss_clips_probabilities_but_not_logits():
    """From probabilities a sure wrong answer costs -log(1e-7); from the logits behind the
    softmax (what Keras uses for a softmax layer) it costs its real, larger amount."""
    p = Predictions(np.array([[1.0, 0.0]], np.float32), np.array([1]))
    assert p.loss == pytest.approx(-np.log(1e-7))
    logits = np.array([[30.0, 0.0]])
    exact = Predictions(np.array([[1.0, 0.0]], np.float32), np.array([1]), logits)
    assert exact.loss == pytest.approx(30.0 + np.log1p(np.exp(-30.0)))


def test_filters_and_orders():
    p = toy_predictions()
    assert p.select().tolist() == [0, 1, 2, 3, 4, 5]
    assert p.select(only_mistakes=True).tolist() == [1, 3, 4]
    assert p.select(true_class=2).tolist() == [4, 5]
    assert p.select(true_class=2, predicted_class=1).tolist() == [4]
    assert p.select(only_mistakes=True, order="confident").tolist() == [4, 1, 3]
    assert p.select(order="unsure").tolist()[:2] == [3, 1]
    assert p.select(true_class=0, predicted_class=2).tolist() == []
    with pytest.raises(ValueError, match="order"):
        p.select(order="random")


def test_numbers_are_written_as_seed_001_saw_keras_print_them():
    assert image_eval.keras_number(0.999916673) == "9.99916673e-01"
    assert image_eval.keras_number(5.36548761e-08) == "5.36548761e-08"
    row = [9.99916673e-01, 5.36548761e-08, 6.10747229e-05, 8.21199933e-07, 6.64725164e-08,
           6.78853041e-07, 9.09637220e-06, 4.56192402e-06, 1.62688798e-06, 5.23997733e-06]
    printed = image_eval.keras_array(row)
    assert printed.splitlines()[0] == ("[[  9.99916673e-01   5.36548761e-08   6.10747229e-05"
                                       "   8.21199933e-07")
    assert printed.endswith("5.23997733e-06]]")


def test_pixels_for_display_undo_the_normalisation():
    raw = np.arange(784, dtype=np.float32).reshape(1, 784) % 256
    assert image_eval.pixels(raw / 255, normalized=True).tolist() == \
        raw.reshape(1, 28, 28).astype(np.uint8).tolist()
    assert image_eval.pixels(raw, normalized=False).tolist() == \
        raw.reshape(1, 28, 28).astype(np.uint8).tolist()


def test_percentages_never_round_a_doubt_away():
    assert image_eval.percent(0.5) == "50.0%"
    assert image_eval.percent(0.99999) == "99.99%"
    assert image_eval.percent(1.0) == "100%"


def test_hard_answers_mark_a_saturated_softmax():
    sure = Predictions(np.array([[1.0, 0.0]] * 3 + [[0.6, 0.4]] * 7, np.float32),
                       np.zeros(10, int))
    assert sure.hard_share == pytest.approx(0.3) and sure.saturated
    assert not toy_predictions().saturated


# ----- seed 001 on a real (small) model ----------------------------------------------------------

def small_mnist(normalize: bool) -> Experiment:
    return Experiment(dataset="mnist", layers=(Layer(32, "relu"),), loss="sparse-categorical",
                      optimizer="rmsprop", learning_rate=0.001, batch_size=32, epochs=1,
                      train_size=1000, test_size=500, normalize=normalize)


@pytest.mark.needs_datasets
def test_normalisation_off_saturates_the_softmax_on_spreads_it():
    from playground.core.training.trainer import make_trainer

    shares = {}
    for normalize in (False, True):
        experiment = small_mnist(normalize)
        trainer = make_trainer(experiment)
        list(trainer.run())
        weights = trainer.model.get_weights()
        probs = image_eval.probabilities(weights, activations_of(experiment),
                                         trainer.dataset.x_test)
        np.testing.assert_allclose(probs, trainer.predict(trainer.dataset.x_test),
                                   rtol=1e-4, atol=1e-6)
        predictions = image_eval.predictions(weights, activations_of(experiment),
                                             trainer.dataset.x_test, trainer.dataset.labels_test)
        np.testing.assert_array_equal(predictions.probabilities, probs)
        # The loss Keras reports (from the logits behind the softmax, unclipped).
        loss, accuracy = trainer.evaluate(trainer.dataset.x_test, trainer.dataset.labels_test)
        assert predictions.loss == pytest.approx(loss, rel=1e-4)
        assert predictions.accuracy == pytest.approx(accuracy, abs=2 / len(probs))
        shares[normalize] = predictions.hard_share
        assert predictions.saturated is (not normalize)
    assert shares[False] > 0.2   # many rows print as [1. 0. 0. …] like seed 001's
    assert shares[True] < 0.01   # real probabilities
