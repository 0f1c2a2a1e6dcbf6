"""`escort run questions --quick`: every section is written, each conclusion agrees with its own CSV, the record
holds Question 2's Theorem 2 check (which a planted violation fails) and the provenance each question's wall time."""

import csv
import json
import re
from dataclasses import replace

import numpy as np
import pytest

from numerics.experiments.questions import escort_power, report
from numerics.experiments.registry import run_experiment
from numerics.analysis.summary import fmt


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    output = run_experiment("questions", quick=True, out_dir=root / "results", docs_dir=root / "docs", seed=0)
    return root, output


def _rows(root, name):
    with open(root / "results" / "questions" / f"{name}.csv") as handle:
        return list(csv.DictReader(handle))


def _lines(output, title_start):
    return [h.removeprefix("- ") for h in output.headline if h.removeprefix("- ").startswith(title_start)]


def test_every_section_figure_and_findings(quick_run):
    root, output = quick_run
    findings = (root / "docs" / "findings.md").read_text()
    assert findings.count("\n## Question ") == len(report.QUESTIONS)
    for path in (root / "docs" / "figures").glob("question_*.png"):
        assert path.stat().st_size > 5_000
    assert len(list((root / "docs" / "figures").glob("question_*.png"))) == len(report.QUESTIONS)


def test_sampled_actions_counts_match_csv(quick_run):
    root, output = quick_run
    rows = [r for r in _rows(root, "question_sampled_actions") if r["selected"] == "yes"]
    for line in _lines(output, "Question 1:"):
        epg, spg = map(int, re.search(r"in (\d+) of \d+ EPG runs and (\d+) of \d+ SPG runs", line).groups())
        baseline = "no baseline" if "No baseline" in line else "running-average baseline"
        counts = {r["method"]: int(r["runs_escaped"]) for r in rows if r["baseline"] == baseline}
        assert (epg, spg) == (counts["EPG p=2"], counts["SPG"])
        assert ("more runs than SPG" in line) == (epg > spg)


@pytest.mark.parametrize("stem, title", [
    ("question_adaptive_step_sizes", "Question 3"),
    ("question_replicator_and_mirror_descent", "Question 4"),
    ("question_temperature", "Question 5"),
])
def test_escape_verdicts_follow_from_csv(quick_run, stem, title):
    """Recompute escapes and slope from the raw escape steps and re-apply the stated rule."""
    root, output = quick_run
    rows = _rows(root, stem)
    for line in _lines(output, title):
        label = line.split(": ")[2]
        mine = [r for r in rows if r["method"] == label]
        qs = sorted({float(r["optimal_probability"]) for r in mine}, reverse=True)
        steps = [np.array([float(r["escape_step"]) for r in mine if float(r["optimal_probability"]) == q]) for q in qs]
        escaped = int(np.isfinite(steps[-1]).sum())
        assert f"escaped in {escaped} of {len(steps[-1])} runs" in line
        medians = [np.sort(np.nan_to_num(s, nan=np.inf))[len(s) // 2] for s in steps]  # upper median
        medians = [m if np.isfinite(m) else np.nan for m in medians]
        seen = np.isfinite(medians)
        slope = np.polyfit(np.log(np.array(qs)[seen]), np.log(np.array(medians)[seen]), 1)[0] if seen.sum() >= 2 else np.nan
        if np.isfinite(slope):
            assert f"slope {fmt(slope)}" in line
        pulled = escaped <= len(steps[-1]) / 2 or (np.isfinite(slope) and slope <= -0.5)
        assert ("still there" in line) == pulled


def test_escort_power_best_p_matches_csv(quick_run):
    root, output = quick_run
    rows = _rows(root, "question_escort_power")
    line = _lines(output, "Question 2")[0]
    claims = re.findall(r"K = (\d+), ([^:]+): (p = [\d.]+|none) \(", line)
    assert len(claims) == len({(r["K"], r["initialisation"]) for r in rows})
    for K, init, claim in claims:
        setting = [r for r in rows if r["K"] == K and r["initialisation"] == init]
        best = min(setting, key=lambda r: np.nan_to_num(float(r["median_steps_to_epsilon"]), nan=np.inf))
        if claim == "none":
            assert np.isnan(float(best["median_steps_to_epsilon"]))
        else:
            assert float(best["p"]) == float(claim.removeprefix("p = "))


def test_uniform_initialisation_numbers_match_csv(quick_run):
    root, output = quick_run
    rows = _rows(root, "question_uniform_initialisation")
    for line in _lines(output, "Question 6"):
        K = re.search(r"K = (\d+):", line).group(1)
        spg = next(r for r in rows if r["K"] == K and r["method"].startswith("SPG"))
        epg = next(r for r in rows if r["K"] == K and r["method"].startswith("EPG"))
        assert f"in {spg['runs_reaching_epsilon']} of" in line and f"EPG in {epg['runs_reaching_epsilon']} of" in line
        tails = np.nan_to_num([float(spg["p90_steps"]), float(epg["p90_steps"])], nan=np.inf)
        assert ("is slower than EPG's" in line) == bool(tails[0] > tails[1])


def test_record_holds_the_theorem_2_check_and_provenance_the_wall_times(quick_run):
    root, output = quick_run
    folder = root / "results" / "questions"
    record = json.loads((folder / "questions.json").read_text())
    (check,) = record["checks"]
    assert check["name"].startswith("Question 2: runs whose steps to ε exceeded Theorem 2")
    assert check["passed"] == (check["measured"] == 0)
    assert [s["title"] for s in record["results"]["sections"]][:2] == [
        "Question 1: sampled actions (REINFORCE)", "Question 1 (Four-room): sampled trajectories (REINFORCE)"]
    times = json.loads((folder / "questions.provenance.json").read_text())["wall_time_per_question_seconds"]
    assert set(times) == set(record["parameters"]["questions"]) and len(times) == len(report.QUESTIONS)


def test_a_planted_theorem_2_violation_fails_the_check():
    fine = escort_power.EscortPowerResult(quick=True, config=escort_power.SIZES.quick, inits=(), rows=(),
                                          violations={1.0: 0, 2.0: 0}, runs=12, conclusions=())
    assert all(c.passed for c in escort_power.checks(fine))
    planted = replace(fine, violations={1.0: 0, 2.0: 1})
    (check,) = escort_power.checks(planted)
    assert not check.passed and check.measured == 1
