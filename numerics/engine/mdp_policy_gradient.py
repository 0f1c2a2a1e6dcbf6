"""Policy gradient on a tabular finite MDP with exact gradients: SPG, EPG (Theorem 3) and their entropy forms.

Every run ascends V^{π_θ}(ρ) (or the soft value Ṽ^{π_θ}(ρ) of Theorem 4) with the exact gradient
g_t = ∂V/∂θ of :func:`numerics.environments.mdp.policy_gradient`, θ of shape (S, A), batched over B runs:

=============  =========  ==================================================================================
name           transform  θ_{t+1}(s, ·)
=============  =========  ==================================================================================
spg            softmax    θ_t(s, ·) + η·g_t(s, ·)                     (fixed η)
epg            escort     θ_t(s, ·) + η_t(s)·g_t(s, ·),  η_t(s) = (1−γ)³‖θ_t(s, ·)‖_p²/(10p²A^{2/p})
                          (Theorem 3; lambdified from ``BOUNDS['thm3'].step_size``)
spg-entropy    softmax    θ_t(s, ·) + η·g̃_t(s, ·),  g̃ = ∂Ṽ/∂θ with temperature τ
epg-entropy    escort     θ_t(s, ·) + η_t(s)·g̃_t(s, ·),  η_t(s) = (1−γ)³‖θ_t(s, ·)‖_p²/(10p²A^{1/p} + c_τ)
=============  =========  ==================================================================================

Theorem 4 prints η_t = (1−γ)³/(10p²A^{1/p} + c_τ) without ‖θ_t‖_p² and leaves c_τ unspecified; we use the bandit
engine's reading (:func:`numerics.engine.methods.entropy_log_step`: ‖θ_t‖_p² restored, c_τ = p²τ(4 + 8 log A))
per state, times (1−γ)³.

After each escort step θ(s, ·) is divided by ‖θ(s, ·)‖_p. This changes no policy: π(·|s) is homogeneous of degree
0 in θ(s, ·), and the update η_t(s)·g_t(s, ·) of degree 1 (η_t ∝ ‖θ‖_p², ∂π/∂θ ∝ 1/θ), so the rescaled run visits
the same policies (the MDP form of the paper's Algorithm 2 / Lemma 9). It keeps ‖θ‖ from growing geometrically:
g ⊥ θ (Σ_a θ(a)·p·π(a)/θ(a)·(Q(a) − V) = 0), so the unnormalised norm grows at every step and overflows.

Beside Theorem 3's step, ``epg_step`` offers EPG two rules an independent implementation may use, so its runs
can be compared without converting by hand: ``"constant"`` (θ_{t+1}(s, ·) = θ_t(s, ·) + η·g_t(s, ·), θ never
rescaled, since with a constant η the rescaled run would visit other policies) and ``"norm-squared"``
(η_t(s) = η·‖θ_t(s, ·)‖_p², Theorem 3's form with its constant replaced by η; rescaled like Theorem 3's step).

``step_scale`` λ multiplies the theorem steps of epg and epg-entropy (λ = 1: the theorems as stated). At
γ = 0.99 Theorem 3's constant (1−γ)³/(10p²A^{2/p}) is ~6e-9, so the theorem's step cannot move θ within any
affordable number of iterations; Fig. 5(c) therefore runs both methods at the same multiple λ of their own
theoretical steps (SPG: η = λ(1−γ)³/8, the step of Mei et al. 2020, Theorem 4).

Recorded at the steps of :func:`numerics.engine.recording_steps` (column 0 is θ₁, the paper's t = 1):
sub-optimality V*(ρ) − V^{π_t}(ρ) (soft: Ṽ*_τ(ρ) − Ṽ^{π_t}(ρ)), the optimal-action mass
min_s π_t(A*(s)|s) (A*(s): the optimal actions of the unregularised MDP, ties included) and min_{s,a} π_t(a|s)
(Theorem 4's c at time t); over *every* step, the running minimum inf_t π_t(a|s) (Theorem 3's c needs it). With
``record_trajectory``, also θ_t (as iterated: after a rescaling step, θ_t/‖θ_t(s, ·)‖_p, the same policy) and the
state values V^{π_t}(s).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from foundation.validation import (
    InputError, check_choice, check_finite_array, check_per_run, check_positive, check_run_size, check_temperature,
)
from numerics.engine import step_sizes
from numerics.engine.loop import simulate
from numerics.engine.recording import recording_steps
from numerics.engine.methods import Setting, StepParameters, entropy_log_step, methods_for
from numerics.environments.mdp import (
    FiniteMDP,
    check_distribution,
    values_and_gradient,
    optimal_actions,
    optimal_values,
)
from numerics.kernels.transforms import _p_norm, check_transform

__all__ = ["EPG_STEPS", "MDP_ALGORITHMS", "MDPTrajectory", "run_mdp", "theorem3_step"]

MDP_ALGORITHMS = methods_for(Setting.MDP)
"""The methods of the one registry that run on an MDP with exact gradients (spg, epg, spg-entropy, epg-entropy)."""

EPG_STEPS: tuple[str, ...] = ("theorem3", "constant", "norm-squared")
"""EPG's step rules: Theorem 3's η_t(s) (times ``step_scale``), a constant η, or η·‖θ_t(s, ·)‖_p²."""


def theorem3_step(theta: np.ndarray, *, gamma: float, p: float) -> np.ndarray:
    """η_t(s) = (1−γ)³‖θ_t(s, ·)‖_p²/(10p²A^{2/p}) of Theorem 3, shape θ.shape[:-1] + (1,)."""
    return step_sizes.theorem3_step(_p_norm(theta, p), gamma=gamma, p=p, A=theta.shape[-1])


@dataclass(frozen=True)
class MDPTrajectory:
    """B runs on one MDP: ``steps`` (T',); ``suboptimality``, ``optimal_probability``, ``min_probability``
    (B, T'); ``running_min`` (B, S, A) = min over all steps of π_t(a|s); ``theta_final`` (B, S, A); with
    ``record_trajectory``, ``theta`` (B, T', S, A) = θ_t and ``values`` (B, T', S) = V^{π_t}(s), else None."""

    steps: np.ndarray
    suboptimality: np.ndarray
    optimal_probability: np.ndarray
    min_probability: np.ndarray
    running_min: np.ndarray
    theta_final: np.ndarray
    theta: np.ndarray | None = None
    values: np.ndarray | None = None


def _step_size(
    algorithm: str, theta: np.ndarray, mdp: FiniteMDP, p: float, eta: float, tau: float, scale: float, rule: str
) -> np.ndarray | float:
    if algorithm in ("spg", "spg-entropy") or rule == "constant":
        return eta
    if rule == "norm-squared":
        return eta * _p_norm(theta, p) ** 2
    if algorithm == "epg":
        return scale * theorem3_step(theta, gamma=mdp.gamma, p=p)
    params = StepParameters(p=p, eta=eta, tau=tau, K=mdp.n_actions, astar=np.zeros((1, 1), dtype=int))
    return scale * step_sizes.theorem4_gamma_factor(mdp.gamma) * np.exp(entropy_log_step(theta, params))


def check_domain(theta: np.ndarray, transform: str, t: int, scale: float) -> None:
    """Stop a run whose steps are too long for its parameters to stay finite (and, for the escort, normal numbers:
    at |θ(a)| below the smallest normal float, 2.2e-308, θ(a) has lost its relative precision and the score
    p/θ(a) is about to overflow; whether a collapsing parameter lands on 0 or on a subnormal depends on the
    machine's exp/log rounding)."""
    if not np.all(np.isfinite(theta)) or (
        transform == "escort" and np.any(np.abs(theta) < np.finfo(np.float64).tiny)
    ):
        raise InputError(
            f"step_scale (or eta) is too large for this run: theta left the domain of the {transform} transform "
            f"at step {t + 1} (step_scale={scale:g}; 1 is the theorem's step)"
        )


def _validate(
    algorithm: str, mdp: FiniteMDP, theta0: object, rho: object, p: float, eta: float, tau: float
) -> tuple[str, np.ndarray, np.ndarray, float, float, float]:
    check_choice(algorithm, MDP_ALGORITHMS, name="algorithm")
    theta = check_finite_array(theta0, name="theta0", ndim=3).copy()
    if theta.shape[1:] != (mdp.n_states, mdp.n_actions):
        raise InputError(f"theta0 must have shape (B, S, A) = (B, {mdp.n_states}, {mdp.n_actions}); got {theta.shape}")
    power = check_transform(MDP_ALGORITHMS[algorithm].transform, p, theta)
    start = check_per_run(check_distribution(rho, name="rho", size=mdp.n_states), name="rho", runs=theta.shape[0],
                          size=mdp.n_states)
    temperature = check_temperature(tau)
    if algorithm.endswith("-entropy") != (temperature > 0):
        raise InputError(f"tau must be > 0 exactly for the *-entropy algorithms; got tau={tau!r} for {algorithm}")
    return algorithm, theta, start, power, check_positive(eta, name="eta"), temperature


def run_mdp(
    algorithm: str,
    mdp: FiniteMDP,
    theta0: np.ndarray,
    rho: np.ndarray,
    steps: int,
    *,
    p: float = 2.0,
    eta: float = 0.4,
    tau: float = 0.0,
    step_scale: float = 1.0,
    epg_step: str = "theorem3",
    record_every: int = 1,
    record_per_decade: int | None = None,
    record_trajectory: bool = False,
) -> MDPTrajectory:
    """Run ``algorithm`` (a key of :data:`MDP_ALGORITHMS`) from θ₁ = ``theta0`` (B, S, A) for ``steps`` updates.

    ``rho`` (S,) or (B, S): the start distribution of V(ρ), per run if 2-D. ``eta``: the fixed step of spg and
    spg-entropy, and of epg under ``epg_step`` "constant" or "norm-squared" (:data:`EPG_STEPS`); ``step_scale``:
    the multiple λ of the theorem steps of epg and epg-entropy (module docstring). ``tau`` > 0 exactly for the
    entropy algorithms. ``record_trajectory``: also keep θ_t and V^{π_t}(s) at the recorded steps.

    >>> from numerics.environments.mdp import random_mdp
    >>> mdp = random_mdp(np.random.default_rng(0), 3, 2, 0.5)
    >>> run = run_mdp("spg", mdp, np.zeros((1, 3, 2)), mdp.rho, 200, record_every=100)
    >>> run.steps.tolist(), bool(run.suboptimality[0, -1] < run.suboptimality[0, 0])
    ([0, 100, 200], True)
    """
    name, theta, start, power, step, temperature = _validate(algorithm, mdp, theta0, rho, p, eta, tau)
    scale = check_positive(step_scale, name="step_scale")
    rule = check_choice(epg_step, EPG_STEPS, name="epg_step")
    if rule != "theorem3" and name != "epg":
        raise InputError(f"epg_step must be 'theorem3' (the default) unless algorithm is 'epg'; got {rule!r}")
    schedule = recording_steps(steps, record_every=record_every, record_per_decade=record_per_decade)
    B, S, A = theta.shape
    kept = schedule.size * B * (3 + (S * (A + 1) if record_trajectory else 0))
    check_run_size(int(schedule[-1]), kept, hint="record fewer steps (record_every, record_per_decade) or fewer runs")
    transform = MDP_ALGORITHMS[name].transform
    rescale = transform == "escort" and rule != "constant"
    best = np.sum(start * optimal_values(mdp, tau=temperature), axis=-1)
    optimal = optimal_actions(mdp)
    running_min = np.ones_like(theta)

    def observe(t: int, state: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pi, V, gradient = values_and_gradient(mdp, state, start, transform, power, temperature)
        np.minimum(running_min, pi, out=running_min)
        return pi, V, gradient

    def record(t: int, state: np.ndarray, seen: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple:
        pi, V, _ = seen
        kept = (state, V) if record_trajectory else (None, None)
        return (best - np.sum(start * V, axis=-1), np.min(np.sum(np.where(optimal, pi, 0.0), axis=-1), axis=-1),
                np.min(pi, axis=(-2, -1)), *kept)

    def update(t: int, state: np.ndarray, seen: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
        moved = state + _step_size(name, state, mdp, power, step, temperature, scale, rule) * seen[2]
        check_domain(moved, transform, t, scale)
        return moved / _p_norm(moved, power) if rescale else moved

    # B solves of an S x S system per step: multi-threaded BLAS only adds contention at this size
    with threadpool_limits(limits=1, user_api="blas"):
        run = simulate(theta, schedule, update=update, record=record, observe=observe)
    columns = list(zip(*run.records))
    suboptimality, optimal_mass, smallest = (np.stack(column, axis=1) for column in columns[:3])
    thetas, values = (np.stack(column, axis=1) if record_trajectory else None for column in columns[3:])
    return MDPTrajectory(schedule, suboptimality, optimal_mass, smallest, running_min=running_min,
                         theta_final=run.state, theta=thetas, values=values)
