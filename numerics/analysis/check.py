"""The pass/fail check of a quantitative claim: a measured value against a target and a justified tolerance."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Check"]


@dataclass(frozen=True)
class Check:
    """One quantitative claim of a figure, measured: ``measured`` lies in ``target ± tolerance`` or it fails.

    ``why`` justifies the tolerance (finite horizon, finite sample, …); it goes into the headline bullet so a reader
    can judge it. A check with ``target`` None is one-sided: it passes when ``measured >= tolerance``.
    """

    name: str
    measured: float
    target: float | None
    tolerance: float
    why: str

    @property
    def passed(self) -> bool:
        if not math.isfinite(self.measured):
            return False
        if self.target is None:
            return self.measured >= self.tolerance
        return abs(self.measured - self.target) <= self.tolerance

    def headline(self, figure: str) -> str:
        """A Markdown bullet stating the measured value, the tolerance and its justification."""
        wanted = f">= {self.tolerance:g}" if self.target is None else f"{self.target:g} ± {self.tolerance:g}"
        verdict = "holds" if self.passed else "FAILS"
        return f"- {figure}, {self.name}: measured {self.measured:.3g}, expected {wanted} ({self.why}) — {verdict}"
