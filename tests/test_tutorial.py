"""docs/tutorial.md is run, not trusted: every Python example executes with its shown output, and every escort
command line on the page parses."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

from escort.cli import build_parser

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial.md"


def test_python_examples_give_the_shown_output() -> None:
    failures, tried = doctest.testfile(str(TUTORIAL), module_relative=False, optionflags=doctest.ELLIPSIS,
                                       raise_on_error=False, verbose=False)
    assert tried >= 20 and failures == 0


def test_every_command_line_parses() -> None:
    blocks = re.findall(r"```bash\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), flags=re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.startswith("escort ")]
    assert len(commands) >= 7
    parser = build_parser()
    for command in commands:
        if command != "escort --version":
            parser.parse_args(shlex.split(command)[1:])
