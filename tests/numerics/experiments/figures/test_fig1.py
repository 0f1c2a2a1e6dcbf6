"""Fig. 1 in its quick form: files written, and the paper's qualitative claims measured on the saved JSON.

Tolerances are those of the figure's checks, justified in its module docstring and repeated here where a test adds
its own.
"""

import numpy as np
import pytest

from foundation.artifacts import Checkpoint
from numerics.experiments.figures import fig1
from numerics.experiments.registry import EXPERIMENTS

FIGURE = fig1


def test_files_written_and_checks_pass(figure, assert_complete):
    assert_complete(*figure)


def test_good_and_bad_runs_and_bad_runs_are_orders_of_magnitude_slower(figure):
    results = figure[1]["results"]
    good = np.array(results["good"])
    times = np.array(results["convergence_time"], dtype=float)
    assert good.any() and not good.all()
    # "many orders of magnitude": at least one order between the medians (censored times are lower bounds).
    assert np.median(times[~good]) >= 10 * np.median(times[good])


def test_convergence_times_and_bad_input(tmp_path):
    from foundation.validation import InputError

    assert fig1.convergence_times(np.array([0, 9, 99]), np.array([[0.1, 0.99, 1.0]])).tolist() == [10.0]
    with pytest.raises(InputError):
        fig1.measure(quick=True, seed=0, checkpoint=Checkpoint(tmp_path), K=1)


def test_resume_reuses_the_long_run_and_reproduces_the_data(figure):
    output, _ = figure
    folder = output.paths[0].parent
    before = (folder / "fig1.csv").read_bytes()
    assert list((folder / "checkpoint").glob("*.json"))
    again = EXPERIMENTS["fig1"].run(quick=True, out_dir=folder, docs_dir=folder / "docs", seed=0, resume=True)
    assert again.headline == output.headline and (folder / "fig1.csv").read_bytes() == before
