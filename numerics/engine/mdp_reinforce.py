"""Policy gradient on a tabular finite MDP with sampled trajectories (REINFORCE): SPG and EPG (Theorem 3's step).

The exact-gradient runs of :mod:`numerics.engine.mdp_policy_gradient` with ∂V^{π_θ}(ρ)/∂θ replaced by an unbiased
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
formed (so b never depends on the actions it multiplies): b(s) ← b(s) + 0.1·(Ḡ(s) − b(s)), Ḡ(s) the mean of G_t
over the update's visits to s; a state's first visit sets b(s) = Ḡ(s).

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

from dataclasses import dataclass

import numpy as np
from numba import njit
from threadpoolctl import threadpool_limits

from foundation.validation import InputError, check_choice, check_count, check_finite_array, check_positive, check_seed
from numerics.engine.loop import simulate
from numerics.engine.recording import recording_steps
from numerics.environments.mdp import FiniteMDP, check_distribution, optimal_values, value
from numerics.engine.mdp_policy_gradient import check_domain, theorem3_step
from numerics.engine.methods import Setting, methods_for
from numerics.engine.step_sizes import spg_mdp_step
from numerics.kernels.transforms import _log_policy, _p_norm, check_transform

__all__ = ["REINFORCE_ALGORITHMS", "ReinforceTrajectory", "reinforce_gradient", "run_reinforce"]

REINFORCE_ALGORITHMS = methods_for(Setting.REINFORCE)
"""The methods of the one registry that run with sampled gradients (spg, epg)."""

BASELINE_RATE = 0.1
"""Rate of the running-average baseline (module docstring)."""


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


def _check_per_run(array: np.ndarray, *, name: str, runs: int, states: int) -> np.ndarray:
    """``array`` if its shape is (S,) (shared by the runs) or (B, S) (one row per run), else InputError."""
    if array.shape not in ((states,), (runs, states)):
        raise InputError(f"{name} must have shape (S,) or (B, S) = ({runs}, {states}); got {array.shape}")
    return array


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
    start = _check_per_run(check_distribution(rho, name="rho", size=mdp.n_states), name="rho",
                           runs=theta.shape[0], states=mdp.n_states)
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
        values = _check_per_run(check_finite_array(baseline, name="baseline", ndim=(1, 2)), name="baseline",
                                runs=B, states=mdp.n_states)
        values = np.ascontiguousarray(np.broadcast_to(values, (B, mdp.n_states)))
    count = check_count(episodes, name="episodes", minimum=1)
    draws = _draw_episodes(np.random.default_rng(check_seed(seed)), mdp.gamma, start, B, count)
    return _estimate(array, transform, power, np.cumsum(mdp.P, axis=-1), mdp.r, values, draws)[0]


def _update_baseline(baseline: np.ndarray, seen: np.ndarray, returns: np.ndarray, visits: np.ndarray) -> None:
    """Running average of the mean observed return per state, in place; a first visit sets it (docstring)."""
    visited = visits > 0
    mean = np.where(visited, returns / np.maximum(visits, 1), 0.0)
    rate = np.where(seen, BASELINE_RATE, 1.0)
    baseline += np.where(visited, rate * (mean - baseline), 0.0)
    seen |= visited


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
    values, seen = np.zeros((B, mdp.n_states)), np.zeros((B, mdp.n_states), dtype=bool)
    cum_transition = np.cumsum(mdp.P, axis=-1)

    def update(t: int, state: np.ndarray, _: object) -> np.ndarray:
        draws = _draw_episodes(rng, mdp.gamma, start, B, count)
        gradient, returns, visits = _estimate(state, transform, power, cum_transition, mdp.r, values, draws)
        if baseline:
            _update_baseline(values, seen, returns, visits)
        if transform == "softmax":
            moved = state + scale * spg_mdp_step(mdp.gamma) * gradient
        else:
            moved = state + scale * theorem3_step(state, gamma=mdp.gamma, p=power) * gradient
        check_domain(moved, transform, t, scale)
        return moved / _p_norm(moved, power) if transform == "escort" else moved

    # B solves of an S x S system per record: multi-threaded BLAS only adds contention at this size
    with threadpool_limits(limits=1, user_api="blas"):
        run = simulate(theta, schedule, update=update,
                       record=lambda t, state, _: best - value(mdp, np.exp(_log_policy(state, transform, power)), start))
    return ReinforceTrajectory(schedule, np.stack(run.records, axis=-1), run.state)
