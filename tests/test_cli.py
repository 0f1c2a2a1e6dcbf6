"""The ``escort`` command's shell: exit codes, one-line errors without tracebacks, ``all`` and ``report``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import escort.report
from foundation.artifacts import StageOutput, write_json
from escort.cli import build_parser, main
from foundation.validation import InputError
from escort.stages import RunSettings, Step


def _ok(settings: RunSettings) -> StageOutput:
    return StageOutput("derive", (write_json(settings.out_dir / "derive.json", {"ok": True}),), ("- derived",))


def _broken(settings: RunSettings) -> StageOutput:
    raise RuntimeError("stage exploded")


def _use_steps(monkeypatch: pytest.MonkeyPatch, *steps: Step) -> None:
    monkeypatch.setattr(escort.report, "STEPS", steps)


def _folders(tmp_path: Path) -> list[str]:
    folders = {"--out": "results", "--docs": "docs", "--readme": "README.md"}
    return [part for flag, name in folders.items() for part in (flag, str(tmp_path / name))]


def test_every_subcommand_is_registered() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices
    assert {"derive", "run", "all", "report"} <= set(commands)


def test_all_exits_0_when_every_stage_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    _use_steps(monkeypatch, Step("derive", "derive", _ok))
    assert main(["all", "--quick", *_folders(tmp_path)]) == 0
    assert (tmp_path / "docs" / "report.md").exists()
    assert f"wrote {tmp_path / 'docs' / 'report.md'}" in capsys.readouterr().out


def test_all_exits_1_and_names_the_broken_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    _use_steps(monkeypatch, Step("derive", "derive", _ok), Step("check", "check", _broken))
    assert main(["all", "--quick", *_folders(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "escort all: stage check (check) broke: RuntimeError: stage exploded" in err
    assert "Traceback" not in err


def test_report_rerenders_without_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use_steps(monkeypatch, Step("derive", "derive", _ok))
    main(["all", *_folders(tmp_path)])
    (tmp_path / "docs" / "report.md").unlink()
    _use_steps(monkeypatch, Step("derive", "derive", _broken))
    assert main(["report", *_folders(tmp_path)]) == 0
    assert "- **derive**\n  - derived" in (tmp_path / "docs" / "report.md").read_text(encoding="utf-8")


def test_input_error_is_one_sentence_and_exit_code_2(tmp_path: Path, capsys) -> None:
    assert main(["report", "--out", str(tmp_path / "none"), "--docs", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("escort report: error: out_dir must hold the stage records")
    assert err.count("\n") == 1


def test_negative_seed_is_rejected(tmp_path: Path, capsys) -> None:
    assert main(["all", "--seed", "-1", *_folders(tmp_path)]) == 2
    assert "seed must be an integer >= 0; got -1" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["nonsense"], ["all", "--seed", "x"], []])
def test_usage_errors_return_2(argv: list[str], capsys) -> None:
    assert main(argv) == 2
    assert "usage: escort" in capsys.readouterr().err


def test_keyboard_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(escort.report, "render_saved", interrupted)
    assert main(["report"]) == 130
    assert "interrupted; finished results were kept" in capsys.readouterr().err


def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "escort.cli", "report", "--out", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "must hold the stage records" in done.stderr


def test_input_error_inside_a_stage_does_not_stop_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def bad(settings: RunSettings) -> StageOutput:
        raise InputError("K must be an integer >= 2 (number of actions or classes); got 1")

    _use_steps(monkeypatch, Step("figures", "fig1", bad), Step("derive", "derive", _ok))
    assert main(["all", *_folders(tmp_path)]) == 1
    assert (tmp_path / "results" / "derive.json").exists()


@pytest.mark.slow
def test_escort_all_quick_end_to_end(tmp_path: Path) -> None:
    """The first Quick start command: every stage runs, the report links only files that exist."""
    readme = tmp_path / "README.md"
    readme.write_text(f"{escort.report.README_BEGIN}\n{escort.report.README_END}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "escort.cli", "all", "--quick", "--out", "results", "--docs", "docs", "--readme",
         "README.md"], cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = (tmp_path / "docs" / "report.md").read_text(encoding="utf-8")
    assert "**broke**" not in report
    for link in re.findall(r"\]\(([^)#]+)\)", report):
        assert (tmp_path / "docs" / link).exists(), link
    assert "| ran |" in readme.read_text(encoding="utf-8")


def test_all_prints_where_each_step_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    _use_steps(monkeypatch, Step("derive", "derive", _ok), Step("check", "check", _broken))
    main(["all", *_folders(tmp_path)])
    err = capsys.readouterr().err
    assert "derive/derive: ok (" in err and f") -> {(tmp_path / 'results').as_posix()}\n" in err
    assert "check/check: failed (" in err and "): RuntimeError: stage exploded\n" in err
