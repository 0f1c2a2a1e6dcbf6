"""Fig. 2 in its quick form: files written, and the paper's qualitative claims measured on the saved JSON.

Tolerances are those of the figure's checks, justified in its module docstring and repeated here where a test adds
its own.
"""

import json

import pytest

from numerics.figures import fig2


@pytest.fixture(scope="module")
def figure(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fig2")
    output = fig2.run(quick=True, out_dir=folder, docs_dir=folder / "docs", seed=0, resume=False)
    return output, json.loads((folder / "fig2.json").read_text())


def test_files_written_and_checks_pass(figure):
    output, record = figure
    suffixes = {p.name.split(".", 1)[1] for p in output.paths}
    assert {"png", "pdf", "csv", "json", "provenance.json"} <= suffixes
    assert record["checks"] and all(check["passed"] for check in record["checks"]), output.problems
    assert output.problems == () and all(line.startswith("- ") for line in output.headline)


def test_escape_time_slope_is_minus_one(figure):
    # t0 = C'/pi1 + D: the local slope differs from -1 by D*pi1/C' <= 0.05 for pi1 <= 1e-2 (see fig2).
    assert figure[1]["results"]["slope"] == pytest.approx(-1.0, abs=0.05)
    assert len(figure[1]["results"]["corners_visited_1based"]) >= 2
