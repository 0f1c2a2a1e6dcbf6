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


def test_adam_first_step_has_size_of_learning_rate():
    # bias correction makes m̂ = g, v̂ = g², so the first step is η·sign(g) whatever |g| is
    assert _run("adam", [1e-2]) == pytest.approx(0.9, rel=1e-6)
    assert _run("adam", [-50.0]) == pytest.approx(1.1, rel=1e-6)


def test_bad_names_and_rates():
    with pytest.raises(InputError, match="did you mean 'adam'"):
        make_optimiser("adma", learning_rate=0.1)
    with pytest.raises(InputError, match="learning_rate"):
        make_optimiser("gd", learning_rate=0.0)
