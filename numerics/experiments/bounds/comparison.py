"""The result object of every bound-versus-empirical comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["BoundComparison"]


@dataclass(frozen=True)
class BoundComparison:
    """A theorem's bound and the measured quantity it bounds, side by side, for one run configuration.

    ``relation`` says which way the bound goes: ``"<="`` (empirical should not exceed the bound, e.g. Theorem 2)
    or ``">="`` (empirical should not fall below it, e.g. Theorem 1's escape time). ``parameters`` holds everything
    needed to replay the run (seed included).
    """

    theorem: str
    relation: str
    empirical: float
    bound: float
    parameters: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def ratio(self) -> float:
        """empirical / bound (≤ 1 means an upper bound holds; ≥ 1 means a lower bound holds)."""
        return self.empirical / self.bound

    @property
    def violated(self) -> bool:
        """True where the measured run contradicts the bound."""
        return self.empirical > self.bound if self.relation == "<=" else self.empirical < self.bound
