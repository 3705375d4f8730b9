"""The README's "Regular expressions" and "Formats and realistic values" examples run."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import synth

README = Path(__file__).resolve().parent.parent / "README.md"


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    nxt = re.search(r"^#{2,3} ", text[start + len(heading) :], re.M)
    return text[start : start + len(heading) + nxt.start()] if nxt else text[start:]


def test_readme_examples() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = []
    for heading in ("## Regular expressions", "### Formats and realistic values"):
        blocks += re.findall(r"```python\n(.*?)```", _section(text, heading), re.S)
    assert len(blocks) >= 3
    for block in blocks:
        test = doctest.DocTestParser().get_doctest(block, {"synth": synth}, "README", None, 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test)
        assert runner.failures == 0 and runner.tries > 0, block
