"""The result object of every bound-versus-empirical comparison, and the bounds it can compare."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

from foundation.validation import InputError
from theory.statements import Relation

__all__ = ["BoundComparison", "Theorem"]


class Theorem(enum.Enum):
    """A bound of the paper compared with runs. The value is its key in ``bounds.csv`` (kept as first written, so
    the data stay byte-identical); :attr:`label` is its one name in tables, figures and the status table."""

    THM1 = "Theorem 1"
    THM2_ASCENT = "thm2-ascent"
    THM2_FLOW = "thm2-flow"
    THM3 = "Theorem 3"
    THM4 = "Theorem 4"
    THM5 = "thm5"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {Theorem.THM1: "Theorem 1 (derived C)", Theorem.THM2_ASCENT: "Theorem 2 (ascent)",
           Theorem.THM2_FLOW: "Theorem 2 (flow)", Theorem.THM3: "Theorem 3", Theorem.THM4: "Theorem 4",
           Theorem.THM5: "Theorem 5"}


@dataclass(frozen=True)
class BoundComparison:
    """A theorem's bound and the measured quantity it bounds, side by side, for one run configuration.

    ``relation`` says which way the bound goes: :attr:`Relation.LESS_EQUAL` (empirical should not exceed the bound,
    e.g. Theorem 2) or :attr:`Relation.GREATER_EQUAL` (empirical should not fall below it, e.g. Theorem 1's escape
    time). ``parameters`` holds everything needed to replay the run (seed included). ``in_stated_domain`` is False
    for a run whose parameters lie outside the statement's domain (its exceedance is not one of the theorem).
    """

    theorem: Theorem
    relation: Relation
    empirical: float
    bound: float
    parameters: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    in_stated_domain: bool = True

    def __post_init__(self) -> None:
        if self.relation not in (Relation.LESS_EQUAL, Relation.GREATER_EQUAL):
            raise InputError(f"relation must be Relation.LESS_EQUAL or Relation.GREATER_EQUAL; got {self.relation}.")

    @property
    def ratio(self) -> float:
        """empirical / bound (≤ 1 means an upper bound holds; ≥ 1 means a lower bound holds)."""
        return self.empirical / self.bound

    @property
    def upper(self) -> bool:
        """True for an upper bound (empirical ≤ bound)."""
        return self.relation is Relation.LESS_EQUAL

    @property
    def violated(self) -> bool:
        """True where the measured run contradicts the bound."""
        return self.empirical > self.bound if self.upper else self.empirical < self.bound

    def record(self) -> dict[str, Any]:
        """The comparison as JSON data (enums by value); :meth:`from_record` reads it back."""
        return asdict(self) | {"theorem": self.theorem.value, "relation": self.relation.value}

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> BoundComparison:
        """The comparison that :meth:`record` wrote."""
        return cls(**data | {"theorem": Theorem(data["theorem"]), "relation": Relation(data["relation"])})
