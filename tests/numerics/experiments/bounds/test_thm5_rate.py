"""Theorem 5 in rate form: ECE from π₁(a_y) = 1e-2 beats the guaranteed rate 1/(2(3 + c₁²)) at every step, but by
less than a factor 3, so a guarantee three times as strong would be exceeded (the check can fail)."""

import numpy as np
import pytest

from numerics.experiments.bounds.thm5_rate import EFOLDS, cell_rates


def test_the_guaranteed_rate_holds_with_a_margin_below_three():
    (record,) = cell_rates(np.random.default_rng(0), 3, 1e-2, 1, seed=0)
    assert record["c1_squared"] == pytest.approx(100.0)
    assert record["guaranteed_rate"] == pytest.approx(1 / 206)
    assert 1.0 <= record["worst_average_rate_ratio"] < 3.0
    assert record["guaranteed_efolds"] == pytest.approx(EFOLDS, rel=0.01)
