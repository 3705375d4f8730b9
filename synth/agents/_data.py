"""Read the data files shipped under ``synth/agents/data`` (TOML: stdlib, no dependency)."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

__all__ = ["load_data"]


@functools.cache
def load_data(name: str) -> dict[str, Any]:
    """The parsed contents of ``synth/agents/data/<name>.toml`` (cached; do not mutate)."""
    text = resources.files("synth.agents").joinpath("data", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)
