"""The README's two commands stay true: CI runs the second, the first generates data."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, re.S)][:2]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _, test_command = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_readme_first_command_installs_then_generates_data() -> None:
    install, _, run = readme_commands()[0].partition(" && ")
    assert install == "pip install ."
    argv = shlex.split(run)
    if argv[0] == "python":
        argv[0] = sys.executable
    elif argv[0] == "synth":
        argv[:1] = [sys.executable, "-m", "synth"]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), "the first README command should print generated data"
