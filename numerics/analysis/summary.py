"""Summaries of repeated runs and the wording of conclusions drawn from them, shared by every section.

A difference between two methods is called only when it exceeds twice its standard error,

    |m_A − m_B| > 2 · sqrt(s_A²/n_A + s_B²/n_B)   (sample standard deviations s, run counts n),

and otherwise reported as "no clear difference": conclusions never claim more than the runs show.

>>> compare("SPG", [0.30, 0.32, 0.31], "EPG", [0.10, 0.11, 0.09], quantity="test error")
'EPG has the lower test error (0.1 ± 0.01 vs 0.31 ± 0.01, mean ± sd over 3 vs 3 runs)'
>>> compare("SPG", [0.30, 0.10], "EPG", [0.20, 0.21], quantity="test error")
'no clear difference in test error between SPG and EPG (0.2 ± 0.141 vs 0.205 ± 0.00707, mean ± sd over 2 vs 2 runs)'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["censored_quantile", "compare", "fmt", "markdown_table", "mean_sd"]


def fmt(value: float) -> str:
    """Three significant digits (``nan`` and ``inf`` spelled out)."""
    return f"{value:.3g}"


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for a single run)."""
    array = np.asarray(values, dtype=float)
    return float(array.mean()), float(array.std(ddof=1)) if array.size > 1 else 0.0


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


def compare(name_a: str, values_a: Sequence[float], name_b: str, values_b: Sequence[float], *, quantity: str) -> str:
    """Which of A and B has the lower ``quantity``, or "no clear difference" (module docstring's rule)."""
    (ma, sa), (mb, sb) = mean_sd(values_a), mean_sd(values_b)
    standard_error = np.sqrt(sa**2 / len(values_a) + sb**2 / len(values_b))
    numbers = f"mean ± sd over {len(values_a)} vs {len(values_b)} runs"
    if abs(ma - mb) > 2 * standard_error:
        (low, ml, sl), (_, mh, sh) = sorted([(name_a, ma, sa), (name_b, mb, sb)], key=lambda t: t[1])
        return f"{low} has the lower {quantity} ({fmt(ml)} ± {fmt(sl)} vs {fmt(mh)} ± {fmt(sh)}, {numbers})"
    return (
        f"no clear difference in {quantity} between {name_a} and {name_b} "
        f"({fmt(ma)} ± {fmt(sa)} vs {fmt(mb)} ± {fmt(sb)}, {numbers})"
    )


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub Markdown table; floats with three significant digits."""
    cells = [[fmt(c) if isinstance(c, float) else str(c) for c in row] for row in rows]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])
