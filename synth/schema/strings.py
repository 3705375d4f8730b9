"""Strings for the schema compiler: ``pattern``, ``format`` and realistic values.

Small adapters over :mod:`synth.compilers.regex`, :mod:`synth.schema.formats` and
:mod:`synth.schema.realistic`, so the compiler sees one stable interface and refusals
carry the JSON Pointer of the keyword.
"""

from __future__ import annotations

from typing import Any

from synth.core.errors import UnsatisfiableSchema, UnsupportedPattern, UnsupportedSchema
from synth.core.gen import Gen

__all__ = ["PLAIN_ALPHABET", "format_gen", "format_known", "pattern_gen", "realistic_gen"]

#: Characters of strings that have no pattern, format or realistic generator.
PLAIN_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_."

try:
    from synth.compilers.regex import from_regex as _from_regex
except ImportError:  # pragma: no cover - until the regex compiler lands
    _from_regex = None  # type: ignore[assignment]

try:
    from synth.schema import formats as _formats
except ImportError:  # pragma: no cover - until the format generators land
    _formats = None  # type: ignore[assignment]

try:
    from synth.schema import realistic as _realistic
except ImportError:  # pragma: no cover - until realistic values land
    _realistic = None  # type: ignore[assignment]


def pattern_gen(pattern: str, min_length: int, max_length: int | None, pointer: str) -> Gen[str]:
    """Strings in which ``pattern`` matches (``re.search``), within the length bounds."""
    if _from_regex is None:
        raise UnsupportedSchema(
            f"pattern at {pointer} needs the regex compiler", pointer, "pattern"
        )
    try:
        return _from_regex(
            pattern, fullmatch=False, min_size=min_length or None, max_size=max_length
        )
    except UnsupportedPattern as exc:
        raise UnsupportedSchema(
            f"pattern {pattern!r} at {pointer} uses {exc.feature or 'a feature'} that synth "
            f"cannot generate: {exc}",
            pointer,
            "pattern",
        ) from exc
    except UnsatisfiableSchema:
        raise
    except ValueError as exc:
        raise UnsatisfiableSchema(
            f"pattern {pattern!r} at {pointer} has no match within the length bounds: {exc}",
            pointer,
            "pattern",
        ) from exc


def format_known(name: str, formats: Any) -> bool:
    if formats is not None and name in formats:
        return True
    if _formats is None:
        return False
    return name in _formats.DEFAULT_FORMATS


def format_gen(
    name: str, min_length: int, max_length: int | None, formats: Any, pointer: str
) -> Gen[str]:
    """A generator for ``format: name`` within the length bounds."""
    assert _formats is not None
    try:
        gen = _formats.format_gen(
            name, min_length=min_length or None, max_length=max_length, formats=formats
        )
    except UnsatisfiableSchema as exc:
        raise UnsatisfiableSchema(
            f"format {name!r} at {pointer}: {exc}", pointer, "format"
        ) from exc
    if gen is None:  # unknown: an annotation
        raise UnsupportedSchema(f"format {name!r} at {pointer} is unknown", pointer, "format")
    return gen


def realistic_gen(name: str, min_length: int, max_length: int | None) -> Gen[str] | None:
    """A realistic generator for a string property called ``name``, if one fits."""
    if _realistic is None:
        return None
    return _realistic.realistic_for(name, min_length=min_length, max_length=max_length)
