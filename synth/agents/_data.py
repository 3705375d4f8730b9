"""Read the data files shipped under ``synth/agents/data`` (TOML: stdlib, no dependency)."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

__all__ = ["load_data", "yaml_error"]


@functools.cache
def load_data(name: str) -> dict[str, Any]:
    """The parsed contents of ``synth/agents/data/<name>.toml`` (cached; do not mutate)."""
    text = resources.files("synth.agents").joinpath("data", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def yaml_error(exc: Exception, path: object) -> tuple[str, int | None, int | None]:
    """One line for a PyYAML error: ``"PATH:LINE:COL: not valid YAML: problem (context at
    line L, column C)"``, and the 1-based line and column (PyYAML's own text spans several
    lines, with a caret drawing of the source and ``<unicode string>`` for the file)."""
    mark = getattr(exc, "problem_mark", None)
    problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if context:
        problem += f" ({' '.join(str(context).split())}"
        if context_mark is not None and (mark is None or context_mark.line != mark.line):
            problem += f" at line {context_mark.line + 1}, column {context_mark.column + 1}"
        problem += ")"
    if mark is None:
        return f"{path}: not valid YAML: {problem}", None, None
    line, column = mark.line + 1, mark.column + 1
    return f"{path}:{line}:{column}: not valid YAML: {problem}", line, column
