"""Each optimiser against its update written out by hand, and the name/rate validation."""

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.engine.neural.optimisers import make_optimiser


def _run(name, gradients, rate=0.1):
    w = [np.array([1.0])]
    optimiser = make_optimiser(name, learning_rate=rate)
    for g in gradients:
        optimiser.step(w, [np.array([g])])
    return w[0][0]


def test_gradient_descent():
    assert _run("gd", [1.0, 2.0]) == pytest.approx(1 - 0.1 * 3)


def test_momentum_accumulates_velocity():
    # m1 = 1, m2 = 0.9 + 2 = 2.9: w = 1 − 0.1·(1 + 2.9)
    assert _run("momentum", [1.0, 2.0]) == pytest.approx(1 - 0.39)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_momentum_step_is_numpys_update_to_the_last_bit(dtype):
    """The one-pass kernel against the update written out in numpy, on a layer's shape, over a few steps."""
    rng = np.random.default_rng(0)
    w = [rng.standard_normal((30, 20)).astype(dtype), rng.standard_normal(20).astype(dtype)]
    expected, velocity = [a.copy() for a in w], [np.zeros_like(a) for a in w]
    optimiser = make_optimiser("momentum", learning_rate=0.01)
    for _ in range(4):
        gradients = [rng.standard_normal(a.shape).astype(dtype) for a in w]
        optimiser.step(w, gradients)
        for e, m, g in zip(expected, velocity, gradients):
            m *= 0.9
            m += g
            e -= 0.01 * m
    assert all(a.dtype == dtype and np.array_equal(a, e) for a, e in zip(w, expected))


def test_adam_first_step_has_size_of_learning_rate():
    # bias correction makes m̂ = g, v̂ = g², so the first step is η·sign(g) whatever |g| is
    assert _run("adam", [1e-2]) == pytest.approx(0.9, rel=1e-6)
    assert _run("adam", [-50.0]) == pytest.approx(1.1, rel=1e-6)


def test_bad_names_and_rates():
    with pytest.raises(InputError, match="did you mean 'adam'"):
        make_optimiser("adma", learning_rate=0.1)
    with pytest.raises(InputError, match="learning_rate"):
        make_optimiser("gd", learning_rate=0.0)
