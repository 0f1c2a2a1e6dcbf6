"""Shared fixtures of the figure tests: each test module names the figure module it checks in ``FIGURE``."""

import json
from collections.abc import Callable

import pytest

from foundation.artifacts import StageOutput
from numerics.experiments.registry import EXPERIMENTS


@pytest.fixture(scope="module")
def figure(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[StageOutput, dict]:
    """Run the module's ``FIGURE`` once in its quick form: (its StageOutput, its saved JSON record)."""
    module = request.module.FIGURE
    name = module.__name__.rsplit(".", 1)[1]
    folder = tmp_path_factory.mktemp(name)
    output = EXPERIMENTS[name].run(quick=True, out_dir=folder, docs_dir=folder / "docs", seed=0, resume=False)
    return output, json.loads((folder / f"{name}.json").read_text())


def _complete(output: StageOutput, record: dict) -> None:
    suffixes = {p.name.split(".", 1)[1] for p in output.paths}
    assert {"png", "pdf", "csv", "json", "provenance.json"} <= suffixes
    assert record["checks"] and all(check["passed"] for check in record["checks"]), output.problems
    assert output.problems == () and all(line.startswith("- ") for line in output.headline)


@pytest.fixture
def assert_complete() -> Callable[[StageOutput, dict], None]:
    """Assert that a quick figure wrote every artefact and that every one of its checks passed."""
    return _complete
