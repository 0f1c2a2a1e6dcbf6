"""Every worked example in examples/ runs and gets the verdict the mathematics says."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from proofs_check.user_claims import check

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _example(name: str):
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_example_is_tested() -> None:
    assert {p.stem for p in EXAMPLES.glob("*.py")} == {"escort_score", "tempered_softmax_bound", "kl_below_l2",
                                                       "eq12_readings", "cubic_escort"}


def test_true_identity_is_proved_for_every_K_by_its_index_form() -> None:
    result = check(_example("escort_score").CLAIM)
    assert result.verdicts == {"as stated": "PROVED"}
    assert result.label() == "PROVED for every K ≥ 2, p > 0, every a, b"
    assert result.results["as stated"].evidence.symbolic.all_K
    assert result.witness() is None


def test_true_claim_is_proved_where_the_symbolic_step_reaches_and_holds_elsewhere() -> None:
    result = check(_example("tempered_softmax_bound").CLAIM)
    evidence = result.results["as stated"].evidence
    assert 2 in evidence.symbolic.proved_K
    assert result.verdicts["as stated"] == ("PROVED" if evidence.symbolic.covers(evidence.K_range) else "HOLDS")


def test_false_claim_is_refuted_with_a_confirmed_witness(tmp_path: Path) -> None:
    result = check(_example("kl_below_l2").CLAIM)
    assert result.verdicts == {"as stated": "FAILS"}
    witness = result.witness()
    assert float(witness["enclosure"][1]) < 0  # the whole interval enclosure of the margin is below 0
    kl, l2 = float(witness["lhs"]), float(witness["rhs"])
    assert kl > l2


def test_two_readings_disagree_below_p_2() -> None:
    result = check(_example("eq12_readings").CLAIM)
    printed, power = "printed: min of the powers", "power of the min"
    assert result.verdicts[printed] in ("PROVED", "HOLDS")
    assert result.verdicts[power] == "FAILS"
    assert 1 <= result.witness(power)["point"]["p"] < 2


def test_user_transform_is_the_cubic_escort_and_its_claim_holds() -> None:
    example = _example("cubic_escort")
    theta = sp.Matrix([sp.Rational(1, 2), -2, 3])
    expected = sp.Matrix([abs(t) ** 3 for t in theta]) / sum(abs(t) ** 3 for t in theta)
    assert sp.simplify(example.CUBIC.expression(theta) - expected) == sp.zeros(3, 1)
    assert check(example.CLAIM).verdicts["as stated"] in ("PROVED", "HOLDS")
