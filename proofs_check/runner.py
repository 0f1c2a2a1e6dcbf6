"""``escort check``: run the pipeline on every claim and domain, write verdicts, witnesses and the report.

Per claim and domain (stated, then wider): (1) symbolic proof (for every K by a lemma chain or an index-form
derivation when the domain's p lies in its range; else per-K attempts), (2) hypothesis search in float64,
(3) Arb confirmation of every float64 violation, (4) shrinking of a confirmed violation, (5) interval
certificates on the domain's slices (or of an existential witness), (6) a verdict (:func:`verdicts.decide`).

A full run (no claim named) writes ``docs/verification.md`` and one replayable JSON witness per failing
domain under ``docs/verification/``; ``--json`` writes every result as data. ``--replay FILE`` re-confirms a
saved witness at high precision without searching. Claims are the units of one sweep of
:func:`foundation.executor.sweep`: on the executor of ``--executor`` (a process pool of one worker per core by
default, a dask cluster when asked), serially in library use; the verdicts do not depend on where a claim ran
(each claim's search has its own fixed seed).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from tqdm import tqdm

from foundation.artifacts import StageOutput, write_json
from foundation.executor import sweep
from foundation.validation import InputError, check_choice
from proofs_check import report
from proofs_check.certify import certify_slice, certify_witness
from proofs_check.claims import CLAIMS, Claim, Domain
from proofs_check.margins import margin_function
from proofs_check.profiles import PROFILES
from proofs_check.search import confirm, search
from proofs_check.symbolic import attempt_proof, general_proof
from proofs_check.verdicts import Certificate, DomainResult, Evidence, SearchOutcome, SymbolicOutcome, decide
from theory.index_form import IndexDerivation
from theory.statements import Statement

__all__ = ["MAX_BOXES", "check_claim", "check_domain", "replay_witness", "run_checks", "symbolic_outcomes"]

MAX_BOXES: dict[str, int] = {"ci": 800, "thorough": 20000}
"""Interval boxes per certification slice under each profile."""


def _certificates(claim_statement, domain: Domain, outcome: SearchOutcome, profile: str) -> tuple[Certificate, ...]:
    first = margin_function(claim_statement, domain.K_range[0])
    if first.existential:
        if outcome.witness is None:
            return ()
        point = outcome.witness["point"]
        return (certify_witness(margin_function(claim_statement, outcome.witness["K"]), point),)
    return tuple(
        certify_slice(margin_function(claim_statement, piece.K), piece, max_boxes=MAX_BOXES[profile])
        for piece in domain.slices
    )


def check_domain(
    claim: Claim, name: str, domain: Domain, *, profile: str, symbolic: SymbolicOutcome | None
) -> DomainResult:
    """Search, confirm, shrink and certify ``claim`` on one domain and decide its verdict."""
    outcome = search(claim.statement, domain, profile=profile, label=f"{claim.id}/{name}")
    certificates = _certificates(claim.statement, domain, outcome, profile)
    evidence = Evidence(
        symbolic=symbolic,
        search=outcome,
        certificates=certificates,
        existential=margin_function(claim.statement, domain.K_range[0]).existential,
        covered_by_slices=domain.covered_by_slices,
        K_range=domain.K_range,
    )
    return DomainResult(claim.id, name, domain.description, decide(evidence), evidence)


def _domains(claim: Claim) -> list[tuple[str, Domain]]:
    return [("stated", claim.stated)] + ([("wider", claim.wider)] if claim.wider is not None else [])


def symbolic_outcomes(
    statement: Statement, domains: Sequence[Domain], *, derivation: IndexDerivation | None = None
) -> list[SymbolicOutcome | None]:
    """The symbolic step of ``statement`` on each domain: :func:`proofs_check.symbolic.general_proof` (every K)
    where it applies, else one shared per-K :func:`proofs_check.symbolic.attempt_proof` over the union of the
    domains' K ranges. The one dispatch used by ``escort check`` for the paper's claims and for user claims
    (``derivation``: a user claim's own index-form derivation)."""
    per_K: list[SymbolicOutcome | None] = []
    outcomes = []
    for domain in domains:
        outcome = general_proof(statement, domain.p_low, domain.p_ranges, derivation)
        if outcome is None:
            lows, highs = zip(*(d.K_range for d in domains))
            per_K = per_K or [attempt_proof(statement, (min(lows), max(highs)))]
            outcome = per_K[0]
        outcomes.append(outcome)
    return outcomes


def check_claim(claim_id: str, profile: str) -> list[DomainResult]:
    """Every domain of one claim, each with its symbolic step (:func:`symbolic_outcomes`)."""
    claim = CLAIMS[claim_id]
    domains = _domains(claim)
    outcomes = symbolic_outcomes(claim.statement, [domain for _, domain in domains])
    return [check_domain(claim, name, domain, profile=profile, symbolic=symbolic)
            for (name, domain), symbolic in zip(domains, outcomes)]


def replay_witness(path: Path, claims: Sequence[str] | None = None) -> StageOutput:
    """Re-confirm a saved witness (``docs/verification/*.json``) at high precision from its float inputs."""
    try:
        witness = json.loads(Path(path).read_text(encoding="utf-8"))
        claim_id, K, point = witness["claim"], int(witness["K"]), {k: float(v) for k, v in witness["point"].items()}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"replay must name a witness JSON written by 'escort check'; could not read {path}: {error}")
    check_choice(claim_id, CLAIMS, name="claim")
    if claims and claim_id not in claims:
        raise InputError(f"replay file {path} holds a witness for {claim_id!r}, not for {', '.join(claims)}")
    claim = CLAIMS[claim_id]
    confirmation = confirm(margin_function(claim.statement, K), point)
    existential = margin_function(claim.statement, K).existential
    holds = "witnesses" if existential else "violates"
    verb = holds if confirmation.confirmed else f"no longer {holds}"
    low, high = confirmation.enclosure
    line = (
        f"{claim_id} ({witness.get('domain', '?')} domain): the witness {verb} {claim.reference} — margin in "
        f"[{low}, {high}] at {confirmation.digits} digits (interval arithmetic)"
    )
    stated_failure = confirmation.confirmed and not existential and witness.get("domain") == "stated"
    return StageOutput("check", (), (f"- {line}",), (line,) if stated_failure else ())


def run_checks(
    claims: Sequence[str] | None = None,
    *,
    profile: str = "ci",
    docs_dir: Path = Path("docs"),
    json_path: Path | None = None,
    replay: Path | None = None,
    progress: bool = True,
) -> StageOutput:
    """Check ``claims`` (default: all of :data:`CLAIMS`) on their stated and wider domains.

    Writes ``docs_dir/verification.md`` and ``docs_dir/verification/*.json`` on a full run, ``json_path`` if
    given; with ``progress`` shows a progress bar and prints the verdict table. Headline: one bullet per claim
    and domain that fails or is undecided, and a count of the rest; problems: claims failing on their stated
    domain.
    """
    check_choice(profile, PROFILES, name="profile")
    selected = list(CLAIMS) if not claims else [check_choice(c, CLAIMS, name="claim") for c in claims]
    if replay is not None:
        return replay_witness(replay, selected if claims else None)
    with tqdm(total=len(selected), desc="escort check", unit="claim", disable=not progress, file=sys.stderr) as bar:
        checked = sweep([(claim_id, partial(check_claim, claim_id, profile)) for claim_id in selected],
                        finished=lambda _: bar.update())
    results = [result for claim_results in checked for result in claim_results]
    paths: list[Path] = []
    if not claims:
        paths += report.write_witnesses(results, Path(docs_dir) / "verification")
        paths.append(report.write_markdown(results, Path(docs_dir) / "verification.md", profile=profile))
    if json_path is not None:
        paths.append(write_json(json_path, report.as_data(results, profile=profile)))
    if progress:
        print(report.verdict_table(results))
    return StageOutput("check", tuple(paths), report.headline(results), report.problems(results))
