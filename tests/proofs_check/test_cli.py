"""``escort check``: exit codes, a single claim end to end, and the replay of a saved witness."""

from __future__ import annotations

import json

from escort.cli import main


def test_unknown_claim_exits_2(capsys) -> None:
    assert main(["check", "eq99"]) == 2
    assert "unknown claim" in capsys.readouterr().err


def test_single_claim_run_and_strict_exit(tmp_path, capsys) -> None:
    out = tmp_path / "result.json"
    assert main(["check", "remark1-p1", "--json", str(out), "--strict"]) == 0
    data = json.loads(out.read_text())
    assert data["results"][0]["verdict"] == "PROVED"


def test_replay_of_a_failing_witness(tmp_path, capsys) -> None:
    witness = tmp_path / "w.json"
    witness.write_text(json.dumps({"claim": "eq12-min-pi", "domain": "wider", "K": 2,
                                   "point": {"p": 1.0, "theta_1": 1.0, "theta_2": 0.1}}))
    assert main(["check", "eq12-min-pi", "--replay", str(witness)]) == 0
    assert "violates" in capsys.readouterr().out
    assert main(["check", "eq8", "--replay", str(witness)]) == 2
