"""Step 5 of a check: interval certificates with Arb balls (``mpmath.iv`` on request, for cross-checks).

:func:`certify_slice` runs a branch-and-bound over a :class:`proofs_check.claims.Slice` (at most three free
parameters) of a ``>=`` / ``<=`` statement. For each box it encloses the gap ``derived − stated`` (or
``stated − derived``) with interval arithmetic evaluated on the statement's own expressions:

* the enclosure is > 0: the inequality holds on the whole box (certified);
* the enclosure is < 0: it fails on the whole box; the box midpoint is confirmed with mpmath and returned;
* otherwise the box is bisected (breadth first) along its widest side (relative to the slice), unless the
  float64 margin at its midpoint is already negative and confirmed, which isolates a counterexample in that box.

The result is ``certified`` (every box certified), ``counterexample`` or ``undecided`` (box budget spent).

:func:`certify_witness` proves an existential statement at one point: max |J_ij − J_ji| bounded away from 0
(Remark 3), or a direction v with vᵀHv > 0 (Proposition 1), in interval arithmetic.
"""

from __future__ import annotations

from collections import deque

from proofs_check.claims import Slice
from proofs_check.margins import MarginFunction
from proofs_check.search import confirm
from proofs_check.verdicts import Certificate

__all__ = ["certify_slice", "certify_witness"]

Box = dict[str, tuple[float, float]]


def _split(box: Box, widths: dict[str, float]) -> tuple[Box, Box]:
    name = max(box, key=lambda n: (box[n][1] - box[n][0]) / widths[n])
    low, high = box[name]
    middle = (low + high) / 2
    return box | {name: (low, middle)}, box | {name: (middle, high)}


def _midpoint(box: Box, fixed: dict[str, float]) -> dict[str, float]:
    return {name: (low + high) / 2 for name, (low, high) in box.items()} | dict(fixed)


def certify_slice(function: MarginFunction, piece: Slice, *, max_boxes: int, engine: str = "arb") -> Certificate:
    """Branch-and-bound over ``piece`` with at most ``max_boxes`` enclosures by ``engine`` (Arb by default)."""
    widths = {name: high - low for name, (low, high) in piece.box.items()}
    queue: deque[Box] = deque([dict(piece.box)])  # breadth first: a boundary of zero margin cannot trap it
    evaluated = 0
    while queue:
        if evaluated >= max_boxes:
            return Certificate("undecided", piece.description, evaluated, {"boxes_left": len(queue)})
        box = queue.popleft()
        evaluated += 1
        gap = function.interval_gap(box, piece.fixed, engine=engine)
        if gap.a > 0:
            continue
        midpoint = _midpoint(box, piece.fixed)
        if gap.b < 0 or function.float64(midpoint) < 0:
            confirmation = confirm(function, midpoint)
            if confirmation.confirmed:
                whole = bool(gap.b < 0)
                detail = {"box": box, "whole_box_fails": whole, "point": midpoint, **confirmation.as_dict()}
                return Certificate("counterexample", piece.description, evaluated, detail)
        queue.extend(_split(box, widths))
    return Certificate("certified", piece.description, evaluated, {"box": dict(piece.box), "fixed": dict(piece.fixed)})


def certify_witness(function: MarginFunction, point: dict[str, float], *, digits: int = 60) -> Certificate:
    """Prove an existential statement at ``point``: the interval enclosure of its margin lies above 0.

    For Remark 3 the enclosure bounds max |J_ij − J_ji| away from 0; for Proposition 1 it bounds
    vᵀHv/vᵀv > 0 for the float64 top eigenvector v, so λ_max(H) > 0 (see :meth:`MarginFunction.enclosure`).
    """
    if not function.existential:
        raise ValueError(f"witness certificates are for existential statements, not {function.relation.value}")
    enclosure = function.enclosure(point, digits)
    status = "certified" if enclosure is not None and enclosure.a > 0 else "undecided"
    detail = {"point": point, "margin enclosure": "none" if enclosure is None else str(enclosure), "digits": digits}
    return Certificate(status, "witness", 1, detail)
