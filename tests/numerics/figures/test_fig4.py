"""Fig. 4 in its quick form: files written, and the paper's qualitative claims measured on the saved JSON.

Tolerances are those of the figure's checks, justified in its module docstring and repeated here where a test adds
its own.
"""

import json

import pytest

from numerics.figures import fig4


@pytest.fixture(scope="module")
def figure(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fig4")
    output = fig4.run(quick=True, out_dir=folder, docs_dir=folder / "docs", seed=0, resume=False)
    return output, json.loads((folder / "fig4.json").read_text())


def test_files_written_and_checks_pass(figure):
    output, record = figure
    suffixes = {p.name.split(".", 1)[1] for p in output.paths}
    assert {"png", "pdf", "csv", "json", "provenance.json"} <= suffixes
    assert record["checks"] and all(check["passed"] for check in record["checks"]), output.problems
    assert output.problems == () and all(line.startswith("- ") for line in output.headline)


def test_sce_is_order_one_over_t_and_ece_is_linear(figure):
    results = figure[1]["results"]
    assert results["sce_slope"] == pytest.approx(-1.0, abs=0.05)
    # An exponential gives R^2 = 1; the O(1/t) SCE curve on its own last decade is visibly less straight.
    assert results["ece_r2"] >= 0.99 > results["sce_linear_r2"]
