"""The bounds report: grouping, flags, planted exceedances, missing theorem modules."""

import json
import numpy as np
import pytest

from foundation.artifacts import Checkpoint
from numerics.experiments.bounds import report, thm2
from numerics.experiments.bounds.comparison import BoundComparison
from numerics.analysis.bound_status import BoundStatus, Status
from numerics.experiments.bounds.statuses import StatusRow


def _ascent_row(factor: float, p: float = 2.0) -> BoundComparison:
    """A thm2-ascent row from a planted sub-optimality curve: ``factor`` times the bound at t = 50."""
    t = np.arange(1.0, 101.0)
    bound = thm2.ascent_bound(t, 0.3, 3, p)
    suboptimality = 0.5 * bound
    suboptimality[49] = factor * bound[49]
    empirical, value, worst_t = thm2._worst(t, suboptimality, bound)
    domain = "" if thm2.in_ascent_domain(p) else f"{report.OUTSIDE} (p in {{1}} or p >= 2); "
    return BoundComparison("thm2-ascent", "<=", empirical, value, {"K": 3, "p": p, "t": worst_t, "seed": 0}, domain)


def test_a_planted_exceedance_is_counted_in_the_float64_table_not_called_a_status():
    groups = report.group_rows([_ascent_row(0.9), _ascent_row(2.0)])
    (group,) = groups
    assert group.worst.ratio == pytest.approx(2.0) and group.worst.parameters["t"] == 50
    assert len(group.exceeded) == 1 and group.status == "1 of 2 runs on the wrong side in float64"
    text = report.render_markdown(groups, report.Collected([], {}, {}, []), [], [], command="test", quick=True)
    assert "| Theorem 2 (ascent) | 2 | <= | 2 | 2 | 1 |" in text and "**exceeded**:" not in text


def test_the_status_table_shows_each_status_with_its_numbers_and_replay():
    exceeded = StatusRow("Theorem 2 (ascent)", "p = 1", 3, BoundStatus(
        Status.EXCEEDED, 25.0, 20000.0, replay={"steps": 212}, confirmation="0.09 > 0.08 at 50 digits"), "3 of 3")
    vacuous = StatusRow("Theorem 3", "random", 2, BoundStatus(Status.VACUOUS, biting_step=4.2e9), "ratio 3e-4")
    text = report.render_markdown([], report.Collected([], {}, {}, []), [exceeded, vacuous], [], command="test",
                                  quick=True)
    assert "| Theorem 2 (ascent) | p = 1 | 3 | **exceeded**: ratio 25 at step 20000" in text
    assert "vacuous on this horizon (the bound bites from step 4.2e+09)" in text
    assert '`{"steps": 212}`' in text


def test_outside_domain_groups_say_so():
    (outside,) = report.group_rows([_ascent_row(3.0, p=1.5)])
    assert outside.outside_domain and outside.status.startswith(report.OUTSIDE)


def test_a_missing_theorem_module_is_noted_not_fatal(tmp_path):
    found = report.collect(["thm5", "thm_missing"], quick=True, seed=0, checkpoint=Checkpoint(tmp_path))
    assert found.rows and all(r.theorem == "thm5" for r in found.rows)
    assert found.missing == ["thm_missing: module numerics.experiments.bounds.thm_missing not available"]
    assert found.descriptions["thm5"].startswith("Theorem 5")
    again = report.collect(["thm5"], quick=True, seed=0, checkpoint=Checkpoint(tmp_path))
    assert [r.ratio for r in again.rows] == [r.ratio for r in found.rows]


def test_the_stress_section_lists_each_family_and_the_full_runs_wall_time(tmp_path):
    folder = tmp_path / "stress"
    folder.mkdir()
    case = {"theorem": "thm3", "family": "mdp", "size": "S = 2, A = 2", "inputs": {"p": 1.0, "r": [[0.1, 0.2]] * 2},
            "max_ratio": 0.06, "max_ratio_step": 531.0, "outside_stated_domain": False,
            "describe": "holds: bites from step 2656"}
    (folder / "thm3-mdp-p1.json").write_text(json.dumps(case))
    (folder / "thm3.provenance.json").write_text(json.dumps(
        {"command": "escort stress thm3", "wall_time_seconds": 90.0, "parameters": {"load_average_at_end": [2, 3, 4]}}))
    cases, runs = report._stress_cases(tmp_path)
    text = "\n".join(report._stress_section(cases, runs))
    assert len(cases) == 1 and "| thm3 | mdp | 1 | 0.06 | 531 | S = 2, A = 2 | holds" in text
    assert "`escort stress thm3` took 1.5 min of wall time (load average at the end 2.0/3.0/4.0" in text
