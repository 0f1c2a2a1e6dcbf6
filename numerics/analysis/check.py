"""The pass/fail verdicts of an experiment: the :class:`Verdict` protocol, and :class:`Check`, a measured value
against a target and a justified tolerance.

An experiment's ``checks(result)`` returns verdicts. A :class:`Check` is one kind (Figs. 1–5); a bound's status per
theorem and setting (:class:`numerics.experiments.bounds.statuses.StatusRow`) and the transform battery's paper
verdicts are others: they are decided from a vocabulary of statuses, not from target ± tolerance.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Protocol

__all__ = ["Check", "Verdict"]


class Verdict(Protocol):
    """What ``checks`` returns: pass or fail, the report's bullet, and the entry of ``<name>.json``'s "checks"."""

    @property
    def passed(self) -> bool:
        """False exactly when the claim fails on its stated domain (the report lists it among the problems)."""
        ...

    def headline(self, label: str) -> str:
        """A Markdown bullet stating what was measured and the verdict; ``label`` names the experiment."""
        ...

    def record(self) -> dict[str, Any]:
        """The verdict as JSON data (with ``passed``)."""
        ...


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

    def record(self) -> dict[str, Any]:
        """The fields and ``passed``."""
        return {**asdict(self), "passed": self.passed}
