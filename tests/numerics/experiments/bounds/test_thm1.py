"""Theorem 1: the escape-time bound's shape on measured SPG runs."""

import pytest

from numerics.experiments.bounds import thm1


def test_escape_bound_is_the_stated_expression():
    assert thm1.escape_bound(2.0, 0.5, 1e-3) == pytest.approx(2.0 / (0.5 * 1e-3))


def test_products_stay_bounded_away_from_zero():
    rows = thm1.compare(quick=True, seed=0)
    summary = thm1.summary(rows)
    assert summary["undecided_runs"] == 0
    # The shape C/(Delta*pi1) means t0*Delta*pi1 does not shrink as pi1 -> 0: a clearly positive slope
    # (products falling a tenth of a decade per decade of pi1) would contradict it.
    assert summary["slope_log_product_on_log_pi1_small_half"] < 0.1
    assert not any(r.violated for r in rows)
