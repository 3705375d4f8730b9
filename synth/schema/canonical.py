"""Canonical form of one schema object, whatever its draft.

Each draft spells a few things differently; the compiler reads only the canonical form:

* ``type`` is a frozenset over null, boolean, integer, float, string, array, object
  (``number`` means integer or float);
* ``const`` and ``enum`` become one ``enum`` list;
* numeric bounds become ``lower``/``upper`` pairs ``(Fraction, exclusive)``, from the draft 4
  boolean ``exclusiveMinimum`` and the later numeric form alike;
* the array form of ``items`` (drafts 4 to 2019-09) becomes ``prefixItems`` and
  ``additionalItems`` becomes ``items``;
* ``dependencies`` becomes ``dependentRequired`` / ``dependentSchemas``;
* keywords the draft does not know are dropped (the validator ignores them too), and in
  drafts 4 to 7 ``$ref`` hides its siblings.

Subschemas are kept as ``(schema, relative_pointer)`` pairs, so errors can name the
original location (``#/items/2``) even after renaming.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from synth.core.errors import SchemaError

__all__ = ["ALL_TYPES", "Sub", "canonical"]

ALL_TYPES = frozenset({"null", "boolean", "integer", "float", "string", "array", "object"})
_TYPE_NAMES = {
    "null": {"null"},
    "boolean": {"boolean"},
    "integer": {"integer"},
    "number": {"integer", "float"},
    "string": {"string"},
    "array": {"array"},
    "object": {"object"},
}

Sub = tuple[Any, str]  # (subschema, pointer relative to its parent)

_COMMON = {
    "type", "enum", "multipleOf", "maximum", "minimum", "maxLength", "minLength", "pattern",
    "items", "additionalItems", "maxItems", "minItems", "uniqueItems", "maxProperties",
    "minProperties", "required", "properties", "patternProperties", "additionalProperties",
    "allOf", "anyOf", "oneOf", "not", "format", "$ref", "dependencies",
}  # fmt: skip
_KEYWORDS = {
    "4": _COMMON | {"exclusiveMaximum", "exclusiveMinimum"},  # draft 4: booleans
    "6": _COMMON | {"const", "contains", "propertyNames", "exclusiveMaximum", "exclusiveMinimum"},
    "7": _COMMON
    | {"const", "contains", "propertyNames", "exclusiveMaximum", "exclusiveMinimum"}
    | {"if", "then", "else"},
}
_KEYWORDS["2019-09"] = (_KEYWORDS["7"] - {"dependencies"}) | {
    "dependentRequired", "dependentSchemas", "unevaluatedItems", "unevaluatedProperties",
    "minContains", "maxContains", "$recursiveRef",
}  # fmt: skip
_KEYWORDS["2020-12"] = (_KEYWORDS["2019-09"] - {"additionalItems", "$recursiveRef"}) | {
    "prefixItems",
    "$dynamicRef",
}


def _esc(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _fail(message: str, pointer: str, keyword: str) -> SchemaError:
    return SchemaError(f"{message} at {pointer}/{keyword}", f"{pointer}/{keyword}", keyword)


def _number(value: Any, pointer: str, keyword: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(f"{keyword} must be a finite number, got {value!r}", pointer, keyword)
    return Fraction(value)


def _count(value: Any, pointer: str, keyword: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(f"{keyword} must be a non-negative integer, got {value!r}", pointer, keyword)
    return value


def _schema(value: Any, pointer: str, keyword: str) -> Any:
    if not isinstance(value, (bool, Mapping)):
        raise _fail(
            f"{keyword} must be a schema (object or boolean), got {value!r}", pointer, keyword
        )
    return value


def _schemas(value: Any, pointer: str, keyword: str, nonempty: bool = True) -> list[Sub]:
    if not isinstance(value, list) or (nonempty and not value):
        raise _fail(f"{keyword} must be a non-empty array of schemas", pointer, keyword)
    return [(_schema(v, pointer, f"{keyword}/{i}"), f"{keyword}/{i}") for i, v in enumerate(value)]


def _names(value: Any, pointer: str, keyword: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(f"{keyword} must be an array of strings", pointer, keyword)
    return list(dict.fromkeys(value))


def _schema_map(value: Any, pointer: str, keyword: str) -> dict[str, Sub]:
    if not isinstance(value, Mapping):
        raise _fail(f"{keyword} must be an object of schemas", pointer, keyword)
    return {
        k: (_schema(v, pointer, f"{keyword}/{_esc(k)}"), f"{keyword}/{_esc(k)}")
        for k, v in value.items()
    }


def canonical(schema: Mapping[str, Any], draft: str, pointer: str) -> dict[str, Any]:
    """The canonical form of one schema object written in ``draft`` (see the module doc)."""
    known = _KEYWORDS[draft]
    s = {k: v for k, v in schema.items() if k in known}
    if "$ref" in s and draft in ("4", "6", "7"):
        s = {"$ref": s["$ref"]}
    out: dict[str, Any] = {}

    if "type" in s:
        names = s["type"] if isinstance(s["type"], list) else [s["type"]]
        types: set[str] = set()
        for name in names:
            if name not in _TYPE_NAMES:
                raise _fail(f"unknown type {name!r}", pointer, "type")
            types |= _TYPE_NAMES[name]
        out["type"] = frozenset(types)

    if "const" in s:
        out["enum"] = [s["const"]]
    if "enum" in s:
        if not isinstance(s["enum"], list):
            raise _fail("enum must be an array", pointer, "enum")
        if "enum" in out:
            out["enum"] = [v for v in out["enum"] if any(json_equal(v, e) for e in s["enum"])]
        else:
            out["enum"] = list(s["enum"])

    _numeric(s, draft, pointer, out)

    if "multipleOf" in s:
        m = _number(s["multipleOf"], pointer, "multipleOf")
        if m <= 0:
            raise _fail("multipleOf must be > 0", pointer, "multipleOf")
        out["multipleOf"] = s["multipleOf"]
    for key in ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"):
        if key in s:
            out[key] = _count(s[key], pointer, key)
    for key in ("minContains", "maxContains"):
        if key in s and "contains" in s:
            out[key] = _count(s[key], pointer, key)
    if "pattern" in s:
        if not isinstance(s["pattern"], str):
            raise _fail("pattern must be a string", pointer, "pattern")
        out["pattern"] = s["pattern"]
    if "format" in s and isinstance(s["format"], str):
        out["format"] = s["format"]
    if s.get("uniqueItems") is True:
        out["uniqueItems"] = True

    _arrays(s, draft, pointer, out)
    _objects(s, pointer, out)

    for key in ("allOf", "anyOf", "oneOf"):
        if key in s:
            out[key] = _schemas(s[key], pointer, key)
    for key in ("not", "if", "then", "else", "contains", "propertyNames"):
        if key in s:
            out[key] = (_schema(s[key], pointer, key), key)
    for key in ("unevaluatedItems", "unevaluatedProperties"):
        if key in s:
            out[key] = (_schema(s[key], pointer, key), key)
    for key in ("$ref", "$dynamicRef"):
        if key in s:
            if not isinstance(s[key], str):
                raise _fail(f"{key} must be a string", pointer, key)
            out[key] = s[key]
    if "$recursiveRef" in s:
        out["$recursiveRef"] = s["$recursiveRef"]
    return out


def _numeric(s: Mapping[str, Any], draft: str, pointer: str, out: dict[str, Any]) -> None:
    lower: tuple[Fraction, bool] | None = None
    upper: tuple[Fraction, bool] | None = None
    if "minimum" in s:
        excl = draft == "4" and s.get("exclusiveMinimum") is True
        lower = (_number(s["minimum"], pointer, "minimum"), excl)
    if "maximum" in s:
        excl = draft == "4" and s.get("exclusiveMaximum") is True
        upper = (_number(s["maximum"], pointer, "maximum"), excl)
    if draft != "4":
        if "exclusiveMinimum" in s:
            lower = tighter_lower(
                lower, (_number(s["exclusiveMinimum"], pointer, "exclusiveMinimum"), True)
            )
        if "exclusiveMaximum" in s:
            upper = tighter_upper(
                upper, (_number(s["exclusiveMaximum"], pointer, "exclusiveMaximum"), True)
            )
    if lower is not None:
        out["lower"] = lower
    if upper is not None:
        out["upper"] = upper


def tighter_lower(a: tuple[Fraction, bool] | None, b: tuple[Fraction, bool] | None) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    if a[0] != b[0]:
        return a if a[0] > b[0] else b
    return (a[0], a[1] or b[1])


def tighter_upper(a: tuple[Fraction, bool] | None, b: tuple[Fraction, bool] | None) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    if a[0] != b[0]:
        return a if a[0] < b[0] else b
    return (a[0], a[1] or b[1])


def _arrays(s: Mapping[str, Any], draft: str, pointer: str, out: dict[str, Any]) -> None:
    if draft == "2020-12":
        if "prefixItems" in s:
            out["prefixItems"] = _schemas(s["prefixItems"], pointer, "prefixItems")
        if "items" in s:
            out["items"] = (_schema(s["items"], pointer, "items"), "items")
        return
    items = s.get("items")
    if isinstance(items, list):
        out["prefixItems"] = _schemas(items, pointer, "items", nonempty=False)
        if "additionalItems" in s:
            out["items"] = (
                _schema(s["additionalItems"], pointer, "additionalItems"),
                "additionalItems",
            )
    elif items is not None:
        out["items"] = (_schema(items, pointer, "items"), "items")


def _objects(s: Mapping[str, Any], pointer: str, out: dict[str, Any]) -> None:
    if "properties" in s:
        out["properties"] = _schema_map(s["properties"], pointer, "properties")
    if "patternProperties" in s:
        out["patternProperties"] = _schema_map(s["patternProperties"], pointer, "patternProperties")
    if "additionalProperties" in s:
        out["additionalProperties"] = (
            _schema(s["additionalProperties"], pointer, "additionalProperties"),
            "additionalProperties",
        )
    if "required" in s:
        out["required"] = _names(s["required"], pointer, "required")
    required: dict[str, list[str]] = {}
    schemas: dict[str, Sub] = {}
    if "dependentRequired" in s:
        if not isinstance(s["dependentRequired"], Mapping):
            raise _fail("dependentRequired must be an object", pointer, "dependentRequired")
        for k, v in s["dependentRequired"].items():
            required[k] = _names(v, pointer, f"dependentRequired/{_esc(k)}")
    if "dependentSchemas" in s:
        schemas.update(_schema_map(s["dependentSchemas"], pointer, "dependentSchemas"))
    if "dependencies" in s:
        if not isinstance(s["dependencies"], Mapping):
            raise _fail("dependencies must be an object", pointer, "dependencies")
        for k, v in s["dependencies"].items():
            where = f"dependencies/{_esc(k)}"
            if isinstance(v, list):
                required[k] = _names(v, pointer, where)
            else:
                schemas[k] = (_schema(v, pointer, where), where)
    if required:
        out["dependentRequired"] = required
    if schemas:
        out["dependentSchemas"] = schemas


def json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON Schema means it: ``1 == 1.0`` but ``True != 1``; deep for containers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def json_key(value: Any) -> Any:
    """A hashable key such that ``json_key(a) == json_key(b)`` iff ``json_equal(a, b)``."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", Fraction(value) if math.isfinite(value) else value)
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("z",)
    if isinstance(value, list):
        return ("l", tuple(json_key(v) for v in value))
    if isinstance(value, Mapping):
        return ("d", frozenset((k, json_key(v)) for k, v in value.items()))
    return ("o", repr(value))
