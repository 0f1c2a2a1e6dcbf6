"""Training in float32 gives the float64 curves on the digits (what allows float32 for Fig. 6 on MNIST)."""

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.engine.neural.classifier import train
from numerics.engine.neural.heads import Head
from numerics.environments.datasets import load_dataset


@pytest.mark.parametrize("head", [Head("policy-gradient", "escort", p=4.0), Head("cross-entropy", "escort", p=2.0)])
def test_float32_training_follows_the_float64_curve(head):
    """Measured on digits, η = 0.1, 6 epochs (the test runs 4): objectives differ by ≤ 3.1e-4 (ECE p=2, the largest), test errors
    not at all; the bounds leave a factor of about 3."""
    data = load_dataset(seed=0)
    curves = [train(data, head, learning_rate=0.1, epochs=4, seed=1, dtype=dtype) for dtype in (np.float64, np.float32)]
    assert np.max(np.abs(np.subtract(curves[0].train_objective, curves[1].train_objective))) <= 1e-3
    assert np.max(np.abs(np.subtract(curves[0].test_error, curves[1].test_error))) <= 1 / len(data.y_test) + 1e-12


def test_records_follow_the_schedule_and_the_objective_sample():
    data = load_dataset(seed=0)
    head = Head("cross-entropy", "softmax")
    per_epoch = -(-len(data.y_train) // 64)
    epochs = train(data, head, epochs=2, seed=0)
    assert epochs.steps == (0, per_epoch, 2 * per_epoch) and len(epochs.test_error) == 3
    logged = train(data, head, epochs=2, seed=0, record_per_decade=2, objective_sample=100)
    assert logged.steps[:3] == (0, 1, 3) and logged.steps[-1] == 2 * per_epoch
    assert len(logged.train_objective) == len(logged.steps)
    # the same training run: the final test error does not depend on how often it was recorded
    assert logged.test_error[-1] == epochs.test_error[-1]


@pytest.mark.parametrize("bad", [{"epochs": 0}, {"batch_size": True}])
def test_bad_sizes_are_rejected(bad):
    with pytest.raises(InputError, match=next(iter(bad))):
        train(load_dataset(seed=0), Head("cross-entropy", "softmax"), **bad)


def test_a_diverging_rate_stops_the_run_and_marks_it():
    data = load_dataset(seed=0)
    curve = train(data, Head("cross-entropy", "softmax"), optimiser="gd", learning_rate=1e30, epochs=2, seed=0,
                  dtype=np.float32)
    assert curve.diverged_at is not None and curve.diverged_at < 2 * 23
    assert np.isnan(curve.train_objective[-1]) and curve.test_error[-1] == 1.0
    assert train(data, Head("cross-entropy", "softmax"), epochs=1, seed=0).diverged_at is None
