"""A small stand-in for ``synth.from_schema``, used only while the JSON Schema compiler is
not part of the build.

It covers what tool parameter schemas usually contain (objects with properties and
required, strings with enum/const/format/length bounds, integers and numbers with bounds,
booleans, null, arrays with item schemas and size bounds) and builds values that satisfy
them by construction. Anything else is refused with ``UnsupportedSchema`` naming the JSON
Pointer and the keyword, so a tool is never given arguments that might not validate.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from typing import Any

import attrs

from synth.agents._draw import below, uuid4_str
from synth.core.errors import SchemaError, UnsatisfiableSchema, UnsupportedSchema
from synth.core.gen import DrawFn, Gen

__all__ = ["mini_schema"]

Draw = Callable[[random.Random], Any]

_ANNOTATIONS = {
    "description",
    "title",
    "default",
    "examples",
    "$comment",
    "$schema",
    "$id",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$defs",
    "definitions",
}
_KEYWORDS = {
    "object": {"properties", "required", "additionalProperties"},
    "string": {"minLength", "maxLength", "format"},
    "integer": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"},
    "number": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"},
    "array": {"items", "minItems", "maxItems", "uniqueItems"},
    "boolean": set(),
    "null": set(),
}
_WORDS = (
    "alpha",
    "delta",
    "report",
    "north",
    "summary",
    "orange",
    "river",
    "vector",
    "garden",
    "signal",
    "copper",
    "meadow",
    "lantern",
    "harbor",
    "pixel",
    "tundra",
)
_EPOCH = dt.date(2025, 1, 1).toordinal()


@attrs.frozen(repr=False)
class _Mini(Gen[Any]):
    schema: Any

    def _compile(self) -> DrawFn:
        return _compile(self.schema, "#")

    def _default_repr(self) -> str:
        return f"mini_schema({self.schema!r})"


def mini_schema(schema: Any) -> Gen[Any]:
    """A generator of instances of ``schema`` (the subset described in the module)."""
    return _Mini(schema)


def _refuse(pointer: str, keyword: str) -> UnsupportedSchema:
    return UnsupportedSchema(
        f"{pointer}: keyword {keyword!r} needs the JSON Schema compiler (synth.from_schema), "
        f"which this build lacks; simplify the schema or install synth with it",
        pointer,
        keyword,
    )


def _compile(schema: Any, ptr: str) -> Draw:
    if schema is True or schema == {}:
        return lambda rng: _WORDS[below(rng, len(_WORDS))]
    if schema is False:
        raise UnsatisfiableSchema(f"{ptr}: the schema false accepts nothing", ptr, None)
    if not isinstance(schema, dict):
        raise SchemaError(f"{ptr}: expected a schema (object or boolean), got {schema!r:.60}", ptr)
    if "const" in schema:
        value = schema["const"]
        return lambda rng: value
    if "enum" in schema:
        values = schema["enum"]
        if not isinstance(values, list) or not values:
            raise SchemaError(f"{ptr}/enum: expected a non-empty list", f"{ptr}/enum", "enum")
        return lambda rng: values[below(rng, len(values))]
    types = schema.get("type")
    if types is None:
        kinds = [k for k, words in _KEYWORDS.items() if words & set(schema)]
        types = kinds[0] if len(kinds) == 1 else ("string" if not kinds else None)
        if types is None:
            raise _refuse(ptr, "type")
    if isinstance(types, list):
        fns = [_typed(schema, t, ptr) for t in types]
        return lambda rng: fns[below(rng, len(fns))](rng)
    return _typed(schema, types, ptr)


def _typed(schema: dict[str, Any], kind: Any, ptr: str) -> Draw:
    if kind not in _KEYWORDS:
        raise SchemaError(f"{ptr}/type: unknown type {kind!r}", f"{ptr}/type", "type")
    for key in schema:
        if (
            key not in _ANNOTATIONS
            and key != "type"
            and key not in set().union(*_KEYWORDS.values())
        ):
            raise _refuse(ptr, key)
    return {
        "object": _object,
        "string": _string,
        "integer": _integer,
        "number": _number,
        "array": _array,
        "boolean": _boolean,
        "null": _null,
    }[kind](schema, ptr)


def _object(schema: dict[str, Any], ptr: str) -> Draw:
    props = schema.get("properties", {})
    required = schema.get("required", [])
    extra = schema.get("additionalProperties", True)
    fields = []
    for name, sub in props.items():
        fields.append((name, _compile(sub, f"{ptr}/properties/{name}"), name in required))
    for name in required:
        if name not in props:
            if extra is False:
                raise UnsatisfiableSchema(
                    f"{ptr}/required: {name!r} is required but additionalProperties is false",
                    f"{ptr}/required",
                    "required",
                )
            fields.append(
                (
                    name,
                    _compile(
                        extra if isinstance(extra, dict) else {}, f"{ptr}/additionalProperties"
                    ),
                    True,
                )
            )

    def draw(rng: random.Random) -> dict[str, Any]:
        return {n: f(rng) for n, f, req in fields if req or rng.random() < 0.6}

    return draw


def _string(schema: dict[str, Any], ptr: str) -> Draw:
    lo, hi = schema.get("minLength", 0), schema.get("maxLength")
    fmt = schema.get("format")
    if fmt is not None:
        made = {
            "email": lambda rng: f"{_WORDS[below(rng, 16)]}.{_WORDS[below(rng, 16)]}@example.com",
            "uri": lambda rng: f"https://www.example.com/{_WORDS[below(rng, 16)]}",
            "date": lambda rng: dt.date.fromordinal(_EPOCH + below(rng, 365)).isoformat(),
            "date-time": lambda rng: (
                dt.date.fromordinal(_EPOCH + below(rng, 365)).isoformat()
                + f"T{below(rng, 24):02d}:{below(rng, 60):02d}:00Z"
            ),
            "uuid": uuid4_str,
        }.get(fmt)
        if made is None:
            raise _refuse(ptr, "format")
        if lo or hi is not None:
            raise _refuse(ptr, "maxLength")
        return made
    if hi is not None and hi < lo:
        raise UnsatisfiableSchema(f"{ptr}: maxLength {hi} < minLength {lo}", ptr, "maxLength")

    def draw(rng: random.Random) -> str:
        text = " ".join(_WORDS[below(rng, 16)] for _ in range(1 + below(rng, 3)))
        while len(text) < lo:
            text += " " + _WORDS[below(rng, 16)]
        return text if hi is None else text[: max(hi, lo)]

    return draw


def _bounds(schema: dict[str, Any], ptr: str, integer: bool) -> tuple[float, float]:
    lo, hi = schema.get("minimum", -math.inf), schema.get("maximum", math.inf)
    if "exclusiveMinimum" in schema:
        lo = max(lo, schema["exclusiveMinimum"] + (1 if integer else 1e-6))
    if "exclusiveMaximum" in schema:
        hi = min(hi, schema["exclusiveMaximum"] - (1 if integer else 1e-6))
    if math.isinf(lo) and math.isinf(hi):
        lo, hi = 0, 100
    elif math.isinf(lo):
        lo = hi - 100
    elif math.isinf(hi):
        hi = lo + 100
    if integer:
        lo, hi = math.ceil(lo), math.floor(hi)
    if lo > hi:
        raise UnsatisfiableSchema(f"{ptr}: no number fits the bounds", ptr, "maximum")
    return lo, hi


def _integer(schema: dict[str, Any], ptr: str) -> Draw:
    lo, hi = _bounds(schema, ptr, True)
    span = int(hi - lo) + 1
    return lambda rng: int(lo) + below(rng, span)


def _number(schema: dict[str, Any], ptr: str) -> Draw:
    lo, hi = _bounds(schema, ptr, False)

    def draw(rng: random.Random) -> float:
        x = round(lo + (hi - lo) * rng.random(), 2)
        return x if lo <= x <= hi else lo

    return draw


def _array(schema: dict[str, Any], ptr: str) -> Draw:
    items = schema.get("items", {})
    if isinstance(items, list):
        raise _refuse(ptr, "items")
    item = _compile(items, f"{ptr}/items")
    lo = schema.get("minItems", 0)
    hi = schema.get("maxItems", lo + 3)
    if hi < lo:
        raise UnsatisfiableSchema(f"{ptr}: maxItems {hi} < minItems {lo}", ptr, "maxItems")
    unique = schema.get("uniqueItems", False)

    def draw(rng: random.Random) -> list[Any]:
        n = lo + below(rng, hi - lo + 1)
        out: list[Any] = []
        for _ in range(20 * n + 20):
            if len(out) >= n:
                break
            v = item(rng)
            if not unique or v not in out:
                out.append(v)
        if len(out) < lo:
            raise UnsatisfiableSchema(
                f"{ptr}: could not find {lo} distinct items", ptr, "uniqueItems"
            )
        return out

    return draw


def _boolean(schema: dict[str, Any], ptr: str) -> Draw:
    return lambda rng: rng.random() < 0.5


def _null(schema: dict[str, Any], ptr: str) -> Draw:
    return lambda rng: None
