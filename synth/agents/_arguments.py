"""Realistic argument values for the tools a user defines.

A call's arguments come from ``synth.from_schema(spec.parameters)``, so they validate by
construction. On top of that, top-level properties with well-known names (``email``,
``to``, ``path``, ``query``, ``url``, ``city``, ``limit``, ...) get realistic values from
synth's own vocabularies, and well-known quantities (``temperature``, ``humidity``,
``price``, ``latitude``, ...) numbers in their usual range; the same goes for the properties
of nested objects and arrays of objects, and for the results an MCP ``outputSchema`` shapes.
This is done only where the schema makes it provably safe: the object has no keyword that
ties properties together (``if``, ``dependentSchemas``, ``allOf``, ...), the property's own
schema uses only simple keywords, and the drawn value is checked against its length and
range bounds before it replaces the schema's value. :func:`_refiner` is the entry point.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from synth.agents._builtin import REFERENCE_DATE, WebSearch
from synth.agents._draw import below, chooser, load_data, weighted_chooser
from synth.agents._locale import ascii_name, locale_bank, people_for
from synth.agents.models import ToolSpec
from synth.agents.text import sentence_bank
from synth.schema.realistic import normalise_name, realistic_lengths, realistic_range, singular

__all__: list[str] = []

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
#: Number keywords a drawn quantity satisfies by construction.
_NUMBER_KEYS = _INT_KEYS | {"exclusiveMinimum", "exclusiveMaximum", "multipleOf"}

_EMAIL_NAME = re.compile(
    r"^(to|cc|bcc|recipients?|sender|from_email|reply_to|(.*_)?e?mails?(_address(es)?)?)$"
)
_PATH_NAME = re.compile(r"^(path|file_?path|file|directory|dir|folder|(.*_)?(path|dir))$")
_QUERY_NAME = re.compile(r"^(q|query|search_query|search_term|keywords?|question)$")
_SQL_NAME = re.compile(r"^(sql|sql_query|statement)$")
_URL_NAME = re.compile(r"^(url|uri|link|website|homepage|(.*_)url)$")
_LIMIT_NAME = re.compile(
    r"^(limit|num_results|max_results|top_k|page_size|per_page|n_results|count|max_items|"
    r"max_count|number_of_results|results_per_page|max_hits|n|k)$"
)


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


#: The Faker providers whose values a locale other than en_US puts in user-tool arguments.
_LOCAL_PROVIDERS = (
    "first_name",
    "last_name",
    "city",
    "phone_number",
    "street_address",
    "address",
    "postcode",
)


class _Vocabulary:
    """Realistic values for well-known argument names; the people and places (names,
    email addresses, cities, street addresses, postcodes, phone numbers) are those of
    ``locale``."""

    def __init__(self, locale: str = "en_US", reference: dt.date = REFERENCE_DATE) -> None:
        self.locale = locale
        #: Bookings and deadlines fall in the weeks after this date.
        self.reference = reference
        self.people = people_for(locale)
        self.search = WebSearch(ToolSpec("web_search"))
        self.cities = chooser(load_data("search.json")["categories"]["local"]["topics"])
        #: Draws of the locale's Faker providers, by provider (none in en_US, and none
        #: for a provider the locale lacks): they replace synth's English values.
        self.local: dict[str, Callable[[random.Random], str]] = {}
        if locale != "en_US":
            for provider in _LOCAL_PROVIDERS:
                bank = locale_bank(provider, locale)
                if bank is not None:
                    # a postal address on one line: "Beckerallee 81, 13896 Bergzabern"
                    self.local[provider] = chooser([", ".join(v.split("\n")) for v in bank])
            self.cities = self.local.get("city", self.cities)
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
        self.issue_labels = chooser(values["issue_labels"])
        self.issue_states = chooser(values["issue_states"])
        self.order_statuses = chooser(values["order_statuses"])
        self.language_names = chooser(values["language_names"])
        self.code_languages = chooser(values["code_languages"])
        self.restaurants = chooser(values["restaurants"])
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
        base = int(dt.datetime.combine(self.reference, dt.time(), dt.UTC).timestamp())
        return f"{base + below(rng, 60 * 86400)}.{below(rng, 1_000_000):06d}"

    def url(self, rng: random.Random) -> str:
        return f"https://www.{self.people.domain(rng)}/{self.people.project(rng)}"

    def phone(self, rng: random.Random) -> str:
        local = self.local.get("phone_number")
        if local is not None:
            return local(rng)
        # 555-01xx numbers are reserved for fiction in North America
        return f"+1 {200 + below(rng, 800)}-555-01{below(rng, 100):02d}"

    def full_name(self, rng: random.Random) -> str:
        return self.people.person(rng)[1]

    def tracking(self, rng: random.Random) -> str:
        # the shape of a UPS tracking number: 1Z and 16 letters or digits
        return "1Z" + "".join(_ALNUM[below(rng, 36)] for _ in range(16)).upper()

    def message(self, rng: random.Random) -> str:
        bank = self.sentences()
        return " ".join(bank[below(rng, len(bank))] for _ in range(1 + below(rng, 2)))

    def channel(self, rng: random.Random) -> str:
        return "#" + self.channels(rng)

    def identifier(self, rng: random.Random, stem: str) -> str:
        return f"{stem}_{''.join(_ALNUM[below(rng, 62)] for _ in range(10))}"

    def day(self, rng: random.Random) -> str:
        return (self.reference + dt.timedelta(days=1 + below(rng, 90))).isoformat()

    def birth_day(self, rng: random.Random) -> str:
        """An adult's date of birth: 18 to 85 years before the reference date."""
        days = 18 * 365 + below(rng, 67 * 365)
        return (self.reference - dt.timedelta(days=days)).isoformat()

    def clock(self, rng: random.Random) -> str:
        """A time of day someone books or meets at: 08:00 to 21:45, on the quarter hour."""
        return f"{8 + below(rng, 14):02d}:{15 * below(rng, 4):02d}"

    def meal(self, rng: random.Random) -> str:
        """A time a table is booked for: lunch (11:30 to 14:00) or dinner (18:00 to 21:30)."""
        if below(rng, 3) == 0:
            minutes = 11 * 60 + 30 + 15 * below(rng, 11)
        else:
            minutes = 18 * 60 + 15 * below(rng, 15)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    def moment(self, rng: random.Random) -> str:
        return f"{self.day(rng)}T{8 + below(rng, 11):02d}:{15 * below(rng, 4):02d}:00Z"


@cache
def _vocabulary(locale: str = "en_US", reference: dt.date = REFERENCE_DATE) -> _Vocabulary:
    return _Vocabulary(locale, reference)


@cache
def _string_table(
    locale: str = "en_US",
    reference: dt.date = REFERENCE_DATE,
) -> tuple[tuple[Any, Any, Callable[..., str], str | None], ...]:
    """``(name pattern, description pattern, draw, format)`` for string arguments, first
    match wins: what the description says (an IATA code, a ticker) before what the name
    suggests (``destination`` is a city unless described as an airport code). Outside
    ``en_US``, people's names, phone numbers and addresses (which the schema compiler
    makes in English) come from the locale too."""
    voc = _vocabulary(locale, reference)
    n, d = re.compile, (lambda p: re.compile(p, re.IGNORECASE))
    return _common_strings(voc, n, d) + _locale_strings(voc, n)


def _locale_strings(
    voc: _Vocabulary, n: Callable[[str], Any]
) -> tuple[tuple[Any, Any, Callable[..., str], str | None], ...]:
    """The string arguments a locale other than en_US draws itself: names, phone numbers,
    street addresses and postcodes (in en_US the schema compiler's values stand)."""
    if voc.locale == "en_US":
        return ()
    out: list[tuple[Any, Any, Callable[..., str], str | None]] = [
        (n(f"^({'|'.join(sorted(_FULL_NAMES))})$"), None, voc.full_name, None),
        (n(r"^(phone|phone_number|telephone|mobile|mobile_number|cell)$"), None, voc.phone, None),
    ]
    for provider, names in (
        ("first_name", f"^({'|'.join(sorted(_FIRST_NAMES))})$"),
        ("last_name", f"^({'|'.join(sorted(_LAST_NAMES))})$"),
        ("street_address", r"^(street|street_address|address_line1?|address1)$"),
        ("address", r"^(address|postal_address|mailing_address|full_address)$"),
        ("postcode", r"^(zip|zipcode|zip_code|postcode|postal_code)$"),
    ):
        draw = voc.local.get(provider)
        if draw is not None:
            out.append((n(names), None, draw, None))
    return tuple(out)


def _common_strings(
    voc: _Vocabulary, n: Callable[[str], Any], d: Callable[[str], Any]
) -> tuple[tuple[Any, Any, Callable[..., str], str | None], ...]:
    """The string arguments of every locale, in the order they are tried."""
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
        (n(r"^(service|service_name|app|app_name|deployment)$"), None, voc.repo, None),
        (n(r"^tracking_(number|no|code|id)$"), None, voc.tracking, None),
        (_SQL_NAME, None, voc.sql, None),
        (_QUERY_NAME, None, voc.query, None),
        (_URL_NAME, None, voc.url, "uri"),
        (n(r"^(origin|departure|arrival)(_airport)?$|^airport$"), None, voc.airports, None),
        (n(r"^(city|location|destination|town)$"), None, voc.cities, None),
        (n(r"^(restaurant|restaurant_name|venue|venue_name)$"), None, voc.restaurants, None),
        # a station is named after its city ("Vienna"), as a timetable query would be
        (
            n(r"^(station|station_name|from_station|to_station|stop|stop_name)$"),
            None,
            voc.cities,
            None,
        ),
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
    r"check_in|check_out|event|delivery|travel|meeting)_?(date|day))$"
)
#: Names of a person's date of birth: a date in the past, never one in the weeks ahead.
_BIRTH_NAME = re.compile(r"^(birth_?(date|day)|date_of_birth|dob|born(_on)?)$")
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
#: Strings that hold a time of day ("19:30"): by name, unless the description asks for a
#: date too; by a description that spells out the format, whatever the name.
_CLOCK_NAME = re.compile(
    r"^(time|time_of_day|clock_time|(reservation|booking|pickup|pick_up|dropoff|drop_off|"
    r"preferred|dinner|lunch|arrival|delivery|appointment|table|slot)_time|time_slot|slot)$"
)
_CLOCK_DESCRIBED = re.compile(r"\bHH:MM\b(?!:SS)|\b24-hour\b|\btime of (the )?day\b", re.I)
_DATED = re.compile(r"\bdates?\b|\btimestamp\b|\bYYYY\b|\bepoch\b|\bISO[ -]?8601\b", re.I)
#: Tools whose times are meals: a table is booked for lunch or dinner, not for 09:00.
_MEAL = re.compile(r"\b(restaurants?|tables?|dinner|lunch|brunch|dining|diners)\b", re.I)
_LANGUAGE_NAME = re.compile(
    r"^(language|lang|target_language|source_language|to_language|from_language)$"
)
#: Descriptions asking for a language by its name ("English") rather than its code ("en").
_LANGUAGE_NAMED = re.compile(
    r"language name|name of the language|full name|spelled out|"
    r"\b(e\.g\.|such as|like)\W*(English|Spanish|French|German)\b",
    re.I,
)
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


#: Titles, queries and currencies by what the tool is about: ``(tool pattern, names,
#: vocabulary)``.
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
        re.compile(r"\b(issues?|pull requests?|prs?|bugs?)\b", re.IGNORECASE),
        re.compile(r"^(labels?|tags?|issue_labels?)$"),
        "issue_labels",
    ),
    (
        re.compile(r"\b(issues?|pull requests?|prs?|bugs?)\b", re.IGNORECASE),
        re.compile(r"^(state|status|issue_state|pr_state)$"),
        "issue_states",
    ),
    (
        # not "in order to" or "sort order"
        re.compile(
            r"(?<!\bin )(?<!\bsort )\b(orders?|shipments?|deliver(y|ies)|purchases?)\b(?! to\b)",
            re.IGNORECASE,
        ),
        re.compile(r"^(status|order_status|state)$"),
        "order_statuses",
    ),
    (
        re.compile(
            r"\b(code|snippet|script|program|source|syntax|compile|lint|linter|gists?|"
            r"interpreter|sandbox)\b",
            re.IGNORECASE,
        ),
        re.compile(r"^(language|lang|programming_language)$"),
        "code_languages",
    ),
    (
        re.compile(r"\b(currenc(y|ies)|exchange|forex|fx)\b", re.IGNORECASE),
        re.compile(r"^(from|to|base|target|source|quote)$"),
        "currencies",
    ),
    (
        re.compile(r"\b(products?|catalog(ue)?|shop|store|inventory)\b", re.IGNORECASE),
        re.compile(r"^(q|query|search_query|search_term|keywords?)$"),
        "products",
    ),
)


_DIRECTORY_WORDS = re.compile(r"\b(director(y|ies)|folders?)\b", re.IGNORECASE)
_ONE_FILE = re.compile(r"\bfile\b", re.IGNORECASE)


def _names_a_directory(description: str, context: str) -> bool:
    """Whether a ``path`` argument is a directory: its description says so (``"the
    folder to list"``), or, undescribed, its tool's does (``list_files``: "List files in
    a directory."); a text that speaks of one file (``"Write a file into a directory"``)
    keeps a file path."""
    text = description or context.replace("_", " ")
    return bool(_DIRECTORY_WORDS.search(text)) and not _ONE_FILE.search(text)


def _titled(lname: str, context: str) -> Callable[[random.Random], str] | None:
    """Titles for what the tool makes: an event of a calendar tool is a "Design review",
    an issue of a tracker "CSV export drops the last row" (not an email subject); a product
    search looks for products ("standing desk"), not news."""
    for tool_re, name_re, vocabulary in _TITLED:
        if name_re.match(lname) and tool_re.search(context.replace("_", " ")):
            draw: Callable[[random.Random], str] = getattr(_vocabulary(), vocabulary)
            return draw
    return None


def _override(
    name: str,
    schema: Any,
    context: str = "",
    locale: str = "en_US",
    phrases: bool = True,
    reference: dt.date = REFERENCE_DATE,
) -> Callable[[random.Random], Any] | None:
    """A draw function giving a realistic value for property ``name`` of a tool about
    ``context`` (its name and description), or None. Without ``phrases``, a string the
    name says nothing about is left to the schema compiler (not a short phrase)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return None
    voc = _vocabulary(locale, reference)
    lname = normalise_name(name)
    types = _types(schema)
    if "string" in types:
        described = schema.get("description")
        description = described if isinstance(described, str) else ""
        if _PATH_NAME.match(lname) and _names_a_directory(description, context):
            fits = _fits_string(schema, None)
            if fits is None:
                return None
            return lambda rng, fits=fits: _checked(voc.directory(rng), fits)
        if "format" not in schema and (
            _CLOCK_DESCRIBED.search(description)
            or (
                _CLOCK_NAME.match(lname)
                and not (_MOMENT_DESCRIBED.search(description) or _DATED.search(description))
            )
        ):
            # "time" of a table or a pickup is a time of day, "19:30", not a timestamp
            fits = _fits_string(schema, None)
            clock = voc.meal if _MEAL.search(context) else voc.clock
            return None if fits is None else (lambda rng: _checked(clock(rng), fits))
        if _LANGUAGE_NAME.match(lname) and _LANGUAGE_NAMED.search(description):
            fits = _fits_string(schema, None)
            if fits is None:
                return None
            return lambda rng: _checked(voc.language_names(rng), fits)
        titles = _titled(lname, context)
        if titles is not None:
            fits = _fits_string(schema, None)
            if fits is None:
                return None
            return lambda rng, fits=fits: _checked(titles(rng), fits)
        for name_re, description_re, draw, fmt in _string_table(locale, reference):
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
        if _BIRTH_NAME.match(lname) and schema.get("format", "date") == "date":
            special = voc.birth_day, "date"
        elif schema.get("format") == "email":
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
        if fits is None or "format" in schema or not phrases:
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
    if (
        "array" in types
        and set(schema) <= _ARRAY_KEYS
        and isinstance(items, dict)
        and "string" in _types(items)
        and singular(lname) != lname
    ):
        return _strings(
            _override(singular(lname), items, context, locale, False, reference), schema
        )
    if (
        types & {"integer", "number"}
        and not (_LIMIT_NAME.match(lname) and set(schema) <= _INT_KEYS)
        and set(schema) <= _NUMBER_KEYS
    ):
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
#: Draws of a realistic value a property gets before it keeps the schema compiler's (a
#: title under a short maxLength, a query under a pattern): the realistic one nearly
#: always fits at once, so this costs nothing on most calls.
_TRIES = 32


def _never_fits(draw: Callable[[random.Random], Any]) -> bool:
    """Whether none of 64 draws of ``draw`` (from a fixed seed) fits the schema: a realistic
    value that (almost) never fits, such as a title under a maxLength of 12, is not worth
    ``_TRIES`` draws per call."""
    rng = random.Random(0)
    return all(draw(rng) is _REJECT for _ in range(64))


def _strings(
    draw: Callable[[random.Random], Any] | None, schema: dict[str, Any]
) -> Callable[[random.Random], Any] | None:
    """A list of one to three different values of ``draw`` (``labels``: ``["bug",
    "regression"]``), as many as ``minItems``/``maxItems`` allow, or None."""
    lo, hi = schema.get("minItems", 1), schema.get("maxItems")
    if draw is None or not isinstance(lo, int) or (hi is not None and not isinstance(hi, int)):
        return None
    lo = max(lo, 1) if hi is None or hi >= 1 else 0
    top = min(hi if hi is not None else lo + 2, lo + 2)
    if top < lo or lo > 8:
        return None

    def values(rng: random.Random) -> Any:
        k = lo + below(rng, top - lo + 1)
        out: list[Any] = []
        for _ in range(4 * k):
            if len(out) == k:
                break
            v = draw(rng)
            if v is not _REJECT and v not in out:
                out.append(v)
        return out if len(out) == k else _REJECT

    return values


_CENTS = re.compile(r"\bcents?\b|smallest (currency )?unit|minor unit", re.IGNORECASE)
#: A description that says the number counts things ("Number of items", "How many ...").
_COUNTED = re.compile(r"\b(number of|how many|count of)\b", re.IGNORECASE)


def _bound(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


@cache
def _quantities() -> tuple[tuple[re.Pattern[str], float, float, int], ...]:
    """The ranges of ``arguments.json`` ``quantities``, compiled: what synth's own agents
    know of numbers on top of :func:`realistic_range` (days, guests, issue numbers, ...)."""
    return tuple(
        (re.compile(p), lo, hi, decimals)
        for p, lo, hi, decimals in load_data("arguments.json")["quantities"]
    )


@cache
def _counting() -> tuple[re.Pattern[str], float, float, int]:
    p, lo, hi, decimals = load_data("arguments.json")["counting"]
    return re.compile(p), lo, hi, decimals


def _usual_range(lname: str, description: str) -> tuple[float, float, int] | None:
    """``(low, high, decimals)`` where a number called ``lname`` usually lies: the
    ``quantities`` of ``arguments.json`` first, then any name made of a counting word
    (``num_*``, ``*_count``, ``max_*``, ``*_size``: a small positive count), then the
    schema compiler's :func:`realistic_range`. A description saying
    "number of" makes a money-like name (``amount``) a count. None for other names."""
    known: tuple[float, float, int] | None = next(
        ((lo, hi, d) for name_re, lo, hi, d in _quantities() if name_re.match(lname)), None
    )
    counting = _counting()
    if (known is None and counting[0].match(lname)) or (
        (known is None or known[2] == 2) and _COUNTED.search(description)
    ):
        known = counting[1:]
    return known if known is not None else realistic_range(lname)


def _measure(
    lname: str, schema: dict[str, Any], types: set[str]
) -> Callable[[random.Random], Any] | None:
    """A draw of a number in the usual range of the quantity ``lname`` names, or None when
    the name is not a known quantity. The schema decides where it says something: bounds
    given both ways are the range (drawn with the quantity's decimals), one bound narrows
    the usual range (or moves it, when they do not meet), exclusive bounds and
    ``multipleOf`` hold by construction."""
    description = schema.get("description")
    description = description if isinstance(description, str) else ""
    known = _usual_range(lname, description)
    if known is None:
        return None
    lo, hi, decimals = known
    if decimals == 2 and _CENTS.search(description):
        lo, hi, decimals = lo * 100, hi * 100, 0  # an amount in cents is a whole number
    whole = decimals == 0 or "number" not in types
    bounds = {}
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        if key in schema:
            bounds[key] = _bound(schema[key])
            if bounds[key] is None:
                return None
    low = max(
        (b for b in (bounds.get("minimum"), bounds.get("exclusiveMinimum")) if b is not None),
        default=None,
    )
    high = min(
        (b for b in (bounds.get("maximum"), bounds.get("exclusiveMaximum")) if b is not None),
        default=None,
    )
    if low is not None and high is not None:
        lo, hi = low, high  # the user's own range
    elif low is not None:
        lo, hi = (max(lo, low), hi) if low <= hi else (low, low + (hi - lo))
    elif high is not None:
        lo, hi = (lo, min(hi, high)) if high >= lo else (high - (hi - lo), high)

    def fits(value: float) -> bool:
        return (
            ("minimum" not in bounds or value >= bounds["minimum"])
            and ("maximum" not in bounds or value <= bounds["maximum"])
            and ("exclusiveMinimum" not in bounds or value > bounds["exclusiveMinimum"])
            and ("exclusiveMaximum" not in bounds or value < bounds["exclusiveMaximum"])
        )

    step = bounds.get("multipleOf")
    if step is not None:
        if step <= 0:
            return None
        first, last = math.ceil(lo / step), math.floor(hi / step)
        if first > last:
            return None
        integral = float(step).is_integer()
        if whole and not integral:
            return None

        digits = max(0, -math.floor(math.log10(step))) + 2 if not integral else 0

        def multiple(rng: random.Random) -> Any:
            # a float multiple of 0.01 is not always one by jsonschema's division: retry
            for _ in range(16):
                k = first + below(rng, min(last - first + 1, 10**9))
                value: Any = int(k * step) if integral else round(k * step, digits)
                if fits(value) and (integral or int(value / step) == value / step):
                    return value
            return _REJECT

        return multiple
    if whole:
        a, b = math.ceil(lo), math.floor(hi)
        while a <= b and not fits(a):
            a += 1
        while b >= a and not fits(b):
            b -= 1
        if a > b:
            return None
        return lambda rng: a + below(rng, b - a + 1)

    def draw(rng: random.Random) -> Any:
        value = round(lo + rng.random() * (hi - lo), decimals)
        return value if lo <= value <= hi and fits(value) else _REJECT

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
    by_snake = {normalise_name(name): name for name in drawn}
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
    by_snake = {normalise_name(k): k for k in props}
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
    value: dict[str, Any],
    names: tuple[str, ...],
    email: str,
    fits: Callable[[str], bool],
    spell: Callable[[str], str] | None = None,
) -> None:
    """The person's email made from their name (``steven.larsen@`` for Steven Larsen), on
    the domain it had: a booking for Steven Larsen with john35@example.org reads as two
    people. ``spell`` gives a name's ASCII letters outside en_US (``Jürgen`` ->
    ``jurgen``); without it, names that are not ASCII are left as they are."""
    current = value.get(email)
    texts = [value.get(k) for k in names]
    if not isinstance(current, str) or "@" not in current:
        return
    if not all(isinstance(t, str) and (spell is not None or t.isascii()) for t in texts):
        return
    joined = " ".join(str(t) for t in texts).lower()
    if spell is not None:
        joined = " ".join(spell(w) for w in joined.split())
    words = [w for w in re.sub(r"[^a-z ]", "", joined).split() if w not in _NOT_NAMES]
    if len(words) < 2:
        return
    new = f"{words[0]}.{words[-1]}@{current.rsplit('@', 1)[1]}"
    if fits(new):
        value[email] = new


def _refiner(
    schema: Any,
    depth: int = 0,
    context: str = "",
    locale: str = "en_US",
    reference: dt.date = REFERENCE_DATE,
) -> Callable[[random.Random, Any], Any] | None:
    """A function that gives realistic values to the well-known properties of an instance
    of ``schema`` (an object, at any depth of nested objects and arrays of objects), or
    None when there is nothing to refine. Only values whose replacement cannot break the
    instance's validity are touched (see ``_override``). People and places are those of
    ``locale``; dates ahead (bookings) follow ``reference``."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    props = schema.get("properties")
    if isinstance(props, dict) and props and set(schema) <= _SAFE_OBJECT_KEYS:
        if depth and not set(schema) <= _PLAIN_OBJECT_KEYS:
            return None  # a nested resource root: its references resolve elsewhere
        entries: list[tuple[str, Any, Any]] = []
        for name, sub in props.items():
            draw = _override(name, sub, context, locale, reference=reference)
            if draw is not None and _never_fits(draw):
                draw = None  # no realistic value fits: the schema compiler's, with no retries
            nested = (
                None if draw is not None else _refiner(sub, depth + 1, context, locale, reference)
            )
            if draw is not None or nested is not None:
                entries.append((name, draw, nested))
        if not entries and _person_keys(props) is None:
            return None
        # a list in the schema's order, never a set: the order of string sets changes
        # with the process's hash seed, and the links draw from the rng in this order
        links = _links(props, [name for name, draw, _ in entries if draw is not None])
        draws = {name: draw for name, draw, _ in entries}
        person = _person_keys(props)
        spell = None if locale == "en_US" else ascii_name(locale)

        def refine_object(rng: random.Random, value: Any) -> Any:
            if isinstance(value, dict):
                for name, draw, nested in entries:
                    if name in value:
                        if draw is not None:
                            new = draw(rng)
                            tries = 1
                            while new is _REJECT and tries < _TRIES:
                                # a value the schema refuses (too long for its maxLength,
                                # off its pattern): another draw, before the compiler's
                                new, tries = draw(rng), tries + 1
                            if new is not _REJECT:
                                value[name] = new
                        else:
                            value[name] = nested(rng, value[name])
                for first, second, fits in links:
                    if first in value and second in value:
                        _follow(rng, value, first, second, fits, draws[second])
                if person is not None:
                    _match_email(value, *person, spell)
            return value

        return refine_object
    if (
        "array" in _types(schema)
        and set(schema) <= _ARRAY_KEYS
        and not schema.get("uniqueItems")
        and isinstance(schema.get("items"), dict)
    ):
        item = _refiner(schema["items"], depth + 1, context, locale, reference)
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
