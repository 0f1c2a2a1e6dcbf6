"""Question 1's shared design: every unit runs once, and the multiplier with the lowest IQM of the score wins."""

from __future__ import annotations

from foundation.artifacts import Checkpoint
from numerics.experiments.questions.step_selection import select_step_multipliers

METHODS = (("SPG", "softmax"), ("EPG", "escort"))
BASELINES = ("none", "average")


def _unit(method: tuple, baseline: bool, value: float) -> dict:
    # SPG is best at 0.3; EPG at 1.0, where one outlying run must not decide (IQM, not the mean).
    best = 0.3 if method[0] == "SPG" else 1.0
    scores = [abs(value - best)] * 8 + ([100.0] if value == 1.0 else [0.0])
    return {"score": scores, "unit": [method[0], baseline, value]}


def _never(method: tuple, baseline: bool, value: float) -> dict:
    raise AssertionError(f"unit {method[0]}, {baseline}, {value} ran again although it was checkpointed")


def _select(unit, tmp_path):
    return select_step_multipliers(
        unit, methods=METHODS, baselines=BASELINES, multipliers=(0.3, 1.0, 3.0),
        key=lambda m, b, v: f"{m}/{b}/{v:g}", score="score", checkpoint=Checkpoint(tmp_path), scope="test",
    )


def test_every_unit_runs_and_the_lowest_iqm_is_selected(tmp_path) -> None:
    selection = _select(_unit, tmp_path)
    assert sorted(tuple(u["unit"]) for u in selection.units.values()) == sorted(
        (m, b, v) for m in ("SPG", "EPG") for b in (False, True) for v in (0.3, 1.0, 3.0))
    assert selection.selected == {("SPG", "none"): 0.3, ("SPG", "average"): 0.3,
                                  ("EPG", "none"): 1.0, ("EPG", "average"): 1.0}
    assert selection.chosen("EPG", "average")["unit"] == ["EPG", True, 1.0]
    assert _select(_never, tmp_path) == selection  # the checkpoint kept every unit
