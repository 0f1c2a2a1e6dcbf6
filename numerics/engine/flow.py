"""Theorem 2's gradient flow of the escort policy gradient, integrated adaptively.

    dθ/dt = η_t·d(π_θᵀr)/dθ,   η_t = ‖θ_t‖_p²/p²,   θ(1) = θ₁            (Theorem 2, footnote 2)

With Eq. (5) the right-hand side is (‖θ‖_p/p)·sgn θ(a)·π(a)^{1−1/p}·[r(a) − πᵀr]; it is evaluated with the
log-domain kernels of :mod:`numerics.kernels.gradients`, the step size entering inside the exponential. Theorem 2 bounds
the sub-optimality of this flow by 1/(c^{2−2/p}(t − 1) + 1), c = inf_t π_t(a*) (``BOUNDS["thm2-flow"]``).

Integration: :func:`scipy.integrate.solve_ivp` with the explicit Runge–Kutta method DOP853 (order 8) and tight
tolerances (rtol 1e-10, atol 1e-12 by default), one run at a time so each run gets its own step control.
The escort objective is scale invariant, so θ·∇ = 0 (Euler's identity) and ‖θ‖_2 can only grow along the flow;
the solution never approaches θ = 0.

Entries that reach zero: for p < 2 the velocity of θ(a) is ∝ sgn θ(a)·|θ(a)|^{p−1}, so an entry with a below-average
reward can reach 0 in finite time (for p ≥ 2 it never does: exponential decay at p = 2, slower beyond). A terminal
event stops the integrator there; the entry is set to 0 and kept at 0, where π(a) = 0 and it contributes nothing to
any sum, and the remaining entries are integrated on (for p = 1 the right-hand side is discontinuous at 0 and this
is its sliding-mode continuation). For p ≥ 2 the same happens once an entry decays to within the absolute tolerance
of 0, where π(a) ≤ (atol/‖θ‖_p)^p is below rounding anyway. Each such event ends one integration segment, at most K
− 1 of them.

>>> from numerics.environments.bandit import gap_rewards
>>> sol = gradient_flow(np.array([1.0, 2.0]), gap_rewards(2, gap=1.0, base=0.0), [1.0, 10.0, 100.0])
>>> bool(np.all(np.diff(sol.suboptimality[0]) < 0))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from foundation.validation import InputError, check_finite_array, check_per_run, check_positive
from numerics.environments.bandit import suboptimality_unchecked
from numerics.kernels.gradients import centred, sensitivity
from numerics.kernels.transforms import _log_p_norm, _log_policy, check_transform

__all__ = ["FlowSolution", "flow_velocity", "gradient_flow"]


@dataclass(frozen=True)
class FlowSolution:
    """``times`` (T,); ``suboptimality`` (π* − π_t)ᵀr and ``optimal_probability`` π_t(a*) (B, T);
    ``theta_final`` (B, K) at the last time; ``evaluations`` (B,) right-hand-side evaluations used."""

    times: np.ndarray
    suboptimality: np.ndarray
    optimal_probability: np.ndarray
    theta_final: np.ndarray
    evaluations: np.ndarray


def flow_velocity(theta: np.ndarray, r: np.ndarray, p: float) -> np.ndarray:
    """dθ/dt = (‖θ‖_p²/p²)·∇(πᵀr) for θ (..., K), with log η_t = 2 log‖θ‖_p − 2 log p inside the exponential."""
    log_pi = _log_policy(theta, "escort", p)
    log_eta = 2.0 * _log_p_norm(theta, p) - 2.0 * np.log(p)
    return sensitivity(theta, log_pi, "escort", p, log_eta) * centred(log_pi, r)


def _zero_crossing(index: int):
    def event(_: float, y: np.ndarray) -> float:
        return y[index]

    event.terminal = True
    return event


def _integrate(
    theta: np.ndarray, r: np.ndarray, grid: np.ndarray, p: float, tolerances: tuple[float, float]
) -> tuple[np.ndarray, int]:
    """One run, segment by segment: an entry that reaches 0 ends a segment and stays 0 from then on."""
    K = theta.size
    states = np.zeros((K, grid.size))
    state, active = theta.copy(), np.ones(K, dtype=bool)
    start, done, evaluations = float(grid[0]), 0, 0
    while done < grid.size:
        live = np.flatnonzero(active)
        if live.size == 1:
            states[:, done:] = state[:, None]
            break
        solution = solve_ivp(
            lambda _, y, rl=r[live]: flow_velocity(y, rl, p),
            (start, float(grid[-1])),
            state[live],
            method="DOP853",
            t_eval=grid[done:],
            events=[_zero_crossing(i) for i in range(live.size)],
            rtol=tolerances[0],
            atol=tolerances[1],
        )
        if solution.status == -1:
            raise RuntimeError(f"solve_ivp failed: {solution.message}")
        reached = np.asarray(solution.t).size
        states[live, done : done + reached] = np.reshape(solution.y, (live.size, reached))
        done, evaluations = done + reached, evaluations + solution.nfev
        if solution.status != 1:
            break
        hit = next(i for i, times in enumerate(solution.t_events) if times.size)
        start = float(solution.t_events[hit][0])
        state[live] = solution.y_events[hit][0]
        state[live[hit]], active[live[hit]] = 0.0, False
    return states, evaluations


def gradient_flow(
    theta0: np.ndarray,
    r: np.ndarray,
    times: np.ndarray,
    *,
    p: float = 2.0,
    rtol: float = 1e-10,
    atol: float = 1e-12,
) -> FlowSolution:
    """Integrate Theorem 2's flow from θ(1) = ``theta0`` ((K,) or (B, K)) and report it at ``times`` (≥ 1, increasing).

    ``r`` (K,) or (B, K); a* = argmax r per run.
    """
    theta = check_finite_array(theta0, name="theta0", ndim=(1, 2))
    theta = np.atleast_2d(theta)
    B, K = theta.shape
    power = check_transform("escort", p, theta)
    rewards = check_finite_array(r, name="r", ndim=(1, 2))
    rewards = np.broadcast_to(check_per_run(rewards, name="r", runs=B, size=K), (B, K))
    grid = check_finite_array(times, name="times", ndim=1)
    if grid.size == 0 or grid[0] < 1 or np.any(np.diff(grid) <= 0):
        raise InputError("times must be a non-empty, strictly increasing array with times[0] >= 1 (t = 1 is theta0)")
    tolerances = check_positive(rtol, name="rtol"), check_positive(atol, name="atol")
    states = np.empty((B, K, grid.size))
    evaluations = np.empty(B, dtype=np.int64)
    for b in range(B):
        states[b], evaluations[b] = _integrate(theta[b], rewards[b], grid, power, tolerances)
    log_pi = _log_policy(np.moveaxis(states, 1, 2), "escort", power)
    pi = np.exp(log_pi)
    astar = np.argmax(rewards, axis=-1)
    return FlowSolution(
        times=grid,
        suboptimality=suboptimality_unchecked(pi, rewards[:, None, :]),
        optimal_probability=pi[np.arange(B), :, astar],
        theta_final=states[:, :, -1],
        evaluations=evaluations,
    )
