"""The README's examples print what the README shows.

Each ``$ synth ...`` line of a ``console`` block is run; its stdout must equal the lines
shown under it (stderr lines, such as the timing summary and error messages, are checked
where they do not depend on the machine). The ``>>>`` examples run as one doctest
session, in order, as a reader types them."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

from tests.cli_helpers import synth_cli

ROOT = Path(__file__).resolve().parent.parent


def console_examples() -> dict[str, list[str]]:
    """``{command: shown lines}`` for every ``$ synth`` command of the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    examples: dict[str, list[str]] = {}
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        command = None
        for line in block.splitlines():
            if line.startswith("$ "):
                command = line[2:]
                examples[command] = []
            elif command is not None:
                examples[command].append(line)
    return examples


EXAMPLES = console_examples()

# Commands whose whole stdout is shown and does not depend on the machine or the clock.
STDOUT_EXACT = [
    "synth templates --list",
    "synth explain --type text",
    "synth generate --type tool_call --count 2 --seed 42 --constraint tool=database",
]
ERRORS = [
    "synth generate --type text --count 0",
    "synth generate --type text --constraint max_sentence=3",
]


def run(command: str):
    argv = shlex.split(command)
    assert argv[0] == "synth"
    return synth_cli(*argv[1:])


@pytest.mark.parametrize("command", STDOUT_EXACT)
def test_readme_console_output_is_what_the_command_prints(command):
    shown = [line for line in EXAMPLES[command] if not line.startswith("Generated ")]
    while shown and not shown[-1]:
        shown.pop()
    proc = run(command)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip("\n").splitlines() == shown


@pytest.mark.parametrize("command", ERRORS)
def test_readme_console_errors_are_what_the_command_prints(command):
    proc = run(command)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == EXAMPLES[command]


def test_readme_interactive_examples_print_what_they_show():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if b.startswith(">>>")]
    assert len(blocks) >= 8
    parser = doctest.DocTestParser()
    test = parser.get_doctest("\n".join(blocks), {}, "README.md", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures: list[str] = []
    runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)
