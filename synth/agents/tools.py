"""Tools, tool calls and tool results.

* ``BUILTIN_TOOLS``: the four tools of the seed API (``search``, ``email``, ``database``,
  ``file_operations``), defined in ``data/builtin_tools.json``.
* ``load_tools(source)``: tool definitions from OpenAI ``tools`` lists, bare function dicts,
  MCP tools (``inputSchema``), ``{"tools": [...]}``, or a JSON/YAML file of those.
* ``tool_calls(specs)``: calls whose arguments always validate against the tool's schema and
  look real (addresses, absolute paths, parameterised SQL, search phrases).
* ``tool_exchanges(specs, error_rate=...)``: a call and the result that answers it.
* ``tool_call_record(call)``: the OpenAI/seed shape ``{"id", "type", "function"}``.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import os
import random
import re
from binascii import b2a_base64
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from types import MappingProxyType
from typing import Any

import attrs

from synth.agents._behaviour import Behaviour, dumps, error_content, error_message
from synth.agents._builtin import BUILTIN_BEHAVIOURS, REFERENCE_DATE
from synth.agents._data import yaml_error
from synth.agents._draw import _B64_TO_ALNUM, call_id, chooser, load_data, weighted_chooser
from synth.agents._locale import people_for
from synth.agents._user_tools import UserTool, compile_output, compile_parameters
from synth.agents.models import ToolCall, ToolResult, ToolSpec
from synth.core.errors import InvalidArgument, SchemaError, UnsatisfiableSchema, UnsupportedSchema
from synth.core.gen import DrawFn, Gen, _bless

__all__ = [
    "BUILTIN_TOOLS",
    "ToolsLike",
    "load_tools",
    "resolve_tools",
    "tool_call_record",
    "tool_call_records",
    "tool_calls",
    "tool_exchanges",
]

ToolsLike = ToolSpec | str | Mapping[str, Any] | Sequence[ToolSpec | str | Mapping[str, Any]]


def _builtin_tools() -> Mapping[str, ToolSpec]:
    table = load_data("builtin_tools.json")
    return MappingProxyType(
        {key: ToolSpec(t["name"], t["description"], t["parameters"]) for key, t in table.items()}
    )


#: The seed API's tools by key: ``search`` -> ``web_search``, ``email`` -> ``send_email``,
#: ``database`` -> ``execute_query``, ``file_operations`` -> ``file_operation``.
BUILTIN_TOOLS: Mapping[str, ToolSpec] = _builtin_tools()
_BUILTIN_BY_NAME = {spec.name: spec for spec in BUILTIN_TOOLS.values()}


# -- behaviours --------------------------------------------------------------------------


@cache
def _builtin_behaviour(
    name: str, locale: str = "en_US", reference: dt.date = REFERENCE_DATE
) -> Behaviour:
    return BUILTIN_BEHAVIOURS[name](_BUILTIN_BY_NAME[name], people_for(locale), reference)


def behaviour_for(
    spec: ToolSpec, locale: str = "en_US", reference: dt.date = REFERENCE_DATE
) -> Behaviour:
    """The built-in behaviour for an unmodified built-in tool, else one from its schema;
    its people and places are those of ``locale``, and the dates in its calls and results
    count from ``reference`` (history in the year before it, bookings after it)."""
    builtin = _BUILTIN_BY_NAME.get(spec.name)
    if builtin is not None and builtin.parameters == spec.parameters:
        return _builtin_behaviour(spec.name, locale, reference)
    return UserTool(spec, locale, reference)


def check_locale(locale: object, func: str) -> str:
    """``locale`` if Faker has it (``en_US`` is known without loading Faker), else
    ``InvalidArgument`` naming the closest locales."""
    if locale == "en_US":
        return locale
    from synth.providers.faker import available_locales

    locales = available_locales()
    if isinstance(locale, str) and locale in locales:
        return locale
    close = difflib.get_close_matches(str(locale), locales, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise InvalidArgument(
        f"{func}() expects locale to be a Faker locale such as 'en_US' or 'de_DE', got "
        f"locale={locale!r}{hint} (see synth.available_locales())"
    )


# -- loading tool definitions ------------------------------------------------------------

_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")


def _fail(where: str, message: str) -> InvalidArgument:
    return InvalidArgument(f"{where}: {message}")


def _read_file(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise InvalidArgument(
            f"load_tools() could not read {path!r}: {exc.strerror or exc}"
        ) from exc
    if path.lower().endswith((".yaml", ".yml")):
        try:
            import yaml
        except ImportError as exc:
            raise InvalidArgument(
                f"load_tools() needs PyYAML to read {path!r}: pip install 'synth[yaml]', "
                f"or give the tools as JSON"
            ) from exc
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InvalidArgument(yaml_error(exc, path)[0]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidArgument(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); tool files are JSON "
            f"(.json) or YAML (.yaml, .yml)"
        ) from exc


def _spec_from(item: Any, where: str) -> ToolSpec:
    if isinstance(item, ToolSpec):
        return item
    if not isinstance(item, Mapping):
        raise _fail(
            where,
            f"expected a tool definition (a dict), got {type(item).__name__} {item!r:.60}; "
            f'give {{"type": "function", "function": {{"name": ..., "parameters": ...}}}} '
            f'or an MCP tool {{"name": ..., "inputSchema": ...}}',
        )
    if "type" in item or "function" in item:
        kind = item.get("type")
        if kind != "function":
            raise _fail(
                f"{where}.type",
                f"only function tools can be called, got type={kind!r}; "
                f'use {{"type": "function", "function": {{...}}}}',
            )
        fn = item.get("function")
        if not isinstance(fn, Mapping):
            raise _fail(
                f"{where}.function",
                f"expected a dict with name, description and parameters, got {fn!r:.60}",
            )
        return _function(fn, f"{where}.function", "parameters")
    if "inputSchema" in item:
        return _function(item, where, "inputSchema")
    if "name" in item:
        return _function(item, where, "parameters")
    raise _fail(
        where,
        f"not a tool definition (keys: {sorted(item)}); expected an OpenAI tool with "
        f'"function", a function with "name" and "parameters", or an MCP tool with "inputSchema"',
    )


def _function(fn: Mapping[str, Any], where: str, params_key: str) -> ToolSpec:
    name = fn.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise _fail(
            f"{where}.name",
            f"expected a tool name of 1-128 letters, digits, '_', '-' or '.', got {name!r}",
        )
    description = fn.get("description", "")
    if description is None:
        description = ""
    if not isinstance(description, str):
        raise _fail(f"{where}.description", f"expected a string, got {description!r:.60}")
    params_where = f"{where}.{params_key}"
    params = fn.get(params_key, {"type": "object", "properties": {}})
    if not isinstance(params, Mapping) or params.get("type", "object") != "object":
        raise _fail(
            params_where,
            f"expected an object schema, got {params!r:.80}; tool arguments are a JSON "
            f'object: {{"type": "object", "properties": {{...}}}}',
        )
    output = fn.get("outputSchema") if params_key == "inputSchema" else None
    output_where = f"{where}.outputSchema"
    if output is not None and (
        not isinstance(output, Mapping) or output.get("type", "object") != "object"
    ):
        raise _fail(
            output_where,
            f"expected an object schema, got {output!r:.80}; an MCP tool's structured "
            f'result is a JSON object: {{"type": "object", "properties": {{...}}}}',
        )
    spec = ToolSpec(
        name,
        description,
        copy.deepcopy(dict(params)),
        output_schema=None if output is None else copy.deepcopy(dict(output)),
    )
    for schema_where, check in ((params_where, compile_parameters), (output_where, compile_output)):
        try:
            check(spec)  # compiling checks the schema
        except (SchemaError, UnsupportedSchema, UnsatisfiableSchema) as exc:
            pointer = getattr(exc, "pointer", "#")
            raise _fail(f"{schema_where} (at {pointer})", str(exc)) from exc
    return spec


def load_tools(source: Any) -> tuple[ToolSpec, ...]:
    """Tool definitions from OpenAI tools, bare functions, MCP tools, or a file of them.

    ``source`` is a list of definitions, a dict wrapping them as ``{"tools": [...]}``, a
    single definition, or the path of a JSON or YAML file holding any of those. Each
    definition is checked: its name, its description, and its parameter schema (compiled
    with ``synth.from_schema``). Errors raise ``InvalidArgument`` naming the place in the
    input (``tools[2].function.parameters: ...``) and how to fix it; duplicate names are
    refused.
    """
    where = "tools"
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        source = _read_file(path)
        where = f"{path}: tools"
    if isinstance(source, Mapping) and "tools" in source:
        source = source["tools"]
    elif isinstance(source, (Mapping, ToolSpec)):
        source = [source]
    if not isinstance(source, Sequence) or isinstance(source, (str, bytes)):
        raise InvalidArgument(
            f"{where}: load_tools() expects a list of tool definitions, {{'tools': [...]}} "
            f"or a file path, got {type(source).__name__} {source!r:.60}"
        )
    specs: list[ToolSpec] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(source):
        spec = _spec_from(item, f"{where}[{i}]")
        if spec.name in seen:
            raise _fail(
                f"{where}[{i}].name",
                f"duplicate tool name {spec.name!r} (also {where}[{seen[spec.name]}]); "
                f"tool names must be unique",
            )
        seen[spec.name] = i
        specs.append(spec)
    if not specs:
        raise InvalidArgument(f"load_tools() found no tools in {where}; give at least one")
    return tuple(specs)


def resolve_tools(tools: ToolsLike, func: str, arg: str = "tools") -> tuple[ToolSpec, ...]:
    """``tools`` as ToolSpecs: specs, built-in keys or names (``"search"``,
    ``"web_search"``), or definitions ``load_tools`` accepts."""
    items: Iterable[Any]
    if isinstance(tools, (ToolSpec, str, Mapping)):
        items = [tools]
    elif isinstance(tools, Sequence):
        items = tools
    else:
        raise InvalidArgument(
            f"{func}() expects {arg} to be a ToolSpec, a built-in tool name or a list of them, "
            f"got {arg}={tools!r:.60} (type={type(tools).__name__})"
        )
    out: list[ToolSpec] = []
    for item in items:
        if isinstance(item, str):
            spec = BUILTIN_TOOLS.get(item) or _BUILTIN_BY_NAME.get(item)
            if spec is None:
                known = [*BUILTIN_TOOLS, *_BUILTIN_BY_NAME]
                close = difflib.get_close_matches(item, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise InvalidArgument(
                    f"{func}() got unknown built-in tool {item!r}; known: "
                    f"{', '.join(BUILTIN_TOOLS)} (or {', '.join(_BUILTIN_BY_NAME)}){hint}"
                )
            out.append(spec)
        else:
            out.extend(load_tools(item) if not isinstance(item, ToolSpec) else (item,))
    if not out:
        raise InvalidArgument(f"{func}() needs at least one tool, got {arg}={tools!r}")
    names = [s.name for s in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InvalidArgument(
            f"{func}() got the tool name {dupes[0]!r} twice; names must be unique"
        )
    return tuple(out)


# -- generators --------------------------------------------------------------------------


@attrs.frozen(repr=False)
class _ToolCalls(Gen[ToolCall]):
    specs: tuple[ToolSpec, ...]
    locale: str = "en_US"

    def _compile(self) -> DrawFn:
        pick = chooser([behaviour_for(s, self.locale) for s in self.specs])

        def draw_call(rng: random.Random) -> ToolCall:
            b = pick(rng)
            ident = call_id(rng)
            return ToolCall(ident, b.name, b.call(rng)[0])

        return draw_call


def tool_calls(tools: ToolsLike, *, locale: str = "en_US") -> Gen[ToolCall]:
    """Calls of one of ``tools`` (uniformly), as ``ToolCall(id, name, arguments)``.

    ``tools`` is a ToolSpec, a built-in key or name (``"search"``, ``"send_email"``), a tool
    definition dict, or a list of those. ``id`` is ``call_`` + 24 alphanumerics from the
    rng. Arguments always validate against the tool's parameter schema; built-in tools get
    realistic arguments, user tools get ``synth.from_schema`` values with realistic ones
    for well-known property names (``email``, ``path``, ``query``, ``url``, ...).
    ``locale`` chooses the people and places in the arguments (names, email addresses,
    cities, phone numbers: Faker's, in that locale); the other words stay English.
    """
    specs = resolve_tools(tools, "tool_calls")
    check_locale(locale, "tool_calls")
    return _bless(_ToolCalls(specs, locale), ("tool_calls", (tools,), _locale_kwargs(locale)))


def _locale_kwargs(locale: str) -> dict[str, Any]:
    """The ``locale`` keyword of a generator's repr: shown only when not the default."""
    return {} if locale == "en_US" else {"locale": locale}


@attrs.frozen(repr=False)
class _ToolCallRecords(Gen[dict[str, Any]]):
    specs: tuple[ToolSpec, ...]
    locale: str = "en_US"
    #: ``(rng, index) -> {"index": index, **record}``: the seed API's sample, drawn as the
    #: record is (set when compiled; no copy of a drawn record).
    _indexed: Any = attrs.field(init=False, default=None, eq=False, hash=False, repr=False)

    def _compile(self) -> DrawFn:
        # The call id is inlined (it is a good part of the cost of a record); it is the
        # same text as ``call_id``.
        behaviours = [behaviour_for(s, self.locale) for s in self.specs]
        tools = [(b.name, b.compile_call_json()) for b in behaviours]
        to_alnum = _B64_TO_ALNUM
        if len(tools) == 1:
            ((name, arguments),) = tools

            def draw_one(rng: random.Random) -> dict[str, Any]:
                raw = b2a_base64(rng.getrandbits(144).to_bytes(18, "big"), newline=False)
                return {
                    "id": "call_" + raw.translate(to_alnum).decode(),
                    "type": "function",
                    "function": {"name": name, "arguments": arguments(rng)},
                }

            def indexed_one(rng: random.Random, index: int) -> dict[str, Any]:
                raw = b2a_base64(rng.getrandbits(144).to_bytes(18, "big"), newline=False)
                return {
                    "index": index,
                    "id": "call_" + raw.translate(to_alnum).decode(),
                    "type": "function",
                    "function": {"name": name, "arguments": arguments(rng)},
                }

            object.__setattr__(self, "_indexed", indexed_one)
            return draw_one
        pick = chooser(tools)

        def draw_record(rng: random.Random) -> dict[str, Any]:
            name, arguments = pick(rng)
            raw = b2a_base64(rng.getrandbits(144).to_bytes(18, "big"), newline=False)
            return {
                "id": "call_" + raw.translate(to_alnum).decode(),
                "type": "function",
                "function": {"name": name, "arguments": arguments(rng)},
            }

        def indexed_record(rng: random.Random, index: int) -> dict[str, Any]:
            name, arguments = pick(rng)
            raw = b2a_base64(rng.getrandbits(144).to_bytes(18, "big"), newline=False)
            return {
                "index": index,
                "id": "call_" + raw.translate(to_alnum).decode(),
                "type": "function",
                "function": {"name": name, "arguments": arguments(rng)},
            }

        object.__setattr__(self, "_indexed", indexed_record)
        return draw_record


def tool_call_records(tools: ToolsLike, *, locale: str = "en_US") -> Gen[dict[str, Any]]:
    """``tool_calls(tools, locale=locale)`` already in the OpenAI / seed record shape (see
    ``tool_call_record``), drawn directly: the same records, faster."""
    specs = resolve_tools(tools, "tool_call_records")
    check_locale(locale, "tool_call_records")
    node = _ToolCallRecords(specs, locale)
    return _bless(node, ("tool_call_records", (tools,), _locale_kwargs(locale)))


#: How an exchange fails when it does: tool error, timeout, or arguments the tool rejects.
_ERROR_KINDS = (("tool_error", 60), ("timeout", 25), ("invalid_arguments", 15))


def draw_exchange(
    b: Behaviour,
    rng: random.Random,
    failure: str | None,
    drawn: tuple[dict[str, Any], Any] | None = None,
) -> tuple[ToolCall, ToolResult, Any, str | None, Any]:
    """One call of ``b`` and its result; with ``failure`` set, the call fails that way.

    ``drawn`` gives the call's arguments and context when the caller made them (else they
    are drawn here). Returns the call, the result, the ``Outcome`` (None on failure), the
    error message (None on success) and the behaviour's private context of the call.
    """
    ident = call_id(rng)
    if failure == "invalid_arguments":
        args, ctx, message = b.bad_call(rng)
        content = error_content("InvalidArguments", message)
        result = ToolResult(ident, b.name, content, True)
        return ToolCall(ident, b.name, args), result, None, message, ctx
    args, ctx = b.call(rng) if drawn is None else drawn
    call = ToolCall(ident, b.name, args)
    if failure is None:
        content, outcome = b.result(rng, args, ctx)
        return call, ToolResult(ident, b.name, content, False), outcome, None, ctx
    content = b.timeout(args) if failure == "timeout" else b.error(rng, args, ctx)
    message = error_message(content)
    return call, ToolResult(ident, b.name, content, True), None, message, ctx


@attrs.frozen(repr=False)
class _ToolExchanges(Gen[tuple[ToolCall, ToolResult]]):
    specs: tuple[ToolSpec, ...]
    error_rate: float = 0.0
    locale: str = "en_US"

    def _compile(self) -> DrawFn:
        pick = chooser([behaviour_for(s, self.locale) for s in self.specs])
        rate = self.error_rate
        kind = weighted_chooser(_ERROR_KINDS)

        def draw_exchange_(rng: random.Random) -> tuple[ToolCall, ToolResult]:
            b = pick(rng)
            failure = kind(rng) if rate and rng.random() < rate else None
            call, result, _, _, _ = draw_exchange(b, rng, failure)
            return call, result

        return draw_exchange_


def tool_exchanges(
    tools: ToolsLike, *, error_rate: float = 0.0, locale: str = "en_US"
) -> Gen[tuple[ToolCall, ToolResult]]:
    """A call of one of ``tools`` and the ``ToolResult`` that answers it.

    Results fit the tool: search results about the query, an email receipt naming the
    recipients, rows with the query's columns, file contents, listings or confirmations.
    With probability ``error_rate`` the exchange fails instead (a tool error, a timeout,
    or arguments the tool rejects although they fit its schema); the result then has
    ``is_error=True`` and JSON content ``{"error": {"type", "message"}}``. ``locale``
    chooses the people and places, as in ``tool_calls``.
    """
    if (
        isinstance(error_rate, bool)
        or not isinstance(error_rate, (int, float))
        or not 0 <= error_rate <= 1
    ):
        raise InvalidArgument(
            f"tool_exchanges() expects error_rate to be a probability between 0 and 1, "
            f"got error_rate={error_rate!r}"
        )
    specs = resolve_tools(tools, "tool_exchanges")
    check_locale(locale, "tool_exchanges")
    node = _ToolExchanges(specs, float(error_rate), locale)
    kwargs = {"error_rate": error_rate} if error_rate else {}
    kwargs.update(_locale_kwargs(locale))
    return _bless(node, ("tool_exchanges", (tools,), kwargs))


def tool_call_record(call: ToolCall) -> dict[str, Any]:
    """The OpenAI / seed shape of a call: ``{"id", "type": "function", "function":
    {"name", "arguments": <JSON string>}}``."""
    return {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": dumps(call.arguments)},
    }
