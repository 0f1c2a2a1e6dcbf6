"""Index-form derivations hold for every K, and a planted wrong entry formula is not established."""

from __future__ import annotations

import dataclasses

import pytest

from theory.index_form import DERIVATIONS, Case, covering
from theory.statements import STATEMENTS


@pytest.mark.parametrize("derivation_id", ["eq1", "eq7", "ce-gradient-escort", "eq12-entry", "eq9-identity"])
def test_derivation_is_established(derivation_id: str) -> None:
    assert DERIVATIONS[derivation_id].verify().established


def test_planted_wrong_jacobian_is_not_established() -> None:
    """Eq. (7) with the off-diagonal entry doubled: derivative − stated no longer vanishes."""
    right = DERIVATIONS["eq7"]

    def doubled() -> tuple[Case, ...]:
        same, other = right.cases()
        return same, dataclasses.replace(other, stated=2 * other.stated)

    assert not dataclasses.replace(right, cases=doubled).verify().established


def test_every_covered_statement_exists() -> None:
    covered = {sid for d in DERIVATIONS.values() for sid in d.statement_ids}
    assert covered <= set(STATEMENTS)
    assert covering("eq12-gradient").id == "ce-gradient-escort" and covering("eq12") is None
