"""Same seed ⇒ byte-identical data files; provenance kept beside the data, never inside it.

The real experiment is the quickest one: the transform battery on softmax alone, in its quick form (every data
file of it depends on the seed: random rewards, initial parameters and NŁ sample paths).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from foundation.artifacts import StageOutput, write_csv, write_json
from escort.report import run_all
from escort.stages import RunSettings, Step

DATA_SUFFIXES = (".csv", ".json")


def data_files(folder: Path) -> dict[str, bytes]:
    """Every CSV/JSON data file under ``folder`` (provenance files excluded), by relative path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.suffix in DATA_SUFFIXES and not path.name.endswith(".provenance.json")
    }


def differing(first: Path, second: Path) -> list[str]:
    """Relative paths of data files that differ (or exist on one side only) between two result folders."""
    a, b = data_files(first), data_files(second)
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


@pytest.fixture(scope="module")
def battery_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from numerics.experiments.battery import run_battery

    folders = []
    for run in ("first", "second"):
        root = tmp_path_factory.mktemp(run)
        run_battery(["softmax"], quick=True, out_dir=root / "results", docs_dir=root / "docs", seed=3)
        folders.append(root / "results")
    return folders[0], folders[1]


def test_same_seed_gives_byte_identical_data(battery_runs: tuple[Path, Path]) -> None:
    first, second = battery_runs
    assert len(data_files(first)) >= 4
    assert differing(first, second) == []


def test_the_comparison_sees_a_one_digit_change(battery_runs: tuple[Path, Path], tmp_path: Path) -> None:
    first, _ = battery_runs
    changed = shutil.copytree(first, tmp_path / "changed")
    csv_path = next(changed.rglob("*.csv"))
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    last = lines[-1]
    digit = next(i for i, c in reversed(list(enumerate(last))) if c.isdigit())
    lines[-1] = last[:digit] + str((int(last[digit]) + 1) % 10) + last[digit + 1:]
    csv_path.write_text("".join(lines), encoding="utf-8")
    assert differing(first, changed) == [csv_path.relative_to(changed).as_posix()]


def test_provenance_sits_beside_the_data(battery_runs: tuple[Path, Path]) -> None:
    first, second = battery_runs
    for folder in (first, second):
        record = json.loads(next(folder.rglob("*.provenance.json")).read_text(encoding="utf-8"))
        assert record["seed"] == 3
        assert record["versions"]["numpy"]
        assert "command" in record and "git_commit" in record
    for text in data_files(first).values():
        assert b"git_commit" not in text and b"wall_time" not in text


def _seeded_step(settings: RunSettings) -> StageOutput:
    import numpy as np

    draws = np.random.default_rng(settings.seed).normal(size=5)
    path = write_csv(settings.out_dir / "draws.csv", ["i", "x"], enumerate(draws))
    return StageOutput("draws", (path, write_json(settings.out_dir / "draws.json", {"sum": draws.sum()})),
                       (f"- sum {draws.sum():.3f}",))


def test_stage_records_are_byte_identical_and_carry_provenance(tmp_path: Path) -> None:
    out = tmp_path / "results"

    def run() -> None:
        run_all(seed=11, out_dir=out, docs_dir=tmp_path / "docs", readme=None, progress=False,
                steps=[Step("figures", "draws", _seeded_step)])

    run()
    earlier = shutil.copytree(out, tmp_path / "earlier")
    run()
    assert sorted(data_files(out)) == ["draws.csv", "draws.json", "stages/draws.json"]
    assert differing(earlier, out) == []
    provenance = json.loads((out / "stages" / "draws.provenance.json").read_text(encoding="utf-8"))
    assert provenance["seed"] == 11 and provenance["wall_time_seconds"] >= 0
    assert provenance["command"].startswith("escort all --out")
