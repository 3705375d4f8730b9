"""``from_schema``: the public entry point of the JSON Schema compiler."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from synth.core.errors import InvalidArgument, SchemaError, SynthError, UnsupportedSchema
from synth.core.gen import Gen

__all__ = ["from_schema"]


def _positive(value: Any, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidArgument(
            f"from_schema() expects {name} to be an int >= {minimum}, got {name}={value!r}"
        )
    return value


def from_schema(
    schema: Mapping[str, Any] | bool,
    *,
    registry: Any = None,
    formats: Mapping[str, Gen[str]] | None = None,
    max_depth: int = 4,
    realistic: bool = True,
    size_budget: int = 10_000,
    optional_p: float = 0.8,
    max_items: int = 5,
    max_length: int = 16,
    extra_properties: int = 0,
) -> Gen[Any]:
    """Compile a JSON Schema (a dict or a boolean) into a generator of valid instances.

    Every instance validates against ``schema`` (the ``jsonschema`` validator with format
    checking). What synth cannot guarantee is refused now, with the JSON Pointer of the
    subschema and the keyword: :class:`~synth.UnsupportedSchema` (cannot generate it),
    :class:`~synth.UnsatisfiableSchema` (no instance exists), :class:`~synth.SchemaError`
    (not valid JSON Schema for its draft).

    - ``registry``: documents for references outside ``schema``, as a
      ``referencing.Registry`` or a mapping ``{uri: schema}``. Nothing is ever fetched.
    - ``formats``: extra or replacement format generators, ``{"sku": from_regex(...)}``.
    - ``max_depth``: how deep recursive references go before choosing branches that stop.
    - ``realistic``: string properties named like ``email``, ``city`` or ``created_at`` get
      realistic values when the schema allows them.
    - ``size_budget``: the largest ``minItems``/``minLength``/``minProperties`` accepted.
    - ``optional_p``: the probability that an optional property is present.
    - ``max_items`` / ``max_length``: how far arrays and strings go above their minimum
      when the schema sets no maximum.
    - ``extra_properties``: up to this many undeclared properties where the schema allows
      them (0: only to reach ``minProperties``).
    """
    if not isinstance(schema, (Mapping, bool)):
        raise SchemaError(
            f"a JSON Schema is an object or a boolean, got {type(schema).__name__}: "
            f"{_short(schema)}",
            "#",
        )
    if isinstance(realistic, bool) is False:
        raise InvalidArgument(f"from_schema() expects realistic to be a bool, got {realistic!r}")
    _positive(max_depth, "max_depth", 1)
    _positive(size_budget, "size_budget", 0)
    _positive(max_items, "max_items", 0)
    _positive(max_length, "max_length", 0)
    _positive(extra_properties, "extra_properties", 0)
    if (
        isinstance(optional_p, bool)
        or not isinstance(optional_p, (int, float))
        or not (0 <= optional_p <= 1)
    ):
        raise InvalidArgument(
            f"from_schema() expects optional_p to be a probability, got optional_p={optional_p!r}"
        )
    if formats is not None:
        if not isinstance(formats, Mapping) or not all(
            isinstance(k, str) and isinstance(v, Gen) for k, v in formats.items()
        ):
            raise InvalidArgument(
                "from_schema() expects formats to map format names to generators, "
                f"got formats={formats!r}"
            )
    # Imported here so that ``import synth`` stays light (no jsonschema until it is needed).
    from synth.schema.compile import Compiler, Options
    from synth.schema.validation import Validators, dialect_of, make_registry

    options = Options(
        max_depth=max_depth,
        realistic=realistic,
        size_budget=size_budget,
        optional_p=float(optional_p),
        max_items=max_items,
        max_length=max_length,
        extra_properties=extra_properties,
        formats=dict(formats) if formats else None,
    )
    try:
        schema = copy.deepcopy(schema)
        draft = dialect_of(schema)
        validators = Validators(schema, draft, make_registry(registry, draft))
        validators.check_schema()
        return Compiler(schema, validators, options).compile_root()
    except SynthError:
        raise
    except RecursionError as exc:
        raise UnsupportedSchema(
            "the schema is nested too deeply to compile; flatten it with $defs and $ref",
            "#",
            "$ref",
        ) from exc


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
