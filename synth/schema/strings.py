"""Strings for the schema compiler: ``pattern``, ``format`` and realistic values.

Small adapters over :mod:`synth.compilers.regex`, :mod:`synth.schema.formats` and
:mod:`synth.schema.realistic`, so the compiler sees one stable interface and refusals
carry the JSON Pointer of the keyword.
"""

from __future__ import annotations

from typing import Any

from synth.compilers.regex import from_regex
from synth.core.errors import (
    InvalidArgument,
    SchemaError,
    UnsatisfiableSchema,
    UnsupportedPattern,
    UnsupportedSchema,
)
from synth.core.gen import Gen
from synth.schema import formats as _formats
from synth.schema import realistic as _realistic

__all__ = ["PLAIN_ALPHABET", "format_gen", "format_known", "pattern_gen", "realistic_gen"]

#: Characters of strings that have no pattern, format or realistic generator.
PLAIN_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_."


def pattern_gen(pattern: str, min_length: int, max_length: int | None, pointer: str) -> Gen[str]:
    """Strings in which ``pattern`` matches (``re.search``), within the length bounds."""
    try:
        return from_regex(
            pattern, fullmatch=False, min_size=min_length or None, max_size=max_length
        )
    except UnsupportedPattern as exc:
        if exc.feature in ("length", "empty"):
            raise UnsatisfiableSchema(
                f"no string matching pattern {pattern!r} at {pointer} fits the length bounds "
                f"(minLength={min_length}, maxLength={max_length})",
                pointer,
                "pattern",
            ) from exc
        raise UnsupportedSchema(
            f"pattern {pattern!r} at {pointer} uses a {exc.feature or 'feature'} synth cannot "
            f"generate correctly; rewrite the pattern without it (spell the allowed strings "
            f"out), or pass your own generator for a format with from_schema(..., formats=)",
            pointer,
            "pattern",
        ) from exc
    except InvalidArgument as exc:
        raise SchemaError(
            f"pattern {pattern!r} at {pointer} is not a valid regular expression",
            pointer,
            "pattern",
        ) from exc


def lengths_by_construction(name: str, formats: Any) -> bool:
    """Built-in formats meet length bounds by construction; a caller's may not."""
    return not (formats is not None and name in formats)


def format_known(name: str, formats: Any) -> bool:
    if formats is not None and name in formats:
        return True
    return name in _formats.DEFAULT_FORMATS


def format_gen(
    name: str, min_length: int, max_length: int | None, formats: Any, pointer: str
) -> Gen[str]:
    """A generator for ``format: name`` within the length bounds."""
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
    return _realistic.realistic_for(name, min_length=min_length, max_length=max_length)


def is_birth_date(name: str) -> bool:
    """Whether a property called ``name`` holds a date of birth (``dob``, ``birthDate``)."""
    return _realistic.is_birth_name(name)


def birth_date_gen() -> Gen[str]:
    """ISO dates of birth (format ``date``), in the past."""
    return _realistic.birth_dates()
