"""numerics.analysis.first_hit: the one first-passage helper (0-based update counts, NaN where never)."""

from __future__ import annotations

import numpy as np

from numerics.analysis.first_hit import first_hit
from numerics.environments.trap import ESCAPE_LEVEL


def test_first_passage_steps():
    steps = np.array([0, 10, 20])
    values = np.array([[0.1, 0.6, 0.2], [0.1, 0.2, 0.3]])
    assert np.array_equal(first_hit(values, steps, level=ESCAPE_LEVEL), [10, np.nan], equal_nan=True)
    assert np.array_equal(first_hit(values, steps, level=0.15, below=True), [0, 0])
    assert np.array_equal(first_hit(values[:, 1:], steps[1:], level=0.25, below=True), [20, 10])


def test_a_level_never_reached_is_nan_not_the_last_step():
    steps = np.array([0, 10, 20])
    assert np.isnan(first_hit(np.array([[0.1, 0.2, 0.3]]), steps, level=0.31)[0])
    assert first_hit(np.array([[0.1, 0.2, 0.3]]), steps, level=0.3)[0] == 20
