"""Theorem 2: lambdified bounds and the measured rows."""

import pytest

from numerics.bounds import thm2


def test_bounds_are_the_stated_expressions_and_p1_does_not_depend_on_c():
    assert thm2.ascent_bound(10.0, 0.25, 4, 2.0) == pytest.approx(9 * 4**0.5 / (0.25 * 10.0))
    assert thm2.flow_bound(11.0, 0.25, 2.0) == pytest.approx(1 / (0.25 * 10.0 + 1))
    # Remark 1 / Theorem 2: at p = 1 the exponent 2 - 2/p vanishes, so c drops out of both bounds.
    assert thm2.ascent_bound(10.0, 0.01, 4, 1.0) == pytest.approx(thm2.ascent_bound(10.0, 0.9, 4, 1.0))
    assert thm2.flow_bound(10.0, 0.01, 1.0) == pytest.approx(thm2.flow_bound(10.0, 0.9, 1.0))


def test_p_two_and_above_hold_and_p_one_and_a_half_is_flagged_outside_the_domain():
    rows = thm2.compare(quick=True, seed=0)
    smooth = [r for r in rows if r.parameters["p"] >= 2]
    assert smooth and not any(r.violated for r in smooth)
    outside = [r for r in rows if r.theorem == "thm2-ascent" and r.parameters["p"] == 1.5]
    assert outside and all(r.note.startswith("outside stated domain") for r in outside)
