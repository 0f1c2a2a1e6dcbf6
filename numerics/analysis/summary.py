"""Summaries of repeated runs and the wording of conclusions drawn from them, shared by every section.

Two methods are compared as the RL evaluation literature recommends (:mod:`numerics.analysis.aggregate`): the
interquartile mean (IQM) of each method's runs with a 95 % stratified-bootstrap interval, and the probability of
improvement P(A < B) (a run of A has the lower value than a run of B; ties count one half) with its interval.
A difference is called only when that interval excludes 1/2 and each method has at least
:data:`MINIMUM_RUNS` runs; otherwise the text says "no clear difference" (or that the runs are too few to
call one): conclusions never claim more than the runs show. Intervals use a fixed resampling seed, so the
wording is reproducible.

>>> compare("SPG", [0.30, 0.32, 0.31, 0.33], "EPG", [0.10, 0.11, 0.09, 0.12], quantity="test error").lower
'EPG'
>>> compare("SPG", [0.30, 0.32, 0.31, 0.33], "EPG", [0.10, 0.11, 0.09, 0.12], quantity="test error").text
'EPG has the lower test error (IQM 0.105 [0.09, 0.12] vs 0.315 [0.3, 0.33]; P(EPG lower) = 1 [1, 1]; 95 % bootstrap intervals over 4 vs 4 runs)'
>>> str(compare("SPG", [0.30, 0.10, 0.2, 0.25], "EPG", [0.20, 0.21, 0.19, 0.22], quantity="test error"))
'no clear difference in test error between SPG and EPG (IQM 0.225 [0.1, 0.3] vs 0.205 [0.19, 0.22]; P(SPG lower) = 0.406 [0, 0.875]; 95 % bootstrap intervals over 4 vs 4 runs)'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from numerics.analysis.aggregate import Interval, improvement_interval, iqm_interval

__all__ = ["MINIMUM_RUNS", "Comparison", "censored_quantile", "compare", "fmt", "interval_text", "markdown_table"]

MINIMUM_RUNS = 4
"""Runs per method below which no difference is called: with 3 vs 3 runs even complete separation has an exact
Mann–Whitney p-value of 0.1, while the bootstrap interval of P(A < B) collapses to [1, 1]; with 4 vs 4 it is 0.029."""
_SEED = 0


def fmt(value: float) -> str:
    """Three significant digits (``nan`` and ``inf`` spelled out)."""
    return f"{value:.3g}"


def censored_quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile of first-passage steps where NaN marks a run that never got there within the budget.

    Such a run is slower than any that did, so it counts as +∞; a quantile that lands on one is NaN (unknown:
    beyond the budget). The quantile is an order statistic (numpy's 'higher' rule: the smallest value with at
    least a fraction q of the runs at or below it), since interpolating towards +∞ is meaningless.

    >>> censored_quantile([10, 20, float("nan")], 0.5), censored_quantile([10, 20, 30, 40], 0.5)
    (20.0, 30.0)
    >>> censored_quantile([10, float("nan")], 0.5)
    nan
    """
    steps = np.nan_to_num(np.asarray(values, dtype=float), nan=np.inf)
    quantile = float(np.quantile(steps, q, method="higher"))
    return quantile if np.isfinite(quantile) else float("nan")


def interval_text(interval: Interval) -> str:
    """'estimate [low, high]' with three significant digits."""
    return f"{fmt(interval.estimate)} [{fmt(interval.low)}, {fmt(interval.high)}]"


@dataclass(frozen=True)
class Comparison:
    """The outcome of :func:`compare`: ``lower`` names the method with the clearly lower quantity (None when no
    difference is called), ``text`` says so with the intervals; ``str()`` gives the text."""

    lower: str | None
    text: str

    def __str__(self) -> str:
        return self.text


def compare(name_a: str, values_a: Sequence[float], name_b: str, values_b: Sequence[float], *,
            quantity: str) -> Comparison:
    """Which of A and B has the lower ``quantity``, or "no clear difference" (module docstring's rule)."""
    improvement = improvement_interval(values_a, values_b, seed=_SEED, lower_is_better=True)
    iqm_a, iqm_b = iqm_interval(values_a, seed=_SEED), iqm_interval(values_b, seed=_SEED)
    few = min(len(values_a), len(values_b)) < MINIMUM_RUNS
    if not few and improvement.excludes(0.5):
        lower_is_a = improvement.low > 0.5
        improvement = improvement if lower_is_a else Interval(
            1 - improvement.estimate, 1 - improvement.high, 1 - improvement.low, improvement.confidence)
        (low, i_low, n_low), (_, i_high, n_high) = (
            ((name_a, iqm_a, len(values_a)), (name_b, iqm_b, len(values_b))) if lower_is_a
            else ((name_b, iqm_b, len(values_b)), (name_a, iqm_a, len(values_a))))
        return Comparison(low, f"{low} has the lower {quantity} (IQM {interval_text(i_low)} vs "
                          f"{interval_text(i_high)}; P({low} lower) = {interval_text(improvement)}; 95 % bootstrap intervals over {n_low} vs "
                          f"{n_high} runs)")
    reason = f"too few runs (< {MINIMUM_RUNS} per method) to call a difference" if few else "no clear difference"
    return Comparison(None, f"{reason} in {quantity} between {name_a} and {name_b} (IQM {interval_text(iqm_a)} vs "
                            f"{interval_text(iqm_b)}; P({name_a} lower) = {interval_text(improvement)}; 95 % "
                            f"bootstrap intervals over {len(values_a)} vs {len(values_b)} runs)")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub Markdown table; floats with three significant digits."""
    cells = [[fmt(c) if isinstance(c, float) else str(c) for c in row] for row in rows]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])
