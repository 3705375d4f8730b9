"""The README's "JSON Schema" section: its examples run and print what the comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def section_blocks() -> list[str]:
    text = README.read_text()
    start = text.index("## JSON Schema\n")
    end = text.index("\n## ", start + 1)
    blocks = re.findall(r"```python\n(.*?)```", text[start:end], flags=re.S)
    return [b for b in blocks if not b.startswith(">>>")]  # doctest blocks run elsewhere


def expected_output(block: str) -> list[str]:
    """Comment lines after a print: '# ...' continued by '#   ...' lines."""
    out: list[str] = []
    for line in block.splitlines():
        stripped = line.strip()
        if stripped.startswith("#   ") and out:
            out[-1] += " " + stripped[4:]
        elif stripped.startswith("# "):
            out.append(stripped[2:])
        elif "print(" in line and "#" in line:
            out.append(line.split("# ", 1)[1])
    return out


def test_every_example_runs_and_prints_what_it_says():
    blocks = section_blocks()
    assert len(blocks) >= 2
    for block in blocks:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(compile(block, "README.md", "exec"), {})
        printed = [" ".join(line.split()) for line in buffer.getvalue().splitlines()]
        expected = [" ".join(line.split()) for line in expected_output(block)]
        assert printed == expected
