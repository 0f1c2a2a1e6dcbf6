"""Step rules θ_t ↦ θ_{t+1} of the bandit algorithms, batched numpy forms (the reference implementation).

Each rule is one line of mathematics; the loop that applies it lives in :mod:`numerics.engine.runs`,
and :mod:`numerics.engine.compiled` repeats every rule in scalar form for numba. g denotes the exact gradient of πᵀr
(Eq. (1) for softmax, Eq. (5) for the escort), g_τ that of πᵀr + τH(π), a* = argmax r.

=====================  =========  ===========================================================================
name                   transform  θ_{t+1}
=====================  =========  ===========================================================================
spg                    softmax    θ + η·g; the paper uses η = 0.4 (Fig. 1); large-η SPG is this with large η
epg                    escort     θ + η_t·g, η_t = 2‖θ_t‖_p²/(9p²K^{1/p})                      (Theorem 2)
epg-normalised         escort     u + η₀·g(u) then divided by its p-norm, u = θ/‖θ‖_p, η₀ = 2/(9p²K^{1/p}).
                                  g is homogeneous of degree −1 and π of degree 0 in θ, so this visits the
                                  same policies as ``epg`` (the paper's Algorithm 2 / Lemma 9)
md                     softmax    θ + η·r: π_{t+1} ∝ π_t·exp(η r), KL mirror descent (Section 3)
nrd                    softmax    θ + η·(r − πᵀr)⊙m, Neural Replicator Dynamics (Hennes et al. 2020): m(a) = 0
                                  where the update would push θ(a) further outside [−β, β], else 1;
                                  β = :data:`NRD_LOGIT_THRESHOLD` = 2 (our choice; a hyper-parameter there)
spg-normalised         softmax    θ + η·g/‖g‖₂ (no step where g = 0): fixed-length steps (reviewer's heuristic)
spg-inverse-optimal    softmax    θ + η·g/π(a*): the Łojasiewicz coefficient divided out (reviewer's heuristic)
spg-entropy            softmax    θ + η·g_τ
epg-entropy            escort     θ + η_t·g_τ, η_t = ‖θ_t‖_p²/(10p²K^{1/p} + c_τ), c_τ = p²·τ·(4 + 8 log K)
=====================  =========  ===========================================================================

Our reading of Theorem 4's step η = (1−γ)³/(10p²A^{1/p} + c_τ), with γ = 0 for a bandit: (i) the printed step
lacks the factor ‖θ_t‖_p² that Theorem 3's step has; without it the step is not invariant under θ ↦ cθ although
the objective is, so we restore it. (ii) c_τ is "a problem-dependent constant" in the paper; we take the
entropy part of the smoothness of the regularised softmax objective (Mei et al. 2020, Lemma 14:
τ(4 + 8 log A)) and scale it by p², as the escort's smoothness constants scale. Both are our choices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from numerics.engine.step_sizes import theorem2_log_constant, theorem4_log_denominator
from numerics.kernels.gradients import centred, regularised_reward_gradient_unchecked, reward_gradient_unchecked, sensitivity
from numerics.kernels.transforms import _log_p_norm, _log_policy

__all__ = ["ALGORITHMS", "NRD_LOGIT_THRESHOLD", "Algorithm", "StepParameters", "entropy_log_step", "theorem2_log_step"]

NRD_LOGIT_THRESHOLD = 2.0
"""β of Neural Replicator Dynamics: logits are not pushed beyond [−β, β]."""


@dataclass(frozen=True)
class StepParameters:
    """What a step rule may read: p, η, τ, K and, per run, the optimal action a* (shape (B, 1))."""

    p: float
    eta: float
    tau: float
    K: int
    astar: np.ndarray


StepRule = Callable[[np.ndarray, np.ndarray, StepParameters], np.ndarray]


@dataclass(frozen=True)
class Algorithm:
    """A named bandit algorithm: its transform, its step rule (numpy) and where it comes from."""

    name: str
    transform: str
    step: StepRule
    reference: str


def theorem2_log_step(theta: np.ndarray, params: StepParameters) -> np.ndarray:
    """log η_t = log(2‖θ_t‖_p²/(9p²K^{1/p})) (Theorem 2), shape (B, 1)."""
    return 2.0 * _log_p_norm(theta, params.p) + theorem2_log_constant(params.p, params.K)


def _escort_step(theta: np.ndarray, signal: np.ndarray, log_eta: np.ndarray, p: float) -> np.ndarray:
    """θ + η·s ⊙ (signal − πᵀsignal) for the escort, with η entering inside the exponential of s."""
    log_pi = _log_policy(theta, "escort", p)
    return theta + sensitivity(theta, log_pi, "escort", p, log_eta) * centred(log_pi, signal)


def _spg(theta: np.ndarray, r: np.ndarray, params: StepParameters) -> np.ndarray:
    return theta + params.eta * reward_gradient_unchecked(theta, r, "softmax", params.p)


def _epg(theta: np.ndarray, r: np.ndarray, params: StepParameters) -> np.ndarray:
    return _escort_step(theta, r, theorem2_log_step(theta, params), params.p)


def _epg_normalised(theta: np.ndarray, r: np.ndarray, params: StepParameters) -> np.ndarray:
    p = params.p
    unit = theta / np.exp(_log_p_norm(theta, p))
    moved = _escort_step(unit, r, theorem2_log_constant(p, params.K), p)
    return moved / np.exp(_log_p_norm(moved, p))


def _md(theta: np.ndarray, r: np.ndarray, params: StepParameters) -> np.ndarray:
    return theta + params.eta * r


def _nrd(theta: np.ndarray, r: np.ndarray, params: StepParameters) -> np.ndarray:
    advantage = centred(_log_policy(theta, "softmax", params.p), r)
    beta = NRD_LOGIT_THRESHOLD
    outward = ((theta >= beta) & (advantage > 0)) | ((theta <= -beta) & (advantage < 0))
    return theta + params.eta * np.where(outward, 0.0, advantage)


def _spg_normalised(theta: np.ndarray, r: np.ndarray, params: StepParameters) -> np.ndarray:
    gradient = reward_gradient_unchecked(theta, r, "softmax", params.p)
    length = np.sqrt(np.sum(gradient * gradient, axis=-1, keepdims=True))
    return theta + params.eta * np.divide(gradient, length, out=np.zeros_like(gradient), where=length > 0)


def _spg_inverse_optimal(theta: np.ndarray, r: np.ndarray, params: StepParameters) -> np.ndarray:
    log_pi = _log_policy(theta, "softmax", params.p)
    log_optimal = np.take_along_axis(log_pi, params.astar, axis=-1)
    return theta + params.eta * sensitivity(theta, log_pi, "softmax", params.p, -log_optimal) * centred(log_pi, r)


def _spg_entropy(theta: np.ndarray, r: np.ndarray, params: StepParameters) -> np.ndarray:
    return theta + params.eta * regularised_reward_gradient_unchecked(theta, r, params.tau, "softmax", params.p)


def entropy_log_step(theta: np.ndarray, params: StepParameters) -> np.ndarray:
    """log η_t = log(‖θ_t‖_p²/(10p²K^{1/p} + c_τ)), c_τ = p²τ(4 + 8 log K) (our reading of Theorem 4)."""
    p = params.p
    return 2.0 * _log_p_norm(theta, p) - theorem4_log_denominator(p, params.K, params.tau)


def _epg_entropy(theta: np.ndarray, r: np.ndarray, params: StepParameters) -> np.ndarray:
    p = params.p
    return _escort_step(theta, r - params.tau * _log_policy(theta, "escort", p), entropy_log_step(theta, params), p)


_ALGORITHM_LIST: tuple[Algorithm, ...] = (
    Algorithm("spg", "softmax", _spg, "Eq. (1); Fig. 1 (η = 0.4)"),
    Algorithm("epg", "escort", _epg, "Eq. (5), Theorem 2 step"),
    Algorithm("epg-normalised", "escort", _epg_normalised, "Algorithm 2 / Lemma 9 (appendix)"),
    Algorithm("md", "softmax", _md, "Section 3, 'Relationship to Mirror Descent'"),
    Algorithm("nrd", "softmax", _nrd, "Hennes et al. 2020 (reviews)"),
    Algorithm("spg-normalised", "softmax", _spg_normalised, "reviewer heuristic: normalised gradient"),
    Algorithm("spg-inverse-optimal", "softmax", _spg_inverse_optimal, "reviewer heuristic: g/π(a*)"),
    Algorithm("spg-entropy", "softmax", _spg_entropy, "Theorem 4 objective, softmax"),
    Algorithm("epg-entropy", "escort", _epg_entropy, "Theorem 4 (step: our reading)"),
)

ALGORITHMS: dict[str, Algorithm] = {a.name: a for a in _ALGORITHM_LIST}
"""Every bandit algorithm by name (the ``algorithm`` argument of :func:`numerics.engine.run_bandit`)."""
