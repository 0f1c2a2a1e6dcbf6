"""Fig. 3 in its quick form: files written, and the paper's qualitative claims measured on the saved JSON.

Tolerances are those of the figure's checks, justified in its module docstring and repeated here where a test adds
its own.
"""

import numpy as np
import pytest

from numerics.experiments.figures import fig3

FIGURE = fig3


def test_files_written_and_checks_pass(figure, assert_complete):
    assert_complete(*figure)


def test_spg_decreases_optimal_probability_somewhere_and_plateaus(figure):
    results = figure[1]["results"]
    assert results["negative_fraction"] > 0
    assert results["steps_to_level"]["SPG"] > 2 * results["steps_to_level"]["EPG p = 2"]


def test_velocity_matches_a_finite_difference_of_the_spg_flow():
    from numerics.kernels.gradients import reward_gradient
    from numerics.kernels.transforms import softmax

    pi = np.array([[0.2, 0.7, 0.1]])
    theta, h = np.log(pi[0]), 1e-6
    step = reward_gradient(theta, fig3.REWARDS, transform="softmax")
    change = (softmax(theta + h * step)[2] - softmax(theta - h * step)[2]) / (2 * h)
    assert fig3.optimal_probability_velocity(pi, fig3.REWARDS)[0] == pytest.approx(change, rel=1e-6)
