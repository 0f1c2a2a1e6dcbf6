"""Theorem 5: ECE p = 2 against Eq. (13)."""

import numpy as np
import pytest

from numerics.experiments.bounds import thm5
from numerics.experiments.bounds.sizes import SIZES


def test_bound_is_eq13():
    assert thm5.cross_entropy_bound(2.0, 5.0, 3.0) == pytest.approx(2.0 * np.exp(-4.0 / (2 * (3 + 9.0))))


def test_measured_ece_runs_satisfy_eq13():
    rows = thm5.compare(sizes=SIZES.quick.thm5, seed=0)
    assert len(rows) == 18 and all(r.parameters["t"] >= 2 for r in rows)
    assert not any(r.violated for r in rows)
