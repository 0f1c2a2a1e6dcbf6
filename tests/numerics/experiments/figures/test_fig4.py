"""Fig. 4 in its quick form: files written, and the paper's qualitative claims measured on the saved JSON.

Tolerances are those of the figure's checks, justified in its module docstring and repeated here where a test adds
its own.
"""

import pytest

from numerics.experiments.figures import fig4

FIGURE = fig4


def test_files_written_and_checks_pass(figure, assert_complete):
    assert_complete(*figure)


def test_sce_is_order_one_over_t_and_ece_is_linear(figure):
    results = figure[1]["results"]
    assert results["sce_slope"] == pytest.approx(-1.0, abs=0.05)
    # An exponential gives R^2 = 1; the O(1/t) SCE curve on its own last decade is visibly less straight.
    assert results["ece_r2"] >= 0.99 > results["sce_linear_r2"]
