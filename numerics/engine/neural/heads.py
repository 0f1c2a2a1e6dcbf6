"""Output heads of the classifier: a transform θ ↦ π and a per-example loss with its gradient in θ.

Both transforms normalise elementwise weights, π(a) = w(θ(a)) / Σ_a' w(θ(a')), with w = exp (softmax) or
w = |·|^p (escort, Eq. (3)). Writing s(a) = d log w(θ(a)) / dθ(a) — 1 for softmax, p/θ(a) for the escort —

    d log π(a_y) / dθ(a) = s(a) · (y(a) − π(a)),

which is Eq. (1) (softmax) and Eq. (7) applied to y (escort). Hence, per example,

* policy-gradient loss ℓ = 1 − π(a_y):   dℓ/dθ = −π(a_y) · s ⊙ (y − π)   (Eq. (1) / Eq. (4) with r = y),
* cross-entropy loss  ℓ = −log π(a_y):   dℓ/dθ = s ⊙ (π − y)              (Section 5 / Eq. (12)).

π is computed in the log domain, log π = log w − logsumexp(log w), so that large |θ| does not overflow.

**The escort's kink.** A network's output can be exactly 0 in one entry (a unit whose inputs cancel, or whose
hidden layer is all zero and whose bias reached 0; the full MNIST Fig. 6 met one). π is defined there (π(a) = 0),
and for p > 1 so is the policy-gradient loss's gradient: with (π, q = p·π/θ) from
:func:`numerics.kernels.transforms.escort_at_kink` (both finite at θ(a) = 0 for p > 1),

    dℓ/dθ = −π(a_y)·(p/θ) ⊙ (y − π) = π(a_y)·q − q(a_y)·y        (ℓ = 1 − π(a_y)),

    dℓ/dθ = (p/θ) ⊙ (π − y) = q − (p/θ(a_y))·y                     (ℓ = −log π(a_y), needs θ(a_y) ≠ 0).

Rows with a zero entry are evaluated in this form (rows without one keep the log-domain kernel, so their values
are unchanged). Where no gradient exists — the cross entropy at θ(a_y) = 0 (ℓ = +∞), or p = 1 at any zero
entry — :meth:`Head.has_gradient` is False and :meth:`Head.loss_gradient` raises InputError; a training run
stops there (:func:`numerics.engine.neural.classifier.train` records it as diverged).

>>> import numpy as np
>>> head = Head("cross-entropy", "escort", p=2.0)
>>> head.loss(np.array([[1.0, 1.0]]), np.array([0]))      # π = (1/2, 1/2)
array([0.69314718])
>>> head.loss_gradient(np.array([[1.0, 1.0]]), np.array([0]))   # (p/θ)(π − y) = 2·(−1/2, 1/2)
array([[-1.,  1.]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foundation.validation import InputError, check_choice, check_escort_power
from numerics.kernels.transforms import TRANSFORMS, escort_at_kink, log_policy

__all__ = ["OBJECTIVES", "Head", "score"]

OBJECTIVES = ("policy-gradient", "cross-entropy")


def score(theta: np.ndarray, actions: np.ndarray, *, transform: str, p: float = 2.0) -> np.ndarray:
    """The score function d log π_θ(a)/dθ = s ⊙ (e_a − π) for each row of θ (B, K) and action a (B,).

    It is also REINFORCE's gradient estimate per unit reward: E_{a∼π}[r(a)·score(θ, a)] = d(πᵀr)/dθ.
    """
    pi = np.exp(log_policy(theta, transform=transform, p=p))
    scale = 1.0 if transform == "softmax" else p / theta
    return scale * (np.eye(theta.shape[1])[actions] - pi)


@dataclass(frozen=True)
class Head:
    """An objective ('policy-gradient' or 'cross-entropy') on a transform ('softmax' or 'escort' with p ≥ 1)."""

    objective: str
    transform: str
    p: float = 2.0

    def __post_init__(self) -> None:
        check_choice(self.objective, OBJECTIVES, name="objective")
        check_choice(self.transform, TRANSFORMS, name="transform")
        object.__setattr__(self, "p", check_escort_power(self.p))

    @property
    def label(self) -> str:
        """The paper's name: SPG / EPG for the policy gradient, SCE / ECE for the cross entropy."""
        prefix = "S" if self.transform == "softmax" else "E"
        name = prefix + ("PG" if self.objective == "policy-gradient" else "CE")
        return name if self.transform == "softmax" else f"{name} p={self.p:g}"

    @property
    def initial_bias(self) -> float:
        """An output bias c with π = 1/K at θ = c·1 and, for the escort, |θ| away from its kink at 0."""
        return 0.0 if self.transform == "softmax" else 1.0

    def log_policy(self, theta: np.ndarray) -> np.ndarray:
        """log π_θ(·|x) for each row of θ (shape (B, K)), by :func:`numerics.kernels.transforms.log_policy`; for
        the escort, rows with an exact zero entry by the kink form of the module docstring (log π(a) = −inf)."""
        kinked = self._kinked(theta)
        if not kinked.any():
            return log_policy(theta, transform=self.transform, p=self.p)
        result = np.empty(theta.shape)
        result[~kinked] = log_policy(theta[~kinked], transform=self.transform, p=self.p)
        with np.errstate(divide="ignore"):
            result[kinked] = np.log(escort_at_kink(theta[kinked], self.p)[0])
        return result

    def _kinked(self, theta: np.ndarray) -> np.ndarray:
        """The rows of θ (B, K) with an exact zero entry, where the escort is at its kink (all False for softmax)."""
        if self.transform == "softmax" or theta.ndim != 2:
            return np.zeros(theta.shape[:1], dtype=bool)
        return np.any(theta == 0, axis=1)

    def _checked(self, theta: np.ndarray, labels: np.ndarray) -> np.ndarray:
        if theta.ndim != 2 or labels.shape != (theta.shape[0],):
            raise InputError(f"theta must be (B, K) and labels (B,); got {theta.shape} and {labels.shape}")
        if not np.all(np.isfinite(theta)):
            raise InputError("theta must contain only finite numbers (no NaN or inf); the training diverged")
        return np.eye(theta.shape[1])[labels]

    def loss(self, theta: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Per-example loss: 1 − π(a_y|x) or −log π(a_y|x)."""
        self._checked(theta, labels)
        log_pi_y = np.take_along_axis(self.log_policy(theta), labels[:, None], axis=1)[:, 0]
        return 1.0 - np.exp(log_pi_y) if self.objective == "policy-gradient" else -log_pi_y

    def score(self, theta: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """d log π(a_y)/dθ = s ⊙ (y − π) for each row (shape (B, K))."""
        self._checked(theta, labels)
        return score(theta, labels, transform=self.transform, p=self.p)

    def has_gradient(self, theta: np.ndarray, labels: np.ndarray) -> bool:
        """Whether the loss has a gradient at every row: False only at the escort's kink (module docstring) for
        p = 1, or for the cross entropy where θ(a_y) = 0."""
        kinked = self._kinked(theta)
        if not kinked.any():
            return True
        if self.p == 1:
            return False
        return self.objective == "policy-gradient" or bool(np.all(theta[np.arange(theta.shape[0]), labels] != 0))

    def loss_gradient(self, theta: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Per-example dℓ/dθ (shape (B, K)): −score for the cross entropy, −π(a_y)·score for 1 − π(a_y); rows at
        the escort's kink by the kink forms of the module docstring (p > 1; θ(a_y) ≠ 0 for the cross entropy)."""
        kinked = self._kinked(theta)
        if kinked.any():
            self._checked(theta, labels)
            if not self.has_gradient(theta, labels):
                raise InputError(
                    f"theta has an exact zero entry (row {int(np.argmax(kinked))}) where {self.label}'s loss has no "
                    "gradient (the escort's kink: p = 1, or the cross entropy at theta(a_y) = 0)"
                )
            gradient = np.empty(theta.shape)
            gradient[~kinked] = self.loss_gradient(theta[~kinked], labels[~kinked])
            pi, q = escort_at_kink(theta[kinked], self.p)
            y = np.eye(theta.shape[1])[labels[kinked]]
            pick = np.arange(y.shape[0]), labels[kinked]
            if self.objective == "cross-entropy":
                gradient[kinked] = q - (self.p / theta[kinked][pick])[:, None] * y
            else:
                gradient[kinked] = pi[pick][:, None] * q - q[pick][:, None] * y
            return gradient
        score = self.score(theta, labels)
        if self.objective == "cross-entropy":
            return -score
        pi_y = np.exp(np.take_along_axis(self.log_policy(theta), labels[:, None], axis=1))
        return -pi_y * score

    def predict(self, theta: np.ndarray) -> np.ndarray:
        """argmax_a π_θ(a|x) for each row."""
        return np.argmax(self.log_policy(theta), axis=1)

