"""One claim, two readings that disagree: Eq. (12)'s min_a π(a)^{1−2/p} for p ∈ [1, 4].

The printed form takes the minimum of the powered values, min_a π(a)^{1−2/p}; a reader may take the power of
the minimum, (min_a π(a))^{1−2/p}. For p ≥ 2 they are equal; for p < 2 the exponent is negative and they differ.
Checked side by side, the printed reading holds and the other fails for p < 2, with a witness.

    escort check eq12_readings:CLAIM                (run in this folder)
"""

from proofs_check.user_claims import claim


def _coefficient(s, smallest):
    return s.p**2 / s.norm(s.theta, s.p) ** 2 * smallest * s.kl


CLAIM = claim(
    "eq12-readings",
    "‖∇_θ KL(y‖π)‖₂² ≥ p²/‖θ‖_p²·min_a π(a)^{1−2/p}·KL(y‖π) for π = f_p(θ) (Eq. (12))",
    transform="escort",
    lhs=lambda s: sum(g**2 for g in s.grad(s.kl)),
    relation=">=",
    rhs={
        "printed: min of the powers": lambda s: _coefficient(s, s.min(q ** (1 - 2 / s.p) for q in s.pi)),
        "power of the min": lambda s: _coefficient(s, s.min(s.pi) ** (1 - 2 / s.p)),
    },
    K=(2, 3),
    p=(1, 4),
)
