"""foundation.artifacts: atomic writes, deterministic JSON/CSV, provenance, checkpoints."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from foundation import artifacts
from foundation.artifacts import Checkpoint, atomic_write_text, provenance, to_jsonable, write_csv, write_json
from foundation.validation import InputError


def test_interrupted_write_keeps_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = atomic_write_text(tmp_path / "data.json", "old\n")

    def interrupted_replace(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(artifacts.os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]


def test_write_creates_missing_folders(tmp_path: Path) -> None:
    path = atomic_write_text(tmp_path / "a" / "b" / "c.txt", "x")
    assert path.read_text(encoding="utf-8") == "x"


def test_json_is_deterministic_whatever_the_key_order(tmp_path: Path) -> None:
    first = write_json(tmp_path / "1.json", {"b": np.float64(0.1), "a": [np.int64(3), (1, 2)]}).read_bytes()
    second = write_json(tmp_path / "2.json", {"a": [3, [1, 2]], "b": 0.1}).read_bytes()
    assert first == second == b'{\n  "a": [\n    3,\n    [\n      1,\n      2\n    ]\n  ],\n  "b": 0.1\n}\n'


def test_non_finite_floats_become_strict_json(tmp_path: Path) -> None:
    text = write_json(tmp_path / "x.json", {"nan": math.nan, "inf": np.inf}).read_text(encoding="utf-8")
    assert json.loads(text) == {"inf": "inf", "nan": "nan"}
    assert "NaN" not in text and "Infinity" not in text


def test_jsonable_converts_arrays_and_paths() -> None:
    assert to_jsonable({"p": Path("a/b"), "x": np.array([[1.5, 2.0]])}) == {"p": "a/b", "x": [[1.5, 2.0]]}


def test_csv_floats_round_trip_exactly(tmp_path: Path) -> None:
    values = [0.1, 1e-300, np.float64(2) / 3, 123456789.123456789]
    path = write_csv(tmp_path / "x.csv", ["i", "value"], [(i, v) for i, v in enumerate(values)])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "i,value"
    assert [float(line.split(",")[1]) for line in lines[1:]] == [float(v) for v in values]


def test_provenance_names_command_seed_versions_and_commit() -> None:
    parameters = {"K": 10, "out": Path("r")}
    record = provenance(command="escort run fig1 --quick", parameters=parameters, seed=7, wall_time=1.5)
    assert record["command"] == "escort run fig1 --quick"
    assert record["parameters"] == {"K": 10, "out": "r"}
    assert record["seed"] == 7 and record["wall_time_seconds"] == 1.5
    assert record["versions"]["numpy"] == np.__version__
    assert record["git_commit"] is None or len(record["git_commit"]) == 40


def test_checkpoint_saves_loads_and_clears(tmp_path: Path) -> None:
    checkpoint = Checkpoint(tmp_path / "ck")
    assert checkpoint.load("K=10/run=3") is None
    checkpoint.save("K=10/run=3", {"escape": 41.0})
    checkpoint.save("K=10/run=4", [1, 2])
    assert Checkpoint(tmp_path / "ck").load("K=10/run=3") == {"escape": 41.0}
    checkpoint.clear()
    assert checkpoint.load("K=10/run=3") is None and checkpoint.load("K=10/run=4") is None


def test_checkpoint_keys_do_not_collide_after_sanitising(tmp_path: Path) -> None:
    checkpoint = Checkpoint(tmp_path)
    checkpoint.save("a/b", 1)
    checkpoint.save("a_b", 2)
    assert (checkpoint.load("a/b"), checkpoint.load("a_b")) == (1, 2)


@dataclass(frozen=True)
class _Sizes:
    runs: int
    steps: int


def test_checkpoint_unit_is_computed_once_per_scope(tmp_path: Path) -> None:
    """A unit saved under other settings is recomputed (and replaced), never mixed into a resumed run."""
    calls: list[int] = []

    def compute(value: int) -> int:
        calls.append(value)
        return value

    checkpoint = Checkpoint(tmp_path)
    assert checkpoint.unit("q/K=5", lambda: compute(1), scope=_Sizes(runs=4, steps=100)) == 1
    assert Checkpoint(tmp_path).unit("q/K=5", lambda: compute(2), scope=_Sizes(runs=4, steps=100)) == 1
    assert calls == [1]
    assert checkpoint.unit("q/K=5", lambda: compute(3), scope=_Sizes(runs=50, steps=100)) == 3
    assert checkpoint.load("q/K=5", scope=_Sizes(runs=4, steps=100)) is None
    assert checkpoint.load("q/K=5", scope=_Sizes(runs=50, steps=100)) == 3
    assert checkpoint.load("q/K=5") is None
    assert calls == [1, 3]


def test_temporary_files_are_hidden_and_in_the_target_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spying_replace(src: str, dst: str) -> None:
        seen.append(src)
        real_replace(src, dst)

    monkeypatch.setattr(artifacts.os, "replace", spying_replace)
    atomic_write_text(tmp_path / "out.txt", "x")
    assert Path(seen[0]).parent == tmp_path and Path(seen[0]).name.startswith(".out.txt.")


@pytest.mark.parametrize("content", ["{truncated", '{"key": "other", "value": 1}', "[]"])
def test_corrupt_checkpoint_is_an_input_error_naming_the_file(tmp_path: Path, content: str) -> None:
    checkpoint = Checkpoint(tmp_path)
    checkpoint.save("unit", 1)
    (tmp_path / "unit.json").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=r"checkpoint .*unit\.json must be a JSON file .*run without --resume"):
        checkpoint.load("unit")


def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        paths = [atomic_write_text(tmp_path / "a.md", "x"), write_json(tmp_path / "b.json", {}),
                 write_csv(tmp_path / "c.csv", ["x"], [[1.0]]), artifacts.atomic_write_bytes(tmp_path / "d.bin", b"1")]
    finally:
        os.umask(previous)
    assert [p.stat().st_mode & 0o777 for p in paths] == [0o644] * 4


def test_a_held_folder_refuses_a_second_run(tmp_path: Path) -> None:
    with artifacts.exclusive_folder(tmp_path / "out"):
        with pytest.raises(InputError, match=r"--out .* is in use by another escort run \(pid \d+\)"):
            with artifacts.exclusive_folder(tmp_path / "out"):
                pass
    with artifacts.exclusive_folder(tmp_path / "out"):  # released at the end of the first
        pass


def test_strip_bullet_removes_one_markdown_bullet_only() -> None:
    from foundation.artifacts import strip_bullet

    assert strip_bullet("- Theorem 2: exceeded") == "Theorem 2: exceeded"
    assert strip_bullet("  * item - with a dash") == "item - with a dash"
    assert strip_bullet("no bullet") == "no bullet"
