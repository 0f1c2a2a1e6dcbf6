"""The ``escort`` command: a thin layer that parses arguments and calls one function per subcommand.

No mathematics lives here. Bad input raises :class:`foundation.validation.InputError` somewhere below; this module turns
it into one sentence on standard error and exit code 2. Ctrl-C stops with exit code 130, keeping every result
that had finished (results are written atomically as they finish).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from foundation.artifacts import StageOutput
from foundation.validation import InputError

__all__ = ["main"]

Handler = Callable[[argparse.Namespace], int]


def _print_outputs(output: StageOutput) -> None:
    for path in output.paths:
        print(f"wrote {path}")


def _derive(args: argparse.Namespace) -> int:
    from theory.export import write_derivations

    _print_outputs(write_derivations(args.out))
    return 0


def _add_derive(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("derive", help="derive the paper's formulas with SymPy and write docs/derivations.md")
    parser.add_argument("--out", type=Path, default=Path("docs"), help="folder for derivations.md (default: docs)")
    parser.set_defaults(handler=_derive)


def _run(args: argparse.Namespace) -> int:
    from numerics.experiments import run_experiment

    _print_outputs(
        run_experiment(
            args.name, quick=args.quick, out_dir=args.out, docs_dir=args.docs, seed=args.seed, resume=args.resume
        )
    )
    return 0


def _add_run(sub: argparse._SubParsersAction) -> None:
    from numerics.experiments import EXPERIMENTS

    parser = sub.add_parser("run", help="regenerate one experiment (a figure, the bounds, the reviewers' questions)")
    parser.add_argument("name", help=f"experiment: {', '.join(EXPERIMENTS)}")
    parser.add_argument("--quick", action="store_true", help="small, still meaningful form (used by the tests)")
    parser.add_argument("--out", type=Path, default=Path("results"), help="folder for raw results (default: results)")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="folder for generated Markdown (default: docs)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--resume", action="store_true", help="skip units that finished in an earlier run")
    parser.set_defaults(handler=_run)


def _battery(args: argparse.Namespace) -> int:
    from numerics.experiments.battery import run_battery

    _print_outputs(run_battery(args.transforms, quick=args.quick, out_dir=args.out, docs_dir=args.docs, seed=args.seed))
    return 0


def _add_battery(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "battery", help="run the paper's checks (symbolic, NŁ exponents, gravity well, damping) on any transforms"
    )
    parser.add_argument(
        "transforms", nargs="+", metavar="TRANSFORM",
        help="softmax[:tau], escort[:p], entmax:1.5, sparsemax, taylor, spherical, or package.module:attribute",
    )
    parser.add_argument("--quick", action="store_true", help="small, still meaningful form (used by the tests)")
    parser.add_argument("--out", type=Path, default=Path("results/battery"), help="folder for raw results")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="folder for transforms.md and figures")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.set_defaults(handler=_battery)


def _check(args: argparse.Namespace) -> int:
    from proofs_check.runner import run_checks

    output = run_checks(
        args.claims or None, profile=args.profile, docs_dir=args.docs, json_path=args.json, replay=args.replay
    )
    _print_outputs(output)
    for line in output.headline:
        print(line)
    return 1 if args.strict and output.problems else 0


def _add_check(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "check", help="verdicts on the paper's claims: symbolic proof, search, high-precision confirmation, intervals"
    )
    parser.add_argument("claims", nargs="*", metavar="CLAIM", help="claim ids (default: all; a full run writes docs)")
    parser.add_argument("--profile", default="ci", help="hypothesis profile: ci (fast, derandomised) or thorough")
    parser.add_argument("--json", type=Path, default=None, help="also write every result as JSON to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a claim fails on its stated domain")
    parser.add_argument("--replay", type=Path, default=None, help="re-confirm a saved witness JSON instead of searching")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="folder for verification.md (default: docs)")
    parser.set_defaults(handler=_check)


def _all(args: argparse.Namespace) -> int:
    from escort.report import run_all

    result = run_all(
        quick=args.quick, out_dir=args.out, docs_dir=args.docs, seed=args.seed, resume=args.resume, readme=args.readme
    )
    print(f"wrote {result.report}" + (f" and {result.readme}" if result.readme else ""))
    for record in result.broken:
        print(f"escort all: stage {record.name} ({record.stage}) broke: {record.error}", file=sys.stderr)
    return 1 if result.broken else 0


def _add_all(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "all", help="run every stage (derive, check, figures, bounds, findings, transforms) and write docs/report.md"
    )
    parser.add_argument("--quick", action="store_true", help="small, still meaningful form of every stage")
    parser.add_argument("--out", type=Path, default=Path("results"), help="folder for raw results (default: results)")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="folder for generated Markdown (default: docs)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--resume", action="store_true", help="skip stages and units that finished in an earlier run")
    parser.add_argument(
        "--readme", type=Path, default=Path("README.md"),
        help="README whose <!-- report:begin/end --> block is regenerated (default: README.md; skipped if absent)",
    )
    parser.set_defaults(handler=_all)


def _report(args: argparse.Namespace) -> int:
    from escort.report import render_saved

    result = render_saved(out_dir=args.out, docs_dir=args.docs, readme=args.readme)
    print(f"wrote {result.report}" + (f" and {result.readme}" if result.readme else ""))
    return 0


def _add_report(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("report", help="re-render docs/report.md from the saved stage outputs, without re-running")
    parser.add_argument("--out", type=Path, default=Path("results"), help="folder of the saved run (default: results)")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="folder for report.md (default: docs)")
    parser.add_argument("--readme", type=Path, default=Path("README.md"), help="README with the results block")
    parser.set_defaults(handler=_report)



def _bench(args: argparse.Namespace) -> int:
    from numerics.experiments.benchmark import run_benchmark

    output = run_benchmark(quick=args.quick, json_path=args.json)
    print("\n".join(output.headline))
    for problem in output.problems:
        print(f"target missed: {problem}")
    _print_outputs(output)
    return 0


def _add_bench(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("bench", help="runs·steps per second: naive loop vs batched numpy vs compiled; escape sweep")
    parser.add_argument("--quick", action="store_true", help="short timings and a shorter escape sweep")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the measurements as JSON")
    parser.set_defaults(handler=_bench)


def _stress(args: argparse.Namespace) -> int:
    from numerics.experiments.bounds.stress import run_stress

    output = run_stress(args.theorem, quick=args.quick, seed=args.seed, out_dir=args.out, docs_dir=args.docs,
                        replay_path=args.replay)
    _print_outputs(output)
    print("\n".join(output.headline))
    return 0


def _add_stress(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "stress", help="search K, p, r, θ₁ (and γ) for the worst empirical/bound ratio of Theorem 2 or 3"
    )
    parser.add_argument("theorem", help="thm2 (bandit EPG) or thm3 (single-state MDP EPG)")
    parser.add_argument("--quick", action="store_true", help="small search (under 3 minutes); never writes docs")
    parser.add_argument("--out", type=Path, default=Path("results/stress"), help="folder for worst-case JSON")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="full form: also writes DOCS/stress/*.json")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--replay", type=Path, default=None, help="re-run a saved worst case instead of searching")
    parser.set_defaults(handler=_stress)


_SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_derive, _add_run, _add_battery, _add_check,
    _add_all, _add_report, _add_bench, _add_stress,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``escort`` with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="escort",
        description="Check the claims of 'Escaping the Gravitational Pull of Softmax': derive, verify, simulate.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in _SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``escort`` console script; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse has printed the usage error (or --help); no traceback
        return stop.code if isinstance(stop.code, int) else 2
    try:
        return args.handler(args)
    except InputError as error:
        print(f"escort {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"escort {args.command}: interrupted; finished results were kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
