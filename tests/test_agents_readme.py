"""Every Python example in the README's "Agent data" section runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def agent_examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Agent data", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    # Doctest-style blocks (">>>") belong to the tools subsection, tested by its own suite.
    return [b for b in blocks if not b.lstrip().startswith(">>>")]


def test_the_section_has_examples() -> None:
    assert len(agent_examples()) >= 5


@pytest.mark.parametrize("index", range(len(agent_examples())))
def test_readme_agent_example_runs(index: int, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(agent_examples()[index], f"README agent example {index}", "exec"), {})
    assert capsys.readouterr().out.strip()
