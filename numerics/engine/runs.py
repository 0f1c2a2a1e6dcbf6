"""One step loop for every bandit algorithm: batched runs, thinned recording, optional stopping rule.

A run applies its step rule (:mod:`numerics.engine.methods`) ``steps`` times to θ₁ and records, at the
steps of a *schedule* (every ``record_every`` steps, or ``record_per_decade`` geometrically spaced steps per
decade, always including 0 and ``steps``), the sub-optimality (π* − π_t)ᵀr, π_t(a*) and ‖θ_t‖ (the p-norm
for the escort, the 2-norm for softmax). Only the recorded columns are kept, so a 1e9-step run stays small.

Stopping rule (per run): with a level ℓ and a patience k ≥ 0, let L be the last step so far with
(π* − π_t)ᵀr ≥ ℓ (L = −1 if none). The run stops after step t as soon as t − L > k·(L + 1). k = 0 stops at the
first step below ℓ (``stop_below``); k > 0 asks the run to stay below ℓ for k times the steps it took to get
there (:func:`numerics.engine.escape.escape_times`). A stopped run keeps its last state in later columns.

Backends: ``numpy`` runs the batched reference rules; ``compiled`` runs :mod:`numerics.engine.compiled` (numba), one
serial loop per run, with the same arithmetic; the tests require agreement to 1e-12 relative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foundation.validation import (
    InputError, check_choice, check_finite_array, check_per_run, check_positive, check_temperature,
)
from numerics.engine.compiled import run_compiled
from numerics.engine.loop import simulate
from numerics.engine.recording import LoopResult, recording_steps
from numerics.engine.methods import ALGORITHMS, Method, StepParameters
from numerics.environments.bandit import suboptimality_unchecked
from numerics.kernels.transforms import _log_policy, _p_norm, check_transform

__all__ = ["BACKENDS", "Trajectory", "recording_steps", "run_bandit"]

BACKENDS: tuple[str, ...] = ("numpy", "compiled")


@dataclass(frozen=True)
class Trajectory:
    """Recorded columns of B bandit runs.

    ``steps`` (T',): number of updates done at each column (0 is θ₁, the paper's t = 1);
    ``suboptimality``, ``optimal_probability``, ``norm`` (B, T'); ``sign_changes`` (B,): how often an entry
    of θ changed sign over the whole run; ``steps_run`` (B,): updates applied before the run stopped;
    ``theta_final``, ``policy_final`` (B, K).
    """

    steps: np.ndarray
    suboptimality: np.ndarray
    optimal_probability: np.ndarray
    norm: np.ndarray
    sign_changes: np.ndarray
    steps_run: np.ndarray
    theta_final: np.ndarray
    policy_final: np.ndarray


def _norm(theta: np.ndarray, algorithm: Method, p: float) -> np.ndarray:
    if algorithm.transform == "escort":
        return _p_norm(theta, p)[..., 0]
    return np.sqrt(np.sum(theta * theta, axis=-1))


def stops(t: int | np.ndarray, last_above: np.ndarray, patience: float) -> np.ndarray:
    return t - last_above > patience * (last_above + 1)


def _numpy_loop(
    algorithm: Method,
    theta: np.ndarray,
    r: np.ndarray,
    schedule: np.ndarray,
    params: StepParameters,
    level: float | None,
    patience: float,
) -> LoopResult:
    """The reference backend: :func:`numerics.engine.loop.simulate` with all B runs advancing together; with a
    stopping rule, every step is measured and stopped runs are frozen with ``np.where``."""
    B = theta.shape[0]
    flips = np.zeros(B, dtype=np.int64)
    steps_run = np.zeros(B, dtype=np.int64)
    last_above = np.full(B, -1, dtype=np.int64)
    active = np.ones(B, dtype=bool)

    def measure(state: np.ndarray) -> np.ndarray:
        pi = np.exp(_log_policy(state, algorithm.transform, params.p))
        optimal = np.take_along_axis(pi, params.astar, axis=-1)[:, 0]
        return np.stack((suboptimality_unchecked(pi, r), optimal, _norm(state, algorithm, params.p)))

    def observe(t: int, state: np.ndarray) -> np.ndarray | None:
        if level is None:
            return None
        current = measure(state)
        last_above[active & (current[0] >= level)] = t
        active[stops(t, last_above, patience)] = False
        return current

    def update(t: int, state: np.ndarray, _: object) -> np.ndarray:
        moved = algorithm.step(state, r, params)
        if level is not None:
            moved = np.where(active[:, None], moved, state)
            steps_run[:] += active
        flips[:] += np.count_nonzero(np.signbit(moved) != np.signbit(state), axis=-1)
        return moved

    run = simulate(
        theta, schedule, update=update, observe=observe,
        record=lambda t, state, current: measure(state) if current is None else current,
        finished=None if level is None else lambda t, state, current: not active.any(),
    )
    records = np.empty((3, B, schedule.size))
    records[:, :, : len(run.records)] = np.stack(run.records, axis=-1)
    records[:, :, len(run.records) :] = measure(run.state)[:, :, None]
    if level is None:
        steps_run[:] = schedule[-1]
    return LoopResult(*records, flips, steps_run, last_above, run.state)


def validate_bandit_run(
    algorithm: str, theta0: object, r: object, p: float, eta: float, tau: float, backend: str
) -> tuple[Method, np.ndarray, np.ndarray, StepParameters]:
    spec = ALGORITHMS[check_choice(algorithm, ALGORITHMS, name="algorithm")]
    theta = check_finite_array(theta0, name="theta0", ndim=2).copy()
    B, K = theta.shape
    if K < 2:
        raise InputError(f"theta0 must have shape (B, K) with K >= 2 actions; got {theta.shape}")
    power = check_transform(spec.transform, p, theta)
    rewards = check_finite_array(r, name="r", ndim=(1, 2))
    check_per_run(rewards, name="r", runs=B, size=K)
    step = check_positive(eta, name="eta")
    temperature = check_temperature(tau)
    check_choice(backend, BACKENDS, name="backend")
    rewards = np.ascontiguousarray(np.broadcast_to(rewards, (B, K)))
    astar = np.argmax(rewards, axis=-1)[:, None]
    return spec, theta, rewards, StepParameters(p=power, eta=step, tau=temperature, K=K, astar=astar)


def execute(
    spec: Method,
    theta: np.ndarray,
    rewards: np.ndarray,
    schedule: np.ndarray,
    params: StepParameters,
    backend: str,
    level: float | None,
    patience: float,
) -> LoopResult:
    """Run validated input through the chosen backend (shared by :func:`run_bandit` and escape times)."""
    if backend == "numpy":
        return _numpy_loop(spec, theta, rewards, schedule, params, level, patience)
    return run_compiled(spec.name, theta, rewards, schedule, params, level, patience)


def run_bandit(
    algorithm: str,
    theta0: np.ndarray,
    r: np.ndarray,
    steps: int,
    *,
    p: float = 2.0,
    eta: float = 0.4,
    tau: float = 0.0,
    record_every: int = 1,
    record_per_decade: int | None = None,
    backend: str = "numpy",
    stop_below: float | None = None,
) -> Trajectory:
    """Run ``algorithm`` (a name in :data:`numerics.engine.ALGORITHMS`) from θ₁ = ``theta0`` (B, K).

    ``r`` (K,) or (B, K): rewards, a* = argmax r per run. ``p``: escort exponent (escort algorithms);
    ``eta``: fixed step of spg, spg-*, md and nrd (epg variants use their theorem's step); ``tau``: entropy
    temperature of the ``*-entropy`` algorithms. ``stop_below``: stop a run at its first step with
    (π* − π_t)ᵀr < stop_below. Recording: see :func:`recording_steps`.

    >>> traj = run_bandit("spg", np.zeros((1, 3)), np.array([1.0, 0.0, 0.0]), 100, record_every=50)
    >>> traj.steps.tolist(), bool(traj.suboptimality[0, -1] < traj.suboptimality[0, 0])
    ([0, 50, 100], True)
    """
    spec, theta, rewards, params = validate_bandit_run(algorithm, theta0, r, p, eta, tau, backend)
    schedule = recording_steps(steps, record_every=record_every, record_per_decade=record_per_decade)
    level = None if stop_below is None else check_positive(stop_below, name="stop_below")
    result = execute(spec, theta, rewards, schedule, params, backend, level, 0.0)
    policy = np.exp(_log_policy(result.theta_final, spec.transform, params.p))
    return Trajectory(
        steps=schedule,
        suboptimality=result.suboptimality,
        optimal_probability=result.optimal_probability,
        norm=result.norm,
        sign_changes=result.sign_changes,
        steps_run=result.steps_run,
        theta_final=result.theta_final,
        policy_final=policy,
    )
