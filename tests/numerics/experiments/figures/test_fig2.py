"""Fig. 2 in its quick form: files written, and the paper's qualitative claims measured on the saved JSON.

Tolerances are those of the figure's checks, justified in its module docstring and repeated here where a test adds
its own.
"""

import pytest

from numerics.experiments.figures import fig2

FIGURE = fig2


def test_files_written_and_checks_pass(figure, assert_complete):
    assert_complete(*figure)


def test_escape_time_slope_is_minus_one(figure):
    # t0 = C'/pi1 + D: the local slope differs from -1 by D*pi1/C' <= 0.05 for pi1 <= 1e-2 (see fig2).
    assert figure[1]["results"]["slope"] == pytest.approx(-1.0, abs=0.05)
    assert len(figure[1]["results"]["corners_visited_1based"]) >= 2
