"""The methods the questions compare on a bandit, as :class:`numerics.experiments.questions.escape.Method` objects.

* :func:`algorithm` — any step rule of :data:`numerics.engine.ALGORITHMS` (SPG, EPG, KL mirror descent,
  Neural Replicator Dynamics, normalised SPG, SPG with η/π(a*)), run by :func:`numerics.engine.run_bandit`
  (compiled backend); for softmax rules optionally at a constant temperature τ.
* :func:`adam_softmax` — SPG with Adam (:class:`numerics.engine.neural.optimisers.Adam`) on −d(πᵀr)/dθ.
* :func:`tempered_softmax` — π_t = softmax(θ_t/τ_t) with a temperature *schedule* τ_t and
  θ ← θ + η·d(πᵀr)/dθ = θ + (η/τ_t)·g(θ_t/τ_t), g the softmax gradient of Eq. (1).

Every method starts from the problem's initial policy π₁: θ₁ = log π₁ (softmax; at τ = 1) or π₁^{1/p} (escort).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from numerics.engine import ALGORITHMS, recording_steps, run_bandit
from numerics.engine.loop import simulate
from numerics.environments.bandit import suboptimality
from numerics.kernels.gradients import reward_gradient
from numerics.engine.neural.optimisers import Adam
from numerics.experiments.questions.escape import Method
from numerics.environments.trap import TrapProblem, parameters_for
from numerics.kernels.transforms import softmax

__all__ = ["adam_softmax", "algorithm", "annealed_temperature", "tempered_softmax"]


def algorithm(label: str, name: str, *, eta: float = 0.4, p: float = 2.0, temperature: float = 1.0) -> Method:
    """The step rule ``name`` with step size η (read by the softmax rules) and escort power p.

    A softmax rule with ``temperature`` τ ≠ 1 runs π = softmax(θ/τ) from θ₁ = log π₁: in the logits z = θ/τ
    the update θ ← θ + η dJ/dθ reads z ← z + (η/τ²)·g(z), so it is the same rule on z₁ = θ₁/τ with step η/τ².
    """
    transform = ALGORITHMS[name].transform
    scale = 1.0 if transform == "escort" else temperature

    def run(problem: TrapProblem, steps: int, per_decade: int):
        theta = parameters_for(problem.initial_policy, transform=transform, p=p) / scale
        trajectory = run_bandit(name, theta, problem.rewards, steps, p=p, eta=eta / scale**2,
                                record_per_decade=per_decade, backend="compiled")
        return np.asarray(trajectory.steps), trajectory.suboptimality, trajectory.optimal_probability

    return Method(label, run)


def _loop(
    problem: TrapProblem, theta: np.ndarray, steps: int, per_decade: int,
    step: Callable[[int, np.ndarray], np.ndarray], policy_at: Callable[[int, np.ndarray], np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply θ ← step(t, θ) up to ``steps`` times (:func:`numerics.engine.loop.simulate`), recording sub-optimality and π_t(a*) at the recording steps.

    The escape studies only need the first step with π_t(a*) ≥ 1/2, so the loop ends at the first recording
    step by which every run has got there; the recorded steps then end at that step.
    """
    recorded = recording_steps(steps, record_per_decade=per_decade)
    escaped = np.zeros(theta.shape[0], dtype=bool)

    def record(t: int, state: np.ndarray, _: object) -> tuple[np.ndarray, np.ndarray]:
        pi = policy_at(t, state)
        np.logical_or(escaped, pi[:, 0] >= 0.5, out=escaped)
        return suboptimality(pi, problem.rewards), pi[:, 0]

    run = simulate(theta, recorded, update=lambda t, state, _: step(t, state), record=record,
                   finished=lambda t, state, _: bool(escaped.all()))
    gaps, optimal = zip(*run.records)
    return recorded[: len(gaps)], np.array(gaps).T, np.array(optimal).T


def adam_softmax(label: str, *, learning_rate: float) -> Method:
    """SPG whose steps are taken by Adam (β = (0.9, 0.999), ε = 1e-8) on the loss −πᵀr."""

    def run(problem: TrapProblem, steps: int, per_decade: int):
        optimiser = Adam(learning_rate=learning_rate)

        def step(t: int, theta: np.ndarray) -> np.ndarray:
            optimiser.step([theta], [-reward_gradient(theta, problem.rewards, transform="softmax")])
            return theta

        theta = parameters_for(problem.initial_policy, transform="softmax")
        return _loop(problem, theta, steps, per_decade, step, lambda t, theta: softmax(theta))

    return Method(label, run)


Schedule = Callable[[int], float]
"""Step t -> temperature τ_t > 0."""


def annealed_temperature(initial: float, *, over: int) -> Schedule:
    """τ_t = 1 + (τ₀ − 1)·max(0, 1 − t/over): hot at the start, the plain softmax (τ = 1) from step ``over`` on."""
    return lambda t: 1.0 + (initial - 1.0) * max(0.0, 1.0 - t / over)


def tempered_softmax(label: str, schedule: Schedule, *, eta: float = 0.4) -> Method:
    """SPG on θ for π = softmax(θ/τ_t); the recorded policy is the one played, softmax(θ_t/τ_t)."""

    def run(problem: TrapProblem, steps: int, per_decade: int):
        def step(t: int, theta: np.ndarray) -> np.ndarray:
            tau = schedule(t)
            return theta + (eta / tau) * reward_gradient(theta / tau, problem.rewards, transform="softmax")

        theta = parameters_for(problem.initial_policy, transform="softmax")
        return _loop(problem, theta, steps, per_decade, step, lambda t, theta: softmax(theta / schedule(t)))

    return Method(label, run)
