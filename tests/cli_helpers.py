"""Running the command line in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def env(**extra: str) -> dict[str, str]:
    out = dict(os.environ)
    out["PYTHONPATH"] = ROOT + os.pathsep + out.get("PYTHONPATH", "")
    # No .pyc writes: a file-size limit in a test must hit the output, not the cache.
    out["PYTHONDONTWRITEBYTECODE"] = "1"
    out.update(extra)
    return out


def synth_cli(
    *args: str,
    cwd: Any = None,
    preexec_fn: Callable[[], None] | None = None,
    python: list[str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m synth ARGS`` and capture its output as text."""
    command = (python or [sys.executable, "-m", "synth"]) + list(args)
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env(),
        preexec_fn=preexec_fn,
        timeout=timeout,
    )


def assert_fails(proc: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    """The run failed with ``code`` and one line on stderr containing every needle."""
    message = proc.stderr.strip()
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert len(message.splitlines()) == 1, message
    assert message.startswith("Error: "), message
    for needle in needles:
        assert needle in message, (needle, message)
    return message


def python_with_blocked(module: str) -> list[str]:
    """A ``python -m synth`` that behaves as if ``module`` were not installed."""
    code = (
        f"import sys; sys.modules[{module!r}] = None; "
        "sys.argv[0] = 'synth'; from synth.cli import run; run()"
    )
    return [sys.executable, "-c", code]
