"""Formatters (typed input -> user message) and parsers (model answer -> typed output).

Formats: JSON, XML and plain text, picked from the type by :func:`auto_formatter_for_type`
and :func:`auto_parser_for_type`. Parsers accept what models really send back — an answer
in a code fence, JSON with prose around it, a trailing comma, XML inside a sentence — but
never a value that does not validate against the type. Every failure, whatever the format,
raises :class:`synth.OutputInvalid`, so a retry has one thing to catch.
"""

from __future__ import annotations

import json
import re
import types
import typing
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any, Generic, Literal, Protocol, TypeVar

import orjson

from synth.core.errors import InvalidArgument, OutputInvalid
from synth.llm.types import (
    WRAP_KEY,
    class_fields,
    json_schema_for_type,
    needs_wrapper,
    structure,
    unstructure,
    validate,
)

__all__ = [
    "Formatter",
    "JsonFormatter",
    "JsonParser",
    "Parser",
    "SchemaParser",
    "TextFormatter",
    "TextParser",
    "XmlFormatter",
    "XmlParser",
    "auto_formatter_for_type",
    "auto_parser_for_type",
    "extract_json",
]

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)
Format = Literal["auto", "json", "xml", "text"]

#: Capability names a client can declare (see ``synth.llm.Client``).
JSON_SCHEMA = "json_schema"
JSON_OBJECT = "json_object"


class Formatter(Protocol[T_contra]):
    """Turns a typed input into the text of the user message."""

    def format(self, value: T_contra) -> str: ...


class Parser(Protocol[T]):
    """Turns a model's answer into a typed value, or raises ``OutputInvalid``."""

    returns: Any

    def parse(self, text: str) -> T: ...

    def response_format(self, capabilities: frozenset[str]) -> dict[str, Any] | None: ...

    def instructions(self, capabilities: frozenset[str]) -> str | None: ...


# -- formatters --------------------------------------------------------------------------


class JsonFormatter:
    """The input as JSON: compact by default, ``indent=2`` for a pretty user message."""

    def __init__(self, indent: int | None = None) -> None:
        self.indent = indent

    def format(self, value: Any) -> str:
        data = unstructure(value)
        if self.indent is None:
            return orjson.dumps(data).decode()
        return json.dumps(data, indent=self.indent, ensure_ascii=False)

    def __repr__(self) -> str:
        return "JsonFormatter()" if self.indent is None else f"JsonFormatter(indent={self.indent})"


class TextFormatter:
    """The input as it is (``str(value)``)."""

    def format(self, value: Any) -> str:
        return value if isinstance(value, str) else str(value)

    def __repr__(self) -> str:
        return "TextFormatter()"


class XmlFormatter:
    """The input as XML: ``<Person><name>Ada</name><tags><item>x</item></tags></Person>``."""

    def __init__(self, root: str | None = None) -> None:
        self.root = root

    def format(self, value: Any) -> str:
        root = self.root or _root_tag(type(value))
        return ET.tostring(_to_element(root, unstructure(value)), encoding="unicode")

    def __repr__(self) -> str:
        return "XmlFormatter()" if self.root is None else f"XmlFormatter(root={self.root!r})"


def _to_element(tag: str, data: Any) -> ET.Element:
    elem = ET.Element(tag)
    if isinstance(data, Mapping):
        for key, item in data.items():
            if _is_tag(str(key)):
                elem.append(_to_element(str(key), item))
            else:
                entry = _to_element("entry", item)
                entry.set("key", str(key))
                elem.append(entry)
    elif isinstance(data, (list, tuple)):
        for item in data:
            elem.append(_to_element("item", item))
    elif data is not None:
        elem.text = _scalar_text(data)
    return elem


def _scalar_text(data: Any) -> str:
    if isinstance(data, bool):
        return "true" if data else "false"
    return str(data)


def _is_tag(name: str) -> bool:
    return re.fullmatch(r"[A-Za-z_][\w.-]*", name) is not None and not name.lower().startswith(
        "xml"
    )


def _root_tag(tp: Any) -> str:
    name = getattr(tp, "__name__", "")
    return (
        name
        if isinstance(tp, type) and _is_tag(name) and tp not in (str, list, dict)
        else ("answer")
    )


def auto_formatter_for_type(tp: Any, format: Format = "auto", indent: int | None = None) -> Any:
    """The formatter for inputs of type ``tp``: text for ``str``, JSON otherwise.

    ``format="xml"`` (or ``"json"``, ``"text"``) forces a format.
    """
    chosen = _choose(tp, format)
    if chosen == "text":
        return TextFormatter()
    if chosen == "xml":
        return XmlFormatter()
    return JsonFormatter(indent=indent)


def _choose(tp: Any, format: str) -> str:
    if format not in ("auto", "json", "xml", "text"):
        raise InvalidArgument(
            f"format must be 'auto', 'json', 'xml' or 'text', got format={format!r}"
        )
    if format != "auto":
        return format
    return "text" if tp is str else "json"


# -- JSON --------------------------------------------------------------------------------

_FENCE = re.compile(r"```[\w+-]*[ \t]*\n?(.*?)```", re.DOTALL)


def extract_json(text: str) -> Any:
    """The JSON value in a model's answer, tolerating fences, prose and trailing commas.

    Raises :class:`OutputInvalid` when no JSON value can be found.
    """
    stripped = text.strip()
    candidates = [m.group(1).strip() for m in _FENCE.finditer(stripped)]
    candidates.append(stripped)
    first_error = None
    for candidate in candidates:
        for piece in (candidate, _balanced(candidate)):
            if piece is None:
                continue
            for attempt in (piece, _drop_trailing_commas(piece)):
                try:
                    return orjson.loads(attempt)
                except orjson.JSONDecodeError as exc:
                    first_error = first_error or str(exc)
    raise OutputInvalid(
        f"the answer is not valid JSON ({first_error}); reply with one JSON value only",
        text=text,
    )


def _balanced(text: str) -> str | None:
    """The first balanced ``{...}`` or ``[...]`` in ``text`` (string-aware), if any."""
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        return None
    depth, in_string, escaped = 0, False, False
    for i in range(start, len(text)):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
    return text[start:]


def _drop_trailing_commas(text: str) -> str:
    """Remove commas right before ``}`` or ``]`` outside strings."""
    out: list[str] = []
    pos = 0
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"|,(\s*[}\]])', text):
        if m.group(1) is None:
            continue
        out.append(text[pos : m.start()])
        out.append(m.group(1))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


class JsonParser(Generic[T]):
    """Parses a JSON answer into ``tp``, validating it against ``tp``'s JSON Schema.

    ``strict=True`` sends OpenAI strict structured outputs (see :mod:`synth.llm.types`);
    with ``strict=False`` the natural schema is sent with ``"strict": false``.
    A schema that is not an object (a list, a string, a union) is sent wrapped as
    ``{"value": ...}``; the parser unwraps it, and also accepts the bare value.
    """

    def __init__(self, tp: Any, *, strict: bool = True, name: str | None = None) -> None:
        self.returns = tp
        self.strict = strict
        self.schema = json_schema_for_type(tp, strict=strict)
        self.wrapped = needs_wrapper(self.schema)
        if self.wrapped:
            self.wire_schema: dict[str, Any] = {
                "type": "object",
                "properties": {WRAP_KEY: self.schema},
                "required": [WRAP_KEY],
                "additionalProperties": False,
            }
        else:
            self.wire_schema = self.schema
        raw_name = name or getattr(tp, "__name__", None) or "answer"
        self.name = re.sub(r"[^A-Za-z0-9_-]", "_", raw_name)[:64] or "answer"

    def response_format(self, capabilities: frozenset[str]) -> dict[str, Any] | None:
        if JSON_SCHEMA in capabilities:
            return {
                "type": "json_schema",
                "json_schema": {
                    "name": self.name,
                    "strict": self.strict,
                    "schema": self.wire_schema,
                },
            }
        if JSON_OBJECT in capabilities:
            return {"type": "json_object"}
        return None

    def instructions(self, capabilities: frozenset[str]) -> str | None:
        if JSON_SCHEMA in capabilities:
            return None
        return (
            "Reply with one JSON value only, no prose, that validates against this JSON "
            "Schema:\n" + orjson.dumps(self.wire_schema).decode()
        )

    def parse(self, text: str) -> T:
        value = extract_json(text)
        if self.wrapped and isinstance(value, dict) and set(value) == {WRAP_KEY}:
            value = value[WRAP_KEY]
        try:
            return structure(value, self.returns, self.schema)
        except OutputInvalid as exc:
            exc.text = text
            raise

    def __repr__(self) -> str:
        return f"JsonParser({_type_repr(self.returns)})"


class SchemaParser:
    """Parses a JSON answer that must validate against a JSON Schema document (no Python
    type): for schemas from files, as the command line uses. The value is returned as
    decoded JSON. ``strict`` (default: whether the schema already meets OpenAI's strict
    rules) is sent with the ``json_schema`` response format. Validation covers the keywords
    listed in :func:`synth.llm.types.validate`; others are sent to the model but not checked.
    """

    def __init__(
        self, schema: Mapping[str, Any], *, name: str = "answer", strict: bool | None = None
    ) -> None:
        if not isinstance(schema, Mapping):
            raise InvalidArgument(f"SchemaParser() expects a JSON Schema object, got {schema!r}")
        self.returns: Any = object
        self.schema = dict(schema)
        self.wrapped = needs_wrapper(self.schema)
        self.wire_schema = (
            {
                "type": "object",
                "properties": {WRAP_KEY: self.schema},
                "required": [WRAP_KEY],
                "additionalProperties": False,
            }
            if self.wrapped
            else self.schema
        )
        self.strict = _is_strict(self.wire_schema) if strict is None else strict
        self.name = re.sub(r"[^A-Za-z0-9_-]", "_", str(schema.get("title") or name))[:64]

    def response_format(self, capabilities: frozenset[str]) -> dict[str, Any] | None:
        if JSON_SCHEMA in capabilities:
            return {
                "type": "json_schema",
                "json_schema": {
                    "name": self.name,
                    "strict": self.strict,
                    "schema": self.wire_schema,
                },
            }
        if JSON_OBJECT in capabilities:
            return {"type": "json_object"}
        return None

    def instructions(self, capabilities: frozenset[str]) -> str | None:
        return JsonParser.instructions(self, capabilities)  # type: ignore[arg-type]

    def parse(self, text: str) -> Any:
        value = extract_json(text)
        if self.wrapped and isinstance(value, dict) and set(value) == {WRAP_KEY}:
            value = value[WRAP_KEY]
        try:
            validate(value, self.schema)
        except OutputInvalid as exc:
            exc.text = text
            raise
        return value

    def __repr__(self) -> str:
        return f"SchemaParser(name={self.name!r})"


def _is_strict(schema: Any) -> bool:
    """True when every object in ``schema`` is closed and lists all its properties."""
    if isinstance(schema, Mapping):
        if schema.get("type") == "object" or "properties" in schema:
            props = schema.get("properties", {})
            if schema.get("additionalProperties") is not False:
                return False
            if sorted(schema.get("required", [])) != sorted(props):
                return False
        return all(_is_strict(v) for v in schema.values())
    if isinstance(schema, list):
        return all(_is_strict(v) for v in schema)
    return True


# -- text --------------------------------------------------------------------------------


class TextParser:
    """Returns the answer as text (surrounding whitespace removed); refuses an empty one."""

    returns: Any = str

    def parse(self, text: str) -> str:
        out = text.strip()
        if not out:
            raise OutputInvalid("the answer is empty; reply with some text", text=text)
        return out

    def response_format(self, capabilities: frozenset[str]) -> dict[str, Any] | None:
        return None

    def instructions(self, capabilities: frozenset[str]) -> str | None:
        return None

    def __repr__(self) -> str:
        return "TextParser()"


# -- XML ---------------------------------------------------------------------------------


class XmlParser(Generic[T]):
    """Parses an XML answer (``<Person><name>..</name></Person>``) into ``tp``.

    The root element is found inside prose or a code fence; lists are ``<item>`` children,
    ``dict[str, T]`` are ``<entry key="..">`` children. Malformed XML and values that do
    not validate both raise ``OutputInvalid``.
    """

    def __init__(self, tp: Any, *, root: str | None = None) -> None:
        self.returns = tp
        self.root = root or _root_tag(tp)
        self.schema = json_schema_for_type(tp, strict=False)

    def response_format(self, capabilities: frozenset[str]) -> dict[str, Any] | None:
        return None

    def instructions(self, capabilities: frozenset[str]) -> str | None:
        skeleton = ET.tostring(_skeleton(self.root, self.returns, 0), encoding="unicode")
        return (
            f"Reply with one XML element <{self.root}> and nothing else, shaped like:\n"
            f"{skeleton}\nLists are <item> elements; a missing optional value is an empty "
            "element."
        )

    def parse(self, text: str) -> T:
        match = re.search(
            rf"<{re.escape(self.root)}(\s[^>]*)?(/>|>.*</{re.escape(self.root)}\s*>)",
            text,
            re.DOTALL,
        )
        if match is None:
            raise OutputInvalid(
                f"the answer has no <{self.root}> element; reply with XML", text=text
            )
        try:
            elem = ET.fromstring(match.group(0))
        except ET.ParseError as exc:
            raise OutputInvalid(f"the answer is not well-formed XML ({exc})", text=text) from exc
        try:
            return structure(_from_element(elem, self.returns, "$"), self.returns, self.schema)
        except OutputInvalid as exc:
            exc.text = text
            raise

    def __repr__(self) -> str:
        return f"XmlParser({_type_repr(self.returns)})"


def _skeleton(tag: str, tp: Any, depth: int) -> ET.Element:
    elem = ET.Element(tag)
    if depth > 4:
        return elem
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if isinstance(tp, type) and class_fields_ok(tp):
        for name, ftype, _ in class_fields(tp):
            elem.append(_skeleton(name, ftype, depth + 1))
    elif origin in (list, set, frozenset, tuple) and args:
        elem.append(_skeleton("item", args[0], depth + 1))
    elif origin is dict and args:
        entry = _skeleton("entry", args[1], depth + 1)
        entry.set("key", "...")
        elem.append(entry)
    else:
        elem.text = "..."
    return elem


def class_fields_ok(tp: type) -> bool:
    try:
        class_fields(tp)
    except Exception:
        return False
    return True


def _from_element(elem: ET.Element, tp: Any, path: str) -> Any:
    """The JSON-like value of ``elem`` read as type ``tp`` (validation happens later)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    text = (elem.text or "").strip()
    if origin in (typing.Union, types.UnionType):
        if not text and not len(elem) and type(None) in args:
            return None
        for member in args:
            if member is type(None):
                continue
            value = _from_element(elem, member, path)
            try:
                structure(value, member, json_schema_for_type(member, strict=False))
            except OutputInvalid:
                continue
            return value
        return text
    if isinstance(tp, type) and class_fields_ok(tp):
        children = {child.tag: child for child in elem}
        out: dict[str, Any] = {}
        for name, ftype, _ in class_fields(tp):
            child = children.get(name)
            if child is not None:
                out[name] = _from_element(child, ftype, f"{path}.{name}")
            elif type(None) in typing.get_args(ftype):
                out[name] = None
        return out
    if origin in (list, set, frozenset, tuple) and args:
        return [_from_element(c, args[0], f"{path}[{i}]") for i, c in enumerate(elem)]
    if origin is dict and args:
        return {c.get("key", c.tag): _from_element(c, args[1], path) for c in elem}
    return _scalar(text, tp)


def _scalar(text: str, tp: Any) -> Any:
    candidates: tuple[Any, ...] = (tp,)
    if typing.get_origin(tp) is Literal:
        candidates = tuple({type(a) for a in typing.get_args(tp)})
    elif isinstance(tp, type) and hasattr(tp, "__members__"):  # an Enum
        candidates = tuple({type(m.value) for m in tp})  # type: ignore[attr-defined]
    for kind in candidates:
        if kind is bool and text in ("true", "false"):
            return text == "true"
        if kind is int and re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        if kind is float:
            try:
                return float(text)
            except ValueError:
                pass
        if kind is type(None) and not text:
            return None
    return text


def auto_parser_for_type(tp: Any, format: Format = "auto", *, strict: bool = True) -> Any:
    """The parser for answers of type ``tp``: text for ``str``, JSON for everything else
    (attrs classes, dataclasses, lists, dicts, unions, scalars). ``format="xml"`` asks for
    XML instead, ``format="text"`` for plain text.
    """
    chosen = _choose(tp, format)
    if chosen == "text":
        if tp is not str:
            raise InvalidArgument(f"format='text' needs the output type str, got {tp!r}")
        return TextParser()
    if chosen == "xml":
        return XmlParser(tp)
    return JsonParser(tp, strict=strict)


def _type_repr(tp: Any) -> str:
    return tp.__name__ if isinstance(tp, type) else repr(tp).replace("typing.", "")
