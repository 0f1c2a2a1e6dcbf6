"""The one REINFORCE engine: policy gradient with sampled actions, on a bandit or a tabular finite MDP.

:func:`reinforce_loop` is :func:`numerics.engine.loop.simulate` with a sampled gradient oracle (an
:data:`Estimate`), a running-average :class:`Baseline` and a step size; the escort's θ is divided by its p-norm
after every step. Two oracles: episodes on an MDP (below, :func:`run_reinforce`) and one sampled action per step on
a bandit (:func:`run_bandit_reinforce`: ĝ = (r(a) − b)·∇_θ log π_θ(a), a ~ π_θ, the MDP estimator with one state and
episodes of length 1).

On an MDP: the exact-gradient runs of :mod:`numerics.engine.mdp_policy_gradient` with ∂V^{π_θ}(ρ)/∂θ replaced by an unbiased
estimate from sampled episodes. θ has shape (B, S, A) (B independent runs), π(·|s) = softmax(θ(s, ·)) or the
escort f_p(θ(s, ·)) (Eq. (3)).

Estimator. Each episode draws s₀ ~ ρ and a length T, independent of the trajectory, with P(T > t) = γ^t
(T ≥ 1 geometric, mean 1/(1 − γ)); it then samples a_t ~ π(·|s_t), s_{t+1} ~ P(·|s_t, a_t) for t < T and forms

    ĝ = Σ_{t<T} ∇_θ log π(a_t|s_t) · (G_t − b(s_t)),     G_t = Σ_{t≤u<T} r(s_u, a_u)   (undiscounted return-to-go).

Unbiasedness, E[ĝ] = ∂V^π(ρ)/∂θ for any baseline b that does not depend on a_t or later: given T > t (probability
γ^t) the remaining length T − t is again geometric (memorylessness), so E[G_t | s_t, a_t, T > t] =
Σ_{u≥t} γ^{u−t} E[r_u | s_t, a_t] = Q^π(s_t, a_t), and the baseline term vanishes because
E_{a∼π(·|s)}[∇ log π(a|s)] = ∇ Σ_a π(a|s) = 0. Hence

    E[ĝ] = Σ_{t≥0} γ^t E[∇ log π(a_t|s_t) Q^π(s_t, a_t)] = 1/(1 − γ) Σ_s d_ρ^π(s) Σ_a ∇π(a|s) Q^π(s, a),

the policy gradient theorem of :mod:`numerics.environments.mdp`. The random horizon plays the role of the discount, so the
return is summed without γ^u. The score ∇_{θ(s, ·)} log π(a|s) = s ⊙ (e_a − π(·|s)) with s = 1 (softmax) or p/θ(s, ·)
(escort) is that of :func:`numerics.engine.neural.heads.score`. One update averages ĝ over ``episodes`` episodes.

Baselines: none (b = 0), or a per-state running average of the observed returns, updated *after* each gradient is
formed (so b never depends on the actions it multiplies): b(s) ← b(s) + rate·(Ḡ(s) − b(s)), Ḡ(s) the mean of G_t
over the update's visits to s (:class:`Baseline`). The rates are the project's choices (the paper has no sampled
experiment; both uses answer reviewer 3's Question 1): :data:`MDP_BASELINE` (rate 0.1, a state's first visit sets
b(s) = Ḡ(s); Four-room) and :data:`BANDIT_BASELINE` (rate 0.05 from b = 0; the trap bandit).

Steps, as in :mod:`numerics.engine.mdp_policy_gradient` with a multiplier λ (``step_scale``) of each method's own
theoretical step: SPG θ ← θ + λ·(1−γ)³/8·ĝ (Mei et al. 2020, Theorem 4; the step of Fig. 5(c)); EPG
θ(s, ·) ← θ(s, ·) + λ·η_t(s)·ĝ(s, ·) with Theorem 3's η_t(s) (:func:`~numerics.engine.mdp_policy_gradient.theorem3_step`),
then θ(s, ·) ← θ(s, ·)/‖θ(s, ·)‖_p, which changes no policy (ĝ is homogeneous of degree −1 in θ(s, ·), η_t(s) of
degree 2).

Episodes are simulated by a numba kernel: a loop over time steps in numpy pays its per-call overhead at every
step, and a Four-room episode at γ = 0.99 lasts 100 steps on average. The kernel's random numbers are drawn
beforehand with ``numpy.random.default_rng(seed)``. Recorded exactly at the steps of :func:`numerics.engine.recording_steps`:
the sub-optimality V*(ρ) − V^{π_t}(ρ) (:func:`numerics.environments.mdp.value`, :func:`numerics.environments.mdp.optimal_values`).

>>> from numerics.environments.mdp import random_mdp
>>> mdp = random_mdp(np.random.default_rng(0), 3, 2, 0.5)
>>> run = run_reinforce("spg", mdp, np.zeros((4, 3, 2)), mdp.rho, 300, step_scale=20.0, record_every=100, seed=0)
>>> run.steps.tolist(), bool(np.all(run.suboptimality[:, -1] < run.suboptimality[:, 0]))
([0, 100, 200, 300], True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numba import njit
from threadpoolctl import threadpool_limits

from foundation.validation import (
    InputError, check_choice, check_count, check_finite_array, check_per_run, check_positive, check_seed,
)
from numerics.engine.loop import Simulation, simulate
from numerics.engine.recording import recording_steps
from numerics.environments.bandit import suboptimality
from numerics.environments.mdp import FiniteMDP, check_distribution, optimal_values, value
from numerics.engine.mdp_policy_gradient import check_domain, theorem3_step
from numerics.engine.methods import Setting, methods_for
from numerics.engine.neural.heads import score
from numerics.engine.step_sizes import spg_mdp_step, theorem2_step
from numerics.kernels.transforms import _log_policy, _p_norm, check_transform, policy

__all__ = [
    "BANDIT_BASELINE", "MDP_BASELINE", "REINFORCE_ALGORITHMS", "Baseline", "Estimate", "ReinforceTrajectory",
    "reinforce_gradient", "reinforce_loop", "run_bandit_reinforce", "run_reinforce",
]

REINFORCE_ALGORITHMS = methods_for(Setting.REINFORCE)
"""The methods of the one registry that run with sampled gradients (spg, epg)."""



@dataclass(frozen=True)
class Baseline:
    """The running-average baseline b(s) ← b(s) + rate·(Ḡ(s) − b(s)), formed after each gradient; with
    ``first_visit_sets`` a state's first visit sets b(s) = Ḡ(s), else b starts at 0."""

    rate: float
    first_visit_sets: bool


MDP_BASELINE = Baseline(rate=0.1, first_visit_sets=True)
"""The baseline of the MDP runs (Four-room, Question 1)."""
BANDIT_BASELINE = Baseline(rate=0.05, first_visit_sets=False)
"""The baseline of the bandit runs (trap bandit, Question 1)."""

Estimate = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]
"""A sampled gradient oracle: (θ, b of shape (B, S)) -> (ĝ with θ's shape, Σ G_t by state (B, S), visits (B, S))."""


@dataclass(frozen=True)
class ReinforceTrajectory:
    """B runs: ``steps`` (T',), ``suboptimality`` (B, T') = V*(ρ) − V^{π_t}(ρ), ``theta_final`` (B, S, A)."""

    steps: np.ndarray
    suboptimality: np.ndarray
    theta_final: np.ndarray


@njit(cache=True)
def _episode_sums(cum_policy, cum_transition, reward, starts, lengths, uniforms, baseline):
    """Simulate every episode; per run return Σ (G_t − b(s_t)) by (s_t, a_t), and Σ G_t and visit counts by s_t.

    ``uniforms[k]`` drives the k-th time step over all episodes in order: column 0 samples a_t, column 1 s_{t+1}.
    """
    B, S, A = cum_policy.shape
    weights = np.zeros((B, S, A))
    returns = np.zeros((B, S))
    visits = np.zeros((B, S))
    longest = lengths.max()
    states = np.empty(longest, np.int64)
    actions = np.empty(longest, np.int64)
    rewards = np.empty(longest)
    k = 0
    for b in range(B):
        for n in range(starts.shape[1]):
            s = starts[b, n]
            for t in range(lengths[b, n]):
                a = min(np.searchsorted(cum_policy[b, s], uniforms[k, 0], side="right"), A - 1)
                states[t], actions[t], rewards[t] = s, a, reward[s, a]
                s = min(np.searchsorted(cum_transition[s, a], uniforms[k, 1], side="right"), S - 1)
                k += 1
            ret = 0.0
            for t in range(lengths[b, n] - 1, -1, -1):
                ret += rewards[t]
                s = states[t]
                weights[b, s, actions[t]] += ret - baseline[b, s]
                returns[b, s] += ret
                visits[b, s] += 1.0
    return weights, returns, visits


def _draw_episodes(
    rng: np.random.Generator, gamma: float, rho: np.ndarray, runs: int, episodes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start states s₀ ~ ρ (B, N), geometric lengths with P(T > t) = γ^t (B, N) and the uniforms of every step."""
    cum_rho = np.cumsum(np.broadcast_to(rho, (runs, rho.shape[-1])), axis=-1)
    u = rng.random((runs, episodes))
    starts = np.minimum((u[:, :, None] >= cum_rho[:, None, :]).sum(axis=-1), rho.shape[-1] - 1)
    lengths = rng.geometric(1 - gamma, size=(runs, episodes))
    return starts, lengths, rng.random((int(lengths.sum()), 2))


def _estimate(
    theta: np.ndarray, transform: str, p: float, cum_transition: np.ndarray, reward: np.ndarray,
    baseline: np.ndarray, episodes: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ĝ averaged over the episodes, Σ G_t by state, visits by state) for validated θ (B, S, A) and b (B, S).

    ``cum_transition`` is P's cumulative sum over s' (computed once per run, not per update).
    """
    pi = np.exp(_log_policy(theta, transform, p))
    starts, lengths, uniforms = episodes
    weights, returns, visits = _episode_sums(
        np.cumsum(pi, axis=-1), cum_transition, reward, starts, lengths, uniforms, baseline
    )
    # Σ_a W(s, a)·score(θ(s, ·), a) with the score s ⊙ (e_a − π) of numerics.engine.neural.heads.score, summed in closed
    # form: s ⊙ (W(s, ·) − π(·|s)·Σ_a W(s, a)) (a test checks it against score itself)
    sensitivity = 1.0 if transform == "softmax" else p / theta
    gradient = sensitivity * (weights - pi * weights.sum(axis=-1, keepdims=True)) / starts.shape[1]
    return gradient, returns, visits


def _validate(
    transform: str, mdp: FiniteMDP, theta0: object, rho: object, p: float
) -> tuple[np.ndarray, np.ndarray, float]:
    if not isinstance(mdp, FiniteMDP):
        raise InputError(f"mdp must be a numerics.environments.mdp.FiniteMDP; got {type(mdp).__name__}")
    theta = check_finite_array(theta0, name="theta", ndim=3).copy()
    if theta.shape[0] < 1 or theta.shape[1:] != (mdp.n_states, mdp.n_actions):
        raise InputError(f"theta must have shape (B, S, A) = (B >= 1, {mdp.n_states}, {mdp.n_actions}); "
                         f"got {theta.shape}")
    power = check_transform(transform, p, theta)
    start = check_per_run(check_distribution(rho, name="rho", size=mdp.n_states), name="rho", runs=theta.shape[0],
                          size=mdp.n_states)
    return theta, start, power


def reinforce_gradient(
    mdp: FiniteMDP, theta: np.ndarray, rho: np.ndarray, *, transform: str, p: float = 2.0, episodes: int = 1,
    baseline: np.ndarray | None = None, seed: int,
) -> np.ndarray:
    """One estimate ĝ of ∂V^{π_θ}(ρ)/∂θ per run (module docstring), averaged over ``episodes`` episodes.

    ``theta`` (B, S, A); ``rho`` (S,) or (B, S); ``baseline`` b(s), shape (S,) or (B, S), zero if None.
    Returns ĝ with θ's shape; E[ĝ] = :func:`numerics.environments.mdp.policy_gradient`.
    """
    array, start, power = _validate(transform, mdp, theta, rho, p)
    B = array.shape[0]
    if baseline is None:
        values = np.zeros((B, mdp.n_states))
    else:
        values = check_per_run(check_finite_array(baseline, name="baseline", ndim=(1, 2)), name="baseline", runs=B,
                               size=mdp.n_states)
        values = np.ascontiguousarray(np.broadcast_to(values, (B, mdp.n_states)))
    count = check_count(episodes, name="episodes", minimum=1)
    draws = _draw_episodes(np.random.default_rng(check_seed(seed)), mdp.gamma, start, B, count)
    return _estimate(array, transform, power, np.cumsum(mdp.P, axis=-1), mdp.r, values, draws)[0]


def _update_baseline(
    baseline: np.ndarray, seen: np.ndarray, returns: np.ndarray, visits: np.ndarray, rate: float
) -> None:
    """Running average of the mean observed return per state, in place; where not ``seen``, a visit sets it."""
    visited = visits > 0
    mean = np.where(visited, returns / np.maximum(visits, 1), 0.0)
    rate = np.where(seen, rate, 1.0)
    baseline += np.where(visited, rate * (mean - baseline), 0.0)
    seen |= visited


def reinforce_loop(
    theta: np.ndarray, schedule: np.ndarray, *, estimate: Estimate, step_size: Callable[[np.ndarray], np.ndarray | float],
    baseline: Baseline | None, states: int, transform: str, p: float, scale: float,
    record: Callable[[int, np.ndarray, None], object],
) -> Simulation:
    """The engine: θ ← θ + step_size(θ)·ĝ(θ, b), then b updated, then θ/‖θ(s, ·)‖_p for the escort (validated input).

    ``step_size`` includes the multiplier λ = ``scale`` (named in the error of a run that leaves the domain).
    """
    values = np.zeros((theta.shape[0], states))
    seen = np.full(values.shape, baseline is not None and not baseline.first_visit_sets)

    def update(t: int, state: np.ndarray, _: object) -> np.ndarray:
        gradient, returns, visits = estimate(state, values)
        if baseline is not None:
            _update_baseline(values, seen, returns, visits, baseline.rate)
        moved = state + step_size(state) * gradient
        check_domain(moved, transform, t, scale)
        return moved / _p_norm(moved, p) if transform == "escort" else moved

    return simulate(theta, schedule, update=update, record=record)


def run_reinforce(
    algorithm: str,
    mdp: FiniteMDP,
    theta0: np.ndarray,
    rho: np.ndarray,
    updates: int,
    *,
    p: float = 2.0,
    step_scale: float,
    baseline: bool = False,
    episodes: int = 1,
    record_every: int = 1,
    record_per_decade: int | None = None,
    seed: int,
) -> ReinforceTrajectory:
    """Run ``algorithm`` ('spg' or 'epg') from θ₁ = ``theta0`` (B, S, A) for ``updates`` sampled-gradient steps.

    ``rho`` (S,) or (B, S): the start distribution of the episodes and of the recorded V(ρ); ``step_scale`` λ;
    ``baseline``: the running-average baseline (else none); ``episodes`` per update; the recorded updates as in
    :func:`numerics.engine.recording_steps`.
    """
    transform = REINFORCE_ALGORITHMS[check_choice(algorithm, REINFORCE_ALGORITHMS, name="algorithm")].transform
    theta, start, power = _validate(transform, mdp, theta0, rho, p)
    scale = check_positive(step_scale, name="step_scale")
    count = check_count(episodes, name="episodes", minimum=1)
    schedule = recording_steps(updates, record_every=record_every, record_per_decade=record_per_decade)
    rng = np.random.default_rng(check_seed(seed))
    B = theta.shape[0]
    best = np.sum(start * optimal_values(mdp), axis=-1)
    cum_transition = np.cumsum(mdp.P, axis=-1)

    def estimate(state: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _estimate(state, transform, power, cum_transition, mdp.r, values,
                         _draw_episodes(rng, mdp.gamma, start, B, count))

    def step_size(state: np.ndarray) -> np.ndarray | float:
        if transform == "softmax":
            return scale * spg_mdp_step(mdp.gamma)
        return scale * theorem3_step(state, gamma=mdp.gamma, p=power)

    # B solves of an S x S system per record: multi-threaded BLAS only adds contention at this size
    with threadpool_limits(limits=1, user_api="blas"):
        run = reinforce_loop(
            theta, schedule, estimate=estimate, step_size=step_size, baseline=MDP_BASELINE if baseline else None,
            states=mdp.n_states, transform=transform, p=power, scale=scale,
            record=lambda t, state, _: best - value(mdp, np.exp(_log_policy(state, transform, power)), start),
        )
    return ReinforceTrajectory(schedule, np.stack(run.records, axis=-1), run.state)


def run_bandit_reinforce(
    algorithm: str, rewards: np.ndarray, theta0: np.ndarray, steps: int, *, p: float = 2.0, eta: float,
    baseline: bool, record_every: int, rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """REINFORCE with one sampled action per step on B bandits (``rewards`` (B, K), θ₁ = ``theta0`` (B, K), the
    escort's of unit p-norm); returns (recorded steps, sub-optimality (B, T'), π_t(a*) (B, T'), a* = action 0).

    Steps: SPG θ ← θ + η·ĝ; EPG θ ← θ + η·η₀·ĝ with Theorem 2's step at ‖θ‖_p = 1, η₀ = 2/(9p²K^{1/p}), then
    θ/‖θ‖_p: the same policies as η_t = η·2‖θ_t‖_p²/(9p²K^{1/p}), because ĝ is homogeneous of degree −1 in θ and
    π of degree 0 (Algorithm 2 / Lemma 9 of the paper). ``baseline``: :data:`BANDIT_BASELINE`, else none.
    """
    transform = REINFORCE_ALGORITHMS[check_choice(algorithm, REINFORCE_ALGORITHMS, name="algorithm")].transform
    runs, K = rewards.shape
    power = check_transform(transform, p, theta0)
    rate = check_positive(eta, name="eta") * (1.0 if transform == "softmax" else float(theorem2_step(1.0, power, K)))

    def estimate(state: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pi = policy(state, transform=transform, p=power)
        actions = np.minimum((rng.random((runs, 1)) > np.cumsum(pi, axis=1)).sum(axis=1), K - 1)
        reward = rewards[np.arange(runs), actions][:, None]
        return (reward - b) * score(state, actions, transform=transform, p=power), reward, np.ones((runs, 1))

    def record(t: int, state: np.ndarray, _: object) -> tuple[np.ndarray, np.ndarray]:
        pi = policy(state, transform=transform, p=power)
        return suboptimality(pi, rewards), pi[:, 0]

    schedule = recording_steps(steps, record_every=record_every)
    run = reinforce_loop(
        theta0, schedule, estimate=estimate, step_size=lambda state: rate, baseline=BANDIT_BASELINE if baseline else None,
        states=1, transform=transform, p=power, scale=eta, record=record,
    )
    gaps, optimal = zip(*run.records)
    return schedule, np.array(gaps).T, np.array(optimal).T
