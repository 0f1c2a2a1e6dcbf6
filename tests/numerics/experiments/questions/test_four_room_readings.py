"""Question 8, the Four-room ambiguity map: the quick form writes its map, table and conclusion from its CSV, and
the conclusion can say "yes" (a reading where EPG reaches the optimum where SPG does not) as well as "no"."""

import csv

import pytest
from threadpoolctl import threadpool_limits

from foundation.artifacts import Checkpoint
from numerics.experiments.questions import four_room_readings as question
from numerics.experiments.questions.four_room_readings import Reading, _headline, _row, readings, SIZES


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    root = tmp_path_factory.mktemp("q8")
    with threadpool_limits(limits=1, user_api="blas"):
        result = question.measure(quick=True, seed=0, checkpoint=Checkpoint(root / "checkpoint"))
    question.render(result, root / "out")
    section = question.section(result)
    with open(root / "out" / "question_four_room_readings.csv") as handle:
        return root, section, list(csv.DictReader(handle))


def test_quick_map_covers_every_environment_and_says_it_is_quick(quick):
    root, section, rows = quick
    assert len(rows) == len(readings(True)) == 16
    assert len({(r["rewards"], r["start"], r["gamma"]) for r in rows}) == 8
    assert (root / "out" / section.figure).stat().st_size > 10_000
    assert section.conclusions[0].startswith("- Quick form (2 runs per reading, too few to call differences)")
    assert all("too few runs" in line for line in section.conclusions[1:])


def test_counts_in_the_table_follow_from_the_csv(quick):
    _, section, rows = quick
    for row in rows:
        assert f"| {row['epg_reached']} of {row['runs']} | {row['spg_reached']} of {row['runs']} |" in section.table
        assert int(row["epg_only"]) <= int(row["epg_reached"]) and int(row["spg_only"]) <= int(row["spg_reached"])


def _runs(gaps):
    return [{"gap": g, "stopped": False} for g in gaps]


def test_the_conclusion_can_say_yes_and_no():
    reading = Reading("re-entry", "uniform", 0.99, "network", "adam", 1.0)
    stalls, reaches = _runs([0.3, 0.31, 0.29, 0.3, 0.32, 0.3]), _runs([0.01, 0.0, 0.02, 0.01, 0.0, 0.03])
    yes = _row(reading, stalls, reaches)
    assert (yes["epg_reached"], yes["spg_reached"], yes["epg_only"], yes["spg_only"]) == (6, 0, 6, 0)
    config = SIZES.full
    assert _headline([yes], False, config).startswith(
        "EPG reaches the optimum where SPG does not in 1 of 1 readings (re-entry, uniform, γ=0.99, network + Adam, c=1)")
    no = _row(reading, reaches, stalls)
    assert _headline([no], False, config) == (
        "EPG reaches the optimum where SPG does not in 0 of 1 readings; SPG has the lower final gap in 1")
