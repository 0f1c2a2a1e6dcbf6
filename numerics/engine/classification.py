"""Cross-entropy minimisation at the output layer (Section 5): SCE (softmax) and ECE (escort), batched.

Both descend δ(θ) = −log π_θ(a_y) for a one-hot label y:

* ``sce``: θ ← θ − η·(π − y). Default η = 2 = 1/L: the Hessian of δ is diag(π) − ππᵀ, whose eigenvalues
  are at most max_i 2π(i)(1 − π(i)) ≤ 1/2 by Gershgorin's theorem, so δ is L = 1/2 smooth.
* ``ece``: θ ← θ − η_t·p·diag(1/θ)(π − y) (Eq. (12)). Default η_t = ‖θ_t‖_2²/(4(3 + c₁²)) with
  c₁² = 1/π_{θ₁}(a_y) (Theorem 5, stated for p = 2; for other p it is used as is, without a guarantee).

Recorded (at the steps of :func:`numerics.engine.recording.recording_steps`): δ_t and ‖y − π_t‖₂², both
computed from the log-domain policy without cancellation near π(a_y) = 1:
δ = log1p(Σ_{b≠y} e^{z(b) − z(y)}) when z(y) is the largest logit (z = θ, or p·log|θ| for the escort),
and ‖y − π‖² = (Σ_{b≠y} π(b))² + Σ_{b≠y} π(b)².
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foundation.validation import InputError, check_choice, check_index, check_finite_array, check_positive
from numerics.engine.loop import simulate
from numerics.engine.methods import Setting, methods_for
from numerics.engine.recording import recording_steps
from numerics.engine.step_sizes import sce_step, theorem5_step
from numerics.kernels.gradients import cross_entropy_gradient_unchecked
from numerics.kernels.transforms import _escort_logits, _logsumexp, _p_norm, check_transform

__all__ = ["ClassificationTrajectory", "run_classification"]

CLASSIFIERS = methods_for(Setting.CLASSIFICATION)
"""The classification methods (sce, ece) of the one registry."""

SCE_STEP = sce_step()
"""Default SCE step 1/L with L = 1/2 (see the module docstring)."""


@dataclass(frozen=True)
class ClassificationTrajectory:
    """``steps`` (T',); ``cross_entropy`` δ_t = −log π_t(a_y) and ``l2`` ‖y − π_t‖₂² (B, T'); ``theta_final``."""

    steps: np.ndarray
    cross_entropy: np.ndarray
    l2: np.ndarray
    theta_final: np.ndarray


def _logits(theta: np.ndarray, transform: str, p: float) -> np.ndarray:
    return theta if transform == "softmax" else _escort_logits(theta, p)


def _losses(z: np.ndarray, label: int) -> tuple[np.ndarray, np.ndarray]:
    """(δ, ‖y − π‖²) from logits z (B, K) without cancellation near π(a_y) = 1."""
    at_label = z[:, label]
    others = np.delete(z, label, axis=-1)
    relative = others - at_label[:, None]
    leading = np.all(relative <= 0, axis=-1)
    tail = np.sum(np.exp(np.minimum(relative, 0.0)), axis=-1)
    cross_entropy = np.where(leading, np.log1p(tail), _logsumexp(z)[:, 0] - at_label)
    rest = np.exp(others - _logsumexp(z))
    l2 = np.sum(rest, axis=-1) ** 2 + np.sum(rest * rest, axis=-1)
    return cross_entropy, l2


def run_classification(
    algorithm: str,
    theta0: np.ndarray,
    label: int,
    steps: int,
    *,
    p: float = 2.0,
    eta: float | None = None,
    record_every: int = 1,
    record_per_decade: int | None = None,
) -> ClassificationTrajectory:
    """Run SCE or ECE from θ₁ = ``theta0`` (B, K) on the one-hot label a_y = ``label`` (0-based).

    ``eta``: a fixed step; ``None`` takes the defaults of the module docstring (SCE: 2; ECE: Theorem 5).

    >>> traj = run_classification("ece", np.array([[1.0, 2.0]]), 0, 200, record_every=200)
    >>> bool(traj.cross_entropy[0, -1] < 1e-6 < traj.cross_entropy[0, 0])
    True
    """
    transform = CLASSIFIERS[check_choice(algorithm, CLASSIFIERS, name="algorithm")].transform
    theta = check_finite_array(theta0, name="theta0", ndim=2).copy()
    B, K = theta.shape
    if K < 2:
        raise InputError(f"theta0 must have shape (B, K) with K >= 2 classes; got {theta.shape}")
    power = check_transform(transform, p, theta)
    label = check_index(label, name="label", size=K, what="index of the true class")
    schedule = recording_steps(steps, record_every=record_every, record_per_decade=record_per_decade)
    fixed = None if eta is None else check_positive(eta, name="eta")
    c1_squared = np.exp(_logsumexp(_logits(theta, transform, power))[:, 0] - _logits(theta, transform, power)[:, label])

    def step_size(state: np.ndarray) -> np.ndarray | float:
        if fixed is not None:
            return fixed
        if transform == "softmax":
            return SCE_STEP
        return theorem5_step(_p_norm(state, 2.0)[:, 0], c1_squared)[:, None]

    run = simulate(
        theta, schedule,
        update=lambda t, state, _: state - step_size(state) * cross_entropy_gradient_unchecked(
            state, int(label), transform, power),
        record=lambda t, state, _: _losses(_logits(state, transform, power), label),
    )
    records = np.stack([np.stack(losses) for losses in run.records], axis=-1)
    theta = run.state
    return ClassificationTrajectory(steps=schedule, cross_entropy=records[0], l2=records[1], theta_final=theta)
