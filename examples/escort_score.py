"""A true identity, proved for every K: the escort's score function ∂ log π(a)/∂θ(b) = (p/θ(b))·(δ_ab − π(b)).

The sides are entry formulas (``entry=2``: a function of the symbols and two generic actions a, b), so besides the
per-K pipeline the claim has an index-form derivation: θ(a), θ(b) as symbols, the other actions only through
R = Σ_{c ∉ {a, b}} |θ(c)|^p, the cases b = a and b ≠ a, each sign orthant of θ(a), θ(b). It is proved for every
K ≥ 2 and p > 0 (the label says so); the search finds no counterexample.

    escort check escort_score:CLAIM                 (run in this folder)
"""

import sympy as sp

from proofs_check.user_claims import claim

CLAIM = claim(
    "escort-score",
    "∂ log π(a)/∂θ(b) = (p/θ(b))·(δ_ab − π(b)) for π = f_p(θ)",
    transform="escort",
    lhs=lambda s, a, b: sp.diff(sp.log(s.pi[a]), s.theta[b]),
    relation="==",
    rhs=lambda s, a, b: s.p / s.theta[b] * ((1 if a == b else 0) - s.pi[b]),
    K=(2, 3),
    p=(1, 4),
    entry=2,
)
