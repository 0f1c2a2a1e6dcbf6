"""Verdicts: a Check passes inside target ± tolerance (or above a one-sided level) and fails otherwise, NaN
included; its record is its fields and ``passed``; every kind of verdict has the three members the runner reads."""

import math

import pytest

from numerics.analysis.bound_status import BoundStatus, Status
from numerics.analysis.check import Check
from numerics.experiments.battery.report import TransformVerdict
from numerics.experiments.bounds.comparison import Theorem
from numerics.experiments.bounds.statuses import StatusRow


@pytest.mark.parametrize(("measured", "target", "passed"), [(1.05, 1.0, True), (1.2, 1.0, False),
                                                            (math.nan, 1.0, False), (3.0, None, True),
                                                            (1.0, None, False)])
def test_a_check_passes_exactly_inside_its_tolerance(measured: float, target: float | None, passed: bool) -> None:
    check = Check("slope", measured, target, 0.1 if target is not None else 2.0, "finite horizon")
    assert check.passed is passed
    assert check.headline("Fig. 9").endswith("— holds" if passed else "— FAILS")
    record = check.record()
    assert record.pop("passed") is passed and record.pop("measured") is measured
    assert record == {"name": "slope", "target": target, "tolerance": check.tolerance, "why": "finite horizon"}


def test_every_kind_of_verdict_has_passed_headline_and_record() -> None:
    verdicts = (Check("x", 1.0, 1.0, 0.1, "why"),
                StatusRow(Theorem.THM3, "random", 2, BoundStatus(Status.VACUOUS, biting_step=1e6), "ratio 3e-4"),
                TransformVerdict("softmax", "fast kernels = SymPy definition", ("differ by 1",)))
    for verdict in verdicts:
        assert isinstance(verdict.passed, bool) and verdict.headline("L").startswith("- ")
        assert verdict.record()["passed"] is verdict.passed
    assert [v.passed for v in verdicts] == [True, True, False]
