"""Behaviour of a tool the user defines: arguments from its parameter schema.

Arguments come from ``synth.from_schema(spec.parameters)``, so they validate by
construction. On top of that, top-level properties with well-known names (``email``,
``to``, ``path``, ``query``, ``url``, ``city``, ``limit``, ...) get realistic values from
synth's own vocabularies, but only where the schema makes that provably safe: the object
has no keyword that ties properties together (``if``, ``dependentSchemas``, ``allOf``, ...),
the property's own schema uses only simple keywords, and the drawn value is checked against
its length and range bounds before it replaces the schema's value.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from synth.agents._behaviour import Behaviour, Outcome, dumps, error_content
from synth.agents._builtin import People, WebSearch
from synth.agents._draw import below, cap, chooser, load_data, weighted_chooser
from synth.agents.models import ToolSpec
from synth.core.gen import Gen

__all__ = ["UserTool", "compile_output", "compile_parameters"]

# Object keywords that leave each declared property's value free to be any instance of
# its own subschema.
_SAFE_OBJECT_KEYS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "description",
        "title",
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "definitions",
        "default",
        "examples",
        "minProperties",
        "maxProperties",
    }
)
_STRING_KEYS = frozenset(
    {"type", "description", "title", "default", "examples", "minLength", "maxLength", "format"}
)
_ARRAY_KEYS = frozenset(
    {
        "type",
        "description",
        "title",
        "default",
        "examples",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
    }
)
_INT_KEYS = frozenset({"type", "description", "title", "default", "examples", "minimum", "maximum"})

_EMAIL_NAME = re.compile(
    r"^(to|cc|bcc|recipients?|sender|from_email|reply_to|(.*_)?e?mails?(_address(es)?)?)$"
)
_PATH_NAME = re.compile(r"^(path|file_?path|file|directory|dir|folder|(.*_)?(path|dir))$")
_QUERY_NAME = re.compile(r"^(q|query|search_query|search_term|keywords?|question)$")
_SQL_NAME = re.compile(r"^(sql|sql_query|statement)$")
_URL_NAME = re.compile(r"^(url|uri|link|website|homepage|(.*_)url)$")
_LIMIT_NAME = re.compile(r"^(limit|num_results|max_results|top_k|page_size|n_results|count)$")


#: Keywords of a parameter schema that say nothing about which arguments a call has.
_ANNOTATIONS = frozenset(
    {"type", "properties", "required", "description", "title", "$schema", "$id", "$comment"}
)


def compile_parameters(spec: ToolSpec) -> Gen[Any]:
    """``synth.from_schema(spec.parameters)``: compiling checks the schema, and its errors
    carry the JSON Pointer of the offending subschema.

    A tool that declares no arguments (no ``parameters`` / ``inputSchema``, or an object
    schema without properties, requirements or other keywords) is called with ``{}``: its
    schema allows any object, but a call inventing undeclared arguments is garbage.
    """
    from synth.schema import from_schema

    params = spec.parameters
    if (
        set(params) <= _ANNOTATIONS
        and not params.get("properties")
        and not params.get("required")
        and params.get("type", "object") == "object"
    ):
        return from_schema({**params, "additionalProperties": False})
    return from_schema(params)


def compile_output(spec: ToolSpec) -> Gen[Any] | None:
    """``synth.from_schema(spec.output_schema)`` (an MCP ``outputSchema``), or None."""
    if spec.output_schema is None:
        return None
    from synth.schema import from_schema

    return from_schema(spec.output_schema)


def _types(schema: dict[str, Any]) -> set[str]:
    t = schema.get("type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return set(t)
    return set()


def _fits_string(schema: dict[str, Any], fmt: str | None) -> Callable[[str], bool] | None:
    """A length check for string values when ``schema`` accepts any string of our kind."""
    if not set(schema) <= _STRING_KEYS or "string" not in _types(schema):
        return None
    if "format" in schema and schema["format"] != fmt:
        return None
    lo, hi = schema.get("minLength", 0), schema.get("maxLength")
    if not isinstance(lo, int) or (hi is not None and not isinstance(hi, int)):
        return None
    if hi is None:
        return lambda v: len(v) >= lo
    return lambda v: lo <= len(v) <= hi


class _Vocabulary:
    """Realistic values for well-known argument names."""

    def __init__(self) -> None:
        self.people = People()
        self.search = WebSearch(ToolSpec("web_search"))
        self.cities = chooser(load_data("search.json")["categories"]["local"]["topics"])
        files = load_data("files.json")
        self.files = chooser([entry[0] for entry in files["read_files"]])
        email = load_data("email.json")
        self.subjects = chooser(
            [s for p in email["purposes"] for s in p["subjects"] if "{" not in s]
            + ["Quick question", "Meeting notes", "Status update", "Re: contract renewal"]
        )
        self.sql = chooser(
            [
                "SELECT id, name, email FROM customers WHERE country = 'DE' LIMIT 10",
                "SELECT status, COUNT(*) AS count FROM orders GROUP BY status",
                "SELECT id, total FROM orders ORDER BY created_at DESC LIMIT 5",
                "SELECT SUM(amount) AS total FROM invoices WHERE status = 'overdue'",
            ]
        )

    def email(self, rng: random.Random) -> str:
        return self.people.person(rng)[2]

    def path(self, rng: random.Random) -> str:
        _, user = self.people.first(rng)
        project = self.people.project(rng)
        return f"/home/{user}/projects/{project}/{self.files(rng)}"

    def query(self, rng: random.Random) -> str:
        return self.search.call(rng)[0]["query"]

    def url(self, rng: random.Random) -> str:
        return f"https://www.{self.people.domain(rng)}/{self.people.project(rng)}"


@cache
def _vocabulary() -> _Vocabulary:
    return _Vocabulary()


def _override(name: str, schema: Any) -> Callable[[random.Random], Any] | None:
    """A draw function giving a realistic value for property ``name``, or None."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return None
    voc = _vocabulary()
    lname = name.lower()
    types = _types(schema)
    if "string" in types:
        table = (
            (_EMAIL_NAME, voc.email, "email"),
            (_PATH_NAME, voc.path, None),
            (_SQL_NAME, voc.sql, None),
            (_QUERY_NAME, voc.query, None),
            (_URL_NAME, voc.url, "uri"),
            (re.compile(r"^(city|location|destination)$"), voc.cities, None),
            (re.compile(r"^(subject|title)$"), voc.subjects, None),
        )
        for pattern, draw, fmt in table:
            if pattern.match(lname):
                fits = _fits_string(schema, fmt)
                if fits is None:
                    return None
                return lambda rng, draw=draw, fits=fits: _checked(draw(rng), fits)
        return None
    if "array" in types and _EMAIL_NAME.match(lname) and set(schema) <= _ARRAY_KEYS:
        items = schema.get("items", {})
        fits = _fits_string(items, "email") if isinstance(items, dict) else None
        lo, hi = schema.get("minItems", 1), schema.get("maxItems")
        if (
            fits is None
            or not isinstance(lo, int)
            or lo > 10
            or (hi is not None and not isinstance(hi, int))
        ):
            return None
        lo = max(lo, 1) if hi is None or hi >= 1 else 0
        top = min(hi if hi is not None else lo + 2, lo + 2)
        if top < lo:
            return None

        def addresses(rng: random.Random) -> Any:
            k = lo + below(rng, top - lo + 1)
            out = [p[2] for p in voc.people.people(rng, k)]
            return out if all(fits(a) for a in out) else _REJECT

        return addresses
    if types & {"integer", "number"} and _LIMIT_NAME.match(lname) and set(schema) <= _INT_KEYS:
        lo, hi = schema.get("minimum"), schema.get("maximum")
        default = schema.get("default")
        weights = {5: 40, 10: 30, 3: 10, 20: 10, 1: 5, 50: 5}
        if isinstance(default, int) and not isinstance(default, bool):
            weights[default] = weights.get(default, 0) + 60  # near the default, mostly on it
        fitting = [
            (v, w)
            for v, w in weights.items()
            if (lo is None or v >= lo) and (hi is None or v <= hi)
        ]
        return weighted_chooser(fitting) if fitting else None
    return None


_REJECT = object()


def _checked(value: str, fits: Callable[[str], bool]) -> Any:
    return value if fits(value) else _REJECT


def _object_overrides(
    params: dict[str, Any],
) -> tuple[tuple[str, Callable[[random.Random], Any]], ...]:
    if not set(params) <= _SAFE_OBJECT_KEYS or not isinstance(params.get("properties"), dict):
        return ()
    out = []
    for name, sub in params["properties"].items():
        draw = _override(name, sub)
        if draw is not None:
            out.append((name, draw))
    return tuple(out)


class UserTool(Behaviour):
    """Calls drawn from the parameter schema, with realistic values for known names."""

    latency_ms = (40, 1800)

    def __init__(self, spec: ToolSpec) -> None:
        super().__init__(spec)
        self.args = compile_parameters(spec)._fn
        output = compile_output(spec)
        self.output = None if output is None else output._fn
        self.overrides = _object_overrides(spec.parameters)
        sentence = spec.description.strip().split(". ")[0].rstrip(".")
        self.purpose = (sentence[:1].lower() + sentence[1:]) if sentence else f"use {spec.name}"

    def call(self, rng: random.Random) -> tuple[dict[str, Any], Any]:
        args = self.args(rng)
        for name, draw in self.overrides:
            if name in args:
                value = draw(rng)
                if value is not _REJECT:
                    args[name] = value
        return args, None

    def bad_call(self, rng: random.Random) -> tuple[dict[str, Any], Any, str]:
        args, ctx = self.call(rng)
        if args:
            key = next(iter(args))
            return args, ctx, f"invalid value for '{key}': rejected by {self.name}"
        return args, ctx, f"{self.name} rejected the request: missing required context"

    def intent(self, args: dict[str, Any], ctx: Any) -> str:
        shown = [
            (k, v)
            for k, v in args.items()
            if isinstance(v, (str, int, float)) and not isinstance(v, bool)
        ]
        if shown:
            k, v = shown[0]
            text = v if isinstance(v, str) else str(v)
            if len(text) > 60:
                text = text[:57] + "..."
            return f"{self.purpose} ({k}: {text})"
        return self.purpose

    def result(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> tuple[str, Outcome]:
        if self.output is not None:
            # The structured result of an MCP tool with an outputSchema, as JSON text.
            content = dumps(self.output(rng))
            return content, Outcome(
                note=f"{self.name} returned {_summary(content)}.",
                answer=f"{cap(self.purpose)}: {self.name} returned {_summary(content)}.",
                wrong=f"{self.name} returned nothing useful.",
            )
        request = "req_" + f"{rng.getrandbits(48):012x}"
        content = dumps({"status": "ok", "tool": self.name, "request_id": request, "input": args})
        outcome = Outcome(
            note=f"{self.name} completed successfully (request {request}).",
            answer=f"{cap(self.purpose)}: done (request {request}).",
            wrong=f"{self.name} reported that the request failed.",
        )
        return content, outcome

    def error(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> str:
        kind, message = (
            ("ServiceUnavailable", f"{self.name} is temporarily unavailable (HTTP 503)"),
            ("InternalError", f"{self.name} failed with an internal error (HTTP 500)"),
            ("RateLimited", f"too many requests to {self.name}; retry after 30 s"),
        )[below(rng, 3)]
        return error_content(kind, message)


def _summary(content: str) -> str:
    """A short quote of a JSON result for the agent's notes."""
    return content if len(content) <= 80 else content[:77] + "..."
