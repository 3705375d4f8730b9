"""Behaviour of a tool the user defines: arguments from its parameter schema.

Arguments come from ``synth.from_schema(spec.parameters)``, so they validate by
construction. On top of that, top-level properties with well-known names (``email``,
``to``, ``path``, ``query``, ``url``, ``city``, ``limit``, ...) get realistic values from
synth's own vocabularies, and well-known quantities (``temperature``, ``humidity``,
``price``, ``latitude``, ...) numbers in their usual range; the same goes for the properties
of nested objects and arrays of objects, and for the results an MCP ``outputSchema`` shapes.
This is done only where the schema makes it provably safe: the object has no keyword that
ties properties together (``if``, ``dependentSchemas``, ``allOf``, ...), the property's own
schema uses only simple keywords, and the drawn value is checked against its length and
range bounds before it replaces the schema's value.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from synth.agents._behaviour import Behaviour, Outcome, dumps, error_content
from synth.agents._builtin import REFERENCE_DATE, People, WebSearch
from synth.agents._draw import below, cap, chooser, load_data, weighted_chooser
from synth.agents.models import ToolSpec
from synth.agents.text import sentence_bank
from synth.core.gen import Gen
from synth.schema.realistic import realistic_lengths, realistic_range

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
_LIMIT_NAME = re.compile(
    r"^(limit|num_results|max_results|top_k|page_size|per_page|n_results|count)$"
)


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


def _echoed(
    parameters: dict[str, Any], output_schema: dict[str, Any] | None
) -> tuple[tuple[str, Callable[[Any], bool]], ...]:
    """The properties a result shares with its call's arguments (the ``ticker`` asked
    about, the ``state`` an issue was set to), each with a check that the argument's value
    is valid where the result holds it: a result echoes those values."""
    if not isinstance(output_schema, dict):
        return ()
    given, returned = parameters.get("properties"), output_schema.get("properties")
    if not isinstance(given, dict) or not isinstance(returned, dict):
        return ()
    shared = [k for k in returned if k in given and isinstance(returned[k], dict)]
    if not shared:
        return ()
    import jsonschema  # only for tools whose results and calls share properties

    checks = []
    for key in shared:
        sub = returned[key]
        try:
            cls = jsonschema.validators.validator_for(sub)
            cls.check_schema(sub)
        except jsonschema.SchemaError:
            continue
        checks.append((key, cls(sub, format_checker=cls.FORMAT_CHECKER).is_valid))
    return tuple(checks)


def _types(schema: dict[str, Any]) -> set[str]:
    t = schema.get("type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return set(t)
    return set()


def _fits_string(schema: dict[str, Any], fmt: str | None) -> Callable[[str], bool] | None:
    """A check of string values (length, and ``pattern`` as jsonschema applies it: a search)
    when ``schema`` accepts any string of our kind that passes it, else None."""
    if not set(schema) <= _STRING_KEYS | {"pattern"} or "string" not in _types(schema):
        return None
    if "format" in schema and schema["format"] != fmt:
        return None
    lo, hi = schema.get("minLength", 0), schema.get("maxLength")
    if not isinstance(lo, int) or (hi is not None and not isinstance(hi, int)):
        return None
    top = hi if hi is not None else float("inf")
    if "pattern" not in schema:
        return lambda v: lo <= len(v) <= top
    try:
        search = re.compile(schema["pattern"]).search
    except (re.error, TypeError):
        return None
    return lambda v: lo <= len(v) <= top and search(v) is not None


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
        values = load_data("arguments.json")
        self.airports = chooser(values["airports"])
        self.tickers = chooser(values["tickers"])
        self.currencies = chooser(values["currencies"])
        self.timezones = chooser(values["timezones"])
        self.languages = chooser(values["languages"])
        self.categories = chooser(values["categories"])
        self.products = chooser(values["products"])
        self.colors = chooser(values["colors"])
        self.priorities = chooser(values["priorities"])
        self.statuses = chooser(values["statuses"])
        self.channels = chooser(values["channels"])
        self.topics = chooser(values["topics"])
        self.country_codes = chooser(values["country_codes"])
        self.weather = chooser(values["weather_conditions"])
        self.commands = chooser(values["shell_commands"])
        self.meetings = chooser(values["meeting_titles"])
        self.namespaces = chooser(values["namespaces"])
        self.issues = chooser(values["issue_titles"])
        self.orgs = chooser(values["github_orgs"])
        self.sentences = sentence_bank
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

    def directory(self, rng: random.Random) -> str:
        _, user = self.people.first(rng)
        return f"/home/{user}/projects/{self.people.project(rng)}"

    def repo(self, rng: random.Random) -> str:
        return self.people.project(rng)

    def full_repo(self, rng: random.Random) -> str:
        return f"{self.orgs(rng)}/{self.people.project(rng)}"

    def selector(self, rng: random.Random) -> str:
        return f"app={self.people.project(rng)}"

    def slack_ts(self, rng: random.Random) -> str:
        # Slack message timestamps: epoch seconds (in the weeks around the reference date)
        # and six digits
        base = int(dt.datetime.combine(REFERENCE_DATE, dt.time(), dt.UTC).timestamp())
        return f"{base + below(rng, 60 * 86400)}.{below(rng, 1_000_000):06d}"

    def url(self, rng: random.Random) -> str:
        return f"https://www.{self.people.domain(rng)}/{self.people.project(rng)}"

    def phone(self, rng: random.Random) -> str:
        # 555-01xx numbers are reserved for fiction in North America
        return f"+1 {200 + below(rng, 800)}-555-01{below(rng, 100):02d}"

    def message(self, rng: random.Random) -> str:
        bank = self.sentences()
        return " ".join(bank[below(rng, len(bank))] for _ in range(1 + below(rng, 2)))

    def channel(self, rng: random.Random) -> str:
        return "#" + self.channels(rng)

    def identifier(self, rng: random.Random, stem: str) -> str:
        return f"{stem}_{''.join(_ALNUM[below(rng, 62)] for _ in range(10))}"

    def day(self, rng: random.Random) -> str:
        return (REFERENCE_DATE + dt.timedelta(days=1 + below(rng, 90))).isoformat()

    def moment(self, rng: random.Random) -> str:
        return f"{self.day(rng)}T{8 + below(rng, 11):02d}:{15 * below(rng, 4):02d}:00Z"


@cache
def _vocabulary() -> _Vocabulary:
    return _Vocabulary()


def _snake(name: str) -> str:
    """``startTime`` and ``start-time`` -> ``start_time``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).replace("-", "_").lower()


@cache
def _string_table() -> tuple[tuple[Any, Any, Callable[..., str], str | None], ...]:
    """``(name pattern, description pattern, draw, format)`` for string arguments, first
    match wins: what the description says (an IATA code, a ticker) before what the name
    suggests (``destination`` is a city unless described as an airport code)."""
    voc = _vocabulary()
    n, d = re.compile, (lambda p: re.compile(p, re.IGNORECASE))
    return (
        (None, d(r"\biata\b|airport code"), voc.airports, None),
        (None, d(r"\bticker\b|stock symbol"), voc.tickers, None),
        (None, d(r"iso[ -]?4217|currency code"), voc.currencies, None),
        (None, d(r"iso[ -]?3166|country code"), voc.country_codes, None),
        (None, d(r"time ?zone|\biana\b"), voc.timezones, None),
        (None, d(r"language code|iso[ -]?639"), voc.languages, None),
        (None, d(r"phone number"), voc.phone, None),
        (_EMAIL_NAME, None, voc.email, "email"),
        (
            n(r"^(cwd|working_dir|working_directory|workdir|work_dir|directory|dir|folder)$"),
            None,
            voc.directory,
            None,
        ),
        (_PATH_NAME, None, voc.path, None),
        (n(r"^(command|cmd|shell_command|command_line|script)$"), None, voc.commands, None),
        (n(r"^(owner|org|repo_owner)$"), None, voc.orgs, None),
        (n(r"^(repo|repository|repo_name|repository_name)$"), None, voc.repo, None),
        (n(r"^(repo_full_name|repository_full_name)$"), None, voc.full_repo, None),
        (_SQL_NAME, None, voc.sql, None),
        (_QUERY_NAME, None, voc.query, None),
        (_URL_NAME, None, voc.url, "uri"),
        (n(r"^(origin|departure|arrival)(_airport)?$|^airport$"), None, voc.airports, None),
        (n(r"^(city|location|destination|town)$"), None, voc.cities, None),
        (n(r"^(subject|title)$"), None, voc.subjects, None),
        (n(r"^(ticker|symbol|stock|stock_symbol)$"), None, voc.tickers, None),
        (n(r"^(\w+_)?currency(_code)?$"), None, voc.currencies, None),
        (n(r"^(namespace|k8s_namespace|kube_namespace)$"), None, voc.namespaces, None),
        (n(r"^(label_selector|selector)$"), None, voc.selector, None),
        (n(r"^country_code$"), None, voc.country_codes, None),
        (n(r"^(time_?zone|tz)$"), None, voc.timezones, None),
        (n(r"^(language|lang|locale|target_language|source_language)$"), None, voc.languages, None),
        (n(r"^(channel|channel_name|slack_channel)$"), None, voc.channel, None),
        (n(r"^(thread_ts|message_ts|ts)$"), None, voc.slack_ts, None),
        (
            n(r"^(conditions?|weather|sky|weather_(conditions?|description)|forecast)$"),
            d(r"weather conditions?"),
            voc.weather,
            None,
        ),
        (
            n(
                r"^(message|text|body|content|comment|note|notes|reason|feedback|reply|summary|"
                r"description|details|instructions)$"
            ),
            None,
            voc.message,
            None,
        ),
        (n(r"^(category|department|section|genre)$"), None, voc.categories, None),
        (n(r"^(product|product_name|item|item_name|sku_name)$"), None, voc.products, None),
        (n(r"^(colou?r)$"), None, voc.colors, None),
        (n(r"^(priority|severity|urgency)$"), None, voc.priorities, None),
        (n(r"^(status|state)$"), None, voc.statuses, None),
        (n(r"^(topic|tag|label|keyword|project|agenda)$"), None, voc.topics, None),
    )


_DATE_NAME = re.compile(
    r"^(date|day|deadline|check_?in|check_?out|(start|end|due|from|to|departure|return|"
    r"check_in|check_out|birth|event|delivery|travel|meeting)_?(date|day))$"
)
#: Descriptions that spell out a date or a date-time format.
_DATE_DESCRIBED = re.compile(r"\bYYYY-MM-DD\b(?![T ]HH)|\bISO[ -]?8601 date\b(?![- ]?time)", re.I)
_MOMENT_DESCRIBED = re.compile(
    r"\bYYYY-MM-DD[T ]HH|\bISO[ -]?8601 (date[- ]?time|timestamp)|\bRFC[ -]?3339\b", re.I
)
_MOMENT_NAME = re.compile(
    r"^(time|datetime|timestamp|when|(start|end|due|departure|arrival|meeting|event|"
    r"scheduled|remind)_?(time|at|datetime))$"
)
_ID_NAME = re.compile(r"^(id|(\w+)_id)$")
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


#: Titles and queries by what the tool is about: ``(tool pattern, names, vocabulary)``.
_TITLED = (
    (
        re.compile(r"\b(events?|meetings?|calendars?|appointments?)\b", re.IGNORECASE),
        re.compile(r"^(title|summary|subject|event_name|event_title|meeting_title)$"),
        "meetings",
    ),
    (
        re.compile(r"\b(issues?|tickets?|bugs?|incidents?|pull requests?)\b", re.IGNORECASE),
        re.compile(r"^(title|summary|subject|issue_title)$"),
        "issues",
    ),
    (
        re.compile(r"\b(products?|catalog(ue)?|shop|store|inventory)\b", re.IGNORECASE),
        re.compile(r"^(q|query|search_query|search_term|keywords?)$"),
        "products",
    ),
)


def _titled(lname: str, context: str) -> Callable[[random.Random], str] | None:
    """Titles for what the tool makes: an event of a calendar tool is a "Design review",
    an issue of a tracker "CSV export drops the last row" (not an email subject); a product
    search looks for products ("standing desk"), not news."""
    for tool_re, name_re, vocabulary in _TITLED:
        if name_re.match(lname) and tool_re.search(context.replace("_", " ")):
            draw: Callable[[random.Random], str] = getattr(_vocabulary(), vocabulary)
            return draw
    return None


def _override(name: str, schema: Any, context: str = "") -> Callable[[random.Random], Any] | None:
    """A draw function giving a realistic value for property ``name`` of a tool about
    ``context`` (its name and description), or None."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return None
    voc = _vocabulary()
    lname = _snake(name)
    types = _types(schema)
    if "string" in types:
        described = schema.get("description")
        description = described if isinstance(described, str) else ""
        titles = _titled(lname, context)
        if titles is not None:
            fits = _fits_string(schema, None)
            if fits is None:
                return None
            return lambda rng, fits=fits: _checked(titles(rng), fits)
        for name_re, description_re, draw, fmt in _string_table():
            if (name_re is not None and name_re.match(lname)) or (
                description_re is not None and description_re.search(description)
            ):
                fits = _fits_string(schema, fmt)
                if fits is None:
                    return None
                return lambda rng, draw=draw, fits=fits: _checked(draw(rng), fits)
        if (
            schema.get("format") in ("date", "date-time")
            and realistic_lengths(name) is not None
            and not (_DATE_NAME.match(lname) or _MOMENT_NAME.match(lname))
        ):
            # a date_of_birth or created_at is in the past, as the schema compiler makes
            # it, not in the weeks ahead like a booking
            return None
        special: tuple[Callable[[random.Random], str], str | None] | None = None
        if schema.get("format") == "email":
            special = voc.email, "email"
        elif schema.get("format") == "uri":
            special = voc.url, "uri"
        elif schema.get("format") == "date" or (
            "format" not in schema
            and (_DATE_DESCRIBED.search(description) or _DATE_NAME.match(lname))
            and not _MOMENT_DESCRIBED.search(description)
        ):
            special = voc.day, "date"
        elif schema.get("format") == "date-time" or (
            "format" not in schema
            and (_MOMENT_DESCRIBED.search(description) or _MOMENT_NAME.match(lname))
        ):
            special = voc.moment, "date-time"
        elif (m := _ID_NAME.match(lname)) is not None:
            stem = m.group(2) or "id"
            special = (lambda rng, stem=stem: voc.identifier(rng, stem)), None
        if special is not None:
            fits = _fits_string(schema, special[1])
            if fits is None:
                return None
            return lambda rng, draw=special[0], fits=fits: _checked(draw(rng), fits)
        if realistic_lengths(name) is not None:
            return None  # the schema compiler gives names, phones, addresses... already
        # Any other free text: a short phrase rather than random letters.
        fits = _fits_string(schema, None)
        if fits is None or "format" in schema:
            return None
        return lambda rng, fits=fits: _checked(voc.topics(rng), fits)
    items = schema.get("items", {})
    emails = isinstance(items, dict) and items.get("format") == "email"
    if "array" in types and (_EMAIL_NAME.match(lname) or emails) and set(schema) <= _ARRAY_KEYS:
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
    if types & {"integer", "number"} and not _LIMIT_NAME.match(lname) and set(schema) <= _INT_KEYS:
        return _measure(lname, schema, types)
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

_CENTS = re.compile(r"\bcents?\b|smallest (currency )?unit|minor unit", re.IGNORECASE)


def _bound(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _measure(
    lname: str, schema: dict[str, Any], types: set[str]
) -> Callable[[random.Random], Any] | None:
    """A draw of a number in the usual range of the quantity ``lname`` names, within the
    schema's ``minimum``/``maximum``, or None when the name is not a known quantity."""
    known = realistic_range(lname)
    if known is None:
        return None
    lo, hi, decimals = known
    description = schema.get("description")
    if decimals == 2 and isinstance(description, str) and _CENTS.search(description):
        lo, hi, decimals = lo * 100, hi * 100, 0  # an amount in cents is a whole number
    whole = decimals == 0 or "number" not in types
    low, high = _bound(schema.get("minimum")), _bound(schema.get("maximum"))
    if ("minimum" in schema and low is None) or ("maximum" in schema and high is None):
        return None
    lo = max(lo, low) if low is not None else lo
    hi = min(hi, high) if high is not None else hi
    if lo > hi or (whole and math.ceil(lo) > math.floor(hi)):
        return None
    if whole:
        first, size = math.ceil(lo), math.floor(hi) - math.ceil(lo) + 1
        return lambda rng: first + below(rng, size)

    def draw(rng: random.Random) -> Any:
        value = round(lo + rng.random() * (hi - lo), decimals)
        return value if lo <= value <= hi else _REJECT

    return draw


_PLAIN_OBJECT_KEYS = _SAFE_OBJECT_KEYS - {"$schema", "$id", "$defs", "definitions"}


#: Name parts of properties that come in pairs: the second is after (or other than) the first.
_PAIRS = (
    ("start", "end"),
    ("begin", "end"),
    ("departure", "return"),
    ("depart", "return"),
    ("check_in", "check_out"),
    ("from", "to"),
    ("origin", "destination"),
    ("source", "target"),
    ("min", "max"),
    ("lower", "upper"),
)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_AFTER_MINUTES = (30, 45, 60, 60, 90, 120)


def _links(
    props: dict[str, Any], drawn: list[str]
) -> tuple[tuple[str, str, Callable[[str], bool] | None], ...]:
    """``(first, second, fits)`` for pairs of drawn properties such as ``start``/``end``,
    ``departure_date``/``return_date`` or ``origin``/``destination``: an event that ends
    before it starts, a return flight before the departure or a flight from JFK to JFK is
    valid JSON and nonsense. ``fits`` checks a new value of ``second`` against its schema."""
    by_snake = {_snake(name): name for name in drawn}
    out: list[tuple[str, str, Callable[[str], bool] | None]] = []
    for lname, name in by_snake.items():
        parts = lname.split("_")
        for a, b in _PAIRS:
            a_parts = a.split("_")
            k = len(a_parts)
            for i in range(len(parts) - k + 1):
                if parts[i : i + k] == a_parts:
                    other = "_".join([*parts[:i], *b.split("_"), *parts[i + k :]])
                    partner = by_snake.get(other)
                    sub = props.get(partner) if partner is not None else None
                    if (
                        partner is not None
                        and sub == props.get(name)
                        and _types(sub)
                        & {
                            "integer",
                            "number",
                        }
                    ):
                        out.append((name, partner, None))  # numbers: swapped when reversed
                        break
                    fits = _fits_string(sub, sub.get("format")) if isinstance(sub, dict) else None
                    if partner is not None and fits is not None:
                        out.append((name, partner, fits))
                    break
    return tuple(out)


def _follow(
    rng: random.Random,
    value: dict[str, Any],
    first: str,
    second: str,
    fits: Callable[[str], bool] | None,
    draw: Callable[[random.Random], Any],
) -> None:
    """Make ``value[second]`` a sensible partner of ``value[first]``: a date or time after
    it, or another value than it."""
    a, b = value[first], value[second]
    if fits is None:  # two numbers of one schema: the lower one first
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b < a:
            value[first], value[second] = b, a
        return
    if not isinstance(a, str) or not isinstance(b, str):
        return
    new: str | None = None
    if _DAY.match(a) and _DAY.match(b):
        if b <= a:
            day = dt.date.fromisoformat(a) + dt.timedelta(days=1 + below(rng, 14))
            new = day.isoformat()
    elif _MOMENT.match(a) and _MOMENT.match(b):
        start = dt.datetime.fromisoformat(a[:-1])
        end = dt.datetime.fromisoformat(b[:-1])
        if not dt.timedelta(0) < end - start <= dt.timedelta(hours=8):
            minutes = _AFTER_MINUTES[below(rng, len(_AFTER_MINUTES))]
            new = (start + dt.timedelta(minutes=minutes)).isoformat() + "Z"
    elif a == b:
        for _ in range(8):
            other = draw(rng)
            if other is not _REJECT and other != a:
                value[second] = other
                return
    if new is not None and fits(new):
        value[second] = new


_FIRST_NAMES = frozenset({"first_name", "firstname", "given_name"})
_LAST_NAMES = frozenset({"last_name", "lastname", "surname", "family_name"})
_FULL_NAMES = frozenset({"name", "full_name", "fullname", "contact_name", "customer_name"})
_EMAILS = frozenset({"email", "email_address", "e_mail"})


def _person_keys(
    props: dict[str, Any],
) -> tuple[tuple[str, ...], str, Callable[[str], bool]] | None:
    """``(name keys, email key, fits)`` of an object describing a person: its first and
    last name (or full name) and an email the schema lets us rewrite, else None."""
    by_snake = {_snake(k): k for k in props}
    email = next((by_snake[k] for k in by_snake if k in _EMAILS), None)
    sub = props.get(email) if email is not None else None
    fits = _fits_string(sub, "email") if isinstance(sub, dict) else None
    if email is None or fits is None:
        return None
    first = next((by_snake[k] for k in by_snake if k in _FIRST_NAMES), None)
    last = next((by_snake[k] for k in by_snake if k in _LAST_NAMES), None)
    if first is not None and last is not None:
        return (first, last), email, fits
    full = next((by_snake[k] for k in by_snake if k in _FULL_NAMES), None)
    return ((full,), email, fits) if full is not None else None


_NOT_NAMES = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "prof", "jr", "sr", "ii", "iii", "iv", "phd", "md", "dds"}
)


def _match_email(
    value: dict[str, Any], names: tuple[str, ...], email: str, fits: Callable[[str], bool]
) -> None:
    """The person's email made from their name (``steven.larsen@`` for Steven Larsen), on
    the domain it had: a booking for Steven Larsen with john35@example.org reads as two
    people."""
    current = value.get(email)
    texts = [value.get(k) for k in names]
    if not isinstance(current, str) or "@" not in current:
        return
    if not all(isinstance(t, str) and t.isascii() for t in texts):
        return
    joined = " ".join(str(t) for t in texts).lower()
    words = [w for w in re.sub(r"[^a-z ]", "", joined).split() if w not in _NOT_NAMES]
    if len(words) < 2:
        return
    new = f"{words[0]}.{words[-1]}@{current.rsplit('@', 1)[1]}"
    if fits(new):
        value[email] = new


def _refiner(
    schema: Any, depth: int = 0, context: str = ""
) -> Callable[[random.Random, Any], Any] | None:
    """A function that gives realistic values to the well-known properties of an instance
    of ``schema`` (an object, at any depth of nested objects and arrays of objects), or
    None when there is nothing to refine. Only values whose replacement cannot break the
    instance's validity are touched (see ``_override``)."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    props = schema.get("properties")
    if isinstance(props, dict) and props and set(schema) <= _SAFE_OBJECT_KEYS:
        if depth and not set(schema) <= _PLAIN_OBJECT_KEYS:
            return None  # a nested resource root: its references resolve elsewhere
        entries: list[tuple[str, Any, Any]] = []
        for name, sub in props.items():
            draw = _override(name, sub, context)
            nested = None if draw is not None else _refiner(sub, depth + 1, context)
            if draw is not None or nested is not None:
                entries.append((name, draw, nested))
        if not entries and _person_keys(props) is None:
            return None
        # a list in the schema's order, never a set: the order of string sets changes
        # with the process's hash seed, and the links draw from the rng in this order
        links = _links(props, [name for name, draw, _ in entries if draw is not None])
        draws = {name: draw for name, draw, _ in entries}
        person = _person_keys(props)

        def refine_object(rng: random.Random, value: Any) -> Any:
            if isinstance(value, dict):
                for name, draw, nested in entries:
                    if name in value:
                        if draw is not None:
                            new = draw(rng)
                            if new is not _REJECT:
                                value[name] = new
                        else:
                            value[name] = nested(rng, value[name])
                for first, second, fits in links:
                    if first in value and second in value:
                        _follow(rng, value, first, second, fits, draws[second])
                if person is not None:
                    _match_email(value, *person)
            return value

        return refine_object
    if (
        "array" in _types(schema)
        and set(schema) <= _ARRAY_KEYS
        and not schema.get("uniqueItems")
        and isinstance(schema.get("items"), dict)
    ):
        item = _refiner(schema["items"], depth + 1, context)
        if item is None:
            return None
        return lambda rng, value: (
            [item(rng, v) for v in value] if isinstance(value, list) else value
        )
    return None


def _checked(value: str, fits: Callable[[str], bool]) -> Any:
    """``value`` if the schema takes it, else the same in lower or upper case if that fits
    (``usd`` for a currency with pattern ``^[a-z]{3}$``), else ``_REJECT``."""
    if fits(value):
        return value
    for variant in (value.lower(), value.upper()):
        if variant != value and fits(variant):
            return variant
    return _REJECT


#: Verbs a tool's description or name starts with, in the base form an instruction uses.
_VERBS = frozenset(
    """add analyse analyze append approve archive assign book calculate call cancel check
    classify close compare compute convert copy count create decline delete deploy describe
    detect disable download draft edit enable enrich estimate evaluate execute export extract
    fetch filter find forecast format generate geocode get grant import index insert invite
    list load locate lock look lookup make merge monitor move notify open parse pay
    ping place post predict preview print publish purchase query rank read record redact
    refund register reject reload remove rename render reply report request reschedule
    reserve reset resolve restart restore retrieve return revoke rotate run save scan
    schedule score search send set share show sort start stop store submit subscribe
    summarise summarize suspend sync tag test track transcribe transfer translate trigger
    unlock unsubscribe update upload upsert validate verify view watch write""".split()
)
#: Words before the instruction itself: "Use this tool to get ...", "Allows the agent to ...".
_PREAMBLE = re.compile(
    r"^(?:(?:use|call|invoke) (?:this|the) (?:tool|function|endpoint) (?:to|for) "
    r"|(?:this|a|the) (?:tool|function|endpoint) (?:that|which|to|for) "
    r"|(?:tool|function|endpoint) (?:that|which|to|for) "
    r"|(?:this (?:tool|function|endpoint) )"
    r"|(?:allows?|lets?|enables?|helps?) (?:you |the (?:user|agent|model|caller) |users )?(?:to )?"
    r"|(?:can be )?used (?:to|for) )",
    re.IGNORECASE,
)
_VERB_ENDINGS = (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("sses", "ss"), ("xes", "x"))


def _base_verb(word: str) -> str | None:
    """``word`` as the base form of a known verb ("Returns" -> "return"), or None."""
    w = word.lower()
    if w in _VERBS:
        return w
    for ending, base in (*_VERB_ENDINGS, ("s", "")):
        if w.endswith(ending) and w[: -len(ending)] + base in _VERBS:
            return w[: -len(ending)] + base
    return None


def _name_words(name: str) -> list[str]:
    """``get_weather``, ``get-weather`` and ``getWeather`` -> ``["get", "weather"]``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").replace("-", " ")
    return spaced.lower().split()


_THIRD_PARTY = re.compile(r"\b(?:the |a )?(?:user|caller|customer|end user)'s\b", re.IGNORECASE)


def _purpose(description: str, name: str) -> str:
    """What calling the tool does, as an instruction a task and a thought can use ("Please
    {purpose}", "Let me {purpose}"): the description's first sentence with its preamble
    dropped and its verb in the base form ("Returns the forecast" -> "return the
    forecast"); a description without a verb is read through the tool's name ("get
    weather", or "use lookup_city for weather for a city")."""
    sentence = description.strip().split(". ")[0].strip().rstrip(".").strip()
    # "the user's calendar" reads wrong in the user's own request: "the calendar"
    sentence = _THIRD_PARTY.sub("the", sentence)
    while True:
        shorter = _PREAMBLE.sub("", sentence, count=1)
        if shorter == sentence:
            break
        sentence = shorter
    first, _, rest = sentence.partition(" ")
    verb = _base_verb(first) if first else None
    if verb is not None:
        if verb != first.lower():  # written in the third person: "... and returns its text"
            rest = re.sub(
                r"\b(and|then|or) (\w+)",
                lambda m: f"{m.group(1)} {_base_verb(m.group(2)) or m.group(2)}",
                rest,
            )
        return f"{verb} {rest}".strip()
    phrase = sentence[:1].lower() + sentence[1:]
    words = _name_words(name)
    named = _base_verb(words[0]) if words else None
    if named is not None:  # "Weather for a city" of get_weather -> "get weather for a city"
        return f"{named} {phrase}" if phrase else " ".join([named, *words[1:]])
    return f"use {name} for {phrase}" if phrase else f"use {name}"


class UserTool(Behaviour):
    """Calls drawn from the parameter schema, with realistic values for known names."""

    latency_ms = (40, 1800)

    def __init__(self, spec: ToolSpec) -> None:
        super().__init__(spec)
        self.args = compile_parameters(spec)._fn
        output = compile_output(spec)
        self.output = None if output is None else output._fn
        context = f"{spec.name} {spec.description}"
        self.refine = _refiner(spec.parameters, context=context)
        self.refine_output = (
            None if spec.output_schema is None else _refiner(spec.output_schema, context=context)
        )
        self.echo = _echoed(spec.parameters, spec.output_schema)
        self.purpose = _purpose(spec.description, spec.name)
        self.action = _action(spec.name)

    def call(self, rng: random.Random) -> tuple[dict[str, Any], Any]:
        args = self.args(rng)
        if self.refine is not None:
            self.refine(rng, args)
        return args, None

    def bad_call(self, rng: random.Random) -> tuple[dict[str, Any], Any, str]:
        args, ctx = self.call(rng)
        if args:
            key = next(iter(args))
            return args, ctx, f"invalid value for '{key}': rejected by {self.name}"
        return args, ctx, f"{self.name} rejected the request: missing required context"

    def intent(self, args: dict[str, Any], ctx: Any) -> str:
        # a word says more than a number: (city: Lisbon) before (latitude: 38.72)
        shown = [(k, v) for k, v in args.items() if isinstance(v, str)] + [
            (k, v)
            for k, v in args.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
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
            output = self.output(rng)
            if self.refine_output is not None:
                output = self.refine_output(rng, output)
            if isinstance(output, dict):
                # what the result says of the call's own values is those values
                for key, fits in self.echo:
                    if key in output and key in args and fits(args[key]):
                        output[key] = args[key]
            content = dumps(output)
            return content, Outcome(
                note=f"{self.name} returned {_summary(output, content)}.",
                answer=f"{cap(self.purpose)}: {self.name} returned {_summary(output, content)}.",
                wrong=f"{self.name} returned nothing useful.",
            )
        if self.action is not None:
            return self._acknowledge(rng, args)
        request = "req_" + f"{rng.getrandbits(48):012x}"
        content = dumps({"status": "ok", "tool": self.name, "request_id": request, "input": args})
        outcome = Outcome(
            note=f"{self.name} completed successfully (request {request}).",
            answer=f"{cap(self.purpose)}: done (request {request}).",
            wrong=f"{self.name} reported that the request failed.",
        )
        return content, outcome

    def _acknowledge(self, rng: random.Random, args: dict[str, Any]) -> tuple[str, Outcome]:
        """What a service answers to a call that changes something (creates, sends,
        books, updates, deletes ...): the new object's id and its status, with the call's
        short identifying values, rather than an echo of the whole request."""
        assert self.action is not None
        noun, status = self.action
        # a change to an existing object names it by the id the call gave
        given = (
            None if status in _NEW else next((v for k, v in args.items() if _names_id(k, v)), None)
        )
        if given is not None:
            ident = given
        else:
            stem = noun.split()[-1][:8]
            ident = f"{stem}_{''.join(_ALNUM[below(rng, 62)] for _ in range(14))}"
        body: dict[str, Any] = {"id": ident, "status": status}
        for key, value in args.items():
            if value is given:
                continue
            if len(body) == 4:
                break
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                if key not in body and len(str(value)) <= 60:
                    body[key] = value
        return dumps(body), Outcome(
            note=f"The {noun} was {status} (id {ident}).",
            answer=f"{cap(self.purpose)}: {status}, id {ident}.",
            wrong=f"{self.name} reported that the request failed.",
        )

    def error(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> str:
        kind, message = (
            ("ServiceUnavailable", f"{self.name} is temporarily unavailable (HTTP 503)"),
            ("InternalError", f"{self.name} failed with an internal error (HTTP 500)"),
            ("RateLimited", f"too many requests to {self.name}; retry after 30 s"),
        )[below(rng, 3)]
        return error_content(kind, message)


#: Verbs of tools that change something, and the status their result reports.
_DONE = {
    "create": "created",
    "add": "created",
    "insert": "created",
    "open": "created",
    "register": "created",
    "submit": "submitted",
    "place": "placed",
    "book": "confirmed",
    "reserve": "confirmed",
    "schedule": "scheduled",
    "send": "sent",
    "post": "posted",
    "publish": "published",
    "notify": "sent",
    "reply": "sent",
    "invite": "sent",
    "update": "updated",
    "edit": "updated",
    "rename": "updated",
    "assign": "updated",
    "delete": "deleted",
    "remove": "deleted",
    "archive": "archived",
    "cancel": "cancelled",
    "close": "closed",
    "refund": "refunded",
    "approve": "approved",
    "reject": "rejected",
    "upload": "uploaded",
    "deploy": "deployed",
}


#: Statuses of results that make a new object (with a new id).
_NEW = frozenset(
    {
        "created",
        "submitted",
        "placed",
        "confirmed",
        "scheduled",
        "sent",
        "posted",
        "published",
        "uploaded",
        "deployed",
    }
)


def _names_id(key: str, value: Any) -> bool:
    return isinstance(value, str) and _ID_NAME.match(_snake(key)) is not None


def _action(name: str) -> tuple[str, str] | None:
    """``(noun, status)`` of a tool named for a change (``create_calendar_event`` ->
    ``("calendar event", "created")``), or None (reads, searches, runs, other names)."""
    words = _name_words(name)
    for i, word in enumerate(words):
        verb = _base_verb(word)
        if verb in _DONE:
            noun = " ".join(words[i + 1 :]) or "request"
            return noun, _DONE[verb]
    return None


def _summary(output: Any, content: str) -> str:
    """What a structured result says, in words, for the agent's notes and answer:
    ``temperature 5.6, conditions partly cloudy, humidity 65`` or ``3 issues``; a short
    quote of the JSON when it has no such fields."""
    parts: list[str] = []
    if isinstance(output, dict):
        for key, value in output.items():
            label = str(key).replace("_", " ")
            if isinstance(value, bool) or value is None:
                parts.append(f"{label} {'yes' if value else 'no'}")
            elif isinstance(value, (int, float, str)):
                text = str(value)
                parts.append(f"{label} {text if len(text) <= 40 else text[:37] + '...'}")
            elif isinstance(value, list):
                noun = label[:-1] if len(value) == 1 and label.endswith("s") else label
                parts.append(f"{len(value)} {noun}")
            if len(parts) == 4:
                break
    elif isinstance(output, list):
        parts.append(f"{len(output)} item{'' if len(output) == 1 else 's'}")
    if parts:
        return ", ".join(parts)
    return content if len(content) <= 80 else content[:77] + "..."
