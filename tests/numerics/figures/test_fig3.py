"""Fig. 3 in its quick form: files written, and the paper's qualitative claims measured on the saved JSON.

Tolerances are those of the figure's checks, justified in its module docstring and repeated here where a test adds
its own.
"""

import json

import numpy as np
import pytest

from numerics.figures import fig3


@pytest.fixture(scope="module")
def figure(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fig3")
    output = fig3.run(quick=True, out_dir=folder, docs_dir=folder / "docs", seed=0, resume=False)
    return output, json.loads((folder / "fig3.json").read_text())


def test_files_written_and_checks_pass(figure):
    output, record = figure
    suffixes = {p.name.split(".", 1)[1] for p in output.paths}
    assert {"png", "pdf", "csv", "json", "provenance.json"} <= suffixes
    assert record["checks"] and all(check["passed"] for check in record["checks"]), output.problems
    assert output.problems == () and all(line.startswith("- ") for line in output.headline)


def test_spg_decreases_optimal_probability_somewhere_and_plateaus(figure):
    results = figure[1]["results"]
    assert results["negative_fraction"] > 0
    assert results["steps_to_level"]["SPG"] > 2 * results["steps_to_level"]["EPG p = 2"]


def test_velocity_matches_a_finite_difference_of_the_spg_flow():
    from numerics.gradients import reward_gradient
    from numerics.transforms import softmax

    pi = np.array([[0.2, 0.7, 0.1]])
    theta, h = np.log(pi[0]), 1e-6
    step = reward_gradient(theta, fig3.REWARDS, transform="softmax")
    change = (softmax(theta + h * step)[2] - softmax(theta - h * step)[2]) / (2 * h)
    assert fig3.optimal_probability_velocity(pi, fig3.REWARDS)[0] == pytest.approx(change, rel=1e-6)
