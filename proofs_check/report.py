"""Presentation of verdicts: data (JSON), witnesses (replayable JSON), Markdown report, terminal table.

Everything here renders :class:`proofs_check.verdicts.DomainResult` objects; nothing is computed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from foundation.artifacts import atomic_write_text, to_jsonable, write_json
import sympy as sp

from proofs_check.chain_check import checked_chain
from proofs_check.claims import CLAIMS
from proofs_check.search import PRECISIONS
from proofs_check.verdicts import Certificate, DomainResult, Verdict, label
from theory.chains import CHAINS, Chain

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
    if symbolic.all_K:
        return f"proved for {symbolic.scope} ({symbolic.method})"
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
            "label": label(r), "symbolic": None if r.evidence.symbolic is None else vars(r.evidence.symbolic),
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
    header = f"{'claim':<20} {'domain':<7} {'margin':>14} {'examples':>9} {'false alarms':>13}  verdict"
    lines = [header, "-" * len(header)]
    for r in results:
        s = r.evidence.search
        lines.append(
            f"{r.claim:<20} {r.domain:<7} {_number(_shown_margin(r)[0]):>14} {s.examples:>9} "
            f"{s.false_alarms:>13}  {label(r)}"
        )
    return "\n".join(lines)


def _failure_subject(r: DomainResult, results: list[DomainResult]) -> str:
    """Who fails, in words: a second reading of an equation names the printed reading and its verdict."""
    claim = CLAIMS[r.claim]
    if claim.reading_of is None:
        return f"{r.claim} ({claim.reference})"
    printed = next((label(q) for q in results if q.claim == claim.reading_of and q.domain == r.domain), None)
    verdict = f": {printed}" if printed else ""
    return (
        f"{r.claim}, the other reading of {CLAIMS[claim.reading_of].reference} (not the printed one; the printed "
        f"reading `{claim.reading_of}`{verdict})"
    )


def _failure_evidence(r: DomainResult) -> str:
    """A failing domain's evidence: the proved limit, else the confirmed witness, else the interval box."""
    symbolic = r.evidence.symbolic
    parts = [f"proof: {symbolic.method}"] if symbolic is not None and symbolic.refuted_all_K else []
    witness = _witness_text(r) or next(
        (_certificate_text(c) for c in r.evidence.certificates if c.status == "counterexample"), "")
    return "; ".join(parts + ([f"witness {witness}"] if witness else []))


def headline(results: list[DomainResult]) -> tuple[str, ...]:
    """Markdown bullets: what is proved for every K, then every FAILS / UNDECIDED with its witness, then counts."""
    proved = [r for r in results if r.verdict is Verdict.PROVED and r.evidence.symbolic.all_K]
    lines = []
    if proved:
        names = ", ".join(dict.fromkeys(f"{r.claim} ({label(r).removeprefix('PROVED for ')})" for r in proved))
        lines.append(f"- PROVED for every K (lemma chains and index-form derivations): {names}")
    for r in results:
        if r.verdict is Verdict.FAILS:
            lines.append(f"- {_failure_subject(r, results)}: {label(r)} on the {r.domain} domain ({r.description}): "
                         f"{_failure_evidence(r)}")
        elif r.verdict is Verdict.UNDECIDED:
            lines.append(f"- {r.claim}: UNDECIDED on the {r.domain} domain (no certified witness)")
    rest = Counter(r.verdict.value for r in results if r.verdict not in (Verdict.FAILS, Verdict.UNDECIDED))
    summary = ", ".join(f"{count} {verdict}" for verdict, count in sorted(rest.items()))
    lines.append(f"- claim/domain pairs by verdict: {summary or 'none'}")
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
    chain = CHAINS.get(claim_id)
    if chain is not None:
        lines += ["", *_chain_lines(chain)]
    for r in results:
        lines += ["", f"**{r.domain} domain** — {r.description}: **{label(r)}**", ""]
        lines.append(f"- symbolic: {_symbolic_text(r)}")
        lines.append(f"- search: {_worst(r)}; {_counts(r)}")
        if r.evidence.search.witness is not None:
            kind = "witness" if r.evidence.existential else "counterexample (shrunk)"
            lines.append(f"- {kind}: {_witness_text(r)}")
            if r.verdict is Verdict.FAILS:
                replay = f"docs/verification/{r.claim}.{r.domain}.json"
                lines.append(f"  (replay: `escort check {r.claim} --replay {replay}`)")
        lines += [f"- interval: {_certificate_text(c)}" for c in r.evidence.certificates]
    return lines + [""]


def _math(expression: sp.Expr) -> str:
    return f"${sp.latex(expression)}$"


def _chain_lines(chain: Chain) -> list[str]:
    """The lemma chain, step by step, with each fact's check (see :mod:`proofs_check.chain_check`)."""
    result = checked_chain(chain.statement_id)
    status = "every fact and step checked" if result.proved else "BROKEN: " + "; ".join(result.broken)
    checks = {f.id: f for f in result.facts}
    lines = [
        f"**Lemma chain** (reading: {chain.reading}; for {chain.quantifier}; {status}).", "",
        "Variables: " + "; ".join(f"{_math(symbol)} = {words}" for symbol, words in chain.variables) + ".",
    ]
    if chain.atoms:
        lines.append("Domain facts: " + "; ".join(f"{_math(atom)} ≥ 0 ({why})" for atom, why in chain.atoms) + ".")
    lines += ["", "| fact | kind | statement | check |", "|---|---|---|---|"]
    for fact in chain.facts:
        relation = "= 0" if fact.equality else "≥ 0"
        lines.append(f"| `{fact.id}` | {fact.kind.value} | {fact.text}: {_math(fact.expression)} {relation} | "
                     f"{checks[fact.id].detail} |")
    lines += ["", "| step | | expression | certificate: previous − this = Σ multiplier·fact |", "|---|---|---|---|",
              f"| 0 | | {_math(chain.start)} | |"]
    steps = (*chain.steps, *([chain.root] if chain.squared else []))
    for index, step in enumerate(steps, start=1):
        uses = " + ".join(f"{_math(sp.sympify(k))}·`{fid}`" for k, fid in step.uses)
        relation = "=" if step.relation == "==" else "≥"
        if chain.squared and step is chain.root:
            lines.append(f"| root | | {_math(step.expression)} ≥ 0, and the last line is its square | {uses} |")
        else:
            lines.append(f"| {index} | {relation} | {_math(step.expression)} | {uses} |")
    first = chain.variables[0][1]
    conclusion = (f"√{_math(chain.start)} ≥ {_math(chain.root.expression)}" if chain.squared
                  else f"{_math(chain.start)} ≥ {_math(chain.end)}")
    return [*lines, "", f"Conclusion ({first} on the left): {conclusion}. Link to the statement: {result.link.detail}."]


_METHOD = """\
Each claim wraps one statement of `theory/statements.py` (never a re-typed formula) and is checked on its
**stated** domain (the paper's assumptions) and, where one exists, a **wider** natural domain. Per domain:

1. *symbolic* — for every K where possible: a **lemma chain** (`theory/chains.py`: each step a SymPy-checked
   certificate identity previous − next = Σ multiplier·fact with multipliers ≥ 0; each fact an index-form
   derivation, a definition (checked from the variables' definitions at K = 2, 3, accepted for other K), a
   termwise, sign or monotonicity argument, or an Arb ball-arithmetic certificate; the chain's two sides, with
   the reduced variables replaced by their definitions, are compared with the statement's at K = 2, 3). The
   scalar facts of the present chains (log x ≤ x − 1, t^e monotone) are equalities at one point of their
   domain, where no ball certificate can be strict, so they are proved by SymPy monotonicity arguments on the
   whole domain (the sign of f′ on each side of the zero), not by Arb; or an **index-form derivation** (`theory/index_form.py`: the normaliser W and the other actions' sums as
   symbols, so one SymPy computation covers every K ≥ 2); otherwise a per-K tactic for K = 2 (identities by
   simplification on every sign orthant of θ; gradient-norm inequalities as a sum of squares; limits; exact
   witnesses for existential claims). Exact evaluation at rational points is never counted as a proof;
2. *search* — hypothesis (strategies in `proofs_check/strategies.py`: near-vertex policies down to 1e-300,
   θ = ±s·π^{1/p} with ‖θ‖_p = s ∈ 1e-8…1e8 and mixed signs, many K, p across the domain), steered by `hypothesis.target` on the
   normalised margin (lhs − rhs)/(|lhs| + |rhs|), evaluated in float64 from the lambdified statement;
3. *confirm* — every float64 violation is recomputed from the same float inputs in Arb ball arithmetic
   (python-flint; the tests cross-check it against `mpmath.iv` on the same points and boxes) at 60, 120, 240, 480
   digits until the enclosure of the margin excludes 0; only an enclosure below 0 is a
   counterexample. The rest are float-only false alarms (counted, never failures);
4. *shrink* — hypothesis shrinks a confirmed counterexample (still confirmed at every step), then each
   coordinate is rounded to the fewest significant digits that keep it confirmed;
5. *certify* — Arb branch-and-bound (natural and mean-value forms) on K = 2 slices of at most three
   parameters; for existential claims, a ball-arithmetic proof at the witness;
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
        "| claim | reference | domain | verdict (with its quantifiers) | margin: witness or worst (digits) | examples | "
        "false alarms |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s = r.evidence.search
        lines.append(
            f"| `{r.claim}` | {CLAIMS[r.claim].reference} | {r.domain} | {label(r)} | "
            f"{_number(_shown_margin(r)[0])} ({_shown_margin(r)[1]}) | {s.examples} | {s.false_alarms} |"
        )
    lines += ["", "## Method", "", _METHOD, "## Claims", ""]
    for claim_id in dict.fromkeys(r.claim for r in results):
        lines += _section(claim_id, [r for r in results if r.claim == claim_id])
    return atomic_write_text(path, "\n".join(lines).rstrip() + "\n")
