"""One :class:`Method` object per algorithm: transform, gradient oracle, step-size rule, where it runs, and (on a
bandit) its step rule θ_t ↦ θ_{t+1} in batched numpy form (the reference backend).

:data:`METHODS` is the one registry of algorithms. Every engine accepts exactly the methods registered for its
:class:`Setting` (:func:`methods_for`); a method's step size on each setting is the key of its
:class:`theory.statements.RateBound` in ``BOUNDS`` (read through :mod:`numerics.engine.step_sizes`), or None for
a fixed η given by the caller. The loop that applies a bandit rule is :func:`numerics.engine.loop.simulate`
(:mod:`numerics.engine.runs`); :mod:`numerics.engine.compiled` is the numba backend of the same rules. g denotes the exact gradient of πᵀr
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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

import numpy as np

from numerics.engine.step_sizes import theorem2_log_constant, theorem4_log_denominator
from numerics.kernels.gradients import centred, regularised_reward_gradient_unchecked, reward_gradient_unchecked, sensitivity
from numerics.kernels.transforms import _log_p_norm, _log_policy

__all__ = [
    "ALGORITHMS", "METHODS", "NRD_LOGIT_THRESHOLD", "Method", "Oracle", "Setting", "StepParameters", "entropy_log_step",
    "methods_for", "theorem2_log_step",
]

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


class Oracle(Enum):
    """The gradient a method ascends (or descends)."""

    REWARD = "exact gradient of πᵀr (Eq. (1), Eq. (5)); on an MDP of V(ρ), exact or sampled (REINFORCE)"
    REGULARISED_REWARD = "exact gradient of πᵀr + τH(π); on an MDP of the soft value Ṽ(ρ) (Theorem 4)"
    REWARD_SIGNAL = "the reward vector r itself (mirror descent) or its centred form (replicator dynamics)"
    CROSS_ENTROPY = "gradient of δ = −log π(a_y), descended (Eq. (10), Eq. (12))"


class Setting(Enum):
    """Where a method runs: the engine that accepts it."""

    BANDIT = "numerics.engine.runs.run_bandit (numpy and compiled backends)"
    MDP = "numerics.engine.mdp_policy_gradient.run_mdp (exact gradient)"
    REINFORCE = "numerics.engine.reinforce.run_reinforce (sampled gradient)"
    CLASSIFICATION = "numerics.engine.classification.run_classification"


@dataclass(frozen=True)
class Method:
    """A named algorithm: its transform, its gradient oracle, its step size per setting (a key of
    ``theory.statements.BOUNDS``, or None for a fixed η), its bandit step rule (numpy; None if it has no bandit
    form) and where it comes from."""

    name: str
    transform: str
    oracle: Oracle
    step_sizes: Mapping[Setting, str | None]
    reference: str
    step: StepRule | None = None

    def runs_on(self, setting: Setting) -> bool:
        """Whether the engine of ``setting`` accepts this method."""
        return setting in self.step_sizes


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


_B, _M, _R, _C = Setting.BANDIT, Setting.MDP, Setting.REINFORCE, Setting.CLASSIFICATION

_METHOD_LIST: tuple[Method, ...] = (
    Method("spg", "softmax", Oracle.REWARD, {_B: None, _M: None, _R: "thm3-spg"}, "Eq. (1); Fig. 1 (η = 0.4)", _spg),
    Method("epg", "escort", Oracle.REWARD, {_B: "thm2-ascent", _M: "thm3", _R: "thm3"},
           "Eq. (5), Theorem 2 step (bandit), Theorem 3 step (MDP)", _epg),
    Method("epg-normalised", "escort", Oracle.REWARD, {_B: "thm2-ascent"}, "Algorithm 2 / Lemma 9 (appendix)",
           _epg_normalised),
    Method("md", "softmax", Oracle.REWARD_SIGNAL, {_B: None}, "Section 3, 'Relationship to Mirror Descent'", _md),
    Method("nrd", "softmax", Oracle.REWARD_SIGNAL, {_B: None}, "Hennes et al. 2020 (reviews)", _nrd),
    Method("spg-normalised", "softmax", Oracle.REWARD, {_B: None}, "reviewer heuristic: normalised gradient",
           _spg_normalised),
    Method("spg-inverse-optimal", "softmax", Oracle.REWARD, {_B: None}, "reviewer heuristic: g/π(a*)",
           _spg_inverse_optimal),
    Method("spg-entropy", "softmax", Oracle.REGULARISED_REWARD, {_B: None, _M: None}, "Theorem 4 objective, softmax",
           _spg_entropy),
    Method("epg-entropy", "escort", Oracle.REGULARISED_REWARD, {_B: "thm4", _M: "thm4"},
           "Theorem 4 (step: our reading)", _epg_entropy),
    Method("sce", "softmax", Oracle.CROSS_ENTROPY, {_C: "sce"}, "Section 5, Eq. (10); step 1/L"),
    Method("ece", "escort", Oracle.CROSS_ENTROPY, {_C: "thm5"}, "Section 5, Eq. (12); Theorem 5 step"),
)

METHODS: dict[str, Method] = {m.name: m for m in _METHOD_LIST}
"""Every algorithm of the package by name: the one registry."""


def methods_for(setting: Setting) -> dict[str, Method]:
    """The methods the engine of ``setting`` accepts, by name, in registry order."""
    return {name: method for name, method in METHODS.items() if method.runs_on(setting)}


ALGORITHMS: dict[str, Method] = methods_for(Setting.BANDIT)
"""The bandit methods by name (the ``algorithm`` argument of :func:`numerics.engine.run_bandit`)."""
