"""Theorem 2: lambdified bounds and the measured rows."""

import pytest

from numerics.experiments.bounds import thm2
from numerics.experiments.bounds.sizes import SIZES
from numerics.experiments.bounds.comparison import Theorem


def test_bounds_are_the_stated_expressions_and_p1_does_not_depend_on_c():
    assert thm2.ascent_bound(10.0, 0.25, 4, 2.0) == pytest.approx(9 * 4**0.5 / (0.25 * 10.0))
    assert thm2.flow_bound(11.0, 0.25, 2.0) == pytest.approx(1 / (0.25 * 10.0 + 1))
    # Remark 1 / Theorem 2: at p = 1 the exponent 2 - 2/p vanishes, so c drops out of both bounds.
    assert thm2.ascent_bound(10.0, 0.01, 4, 1.0) == pytest.approx(thm2.ascent_bound(10.0, 0.9, 4, 1.0))
    assert thm2.flow_bound(10.0, 0.01, 1.0) == pytest.approx(thm2.flow_bound(10.0, 0.9, 1.0))


def test_p_two_and_above_hold_and_p_one_and_a_half_is_flagged_outside_the_domain():
    rows = thm2.compare(sizes=SIZES.quick.thm2, seed=0)
    smooth = [r for r in rows if r.parameters["p"] >= 2]
    assert smooth and not any(r.violated for r in smooth)
    outside = [r for r in rows if r.theorem is Theorem.THM2_ASCENT and r.parameters["p"] == 1.5]
    assert outside and not any(r.in_stated_domain for r in outside)
    assert all(r.in_stated_domain for r in rows if r.parameters["p"] != 1.5 or r.theorem is Theorem.THM2_FLOW)


def test_the_p1_exceedance_replays_with_an_independent_loop_and_the_stated_step():
    """Replay of a flagged run (seed 0, quick form) with the step lambdified from BOUNDS, not the engine's rule.

    At p = 1 the escort is not differentiable where θ(a) = 0; the stated step makes small entries of θ jump across
    0 every step, and the sub-optimality settles on a period-2 floor instead of decaying as 1/t.
    """
    import numpy as np
    import sympy as sp

    from numerics.engine import run_bandit
    from numerics.kernels.gradients import reward_gradient
    from numerics.kernels.transforms import escort, p_norm
    from theory.definitions import P
    from theory.statements import BOUNDS, K_SYM, NORM

    step = sp.lambdify((NORM, P, K_SYM), BOUNDS["thm2-ascent"].step_size, "numpy")
    r = np.array([0.6369616873214543, 0.2697867137638703, 0.04097352393619469])
    theta = np.array([-1.2654214710460525, -0.6232744625373522, 0.0413259793472436])
    engine = run_bandit("epg", theta[None, :], r, 2000, p=1.0, record_every=1)
    suboptimality, optimal = [], []
    for _ in range(2001):
        pi = escort(theta, 1.0)
        suboptimality.append(r.max() - pi @ r)
        optimal.append(pi[0])
        eta = step(float(np.squeeze(p_norm(theta, 1.0))), 1.0, 3)
        theta = theta + eta * reward_gradient(theta, r, transform="escort", p=1.0)
    t = np.arange(1.0, 2002.0)
    ratio = np.max(np.array(suboptimality) / thm2.ascent_bound(t, min(optimal), 3, 1.0))
    assert ratio > 1.4
    np.testing.assert_allclose(engine.suboptimality[0], suboptimality, rtol=1e-8, atol=1e-12)
