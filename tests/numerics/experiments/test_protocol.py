"""The experiment protocol: measure → checks → render, the record it writes, and a broken experiment in ``escort all``.

Stand-in experiment modules (written to a temporary folder and registered for the test) follow the protocol; one
measures, one's ``measure`` raises, one's ``checks`` fail. ``escort all`` must name the broken ones and still run
the others.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import escort.report
from numerics.experiments import registry
from numerics.experiments.protocol import Page, Sizes

_MODULE = '''
from dataclasses import dataclass
from numerics.analysis.check import Check
from numerics.experiments.protocol import Sizes
from foundation.artifacts import write_csv

SIZES = Sizes(quick=3, full=30)

@dataclass(frozen=True)
class Result:
    quick: bool
    runs: int
    value: float

    @property
    def parameters(self):
        return {{"runs": self.runs, "quick": self.quick}}

    @property
    def results(self):
        return {{"value": self.value}}

    @property
    def notes(self):
        return ("- a note on {name}",)

def measure(*, quick, seed, checkpoint, runs=None):
    {measure_body}
    runs = runs or SIZES.pick(quick)
    return Result(quick, runs, checkpoint.unit("value", lambda: float(runs + seed)))

def checks(result):
    return (Check("value", result.value, {target}, 0.5, "the stand-in measures runs + seed"),)

def render(result, folder):
    return (write_csv(folder / "{name}.csv", ("value",), [(result.value,)]),)
'''


def _register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, *, measure_body: str = "pass",
              target: float = 3.0) -> registry.Experiment:
    folder = tmp_path / "modules"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.py").write_text(_MODULE.format(name=name, measure_body=measure_body, target=target),
                                      encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    experiment = registry.Experiment(name, name, Page.FIGURES, name.capitalize())
    monkeypatch.setitem(registry.EXPERIMENTS, name, experiment)
    return experiment


def test_sizes_pick_the_quick_or_the_full_form() -> None:
    sizes = Sizes(quick=(1, 2), full=(10, 20))
    assert sizes.pick(True) == (1, 2) and sizes.pick(False) == (10, 20)


def test_run_protocol_writes_the_record_and_the_headline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _register(tmp_path, monkeypatch, "standin_good")
    output = registry.run_experiment("standin_good", quick=True, out_dir=tmp_path / "out", docs_dir=tmp_path)
    folder = tmp_path / "out" / "standin_good"
    assert [p.name for p in output.paths] == ["standin_good.csv", "standin_good.json",
                                              "standin_good.provenance.json"]
    record = json.loads((folder / "standin_good.json").read_text(encoding="utf-8"))
    assert record["command"] == "escort run standin_good --quick"
    assert record["parameters"] == {"runs": 3, "quick": True} and record["results"] == {"value": 3.0}
    assert record["checks"][0]["passed"] is True and output.problems == ()
    assert output.headline[0].startswith("- Standin_good (quick form), value: measured 3")
    assert output.headline[-1] == "- a note on standin_good"


def test_a_failing_check_is_a_problem_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _register(tmp_path, monkeypatch, "standin_wrong", target=99.0)
    output = registry.run_experiment("standin_wrong", quick=False, out_dir=tmp_path / "out", docs_dir=tmp_path)
    assert len(output.problems) == 1 and output.problems[0].endswith("FAILS")
    assert "measured 30, expected 99 ± 0.5" in output.problems[0]


def test_resume_keeps_the_measured_units(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _register(tmp_path, monkeypatch, "standin_units")
    registry.run_experiment("standin_units", quick=True, out_dir=tmp_path / "out", docs_dir=tmp_path)
    unit = next((tmp_path / "out" / "standin_units" / "checkpoint").glob("*.json"))
    unit.write_text(unit.read_text(encoding="utf-8").replace("3.0", "4.0"), encoding="utf-8")
    resumed = registry.run_experiment("standin_units", quick=True, out_dir=tmp_path / "out", docs_dir=tmp_path,
                                      resume=True)
    fresh = registry.run_experiment("standin_units", quick=True, out_dir=tmp_path / "out", docs_dir=tmp_path)
    assert "measured 4" in resumed.headline[0] and "measured 3" in fresh.headline[0]


def test_escort_all_names_broken_experiments_and_runs_the_others(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    experiments = [
        _register(tmp_path, monkeypatch, "standin_raises", measure_body="raise RuntimeError('planted failure')"),
        _register(tmp_path, monkeypatch, "standin_fails", target=99.0),
        _register(tmp_path, monkeypatch, "standin_fine"),
    ]
    result = escort.report.run_all(quick=True, out_dir=tmp_path / "out", docs_dir=tmp_path / "docs", readme=None,
                                   steps=[escort.report.experiment_step(e) for e in experiments], progress=False)
    by_name = {r.name: r for r in result.records}
    assert by_name["standin_raises"].error == "RuntimeError: planted failure"
    assert by_name["standin_fails"].ok and by_name["standin_fails"].output.problems
    assert by_name["standin_fine"].ok and not by_name["standin_fine"].output.problems
    report = result.report.read_text(encoding="utf-8")
    assert "**standin_raises** (figures): RuntimeError: planted failure" in report
    assert (tmp_path / "out" / "standin_fine" / "standin_fine.json").exists()


def test_every_registered_experiment_names_a_page_and_a_label() -> None:
    assert all(isinstance(e.page, Page) and e.label for e in registry.EXPERIMENTS.values())
    assert {e.page for e in registry.EXPERIMENTS.values()} == set(Page)


def test_each_registered_module_follows_one_shape() -> None:
    """Every registered module has measure, checks, render and its SIZES (an experiment composed of parts, as the
    questions are, has them in every part, each with its page ``section``, and publishes the page itself)."""
    import importlib
    import inspect

    for experiment in registry.EXPERIMENTS.values():
        module = importlib.import_module(experiment.module)
        assert not hasattr(module, "run"), experiment.name  # no second shape
        parts = getattr(module, "QUESTIONS", ())
        for part in (module, *parts):
            assert callable(part.checks) and callable(part.render), part.__name__
            if part is module and parts:
                assert callable(module.publish)
            else:
                assert isinstance(part.SIZES, Sizes) and (not parts or callable(part.section)), part.__name__
            keywords = inspect.signature(part.measure).parameters
            assert {"quick", "seed", "checkpoint"} <= set(keywords), part.__name__
            assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in keywords.values()), part.__name__
