"""One entry point for every agent data type: ``payload_generator(data_type, ...)``.

It validates the seed-style ``constraints`` (values may be strings, as they come from a
command line), picks the generator for the data type, and returns a ``Gen[dict]`` whose
records are the payloads *without* ``index`` (the dataset runner and
:class:`synth.DataGenerator` add ``{"index": i, **payload}``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import orjson

from synth.compilers.template import DEFAULT_REFERENCE_TIME
from synth.core.errors import InvalidArgument
from synth.core.gen import Gen

if TYPE_CHECKING:
    from synth.agents.conversation import ConversationTemplate

# The modules of each data type (templates, exporters, the sentence bank, cattrs models,
# Faker) are imported by the builders that use them, so that a command making one type
# (``synth generate --type text``) loads only what that type needs.

__all__ = [
    "CONSTRAINTS",
    "DATA_TYPES",
    "Constraint",
    "MAX_SENTENCES",
    "MAX_STEPS",
    "check_template_export",
    "check_user_templates",
    "list_templates",
    "list_tools",
    "parse_constraints",
    "payload_generator",
    "uses_tools",
]

DATA_TYPES = ("text", "json", "conversation", "tool_call", "agent_trace")
_ALL = DATA_TYPES


@attrs.frozen
class Constraint:
    """A constraint key: its value type, the data types it applies to, and its meaning."""

    name: str
    kind: str  # "int", "probability", "str", "names", "datetime"
    applies_to: tuple[str, ...]
    default: Any
    doc: str


CONSTRAINTS: dict[str, Constraint] = {
    c.name: c
    for c in (
        Constraint("min_sentences", "int", ("text",), 1, "fewest sentences per text"),
        Constraint("max_sentences", "int", ("text",), 5, "most sentences per text"),
        Constraint(
            "template", "str", ("conversation",), "customer_support", "conversation template"
        ),
        Constraint("tool", "names", ("tool_call",), None, "tool(s) to call (default search)"),
        Constraint(
            "tools", "names", ("conversation", "agent_trace"), None, "tools the agent may call"
        ),
        Constraint(
            "success_rate",
            "probability",
            ("agent_trace", "conversation"),
            0.8,
            "share of traces (and tool_use conversations) that succeed",
        ),
        Constraint(
            "min_steps", "int", ("agent_trace", "conversation"), 2, "fewest tool calls per trace"
        ),
        Constraint(
            "max_steps", "int", ("agent_trace", "conversation"), 6, "most tool calls per trace"
        ),
        Constraint(
            "reference_time",
            "datetime",
            ("json", "agent_trace", "conversation"),
            None,
            "the 'now' dates count from (ISO 8601)",
        ),
        Constraint(
            "locale",
            "str",
            _ALL,
            "en_US",
            "Faker locale of the people and places (names, emails, cities); not for text",
        ),
        Constraint("export", "str", _ALL, "native", "record format: native, openai, sharegpt"),
    )
}


#: Tool calls of a tool_use conversation when min_steps and max_steps are not given (the
#: defaults in CONSTRAINTS are those of agent traces).
CONVERSATION_STEPS = (1, 3)

#: The most tool calls a trace (or a tool_use conversation) makes: ``synth.agents.trace``'s
#: ``MAX_STEPS_LIMIT``, repeated here so that checking constraints does not load traces.
MAX_STEPS = 50
#: The most sentences a text record has: ``synth.agents.text.MAX_SENTENCES``, repeated here
#: for the same reason.
MAX_SENTENCES = 10_000


def _did_you_mean(value: str, valid: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, list(dict.fromkeys(valid)), n=3, cutoff=0.5)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def _check_data_type(data_type: Any) -> str:
    value = getattr(data_type, "value", data_type)
    if value not in DATA_TYPES:
        raise InvalidArgument(
            f"unknown data_type {value!r}{_did_you_mean(str(value), DATA_TYPES)} "
            f"(valid: {', '.join(DATA_TYPES)})"
        )
    return str(value)


def _coerce(c: Constraint, value: Any) -> Any:
    where = f"constraint {c.name}"
    if c.kind == "int":
        if isinstance(value, bool):
            raise InvalidArgument(f"{where} expects an integer, got {value!r}")
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise InvalidArgument(f"{where} expects an integer, got {value!r}") from None
        if not isinstance(value, int) or value < 0:
            raise InvalidArgument(f"{where} expects a non-negative integer, got {value!r}")
        return value
    if c.kind == "probability":
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise InvalidArgument(
                    f"{where} expects a number from 0 to 1, got {value!r}"
                ) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise InvalidArgument(f"{where} expects a number from 0 to 1, got {value!r}")
        return float(value)
    if c.kind == "names":
        if isinstance(value, str):
            names = [v.strip() for v in value.split(",") if v.strip()]
        elif isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
            names = list(value)
        else:
            raise InvalidArgument(
                f"{where} expects a name or a comma-separated list of names, got {value!r}"
            )
        if not names:
            raise InvalidArgument(f"{where} expects at least one name, got {value!r}")
        return tuple(names)
    if c.kind == "datetime":
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                raise InvalidArgument(
                    f"{where} expects an ISO 8601 datetime such as 2025-01-01T12:00:00Z, "
                    f"got {value!r}"
                ) from None
        if not isinstance(value, dt.datetime):
            raise InvalidArgument(f"{where} expects a datetime, got {value!r}")
        # A naive time is taken as UTC, so every time drawn from it carries its zone.
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if not isinstance(value, str):
        raise InvalidArgument(f"{where} expects a text, got {value!r}")
    return value


def parse_constraints(data_type: Any, constraints: Mapping[str, Any] | None) -> dict[str, Any]:
    """Validate and coerce seed-style constraints; every known key gets its default.

    Unknown keys and keys of another data type raise ``InvalidArgument`` listing the
    valid ones, with close matches.
    """
    kind = _check_data_type(data_type)
    valid = [name for name, c in CONSTRAINTS.items() if kind in c.applies_to]
    if constraints is not None and not isinstance(constraints, Mapping):
        raise InvalidArgument(
            f"constraints must be a mapping of key to value, got {constraints!r} "
            f"(type={type(constraints).__name__})"
        )
    out = {name: CONSTRAINTS[name].default for name in valid}
    for key, value in (constraints or {}).items():
        if key not in valid:
            other = CONSTRAINTS.get(key)
            if other is not None:
                raise InvalidArgument(
                    f"constraint {key} does not apply to data_type {kind!r} (it applies to "
                    f"{', '.join(other.applies_to)}); valid for {kind}: {', '.join(valid)}"
                )
            raise InvalidArgument(
                f"unknown constraint {key!r} for data_type {kind!r}"
                f"{_did_you_mean(str(key), valid)} (valid: {', '.join(valid)})"
            )
        out[key] = _coerce(CONSTRAINTS[key], value)
    if kind == "conversation":
        # A tool_use conversation makes 1 to 3 calls unless told otherwise; a bound given
        # alone keeps the range non-empty (min_steps=5 alone means 5 to 5, not an error).
        given = constraints or {}
        lo, hi = CONVERSATION_STEPS
        if "min_steps" not in given:
            out["min_steps"] = lo
        if "max_steps" not in given:
            out["max_steps"] = max(hi, out["min_steps"])
    for name in ("min_sentences", "max_sentences"):
        if name in out and out[name] > MAX_SENTENCES:
            raise InvalidArgument(
                f"constraint {name} expects an integer from 0 to {MAX_SENTENCES} (a paragraph "
                f"of that many sentences is about 1 MB), got {name}={out[name]}; for more "
                "text, generate more records"
            )
    for name in ("min_steps", "max_steps"):
        if name in out and not 1 <= out[name] <= MAX_STEPS:
            raise InvalidArgument(
                f"constraint {name} expects an integer from 1 to {MAX_STEPS} (tool calls per "
                f"trace), got {name}={out[name]!r}"
            )
    for lo, hi in (("min_sentences", "max_sentences"), ("min_steps", "max_steps")):
        if lo in out and out[lo] > out[hi]:
            raise InvalidArgument(
                f"constraint {lo}={out[lo]} is greater than {hi}={out[hi]}; {lo} must be <= {hi}"
            )
    if kind == "conversation":
        # constraint tools with another template is refused
        uses_tools(out, None, template_given="template" in (constraints or {}))
    _check_locale(out["locale"])
    _check_locale_applies(kind, out)
    if out["export"] != "native":  # "native" is always valid: skip loading the exporters
        from synth.agents.export import check_export

        check_export(out["export"])
    if kind in ("text", "json") and out["export"] != "native":
        raise InvalidArgument(
            f"export={out['export']!r} applies to conversation, tool_call and agent_trace; "
            f"{kind} records have only the native shape"
        )
    return out


def _check_locale(locale: str) -> None:
    """Reject a locale Faker does not have, whatever the data type (en_US, the default, is
    known without loading Faker)."""
    if locale == "en_US":
        return
    from synth.providers.faker import available_locales

    locales = available_locales()
    if locale not in locales:
        raise InvalidArgument(
            f"unknown locale {locale!r}{_did_you_mean(locale, locales)} (valid: the Faker "
            "locales, e.g. en_US, de_DE, fr_FR; see synth.available_locales())"
        )


# -- templates and tools ----------------------------------------------------------------------

TemplatesArg = str | os.PathLike[str] | Mapping[str, Any] | None


def _template_table(templates: TemplatesArg) -> dict[str, ConversationTemplate]:
    from synth.agents.conversation import ConversationTemplate, builtin_templates, load_templates

    table = builtin_templates()
    if templates is None:
        return table
    if isinstance(templates, Mapping) and all(
        isinstance(v, ConversationTemplate) for v in templates.values()
    ):
        table.update(templates)
    else:
        table.update(load_templates(templates))
    return table


def check_template_name(name: str, templates: TemplatesArg = None) -> ConversationTemplate | None:
    """The template called ``name`` (``None`` for ``tool_use``), or ``InvalidArgument``."""
    table = _template_table(templates)
    if name == TOOL_USE:
        return None
    if name not in table:
        valid = [*table, TOOL_USE]
        raise InvalidArgument(
            f"unknown template {name!r}{_did_you_mean(name, valid)} (valid: {', '.join(valid)})"
        )
    return table[name]


def check_user_templates(templates: TemplatesArg, opts: Mapping[str, Any]) -> None:
    """Compile every placeholder of the user's ``templates`` now, so that an unknown name is
    a :class:`~synth.TemplateError` (with line:col and the closest names) when a
    configuration is built rather than when it generates. ``opts`` are parsed constraints
    (their ``locale`` and ``reference_time`` choose the registry the names resolve in)."""
    from synth.agents.conversation import (
        ConversationTemplate,
        _compile_scenarios,
        agent_registry,
        load_templates,
    )

    if isinstance(templates, Mapping) and all(
        isinstance(v, ConversationTemplate) for v in templates.values()
    ):
        table = dict(templates)
    else:
        table = load_templates(templates)
    registry = agent_registry(
        opts.get("locale", "en_US"), opts.get("reference_time") or DEFAULT_REFERENCE_TIME
    )
    for template in table.values():
        _compile_scenarios(template, registry)


def check_template_export(template: ConversationTemplate, export: str) -> None:
    """The OpenAI format needs every ``tool`` turn to answer an assistant's tool call, and
    template turns carry no calls: a template with a ``tool`` turn is refused for
    ``export="openai"``, naming the turn."""
    if export != "openai":
        return
    for s, scenario in enumerate(template.scenarios):
        for i, turn in enumerate(scenario.turns):
            if turn.role == "tool":
                where = f"template {template.name!r}" + (
                    f" scenario {s}" if len(template.scenarios) > 1 else ""
                )
                raise InvalidArgument(
                    f"export openai: {where} turn {i} has role 'tool', but template turns "
                    "make no tool calls for it to answer; use template=tool_use for "
                    "conversations with tool calls, or export native or sharegpt"
                )


def check_tool_names(names: Sequence[str], tools: Any = None) -> tuple[Any, ...]:
    """The tool specs called ``names`` (keys or function names), or ``InvalidArgument``."""
    return _tools_named(names, _tool_table(tools))


def list_templates(templates: TemplatesArg = None) -> dict[str, dict[str, Any]]:
    """Conversation templates by name: ``{"turns": n, "description": ..., "scenarios": k}``."""
    table: dict[str, dict[str, Any]] = {
        name: {
            "turns": t.turn_count,
            "description": t.description,
            "scenarios": len(t.scenarios),
        }
        for name, t in _template_table(templates).items()
    }
    # system + user + (assistant call + tool answer) per call + final answer; 1-3 calls.
    table[TOOL_USE] = {
        "turns": "5-9",
        "description": "The assistant calls tools (constraint tools) and each tool answers "
        "(1 to 3 calls; min_steps and max_steps change that).",
        "scenarios": 0,
    }
    return table


def list_tools(tools: Any = None) -> dict[str, str]:
    """Tool keys and the function each calls: ``{"search": "web_search", ...}``.

    With ``tools`` (definitions or a file, as ``payload_generator`` takes them), the user's
    tools are listed too, under their own names.
    """
    return {key: spec.name for key, spec in _tool_table(tools).items()}


def _tool_table(tools: Any) -> dict[str, Any]:
    """Built-in tools by key, then the user's tools by name."""
    from synth.agents.tools import BUILTIN_TOOLS, load_tools

    table = dict(BUILTIN_TOOLS)
    if tools is not None:
        for spec in load_tools(tools):
            table[spec.name] = spec
    return table


def _tools_named(names: Sequence[str], table: Mapping[str, Any]) -> tuple[Any, ...]:
    by_function = {spec.name: spec for spec in table.values()}
    out = []
    for name in names:
        spec = table.get(name) or by_function.get(name)
        if spec is None:
            valid = list(table)
            raise InvalidArgument(
                f"unknown tool {name!r}{_suggest_tools(name, table)} (valid: {', '.join(valid)})"
            )
        if spec not in out:
            out.append(spec)
    return tuple(out)


def _suggest_tools(name: str, table: Mapping[str, Any]) -> str:
    """Close names among tool keys and function names, one per tool (``search`` and its
    function ``web_search`` name the same tool; a user tool's key is its function name)."""
    names = dict(table)
    for spec in table.values():
        names.setdefault(spec.name, spec)
    close = difflib.get_close_matches(name, list(names), n=6, cutoff=0.5)
    seen: list[Any] = []
    picked = []
    for candidate in close:
        if names[candidate] not in seen:
            seen.append(names[candidate])
            picked.append(candidate)
    return f"; did you mean {', '.join(repr(c) for c in picked[:3])}?" if picked else ""


# -- the entry point ----------------------------------------------------------------------------


def payload_generator(
    data_type: Any,
    *,
    constraints: Mapping[str, Any] | None = None,
    schema: Mapping[str, Any] | None = None,
    tools: Any = None,
    templates: TemplatesArg = None,
    export: str = "native",
    locale: str = "en_US",
) -> Gen[dict[str, Any]]:
    """A generator of payloads for ``data_type`` (records without ``index``).

    ``constraints`` are the seed's keys (``min_sentences``, ``max_sentences``,
    ``template``, ``tool``) plus ``tools``, ``success_rate``,
    ``min_steps``, ``max_steps``, ``reference_time``, ``locale`` and ``export`` (which
    override the keyword arguments of the same name). ``schema`` makes ``json`` records
    follow a JSON Schema; ``tools`` adds tool definitions (an OpenAI ``tools`` list, MCP
    tools, or a path to a JSON or YAML file of either); ``templates`` adds conversation templates
    (a mapping or a path to a JSON, TOML or YAML file). Bad values raise
    ``InvalidArgument`` listing the valid ones.
    """
    kind = _check_data_type(data_type)
    if tools is None and templates is None:
        # Generators are immutable values: the same arguments give the same tree, so
        # reuse it (building one compiles templates and tables, up to tens of ms).
        try:
            key = orjson.dumps(
                [kind, constraints, schema, export, locale],
                option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
            )
        except TypeError:
            key = None
        if key is not None:
            cached = _CACHE.get(key)
            if cached is None:
                cached = _build(kind, constraints, schema, None, None, export, locale)
                if len(_CACHE) >= 64:
                    _CACHE.clear()
                _CACHE[key] = cached
            return cached
    return _build(kind, constraints, schema, tools, templates, export, locale)


_CACHE: dict[bytes, Gen[dict[str, Any]]] = {}


def _build(
    kind: str,
    constraints: Mapping[str, Any] | None,
    schema: Mapping[str, Any] | None,
    tools: Any,
    templates: TemplatesArg,
    export: str,
    locale: str,
) -> Gen[dict[str, Any]]:
    merged = {"export": export, "locale": locale, **dict(constraints or {})}
    opts = parse_constraints(kind, merged)
    if schema is not None and kind != "json":
        raise InvalidArgument(
            f"schema applies to data_type 'json', not {kind!r}; remove it or use --type json"
        )
    reference = opts.get("reference_time") or DEFAULT_REFERENCE_TIME

    def registry() -> Any:
        # Built only when a template looks names up (conversations, free-form JSON): text,
        # tool calls, traces and schema-driven JSON skip building it.
        from synth.agents.conversation import agent_registry

        return agent_registry(opts["locale"], reference)

    build = _BUILDERS[kind]
    return build(
        opts,
        schema=schema,
        tools=tools,
        templates=templates,
        registry=registry,
        template_given="template" in (constraints or {}),
    )


def _text(opts: dict[str, Any], **_: Any) -> Gen[dict[str, Any]]:
    from synth.agents.text import text_records

    return text_records(opts["min_sentences"], opts["max_sentences"])


def _json(opts: dict[str, Any], *, schema: Any, registry: Any, **_: Any) -> Gen[dict[str, Any]]:
    if schema is None:
        from synth.agents.records import free_records

        reference = opts.get("reference_time") or DEFAULT_REFERENCE_TIME
        return free_records(registry=registry(), reference_time=reference)
    if not isinstance(schema, Mapping):
        raise InvalidArgument(f"schema must be a JSON object (a dict), got {type(schema).__name__}")
    try:
        from synth.schema import from_schema
    except ImportError:
        raise InvalidArgument("JSON Schema support (synth.schema) is not available") from None
    gen = from_schema(schema)
    return gen


def _conversation(
    opts: dict[str, Any],
    *,
    templates: TemplatesArg,
    registry: Any,
    tools: Any,
    template_given: bool = False,
    **_: Any,
) -> Gen[dict[str, Any]]:
    from synth.agents.conversation import conversations, native_conversations
    from synth.agents.export import conversation_exporter

    exporter = conversation_exporter(opts["export"])
    name = opts["template"]
    if uses_tools(opts, tools, template_given=template_given):
        return tool_use_conversations(_trace_options(opts, tools, registry)).map(exporter)
    template = check_template_name(name, templates)
    assert template is not None
    check_template_export(template, opts["export"])
    if opts["export"] == "native":
        return native_conversations(template, registry=registry())
    return conversations(template, registry=registry()).map(exporter)


#: The template name of conversations in which the assistant calls tools.
TOOL_USE = "tool_use"


def _check_locale_applies(kind: str, opts: Mapping[str, Any]) -> None:
    """A locale other than en_US only where it changes something: the people and places
    of json records, conversations, tool calls and traces. Text is synth's own English
    sentences, with no one in them, and ignoring the locale silently would hide that."""
    if opts["locale"] != "en_US" and kind == "text":
        raise InvalidArgument(
            f"locale={opts['locale']!r} has no effect on text data: its sentences are "
            "synth's own English text, with no names or places in it (locale applies to "
            "the people and places of json, conversation, tool_call and agent_trace "
            "data); leave the locale at en_US"
        )


def uses_tools(opts: Mapping[str, Any], tools: Any, *, template_given: bool = False) -> bool:
    """Whether conversations of these parsed constraints are ``tool_use`` ones: the template
    says so, or tools are given (constraint ``tools``, or tool definitions ``tools``) and
    no template was asked for (``template_given``: the constraint was set, even to the
    default). Tools with another template are refused: its turns make no calls, and
    dropping the tools (or the template) silently would hide the mistake."""
    name = opts["template"]
    if name == TOOL_USE:
        return True
    if opts.get("tools") is None and tools is None:
        return False
    if template_given or name != CONSTRAINTS["template"].default:
        given = "constraint tools" if opts.get("tools") is not None else "tool definitions"
        raise InvalidArgument(
            f"{given} apply to the template {TOOL_USE!r}, not {name!r} (its turns make no "
            f"tool calls); use template={TOOL_USE} (or drop the tools)"
        )
    return True


def _trace_options(opts: dict[str, Any], tools: Any, registry: Any) -> dict[str, Any]:
    table = _tool_table(tools)
    if opts["tools"] is not None:
        specs = _tools_named(opts["tools"], table)
    elif tools is not None:
        specs = tuple(load_user_tools(tools))
    else:
        specs = None
    if specs is not None and opts["export"] == "openai":
        from synth.agents.export import check_openai_tool_names

        check_openai_tool_names(specs)
    out: dict[str, Any] = {
        "tools": specs,
        "success_rate": opts["success_rate"],
        "min_steps": opts["min_steps"],
        "max_steps": opts["max_steps"],
    }
    if opts["locale"] != "en_US":
        out["locale"] = opts["locale"]
    if opts.get("reference_time") is not None:
        out["start"] = opts["reference_time"]
    return out


def load_user_tools(tools: Any) -> tuple[Any, ...]:
    """The user's tool definitions as ToolSpecs."""
    from synth.agents.tools import load_tools

    return load_tools(tools)


def tool_use_conversations(options: Mapping[str, Any]) -> Gen[Any]:
    """Conversations in which the assistant calls tools and each tool answers its call.

    Built from an agent trace: system prompt, the user's request, assistant turns that
    carry a thought and a tool call, the tool's answer to that call, and the final answer.
    """
    from synth.agents.models import Conversation
    from synth.agents.trace import trace_to_messages, traces

    def to_conversation(trace: Any) -> Conversation:
        return Conversation(trace_to_messages(trace), trace.tools)

    return traces(**options).map(to_conversation)


def _tool_call(opts: dict[str, Any], *, tools: Any, **_: Any) -> Gen[dict[str, Any]]:
    from synth.agents.export import tool_call_exporter
    from synth.agents.tools import tool_call_records

    table = _tool_table(tools)
    if opts["tool"] is not None:
        specs = _tools_named(opts["tool"], table)
    elif tools is not None:
        specs = load_user_tools(tools)
    else:
        specs = (table["search"],)
    locale = opts["locale"]
    if opts["export"] == "native":
        # the same records, drawn directly
        return tool_call_records(list(specs), locale=locale)
    from synth.agents.trace import requested_tool_calls

    exporter = tool_call_exporter(opts["export"], specs)
    return requested_tool_calls(list(specs), locale=locale).map(exporter)


def _agent_trace(
    opts: dict[str, Any], *, tools: Any, registry: Any, **_: Any
) -> Gen[dict[str, Any]]:
    from synth.agents.export import trace_exporter
    from synth.agents.trace import trace_records, traces

    options = _trace_options(opts, tools, registry)
    if options["tools"] is None:
        del options["tools"]
    if opts["export"] == "native":
        return trace_records(**options)  # the same records, drawn directly
    return traces(**options).map(trace_exporter(opts["export"]))


_BUILDERS: dict[str, Callable[..., Gen[dict[str, Any]]]] = {
    "text": _text,
    "json": _json,
    "conversation": _conversation,
    "tool_call": _tool_call,
    "agent_trace": _agent_trace,
}
