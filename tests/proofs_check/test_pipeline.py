"""The checker can fail: planted statements with known truth go through search, confirmation, shrinking, intervals.

* a false inequality (ε² ≥ ε/2, false for ε < 1/2) is found, confirmed in interval arithmetic, shrunk;
* a float-cancellation false alarm ((1 + ε)² − 1 − ε² ≥ 2ε, true, but float64 rounds (1 + ε)² to 1) is
  rejected by the high-precision step and counted, never reported as a failure;
* a true inequality (−log(1 − ε) ≥ ε on [0.01, 0.99]) is certified by interval branch-and-bound;
* the real registry: Eq. (12) read as (min π)^{1−2/p} fails for p < 2 with a replayable witness.
"""

from __future__ import annotations

import contextlib
import importlib
import json

import pytest
import sympy as sp
from hypothesis import given, strategies as st

from foundation.validation import InputError
from proofs_check import strategies as pst
from proofs_check.certify import certify_slice
from proofs_check.claims import CLAIMS, Domain, Slice
from proofs_check.margins import margin_function
from proofs_check.profiles import reproducible_draws, search_settings
from proofs_check.runner import replay_witness, run_checks
from proofs_check.search import confirm, search
from theory.statements import Relation, Statement

_EPSILON = st.floats(1e-6, 1 - 1e-6)


def _planted(name: str, relation: Relation, derived, stated) -> Statement:
    return Statement(name, "planted", name, "none", relation, derived, stated)


# ε² ≥ ε/2 is false for ε < 1/2: the search must find it.
_FALSE = _planted("planted-false", Relation.GREATER_EQUAL, lambda s: s.eps**2, lambda s: s.eps / 2)
# (1 + ε)² − 1 − ε² ≥ 2ε holds with equality; float64 rounds (1 + ε)² to 1 for tiny ε, so the left side
# comes out as −ε² < 2ε: a violation in float64 only.
_CANCELLING = _planted(
    "planted-cancellation", Relation.GREATER_EQUAL, lambda s: (1 + s.eps) ** 2 - 1 - s.eps**2, lambda s: 2 * s.eps
)
_TRUE = _planted("planted-true", Relation.GREATER_EQUAL, lambda s: -sp.log(1 - s.eps), lambda s: s.eps)


def _domain(values: st.SearchStrategy[float] = _EPSILON, slices: tuple[Slice, ...] = ()) -> Domain:
    return Domain("ε ∈ (0, 1)", (2, 2), lambda: pst.points((2, 2), {}, {"epsilon": values}), slices, bool(slices))


def test_planted_false_inequality_is_found_confirmed_and_shrunk() -> None:
    outcome = search(_FALSE, _domain(), profile="ci", label="planted-false")
    assert outcome.witness is not None
    epsilon = outcome.witness["point"]["epsilon"]
    assert 0 < epsilon < 0.5 and len(repr(epsilon)) <= 5  # shrunk to a short decimal such as 0.1
    assert float(outcome.witness["enclosure"][1]) < 0  # the whole interval enclosure is negative


def test_float_cancellation_false_alarm_is_rejected() -> None:
    tiny = pst.log_uniform(1e-300, 1e-17)
    outcome = search(_CANCELLING, _domain(tiny), profile="ci", label="planted-cancellation")
    function = margin_function(_CANCELLING, 2)
    assert function.float64({"epsilon": 1e-20}) < 0  # float64 sees a violation
    assert not confirm(function, {"epsilon": 1e-20}).confirmed  # mpmath intervals do not
    assert outcome.witness is None
    assert outcome.false_alarms + outcome.float_undecided > 0


def test_planted_true_inequality_is_certified() -> None:
    piece = Slice(2, {"epsilon": (0.01, 0.99)}, {}, "ε ∈ [0.01, 0.99]")
    certificate = certify_slice(margin_function(_TRUE, 2), piece, max_boxes=2000)
    assert certificate.status == "certified"


def test_interval_search_isolates_a_counterexample_box() -> None:
    piece = Slice(2, {"epsilon": (0.01, 0.99)}, {}, "ε ∈ [0.01, 0.99]")
    certificate = certify_slice(margin_function(_FALSE, 2), piece, max_boxes=2000)
    assert certificate.status == "counterexample"
    assert certificate.detail["point"]["epsilon"] < 0.5


def test_eq12_min_pi_reading_fails_for_p_below_2_with_a_replayable_witness(tmp_path) -> None:
    claim = CLAIMS["eq12-min-pi"]
    outcome = search(claim.statement, claim.wider, profile="ci", label="eq12-min-pi/wider")
    assert outcome.witness is not None and outcome.witness["point"]["p"] < 2
    path = tmp_path / "witness.json"
    path.write_text(json.dumps({"claim": "eq12-min-pi", "domain": "wider", **outcome.witness}))
    replayed = replay_witness(path)
    assert "the witness violates" in replayed.headline[0]


def test_eq12_as_printed_holds_where_the_other_reading_fails() -> None:
    """Metamorphic: at p ≥ 2 both readings are the same number; at the witness p = 1 they differ."""
    point = {"p": 1.0, "theta_1": 1.0, "theta_2": 0.1}
    assert confirm(margin_function(CLAIMS["eq12-min-pi"].statement, 2), point).confirmed
    assert not confirm(margin_function(CLAIMS["eq12"].statement, 2), point).confirmed
    point2 = point | {"p": 3.0}
    a = margin_function(CLAIMS["eq12"].statement, 2).float64(point2)
    b = margin_function(CLAIMS["eq12-min-pi"].statement, 2).float64(point2)
    assert a == pytest.approx(b, rel=1e-12)


def test_unknown_claim_and_profile_are_input_errors() -> None:
    with pytest.raises(InputError, match="did you mean 'eq12'"):
        run_checks(["eq13"], progress=False)
    with pytest.raises(InputError, match="profile"):
        run_checks(["eq12"], profile="fast", progress=False)


def test_replay_rejects_a_file_that_is_not_a_witness(tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{}")
    with pytest.raises(InputError, match="witness"):
        replay_witness(path)


def test_claims_checked_on_a_process_pool_equal_the_serial_run(tmp_path) -> None:
    """``escort check`` shards its claims through the one sweep executor: a local pool gives the serial run's data."""
    from foundation.executor import using

    written = {}
    for executor in ("serial", "local"):
        with using(executor):
            run_checks(["eq9-identity", "remark1"], progress=False, json_path=tmp_path / f"{executor}.json")
        written[executor] = json.loads((tmp_path / f"{executor}.json").read_text(encoding="utf-8"))
    claims = [r["claim"] for r in written["serial"]["results"]]
    assert set(claims) == {"eq9-identity", "remark1"} and claims == sorted(claims)  # claim order kept
    assert written["local"] == written["serial"]


_DRAWN: list[float] = []


@search_settings("ci")
@given(st.floats(0, 1))
def _record_draw(x: float) -> None:
    _DRAWN.append(x)


def _draws(guarded: bool) -> list[float]:
    _DRAWN.clear()
    with reproducible_draws() if guarded else contextlib.nullcontext():
        _record_draw()
    return list(_DRAWN)


def test_search_draws_do_not_depend_on_the_modules_the_process_imported(tmp_path, monkeypatch) -> None:
    """Hypothesis draws literal constants from the source of local modules in ``sys.modules``; importing one more
    changes an unguarded derandomised search (the test's sensitivity) but not a guarded one, nor ``search``."""
    constants = [round(0.0123457 * i, 7) for i in range(1, 80)]
    module = tmp_path / "escort_local_constants.py"
    module.write_text(f"VALUES = {tuple(constants)!r}\n", encoding="utf-8")
    guarded, unguarded = _draws(True), _draws(False)
    outcome = search(_TRUE, _domain(), profile="ci", label="planted-true")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("escort_local_constants")
    assert set(_draws(False)) & set(constants) and _draws(False) != unguarded  # the planted module is drawn from
    assert _draws(True) == guarded
    assert search(_TRUE, _domain(), profile="ci", label="planted-true") == outcome
