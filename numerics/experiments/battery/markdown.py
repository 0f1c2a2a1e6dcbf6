"""``docs/transforms.md``: the battery's comparison table, rendered from the rows that :mod:`report` wrote.

Every number in the page is read from a row (``<data>/<name>/summary.json``); nothing is typed in.
"""

from __future__ import annotations

from collections.abc import Sequence

from numerics.experiments.battery.nl_coefficient import OBJECTIVES, TARGETS
from numerics.experiments.battery.sizes import BatterySizes

__all__ = ["render"]


def _symmetry(record: dict) -> str:
    if record["verdict"] == "not symmetric":
        i, j = record["entry"]
        point = ", ".join(record["point"])
        return f"no: J[{i},{j}] − J[{j},{i}] = {record['value']} at θ = ({point}) ⇒ no potential Φ*"
    if record["verdict"] == "symmetric":
        return f"yes ({record['reason']}): a potential Φ* can exist"
    return f"undecided ({record['reason']})"


def _concavity(record: dict) -> str:
    if record["kind"] == "positive Hessian eigenvalue":
        return (f"vᵀ∇²(πᵀr)v ≈ {record['value_float']:.4g} > 0 at θ = ({', '.join(record['point'])}), "
                f"r = ({', '.join(record['r'])}), v = {tuple(record['v'])}")
    if record["kind"] == "midpoint above the chord":
        return (f"f(x) + f(y) − 2f((x+y)/2) = {record['value']} > 0, x = ({', '.join(record['point'])}), "
                f"y = ({', '.join(record['point_2'])}), r = ({', '.join(record['r'])})")
    return "none found (not a proof of concavity)"


def _number(value: float) -> str:
    return f"{value + 0.0:.6f}" if abs(value) >= 5e-7 else "0.000000"


def _exponent(record: dict) -> str:
    fit = record["fit"]
    low, high = record["window"]
    if fit is None:
        return (f"no fit: no path has 5 points in {low:g} ≤ x ≤ {high:g} ({record['points']} points; "
                f"{record['empty_paths']} paths start at x = 0)")
    if not fit["paths"]:
        first, last = fit["last_slopes"]
        return (f"not settled on any of {fit['unsettled']} paths by x = {low:g}: the local slopes still drift "
                f"(last ones in [{_number(first)}, {_number(last)}])")
    unsettled = f", {fit['unsettled']} unsettled" if fit["unsettled"] else ""
    if len(fit["classes"]) > 1:
        classes = "; ".join(f"{_number(c['exponent'])} [{_number(c['low'])}, {_number(c['high'])}] on paths "
                            f"{', '.join(map(str, c['paths']))} ({c['condition'] or 'no recorded condition'})"
                            for c in fit["classes"])
        return (f"**depends on the path, {len(fit['classes'])} classes**: {classes} ({fit['points']} pts"
                f"{unsettled}, {record['precision']})")
    text = (f"{_number(fit['exponent'])} [{_number(fit['low'])}, {_number(fit['high'])}] "
            f"({fit['paths']} paths{unsettled}, {fit['points']} pts, {record['precision']})")
    paper = record["paper"]
    if paper is not None and paper["exponent"] is not None:
        verdict = f"**{paper['verdict']}**" if paper["agrees"] is False else paper["verdict"]
        text += (f"; paper's {paper['claim']} {_number(paper['exponent'])}: {verdict}; "
                 f"bound holds at {paper['bound_holds']}/{record['points']} points")
    return text


def _exits(record: dict) -> str:
    if record["exits"] == 0:
        return "never (x > 0 on every path)"
    text = f"on {record['exits']} paths; NŁ ratio there ≤ {record['exit_ratio']:.3g}"
    if record["exit_ratio"] == 0:
        text = f"on {record['exits']} paths; NŁ ratio there = 0"
    if record["exit_gradient_astar"] is not None:
        text += f", max abs(∂(πᵀr)/∂θ(a*)) = {record['exit_gradient_astar']:.3g}"
    return text


def _trap(record: dict, trapped: int) -> str:
    if not trapped:
        return ""
    runs = ", ".join(map(str, record["trapped_runs"]))
    return f"; **structural trap**: gradient exactly 0 in {trapped} runs ({runs})"


def _damping(record: dict) -> str:
    verdict = record["verdict"]
    if verdict.startswith("stalls"):
        return (f"**{verdict}**: δ down by less than 0.1 % over the second half of the steps in {record['runs_stalled']}/"
                f"{record['runs_defined']} defined runs{_trap(record, record['runs_trapped'])}")
    if verdict.startswith("sublinear"):
        return f"{verdict}, k = {record['loglog_slope']:.3f} (R² {record['r2_loglog']:.4f})"
    if verdict.startswith("linear"):
        return f"{verdict}, c = {record['linear_rate']:.4g} per step (R² {record['r2_linear']:.6f})"
    if verdict.startswith("finite"):
        finished = f"{record['runs_finite_time']}/{record['runs_defined']}"
        return f"{verdict} in {finished} defined runs ({record['runs']} runs)"
    return f"{verdict} ({record['runs_defined']}/{record['runs']} runs defined)"


def _gravity(record: dict) -> str:
    median = "never" if record["median_hit_time"] is None else f"{record['median_hit_time']:.0f}"
    stalled = f"; {record['stalled']} stall (π_t(a*) flat, < 0.99)" if record["stalled"] else ""
    return (f"{record['bad_fraction']:.0%} bad; median t to 0.99: {median}; {record['never_reached']} never; "
            f"median π₁(a*) = {record['median_initial_optimal_probability']:.3f}{stalled}"
            f"{_trap(record, record['trapped'])}")


def render(rows: Sequence[dict], *, command: str, sizes: BatterySizes, data: str, figures: Sequence[str],
           windows: tuple[tuple[float, float], tuple[float, float]], agreement: float,
           problems: Sequence[str]) -> str:
    """The Markdown page of the battery."""
    targets = len(TARGETS)
    lines = [
        f"<!-- Generated by `{command}` (from the repository root). Do not edit: rerun the command. -->",
        "# Which transform? The battery of the paper's checks, run on each transform",
        "",
        f"Regenerate with `{command}`. Data for every cell (paths relative to this page): "
        f"`{data}/<transform>/summary.json`, with CSV files of the sampled points and trajectories beside it; "
        f"all rows: `{data}/transforms.json` (the record of the run, with its verdicts).",
        "",
        "Each transform is defined once, symbolically (`theory/transforms.py`); everything below is derived or "
        "measured from that definition. Sizes: "
        f"symbolic checks at K = {sizes.symbolic_K}; NŁ ratios at K = {sizes.nl_K} on {sizes.nl_paths} near-vertex "
        f"paths × {targets} targets, exponents from the points with {windows[0][0]:g} ≤ x ≤ {windows[0][1]:g} "
        f"({windows[1][0]:g} ≤ x for float64 kernels); gravity well "
        f"K = {sizes.gravity_K}, {sizes.gravity_runs} runs × {sizes.gravity_steps} steps; damping "
        f"K = {sizes.damping_K}, {sizes.damping_runs} runs × {sizes.damping_steps} steps.",
        "",
        "## Symbolic checks (exact)",
        "",
        "| transform | kernels | max abs(fast − SymPy) | dπ/dθ symmetric? (Remark 3) "
        "| θ ↦ πᵀr not concave (Prop. 1): witness |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        agree = row["fast_vs_symbolic"]
        visited = row["fast_at_visited"]
        status = "" if max(agree["pi"], agree["jacobian"], agree["vjp"]) <= agreement else " **exceeds tolerance**"
        reached = "" if max(visited["pi"], visited["vjp"]) <= agreement else " **exceeds tolerance**"
        lines.append(f"| `{row['name']}` | {row['kernel']} | π {agree['pi']:.1e}, J {agree['jacobian']:.1e}, "
                     f"Jᵀw {agree['vjp']:.1e}{status}; at {visited['points']} visited points, |θ| from "
                     f"{visited['smallest']:.1e} to {visited['largest']:.1e} (relative): π {visited['pi']:.1e}, "
                     f"Jᵀw {visited['vjp']:.1e}{reached} "
                     f"| {_symmetry(row['symmetry'])} | {_concavity(row['concavity'])} |")
    lines += [
        "",
        "## NŁ coefficients near the vertices",
        "",
        "Exponent k of C ∝ x^k as x → 0, per path from the local slopes d log C / d log x between neighbouring "
        "points, whose differences shrink geometrically near the vertex; their limit is extrapolated (Aitken's Δ²), "
        "so corrections of any order x^β are removed. Shown: the median over paths [the union of the path "
        "intervals k ± (change of the extrapolation when the last point is left out + numerical resolution)]; a "
        "path whose slope differences do not shrink is counted as unsettled and left out. Ratios of smooth "
        "transforms are computed from the SymPy definition at 50 digits, of piecewise ones with the float64 "
        "kernels. The paper's exponent m is extrapolated the same way from its own bound (Eq. (8)/(9) for policy "
        "gradient, Eq. (11)/(12) for cross entropy) at the same points, and the bound is checked at each point. "
        "Where the paper claims the exponent (softmax, Eq. (9), Eq. (12) for p ≥ 2) it agrees when m lies in the "
        "interval; where it states only a bound (Eq. (12) for p < 2, a constant as printed) it agrees when the "
        "interval reaches down to m (k ≤ m; loose when k < m). 0-homogeneous transforms (π(cθ) = π(θ), decided "
        "symbolically) are measured at ‖θ‖_q = 1, q as declared (the escort's p) or 2.",
        "",
        "| transform | policy gradient: ‖∇πᵀr‖/(π* − π)ᵀr vs π(a*) | π(a*) reaches 0 "
        "| cross entropy: ‖∇KL‖²/KL vs min π | min π reaches 0 |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        pg, ce = (row["nl"][objective] for objective in OBJECTIVES)
        lines.append(f"| `{row['name']}` | {_exponent(pg)} | {_exits(pg)} | {_exponent(ce)} | {_exits(ce)} |")
    lines += [
        "",
        "## Gradient methods: gravity well (Fig. 1) and damping (Fig. 4)",
        "",
        "All transforms start from the same θ₁ ~ N(0, I) and rewards r ~ U[0, 1]^K, so their first policies π₁ differ "
        "(median π₁(a*) is shown); step sizes are the paper's where it has a theorem for the transform.",
        "",
        "| transform | gravity well: bad runs (π_T(a*) < 0.99) | step size "
        "| damping of δ_t = −log π_t(a_y) | step size |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        well, damped = row["gravity_well"], row["damping"]
        lines.append(f"| `{row['name']}` | {_gravity(well)} | {well['step_size']} | {_damping(damped)} "
                     f"| {damped['step_size']} |")
    lines += ["", "## Disagreements with the paper and failed checks", ""]
    lines += [f"- {problem}" for problem in problems] or ["- none: every fitted exponent agrees with the paper's "
                                                          "where it has one, every bound holds, every kernel agrees"]
    lines += [
        "",
        "## Your own transform",
        "",
        "Write the map once in SymPy, in any importable module, and name it `package.module:attribute`:",
        "",
        "```python",
        "# mytransforms.py",
        "def cubic_escort(theta):              # a SymPy column θ -> the column π",
        "    weights = theta.applyfunc(lambda t: abs(t) ** 3)",
        "    return weights / sum(weights)",
        "```",
        "",
        "`escort battery mytransforms:cubic_escort softmax --quick` then derives, checks and runs everything above "
        "for it (numpy kernels are generated with `sympy.lambdify`). For speed, export a "
        "`theory.transforms.Transform` with `fast=` / `fast_jacobian=` numpy functions instead: the battery "
        "cross-checks them against the SymPy definition (first table). A 0-homogeneous map is detected and measured "
        "at ‖θ‖_2 = 1 unless it declares `invariant_norm=q`; a map like entmax declares `piecewise=True` and "
        "gives both fast functions.",
    ]
    lines += ["", "## Figures", ""] + [f"![{f}]({f})" for f in figures]
    lines += ["", "## Definitions and derivatives (K = 2; a piecewise transform on the piece of its first test point)",
              ""]
    for row in rows:
        lines += [
            f"- `{row['name']}`: ${row['formula']}$ ({row['reference'] or 'user transform'})",
            f"  - ∇(πᵀr) = `{row['derivatives']['reward_gradient']}`",
            f"  - ∇(−log π(a_1)) = `{row['derivatives']['cross_entropy_gradient']}`",
        ]
    return "\n".join(lines) + "\n"
