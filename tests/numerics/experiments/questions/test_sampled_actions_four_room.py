"""Question 1 on Four-room: the quick form writes its section, the λ selection and every stated count follow from
its CSV, a resumed run recomputes nothing, and the run classification can say "no"."""

import csv
import re
from dataclasses import replace

import pytest

from foundation.artifacts import Checkpoint
from numerics.experiments.questions import sampled_actions_four_room as question
from numerics.experiments.questions.sampled_actions_four_room import BASELINES, METHODS, _at_goal, _conclusion, _stalled, SIZES


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    root = tmp_path_factory.mktemp("q1fr")
    checkpoint = Checkpoint(root / "checkpoint")
    result = question.measure(quick=True, seed=0, checkpoint=checkpoint)
    question.render(result, root / "out")
    section = question.section(result)
    with open(root / "out" / "question_sampled_actions_four_room.csv") as handle:
        rows = list(csv.DictReader(handle))
    return root, checkpoint, section, rows


def test_quick_section_has_table_figure_and_conclusions(quick):
    root, _, section, rows = quick
    config = SIZES.quick
    assert len(rows) == len(METHODS) * len(BASELINES) * len(config.step_multipliers)
    assert section.table.count("\n") == len(rows) + 1
    assert (root / "out" / section.figure).stat().st_size > 5_000
    assert len(section.conclusions) == len(BASELINES)
    assert section.title.startswith("Question 1 (Four-room)") and "## Question 1 (Four-room)" in section.markdown()


def test_selected_step_has_the_lowest_iqm_gap(quick):
    _, _, _, rows = quick
    for method, *_ in METHODS:
        for baseline in BASELINES:
            mine = [r for r in rows if r["method"] == method and r["baseline"] == baseline]
            best = min(mine, key=lambda r: float(r["final_gap_iqm"]))
            assert [r["selected"] for r in mine].count("yes") == 1 and best["selected"] == "yes"


def test_conclusions_state_the_csv_counts(quick):
    _, _, section, rows = quick
    for line, baseline in zip(section.conclusions, BASELINES):
        assert line.startswith(f"- {baseline.capitalize()}")
        counts = {r["method"]: r for r in rows if r["baseline"] == baseline and r["selected"] == "yes"}
        epg, spg = map(int, re.search(r"EPG reached the goal in (\d+) of \d+ runs and SPG in (\d+) of", line).groups())
        assert (epg, spg) == (int(counts["EPG p=2"]["runs_at_goal"]), int(counts["SPG"]["runs_at_goal"]))
        others = tuple(map(int, re.search(r"the other (\d+) EPG and (\d+) SPG runs", line).groups()))
        assert others == tuple(int(counts[m]["runs"]) - int(counts[m]["runs_at_goal"]) for m in ("EPG p=2", "SPG"))
        runs = [counts[m]["runs"] for m in ("SPG", "EPG p=2")]
        assert f"95 % bootstrap intervals over {runs[0]} vs {runs[1]} runs" in line


def test_resume_recomputes_nothing(quick, monkeypatch):
    root, checkpoint, section, _ = quick
    monkeypatch.setattr(question, "_unit", lambda *args: pytest.fail("a finished unit was recomputed"))
    again = question.section(question.measure(quick=True, seed=0, checkpoint=checkpoint))
    assert again.table == section.table and again.conclusions == section.conclusions


def test_run_classification_and_verdict_can_say_no():
    stuck = {"final_gap": [0.3, 0.25, 0.02], "half_gap": [0.3, 0.4, 0.5]}
    moving = {"final_gap": [0.1, 0.2, 0.01], "half_gap": [0.5, 0.6, 0.01]}
    assert (_at_goal(stuck), _stalled(stuck)) == (1, 1)
    assert (_at_goal(moving), _stalled(moving)) == (1, 0)
    config = replace(SIZES.quick, runs=4)
    far = {"final_gap": [0.30, 0.31, 0.29, 0.3], "half_gap": [0.30, 0.31, 0.29, 0.3]}
    near = {"final_gap": [0.01, 0.02, 0.03, 0.01], "half_gap": [0.5, 0.5, 0.5, 0.5]}
    line = _conclusion("no baseline", far, near, (1e5, 3e4), config)
    assert line.startswith("- No baseline (λ = 1e+05 for SPG, 3e+04 for EPG): EPG reached the goal in 4 of 4 runs "
                           "and SPG in 0 of 4; the other 0 EPG and 4 SPG runs ended with gaps from 0.29 to 0.31; ")
    assert "EPG p=2 has the lower final normalised gap" in line
    assert "SPG has the lower" in _conclusion("no baseline", near, far, (1e5, 1e5), config)
    assert "no clear difference" in _conclusion("no baseline", far, far, (1e5, 1e5), config)
    assert "no run ended short of the goal" in _conclusion("no baseline", near, near, (1e5, 1e5), config)
