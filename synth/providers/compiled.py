"""Compiled Faker providers (placeholder until the compiler lands)."""

from __future__ import annotations

from typing import Any

from synth.core.gen import Gen

__all__ = ["compiled_for", "compiled_providers"]


def compiled_for(
    provider: str, locale: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Gen[Any] | None:
    """The compiled generator for ``provider`` in ``locale`` with these arguments, if any."""
    return None


def compiled_providers(locale: str = "en_US") -> frozenset[str]:
    """Names of the providers compiled for ``locale`` (drawn without calling Faker)."""
    return frozenset()
