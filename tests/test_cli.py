"""The ``escort`` command's shell: exit codes, one-line errors without tracebacks, ``all`` and ``report``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import escort
import escort.report
from foundation.artifacts import StageOutput, atomic_write_text, write_json
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

    monkeypatch.setattr(escort.report, "saved_published_folders", interrupted)
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


def _clean_clone(tmp_path: Path) -> Path:
    """A git repository holding exactly the tracked files of this tree (uncommitted edits included)."""
    source = Path(__file__).resolve().parents[1]
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=source, capture_output=True, check=True).stdout
    clone = tmp_path / "clone"
    for name in filter(None, tracked.decode().split("\0")):
        if (source / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            (clone / name).write_bytes((source / name).read_bytes())
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "clone"]):
        subprocess.run([*git, *command], cwd=clone, check=True, capture_output=True)
    return clone


@pytest.mark.slow
def test_quick_commands_leave_a_clean_clone_clean(tmp_path: Path) -> None:
    """The Quick start and single stages in a clean clone: git status stays empty, every file is 0644 (umask 022),
    and the report links only files that exist."""
    clone = _clean_clone(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(clone)}
    for argv in (["all", "--quick"], ["run", "fig3", "--quick"], ["battery", "escort:3", "--quick"]):
        done = subprocess.run([sys.executable, "-m", "escort", *argv], cwd=clone, env=env, capture_output=True,
                              text=True, check=False, preexec_fn=lambda: os.umask(0o022))
        assert done.returncode == 0, done.stderr[-2000:]
    status = subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=clone, capture_output=True,
                            text=True, check=True).stdout
    assert status == ""
    written = [p for p in (clone / "results").rglob("*") if p.is_file()]
    assert written and {p.stat().st_mode & 0o777 for p in written} == {0o644}
    report = (clone / "results" / "docs" / "report.md").read_text(encoding="utf-8")
    assert "**broke**" not in report
    for link in re.findall(r"\]\(([^)#]+)\)", report):
        assert (clone / "results" / "docs" / link).exists(), link


def test_all_prints_where_each_step_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    _use_steps(monkeypatch, Step("derive", "derive", _ok), Step("check", "check", _broken))
    main(["all", *_folders(tmp_path)])
    err = capsys.readouterr().err
    assert "derive/derive: ok (" in err and f") -> {(tmp_path / 'results').as_posix()}\n" in err
    assert "check/check: failed (" in err and "): RuntimeError: stage exploded\n" in err


# --- the command line, hardened (issue 19, section 2) -------------------------------------------------------


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _stand_in_experiment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A registered experiment ``standin`` that writes a page to DOCS and data to OUT, with findings."""
    module = tmp_path / "modules" / "standin_experiment.py"
    module.parent.mkdir()
    module.write_text(
        "from dataclasses import dataclass\n"
        "from foundation.artifacts import atomic_write_text, write_json\n"
        "from numerics.analysis.check import Check\n"
        "@dataclass(frozen=True)\n"
        "class Result:\n"
        "    quick: bool\n"
        "    parameters = {}\n"
        "    results = {}\n"
        "    notes = ('- measured 42',)\n"
        "def measure(*, quick, seed, checkpoint):\n"
        "    return Result(quick)\n"
        "def checks(result):\n"
        "    return (Check('bound exceeded in 1 run', 1.0, 0.0, 0.5, 'a planted failure'),)\n"
        "def render(result, folder):\n"
        "    return (write_json(folder / 'data.json', {'quick': result.quick}),)\n"
        "def publish(result, *, out_dir, docs_dir):\n"
        "    return (atomic_write_text(docs_dir / 'page.md', 'x'),)\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(module.parent))
    from numerics.experiments import registry

    monkeypatch.setitem(registry.EXPERIMENTS, "standin", registry.Experiment("standin", "standin_experiment", registry.Page.FIGURES, "Stand-in"))


def _page_step(settings: RunSettings) -> StageOutput:
    return StageOutput("derive", (atomic_write_text(settings.docs_dir / "page.md", "x"),), ("- ok",))


def test_quick_and_single_stage_pages_stay_in_the_results_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    _stand_in_experiment(tmp_path, monkeypatch)
    _use_steps(monkeypatch, Step("derive", "derive", _page_step))
    clone = tmp_path / "clone"
    (clone / "docs").mkdir(parents=True)
    readme = clone / "README.md"
    readme.write_text(f"{escort.report.README_BEGIN}\n{escort.report.README_END}\n", encoding="utf-8")
    monkeypatch.chdir(clone)
    before = _files(clone)
    assert main(["run", "standin", "--quick"]) == 0
    assert main(["run", "standin"]) == 0  # a single stage, even full size
    assert main(["all", "--quick"]) == 0
    written = _files(clone) - before
    assert written and all(path.startswith("results/") for path in written), written
    assert readme.read_text(encoding="utf-8") == f"{escort.report.README_BEGIN}\n{escort.report.README_END}\n"
    assert main(["run", "standin", "--quick", "--docs", "docs"]) == 0  # asked for: the published pages
    assert (clone / "docs" / "page.md").exists()
    assert main(["all"]) == 0  # the full run regenerates docs/ and the README block
    assert (clone / "docs" / "report.md").exists() and "| ran |" in readme.read_text(encoding="utf-8")


def test_run_prints_its_findings_not_only_its_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    _stand_in_experiment(tmp_path, monkeypatch)
    assert main(["run", "standin", "--quick", "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "- measured 42" in out and "FAILS: Stand-in (quick form), bound exceeded in 1 run: measured 1" in out


def test_battery_prints_its_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import numerics.experiments.battery

    def battery(names, *, quick, out_dir, docs_dir, seed):
        return StageOutput("battery", (), (f"- battery `{names[0]}`: NŁ exponent 0.5",), ())

    monkeypatch.setattr(numerics.experiments.battery, "run_battery", battery)
    assert main(["battery", "escort:3", "--quick", "--out", str(tmp_path)]) == 0
    assert "- battery `escort:3`: NŁ exponent 0.5" in capsys.readouterr().out


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_generated_files_follow_the_umask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask: int) -> None:
    _stand_in_experiment(tmp_path, monkeypatch)
    previous = os.umask(umask)
    try:
        assert main(["run", "standin", "--quick", "--out", str(tmp_path / "r"), "--docs", str(tmp_path / "d")]) == 0
    finally:
        os.umask(previous)
    modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.rglob("*") if p.is_file() and ".py" not in p.name}
    assert set(modes) >= {"data.json", "page.md"}
    assert set(modes.values()) == {0o666 & ~umask}, modes


PATH_CASES = {
    "empty --out": (["run", "fig1", "--quick", "--out", ""], "--out must name a folder; got an empty path"),
    "--out is a file": (["run", "fig1", "--quick", "--out", "{file}"], "--out must be a folder"),
    "--out cannot be created": (["all", "--quick", "--out", "{file}/sub"], "cannot be created"),
    "empty --docs": (["derive", "--docs", ""], "--docs must name a folder"),
    "--json into a folder": (["check", "remark1-p1", "--json", "{folder}"], "--json must name a file, not a folder"),
    "--json empty": (["check", "remark1-p1", "--json", ""], "--json must name a file; got an empty name"),
    "--json under a file": (["bench", "--quick", "--json", "{file}/x.json"], "cannot be created"),
}


@pytest.mark.parametrize(("argv", "message"), PATH_CASES.values(), ids=PATH_CASES.keys())
def test_paths_are_validated_before_any_work(
    argv: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import numerics.experiments.registry
    import proofs_check.user_claims

    def never(*args, **kwargs):
        raise AssertionError("work started before the paths were validated")

    monkeypatch.setattr(numerics.experiments.registry, "run_experiment", never)
    monkeypatch.setattr(proofs_check.user_claims, "run_claims", never)
    monkeypatch.setattr(escort.report, "run_all", never)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main([arg.format(file=tmp_path / "file", folder=tmp_path) for arg in argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert _files(tmp_path) == {"file"}


def test_one_run_at_a_time_per_out_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    _use_steps(monkeypatch, Step("derive", "derive", _ok))
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom foundation.artifacts import exclusive_folder\n"
         f"with exclusive_folder({str(tmp_path / 'results')!r}):\n    print('held', flush=True)\n    time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["all", "--quick", *_folders(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert f"is in use by another escort run (pid {holder.pid})" in err and err.count("\n") == 1
        assert not (tmp_path / "docs" / "report.md").exists()
    finally:
        holder.kill()
        holder.wait()
    assert main(["all", "--quick", *_folders(tmp_path)]) == 0  # released when its holder ended


def test_version_and_help_list_choices_and_defaults(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"escort {escort.__version__}"
    for argv, choices in ((["check", "--help"], ["eq12-min-pi", "thm5-smoothness", "module:attribute"]),
                          (["run", "--help"], ["fig3", "questions"]),
                          (["battery", "--help"], ["sparsemax", "entmax", "module:attribute"])):
        assert main(argv) == 0
        text = capsys.readouterr().out
        assert all(choice in text for choice in choices), text
        assert "(default: results" in text


def test_progress_bars_do_not_litter_a_log_file(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    with log.open("w") as handle:
        done = subprocess.run([sys.executable, "-m", "escort", "check", "remark1-p1"], cwd=tmp_path, stdout=handle,
                              stderr=subprocess.STDOUT, check=False)
    text = log.read_text(encoding="utf-8")
    assert done.returncode == 0, text
    assert "1 PROVED" in text
    assert "\r" not in text and "it/s" not in text and "claim/s" not in text


def test_report_counts_and_lists_the_check_stage_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from proofs_check import report as verdict_report
    from proofs_check.verdicts import DomainResult, Evidence, SearchOutcome, Verdict

    witness = {"K": 2, "point": {"p": 1.0}, "margin": "-0.01", "enclosure": ["-0.01", "-0.01"], "digits": 60}
    search = SearchOutcome(10, 0, 0, 0, 0, -0.01, 60, None, witness, "derandomised")
    failing = DomainResult("eq12-min-pi", "wider", "p ∈ [1, 64]",
                           Verdict.FAILS, Evidence(None, search, (), False, False, (2, 8)))

    def check_stage(settings: RunSettings) -> StageOutput:
        return StageOutput("check", (), verdict_report.headline([failing]), verdict_report.problems([failing]))

    _use_steps(monkeypatch, Step("check", "check", check_stage))
    assert main(["all", "--quick", *_folders(tmp_path)]) == 0
    report = (tmp_path / "docs" / "report.md").read_text(encoding="utf-8")
    assert "| check | [check](#check) | ran |" in report and report.split("[check](#check)")[1].split("\n")[0].endswith(
        "| 1 |")
    failures = report.split("### What fails, and where")[1].split("###")[0]
    assert "**check**: eq12-min-pi fails on the wider domain only" in failures


def test_a_rejected_run_creates_no_output_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", "fig9", "--quick"]) == 2
    assert "unknown experiment 'fig9'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
