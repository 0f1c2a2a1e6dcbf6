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


def _replay_file(tmp_path, point: dict) -> str:
    witness = tmp_path / "w.json"
    witness.write_text(json.dumps({"claim": "eq12-min-pi", "domain": "wider", "K": 2, "point": point}))
    return str(witness)


def test_replay_strict_exits_1_when_the_witness_no_longer_violates(tmp_path, capsys) -> None:
    still = _replay_file(tmp_path, {"p": 1.0, "theta_1": 1.0, "theta_2": 0.1})
    assert main(["check", "--replay", still, "--strict"]) == 0
    fixed = _replay_file(tmp_path, {"p": 3.0, "theta_1": 1.0, "theta_2": 0.1})  # p ≥ 2: both readings agree, it holds
    assert main(["check", "--replay", fixed]) == 0
    assert "no longer violates" in capsys.readouterr().out
    assert main(["check", "--replay", fixed, "--strict"]) == 1


def test_replay_rejects_a_witness_with_nan(tmp_path, capsys) -> None:
    witness = tmp_path / "nan.json"
    witness.write_text('{"claim": "eq12-min-pi", "K": 2, "point": {"p": NaN, "theta_1": 1.0, "theta_2": 0.1}}')
    assert main(["check", "--replay", str(witness), "--strict"]) == 2
    err = capsys.readouterr().err
    assert "must hold finite numbers; p is NaN or infinite" in err and err.count("\n") == 1


def test_list_names_every_registered_claim_once(capsys) -> None:
    from proofs_check.claims import CLAIMS

    assert main(["check", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(CLAIMS)
