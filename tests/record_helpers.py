"""Helpers for tests that read generated records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def texts(value: Any) -> Iterator[str]:
    """Every string inside a record (dict values and list items, at any depth)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from texts(v)
