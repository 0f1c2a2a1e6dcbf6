"""The multi-state family of ``escort stress thm3``: random tabular MDPs with S > 1 and μ ≠ ρ.

Theorem 3 (``BOUNDS["thm3"]``): EPG ascending V(μ) with η_t(s) = (1−γ)³‖θ_t(s, ·)‖_p²/(10p²A^{2/p}) satisfies

    V*(ρ) − V^{π_t}(ρ) ≤ 20·A^{2/p}·S/(c^{2−2/p}(1−γ)⁶t) · ‖d_ρ^{π*}/μ‖²_∞ · ‖1/μ‖_∞,

μ the distribution the gradient starts from, ρ the one the value is measured under. Each search point is an MDP
(P, r ∈ [0, 1]^{S×A}, γ), μ, ρ, θ₁ and p; the run is :func:`numerics.engine.mdp_policy_gradient.run_mdp` ("epg",
the theorem's step exactly, rescaled per state), V*(ρ) − V^{π_t}(ρ) = ρᵀ(V* − V^{π_t}) from the recorded state
values; c, π* (the optimal action with the largest inf_t π_t(a|s)) and the distribution factor as in
:mod:`numerics.experiments.bounds.thm3`, with d_ρ^{π*} (the factor is ≥ S·1 > 1 for S > 1).

Random points: S ∈ sizes, r(s, a) ~ U[0, 1] with a near-tie (gap 1e-3…1e-1) at the top of every state in half of
them, P(·|s, a) ~ Dirichlet(1), γ = 0 or U(0, 0.9), μ = 0.8·Dirichlet(1) + 0.2/S (bounded away from 0), ρ ~
Dirichlet(1), θ₁ entries spread over four decades with random signs. Mutations: θ₁ log-normally with rare sign
flips, r and γ by Gaussian steps, P, μ, ρ by log-normal factors renormalised. A batch shares one MDP (the engine
runs one MDP, batched over θ₁ and μ), so screening draws ``screen_batches`` MDPs with ``screen_runs`` starts each,
and each generation's offspring share one mutated MDP.

Cost: the exact gradient is a dense S × S solve per run and state-value evaluation per step in a Python loop,
≈ 1.3 ms per step for a batch of up to 32 runs at S ≤ 5 under load (≈ 10⁴ times the compiled bandit engine's
step), so this family reaches 10⁴–10⁵ steps, not 10⁷ (the S = 1 family does). Four-room (104 states) costs ~50×
more per step and is left to the fixed experiment of :mod:`numerics.experiments.bounds.thm3`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from numerics.engine.mdp_policy_gradient import run_mdp
from numerics.environments.mdp import FiniteMDP, optimal_values
from numerics.experiments.bounds.precise_mdp import precise_mdp_suboptimality
from numerics.experiments.bounds.thm3 import distribution_factor, favourable_optimal_policy, theorem3_bound

__all__ = ["MDPInputs", "confirm", "mutate", "offspring", "random_batch", "run", "trivial"]

@dataclass(frozen=True)
class MDPInputs:
    """One run's inputs: P (S, A, S), r (S, A), γ, μ (gradient start), ρ (measured), θ₁ (S, A), p; nested tuples."""

    P: tuple
    r: tuple
    gamma: float
    mu: tuple[float, ...]
    rho: tuple[float, ...]
    theta_1: tuple
    p: float

    @property
    def size(self) -> str:
        return f"S = {len(self.r)}, A = {len(self.r[0])}"

    def mdp(self) -> FiniteMDP:
        return FiniteMDP(P=np.array(self.P), r=np.array(self.r), gamma=self.gamma, rho=np.array(self.mu))


def _nested(array: np.ndarray) -> tuple:
    return tuple(_nested(x) for x in array) if np.ndim(array) > 1 else tuple(float(x) for x in array)


def _theta(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 1, shape)


def _starts(rng: np.random.Generator, S: int) -> tuple[np.ndarray, np.ndarray]:
    return 0.8 * rng.dirichlet(np.ones(S)) + 0.2 / S, rng.dirichlet(np.ones(S))


def _random_mdp(rng: np.random.Generator, S: int, A: int) -> tuple[np.ndarray, np.ndarray, float]:
    P = rng.dirichlet(np.ones(S), size=(S, A))
    r = rng.uniform(size=(S, A))
    if rng.uniform() < 0.5:
        top = np.sort(r, axis=-1)
        second = np.argsort(r, axis=-1)[:, -2]
        r[np.arange(S), second] = np.maximum(0.0, top[:, -1] - 10.0 ** rng.uniform(-3, -1, S))
    return P, r, float(rng.choice([0.0, rng.uniform(0, 0.9)]))


def random_batch(rng: np.random.Generator, size: tuple[int, int], p: float, runs: int) -> list[MDPInputs]:
    """``runs`` random starts (θ₁, μ, ρ) on one random MDP of ``size`` = (S, A)."""
    S, A = size
    P, r, gamma = _random_mdp(rng, S, A)
    batch = []
    for _ in range(runs):
        mu, rho = _starts(rng, S)
        batch.append(MDPInputs(_nested(P), _nested(r), gamma, _nested(mu), _nested(rho), _nested(_theta(rng, (S, A))), p))
    return batch


def _renormalised(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    moved = weights * np.exp(0.3 * rng.standard_normal(weights.shape))
    return moved / moved.sum(axis=-1, keepdims=True)


def mutate(rng: np.random.Generator, x: MDPInputs, *, mdp_too: bool) -> MDPInputs:
    """θ₁, μ, ρ perturbed (and P, r, γ when ``mdp_too``)."""
    theta = np.array(x.theta_1) * np.exp(0.3 * rng.standard_normal(np.shape(x.theta_1)))
    theta *= np.where(rng.uniform(size=theta.shape) < 0.05, -1.0, 1.0)
    mu = np.maximum(_renormalised(rng, np.array(x.mu)), 1e-3)
    P, r, gamma = np.array(x.P), np.array(x.r), x.gamma
    if mdp_too:
        P = _renormalised(rng, P)
        r = np.clip(r + 0.05 * rng.standard_normal(r.shape), 0.0, 1.0)
        gamma = float(np.clip(gamma + 0.05 * rng.standard_normal(), 0.0, 0.95))
    return MDPInputs(_nested(P), _nested(r), gamma, _nested(mu / mu.sum()),
                     _nested(_renormalised(rng, np.array(x.rho))), _nested(theta), x.p)


def offspring(rng: np.random.Generator, best: MDPInputs, n: int) -> list[MDPInputs]:
    """One generation: ``n`` children sharing one MDP (the best's, or with probability ½ a mutation of it)."""
    first = mutate(rng, best, mdp_too=bool(rng.uniform() < 0.5))
    shared = {"P": first.P, "r": first.r, "gamma": first.gamma}
    return [first] + [MDPInputs(**(vars(mutate(rng, best, mdp_too=False)) | shared)) for _ in range(n - 1)]


def trivial(x: MDPInputs) -> float:
    """max r − min r over 1 − γ: no two policies' values differ by more."""
    return (np.max(x.r) - np.min(x.r)) / (1 - x.gamma)


def run(batch: list[MDPInputs], steps: int) -> list[tuple]:
    """Run a batch sharing one MDP and p; per run (ratio, t, value, bound, c) over the recorded steps."""
    mdp = batch[0].mdp()
    theta = np.array([x.theta_1 for x in batch])
    mu = np.array([x.mu for x in batch])
    traj = run_mdp("epg", mdp, theta, mu, steps, p=batch[0].p, record_per_decade=40, record_trajectory=True)
    best = optimal_values(mdp)
    t = traj.steps + 1.0
    out = []
    for i, x in enumerate(batch):
        rho = np.array(x.rho)
        value = (best - traj.values[i]) @ rho
        star = favourable_optimal_policy(mdp, traj.running_min[i])
        c = float(np.min(np.sum(star * traj.running_min[i], axis=-1)))
        factor = distribution_factor(mdp, star, np.array(x.mu), rho=rho)
        bound = theorem3_bound(t, c, x.gamma, factor, x.p, mdp.n_states, mdp.n_actions)
        out.append((value / bound, t, value, bound, c))
    return out


def confirm(x: MDPInputs, t: np.ndarray, bound: np.ndarray, cap: int) -> Callable[[int], tuple[bool, str]]:
    """``confirm(i)``: a 50-digit re-run (:mod:`numerics.experiments.bounds.precise_mdp`) to step t[i] − 1, if within
    ``cap`` steps."""

    def check(i: int) -> tuple[bool, str]:
        steps = int(t[i]) - 1
        if steps > cap:
            return False, ""
        value = precise_mdp_suboptimality(np.array(x.P), np.array(x.r), x.gamma, np.array(x.mu), np.array(x.rho),
                                          np.array(x.theta_1), x.p, steps)[steps]
        return bool(value > bound[i]), f"confirmed by a 50-digit MDP re-run of the {steps} steps (value {value:.6g})"

    return check
