"""README.md's Python API section runs as it stands: its code blocks execute in order in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _api_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Python API\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_python_api_section_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _api_blocks()
    assert len(blocks) == 3
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - the README's own examples
    out = capsys.readouterr().out
    assert "(1, 501, 2, 2) (1, 501, 2)" in out  # 500 steps, every one recorded: T' = 501
    assert "claim cubic-nl" in out and "FAILS" not in out
