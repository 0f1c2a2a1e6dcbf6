"""Runs that never lose work: Ctrl-C (SIGINT) keeps what finished, ``--resume`` continues after it.

A real ``escort all`` process runs two small steps: ``first`` finishes at once, ``units`` saves one checkpointed
unit at a time (the pattern of the long experiments). The test interrupts it with SIGINT while ``units`` is half
done, checks the exit code, the message and the files, then resumes and checks that nothing finished is redone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

UNITS = 6

PROGRAM = textwrap.dedent(
    f"""
    import os, sys, time
    import escort.report
    from foundation.artifacts import Checkpoint, StageOutput, write_json
    from escort.cli import main
    from escort.stages import Step

    def log(settings, line):
        settings.out_dir.mkdir(parents=True, exist_ok=True)
        with open(settings.out_dir / "ran.log", "a", encoding="utf-8") as handle:
            handle.write(line + "\\n")

    def first(settings):
        log(settings, "first")
        return StageOutput("first", (write_json(settings.out_dir / "first.json", {{"seed": settings.seed}}),))

    def units(settings):
        checkpoint = Checkpoint(settings.out_dir / "units")
        if not settings.resume:
            checkpoint.clear()
        values = []
        for i in range({UNITS}):
            value = checkpoint.load(f"unit={{i}}")
            if value is None:
                log(settings, f"unit={{i}}")
                time.sleep(float(os.environ["UNIT_SECONDS"]))
                value = i * i
                checkpoint.save(f"unit={{i}}", value)
            values.append(value)
        path = write_json(settings.out_dir / "units.json", values)
        return StageOutput("units", (path,), (f"- sum of squares {{sum(values)}}",))

    escort.report.STEPS = (Step("derive", "first", first), Step("figures", "units", units))
    sys.exit(main(["all", *sys.argv[1:]]))
    """
)


def _command(tmp_path: Path, *extra: str) -> list[str]:
    script = tmp_path / "pipeline.py"
    script.write_text(PROGRAM, encoding="utf-8")
    folders = ["--out", str(tmp_path / "results"), "--docs", str(tmp_path / "docs"), "--readme", str(tmp_path / "none")]
    return [sys.executable, str(script), *folders, *extra]


def _wait_for(path: Path, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.05)


def _ran(tmp_path: Path) -> list[str]:
    return (tmp_path / "results" / "ran.log").read_text(encoding="utf-8").split()


@pytest.mark.skipif(os.name != "posix", reason="SIGINT delivery to a child process")
def test_sigint_keeps_finished_work_and_resume_continues(tmp_path: Path) -> None:
    env = {**os.environ, "UNIT_SECONDS": "0.5"}
    process = subprocess.Popen(_command(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(tmp_path / "results" / "units" / "unit=1.json", process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)

    assert process.returncode == 130
    assert "escort all: interrupted; finished results were kept" in err
    assert "Traceback" not in err
    records = tmp_path / "results" / "stages"
    assert json.loads((records / "first.json").read_text(encoding="utf-8"))["error"] is None
    assert not (records / "units.json").exists()
    saved = sorted(p.name for p in (tmp_path / "results" / "units").glob("*.json"))
    assert len(saved) >= 2 and len(saved) < UNITS
    assert not list(tmp_path.rglob("*.tmp")), "a half-written temporary file was left behind"

    env["UNIT_SECONDS"] = "0"
    before = _ran(tmp_path)
    done = subprocess.run(_command(tmp_path, "--resume"), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    resumed = _ran(tmp_path)[len(before):]
    assert "first" not in resumed, "a finished step was run again"
    assert "derive/first: skipped: finished in an earlier run" in done.stderr
    assert f"resume: skipped {len(saved)} finished unit(s)" in done.stderr
    assert sorted(resumed) == [f"unit={i}" for i in range(len(saved), UNITS)], "a finished unit was redone"
    values = json.loads((tmp_path / "results" / "units.json").read_text(encoding="utf-8"))
    assert values == [i * i for i in range(UNITS)]
    assert "- **units**\n  - sum of squares 55" in (tmp_path / "docs" / "report.md").read_text(encoding="utf-8")


def test_without_resume_everything_runs_again(tmp_path: Path) -> None:
    env = {**os.environ, "UNIT_SECONDS": "0"}
    for _ in range(2):
        subprocess.run(_command(tmp_path), env=env, capture_output=True, text=True, timeout=120, check=True)
    assert _ran(tmp_path).count("first") == 2
    assert _ran(tmp_path).count("unit=0") == 2


def test_resume_reruns_a_step_whose_seed_changed(tmp_path: Path) -> None:
    env = {**os.environ, "UNIT_SECONDS": "0"}
    subprocess.run(_command(tmp_path), env=env, capture_output=True, text=True, timeout=120, check=True)
    subprocess.run(_command(tmp_path, "--resume", "--seed", "1"), env=env, capture_output=True, text=True,
                   timeout=120, check=True)
    assert _ran(tmp_path).count("first") == 2
    assert json.loads((tmp_path / "results" / "first.json").read_text(encoding="utf-8")) == {"seed": 1}


def test_resume_redoes_a_step_whose_record_was_cut_short(tmp_path: Path) -> None:
    env = {**os.environ, "UNIT_SECONDS": "0"}
    subprocess.run(_command(tmp_path), env=env, capture_output=True, text=True, timeout=120, check=True)
    record = tmp_path / "results" / "stages" / "first.json"
    record.write_text(record.read_text(encoding="utf-8")[:20], encoding="utf-8")
    real = tmp_path / "real" / "stages" / "derive.json"  # a record of a real step, for 'escort report'
    real.parent.mkdir(parents=True)
    real.write_text(record.read_text(encoding="utf-8"), encoding="utf-8")
    rerender = subprocess.run(
        [sys.executable, "-m", "escort", "report", "--out", str(tmp_path / "real"), "--docs", str(tmp_path / "d")],
        capture_output=True, text=True, timeout=120,
    )
    assert rerender.returncode == 2 and "it may have been cut short" in rerender.stderr, rerender.stderr
    done = subprocess.run(_command(tmp_path, "--resume"), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "resume: stage record of first is unreadable" in done.stderr and "the step runs again" in done.stderr
    assert _ran(tmp_path).count("first") == 2
