"""The import contracts of ``[tool.importlinter]`` in pyproject.toml hold, and a planted upward import breaks them.

The check runs ``lint-imports`` in a subprocess whose ``sys.path`` starts with the folder holding the packages,
so the planted copy is what gets analysed, not the installed tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("foundation", "theory", "proofs_check", "numerics", "escort")


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(folder)}
    script = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run(
        [sys.executable, "-c", script, "--config", str(folder / "pyproject.toml"), "--no-cache"],
        cwd=folder, env=env, capture_output=True, text=True, check=False,
    )


def _copy_tree(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_contracts_hold_on_the_tree() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout


def test_planted_upward_import_breaks_a_contract(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    planted = tree / "theory" / "planted_upward.py"
    planted.write_text("import numerics.environments.bandit  # an upward import: theory must not read numerics\n")
    result = _lint(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "theory.planted_upward -> numerics.environments.bandit" in result.stdout


def test_planted_upward_import_inside_numerics_breaks_the_layer_contract(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    planted = tree / "numerics" / "kernels" / "planted_upward.py"
    planted.write_text("import numerics.engine.runs  # kernels must not read the engine above them\n")
    result = _lint(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "numerics.kernels.planted_upward -> numerics.engine.runs" in result.stdout


def test_planted_cycle_between_siblings_breaks_the_acyclic_contract(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    planted = tree / "numerics" / "engine" / "recording.py"
    planted.write_text(planted.read_text() + "\nimport numerics.engine.runs  # runs imports recording: a cycle\n")
    result = _lint(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "No cycles are allowed in numerics.engine" in result.stdout
