"""docs/derivations.md: every identity and structural statement of the paper, derived by SymPy, for every K.

One section per item of the derivation checklist (Eq. (1); Eq. (4)/(5); Eq. (7) and Remark 3; the mirror-descent
link; Proposition 1; Remark 1; the NŁ identities; cross-entropy and entropy-regularised gradients; the tabular MDP).
A statement with an index-form derivation (:mod:`theory.index_form`) is printed in the paper's index notation —
definition with the normaliser W as a symbol, its derivative, the stated entry — and established for every K ≥ 2.
The others (limits, existential statements, the two-state MDP instance) are decided per K by
:func:`theory.proof.prove` for K = 2, with their method named; exact evaluation at rational points is evidence
and is never counted as established. The file is deterministic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from foundation.artifacts import StageOutput, atomic_write_text
from theory.index_form import DERIVATIONS, IndexDerivation, IndexProof, covering
from theory.proof import Method, Proof, prove_statement
from theory.statements import STATEMENTS, Relation

__all__ = ["ITEMS", "Derivations", "Item", "derive", "render", "write_derivations"]

EXAMPLE_K = (2,)
"""The numbers of actions the per-K proofs (statements without an index form) are run for."""

_LATEX_LIMIT = 700
_COUNTED = {Method.SIMPLIFICATION, Method.LIMIT, Method.SIGN_ARGUMENT, Method.WITNESS}


@dataclass(frozen=True)
class Item:
    """One section: a title and the statements it proves."""

    title: str
    statement_ids: tuple[str, ...]


@dataclass(frozen=True)
class Derivations:
    """The outcome of :func:`derive`: index-form proofs (every K) by derivation id, per-K proofs by statement id."""

    index: dict[str, IndexProof]
    per_K: dict[str, tuple[Proof, ...]]


ITEMS: tuple[Item, ...] = (
    Item("1. Softmax policy gradient, Eq. (1)", ("eq1",)),
    Item("2. Escort policy gradient, Eq. (4) and Eq. (5)", ("eq4", "eq5", "eq4-eq5")),
    Item(
        "3. Jacobians, Eq. (7) and Remark 3 (EPG is not mirror descent)",
        ("eq7", "softmax-jacobian", "lse-gradient", "lse-hessian", "softmax-jacobian-symmetric",
         "escort-jacobian-asymmetry", "remark3"),
    ),
    Item("4. Softmax policy gradient without π(a) is KL mirror descent", ("md-link",)),
    Item("5. Proposition 1: θ ↦ f_p(θ)ᵀr is not concave", ("prop1-hessian", "prop1")),
    Item("6. Remark 1: the limits p → ∞ and p = 1", ("remark1", "remark1-p1")),
    Item(
        "7. NŁ expressions: Eq. (9)–(12) and the SCE example",
        ("eq9-identity", "eq10", "eq11-gradient", "eq12-gradient", "sce-example-l2", "sce-example-kl-identity",
         "sce-not-improvable"),
    ),
    Item("8. Cross-entropy gradients", ("ce-gradient-softmax", "ce-gradient-escort")),
    Item(
        "9. Entropy-regularised gradients (Theorem 4's objective)",
        ("entropy-gradient-softmax", "entropy-gradient-escort"),
    ),
    Item("10. Tabular MDP: the escort policy gradient from the exact value function", ("mdp-policy-gradient",)),
)


def derive(items: Sequence[Item] = ITEMS) -> Derivations:
    """Index-form proofs of the covered statements of ``items``; per-K proofs (K = 2) of the others."""
    sids = [sid for item in items for sid in item.statement_ids]
    index = {d.id: d.verify() for d in dict.fromkeys(covering(sid) for sid in sids) if d is not None}
    return Derivations(index, {sid: prove_statement(STATEMENTS[sid], EXAMPLE_K) for sid in sids if not covering(sid)})


def _latex(value: sp.Expr | sp.MatrixBase | None, sid: str, form: str) -> str:
    if value is None:
        return "—"
    text = sp.latex(value)
    if len(text) > _LATEX_LIMIT:
        return f"*({len(text)} characters of LaTeX; see `STATEMENTS[{sid!r}].build(2).{form}`)*"
    return f"$${text}$$"


def _proof_row(proof: Proof) -> str:
    verdict = {True: "established", False: "refuted", None: "undecided"}[proof.established]
    if proof.established and proof.method not in _COUNTED:
        verdict = "evidence only (not counted)"
    witness = "; ".join(f"{name} = {value}" for name, value in proof.witness) or "—"
    return f"| {proof.K} | {verdict} | {proof.method.value} | {proof.detail} | {witness} |"


def _index_lines(derivation: IndexDerivation, proof: IndexProof) -> list[str]:
    verdict = "**established for every K ≥ 2**" if proof.established else "**not established**"
    lines = [
        f"In index notation (derivation `{derivation.id}`): {derivation.text}. {verdict} ({proof.method}).", "",
        "Here W = Σ_c w_c with w_c = " + ("exp θ(c)" if derivation.transform == "softmax" else "|θ(c)|^p")
        + ", R = Σ of w_c over the actions other than a (and b), Q = Σ of w_c·r(c) over them"
        + (f"; {derivation.where}" if derivation.where else "") + ".", "",
    ]
    for case in derivation.cases():
        lines += [
            f"*Case {case.name}.* Definition: ${sp.latex(case.definition)}$; SymPy's derivative (or product):", "",
            f"$${sp.latex(case.derived)}$$", "", "stated:", "", f"$${sp.latex(case.stated)}$$", "",
        ]
    return lines


def _statement_section(sid: str, results: Derivations) -> list[str]:
    statement = STATEMENTS[sid]
    lines = [
        f"### `{sid}` — {statement.reference}", "", statement.text, "",
        f"Relation: derived **{statement.relation.value}** stated. Assumptions: "
        f"{', '.join(statement.assumptions) or 'none beyond the definitions'}.", "",
    ]
    derivation = covering(sid)
    if derivation is not None:
        return [*lines, *_index_lines(derivation, results.index[derivation.id])]
    instance = statement.build(statement.min_K)
    lines += [f"Derived from the definitions (example K = {instance.setting.K}):", "",
              _latex(instance.derived, sid, "derived"), ""]
    if statement.relation not in (Relation.NOT_SYMMETRIC, Relation.NOT_NEGATIVE_SEMIDEFINITE):
        lines += ["Stated in the paper:", "", _latex(instance.stated, sid, "stated"), ""]
    lines += ["| K | verdict | method | detail | witness |", "|---|---|---|---|---|"]
    lines += [_proof_row(proof) for proof in results.per_K[sid]]
    return [*lines, ""]


def _headline(results: Derivations, items: Sequence[Item] = ITEMS) -> tuple[str, ...]:
    sids = [sid for item in items for sid in item.statement_ids]
    covered = [sid for sid in sids if covering(sid) is not None]
    every_K = [sid for sid in covered if results.index[covering(sid).id].established]
    proofs = [proof for group in results.per_K.values() for proof in group]
    counted = [p for p in proofs if p.established and p.method in _COUNTED]
    evidence = [p for p in proofs if p.established and p.method not in _COUNTED]
    methods = Counter(p.method.value for p in counted)
    return (
        f"- {len(every_K)} of {len(covered)} statements with an index form established for every K ≥ 2 "
        f"({len(results.index)} index-form derivations, each case simplified to 0 on every sign orthant)",
        f"- {len(counted)} of {len(proofs)} statements without an index form established at K = "
        f"{', '.join(map(str, EXAMPLE_K))} ({', '.join(f'{n} by {m}' for m, n in sorted(methods.items())) or 'none'})"
        f"; {len(evidence)} only evidenced by exact rational evaluation (not counted)",
        f"- {sum(p.established is False for p in proofs)} refuted, {sum(p.established is None for p in proofs)} "
        f"undecided, {len(covered) - len(every_K)} index-form derivations not established",
    )


def render(results: Derivations, items: Sequence[Item] = ITEMS) -> str:
    """The Markdown of docs/derivations.md for ``results`` (from :func:`derive`)."""
    lines = [
        "# Derivations",
        "",
        "Generated by `escort derive` (theory/export.py); do not edit by hand.",
        "",
        "Every formula below is derived by SymPy from the definitions (`theory/definitions.py`) and compared with",
        "the paper's stated form. **Index form, every K** (`theory/index_form.py`): an entry (a) or (a, b) of a",
        "gradient, Jacobian or Hessian depends on the other actions only through sums, which are symbols here",
        "(W = Σ_c w_c = w_a [+ w_b] + R, with R, Q independent of θ(a), θ(b)); SymPy differentiates the",
        "definition and the difference to the stated entry simplifies to 0 on every sign orthant θ = ±u, u > 0, in",
        "each case (a = b, a ≠ b): one computation valid for every K ≥ 2 (K = 2 is R = Q = 0).",
        "Statements without an index form are decided per K (`theory.proof.prove`, K = 2) with their method:",
        "",
        *[f"- **{m.value}**" + ("" if m in _COUNTED or m in (Method.COUNTEREXAMPLE, Method.UNDECIDED)
                                else " (evidence only: never counted as established)") for m in Method],
        "",
        "## Summary",
        "",
        *_headline(results, items),
        "",
    ]
    for item in items:
        lines += [f"## {item.title}", ""]
        for sid in item.statement_ids:
            lines += _statement_section(sid, results)
    return "\n".join(lines).rstrip("\n") + "\n"


def write_derivations(out_dir: Path) -> StageOutput:
    """Derive and decide every item, write ``out_dir/derivations.md``, and summarise the verdicts."""
    results = derive()
    path = atomic_write_text(Path(out_dir) / "derivations.md", render(results))
    problems = tuple(
        f"{p.statement_id} (K = {p.K}): {'refuted' if p.established is False else 'undecided'} — {p.detail}"
        for group in results.per_K.values() for p in group if not p.established
    ) + tuple(f"{d}: index-form derivation not established" for d, proof in results.index.items()
              if not proof.established)
    return StageOutput(name="derive", paths=(path,), headline=_headline(results), problems=problems)
