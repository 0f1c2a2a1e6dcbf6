"""State your own claim about a probability transform, and check it with the pipeline of the paper's claims.

A claim is two SymPy sides written in the symbols of one number of actions K (:class:`Symbols`: θ, π = the
transform of θ, rewards r, the one-hot label y, the exponent p, the indices a* and a_y, and helpers such as the
gradient ∇ and KL(y‖π)), a relation (``>=``, ``<=``, ``==``, or a strict ``>`` / ``<`` under ∃), a domain (the
range of K, p, the rewards and any other scalar) and a quantifier: ∀ (the relation holds at every point) or ∃
(it holds at some point). :func:`claim` turns this into :class:`proofs_check.claims.Claim` objects, one per
*reading* when the notation is ambiguous, and :func:`check` runs on them exactly what ``escort check`` runs on
the paper's claims: the symbolic step (:func:`proofs_check.runner.symbolic_outcomes`), the float64 search, the
interval confirmation, the shrinking, the certificates and the verdict (:mod:`proofs_check.verdicts`). An identity
whose sides are entry formulas (``entry=1``: f(s, a); ``entry=2``: f(s, a, b)) for the softmax or the escort is
proved for every K by an index-form derivation built from the user's sides (:func:`index_derivation`, the machinery
of :mod:`theory.index_form`); any other claim says why it has none and gets the per-K attempts.

∃ is checked through its negation: a confirmed counterexample to "∀: not relation" is a witness of the claim
(CERTIFIED), a proof of the negation refutes it (FAILS), and otherwise it is UNDECIDED.

>>> bound = claim(
...     "kl-below-l2", "KL(y‖π) ≤ ‖y − π‖₂² for π = softmax(θ)",
...     transform="softmax", lhs=lambda s: s.kl, relation="<=", rhs=lambda s: s.norm(s.y - s.pi) ** 2, K=(2, 3),
... )
>>> bound.domain_text
'K ∈ 2…3, θ ∈ R^K (logits θ = s·log π + c, s ∈ 1e-8…1e8)'
>>> check(bound).verdicts
{'as stated': 'FAILS'}

A :class:`ClaimResult` prints as text, shows as a Markdown table in a notebook (``_repr_markdown_``), turns into
JSON (:meth:`ClaimResult.as_data`), and writes each witness as a replayable JSON (:meth:`ClaimResult.write_witnesses`,
:func:`replay`). ``escort check module:attribute`` runs the claims a module defines; ``escort check --list`` lists
the registered ones.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import sympy as sp
from hypothesis import strategies as st

from foundation.artifacts import StageOutput, exclusive_folder, to_jsonable, write_json
from foundation.validation import InputError, check_choice, check_json_file, check_num_actions
from proofs_check import strategies as pst
from proofs_check.claims import CLAIMS, Claim, Domain, EscortScale
from proofs_check.margins import margin_function
from proofs_check.profiles import PROFILES
from proofs_check.runner import check_domain, symbolic_outcomes
from proofs_check.search import Confirmation, confirm
from proofs_check.verdicts import DomainResult, Verdict
from theory import definitions as d
from theory.index_form import S as INDEX, Case, IndexDerivation, policy_entry, reward_entry
from theory.statements import Relation, Setting, Statement
from theory.transforms import Transform, transform as named_transform

__all__ = [
    "ActionIndex", "ClaimResult", "EntrySymbols", "EntryVector", "NoIndexForm", "Replay", "Symbols", "UserClaim",
    "check", "claim", "index_derivation", "list_claims", "load_claims", "replay", "run_claims",
]

Side = Callable[["Symbols"], sp.Expr | sp.Matrix]
Interval = tuple[float, float]

_UNIVERSAL = {">=": Relation.GREATER_EQUAL, "<=": Relation.LESS_EQUAL, "==": Relation.EQUAL}
_NEGATION = {">": Relation.LESS_EQUAL, ">=": Relation.LESS_EQUAL, "<": Relation.GREATER_EQUAL,
             "<=": Relation.GREATER_EQUAL}
"""∃ lhs > rhs is checked as the negation of ∀ lhs ≤ rhs: a point violating the latter is a strict witness."""


@dataclass(frozen=True)
class Symbols:
    """What a claim's sides are written in, for K actions (0-based indices, a* = a_y = 0 as in the paper's claims).

    ``theta`` (θ_1 … θ_K, real, nonzero), ``pi`` (the transform of θ), ``r`` (rewards, r(a*) maximal), ``y`` (one-hot
    at a_y), ``p`` (the escort exponent), ``astar``, ``label``, and any extra scalar by name (``s.gamma``).
    """

    K: int
    theta: sp.Matrix
    pi: sp.Matrix
    r: sp.Matrix
    y: sp.Matrix
    p: sp.Symbol
    astar: int
    label: int
    scalars: Mapping[str, sp.Symbol] = field(default_factory=dict)

    def __getattr__(self, name: str) -> sp.Symbol:
        scalars = self.__dict__.get("scalars", {})
        if name in scalars:
            return scalars[name]
        raise AttributeError(f"claim symbols have no {name!r}; declare it with scalars={{{name!r}: (low, high)}}")

    @property
    def value(self) -> sp.Expr:
        """πᵀr, the expected reward."""
        return d.expected_reward(self.pi, self.r)

    @property
    def kl(self) -> sp.Expr:
        """KL(y‖π) = −log π(a_y) for one-hot y (Eq. (10))."""
        return d.kl_divergence(self.y, self.pi)

    @staticmethod
    def norm(vector: sp.Matrix, q: float = 2) -> sp.Expr:
        """‖v‖_q; for q = 2 the square root of the sum of squares (the form the gradient-norm tactic proves)."""
        return sp.sqrt(sum(entry**2 for entry in vector)) if q == 2 else d.p_norm(vector, q)

    def grad(self, objective: sp.Expr) -> sp.Matrix:
        """The column gradient dobjective/dθ."""
        return d.gradient(objective, self.theta)

    @staticmethod
    def min(values: Iterable[sp.Expr]) -> sp.Expr:
        return sp.Min(*values)

    @staticmethod
    def max(values: Iterable[sp.Expr]) -> sp.Expr:
        return sp.Max(*values)


class NoIndexForm(Exception):
    """A side uses something without an index form: an aggregate over the actions (sum, norm, min, max, K), a
    fixed index, a*, a_y or y."""


class ActionIndex:
    """A generic action index of an index-form derivation: equal only to itself (a = b in the case "b = a");
    comparing it with anything else, or using it as a number, has no index form."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ActionIndex):
            return self is other
        raise NoIndexForm(f"the index {self.name} is compared with {other!r}")

    __hash__ = object.__hash__

    def __index__(self) -> int:
        raise NoIndexForm(f"the index {self.name} is used as a number")

    def __repr__(self) -> str:
        return self.name


class _Unknown:
    """a*, a_y or y in an index-form view: which action they are is not part of an entry formula."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        raise NoIndexForm(f"an entry formula cannot use {self.name}")

    __hash__ = object.__hash__

    def __index__(self) -> int:
        raise NoIndexForm(f"an entry formula cannot use {self.name}")

    def __getitem__(self, index: object) -> sp.Expr:
        raise NoIndexForm(f"an entry formula cannot use {self.name}")


class EntryVector:
    """θ, π, r or a gradient in an index-form view: only the entries at the generic indices a (and b) exist."""

    def __init__(self, name: str, entries: Mapping[ActionIndex, sp.Expr]) -> None:
        self.name, self.entries = name, dict(entries)

    def __getitem__(self, index: object) -> sp.Expr:
        if isinstance(index, ActionIndex) and index in self.entries:
            return self.entries[index]
        if isinstance(index, _Unknown):
            raise NoIndexForm(f"an entry formula cannot use {index.name}")
        raise NoIndexForm(f"{self.name}[{index!r}]: only the generic indices a, b have an index form")

    def __iter__(self):
        raise NoIndexForm(f"an aggregate over the actions of {self.name} (a sum, norm, min or max)")

    def __len__(self) -> int:
        raise NoIndexForm(f"the number of actions (len {self.name})")


@dataclass(frozen=True)
class EntrySymbols(Symbols):
    """:class:`Symbols` of the index form (:mod:`theory.index_form`): θ(a) [, θ(b)] and r(a) [, r(b)] as symbols,
    the other actions only through their sums R = Σ_{c ∉ {a, b}} w_c ≥ 0 and Q = Σ_{c ∉ {a, b}} w_c r(c), so
    π(a) = w(θ(a))/(w(θ(a)) [+ w(θ(b))] + R) and πᵀr = (w_a r(a) [+ w_b r(b)] + Q)/W for every K ≥ 2."""

    transform: str = "softmax"

    @property
    def value(self) -> sp.Expr:
        return reward_entry(self.transform, len(self.theta.entries) == 2).subs(
            _SUMS_OF_P if self.transform == "escort" else {})

    @property
    def kl(self) -> sp.Expr:
        raise NoIndexForm("KL(y‖π) is not an entry formula (it uses a_y)")

    def grad(self, objective: sp.Expr) -> EntryVector:
        return EntryVector("∇", {i: sp.diff(objective, t) for i, t in self.theta.entries.items()})


_SUMS_OF_P = {INDEX.R: sp.Function("R", nonnegative=True)(INDEX.p), INDEX.Q: sp.Function("Q", real=True)(INDEX.p)}
"""For the escort the other actions' sums depend on p (R = Σ_c |θ(c)|^p): as unknown functions of p, a derivative
in p keeps their derivatives instead of dropping them."""


def _entry_view(transform: str, indices: tuple[ActionIndex, ...], scalars: Mapping[str, sp.Symbol]) -> EntrySymbols:
    two = len(indices) == 2
    thetas, rewards = dict(zip(indices, (INDEX.theta_a, INDEX.theta_b))), dict(zip(indices, (INDEX.r_a, INDEX.r_b)))
    sums = _SUMS_OF_P if transform == "escort" else {}
    pi = {i: policy_entry(transform, theta, two).subs(sums) for i, theta in thetas.items()}
    return EntrySymbols(None, EntryVector("θ", thetas), EntryVector("π", pi), EntryVector("r", rewards),
                        _Unknown("y"), INDEX.p, _Unknown("a*"), _Unknown("a_y"), scalars, transform)


EntrySide = Callable[..., sp.Expr]
"""An entry formula: (symbols, a) ↦ entry a, or (symbols, a, b) ↦ entry (a, b)."""


def index_derivation(
    id: str, text: str, transform: str, lhs: EntrySide, rhs: EntrySide, entry: int, scalars: Mapping[str, sp.Symbol]
) -> tuple[IndexDerivation | None, str]:
    """The index-form derivation of the entry identity lhs = rhs, valid for every K ≥ 2, or (None, why not).

    Each side is evaluated on :class:`EntrySymbols` with generic indices a (and b): one case "every a", or the cases
    "b = a" and "b ≠ a". :meth:`theory.index_form.IndexDerivation.verify` then checks lhs − rhs ≡ 0 in each case on
    every sign orthant of θ(a), θ(b). The indices are opaque, so a side that reads a fixed action, a*, a_y, K or an
    aggregate over the actions has no index form (the reason is returned).
    """
    if transform not in ("softmax", "escort"):
        return None, (f"index form: not applicable (the transform {transform!r} is not the softmax or the escort, "
                      "whose normaliser is a sum of per-action weights)")
    reserved = sorted(name for name in scalars if name in {"theta_a", "theta_b", "r_a", "r_b", "R", "Q"})
    if reserved:
        return None, f"index form: not applicable (the scalar {reserved[0]} is a symbol of the index form)"
    a, b = ActionIndex("a"), ActionIndex("b")
    plan = ((("every a", (a,), (a,)),) if entry == 1 else
            (("b = a", (a,), (a, a)), ("b ≠ a", (a, b), (a, b))))
    cases = []
    try:
        for name, indices, arguments in plan:
            view = _entry_view(transform, indices, scalars)
            left, right = (sp.sympify(side(view, *arguments)) for side in (lhs, rhs))
            if not (isinstance(left, sp.Expr) and isinstance(right, sp.Expr)):
                raise NoIndexForm("a side is not a scalar entry")
            cases.append(Case(name, left, left, right))
    except (NoIndexForm, TypeError, AttributeError, ValueError, KeyError, IndexError) as error:
        return None, f"index form: not applicable ({error})"
    built = tuple(cases)
    thetas = "θ(a) ≠ 0" if entry == 1 else "θ(a), θ(b) ≠ 0"
    scope = "every K ≥ 2, " + ("p > 0, " if transform == "escort" else "") + f"every {'a' if entry == 1 else 'a, b'}"
    scope += "" if transform == "escort" else f" ({thetas})"
    return IndexDerivation(id, f"user claim {id}", text, transform, (), lambda: built, scope=scope), ""


@dataclass(frozen=True)
class UserClaim:
    """A claim stated with :func:`claim`: one :class:`Claim` per reading, and where it came from."""

    id: str
    text: str
    quantifier: str
    relation: str
    readings: Mapping[str, Claim]
    domain_text: str
    source: str | None = None
    index_forms: Mapping[str, tuple[IndexDerivation | None, str]] = field(default_factory=dict)
    """{reading: (its index-form derivation, or None and why it has none)}: the route to a proof for every K."""

    def with_source(self, source: str) -> UserClaim:
        """The same claim, remembering the ``module:attribute`` it is loaded from (for replays)."""
        return replace(self, source=source)

    def summary(self) -> str:
        """One line: id, quantifier, statement, domain."""
        return f"{self.id}  {'∀' if self.quantifier == 'forall' else '∃'} {self.domain_text}: {self.text}"


def _intervals(value: Interval | Sequence[Interval], *, name: str) -> tuple[Interval, ...]:
    pieces = (value,) if len(value) == 2 and all(isinstance(v, (int, float)) for v in value) else tuple(value)
    result = []
    for piece in pieces:
        try:
            low, high = (float(v) for v in piece)
        except (TypeError, ValueError):
            raise InputError(f"{name} must be an interval (low, high) or a tuple of them; got {value!r}") from None
        if not (math.isfinite(low) and math.isfinite(high) and low <= high):
            raise InputError(f"{name} must be finite intervals with low <= high; got {value!r}")
        result.append((low, high))
    return tuple(result)


PolicyMap = Callable[[sp.Matrix, sp.Symbol], sp.Matrix]
"""(θ, p) ↦ π as a SymPy column."""


def _resolve_transform(spec: str | Transform | Callable) -> tuple[str, PolicyMap, bool]:
    """(name, θ, p ↦ π, needs θ ≠ 0). ``softmax`` and ``escort`` (symbolic p) are the paper's; others via theory."""
    if spec == "softmax":
        return "softmax", lambda theta, p: d.softmax(theta), False
    if spec == "escort":
        return "escort", lambda theta, p: d.escort(theta, p), True
    if isinstance(spec, str):
        found = named_transform(spec)
    elif isinstance(spec, Transform):
        found = spec
    elif callable(spec):
        found = Transform(name=getattr(spec, "__name__", "user transform"), formula="", symbolic=lambda t, at: spec(t))
    else:
        raise InputError(f"transform must be a name, a Transform or a function θ -> π; got {type(spec).__name__}")
    if found.piecewise:
        raise InputError(f"transform {found.name!r} is piecewise: a claim needs one closed form for every θ")
    return found.name, lambda theta, p: found.expression(theta), found.nonzero


def _domain(K: tuple[int, int], nonzero: bool, p: tuple[Interval, ...] | None, rewards: Interval | None,
            scalars: Mapping[str, Interval]) -> tuple[Domain, str]:
    def theta(K_: int, point: dict[str, float]) -> st.SearchStrategy[tuple]:
        return pst.escort_parameters(K_, point.get("p", 2.0)) if nonzero else pst.softmax_logits(K_)

    vectors: dict[str, Callable] = {"theta": theta}
    if rewards is not None:
        vectors["r"] = lambda K_, point: pst.reward_vectors(K_, low=rewards[0], high=rewards[1])
    drawn = {name: st.floats(low, high) for name, (low, high) in scalars.items()}
    if p is not None:
        drawn = {"p": pst.escort_exponents(p)} | drawn
    words = [f"K = {K[0]}" if K[0] == K[1] else f"K ∈ {K[0]}…{K[1]}"]
    if p is not None:
        words.append("p ∈ " + " ∪ ".join(f"[{lo:g}, {hi:g}]" for lo, hi in p))
    if rewards is not None:
        words.append(f"r ∈ [{rewards[0]:g}, {rewards[1]:g}]^K with r(a*) maximal")
    words += [f"{name} ∈ [{lo:g}, {hi:g}]" for name, (lo, hi) in scalars.items()]
    scale = EscortScale(p=None if p is not None else 2.0) if nonzero else None
    words.append(scale.words if scale is not None else "θ ∈ R^K (logits θ = s·log π + c, s ∈ 1e-8…1e8)")
    ranges = {name: ((lo, hi),) for name, (lo, hi) in scalars.items()}
    ranges |= ({"p": p} if p is not None else {}) | ({"r": (rewards,)} if rewards is not None else {})
    text = ", ".join(words)
    return Domain(text, K, lambda: pst.points(K, vectors, drawn), ranges=ranges, theta=scale), text


def claim(
    id: str,
    text: str,
    *,
    transform: str | Transform | Callable = "escort",
    lhs: Side,
    relation: str,
    rhs: Side | Mapping[str, Side],
    K: tuple[int, int] = (2, 6),
    p: Interval | Sequence[Interval] | None = None,
    rewards: Interval | None = None,
    scalars: Mapping[str, Interval] | None = None,
    quantifier: str = "forall",
    entry: int = 0,
) -> UserClaim:
    """State ``lhs relation rhs`` for π = ``transform``(θ), on a domain, under a quantifier (``forall``/``exists``).

    ``rhs`` may be a mapping {reading name: side}: each reading is checked side by side (ambiguous notation such as
    min_a π(a)^{1−2/p}). ``p`` is the exponent's range (default [1, 64] for the escort, absent otherwise);
    ``rewards`` the range of r (omit if the sides have no r); ``scalars`` the range of each extra symbol. Every
    free symbol of the sides must have a range; a claim outside these rules is an :class:`InputError`.

    ``entry``: 0 (default) for scalar sides ``f(s)``; 1 for entry formulas ``f(s, a)`` claimed for every action a;
    2 for ``f(s, a, b)`` claimed for every a, b. An identity (``==``) of entry formulas for the softmax or the escort
    is proved for every K by an index-form derivation (:func:`index_derivation`) where it has one; every claim
    also gets the per-K attempts, the search and the rest of the pipeline.
    """
    check_choice(quantifier, ("forall", "exists"), name="quantifier")
    if entry not in (0, 1, 2) or isinstance(entry, bool):
        raise InputError(f"entry must be 0 (sides f(s)), 1 (entries f(s, a)) or 2 (entries f(s, a, b)); got {entry!r}")
    allowed = _UNIVERSAL if quantifier == "forall" else _NEGATION
    check_choice(relation, allowed, name=f"relation under {quantifier}")
    K_range = (check_num_actions(K[0], name="K[0]"), check_num_actions(K[1], name="K[1]"))
    if K_range[0] > K_range[1]:
        raise InputError(f"K must be a range (low, high) with low <= high; got {K!r}")
    name, pi_of, nonzero = _resolve_transform(transform)
    exponent = None if p is None and name != "escort" else _intervals((1.0, 64.0) if p is None else p, name="p")
    reward_range = None if rewards is None else _intervals(rewards, name="rewards")[0]
    extra = {key: _intervals(value, name=key)[0] for key, value in (scalars or {}).items()}
    symbols = {key: sp.Symbol(key, positive=True) if low > 0 else sp.Symbol(key, real=True)
               for key, (low, high) in extra.items()}
    domain, words = _domain(K_range, nonzero, exponent, reward_range, extra)

    def symbols_of(setting: Setting) -> Symbols:
        pi = pi_of(setting.theta, setting.p)
        return Symbols(setting.K, setting.theta, pi, setting.r, setting.y, setting.p, setting.astar, setting.label,
                       symbols)

    sides = dict(rhs) if isinstance(rhs, Mapping) else {"as stated": rhs}
    readings, index_forms = {}, {}
    for reading, side in sides.items():
        statement = Statement(
            id=id if len(sides) == 1 else f"{id}/{reading}", reference=f"user claim {id}", text=text,
            transform=name, relation=_UNIVERSAL[relation] if quantifier == "forall" else _NEGATION[relation],
            derived=lambda s, f=lhs: _entries(f, entry, symbols_of(s)),
            stated=lambda s, f=side: _entries(f, entry, symbols_of(s)),
        )
        _check_symbols(statement, K_range[0], domain)
        readings[reading] = Claim(statement.id, statement, (words,), domain, note=f"reading: {reading}")
        if not (entry and quantifier == "forall" and relation == "=="):
            index_forms[reading] = (None, "index form: only for identities (==) of entry formulas (entry=1 or 2)")
        elif exponent is not None and min(low for low, _ in exponent) <= 0:
            index_forms[reading] = (None, "index form: only for p > 0")
        else:
            index_forms[reading] = index_derivation(statement.id, text, name, lhs, side, entry, symbols)
    return UserClaim(id, text, quantifier, relation, readings, words, index_forms=index_forms)


def _entries(side: Side | EntrySide, entry: int, symbols: Symbols) -> sp.Expr | sp.Matrix:
    """A side for K actions: the scalar f(s), the column (f(s, a))_a or the matrix (f(s, a, b))_ab."""
    if entry == 0:
        return side(symbols)
    if entry == 1:
        return sp.Matrix([side(symbols, a) for a in range(symbols.K)])
    return sp.Matrix(symbols.K, symbols.K, lambda a, b: side(symbols, a, b))


def _check_symbols(statement: Statement, K: int, domain: Domain) -> None:
    """Every free symbol of the sides must be drawn by the domain: θ, r (with a reward range), p, declared scalars."""
    try:
        instance = statement.build(K)
    except AttributeError as error:
        raise InputError(str(error)) from None
    vectors = ("theta_", "r_") if "r" in domain.ranges else ("theta_",)
    names = {symbol.name for symbol in instance.free_symbols}
    missing = sorted(n for n in names if not n.startswith(vectors) and n not in domain.ranges)
    if missing:
        raise InputError(
            f"claim {statement.id!r} uses {', '.join(missing)} without a range; give p=(low, high), rewards=(low, "
            "high) or scalars={name: (low, high)}"
        )


# --- checking and results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimResult:
    """The verdict of each reading of a user claim, with the evidence the pipeline gathered."""

    claim: UserClaim
    results: Mapping[str, DomainResult]
    profile: str

    def verdict(self, reading: str = "as stated") -> Verdict:
        """The verdict of one reading, with the claim's quantifier applied (see the module docstring)."""
        result = self.results[reading]
        if self.claim.quantifier == "forall":
            return result.verdict
        if result.verdict is Verdict.FAILS and result.evidence.search.witness is not None:
            return Verdict.CERTIFIED
        return Verdict.FAILS if result.verdict is Verdict.PROVED else Verdict.UNDECIDED

    @property
    def verdicts(self) -> dict[str, str]:
        """{reading: verdict name}."""
        return {reading: self.verdict(reading).value for reading in self.results}

    def label(self, reading: str = "as stated") -> str:
        """The verdict with what it covers: 'PROVED for every K ≥ 2, p > 0, every a' (index form), 'PROVED for
        K ∈ 2…4' (per K), 'HOLDS (200 examples, K ∈ 2…4)', 'FAILS (witness)'."""
        verdict = self.verdict(reading)
        low, high = self.results[reading].evidence.K_range
        ks = f"K = {low}" if low == high else f"K ∈ {low}…{high}"
        symbolic = self.results[reading].evidence.symbolic
        every = symbolic is not None and symbolic.all_K
        if verdict is Verdict.PROVED:
            return f"PROVED for {symbolic.scope}" if every else f"PROVED for {ks}"
        if verdict is Verdict.HOLDS:
            return f"HOLDS ({self.results[reading].evidence.search.examples} examples, {ks})"
        if verdict is Verdict.FAILS:
            proved = f"proved for {symbolic.scope}" if every else f"proved for {ks}"
            return "FAILS (witness)" if self.witness(reading) is not None else f"FAILS ({proved})"
        return "CERTIFIED (witness)" if verdict is Verdict.CERTIFIED else f"UNDECIDED (no witness, {ks})"

    def witness(self, reading: str = "as stated") -> dict[str, Any] | None:
        """The confirmed point of a reading: a counterexample (∀ FAILS) or a witness (∃ CERTIFIED), else None."""
        return self.results[reading].evidence.search.witness

    def evidence(self, reading: str = "as stated") -> str:
        """One line: what the symbolic step and the search found for ``reading``."""
        result, verdict = self.results[reading], self.verdict(reading)
        search = result.evidence.search
        symbolic = result.evidence.symbolic
        proof = "no symbolic tactic for this form" if symbolic is None else (
            f"proved for {symbolic.scope}" if symbolic.all_K
            else f"proved for K = {', '.join(map(str, symbolic.proved_K))}" if symbolic.proved_K
            else f"refuted for K = {', '.join(map(str, symbolic.refuted_K))}" if symbolic.refuted_K
            else f"undecided for K = {', '.join(map(str, symbolic.tried_K))}") + (
            "" if symbolic is None else f" ({symbolic.method})")
        derivation, why_not = self.claim.index_forms.get(reading, (None, ""))
        if derivation is not None and not (symbolic is not None and symbolic.all_K):
            why_not = "index form: the entries do not simplify to 0 in every case and sign orthant"
        if why_not:
            proof = f"{why_not}; per K: {proof}"
        witness = self.witness(reading)
        if witness is not None:
            point = ", ".join(f"{k} = {v!r}" for k, v in sorted(witness["point"].items()))
            sides = f"; lhs ≈ {witness['lhs']}, rhs ≈ {witness['rhs']}" if "lhs" in witness else ""
            kind = "counterexample" if verdict is Verdict.FAILS else "witness"
            found = (f"{kind} at K = {witness['K']}: {point}{sides} (margin in [{witness['enclosure'][0]}, "
                     f"{witness['enclosure'][1]}] at {witness['digits']} digits, interval arithmetic)")
        else:
            found = (f"no {'witness' if self.claim.quantifier == 'exists' else 'counterexample'} among "
                     f"{search.examples} examples (smallest margin {_number(search.worst_margin)}, "
                     f"{search.worst_digits} digits)")
        return f"symbolic: {proof}; search: {found}"

    def text(self) -> str:
        """A few lines a person reads: the claim, its domain, and each reading's verdict with its evidence."""
        quantifier = "for every point of" if self.claim.quantifier == "forall" else "at some point of"
        lines = [f"claim {self.claim.id}: {self.claim.text}", f"  {quantifier}: {self.claim.domain_text}"]
        for reading in self.results:
            lines.append(f"  {reading}: {self.label(reading)} — {self.evidence(reading)}")
        return "\n".join(lines)

    __str__ = text

    def _repr_markdown_(self) -> str:
        rows = [f"**{self.claim.id}**: {self.claim.text}  ", f"{'∀' if self.claim.quantifier == 'forall' else '∃'} "
                f"{self.claim.domain_text}", "", "| reading | verdict | evidence |", "|---|---|---|"]
        rows += [f"| {reading} | **{self.label(reading)}** | {self.evidence(reading).replace('|', '∣')} |"
                 for reading in self.results]
        return "\n".join(rows) + "\n"

    def as_data(self) -> dict[str, Any]:
        """Every reading's verdict and evidence as plain data (JSON)."""
        return to_jsonable({
            "claim": self.claim.id, "text": self.claim.text, "quantifier": self.claim.quantifier,
            "relation": self.claim.relation, "domain": self.claim.domain_text, "source": self.claim.source,
            "profile": self.profile,
            "readings": [{
                "reading": reading, "verdict": self.verdict(reading).value, "label": self.label(reading),
                "verdict_of_checked_form": result.verdict.value,
                "symbolic": None if result.evidence.symbolic is None else vars(result.evidence.symbolic),
                "search": vars(result.evidence.search),
                "certificates": [vars(c) for c in result.evidence.certificates],
            } for reading, result in self.results.items()],
        })

    def write_witnesses(self, folder: Path) -> list[Path]:
        """One replayable JSON per reading with a confirmed point (``escort check --replay FILE``)."""
        written = []
        for reading in self.results:
            witness = self.witness(reading)
            if witness is None:
                continue
            path = Path(folder) / f"{self.claim.id}.{_slug(reading)}.json"
            written.append(write_json(path, {
                "claim": self.claim.id, "source": self.claim.source, "reading": reading,
                "verdict": self.verdict(reading).value, "statement": self.claim.text,
                "replay": f"escort check --replay {path.as_posix()}", **witness,
            }))
        return written


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text).strip("-") or "reading"


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


def check(user_claim: UserClaim, *, profile: str = "ci") -> ClaimResult:
    """Run the pipeline of ``escort check`` on every reading of ``user_claim`` (in this process)."""
    check_choice(profile, PROFILES, name="profile")
    results = {}
    for reading, item in user_claim.readings.items():
        derivation, _ = user_claim.index_forms.get(reading, (None, ""))
        (symbolic,) = symbolic_outcomes(item.statement, [item.stated], derivation=derivation)
        results[reading] = check_domain(item, "stated", item.stated, profile=profile, symbolic=symbolic)
    return ClaimResult(user_claim, results, profile)


# --- loading, listing, replaying ------------------------------------------------------------------------------


def load_claims(reference: str) -> list[UserClaim]:
    """The claims named by ``module:attribute`` (a :class:`UserClaim` or a list of them); the module is imported
    from the current folder or any importable package."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise InputError(f"a user claim must be named 'module:attribute'; got {reference!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise InputError(f"claim module {module_name!r} cannot be imported ({error})") from None
    value = getattr(module, attribute, None)
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items or not all(isinstance(item, UserClaim) for item in items):
        raise InputError(f"{reference} must be a claim made with proofs_check.user_claims.claim (or a list of them)")
    return [item.with_source(reference) for item in items]


def _split(references: Sequence[str]) -> tuple[list[str], list[UserClaim]]:
    """Paper claim ids (validated) and the user claims the ``module:attribute`` references name."""
    paper = [check_choice(ref, CLAIMS, name="claim") for ref in references if ":" not in ref]
    users = [item for ref in references if ":" in ref for item in load_claims(ref)]
    return paper, users


def list_claims(references: Sequence[str] = ()) -> list[str]:
    """One line per registered claim: the paper's (:data:`proofs_check.claims.CLAIMS`), then the user claims named."""
    _, users = _split(references)
    width = max(len(claim_id) for claim_id in CLAIMS)
    lines = [f"{claim_id:<{width}}  {c.reference}: {c.statement.text}" for claim_id, c in CLAIMS.items()]
    return lines + [item.summary() for item in users]


def run_claims(
    references: Sequence[str],
    *,
    profile: str = "ci",
    out_dir: Path = Path("results"),
    docs_dir: Path = Path("results/docs"),
    json_path: Path | None = None,
    progress: bool = False,
) -> tuple[StageOutput, list[ClaimResult]]:
    """``escort check``: the paper's claims named by id and the user claims named by ``module:attribute``.

    Without user claims this is :func:`proofs_check.runner.run_checks` (every paper claim if none is named, which
    writes ``docs_dir/verification.md``). User claims are checked here, one run at a time per ``out_dir``
    (:func:`foundation.artifacts.exclusive_folder`): witnesses go to ``out_dir/check/witnesses/``, ``json_path``
    receives every result as data; headline: one line per reading; problems: readings that FAIL.
    """
    from proofs_check.runner import run_checks

    check_choice(profile, PROFILES, name="profile")
    paper_ids, users = _split(references)
    if not users:
        return run_checks(paper_ids or None, profile=profile, docs_dir=docs_dir, json_path=json_path,
                          progress=progress), []
    with exclusive_folder(out_dir):
        paper = run_checks(paper_ids, profile=profile, progress=progress) if paper_ids else StageOutput("check", ())
        results = [check(item, profile=profile) for item in users]
        paths = list(paper.paths)
        for result in results:
            paths += result.write_witnesses(Path(out_dir) / "check" / "witnesses")
        if json_path is not None:
            paths.append(write_json(json_path, {"profile": profile, "claims": [r.as_data() for r in results]}))
    headline = [f"- {r.claim.id} ({reading}): {r.label(reading)}" for r in results for reading in r.results]
    problems = [f"{r.claim.id} ({reading}) fails: {r.evidence(reading)}" for r in results for reading in r.results
                if r.verdict(reading) is Verdict.FAILS]
    return StageOutput("check", tuple(paths), (*paper.headline, *headline), (*paper.problems, *problems)), results


@dataclass(frozen=True)
class Replay:
    """A saved witness recomputed at high precision: whether it still violates (or witnesses) its claim."""

    claim: str
    reading: str | None
    confirmation: Confirmation
    existential: bool

    @property
    def confirmed(self) -> bool:
        return self.confirmation.confirmed

    def text(self) -> str:
        holds = "witnesses" if self.existential else "violates"
        verb = holds if self.confirmed else f"no longer {holds}"
        low, high = self.confirmation.enclosure
        which = f" ({self.reading})" if self.reading else ""
        return (f"{self.claim}{which}: the saved point {verb} the claim — margin in [{low}, {high}] at "
                f"{self.confirmation.digits} digits (interval arithmetic)")


def replay(path: Path, *, claims: Sequence[str] = ()) -> Replay:
    """Re-confirm a witness JSON written by ``escort check`` (a paper claim's or a user claim's) at high precision.

    The point must hold finite numbers; a user claim is re-imported from the ``source`` the file names. If
    ``claims`` are named, the file must hold a witness of one of them.
    """
    data = check_json_file(path, name="replay file", required=("claim", "K", "point"))
    if claims and str(data["claim"]) not in claims and data.get("source") not in claims:
        raise InputError(f"replay file {path} holds a witness for {data['claim']!r}, not for {', '.join(claims)}")
    try:
        K, point = int(data["K"]), {str(k): float(v) for k, v in dict(data["point"]).items()}
    except (TypeError, ValueError) as error:
        raise InputError(f"replay file {path} must hold an integer K and a point of numbers ({error})") from None
    bad = [name for name, value in point.items() if not math.isfinite(value)]
    if bad:
        raise InputError(f"replay file {path} must hold finite numbers; {', '.join(bad)} is NaN or infinite")
    if data.get("source"):
        found = {item.id: item for item in load_claims(str(data["source"]))}
        user = found.get(str(data["claim"]))
        if user is None:
            raise InputError(f"replay file {path} names claim {data['claim']!r}; {data['source']} does not define it")
        reading = str(data.get("reading", "as stated"))
        statement = user.readings[check_choice(reading, user.readings, name="reading")].statement
        existential = user.quantifier == "exists"
    else:
        statement = CLAIMS[check_choice(str(data["claim"]), CLAIMS, name="claim")].statement
        reading, existential = None, None
    function = margin_function(statement, K)
    confirmation = confirm(function, point)
    return Replay(str(data["claim"]), reading, confirmation,
                  function.existential if existential is None else existential)
