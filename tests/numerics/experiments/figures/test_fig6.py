"""`escort run fig6 --quick`: files written, resume, rates chosen on the validation split, conclusions that agree
with the saved numbers, and the paper's four claims as checks recomputed from the curves (a planted reversal fails)."""

import csv
import json
from types import SimpleNamespace

import numpy as np
import pytest

from numerics.analysis.aggregate import improvement_interval, interquartile_mean
from numerics.engine.neural.classifier import Curve
from numerics.experiments.figures import fig6
from numerics.experiments.registry import run_experiment


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    output = run_experiment("fig6", quick=True, out_dir=root / "results", docs_dir=root / "docs", seed=0)
    with open(root / "results" / "fig6" / "fig6_summary.csv") as handle:
        rows = list(csv.DictReader(handle))
    return root, output, rows


def test_writes_data_figure_and_findings(quick_run):
    root, output, _ = quick_run
    names = {path.name for path in output.paths}
    assert {"fig6_curves.csv", "fig6_summary.csv", "fig6_classification.png", "fig6.json", "fig6.provenance.json",
            "findings.md"} <= names
    assert (root / "docs" / "figures" / "fig6_classification.png").stat().st_size > 10_000
    findings = (root / "docs" / "findings.md").read_text()
    assert "quick form" in findings and "escort run fig6" in findings.splitlines()[2]


def test_one_rate_selected_per_method_and_optimiser_by_validation_error(quick_run):
    _, _, rows = quick_run
    config = fig6.SIZES.quick
    for method in {(r["method"], r["optimiser"]) for r in rows}:
        mine = [r for r in rows if (r["method"], r["optimiser"]) == method]
        assert len(mine) == len(dict(config.rates)[method[1]])
        chosen = [r for r in mine if r["selected"] == "yes"]
        assert len(chosen) == 1
        assert float(chosen[0]["validation_error_iqm"]) == min(float(r["validation_error_iqm"]) for r in mine)


def test_quick_verdicts_are_marked_quick_and_refuse_to_call_differences(quick_run):
    _, output, _ = quick_run
    # 4 checks, then 2 optimisers × 2 pairs × (2 comparisons + 1 threshold line), and a note if a rate sits at an
    # end of its grid
    checks, notes = output.headline[:4], output.headline[4:]
    assert all(line.startswith("- Fig. 6 (quick form), (") and "a tendency only" in line for line in checks)
    assert len(notes) in (12, 13)
    assert all(line.startswith("- Fig. 6 (quick form): ") for line in notes)
    comparisons = [line for line in notes if "IQM" in line]
    assert len(comparisons) == 8 and all("too few runs" in line for line in comparisons)


def test_selection_picks_the_lower_validation_error_and_can_pick_either_rate():
    config = fig6.SIZES.quick
    method = ("SPG", "momentum")

    def curves(errors):
        return {(*method, rate, s): Curve((0, 1), (1.0, 0.5), (1.0, error), (1.0, 0.5))
                for (rate, error) in errors.items() for s in range(config.selection_seeds)}

    for low, high in ((0.01, 0.1), (0.1, 0.01)):
        data = curves({low: 0.2, high: 0.3})
        assert fig6._criterion(data, method, low, 2) < fig6._criterion(data, method, high, 2)
        chosen = min(dict(config.rates)["momentum"], key=lambda rate: fig6._criterion(data, method, rate, 2))
        assert chosen == low
    assert interquartile_mean(fig6._finals(curves({0.01: 0.2, 0.1: 0.3}), method, 0.01, 2, "validation_error")) == 0.2
    assert len(fig6._methods(config)) == 8  # 4 heads × 2 optimisers


def test_resume_reuses_finished_units(quick_run, monkeypatch):
    root, _, _ = quick_run
    monkeypatch.setattr(fig6, "train", lambda *a, **k: pytest.fail("a finished unit was trained again"))
    again = run_experiment("fig6", quick=True, out_dir=root / "results", docs_dir=root / "docs", seed=0, resume=True)
    assert again.headline


def test_a_rate_at_an_end_of_its_grid_is_reported():
    config = fig6.SIZES.full
    inside = {m: 0.03 if m[1] == "momentum" else 0.3 for m in fig6._methods(config)}
    assert fig6._edge_notes(config, inside) == []
    edge = {**inside, ("SPG", "momentum"): 0.3}
    assert fig6._edge_notes(config, edge) == [
        "- Chosen at an end of its grid, so a better rate may lie beyond it: SPG with SGD + momentum 0.9 (η = 0.3)."]


def test_full_form_is_mnist_in_float32_with_ten_seeds():
    config = fig6.SIZES.full
    assert config.mnist and config.dtype == "float32" and config.seeds == 10
    assert all(0.01 in rates for optimiser, rates in config.rates if optimiser == "momentum")
    assert np.dtype(config.dtype).type is np.float32


def _final_values(root, method, rate, field):
    with open(root / "results" / "fig6" / "fig6_curves.csv") as handle:
        rows = [r for r in csv.DictReader(handle)
                if (r["method"], r["optimiser"], float(r["learning_rate"])) == (*method, rate)]
    last = {}
    for row in rows:
        last[row["seed"]] = float(row[field])
    return [last[seed] for seed in sorted(last, key=int)]


def test_checks_are_the_paper_claims_recomputed_from_the_curves(quick_run):
    root, output, _ = quick_run
    record = json.loads((root / "results" / "fig6" / "fig6.json").read_text())
    rates = {(m, o): rate for m, o, rate in record["results"]["selected_learning_rates"]}
    assert len(record["checks"]) == 4
    for check, (pair, field, _, _) in zip(record["checks"], fig6._CLAIMS):
        softmax, escort = (_final_values(root, (h.label, "momentum"), rates[h.label, "momentum"], field)
                           for h in fig6.PAIRS[pair])
        expected = improvement_interval(escort, softmax, seed=0, lower_is_better=True).low
        assert check["measured"] == pytest.approx(expected) and check["passed"] == (expected >= 0.5)
    findings = (root / "docs" / "findings.md").read_text()
    assert all(line in findings for line in output.headline[:4])


def test_a_planted_reversal_fails_every_check():
    def result(escort_lower):
        def finals(method, field):
            escort = method[0] in ("EPG p=4", "ECE p=2")
            return [0.1 + 0.01 * s + (0.0 if escort == escort_lower else 0.5) for s in range(10)]
        return SimpleNamespace(finals=finals)

    assert all(c.passed for c in fig6.checks(result(escort_lower=True)))
    assert not any(c.passed for c in fig6.checks(result(escort_lower=False)))
