"""numerics.engine.loop: the one simulation loop records at its schedule, applies exactly T updates, observes once
per step, stops when asked; the bandit reference backend built on it equals a hand-written SPG loop, and a planted
wrong gradient oracle or step rule is caught by the same comparison."""

from __future__ import annotations

import numpy as np
import pytest

from numerics.engine import recording_steps, run_bandit
from numerics.engine.loop import simulate
from numerics.environments.bandit import suboptimality
from numerics.kernels.gradients import reward_gradient
from numerics.kernels.transforms import softmax


def test_records_at_the_schedule_and_applies_exactly_the_last_step_of_updates():
    calls: list[tuple[str, int]] = []

    def observe(t, x):
        calls.append(("observe", t))
        return x

    def update(t, x, seen):
        calls.append(("update", t))
        return x + 1

    run = simulate(0, np.array([0, 3, 5]), observe=observe, update=update, record=lambda t, x, seen: (t, x, seen))
    assert run.records == [(0, 0, 0), (3, 3, 3), (5, 5, 5)]
    assert (run.state, run.last, run.finished) == (5, 5, False)
    assert [t for kind, t in calls if kind == "update"] == [0, 1, 2, 3, 4]
    assert [t for kind, t in calls if kind == "observe"] == [0, 1, 2, 3, 4, 5]


def test_finished_stops_after_recording_that_step():
    run = simulate(0, np.array([0, 2, 4, 8]), update=lambda t, x, _: x + 1, record=lambda t, x, _: x,
                   finished=lambda t, x, _: x == 4)
    assert run.records == [0, 2, 4] and (run.state, run.last, run.finished) == (4, 4, True)


def _hand_written_spg(theta, r, steps, eta, gradient=reward_gradient, step=lambda eta, g: eta * g):
    """θ ← θ + η·g(θ) written out, recorded at recording_steps(steps, record_every=5)."""
    schedule = recording_steps(steps, record_every=5)
    gaps = []
    for t in range(steps + 1):
        if t in schedule:
            gaps.append(suboptimality(softmax(theta), r))
        theta = theta + step(eta, gradient(theta, r, transform="softmax"))
    return np.stack(gaps, axis=-1)


R = np.array([1.0, 0.6, 0.2])
THETA = np.array([[0.0, 3.0, 1.0], [2.0, -1.0, 0.5]])


def test_the_bandit_reference_backend_equals_a_hand_written_spg_loop():
    trajectory = run_bandit("spg", THETA, R, 40, eta=0.4, record_every=5, backend="numpy")
    np.testing.assert_allclose(trajectory.suboptimality, _hand_written_spg(THETA, R, 40, 0.4), rtol=1e-13, atol=0)


@pytest.mark.parametrize(
    "planted",
    [
        {"gradient": lambda theta, r, transform: reward_gradient(theta, r[::-1], transform=transform)},  # wrong oracle
        {"step": lambda eta, g: 1.01 * eta * g},  # wrong step rule
    ],
    ids=["wrong-oracle", "wrong-step"],
)
def test_a_planted_wrong_oracle_or_step_rule_gives_another_trajectory(planted):
    trajectory = run_bandit("spg", THETA, R, 40, eta=0.4, record_every=5, backend="numpy")
    wrong = _hand_written_spg(THETA, R, 40, 0.4, **planted)
    assert not np.allclose(trajectory.suboptimality, wrong, rtol=1e-6, atol=0)
