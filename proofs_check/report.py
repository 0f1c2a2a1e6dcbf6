"""Presentation of verdicts: data (JSON), witnesses (replayable JSON), Markdown report, terminal table.

Everything here renders :class:`proofs_check.verdicts.DomainResult` objects; nothing is computed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from foundation.artifacts import atomic_write_text, to_jsonable, write_json
from proofs_check.claims import CLAIMS
from proofs_check.search import PRECISIONS
from proofs_check.verdicts import Certificate, DomainResult, Verdict

__all__ = ["as_data", "headline", "problems", "verdict_table", "write_markdown", "write_witnesses"]


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


def _point(point: dict[str, float]) -> str:
    return ", ".join(f"{name} = {value!r}" for name, value in sorted(point.items(), key=_natural))


def _natural(item: tuple[str, float]) -> tuple[str, int]:
    name, _ = item
    stem, _, index = name.partition("_")
    return (stem, int(index)) if index.isdigit() else (name, 0)


def _witness_text(result: DomainResult) -> str:
    witness = result.evidence.search.witness
    if witness is None:
        return ""
    sides = f"; lhs ≈ {witness['lhs']}, rhs ≈ {witness['rhs']}" if "lhs" in witness else ""
    return (
        f"K = {witness['K']}: {_point(witness['point'])}; margin {witness['margin']} "
        f"(interval enclosure [{witness['enclosure'][0]}, {witness['enclosure'][1]}] at {witness['digits']} digits)"
        f"{sides}"
    )


def _certificate_text(certificate: Certificate) -> str:
    detail = certificate.detail
    if certificate.status == "certified" and certificate.slice == "witness":
        return (
            f"witness certified in interval arithmetic at {detail['digits']} digits: margin ∈ "
            f"{detail['margin enclosure']} at {_point(detail['point'])}"
        )
    if certificate.status == "certified":
        return f"certified on {certificate.slice} ({certificate.boxes} interval boxes)"
    if certificate.status == "counterexample":
        scope = "the whole box fails" if detail["whole_box_fails"] else "a confirmed point in it"
        return (
            f"interval search on {certificate.slice} isolated a counterexample box ({scope}): "
            f"{_point(detail['point'])}, margin {detail['margin']} (enclosure [{detail['enclosure'][0]}, "
            f"{detail['enclosure'][1]}] at {detail['digits']} digits)"
        )
    return f"undecided on {certificate.slice or 'the witness'} after {certificate.boxes} interval boxes"


def _symbolic_text(result: DomainResult) -> str:
    symbolic = result.evidence.symbolic
    if symbolic is None:
        return "no symbolic tactic for this relation"
    tried = ", ".join(map(str, symbolic.tried_K))
    if symbolic.proved_K:
        return f"proved for K = {', '.join(map(str, symbolic.proved_K))} of {tried} tried ({symbolic.method})"
    return f"undecided for K = {tried} ({symbolic.method})"


def _shown_margin(result: DomainResult) -> tuple[float | None, int]:
    """The witness margin of a failing domain, else the search's worst margin; with its precision in digits."""
    search = result.evidence.search
    if result.verdict is Verdict.FAILS and search.witness is not None:
        return float(search.witness["margin"]), int(search.witness["digits"])
    return search.worst_margin, search.worst_digits


def _worst(result: DomainResult) -> str:
    search = result.evidence.search
    kind = "largest witness margin" if result.evidence.existential else "smallest margin"
    return f"{kind} {_number(search.worst_margin)} ({search.worst_digits} digits)"


def _counts(result: DomainResult) -> str:
    s = result.evidence.search
    return (
        f"{s.examples} examples, {s.false_alarms} float-only false alarms, {s.float_undecided} float-undecided, "
        f"{s.degenerate} degenerate, {s.unresolved} unresolved; seed {s.seed}"
    )


def as_data(results: list[DomainResult], *, profile: str) -> dict[str, Any]:
    """Every result as plain data (for ``--json``)."""
    return {
        "profile": profile,
        "precisions": list(PRECISIONS),
        "results": [to_jsonable({
            "claim": r.claim, "domain": r.domain, "description": r.description, "verdict": r.verdict.value,
            "symbolic": None if r.evidence.symbolic is None else vars(r.evidence.symbolic),
            "search": vars(r.evidence.search), "certificates": [vars(c) for c in r.evidence.certificates],
        }) for r in results],
    }


def _witness_path(folder: Path, result: DomainResult) -> Path:
    return folder / f"{result.claim}.{result.domain}.json"


def write_witnesses(results: list[DomainResult], folder: Path) -> list[Path]:
    """One replayable JSON per failing domain; stale witness files of earlier runs are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for result in results:
        witness = result.evidence.search.witness
        if result.verdict is not Verdict.FAILS or witness is None:
            continue
        path = _witness_path(folder, result)
        claim = CLAIMS[result.claim]
        written.append(write_json(path, {
            "claim": result.claim, "domain": result.domain, "reference": claim.reference,
            "statement": claim.statement.text, "replay": f"escort check {result.claim} --replay {path.as_posix()}",
            **witness,
        }))
    for stale in set(folder.glob("*.json")) - set(written):
        stale.unlink()
    return written


def verdict_table(results: list[DomainResult]) -> str:
    """A fixed-width terminal table: claim, domain, verdict, margin (witness or worst), examples, false alarms."""
    header = f"{'claim':<20} {'domain':<7} {'verdict':<10} {'margin':>14} {'examples':>9} {'false alarms':>13}"
    lines = [header, "-" * len(header)]
    for r in results:
        s = r.evidence.search
        lines.append(
            f"{r.claim:<20} {r.domain:<7} {r.verdict.value:<10} {_number(_shown_margin(r)[0]):>14} {s.examples:>9} "
            f"{s.false_alarms:>13}"
        )
    return "\n".join(lines)


def headline(results: list[DomainResult]) -> tuple[str, ...]:
    """Markdown bullets: every FAILS / UNDECIDED with its witness, then the count of the other verdicts."""
    lines = []
    for r in results:
        if r.verdict is Verdict.FAILS:
            where = _witness_text(r) or next(
                _certificate_text(c) for c in r.evidence.certificates if c.status == "counterexample"
            )
            lines.append(f"- {r.claim}: FAILS on the {r.domain} domain ({r.description}): witness {where}")
        elif r.verdict is Verdict.UNDECIDED:
            lines.append(f"- {r.claim}: UNDECIDED on the {r.domain} domain (no certified witness)")
    rest = Counter(r.verdict.value for r in results if r.verdict not in (Verdict.FAILS, Verdict.UNDECIDED))
    summary = ", ".join(f"{count} {verdict}" for verdict, count in sorted(rest.items()))
    lines.append(f"- other claim/domain pairs: {summary or 'none'}")
    return tuple(lines)


def problems(results: list[DomainResult]) -> tuple[str, ...]:
    """Every FAILS: claims that fail on their stated domain, then those that fail only beyond it (wider domain)."""
    where = {"stated": "on its stated domain", "wider": "on the wider domain only (beyond the paper's assumptions)"}
    return tuple(
        f"{r.claim} fails {where.get(r.domain, f'on the {r.domain} domain')}: "
        f"{_witness_text(r) or 'interval counterexample'}"
        for domain in ("stated", "wider") for r in results if r.verdict is Verdict.FAILS and r.domain == domain
    )


def _section(claim_id: str, results: list[DomainResult]) -> list[str]:
    claim = CLAIMS[claim_id]
    lines = [
        f"### `{claim_id}` — {claim.reference}", "",
        f"{claim.statement.text} (relation `{claim.statement.relation.value}`).", "",
        f"- variables: {'; '.join(claim.variables)}",
        f"- assumptions: {'; '.join(claim.assumptions) or 'none beyond the domain'}",
    ]
    if claim.note:
        lines.append(f"- note: {claim.note}")
    for r in results:
        lines += ["", f"**{r.domain} domain** — {r.description}: **{r.verdict.value}**", ""]
        lines.append(f"- symbolic: {_symbolic_text(r)}")
        lines.append(f"- search: {_worst(r)}; {_counts(r)}")
        if r.evidence.search.witness is not None:
            label = "witness" if r.evidence.existential else "counterexample (shrunk)"
            lines.append(f"- {label}: {_witness_text(r)}")
            if r.verdict is Verdict.FAILS:
                replay = f"docs/verification/{r.claim}.{r.domain}.json"
                lines.append(f"  (replay: `escort check {r.claim} --replay {replay}`)")
        lines += [f"- interval: {_certificate_text(c)}" for c in r.evidence.certificates]
    return lines + [""]


_METHOD = """\
Each claim wraps one statement of `theory/statements.py` (never a re-typed formula) and is checked on its
**stated** domain (the paper's assumptions) and, where one exists, a **wider** natural domain. Per domain:

1. *symbolic* — a SymPy tactic per relation, for K = 2, 3 (identities by simplification on every sign orthant of
   θ; gradient-norm inequalities as a sum of squares; limits; exact witnesses for existential claims);
2. *search* — hypothesis (strategies in `proofs_check/strategies.py`: near-vertex policies down to 1e-300,
   θ scales 1e-8…1e8 with mixed signs, many K, p across the domain), steered by `hypothesis.target` on the
   normalised margin (lhs − rhs)/(|lhs| + |rhs|), evaluated in float64 from the lambdified statement;
3. *confirm* — every float64 violation is recomputed from the same float inputs in mpmath interval arithmetic
   at 60, 120, 240, 480 digits until the enclosure of the margin excludes 0; only an enclosure below 0 is a
   counterexample. The rest are float-only false alarms (counted, never failures);
4. *shrink* — hypothesis shrinks a confirmed counterexample (still confirmed at every step), then each
   coordinate is rounded to the fewest significant digits that keep it confirmed;
5. *certify* — interval branch-and-bound (`mpmath.iv`, natural and mean-value forms) on K = 2 slices of at most
   three parameters; for existential claims, an interval proof at the witness;
6. *verdict* — FAILS (confirmed counterexample, always wins) / PROVED (symbolic proof for every K of the domain) /
   CERTIFIED (interval certificate of the whole domain, or of an existential witness) / HOLDS (no counterexample
   among n examples; smallest margin reported) / UNDECIDED (existential claim without a certified witness).

Margins: "degenerate" examples are those where both sides vanish (e.g. constant rewards); "float-undecided" ones
are those where float64 overflowed or rounded both sides to the same value and mpmath gave the margin.
"""


def write_markdown(results: list[DomainResult], path: Path, *, profile: str) -> Path:
    """Render docs/verification.md: method, summary table, findings, one section per claim."""
    lines = [
        f"<!-- Generated by `escort check --profile {profile} --docs docs`; do not edit by hand. -->",
        "# Verification of the paper's claims", "",
        f"Regenerate with `escort check --profile {profile} --docs docs` (witnesses: `docs/verification/*.json`, "
        "replay with `escort check --replay FILE`).", "",
        "## Findings", "", *headline(results), "",
        "## Summary", "",
        "| claim | reference | domain | verdict | margin: witness or worst (digits) | examples | false alarms |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s = r.evidence.search
        lines.append(
            f"| `{r.claim}` | {CLAIMS[r.claim].reference} | {r.domain} | {r.verdict.value} | "
            f"{_number(_shown_margin(r)[0])} ({_shown_margin(r)[1]}) | {s.examples} | {s.false_alarms} |"
        )
    lines += ["", "## Method", "", _METHOD, "## Claims", ""]
    for claim_id in dict.fromkeys(r.claim for r in results):
        lines += _section(claim_id, [r for r in results if r.claim == claim_id])
    return atomic_write_text(path, "\n".join(lines).rstrip() + "\n")
