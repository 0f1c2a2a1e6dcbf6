"""Bandit and classification algorithms of the paper, batched over runs, numpy reference and numba backends.

Public API of the numerics core (other modules code against these names and signatures)
--------------------------------------------------------------------------------------
``numerics.kernels.transforms`` (θ of shape (..., K), along ``axis``; escort computed as softmax(p·log|θ|))
    softmax(theta, axis=-1), log_softmax(theta, axis=-1)
    escort(theta, p, axis=-1), log_escort(theta, p, axis=-1)     f_p, Eq. (3); a zero θ(a) raises InputError
    p_norm(theta, p, axis=-1), log_p_norm(theta, p, axis=-1)       overflow-safe ‖θ‖_p
    policy(theta, *, transform, p=2.0), log_policy(...)            by name: TRANSFORMS = ("softmax", "escort")
``numerics.kernels.gradients`` (batched over leading axes; finite for |θ| ∈ [1e-300, 1e300], p ≤ 1e3)
    reward_gradient(theta, r, *, transform="softmax", p=2.0)              Eq. (1) / Eq. (5)
    cross_entropy_gradient(theta, label, *, transform="softmax", p=2.0)   π − y;  p·diag(1/θ)(π − y)
    regularised_reward_gradient(theta, r, tau, *, transform, p)           ∇(πᵀr + τH(π))
``numerics.environments.bandit``
    gap_rewards(K, gap, base) -> (b+Δ, b, …, b);  random_rewards(rng, batch, K) -> (batch, K) ~ U[0, 1]
    initial_parameters(rng, batch, K, *, transform, p=2.0, optimal_probability=None, optimal_action=0)
    suboptimality(pi, r) -> (π* − π)ᵀr
``numerics.engine`` (this package)
    METHODS: one Method per algorithm (transform, gradient oracle, step size per Setting, bandit step rule);
    ALGORITHMS = methods_for(Setting.BANDIT): spg, epg, epg-normalised, md, nrd, spg-normalised,
    spg-inverse-optimal, spg-entropy, epg-entropy (step rules and our readings: :mod:`numerics.engine.methods`)
    run_bandit(algorithm, theta0 (B, K), r (K,) | (B, K), steps, *, p=2.0, eta=0.4, tau=0.0,
               record_every=1, record_per_decade=None, backend="numpy" | "compiled", stop_below=None)
        -> Trajectory(steps (T',), suboptimality, optimal_probability, norm (B, T'), sign_changes (B,),
                      steps_run (B,), theta_final, policy_final (B, K))
    escape_times(theta0, r, *, algorithm="spg", eta=0.4, p=2.0, threshold=0.9, max_steps,
                 backend="compiled") -> (B,) 1-based t₀, inf if undecided (Fig. 2 definition)
    run_classification(algorithm "sce" | "ece", theta0 (B, K), label, steps, *, p=2.0, eta=None,
                       record_every=1, record_per_decade=None)
        -> ClassificationTrajectory(steps, cross_entropy δ_t, l2 = ‖y − π_t‖², theta_final)
``numerics.engine.flow``
    gradient_flow(theta0, r, times, *, p=2.0, rtol, atol) -> FlowSolution (Theorem 2's flow, solve_ivp)

Conventions: indices are 0-based (a* = argmax r, label a_y); recorded column 0 is θ₁ (the paper's t = 1);
bad input raises :class:`foundation.validation.InputError` naming the argument.
"""

from numerics.engine.classification import ClassificationTrajectory, run_classification
from numerics.engine.escape import escape_times
from numerics.engine.methods import ALGORITHMS, METHODS, NRD_LOGIT_THRESHOLD, Method, Oracle, Setting, methods_for
from numerics.engine.recording import recording_steps
from numerics.engine.runs import BACKENDS, Trajectory, run_bandit

__all__ = [
    "ALGORITHMS",
    "BACKENDS",
    "ClassificationTrajectory",
    "METHODS",
    "Method",
    "NRD_LOGIT_THRESHOLD",
    "Oracle",
    "Setting",
    "Trajectory",
    "escape_times",
    "methods_for",
    "recording_steps",
    "run_bandit",
    "run_classification",
]
