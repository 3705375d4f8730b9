"""Python types as JSON Schemas, and model answers back into Python values.

The types a structured call accepts: attrs classes, dataclasses, ``str``, ``int``,
``float``, ``bool``, ``None``, ``Literal[...]``, ``enum.Enum``, ``list[T]`` (also
``tuple[T, ...]``, ``set[T]``, ``frozenset[T]``), ``dict[str, T]``, unions and
``Optional[T]``, nested to any depth (recursive classes are refused).

:func:`json_schema_for_type` builds the schema that is sent to the model. In *strict* mode
(OpenAI's ``"strict": true`` structured outputs) every object has
``additionalProperties: false`` and lists all its properties as required, optional fields
are ``anyOf [T, null]``, and a ``dict[str, T]``, which strict mode cannot express, is sent
as a list of ``{"key": ..., "value": ...}`` pairs and turned back into a dict when parsed.

:func:`validate` checks a decoded JSON value against such a schema (the subset emitted
here plus the common constraint keywords) and reports the first problem with its path;
:func:`structure` validates, then builds the Python value with one cattrs converter.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Union

import attrs
import cattrs

from synth.core.errors import InvalidArgument, OutputInvalid

__all__ = [
    "WRAP_KEY",
    "json_schema_for_type",
    "make_converter",
    "needs_wrapper",
    "structure",
    "unstructure",
    "validate",
]

#: The property that holds a non-object answer (a list, a string, a union) when the
#: schema sent to the model must be an object.
WRAP_KEY = "value"

_NoneType = type(None)
_SCALARS: dict[type, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}


# -- schema from type --------------------------------------------------------------------


def json_schema_for_type(tp: Any, *, strict: bool = True) -> dict[str, Any]:
    """The JSON Schema of values of type ``tp``.

    ``strict=True`` gives a schema that OpenAI's strict structured outputs accept (see the
    module docstring); ``strict=False`` gives the natural schema (``dict[str, T]`` as an
    object with ``additionalProperties``, optional attrs fields not required).
    """
    return _schema(tp, strict, ())


def needs_wrapper(schema: Mapping[str, Any]) -> bool:
    """True when ``schema`` is not a plain object schema, so it must be wrapped in one."""
    return schema.get("type") != "object" or "properties" not in schema


def _schema(tp: Any, strict: bool, seen: tuple[Any, ...]) -> dict[str, Any]:
    if tp is Any:
        raise InvalidArgument(
            "cannot derive a JSON Schema for typing.Any; give the output a concrete type"
        )
    if tp is None or tp is _NoneType:
        return {"type": "null"}
    if tp in _SCALARS:
        return {"type": _SCALARS[tp]}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [m.value for m in tp]}
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Literal:
        return {"enum": list(args)}
    if origin in (Union, types.UnionType):
        return {"anyOf": [_schema(a, strict, seen) for a in args]}
    if origin in (list, set, frozenset, Sequence) or tp in (list, set, frozenset):
        item = args[0] if args else _missing_arg(tp)
        return {"type": "array", "items": _schema(item, strict, seen)}
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _schema(args[0], strict, seen)}
        raise InvalidArgument(
            f"fixed-length tuples are not supported as model output types, got {tp!r}; "
            "use tuple[T, ...], a list or a small attrs class"
        )
    if origin in (dict, Mapping) or tp is dict:
        key, value = args if args else (str, _missing_arg(tp))
        if key is not str:
            raise InvalidArgument(f"dict keys must be str in model output types, got {tp!r}")
        inner = _schema(value, strict, seen)
        if strict:
            pair = _object({"key": {"type": "string"}, "value": inner}, ["key", "value"])
            return {"type": "array", "items": pair}
        return {"type": "object", "additionalProperties": inner}
    if isinstance(tp, type) and (attrs.has(tp) or dataclasses.is_dataclass(tp)):
        if tp in seen:
            raise InvalidArgument(
                f"recursive type {tp.__name__} cannot be a model output type; "
                "bound the nesting with separate classes"
            )
        return _class_schema(tp, strict, (*seen, tp))
    raise InvalidArgument(
        f"cannot derive a JSON Schema for type {tp!r}; use attrs classes, dataclasses, "
        "str/int/float/bool, Literal, Enum, list[...], dict[str, ...] or unions of those"
    )


def _missing_arg(tp: Any) -> Any:
    raise InvalidArgument(f"give the item type of {tp!r}, for example list[str]")


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def class_fields(cls: type) -> list[tuple[str, Any, bool]]:
    """(name, type, has_default) for each init field of an attrs class or dataclass."""
    try:
        hints = typing.get_type_hints(cls)
    except NameError as exc:
        raise InvalidArgument(
            f"cannot resolve the annotations of {cls.__name__} ({exc}); define the class "
            "and the types it names at module level"
        ) from exc
    out: list[tuple[str, Any, bool]] = []
    if attrs.has(cls):
        for a in attrs.fields(cls):
            if a.init:
                out.append((a.name, hints.get(a.name, a.type), a.default is not attrs.NOTHING))
    else:
        for f in dataclasses.fields(cls):
            if f.init:
                has_default = (
                    f.default is not dataclasses.MISSING
                    or f.default_factory is not dataclasses.MISSING
                )
                out.append((f.name, hints.get(f.name, f.type), has_default))
    return out


def _class_schema(cls: type, strict: bool, seen: tuple[Any, ...]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    for name, ftype, has_default in class_fields(cls):
        props[name] = _schema(ftype, strict, seen)
        if strict or not has_default:
            required.append(name)
    schema = _object(props, required)
    if not strict:
        del schema["additionalProperties"]
    schema["title"] = cls.__name__
    return schema


# -- validation --------------------------------------------------------------------------

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (_NoneType,),
    "array": (list,),
    "object": (dict,),
}


def validate(value: Any, schema: Mapping[str, Any], path: str = "$") -> None:
    """Raise :class:`OutputInvalid` (with the path of the first problem) unless ``value``
    fits ``schema``.

    Handles ``type``, ``enum``, ``const``, ``anyOf``/``oneOf``, ``properties``,
    ``required``, ``additionalProperties``, ``items``, ``minItems``/``maxItems``,
    ``minLength``/``maxLength``, ``pattern``, ``minimum``/``maximum`` and their exclusive
    forms. Other keywords are ignored.
    """
    problem = _problem(value, schema, path)
    if problem is not None:
        raise OutputInvalid(problem[1], path=problem[0])


def _type_ok(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _JSON_TYPES.get(name, (object,)))


def _problem(value: Any, schema: Mapping[str, Any], path: str) -> tuple[str, str] | None:
    if schema is True or not schema:
        return None
    if schema is False:
        return path, f"{path}: no value is allowed here"
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches is not None:
        found = [_problem(value, b, path) for b in branches]
        if all(p is not None for p in found):
            deepest = max(found, key=lambda p: len(p[0]))  # type: ignore[index]
            return path, f"{path}: fits none of the allowed forms ({deepest[1]})"  # type: ignore[index]
    if "const" in schema and value != schema["const"]:
        return path, f"{path}: expected {schema['const']!r}, got {_short(value)}"
    if "enum" in schema and not any(_same(value, e) for e in schema["enum"]):
        return path, f"{path}: expected one of {schema['enum']!r}, got {_short(value)}"
    expected = schema.get("type")
    if expected is not None:
        names = [expected] if isinstance(expected, str) else list(expected)
        if not any(_type_ok(value, n) for n in names):
            return path, f"{path}: expected {' or '.join(names)}, got {_short(value)}"
    if isinstance(value, dict):
        return _object_problem(value, schema, path)
    if isinstance(value, list):
        return _array_problem(value, schema, path)
    if isinstance(value, str):
        return _string_problem(value, schema, path)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_problem(value, schema, path)
    return None


def _same(a: Any, b: Any) -> bool:
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _object_problem(value: dict[str, Any], schema: Mapping[str, Any], path: str) -> Any:
    props = schema.get("properties", {})
    for name in schema.get("required", ()):
        if name not in value:
            return path, f"{path}: missing required property {name!r}"
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        sub = f"{path}.{key}"
        if key in props:
            found = _problem(item, props[key], sub)
        elif extra is False:
            return sub, f"{path}: unexpected property {key!r} (allowed: {sorted(props)})"
        else:
            found = _problem(item, extra if isinstance(extra, Mapping) else {}, sub)
        if found is not None:
            return found
    return None


def _array_problem(value: list[Any], schema: Mapping[str, Any], path: str) -> Any:
    if "minItems" in schema and len(value) < schema["minItems"]:
        return path, f"{path}: expected at least {schema['minItems']} items, got {len(value)}"
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        return path, f"{path}: expected at most {schema['maxItems']} items, got {len(value)}"
    items = schema.get("items")
    if isinstance(items, Mapping):
        for i, item in enumerate(value):
            found = _problem(item, items, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def _string_problem(value: str, schema: Mapping[str, Any], path: str) -> Any:
    if "minLength" in schema and len(value) < schema["minLength"]:
        return path, f"{path}: expected at least {schema['minLength']} characters"
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return path, f"{path}: expected at most {schema['maxLength']} characters"
    if "pattern" in schema and re.search(schema["pattern"], value) is None:
        return path, f"{path}: {_short(value)} does not match pattern {schema['pattern']!r}"
    return None


def _number_problem(value: float, schema: Mapping[str, Any], path: str) -> Any:
    checks = (
        ("minimum", lambda b: value >= b, ">="),
        ("maximum", lambda b: value <= b, "<="),
        ("exclusiveMinimum", lambda b: value > b, ">"),
        ("exclusiveMaximum", lambda b: value < b, "<"),
    )
    for key, ok, op in checks:
        if key in schema and not ok(schema[key]):
            return path, f"{path}: expected a number {op} {schema[key]}, got {value!r}"
    return None


# -- structuring -------------------------------------------------------------------------


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType)


def _is_str_dict(tp: Any) -> bool:
    return typing.get_origin(tp) in (dict, Mapping)


def make_converter() -> cattrs.Converter:
    """A cattrs converter for model answers (a new instance, never a global one).

    Unions are structured into the first member the value validates against, and a
    ``dict[str, T]`` also accepts the strict-mode list of ``{"key", "value"}`` pairs.
    """
    conv = cattrs.Converter()

    def structure_union(value: Any, tp: Any) -> Any:
        for member in typing.get_args(tp):
            if member is _NoneType:
                if value is None:
                    return None
                continue
            if _problem(value, _cached_schema(member, True), "$") is None:
                return conv.structure(value, member)
            if _problem(value, _cached_schema(member, False), "$") is None:
                return conv.structure(value, member)
        raise OutputInvalid(f"$: {_short(value)} fits none of {tp!r}")

    def structure_dict(value: Any, tp: Any) -> Any:
        _key, item = typing.get_args(tp) or (str, Any)
        if isinstance(value, list):
            return {pair["key"]: conv.structure(pair["value"], item) for pair in value}
        return {k: conv.structure(v, item) for k, v in value.items()}

    conv.register_structure_hook_func(_is_union, structure_union)
    conv.register_structure_hook_func(_is_str_dict, structure_dict)
    return conv


@functools.lru_cache(maxsize=1024)
def _cached_schema(tp: Any, strict: bool) -> dict[str, Any]:
    return json_schema_for_type(tp, strict=strict)


_CONVERTER = make_converter()


def structure(value: Any, tp: Any, schema: Mapping[str, Any] | None = None) -> Any:
    """Validate ``value`` (decoded JSON) against ``tp``'s schema, then build a ``tp``.

    Raises :class:`OutputInvalid` for anything that does not fit; never coerces (``"3"``
    is not an ``int``).
    """
    if schema is None:
        schema = json_schema_for_type(tp)
    validate(value, schema)
    try:
        return _CONVERTER.structure(value, tp)
    except OutputInvalid:
        raise
    except Exception as exc:  # cattrs wraps field errors in exception groups
        raise OutputInvalid(f"$: the value does not fit {_type_name(tp)}: {exc}") from exc


def unstructure(value: Any) -> Any:
    """``value`` as plain JSON-ready data (attrs classes and dataclasses become dicts)."""
    return _CONVERTER.unstructure(value)


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or repr(tp)
