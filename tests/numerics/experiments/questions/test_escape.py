"""Escape-time summaries: medians with censored runs, the fitted slope, and the verdict rule."""

import numpy as np

from numerics.experiments.questions.escape import EscapeStudy, _verdict

NAN = float("nan")


def _study(escapes):
    return EscapeStudy(probabilities=(0.1, 0.01, 0.001), steps=1000, runs=4, escapes={"m": escapes})


def test_slope_of_inverse_law_is_minus_one():
    study = _study([[10, 10, 11, 9], [100, 100, 100, 100], [1000, 990, 1000, 1000]])
    assert np.isclose(study.slope("m"), -1.0, atol=0.01)
    assert "still there" in _verdict(study, "m")


def test_flat_escape_times_mean_no_well():
    study = _study([[30, 31, 29, 30], [30, 32, 30, 31], [31, 30, 30, 33]])
    assert abs(study.slope("m")) < 0.05
    assert "no gravity well" in _verdict(study, "m")


def test_censored_runs_count_as_slow():
    study = _study([[10, 10, 10, 10], [20, NAN, NAN, 30], [NAN, NAN, NAN, NAN]])
    assert np.isnan(study.medians("m")[1]) and study.escaped("m") == [4, 2, 0]
    assert np.isnan(study.slope("m"))
    assert "stayed in the trap" in _verdict(study, "m")
