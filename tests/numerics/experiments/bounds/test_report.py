"""The bounds report: grouping, flags, planted exceedances, missing theorem modules."""

import numpy as np
import pytest

from foundation.artifacts import Checkpoint
from numerics.experiments.bounds import report, thm2
from numerics.experiments.bounds.comparison import BoundComparison


def _ascent_row(factor: float, p: float = 2.0) -> BoundComparison:
    """A thm2-ascent row from a planted sub-optimality curve: ``factor`` times the bound at t = 50."""
    t = np.arange(1.0, 101.0)
    bound = thm2.ascent_bound(t, 0.3, 3, p)
    suboptimality = 0.5 * bound
    suboptimality[49] = factor * bound[49]
    empirical, value, worst_t = thm2._worst(t, suboptimality, bound)
    domain = "" if thm2.in_ascent_domain(p) else f"{report.OUTSIDE} (p in {{1}} or p >= 2); "
    return BoundComparison("thm2-ascent", "<=", empirical, value, {"K": 3, "p": p, "t": worst_t, "seed": 0}, domain)


def test_a_planted_exceedance_is_flagged_in_data_markdown_and_problems():
    groups = report.group_rows([_ascent_row(0.9), _ascent_row(2.0)])
    (group,) = groups
    assert group.worst.ratio == pytest.approx(2.0) and group.worst.parameters["t"] == 50
    assert len(group.exceeded) == 1 and "EXCEEDED" in group.status
    text = report.render_markdown(groups, report.Collected([], {}, {}, []), command="test", quick=True)
    assert "**EXCEEDED** in 1 of 2 runs" in text and '"t": 50' in text


def test_rows_within_the_bound_hold_and_outside_domain_is_not_an_exceedance():
    (holds,) = report.group_rows([_ascent_row(0.9), _ascent_row(0.99)])
    assert holds.status == "holds"
    (outside,) = report.group_rows([_ascent_row(3.0, p=1.5)])
    assert outside.outside_domain and outside.status.startswith(report.OUTSIDE)


def test_a_missing_theorem_module_is_noted_not_fatal(tmp_path):
    found = report.collect(["thm5", "thm_missing"], quick=True, seed=0, checkpoint=Checkpoint(tmp_path))
    assert found.rows and all(r.theorem == "thm5" for r in found.rows)
    assert found.missing == ["thm_missing: module numerics.experiments.bounds.thm_missing not available"]
    assert found.descriptions["thm5"].startswith("Theorem 5")
    again = report.collect(["thm5"], quick=True, seed=0, checkpoint=Checkpoint(tmp_path))
    assert [r.ratio for r in again.rows] == [r.ratio for r in found.rows]
