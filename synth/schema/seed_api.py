"""``SchemaBasedGenerator``: the seed project's schema API, built on :func:`from_schema`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from synth.core.errors import InvalidArgument
from synth.core.seeding import stream
from synth.schema.api import from_schema

__all__ = ["SchemaBasedGenerator"]


class SchemaBasedGenerator:
    """Instances of a JSON Schema, with the seed project's call shape.

    ``SchemaBasedGenerator().from_schema(schema, count, seed=7)`` returns ``count``
    instances, every one valid against ``schema``. ``faker`` is accepted for compatibility
    and never seeded or otherwise touched. Without a ``seed`` (here or in the constructor)
    each call draws a fresh one from the operating system, so nothing global is used.
    """

    def __init__(self, faker: Any = None, *, seed: int | None = None, **options: Any) -> None:
        self.faker = faker
        self.seed = seed
        self.options = options
        self._calls = 0  # single-value helpers: the n-th call of a seeded instance

    def generate_value(self, schema: Mapping[str, Any] | bool) -> Any:
        """One instance of ``schema`` (any type), valid against every keyword of it.

        The seed's ``_generate_value``/``_generate_object`` helpers dispatched on ``type``
        and dropped the other keywords; these compile the whole schema. With a ``seed``
        the n-th call of an instance gives the same value each run.
        """
        gen = from_schema(schema, **self.options)
        if self.seed is None:
            return next(stream(gen, 1, seed=int.from_bytes(os.urandom(8), "big")))
        self._calls += 1
        return next(stream(gen, 1, seed=self.seed, start=self._calls - 1))

    def _generate_value(self, schema: Mapping[str, Any] | bool) -> Any:
        """The seed's name for :meth:`generate_value`."""
        return self.generate_value(schema)

    def _generate_object(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        """One object of an object schema (the seed's name; see :meth:`generate_value`)."""
        if not isinstance(schema, Mapping) or schema.get("type", "object") not in (
            "object",
            ["object"],
        ):
            raise InvalidArgument(
                f"_generate_object() expects an object schema, got {schema!r:.80}; use "
                "generate_value() for other types"
            )
        value = self.generate_value(schema)
        assert isinstance(value, dict)
        return value

    def from_schema(
        self, schema: Mapping[str, Any] | bool, count: int, *, seed: int | None = None
    ) -> list[Any]:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InvalidArgument(
                f"from_schema() expects count to be a non-negative int, got count={count!r}"
            )
        if seed is None:
            seed = self.seed
        if seed is None:
            seed = int.from_bytes(os.urandom(8), "big")
        gen = from_schema(schema, **self.options)
        return list(stream(gen, count, seed=seed))
