"""`escort run fig6 --quick`: files written, resume, and conclusions that agree with the saved numbers."""

import csv
import re

import pytest

from numerics.experiments.figures import fig6
from numerics.analysis.summary import fmt


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    output = fig6.run(quick=True, out_dir=root / "results" / "fig6", docs_dir=root / "docs", seed=0, resume=False)
    return root, output


def test_writes_data_figure_and_findings(quick_run):
    root, output = quick_run
    names = {path.name for path in output.paths}
    assert {"fig6_curves.csv", "fig6_summary.csv", "fig6.json", "fig6.provenance.json", "findings.md"} <= names
    assert (root / "docs" / "figures" / "fig6_classification.png").stat().st_size > 10_000
    findings = (root / "docs" / "findings.md").read_text()
    assert "quick form" in findings and "escort run fig6" in findings.splitlines()[2]


def test_conclusions_agree_with_summary(quick_run):
    """Every 'X has the lower Q (a ± … vs b ± …)' names the method whose saved mean is a, and a < b."""
    root, output = quick_run
    with open(root / "results" / "fig6" / "fig6_summary.csv") as handle:
        rows = list(csv.DictReader(handle))
    column = {"final training objective": "train_objective_mean", "final test error": "test_error_mean"}
    for line in output.headline:
        match = re.search(r"(SPG|EPG p=4|SCE|ECE p=2) has the lower (final \w+ \w+) \(([\d.e-]+) ± [\d.e-]+ vs ([\d.e-]+)", line)
        if match:
            method, quantity, low, high = match.groups()
            assert float(low) < float(high)
            assert low in {fmt(float(r[column[quantity]])) for r in rows if r["method"] == method}
        elif "reached ≤" in line:
            for method, hits in re.findall(r"(SPG|EPG p=4|SCE|ECE p=2)'s training objective reached ≤ 0.1 in (\d+) of", line):
                assert hits in {r["runs_reaching_threshold"] for r in rows if r["method"] == method}
        else:
            assert "no clear difference" in line
    assert len(output.headline) == 12


def test_resume_reuses_finished_units(quick_run, monkeypatch):
    root, _ = quick_run
    monkeypatch.setattr(fig6, "train", lambda *a, **k: pytest.fail("a finished unit was trained again"))
    again = fig6.run(quick=True, out_dir=root / "results" / "fig6", docs_dir=root / "docs", seed=0, resume=True)
    assert again.headline
