"""docs/derivations.md: every identity and structural statement of the paper, derived and decided by SymPy.

One section per item of the derivation checklist (Eq. (1); Eq. (4)/(5); Eq. (7) and Remark 3; the mirror-descent
link; Proposition 1; Remark 1; the NŁ identities; cross-entropy and entropy-regularised gradients; the tabular MDP).
For each statement: the paper's reference, the derived and stated forms (LaTeX, K = 2), and the verdicts of
:func:`theory.proof.prove` for each K with their method and witness. The file is deterministic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from foundation.artifacts import StageOutput, atomic_write_text
from theory.proof import Method, Proof, prove_statement
from theory.statements import STATEMENTS, Relation

__all__ = ["ITEMS", "Item", "derive", "render", "write_derivations"]

DERIVE_K = (2, 3, 4)
"""The numbers of actions `escort derive` proves every statement for (K = 2..6 in tests/theory/test_proof.py)."""

MDP_K = (2,)
"""Actions per state of the two-state MDP: its exact value function makes larger A too slow for `escort derive`."""

_LATEX_LIMIT = 700


@dataclass(frozen=True)
class Item:
    """One section: a title and the statements it proves, with the numbers of actions to prove them for."""

    title: str
    statement_ids: tuple[str, ...]
    Ks: tuple[int, ...] = DERIVE_K


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
    Item("6. Remark 1: the limits p → ∞ and p = 1", ("remark1", "remark1-p1"), (2,)),
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
    Item("10. Tabular MDP: the escort policy gradient from the exact value function", ("mdp-policy-gradient",), MDP_K),
)


def derive(items: Sequence[Item] = ITEMS) -> dict[str, tuple[Proof, ...]]:
    """The proofs of every statement of ``items``, by statement id, in item order."""
    return {sid: prove_statement(STATEMENTS[sid], item.Ks) for item in items for sid in item.statement_ids}


def _latex(value: sp.Expr | sp.MatrixBase | None, sid: str, form: str) -> str:
    if value is None:
        return "—"
    text = sp.latex(value)
    if len(text) > _LATEX_LIMIT:
        return f"*({len(text)} characters of LaTeX; see `STATEMENTS[{sid!r}].build(2).{form}`)*"
    return f"$${text}$$"


def _proof_row(proof: Proof) -> str:
    verdict = {True: "established", False: "refuted", None: "undecided"}[proof.established]
    witness = "; ".join(f"{name} = {value}" for name, value in proof.witness) or "—"
    return f"| {proof.K} | {verdict} | {proof.method.value} | {proof.detail} | {witness} |"


def _statement_section(sid: str, proofs: tuple[Proof, ...]) -> list[str]:
    statement = STATEMENTS[sid]
    instance = statement.build(statement.min_K)
    lines = [
        f"### `{sid}` — {statement.reference}", "", statement.text, "",
        f"Relation: derived **{statement.relation.value}** stated. Assumptions: "
        f"{', '.join(statement.assumptions) or 'none beyond the definitions'}.", "",
        f"Derived from the definitions (K = {instance.setting.K}):", "", _latex(instance.derived, sid, "derived"), "",
    ]
    if statement.relation not in (Relation.NOT_SYMMETRIC, Relation.NOT_NEGATIVE_SEMIDEFINITE):
        lines += ["Stated in the paper:", "", _latex(instance.stated, sid, "stated"), ""]
    lines += ["| K | verdict | method | detail | witness |", "|---|---|---|---|---|"]
    lines += [_proof_row(proof) for proof in proofs]
    return [*lines, ""]


def _headline(results: dict[str, tuple[Proof, ...]]) -> tuple[str, ...]:
    proofs = [proof for group in results.values() for proof in group]
    identities = [p for p in proofs if STATEMENTS[p.statement_id].relation is Relation.EQUAL]
    structural = [p for p in proofs if STATEMENTS[p.statement_id].relation is not Relation.EQUAL]
    methods = Counter(p.method.value for p in identities if p.established)
    by_method = ", ".join(f"{n} by {m}" for m, n in sorted(methods.items()))
    return (
        f"- {sum(bool(p.established) for p in identities)} of {len(identities)} identity checks (statement × K, "
        f"K ∈ {{{', '.join(str(k) for k in sorted({p.K for p in identities}))}}}) established ({by_method})",
        f"- {sum(bool(p.established) for p in structural)} of {len(structural)} limit and structural checks "
        f"established ({', '.join(sorted({p.method.value for p in structural if p.established}))})",
        f"- {sum(p.established is False for p in proofs)} refuted, {sum(p.established is None for p in proofs)} "
        "undecided",
    )


def render(results: dict[str, tuple[Proof, ...]], items: Sequence[Item] = ITEMS) -> str:
    """The Markdown of docs/derivations.md for ``results`` (from :func:`derive`)."""
    lines = [
        "# Derivations",
        "",
        "Generated by `escort derive` (theory/export.py); do not edit by hand.",
        "",
        "Every formula below is derived by SymPy from the definitions in `theory/definitions.py` and compared with",
        "the paper's stated form from `theory/statements.py` by `theory.proof.prove`. Methods, strongest first:",
        "",
        *[f"- **{m.value}**" for m in Method],
        "",
        "'Simplification to 0' is a proof for that K: with θ(a) = s_a·u_a (escort; s_a = ±1, u_a > 0) or",
        "θ(a) = log z_a (softmax) the difference becomes a rational function whose numerator is the zero polynomial",
        "after s_a² = 1. 'Exact rational evaluation' is evidence only: SymPy left the simplification undecided and",
        "the difference was exactly 0 at every rational point tried.",
        "",
        "## Summary",
        "",
        *_headline(results),
        "",
    ]
    for item in items:
        lines += [f"## {item.title}", ""]
        for sid in item.statement_ids:
            lines += _statement_section(sid, results[sid])
    return "\n".join(lines).rstrip("\n") + "\n"


def write_derivations(out_dir: Path) -> StageOutput:
    """Derive and decide every item, write ``out_dir/derivations.md``, and summarise the verdicts."""
    results = derive()
    path = atomic_write_text(Path(out_dir) / "derivations.md", render(results))
    problems = tuple(
        f"{p.statement_id} (K = {p.K}): {'refuted' if p.established is False else 'undecided'} — {p.detail}"
        for group in results.values() for p in group if not p.established
    )
    return StageOutput(name="derive", paths=(path,), headline=_headline(results), problems=problems)
