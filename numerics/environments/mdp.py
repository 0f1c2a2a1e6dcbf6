"""Finite discounted MDPs solved exactly: values, discounted state distributions, tabular policy gradients.

An MDP M = (S, A, P, r, γ) (Section 4, before Theorem 3) with P(s'|s, a) of shape (S, A, S), r(s, a) of shape
(S, A) and γ ∈ [0, 1). For a policy π(a|s) (shape (..., S, A), leading axes are independent runs):

* P_π(s, s') = Σ_a π(a|s) P(s'|s, a),  r_π(s) = Σ_a π(a|s)·[r(s, a) − τ log π(a|s)]   (τ = 0: plain rewards)
* V^π = (I − γP_π)^{-1} r_π,  Q^π(s, a) = r(s, a) + γ Σ_s' P(s'|s, a) V^π(s')     (Bellman equations)
* V^π(ρ) = ρᵀV^π (the objective of Theorem 3)
* d_ρ^π = (1 − γ) ρᵀ(I − γP_π)^{-1}, the normalised discounted state distribution (sums to 1)
* policy gradient theorem for π(·|s) = f(θ(s, ·)) with per-state Jacobian J_s = dπ(·|s)/dθ(s, ·):

      ∂V^π(ρ)/∂θ(s, a) = 1/(1 − γ) · d_ρ^π(s) · [J_sᵀ Q^π(s, ·)](a)
                        = 1/(1 − γ) · d_ρ^π(s) · s_θ(s, a) · (Q^π(s, a) − V^π(s)),

  with the sensitivity s_θ(s, a) = π(a|s) (softmax, Eq. (1) per state) or p·π(a|s)/θ(s, a) (escort, Eq. (4)),
  i.e. the bandit gradient of :mod:`numerics.kernels.gradients` with the reward vector r replaced by Q^π(s, ·).
* entropy regularisation (Theorem 4, τ > 0): Ṽ, Q̃ are the values of the soft reward r − τ log π, and the same
  formula holds with Q^π(s, a) − V^π(s) replaced by Q̃(s, a) − τ log π(a|s) − Ṽ(s) (Mei et al. 2020, Lemma 10).

Optimal values: V* by policy iteration (exact after finitely many linear solves); Ṽ*_τ by soft value iteration
Ṽ(s) ← τ log Σ_a exp(Q̃(s, a)/τ), a γ-contraction, iterated to a stated tolerance.

>>> mdp = FiniteMDP(P=np.ones((1, 2, 1)), r=np.array([[1.0, 0.0]]), gamma=0.5, rho=np.ones(1))
>>> V, Q = evaluate(mdp, np.array([[0.5, 0.5]]))
>>> V.tolist(), Q.tolist()
([1.0], [[1.5, 0.5]])
>>> optimal_values(mdp).tolist()
[2.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foundation.validation import InputError, check_count, check_temperature, check_finite_array, check_num_actions
from numerics.kernels.gradients import regularised_reward_gradient_unchecked
from numerics.kernels.transforms import _checked, _log_policy, check_transform

__all__ = [
    "FiniteMDP",
    "evaluate",
    "optimal_actions",
    "optimal_values",
    "policy_gradient",
    "random_mdp",
    "state_distribution",
    "value",
]

_STOCHASTIC_TOLERANCE = 1e-9
"""How far a row of P or ρ may be from summing to 1 (rounding of user-built tables)."""

SOFT_VALUE_TOLERANCE = 1e-12
"""Sup-norm change at which soft value iteration stops; the error to Ṽ*_τ is then ≤ γ/(1−γ)·1e-12."""


def check_distribution(values: object, *, name: str, size: int) -> np.ndarray:
    array = check_finite_array(values, name=name, ndim=range(1, 33))
    if array.shape[-1] != size:
        raise InputError(f"{name} must have {size} entries along its last axis (one per state); got {array.shape}")
    if np.any(array < 0) or np.any(np.abs(array.sum(axis=-1) - 1) > _STOCHASTIC_TOLERANCE):
        raise InputError(f"{name} must be a probability distribution over the {size} states (>= 0, sum 1)")
    return array


@dataclass(frozen=True)
class FiniteMDP:
    """M = (S, A, P, r, γ) with a default initial distribution ρ; validated on construction.

    ``P`` (S, A, S): P[s, a, s'] = P(s'|s, a), rows sum to 1; ``r`` (S, A) finite; ``gamma`` ∈ [0, 1);
    ``rho`` (S,) a distribution. Arrays are stored as read-only float64 copies.
    """

    P: np.ndarray
    r: np.ndarray
    gamma: float
    rho: np.ndarray

    def __post_init__(self) -> None:
        P = check_finite_array(self.P, name="P", ndim=3).copy()
        S, A, S_next = P.shape
        if S < 1 or S_next != S:
            raise InputError(f"P must have shape (S, A, S) with S >= 1; got {P.shape}")
        check_num_actions(A, name="number of actions (P.shape[1])")
        if np.any(P < 0) or np.any(np.abs(P.sum(axis=-1) - 1) > _STOCHASTIC_TOLERANCE):
            raise InputError("P must hold probabilities: P[s, a, :] >= 0 and summing to 1 for every (s, a)")
        r = check_finite_array(self.r, name="r", ndim=2).copy()
        if r.shape != (S, A):
            raise InputError(f"r must have shape (S, A) = ({S}, {A}) like P; got {r.shape}")
        gamma = float(self.gamma)
        if not 0 <= gamma < 1:
            raise InputError(f"gamma must lie in [0, 1) (discount factor); got {self.gamma!r}")
        rho = check_distribution(self.rho, name="rho", size=S).copy()
        if rho.ndim != 1:
            raise InputError(f"rho must have shape (S,) = ({S},); got {rho.shape}")
        for name, array in (("P", P), ("r", r), ("rho", rho)):
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        object.__setattr__(self, "gamma", gamma)

    @property
    def n_states(self) -> int:
        return self.P.shape[0]

    @property
    def n_actions(self) -> int:
        return self.P.shape[1]


def _check_policy(mdp: FiniteMDP, pi: object) -> np.ndarray:
    array = check_finite_array(pi, name="pi", ndim=range(2, 33))
    if array.shape[-2:] != (mdp.n_states, mdp.n_actions):
        raise InputError(f"pi must have shape (..., S, A) = (..., {mdp.n_states}, {mdp.n_actions}); got {array.shape}")
    if np.any(array < 0) or np.any(np.abs(array.sum(axis=-1) - 1) > _STOCHASTIC_TOLERANCE):
        raise InputError("pi must hold a distribution over actions in every state (>= 0, rows summing to 1)")
    return array


def _entropy_term(pi: np.ndarray, tau: float) -> np.ndarray:
    """−τ Σ_a π(a|s) log π(a|s) with 0·log 0 = 0."""
    if tau == 0:
        return np.zeros(pi.shape[:-1])
    safe = np.where(pi > 0, pi, 1.0)
    return -tau * np.sum(pi * np.log(safe), axis=-1)


def _evaluate(mdp: FiniteMDP, pi: np.ndarray, tau: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(V, Q, I − γP_π) for validated π of shape (..., S, A); the kernel of :func:`evaluate`."""
    transition = np.einsum("...sa,sat->...st", pi, mdp.P)
    reward = np.sum(pi * mdp.r, axis=-1) + _entropy_term(pi, tau)
    system = np.eye(mdp.n_states) - mdp.gamma * transition
    V = np.linalg.solve(system, reward[..., None])[..., 0]
    Q = mdp.r + mdp.gamma * np.einsum("sat,...t->...sa", mdp.P, V)
    return V, Q, system


def evaluate(mdp: FiniteMDP, pi: np.ndarray, *, tau: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Exact (V^π, Q^π) by one linear solve: V = (I − γP_π)^{-1} r_π, Q = r + γPV (Bellman equations).

    ``pi`` (..., S, A). With τ > 0 these are the soft values Ṽ, Q̃ of Theorem 4's entropy-regularised MDP:
    r_π(s) = Σ_a π(a|s)(r(s, a) − τ log π(a|s)), Q̃(s, a) = r(s, a) + γ Σ_s' P(s'|s, a)Ṽ(s').
    Returns V (..., S) and Q (..., S, A).
    """
    V, Q, _ = _evaluate(mdp, _check_policy(mdp, pi), check_temperature(tau))
    return V, Q


def _state_distribution(mdp: FiniteMDP, system: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """d_ρ = (1 − γ)(I − γP_π)^{-T} ρ, solved against the transposed system (no inverse is formed)."""
    rhs = np.broadcast_to(rho, system.shape[:-1])[..., None]
    return (1 - mdp.gamma) * np.linalg.solve(np.swapaxes(system, -1, -2), rhs)[..., 0]


def state_distribution(mdp: FiniteMDP, pi: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """d_ρ^π(s) = (1 − γ) Σ_t γ^t Pr(s_t = s | s_0 ~ ρ, π) = (1 − γ)[ρᵀ(I − γP_π)^{-1}](s); sums to 1.

    ``rho`` (S,) or (..., S) matching π's leading axes.
    """
    policy = _check_policy(mdp, pi)
    start = check_distribution(rho, name="rho", size=mdp.n_states)
    _, _, system = _evaluate(mdp, policy, 0.0)
    return _state_distribution(mdp, system, start)


def value(mdp: FiniteMDP, pi: np.ndarray, rho: np.ndarray, *, tau: float = 0.0) -> np.ndarray:
    """V^π(ρ) = ρᵀV^π (soft value Ṽ^π(ρ) for τ > 0); shape π.shape[:-2]."""
    V, _ = evaluate(mdp, pi, tau=tau)
    start = check_distribution(rho, name="rho", size=mdp.n_states)
    return np.sum(start * V, axis=-1)


def _policy_iteration(mdp: FiniteMDP) -> tuple[np.ndarray, np.ndarray]:
    """(V*, Q*) by Howard's policy iteration; an action is switched only on a strict improvement, so the
    sequence of deterministic policies never repeats and the loop ends after at most A^S evaluations."""
    S, A = mdp.n_states, mdp.n_actions
    actions = np.argmax(mdp.r, axis=-1)
    while True:
        V, Q, _ = _evaluate(mdp, np.eye(A)[actions], 0.0)
        improving = Q.max(axis=-1) > Q[np.arange(S), actions] + 1e-12 * (1 + np.abs(V))
        if not improving.any():
            return V, Q
        actions = np.where(improving, np.argmax(Q, axis=-1), actions)


def _soft_value_iteration(mdp: FiniteMDP, tau: float) -> np.ndarray:
    """Ṽ*_τ as the fixed point of Ṽ ← τ log Σ_a exp((r + γPṼ)/τ) (soft Bellman optimality operator)."""
    V = np.zeros(mdp.n_states)
    while True:
        Q = mdp.r + mdp.gamma * mdp.P @ V
        top = Q.max(axis=-1)
        updated = top + tau * np.log(np.sum(np.exp((Q - top[:, None]) / tau), axis=-1))
        if np.max(np.abs(updated - V)) <= SOFT_VALUE_TOLERANCE:
            return updated
        V = updated


def optimal_values(mdp: FiniteMDP, *, tau: float = 0.0) -> np.ndarray:
    """V*(s) = max_π V^π(s) by policy iteration (τ = 0, exact), or the soft optimal value Ṽ*_τ(s) of
    Theorem 4 by soft value iteration (τ > 0, to :data:`SOFT_VALUE_TOLERANCE`); shape (S,)."""
    temperature = check_temperature(tau)
    if temperature == 0:
        return _policy_iteration(mdp)[0]
    return _soft_value_iteration(mdp, temperature)


def optimal_actions(mdp: FiniteMDP, *, tolerance: float = 1e-9) -> np.ndarray:
    """Boolean mask (S, A) of the optimal actions A*(s) = {a : Q*(s, a) ≥ max_b Q*(s, b) − tolerance}.

    More than one action per state is optimal where paths tie (e.g. Four-room's equally short routes).
    """
    _, Q = _policy_iteration(mdp)
    return Q >= Q.max(axis=-1, keepdims=True) - tolerance


def policy_gradient(
    mdp: FiniteMDP, theta: np.ndarray, rho: np.ndarray, *, transform: str, p: float = 2.0, tau: float = 0.0
) -> np.ndarray:
    """Exact ∂V^{π_θ}(ρ)/∂θ(s, a) for the tabular policy π_θ(·|s) = softmax(θ(s, ·)) or f_p(θ(s, ·)).

    = 1/(1 − γ) · d_ρ^π(s) · s_θ(s, a) · (Q(s, a) − V(s))  (module docstring), with s_θ = π (softmax) or
    p·π/θ (escort, Eq. (4)); for τ > 0 the gradient of the soft value Ṽ^{π_θ}(ρ) (Theorem 4's objective).
    ``theta`` (..., S, A), ``rho`` (S,) or (..., S). The result has θ's shape, so a network whose outputs are
    θ back-propagates it directly.
    """
    array = _checked(theta)
    if array.ndim < 2 or array.shape[-2:] != (mdp.n_states, mdp.n_actions):
        raise InputError(
            f"theta must have shape (..., S, A) = (..., {mdp.n_states}, {mdp.n_actions}); got {array.shape}"
        )
    power = check_transform(transform, p, array)
    start = check_distribution(rho, name="rho", size=mdp.n_states)
    return _policy_gradient(mdp, array, start, transform, power, check_temperature(tau))


def _policy_gradient(
    mdp: FiniteMDP, theta: np.ndarray, rho: np.ndarray, transform: str, p: float, tau: float
) -> np.ndarray:
    """Unchecked kernel of :func:`policy_gradient`."""
    return values_and_gradient(mdp, theta, rho, transform, p, tau)[2]


def values_and_gradient(
    mdp: FiniteMDP, theta: np.ndarray, rho: np.ndarray, transform: str, p: float, tau: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(π_θ, V^{π_θ}, ∂V^{π_θ}(ρ)/∂θ) from one policy evaluation: what a step loop needs to step and record."""
    pi = np.exp(_log_policy(theta, transform, p))
    V, Q, system = _evaluate(mdp, pi, tau)
    d = _state_distribution(mdp, system, rho)
    per_state = regularised_reward_gradient_unchecked(theta, Q, tau, transform, p)
    return pi, V, d[..., None] * per_state / (1 - mdp.gamma)


def random_mdp(rng: np.random.Generator, S: int, A: int, gamma: float, *, branching: int | None = None) -> FiniteMDP:
    """A random MDP: r(s, a) ~ U[0, 1], P(·|s, a) ~ Dirichlet(1) on ``branching`` random successor states
    (all S if None), ρ uniform. Seeded through ``rng``; rewards in [0, 1] as Theorems 2-3 assume."""
    states = check_count(S, name="S", minimum=1)
    actions = check_num_actions(A, name="A")
    width = states if branching is None else check_count(branching, name="branching", minimum=1)
    if width > states:
        raise InputError(f"branching must be an integer in [1, S = {states}]; got {branching!r}")
    P = np.zeros((states, actions, states))
    weights = rng.dirichlet(np.ones(width), size=(states, actions))
    successors = np.argsort(rng.random((states, actions, states)), axis=-1)[..., :width]
    np.put_along_axis(P, successors, weights, axis=-1)
    r = rng.random((states, actions))
    return FiniteMDP(P=P, r=r, gamma=gamma, rho=np.full(states, 1.0 / states))
