"""Hand-written behaviours of the four built-in tools.

``web_search`` queries are templated phrases over topics, ``send_email`` writes emails
between people with real-looking addresses, ``execute_query`` writes parameterised SQL over
a small set of plausible tables (``data/database.json``) and answers with rows whose
columns are the query's, ``file_operation`` works on absolute paths whose extension fits the
operation. Every argument set validates against the tool's schema in
``data/builtin_tools.json``; the vocabularies live in the other data files.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import random
import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from math import floor
from typing import Any

import orjson

from synth.agents._behaviour import Behaviour, Outcome, dumps, error_content
from synth.agents._data import load_data as load_names
from synth.agents._draw import (
    below,
    cap,
    chooser,
    compile_format,
    distinct,
    load_data,
    weighted_chooser,
)
from synth.agents.models import ToolSpec

__all__ = ["BUILTIN_BEHAVIOURS", "REFERENCE_DATE", "Dates", "People", "dates_for"]

#: The default reference date: dates in arguments and results fall in the year before it
#: (fixed, never "today"). A trace's own reference is the UTC date of its start.
REFERENCE_DATE = dt.date(2026, 1, 1)


def _many(items: Any) -> tuple[Any, ...]:
    """``items`` as a tuple, checked to hold at least two: compiled draws pick from it
    with ``items[floor(rng.random() * len(items))]``, the draw ``chooser`` makes when it
    has more than one item (with one, ``chooser`` draws nothing). (``floor`` rather than
    ``int``: the same number for these non-negative products, and faster; see
    ``synth.agents._draw``.)"""
    table = tuple(items)
    if len(table) < 2:
        raise ValueError(f"a compiled pick needs at least two items, got {table!r:.80}")
    return table


def _plain(strings: Any) -> bool:
    """Whether every string in ``strings`` (nested lists and tuples of strings) is written
    as it is inside a JSON string, so that it can be pasted into JSON text: orjson writes
    a backslash only to escape something (a quote, a backslash, a control character),
    so its JSON of them has none. One pass in C, also over People's 50,000 entries."""
    try:
        return b"\\" not in orjson.dumps(strings)
    except orjson.JSONEncodeError:
        return False


@functools.cache
def _plain_people(people: People) -> bool:
    """``_plain(people.table)``, checked once per ``People`` (50,000 entries)."""
    return _plain(people.table)


def _ascii_lower(name: str) -> str:
    """``Tomás`` -> ``tomas``: the form of a name used in email addresses and user names."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z]", "", folded.lower())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().removeprefix("the ")).strip("-")


# Formatted once: every "MM:SS".
_MINUTES_SECONDS = tuple(f"{s // 60:02d}:{s % 60:02d}" for s in range(3600))


class Dates:
    """The dates of the year before a reference date, formatted once: ``days`` are the
    ISO dates of the 365 days before ``reference`` (``reference`` itself excluded), from
    the ordinal ``year_start``; ``date_text`` and ``datetime_text`` draw one of them (a
    datetime at a drawn second of the day, in UTC). Built once per reference date
    (``dates_for``), so a behaviour's draws cost what they cost with module tables."""

    __slots__ = ("date_text", "datetime_text", "days", "reference", "year_start")

    def __init__(self, reference: dt.date) -> None:
        self.reference = reference
        self.year_start = start = reference.toordinal() - 365
        self.days = days = tuple(dt.date.fromordinal(start + d).isoformat() for d in range(365))
        minutes_seconds = _MINUTES_SECONDS

        def date_text(rng: random.Random) -> str:
            return days[floor(rng.random() * 365)]

        def datetime_text(rng: random.Random) -> str:
            seconds = floor(rng.random() * 86400)
            day = days[floor(rng.random() * 365)]
            return f"{day}T{seconds // 3600:02d}:{minutes_seconds[seconds % 3600]}Z"

        self.date_text: Callable[[random.Random], str] = date_text
        self.datetime_text: Callable[[random.Random], str] = datetime_text


@functools.cache
def dates_for(reference: dt.date = REFERENCE_DATE) -> Dates:
    """The ``Dates`` of ``reference`` (a ``datetime.date``), built once per date."""
    if isinstance(reference, dt.datetime) or not isinstance(reference, dt.date):
        raise TypeError(f"dates_for() expects a date, got {reference!r}")
    return Dates(reference)


# -- people ------------------------------------------------------------------------------


class People:
    """Names and email addresses of people at a handful of fictional companies.

    Every (first name, last name, address style) is formatted once, in a table where each
    style appears as often as its weight, so drawing a person is one pick.

    ``groups`` are ``(first names, last names)`` lists that go together (a locale's men's
    and women's names, whose surnames may differ); each first name of a group is paired
    with each last name of it. The default is synth's own lists, one group.
    ``ascii_form`` spells a name in lowercase ASCII letters for addresses and user names
    (never empty), and ``full_name`` is how a full name is written (``"{last} {first}"``
    in Japanese).
    """

    _STYLES = ((0, 12), (1, 4), (2, 3), (3, 1))  # first.last, flast, first_last, first42

    def __init__(
        self,
        groups: Sequence[tuple[Sequence[str], Sequence[str]]] | None = None,
        *,
        ascii_form: Callable[[str], str] = _ascii_lower,
        full_name: str = "{first} {last}",
    ) -> None:
        data = load_data("workplace.json")
        if groups is None:
            names = load_names("people")  # the name lists the conversation templates use
            groups = [(names["first_name"], names["last_name"])]
        table = []
        all_firsts: dict[tuple[str, str], None] = {}
        for first_names, last_names in groups:
            firsts = [(f, ascii_form(f)) for f in first_names]
            lasts = [(n, ascii_form(n)) for n in last_names]
            all_firsts.update(dict.fromkeys(firsts))
            for i, (first, f) in enumerate(firsts):
                for j, (last, la) in enumerate(lasts):
                    full = full_name.format(first=first, last=last)
                    locals_ = (
                        f"{f}.{la}",
                        f"{f[0]}{la}",
                        f"{f}_{la}",
                        f"{f}{10 + (i * 37 + j * 11) % 90}",
                    )
                    for style, weight in self._STYLES:
                        entry = (first, full, locals_[style])
                        table.extend([entry] * weight)
        self.table = tuple(table)
        self.firsts = tuple(all_firsts)
        self.first = chooser(self.firsts)
        self.domains = tuple(data["domains"])
        self.domain = chooser(self.domains)
        self.projects = tuple(data["projects"])
        self.project = chooser(self.projects)

    def person(self, rng: random.Random, domain: str | None = None) -> tuple[str, str, str]:
        """(first name, full name, email address)."""
        table = self.table
        first, full, local = table[int(rng.random() * len(table))]
        return first, full, f"{local}@{domain or self.domain(rng)}"

    def people(
        self, rng: random.Random, k: int, domain: str | None = None
    ) -> list[tuple[str, str, str]]:
        """``k`` people with distinct addresses."""
        out = [self.person(rng, domain)]
        while len(out) < k:
            p = self.person(rng, domain)
            if all(p[2] != q[2] for q in out):
                out.append(p)
        return out


# -- web_search --------------------------------------------------------------------------

_ID_SITES = ("questions", "item", "abs", "comments", "dp", "article", "content", "releases")
_GENERIC_TITLES = (
    "{Topic} explained",
    "Discussion: {topic}",
    "Notes on {topic}",
    "{Topic}: an overview",
)


def _results(
    number: int, name: str, titles: list[str], snippets: list[str], sites: list[str]
) -> tuple[tuple[tuple[str, str, str, str], ...], ...]:
    """Every possible result about ``name``, formatted once: ``[t][s]`` is ``(json, title,
    url, snippet)`` for title ``t`` on site ``s``. The snippet and the number in an
    id-style URL are fixed per (title, site) by arithmetic, so drawing a result is one
    pick. A site is a URL prefix (the topic's slug is appended) or a pattern with
    ``{slug}`` where it goes."""
    fill = {"topic": name, "Topic": cap(name)}
    slug = _slug(name)
    texts = [t.format(**fill) for t in snippets]
    rows = []
    for ti, title in enumerate(t.format(**fill) for t in titles):
        row = []
        for si, site in enumerate(sites):
            if "{slug}" in site:
                url = "https://" + site.format(slug=slug)
            elif site.rsplit("/", 1)[-1] in _ID_SITES:
                n = 10_000_000 + (number * 15_485_863 + ti * 7_919 + si * 104_729) % 89_999_999
                url = f"https://{site}/{n}/{slug}"
            else:
                url = f"https://{site}/{slug}"
            snippet = texts[(ti + 2 * si + number) % len(texts)]
            item = {"title": title, "url": url, "snippet": snippet}
            row.append((dumps(item), title, url, snippet))
        rows.append(tuple(row))
    return tuple(rows)


class _Topic:
    """A search topic: its queries ``(query, intent)`` and every possible result
    (``_results``) — the category's, and for a query of a kind with its own titles,
    snippets and sites (a weather query finds forecasts), that kind's, in ``by_query``."""

    __slots__ = ("by_query", "name", "queries", "results")

    def __init__(
        self,
        number: int,
        name: str,
        titles: list[str],
        snippets: list[str],
        sites: list[str],
    ) -> None:
        self.name = name
        self.queries: tuple[tuple[str, str], ...] = ()
        self.results = _results(number, name, titles, snippets, sites)
        self.by_query: dict[str, Any] = {}


def _query_kinds(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any] | None]]:
    """A category's queries as ``(query, intent, own)``: a query is ``[query, intent]``, or
    an object that may also give its own ``titles``, ``snippets`` and ``sites``."""
    kinds: list[tuple[str, str, dict[str, Any] | None]] = []
    for q in data["queries"]:
        if isinstance(q, dict):
            own = {k: q[k] for k in ("titles", "snippets", "sites") if k in q}
            kinds.append((q["query"], q["intent"], own or None))
        else:
            kinds.append((q[0], q[1], None))
    return kinds


class _Category:
    def __init__(self, data: dict[str, Any], first: int) -> None:
        titles = data["titles"] + list(_GENERIC_TITLES)
        topics = [
            _Topic(first + i, t, titles, data["snippets"], data["sites"])
            for i, t in enumerate(data["topics"])
        ]
        kinds = _query_kinds(data)
        for number, t in enumerate(topics, first):
            t.queries = tuple((q.format(topic=t.name), i.format(topic=t.name)) for q, i, _ in kinds)
            for k, (q, _, own) in enumerate(kinds):
                if own is not None:
                    t.by_query[q.format(topic=t.name)] = _results(
                        number * 31 + k,
                        t.name,
                        own.get("titles", titles),
                        own.get("snippets", data["snippets"]),
                        own.get("sites", data["sites"]),
                    )
        self.size = len(topics)
        self.table = tuple((q, i, t) for t in topics for q, i in t.queries)
        self.entries = chooser(self.table)


_NUM_RESULTS = ((5, 50), (3, 12), (10, 18), (8, 6), (4, 5), (6, 5), (1, 4))


class WebSearch(Behaviour):
    latency_ms = (250, 2600)
    key_argument = "query"
    timeout_s = 20

    def __init__(self, spec: ToolSpec) -> None:
        super().__init__(spec)
        categories, first = [], 0
        for data in load_data("search.json")["categories"].values():
            categories.append(_Category(data, first))
            first += categories[-1].size
        self.categories = tuple(categories)
        self.category = chooser(categories)
        # every query as a JSON string, formatted once
        self._quoted = {q: dumps(q) for c in categories for q, _, _ in c.table}
        # num_results stays near the schema's default of 5.
        self.num_results = weighted_chooser(_NUM_RESULTS)
        self.failure = chooser(
            [
                ("UpstreamError", "search provider returned HTTP 503 Service Unavailable"),
                ("UpstreamError", "search provider returned HTTP 502 Bad Gateway"),
                ("RateLimited", "rate limit exceeded: 60 requests per minute, retry after 12 s"),
                ("QuotaExceeded", "daily search quota of 10000 queries exhausted"),
            ]
        )

    def call(self, rng: random.Random) -> tuple[dict[str, Any], Any]:
        cat = self.category(rng)
        query, intent, topic = cat.entries(rng)
        args: dict[str, Any] = {"query": query}
        if rng.random() < 0.55:
            args["num_results"] = self.num_results(rng)
        if rng.random() < 0.35:
            args["safe_search"] = rng.random() < 0.85
        return args, (cat, intent, topic)

    def compile_call_json(self) -> Callable[[random.Random], str]:
        # The JSON text is one query's '{"query":"..."' (formatted once) plus one of the
        # 24 endings (no num_results or one of 7 values, x no safe_search, true or false).
        tables = tuple(
            tuple(dumps({"query": q})[:-1] for q, _, _ in c.table) for c in self.categories
        )
        n_cat = len(tables)
        # The weights are integers, so a table holding each value as often as its weight,
        # indexed with int(u * total), picks what weighted_chooser's bisection picks.
        counts = tuple(v for v, w in _NUM_RESULTS for _ in range(w))
        n_num = len(counts)
        safe = ("}", ',"safe_search":true}', ',"safe_search":false}')
        plain = safe
        with_count = {v: tuple(f',"num_results":{v}{e}' for e in safe) for v in set(counts)}
        by_draw = tuple(with_count[v] for v in counts)

        def draw(rng: random.Random) -> str:
            r = rng.random
            table = tables[floor(r() * n_cat)] if n_cat > 1 else tables[0]
            n = len(table)
            text = table[floor(r() * n)] if n > 1 else table[0]
            ends = by_draw[floor(r() * n_num)] if r() < 0.55 else plain
            if r() < 0.35:
                return text + ends[1 if r() < 0.85 else 2]
            return text + ends[0]

        return draw

    def follow_up(
        self, rng: random.Random, args: dict[str, Any], ctx: Any
    ) -> tuple[dict[str, Any], Any]:
        cat, _, topic = ctx
        others = [q for q in topic.queries if q[0] != args["query"]]
        query, intent = others[floor(rng.random() * len(others))]
        new = dict(args, query=query)
        return new, (cat, intent, topic)

    def bad_call(self, rng: random.Random) -> tuple[dict[str, Any], Any, str]:
        args, ctx = self.call(rng)
        n = (0, 100, 250, 500)[below(rng, 4)]
        args["num_results"] = n
        return args, ctx, f"num_results must be between 1 and 50, got {n}"

    def intent(self, args: dict[str, Any], ctx: Any) -> str:
        return ctx[1]

    def result(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> tuple[str, Outcome]:
        topic = ctx[2]
        table = (
            topic.by_query.get(args["query"], topic.results) if topic.by_query else topic.results
        )
        r = rng.random
        # num_results distinct titles (``distinct``'s partial shuffle), then a site each
        n = len(table)
        k = min(args.get("num_results", 5), n)
        pool = list(range(n))
        for i in range(k):
            j = i + floor(r() * (n - i))
            pool[i], pool[j] = pool[j], pool[i]
        sites = len(table[0])
        # A page appears once: when the site drawn gives a URL already listed, the next
        # sites are tried in turn; a title with none left is left out. (The sites are
        # drawn in title order either way, so checking as they are drawn is the same.)
        picked = []
        seen: set[str] = set()
        for t in pool[:k]:
            row = table[t]
            s = floor(r() * sites)
            p = row[s]
            if p[2] in seen:
                for d in range(1, sites):
                    p = row[(s + d) % sites]
                    if p[2] not in seen:
                        break
                else:
                    continue
            seen.add(p[2])
            picked.append(p)
        items = ",".join([p[0] for p in picked])
        query = args["query"]
        quoted = self._quoted.get(query)
        if quoted is None:
            quoted = dumps(query)
        content = f'{{"query":{quoted},"results":[{items}]}}'
        _, title, url, snippet = picked[0]
        outcome = Outcome(
            note=f'The search returned {len(picked)} results; the most relevant is "{title}".'
            if len(picked) != 1
            else f'The search returned 1 result, "{title}".',
            answer=f'For "{query}", the top result was "{title}" ({url}): {snippet}',
            wrong=f"I could not find any sources on {topic.name}.",
        )
        return content, outcome

    def error(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> str:
        return error_content(*self.failure(rng))


# -- send_email --------------------------------------------------------------------------


def _fields(purpose: dict[str, Any]) -> frozenset[str]:
    """The ``{slot}`` names used by a purpose's intent, subjects and bodies."""
    texts = [purpose["intent"], *purpose["subjects"], *purpose["bodies"]]
    return frozenset(f for t in texts for _, f, _, _ in string.Formatter().parse(t) if f)


#: The slots of email texts, in the order their compiled formats take them.
_EMAIL_SLOTS = (
    "to_name",
    "to_first",
    "project",
    "Project",
    "team",
    "Team",
    "team2",
    "weekday",
    "time",
    "count",
    "week",
    "invoice",
    "amount",
    "order",
)


def _escaped(template: str, escape: Callable[[str], str]) -> str:
    """``template`` (a ``str.format`` template) with ``escape`` applied to its literal
    text, its fields left as they are."""
    out = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        out.append(escape(literal).replace("{", "{{").replace("}", "}}"))
        if field is not None:
            conv = f"!{conversion}" if conversion else ""
            out.append(f"{{{field}{conv}{':' + spec if spec else ''}}}")
    return "".join(out)


class SendEmail(Behaviour):
    latency_ms = (180, 1400)
    digs = False

    def __init__(self, spec: ToolSpec, people: People, reference: dt.date = REFERENCE_DATE) -> None:
        super().__init__(spec)
        data = load_data("email.json")
        self.people_ = people
        self.reference = reference
        # Each purpose with the slots its texts use: only those are drawn.
        self.purpose_table = tuple(
            (p["intent"], tuple(p["subjects"]), tuple(p["bodies"]), _fields(p))
            for p in data["purposes"]
        )
        self.greetings = tuple(data["greetings"])
        self.greeting = chooser(self.greetings)
        self.closings = tuple(data["closings"])
        self.closing = chooser(self.closings)
        self.weekdays = tuple(data["weekdays"])
        self.times = tuple(data["times"])
        people_data = load_data("workplace.json")
        self.teams = tuple((t, cap(t)) for t in people_data["teams"])
        self.projects = tuple((p, cap(p)) for p in people_data["projects"])
        self.report_subject = chooser(
            [
                "Summary of findings",
                "What I found",
                "Results of your request",
                "Findings and next steps",
            ]
        )
        self.failure = chooser(
            [
                ("SMTPError", "421 4.7.0 Try again later, closing connection"),
                ("SMTPError", "451 4.3.0 Temporary server error, please retry"),
                ("AuthenticationError", "535 5.7.8 Authentication credentials invalid"),
                ("SMTPError", "552 5.3.4 Message size exceeds fixed limit"),
            ]
        )

        self._formats: dict[str, Callable[..., str]] = {}
        self._draw = self._compile_draw()

    def _format(self, template: str) -> Callable[..., str]:
        """``compile_format(template, _EMAIL_SLOTS)``, compiled once per text (the JSON
        draw's texts are mostly the same as the call's)."""
        fn = self._formats.get(template)
        if fn is None:
            fn = self._formats[template] = compile_format(template, _EMAIL_SLOTS)
        return fn

    def _json_safe(self) -> bool:
        """Whether every name, address part and word a call pastes into its texts is
        written as it is in a JSON string."""
        people = self.people_
        words = (people.domains, self.teams, self.projects, self.weekdays, self.times)
        return _plain_people(people) and _plain(words)

    def _compile_draw(self, as_json: bool = False) -> Callable[[random.Random], Any]:
        """A compiled draw of a call: its arguments, the purpose's intent and the slots
        that fill it, and the sender. One flat function, every table precomputed.

        With ``as_json``, the same draws make the JSON text of the arguments instead
        (``dumps(args)``), written directly: the texts' literal parts are escaped once
        here, and what is pasted between them needs no escaping (``_json_safe``)."""
        esc = (lambda text: dumps(text)[1:-1]) if as_json else (lambda text: text)
        people = self.people_
        table, n_people = people.table, len(people.table)
        domains = _many(people.domains)
        n_domains = len(domains)
        teams, projects = _many(self.teams), _many(self.projects)
        n_teams, n_projects = len(teams), len(projects)
        slot_names = ("weekday", "time", "count", "week", "invoice", "amount", "order")
        # Subjects, bodies and intents are compiled f-strings of all the slots (in
        # _EMAIL_SLOTS order), many times faster than format_map on these long texts.
        purposes = _many(
            [
                (
                    self._format(intent),
                    _many([self._format(_escaped(t, esc)) for t in subjects]),
                    _many([self._format(_escaped(t, esc)) for t in bodies]),
                    *(n in used for n in slot_names),
                )
                for intent, subjects, bodies, used in self.purpose_table
            ]
        )
        n_purposes = len(purposes)
        # Greetings only name the reader: "Hi {to_first}," is ("Hi ", ",") (with the
        # blank line after it); a closing comes after a blank line and before the name.
        greetings = _many([tuple(g.split("{to_first}")) for g in self.greetings])
        assert all(len(g) == 2 and "{" not in g[0] + g[1] for g in greetings)
        greetings = tuple((esc(a), esc(b + "\n\n")) for a, b in greetings)
        n_greetings = len(greetings)
        closings = _many([esc(f"\n\n{c}\n") for c in self.closings])
        n_closings = len(closings)
        weekdays, times = _many(self.weekdays), _many(self.times)
        n_weekdays, n_times = len(weekdays), len(times)
        year = self.reference.year - 1

        def draw(rng: random.Random) -> tuple[dict[str, Any], Any, Any, Any]:
            r = rng.random
            (intent, subjects, bodies, w_weekday, w_time, w_count, w_week, w_invoice, w_amount,
             w_order) = purposes[floor(r() * n_purposes)]  # fmt: skip
            sender_domain = domains[floor(r() * n_domains)]
            domain = sender_domain if r() < 0.6 else None
            u = r()
            n_to = 1 if u < 0.7 else 2 if u < 0.92 else 3
            n_cc = (1 + floor(r() * 2)) if r() < 0.3 else 0
            # n_to + n_cc + 1 people with distinct addresses (People.people, inlined):
            # the sender, then the readers. Only the first two (the sender and the
            # reader the texts name) are kept as people; of the others, only their
            # addresses. A list is searched faster than a set is built for these few
            # addresses, and slices of it are the "to" and "cc".
            k = n_to + n_cc + 1
            writer = table[floor(r() * n_people)]
            own = f"{writer[2]}@{domain or domains[floor(r() * n_domains)]}"
            while True:
                reader = table[floor(r() * n_people)]
                address = f"{reader[2]}@{domain or domains[floor(r() * n_domains)]}"
                if address != own:
                    break
            addresses = [own, address]
            while len(addresses) < k:
                person = table[floor(r() * n_people)]
                address = f"{person[2]}@{domain or domains[floor(r() * n_domains)]}"
                if address not in addresses:
                    addresses.append(address)
            i, j = floor(r() * n_teams), floor(r() * (n_teams - 1))
            j += j >= i
            project, project_cap = projects[floor(r() * n_projects)]
            team, team_cap = teams[i]
            weekday = weekdays[floor(r() * n_weekdays)] if w_weekday else None
            time = times[floor(r() * n_times)] if w_time else None
            count = 5 + floor(r() * 60) if w_count else None
            week = 1 + floor(r() * 52) if w_week else None
            invoice = f"INV-{year}-{1000 + floor(r() * 9000)}" if w_invoice else None
            amount = f"{120 + floor(r() * 9000):,}.{floor(r() * 100):02d}" if w_amount else None
            order = f"#{100000 + floor(r() * 900000)}" if w_order else None
            slots = (reader[1], reader[0], project, project_cap, team, team_cap, teams[j][0],
                     weekday, time, count, week, invoice, amount, order)  # fmt: skip
            subject = subjects[floor(r() * len(subjects))](*slots)
            before, after = greetings[floor(r() * n_greetings)]
            text = bodies[floor(r() * len(bodies))](*slots)
            closing = closings[floor(r() * n_closings)]
            body = f"{before}{reader[0]}{after}{text}{closing}{writer[0]}"
            if as_json:
                to = '","'.join(addresses[1 : 1 + n_to])
                head = f'{{"to":["{to}"],"subject":"{subject}","body":"{body}"'
                if n_cc:
                    return head + ',"cc":["' + '","'.join(addresses[1 + n_to :]) + '"]}'
                return head + "}"
            args: dict[str, Any] = {
                "to": addresses[1 : 1 + n_to],
                "subject": subject,
                "body": body,
            }
            if n_cc:
                args["cc"] = addresses[1 + n_to :]
            return args, intent, slots, (writer[0], writer[1], own)

        return draw

    def call(self, rng: random.Random) -> tuple[dict[str, Any], Any]:
        args, intent, slots, sender = self._draw(rng)
        return args, (intent(*slots), sender)

    def compile_call_json(self) -> Callable[[random.Random], str]:
        if self._json_safe():
            return self._compile_draw(as_json=True)
        draw = self._draw
        return lambda rng: dumps(draw(rng)[0])

    def report(
        self, rng: random.Random, findings: list[str]
    ) -> tuple[dict[str, Any], Any, str] | None:
        people = self.people_
        sender, reader = people.people(rng, 2, people.domain(rng))
        subject = self.report_subject(rng)
        listing = "\n".join(f"- {f}" for f in findings)
        greeting = self.greeting(rng).format(to_first=reader[0])
        body = (
            f"{greeting}\n\nHere is a summary of what I found:\n\n{listing}\n\n"
            f"{self.closing(rng)}\n{sender[0]}"
        )
        args = {"to": [reader[2]], "subject": subject, "body": body}
        intent = f"email {reader[1]} a summary of the findings"
        return args, (intent, sender), intent

    def bad_call(self, rng: random.Random) -> tuple[dict[str, Any], Any, str]:
        args, ctx = self.call(rng)
        args["to"] = []
        return args, ctx, "at least one recipient is required in 'to'"

    def intent(self, args: dict[str, Any], ctx: Any) -> str:
        return ctx[0]

    def result(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> tuple[str, Outcome]:
        sender = ctx[1]
        domain = sender[2].rsplit("@", 1)[1]
        message_id = f"<{rng.getrandbits(64):016x}.{below(rng, 1 << 20)}@mail.{domain}>"
        cc = args.get("cc", [])
        content = dumps(
            {
                "status": "sent",
                "message_id": message_id,
                "to": args["to"],
                "cc": cc,
                "accepted": len(args["to"]) + len(cc),
            }
        )
        to = ", ".join(args["to"])
        outcome = Outcome(
            note=f"The email was accepted for delivery to {to} (message id {message_id}).",
            answer=f'I sent the email "{args["subject"]}" to {to}.',
            wrong=f"The email to {args['to'][0]} could not be delivered.",
        )
        return content, outcome

    def error(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> str:
        return error_content(*self.failure(rng))


# -- execute_query -----------------------------------------------------------------------


class _Table:
    def __init__(
        self, name: str, data: dict[str, Any], people: People, dates: Dates | None = None
    ) -> None:
        self.name = name
        #: The dates of the table's date and datetime columns (the year before them).
        self.dates_ = dates = dates or dates_for(REFERENCE_DATE)
        self.singular, self.plural = data["entity"]
        self.databases = tuple(data["databases"])
        self.columns: dict[str, dict[str, Any]] = data["columns"]
        kinds = {c: spec["kind"] for c, spec in self.columns.items()}
        self.enums = [c for c, k in kinds.items() if k == "enum"]
        self.dates = [c for c, k in kinds.items() if k in ("date", "datetime")]
        self.amounts = [c for c, k in kinds.items() if k in ("money", "salary")]
        self.fks = [
            c for c, k in kinds.items() if k == "fk" and self.columns[c]["table"] == "customers"
        ]
        self.fields = [c for c in self.columns if c != "id"]
        self.draw = {c: _value_fn(spec, people, dates) for c, spec in self.columns.items()}


def _value_fn(spec: dict[str, Any], people: People, dates: Dates) -> Callable[[random.Random], Any]:
    """A compiled draw of a value for a column of the given kind (dates from ``dates``)."""
    kind = spec["kind"]
    if kind == "id":
        return lambda rng: 1 + floor(rng.random() * 50_000)
    if kind == "fk":
        return lambda rng: 1 + floor(rng.random() * 20_000)
    if kind in ("enum", "label"):
        return chooser(spec["values"])
    if kind == "money":
        return lambda rng: round(5 + floor(rng.random() * 200_000) / 100, 2)
    if kind == "salary":
        return lambda rng: 40_000 + 500 * floor(rng.random() * 280)
    if kind == "count":
        return lambda rng: floor(rng.random() * 500)
    if kind == "bool":
        return lambda rng: rng.random() < 0.8
    if kind == "date":
        return dates.date_text
    if kind == "datetime":
        return dates.datetime_text
    if kind == "version":
        return lambda rng: f"v{1 + below(rng, 3)}.{below(rng, 21)}.{below(rng, 10)}"
    if kind == "name":
        return lambda rng: people.person(rng)[1]
    if kind == "email":
        return lambda rng: people.person(rng)[2]
    raise ValueError(f"database.json: unknown column kind {kind!r}")


_NO_COLUMNS: list[str] = []
_NO_FIXED: dict[str, Any] = {}
#: The read patterns (the first _READS of _PATTERNS) by weight, as pattern numbers.
_READ_OF: tuple[int, ...] = ()


class _Query:
    """A drawn SQL statement and what its answer must look like."""

    __slots__ = (
        "columns",
        "fixed",
        "intent",
        "limit",
        "order",
        "params",
        "shape",
        "sql",
        "table",
        "window",
    )

    def __init__(
        self,
        table: _Table,
        shape: str,
        sql: str,
        params: list[Any],
        intent: str,
        columns: list[str] = _NO_COLUMNS,
        fixed: dict[str, Any] = _NO_FIXED,
        window: tuple[str, str, str] | None = None,
        limit: int = 10,
        order: tuple[str, bool] | None = None,
    ) -> None:
        self.table = table
        self.shape = shape
        self.sql = sql
        self.params = params
        self.intent = intent
        self.columns = columns
        self.fixed = fixed
        self.window = window
        self.limit = limit
        #: ``(column, descending)`` of the statement's ORDER BY: rows come back sorted.
        self.order = order


#: The statement patterns and their weights; follow-ups use only the first six (reads).
_PATTERNS = (
    ("by_id", 14),
    ("recent", 20),
    ("window", 12),
    ("count_by", 14),
    ("total", 10),
    ("join", 10),
    ("update", 8),
    ("insert", 6),
    ("delete", 6),
)
_READS = 6
_READ_OF = tuple(i for i, (_, w) in enumerate(_PATTERNS[:_READS]) for _ in range(w))
_LIMITS = (5, 10, 10, 20, 25, 50)
_WINDOW_DAYS = (7, 14, 30, 90)

#: (table, shape, sql, params, intent, columns, fixed, window, limit[, order]), as _Query
#: takes them; or, from a pattern called with ``full=False``, only (table, sql, params)
QueryParts = tuple[Any, ...]
QueryFn = Callable[..., QueryParts]


def _compile_patterns(t: _Table, people: People) -> tuple[QueryFn | None, ...]:
    """The statement patterns over table ``t`` as compiled draws, in ``_PATTERNS`` order;
    None where the table lacks the columns a pattern needs (such a pattern draws
    nothing, and the caller draws another). A draw returns the fields of a ``_Query`` as
    a tuple: building the object is left to the callers that need it. Called with
    ``full=False``, it makes the same draws and returns only ``(table, sql, params)``,
    what a call's arguments show (their JSON is drawn without the intent and the rest)."""
    name, singular, plural = t.name, t.singular, t.plural
    columns, fields = t.columns, tuple(t.fields)
    n_fields = len(fields)
    all_columns = list(columns)
    star = ("*", all_columns)
    draw_value = t.draw
    draw_id = draw_value["id"]
    enums, n_enums = tuple(t.enums), len(t.enums)
    enum_draws = tuple(draw_value[c] for c in enums)
    n_limits = len(_LIMITS)
    # The select list "id, <2-4 distinct fields in table order>" is drawn as ``distinct``
    # draws it (a partial Fisher-Yates shuffle: j_i = i + int(u * (n - i))); every
    # sequence of the j_i is resolved once, here, into its text and columns.
    sizes = tuple(min(k, n_fields) for k in (2, 3, 4))
    chosen_lists: list[tuple[tuple[str, list[str]], ...]] = []
    for k in sizes:
        table = []
        for js in itertools.product(*(range(i, n_fields) for i in range(k))):
            pool = list(range(n_fields))
            for i, j in enumerate(js):
                pool[i], pool[j] = pool[j], pool[i]
            chosen = sorted(pool[:k])
            cols = ["id", *(fields[c] for c in chosen)]
            table.append((", ".join(cols), cols))
        chosen_lists.append(tuple(table))
    # index of js in the product above: mixed radix with digits (n - i), i = 1 .. k-1
    by_size = tuple(
        (tuple(range(n_fields - 1, n_fields - k, -1)), table)
        for k, table in zip(sizes, chosen_lists, strict=True)
    )

    def select(r: Callable[[], float]) -> tuple[str, list[str]]:
        if r() < 0.2:
            return star
        digits, table = by_size[floor(r() * 3)]
        key = floor(r() * n_fields)
        for d in digits:
            key = key * d + floor(r() * d)
        return table[key]

    def by_id(rng: random.Random, full: bool = True) -> QueryParts:
        sel, cols = select(rng.random)
        ident = draw_id(rng)
        sql = f"SELECT {sel} FROM {name} WHERE id = ?"
        if not full:
            return t, sql, [ident]
        return (
            t,
            "rows",
            sql,
            [ident],
            f"look up {singular} {ident}",
            cols,
            {"id": ident},
            None,
            1,
        )

    out: dict[str, QueryFn | None] = dict.fromkeys(p for p, _ in _PATTERNS)
    out["by_id"] = by_id
    if enums:
        order_by = t.dates[0] if t.dates else "id"

        def recent(rng: random.Random, full: bool = True) -> QueryParts:
            r = rng.random
            sel, cols = select(r)
            e = floor(r() * n_enums)
            col, value = enums[e], enum_draws[e](rng)
            n = _LIMITS[floor(r() * n_limits)]
            sql = f"SELECT {sel} FROM {name} WHERE {col} = ? ORDER BY {order_by} DESC LIMIT {n}"
            if not full:
                return t, sql, [value]
            return (
                t,
                "rows",
                sql,
                [value],
                f"list the {n} most recent {plural} with {col} '{value}'",
                cols,
                {col: value},
                None,
                n,
                (order_by, True),
            )

        def count_by(rng: random.Random, full: bool = True) -> QueryParts:
            col = enums[floor(rng.random() * n_enums)]
            sql = f"SELECT {col}, COUNT(*) AS count FROM {name} GROUP BY {col} ORDER BY count DESC"
            if not full:
                return t, sql, []
            return (
                t,
                "counts",
                sql,
                [],
                f"count the {plural} by {col}",
                [col, "count"],
                _NO_FIXED,
                None,
                10,
            )

        def update(rng: random.Random, full: bool = True) -> QueryParts:
            e = floor(rng.random() * n_enums)
            col, value, ident = enums[e], enum_draws[e](rng), draw_id(rng)
            sql = f"UPDATE {name} SET {col} = ? WHERE id = ?"
            if not full:
                return t, sql, [value, ident]
            return (
                t,
                "affected",
                sql,
                [value, ident],
                f"set the {col} of {singular} {ident} to '{value}'",
                _NO_COLUMNS,
                _NO_FIXED,
                None,
                10,
            )

        out["recent"], out["count_by"], out["update"] = recent, count_by, update
    year_start = t.dates_.year_start
    if t.dates:
        when = t.dates[0]

        def window(rng: random.Random, full: bool = True) -> QueryParts:
            r = rng.random
            sel, cols = select(r)
            day = year_start + floor(r() * 365)
            lo = dt.date.fromordinal(day).isoformat()
            hi = dt.date.fromordinal(
                min(day + _WINDOW_DAYS[floor(r() * 4)], year_start + 365)
            ).isoformat()
            n = _LIMITS[floor(r() * n_limits)]
            sql = (
                f"SELECT {sel} FROM {name} WHERE {when} >= ? AND {when} < ? ORDER BY {when} "
                f"LIMIT {n}"
            )
            if not full:
                return t, sql, [lo, hi]
            return (
                t,
                "rows",
                sql,
                [lo, hi],
                f"find the {plural} from {lo} to {hi}",
                cols,
                _NO_FIXED,
                (when, lo, hi),
                n,
                (when, False),
            )

        out["window"] = window
    if t.amounts and enums:
        amount = t.amounts[0]

        def total(rng: random.Random, full: bool = True) -> QueryParts:
            e = floor(rng.random() * n_enums)
            col, value = enums[e], enum_draws[e](rng)
            sql = f"SELECT SUM({amount}) AS total FROM {name} WHERE {col} = ?"
            if not full:
                return t, sql, [value]
            return (
                t,
                "total",
                sql,
                [value],
                f"add up the {amount} of all {plural} with {col} '{value}'",
                ["total"],
                {col: value},  # what the sum is over, for the answer
                None,
                10,
            )

        out["total"] = total
    if t.fks and enums:
        fk = t.fks[0]
        shown_by_enum = tuple(tuple(c for c in fields if c not in (fk, col)) for col in enums)

        def join(rng: random.Random, full: bool = True) -> QueryParts:
            r = rng.random
            e = floor(r() * n_enums)
            col, value = enums[e], enum_draws[e](rng)
            other = shown_by_enum[e]
            shown = other[floor(r() * len(other))] if other else col
            n = _LIMITS[floor(r() * n_limits)]
            sql = (
                f"SELECT x.id, c.name, c.email, x.{shown} FROM {name} AS x "
                f"JOIN customers AS c ON c.id = x.{fk} WHERE x.{col} = ? LIMIT {n}"
            )
            if not full:
                return t, sql, [value]
            return (
                t,
                "join",
                sql,
                [value],
                f"list the {plural} with {col} '{value}' together with each customer's name",
                ["id", "name", "email", shown],
                {col: value},
                None,
                n,
            )

        out["join"] = join
    insert_sql = f"INSERT INTO {name} ({', '.join(fields)}) VALUES ({', '.join('?' * n_fields)})"
    insert_intent = f"add a new {singular} to the {name} table"
    field_draws = tuple(draw_value[c] for c in fields)
    person_at = (
        (fields.index("name"), fields.index("email")) if {"name", "email"} <= set(fields) else None
    )
    person = people.person

    def insert(rng: random.Random, full: bool = True) -> QueryParts:
        params = [d(rng) for d in field_draws]
        if person_at is not None:  # one person's name and address
            _, full_name, email = person(rng)
            params[person_at[0]], params[person_at[1]] = full_name, email
        if not full:
            return t, insert_sql, params
        return (t, "inserted", insert_sql, params, insert_intent, _NO_COLUMNS, _NO_FIXED, None, 10)

    out["insert"] = insert
    if t.dates and enums:
        when = t.dates[0]

        def delete(rng: random.Random, full: bool = True) -> QueryParts:
            e = floor(rng.random() * n_enums)
            col, value = enums[e], enum_draws[e](rng)
            cutoff = dt.date.fromordinal(year_start + floor(rng.random() * 365)).isoformat()
            sql = f"DELETE FROM {name} WHERE {when} < ? AND {col} = ?"
            if not full:
                return t, sql, [cutoff, value]
            return (
                t,
                "affected",
                sql,
                [cutoff, value],
                f"delete the {plural} with {col} '{value}' from before {cutoff}",
                _NO_COLUMNS,
                _NO_FIXED,
                None,
                10,
            )

        out["delete"] = delete
    return tuple(out[p] for p, _ in _PATTERNS)


class ExecuteQuery(Behaviour):
    latency_ms = (4, 900)

    def __init__(self, spec: ToolSpec, people: People, reference: dt.date = REFERENCE_DATE) -> None:
        super().__init__(spec)
        self.people_ = people
        self.reference = reference
        self.dates_ = dates = dates_for(reference)
        tables = load_data("database.json")["tables"]
        self.tables = {n: _Table(n, d, people, dates) for n, d in tables.items()}
        # Most queries an agent runs return a handful of rows.
        self.row_count = weighted_chooser(
            [(0, 8), (1, 22), (2, 16), (3, 14), (4, 10), (5, 9), (6, 6), (8, 6), (10, 5), (12, 4)]
        )
        self.failure = chooser(
            [
                ("OperationalError", "database is locked"),
                ("OperationalError", "could not connect to server: Connection refused"),
                ("TransactionRollbackError", "deadlock detected"),
                ("OperationalError", "disk I/O error"),
            ]
        )
        self._patterns = {t.name: _compile_patterns(t, people) for t in self.tables.values()}
        self._rows_cache: dict[Any, Callable[..., list[list[Any]]]] = {}
        # per shape: the rows drawn so far and the plan of a row
        self._rows_seen: dict[Any, list[Any]] = {}
        self._query = self._compile_query()

    def _compile_query(self) -> Callable[[random.Random], QueryParts]:
        """A compiled draw of a statement: a pattern (by weight), then a table; a pattern
        the table does not support draws nothing, and another pattern is drawn."""
        by_table = _many(self._patterns[name] for name in self.tables)
        n_tables = len(by_table)
        # integer weights: a table of pattern numbers, as weighted_chooser picks them
        pattern_of = tuple(i for i, (_, w) in enumerate(_PATTERNS) for _ in range(w))
        n_weights = len(pattern_of)

        def query(rng: random.Random) -> QueryParts:
            r = rng.random
            while True:
                p = pattern_of[floor(r() * n_weights)]
                fn = by_table[floor(r() * n_tables)][p]
                if fn is not None:
                    return fn(rng)

        return query

    # Reads for follow-ups: an agent double-checks, it does not delete more.
    def _read_query(self, rng: random.Random, t: _Table) -> _Query | None:
        patterns = self._patterns[t.name]
        fn = patterns[_READ_OF[floor(rng.random() * len(_READ_OF))]]
        return None if fn is None else _Query(*fn(rng))

    def call(self, rng: random.Random) -> tuple[dict[str, Any], Any]:
        q = _Query(*self._query(rng))
        return self._args(rng, q), q

    @staticmethod
    def _args(rng: random.Random, q: _Query) -> dict[str, Any]:
        """The arguments of a call of ``q``: the SQL, the parameters (always when there
        are some), and most of the time the database."""
        args: dict[str, Any] = {"query": q.sql}
        if q.params or rng.random() < 0.3:
            args["params"] = q.params
        if rng.random() < 0.6:
            databases = q.table.databases
            args["database"] = databases[floor(rng.random() * len(databases))]
        return args

    def compile_call_json(self) -> Callable[[random.Random], str]:
        """The JSON of ``call``'s arguments in one function: a statement drawn as
        ``_compile_query`` draws it (a pattern, then a table, again while the table
        lacks the pattern) but made without its intent and answer shape (the patterns'
        ``full=False``), then the parameters and the database as ``call`` draws them.
        SQL is made of the tables' identifiers, numbers and punctuation, never a quote
        or a backslash (checked here), so it is pasted into the JSON as it is."""
        tables = self.tables.values()
        names = [t.name for t in tables] + [c for t in tables for c in t.columns]
        if not all(n.isidentifier() and n.isascii() for n in names):
            query = self._query
            return lambda rng: dumps(self._args(rng, _Query(*query(rng))))
        by_table = _many(self._patterns[t.name] for t in tables)
        n_tables = len(by_table)
        pattern_of = tuple(i for i, (_, w) in enumerate(_PATTERNS) for _ in range(w))
        n_weights = len(pattern_of)
        endings = {t: tuple(f',"database":{dumps(d)}}}' for d in t.databases) for t in tables}

        def draw(rng: random.Random) -> str:
            r = rng.random
            while True:
                p = pattern_of[floor(r() * n_weights)]
                fn = by_table[floor(r() * n_tables)][p]
                if fn is not None:
                    break
            t, sql, params = fn(rng, False)
            if params or r() < 0.3:
                text = f'{{"query":"{sql}","params":{dumps(params)}'
            else:
                text = f'{{"query":"{sql}"'
            if r() < 0.6:
                ends = endings[t]
                return text + ends[floor(r() * len(ends))]
            return text + "}"

        return draw

    def follow_up(
        self, rng: random.Random, args: dict[str, Any], ctx: Any
    ) -> tuple[dict[str, Any], Any]:
        for _ in range(20):
            q = self._read_query(rng, ctx.table)
            if q is not None and q.sql != ctx.sql:
                new: dict[str, Any] = {"query": q.sql}
                if q.params or "params" in args:
                    new["params"] = q.params
                if "database" in args:
                    new["database"] = args["database"]
                return new, q
        return self.call(rng)

    def bad_call(self, rng: random.Random) -> tuple[dict[str, Any], Any, str]:
        while True:
            args, q = self.call(rng)
            n = len(q.params)
            if n:
                args["params"] = q.params[:-1]
                return (
                    args,
                    q,
                    (
                        f"Incorrect number of bindings supplied. The current statement uses {n}, "
                        f"and there are {n - 1} supplied."
                    ),
                )

    def intent(self, args: dict[str, Any], ctx: Any) -> str:
        return ctx.intent

    def error(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> str:
        return error_content(*self.failure(rng))

    def timeout(self, args: dict[str, Any]) -> str:
        return error_content(
            "QueryCanceled", f"canceling statement due to statement timeout ({self.timeout_s} s)"
        )

    # -- answers -----------------------------------------------------------------------
    def result(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> tuple[str, Outcome]:
        q: _Query = ctx
        t = q.table
        if q.shape in ("rows", "join"):
            k = min(self.row_count(rng), q.limit) if q.limit > 1 else int(rng.random() < 0.9)
            rows = self._rows(rng, q, k) if k else []
            body = {"columns": q.columns, "rows": rows, "row_count": k}
            noun = t.singular if k == 1 else t.plural
            first = (
                f"; the first is {t.singular} {rows[0][0]}" if k and q.columns[0] == "id" else ""
            )
            wrong = k + 1 + below(rng, 5)  # a miscount (drawn here, after the rows)
            outcome = Outcome(
                note=f"The query returned {k} {noun} from {t.name}.",
                answer=f"The query found {k} {noun}{first}."
                if k
                else f"No {t.plural} matched the query.",
                wrong=f"The query found {wrong} {t.singular if wrong == 1 else t.plural}.",
            )
        elif q.shape == "counts":
            values = distinct(rng, t.columns[q.columns[0]]["values"], 2 + below(rng, 4))
            counts = sorted((below(rng, 900) + 1 for _ in values), reverse=True)
            rows = [[v, c] for v, c in zip(values, counts, strict=True)]
            body = {"columns": q.columns, "rows": rows, "row_count": len(rows)}
            listing = ", ".join(f"{v}: {c}" for v, c in rows)
            outcome = Outcome(
                note=f"The query returned counts for {len(rows)} {q.columns[0]} values.",
                answer=f"{cap(t.plural)} by {q.columns[0]}: {listing}.",
                wrong=f"{cap(t.plural)} by {q.columns[0]}: "
                f"{rows[0][0]}: {rows[0][1] + 1 + below(rng, 50)}.",
            )
        elif q.shape == "total":
            # SUM over the rows that match: a plausible number of them times a typical
            # value of the column (salaries add up to millions, order totals to thousands)
            rows = 2 + below(rng, 150)
            if t.columns[t.amounts[0]]["kind"] == "salary":
                total = float(rows * (40_000 + 500 * below(rng, 280)))
            else:
                total = round(rows * (5 + below(rng, 200_000) / 100), 2)
            body = {"columns": ["total"], "rows": [[total]], "row_count": 1}
            ((col, value),) = q.fixed.items()
            what = f"The {t.amounts[0]} of all {t.plural} with {col} '{value}'"
            outcome = Outcome(
                note=f"The query returned a total of {total:,.2f}.",
                answer=f"{what} adds up to {total:,.2f}.",
                wrong=f"{what} adds up to {total * 1.1 + 1:,.2f}.",
            )
        else:
            k = (
                1
                if q.shape == "inserted"
                else (below(rng, 40) if "DELETE" in q.sql else int(rng.random() < 0.92))
            )
            body = {"rows_affected": k}
            if q.shape == "inserted":
                body["last_insert_id"] = 1 + below(rng, 50_000)
            verb = {
                "inserted": "inserted",
                "affected": "deleted" if "DELETE" in q.sql else "updated",
            }[q.shape]
            outcome = Outcome(
                note=f"The statement {verb} {k} row{'s' if k != 1 else ''} in {t.name}.",
                answer=f"{k} row{'s' if k != 1 else ''} in {t.name} "
                f"{'were' if k != 1 else 'was'} {verb}.",
                wrong=f"{k + 2 + below(rng, 10)} rows in {t.name} were {verb}.",
            )
        return dumps(body), outcome

    def _rows(self, rng: random.Random, q: _Query, k: int) -> list[list[Any]]:
        """``k`` rows of ``q``'s columns, drawn as ``_row`` draws them.

        Queries of a shape seen a few times (the same table, columns, fixed columns and
        window) get their rows from generated code (``_compile_rows``); compiling costs
        about as much as fifty rows, so rare shapes follow their plan (``_row_plan``,
        made once per shape) column by column.
        """
        window = q.window
        key = (q.table.name, q.shape, tuple(q.columns), tuple(q.fixed), window and window[0])
        fn = self._rows_cache.get(key)
        if fn is None:
            seen = self._rows_seen.get(key)
            if seen is None:
                seen = self._rows_seen[key] = [0, self._row_plan(q)]
            seen[0] += k
            if seen[0] <= _COMPILE_AFTER:
                rows = self._planned_rows(rng, q, k, seen[1])
            else:
                fn = self._rows_cache[key] = self._compile_rows(q)
        if fn is not None:
            rows = fn(rng, k, q.fixed, window)
        if k > 1:
            _tidy(rng, q, rows)
        return rows

    def _row(self, rng: random.Random, q: _Query) -> list[Any]:
        """One row of ``q``'s columns (see ``_row_plan``)."""
        return self._planned_rows(rng, q, 1, self._row_plan(q))[0]

    def _row_plan(self, q: _Query) -> tuple[tuple[int, str, Any], ...]:
        """How a row of ``q`` draws its columns, in order: fixed values as they are, the
        window's column within it, the name and email of one person (drawn at the first
        of the two), else the column's own kind of value. One ``(how, column, what)`` per
        column, decided once for a shape of query: ``what`` is the window column's kind,
        the index of the person's field, or the column's draw."""
        t, fixed, window = q.table, q.fixed, q.window
        plan: list[tuple[int, str, Any]] = []
        person_drawn = False
        for col in q.columns:
            if col in fixed:
                plan.append((_FIXED, col, None))
            elif window is not None and col == window[0]:
                plan.append((_WINDOW, col, t.columns[col]["kind"]))
            elif col in ("name", "email") and (q.shape == "join" or t.columns[col]["kind"] == col):
                at = 1 if col == "name" else 2
                plan.append((_SAME_PERSON if person_drawn else _PERSON, col, at))
                person_drawn = True
            else:
                plan.append((_VALUE, col, t.draw[col]))
        return tuple(plan)

    def _planned_rows(
        self, rng: random.Random, q: _Query, k: int, plan: tuple[tuple[int, str, Any], ...]
    ) -> list[list[Any]]:
        """``k`` rows of ``q`` drawn by following ``plan`` (``_row_plan``)."""
        fixed, window, person = q.fixed, q.window, self.people_.person
        rows = []
        p: tuple[str, str, str] = ("", "", "")
        for _ in range(k):
            row: list[Any] = []
            append = row.append
            for how, col, what in plan:
                if how == _VALUE:
                    append(what(rng))
                elif how == _FIXED:
                    append(fixed[col])
                elif how == _PERSON:
                    p = person(rng)
                    append(p[what])
                elif how == _SAME_PERSON:
                    append(p[what])
                else:
                    append(_within(rng, window[1], window[2], what))
            rows.append(row)
        return rows

    def _compile_rows(self, q: _Query) -> Callable[..., list[list[Any]]]:
        """A compiled draw of ``k`` rows of queries shaped like ``q``: ``fn(rng, k, fixed,
        window)`` draws what ``k`` calls of ``_row`` draw, one expression per column of
        its plan (``_row_plan``)."""
        t = q.table
        env: dict[str, Any] = {
            "person": self.people_.person,
            "DAYS": self.dates_.days,
            "datetime_text": self.dates_.datetime_text,
            "hms": _hms,
            "fromordinal": dt.date.fromordinal,
            "fromisoformat": dt.date.fromisoformat,
            "floor": floor,
        }
        setup = []
        exprs = []
        for i, (how, col, what) in enumerate(self._row_plan(q)):
            if how == _FIXED:
                setup.append(f"F{i} = fixed[{col!r}]")
                exprs.append(f"F{i}")
            elif how == _WINDOW:
                setup.append("a = fromisoformat(window[1]).toordinal()")
                setup.append("span = fromisoformat(window[2]).toordinal() - a")
                day = "fromordinal(a + floor(r() * span)).isoformat()"
                if what == "date":
                    exprs.append(day)
                else:  # the day, then the time of day
                    exprs.append(f'f"{{{day}}}T{{hms(floor(r() * 86400))}}Z"')
            elif how == _PERSON:
                exprs.append(f"(p := person(rng))[{what}]")
            elif how == _SAME_PERSON:
                exprs.append(f"p[{what}]")
            else:
                exprs.append(_value_expr(t.columns[col], f"C{i}", env))
        body = "\n    ".join(["r = rng.random", *setup])
        source = (
            f"def rows(rng, k, fixed, window):\n    {body}\n"
            f"    return [[{', '.join(exprs)}] for _ in range(k)]\n"
        )
        exec(source, env)
        fn: Callable[..., list[list[Any]]] = env["rows"]
        return fn


def _tidy(rng: random.Random, q: _Query, rows: list[list[Any]]) -> None:
    """Make ``rows`` an answer a database could give to ``q``: ids drawn twice (a primary
    key repeated) are drawn again, and rows are sorted as the statement's ORDER BY asks
    when its column is among those selected."""
    columns = q.columns
    if columns[0] == "id" and "id" not in q.fixed:
        draw_id = q.table.draw["id"]
        seen: set[int] = set()
        for row in rows:
            while row[0] in seen:
                row[0] = draw_id(rng)
            seen.add(row[0])
    order = q.order
    if order is not None and order[0] in columns:
        j = columns.index(order[0])
        rows.sort(key=lambda row: row[j], reverse=order[1])


#: How ``_row_plan`` draws a column: a fixed value, a date in the window, a new person's
#: name or email, the same person's other field, or the column's own kind of value.
_FIXED, _WINDOW, _PERSON, _SAME_PERSON, _VALUE = range(5)

#: Rows of a shape of query are drawn by generated code once the shape has drawn more than
#: this many rows. Compiling a shape costs about as much as fifty rows drawn column by
#: column and saves about half of each later row, so it pays back after about a hundred
#: rows; most shapes of a 10,000-trace run draw fewer (compiling after four calls was
#: measured to double the time spent drawing rows in such a run).
_COMPILE_AFTER = 200


def _within(rng: random.Random, lo: str, hi: str, kind: str) -> str:
    """A date (or datetime) ``d`` with ``lo <= d < hi`` (ISO dates)."""
    a, b = dt.date.fromisoformat(lo).toordinal(), dt.date.fromisoformat(hi).toordinal()
    day = dt.date.fromordinal(a + floor(rng.random() * (b - a))).isoformat()
    if kind == "date":
        return day
    return f"{day}T{_hms(floor(rng.random() * 86400))}Z"


def _value_expr(spec: dict[str, Any], name: str, env: dict[str, Any]) -> str:
    """A Python expression (over ``r = rng.random`` and ``rng``) drawing what
    ``_value_fn(spec)`` draws; constants it needs are put in ``env`` under ``name``."""
    kind = spec["kind"]
    if kind == "id":
        return "1 + floor(r() * 50000)"
    if kind == "fk":
        return "1 + floor(r() * 20000)"
    if kind in ("enum", "label"):
        env[name] = values = tuple(spec["values"])
        return f"{name}[floor(r() * {len(values)})]" if len(values) > 1 else f"{name}[0]"
    if kind == "money":
        return "round(5 + floor(r() * 200000) / 100, 2)"
    if kind == "salary":
        return "40000 + 500 * floor(r() * 280)"
    if kind == "count":
        return "floor(r() * 500)"
    if kind == "bool":
        return "r() < 0.8"
    if kind == "date":
        return "DAYS[floor(r() * 365)]"
    if kind == "datetime":
        return "datetime_text(rng)"
    if kind == "version":
        return 'f"v{1 + floor(r() * 3)}.{floor(r() * 21)}.{floor(r() * 10)}"'
    if kind == "name":
        return "person(rng)[1]"
    if kind == "email":
        return "person(rng)[2]"
    raise ValueError(f"database.json: unknown column kind {kind!r}")


def _hms(seconds: int) -> str:
    """``HH:MM:SS`` of a number of seconds into a day."""
    return f"{seconds // 3600:02d}:{_MINUTES_SECONDS[seconds % 3600]}"


# -- file_operation ----------------------------------------------------------------------


_FILE_OPERATIONS = (("read", 40), ("list", 20), ("write", 25), ("delete", 15))


class FileOperation(Behaviour):
    latency_ms = (1, 120)
    timeout_s = 10

    def __init__(self, spec: ToolSpec, people: People, reference: dt.date = REFERENCE_DATE) -> None:
        super().__init__(spec)
        data = load_data("files.json")
        self.data = data
        self.reference = reference
        self.dates_ = dates_for(reference)
        self.people_ = people
        # A note names a colleague: synth's own one if the address book has them, else
        # the address book's first first name (a locale's most common).
        firsts = [f for f, _ in people.firsts]
        colleague = data["colleague"] if data["colleague"] in firsts else firsts[0]
        self.txt_lines = [line.format(colleague=colleague) for line in data["txt_lines"]]
        self.places = {k: chooser(v) for k, v in data["places"].items()}
        self.any_place = chooser(list(data["places"]))
        self.read_file = chooser([tuple(x) for x in data["read_files"]])
        self.read_by_place: dict[str, list[tuple[str, str]]] = {}
        for name, ext, place in data["read_files"]:
            self.read_by_place.setdefault(place, []).append((name, ext))
        self.write_file = chooser([tuple(x) for x in data["write_files"]])
        self.delete_file = chooser([tuple(x) for x in data["delete_files"]])
        self.encoding = weighted_chooser([tuple(x) for x in data["encodings"]])
        self.operation = weighted_chooser(_FILE_OPERATIONS)
        self.level = weighted_chooser([tuple(x) for x in data["log_levels"]])
        self.log_message = chooser(data["log_messages"])
        self.py = chooser(data["py_snippets"])
        # Names a listing can show that a follow-up may read, with their kind of content.
        kinds = {
            "md": "md",
            "txt": "txt",
            "yaml": "yaml",
            "csv": "csv",
            "py": "py",
            "json": "json",
            "log": "log",
        }
        self.listed_kinds = {
            n: kinds[n.rsplit(".", 1)[1]]
            for n in data["listing_names"]
            if "." in n[1:] and n.rsplit(".", 1)[1] in kinds
        }

        # each kind of place: its folder patterns, compiled (f-strings of user, project)
        self._folders = {
            place: _many(compile_format(t, ("user", "project")) for t in templates)
            for place, templates in data["places"].items()
        }
        self._target = self._compile_target()

    def _dir(self, rng: random.Random, place: str) -> tuple[str, str]:
        """A directory for files of kind ``place``, and the project it belongs to."""
        _, user = self.people_.first(rng)
        project = self.people_.project(rng)
        return self.places[place](rng).format(user=user, project=project), project

    def _compile_target(self) -> Callable[[random.Random], tuple[str, str, str, str, str, str]]:
        """A compiled draw of what a call works on: ``(operation, file name ("" for a
        listing), kind of content, kind of place, folder, project)``, drawn as ``call``
        has always drawn them (operation, file, then ``_dir``)."""
        data = self.data
        people = self.people_
        users = _many(u for _, u in people.firsts)
        projects = _many(people.projects)
        n_users, n_projects = len(users), len(projects)
        # each kind of place: its folder templates, compiled
        folders = self._folders
        ops = tuple(op for op, w in _FILE_OPERATIONS for _ in range(w))
        n_ops = len(ops)
        reads = _many((name, ext, place, folders[place]) for name, ext, place in data["read_files"])
        writes = _many(
            (name, ext, place, folders[place]) for name, ext, place in data["write_files"]
        )
        deletes = _many((name, "", place, folders[place]) for name, place in data["delete_files"])
        lists = _many(("", "", place, f) for place, f in folders.items())
        files = {"read": reads, "write": writes, "delete": deletes, "list": lists}

        def target(rng: random.Random) -> tuple[str, str, str, str, str, str]:
            r = rng.random
            op = ops[floor(r() * n_ops)]
            table = files[op]
            name, ext, place, templates = table[floor(r() * len(table))]
            user = users[floor(r() * n_users)]
            project = projects[floor(r() * n_projects)]
            return (
                op,
                name,
                ext,
                place,
                templates[floor(r() * len(templates))](user, project),
                project,
            )

        return target

    # The context of a call is a dict: the file's kind ("ext"), its project, whether the
    # call reports findings, and (after a listing) the names listed.
    def call(self, rng: random.Random) -> tuple[dict[str, Any], Any]:
        op, name, ext, place, folder, project = self._target(rng)
        path = f"{folder}/{name}" if name else folder
        args: dict[str, Any] = {"operation": op, "path": path}
        if op == "write":
            args["content"] = self._content(rng, ext, project)
        if rng.random() < 0.25:
            args["encoding"] = self.encoding(rng)
        return args, self._ctx(ext, project, place)

    def compile_call_json(self) -> Callable[[random.Random], str]:
        """The JSON of ``call``'s arguments in one function: the draws of ``_target``
        (operation, file, user, project, folder pattern), then a write's content and the
        encoding, as ``call`` makes them, the JSON written from pieces made once."""
        data, people, content = self.data, self.people_, self._content
        # Paths are made of names, lowercase user names and project slugs: nothing in
        # them needs escaping in JSON (checked here), so they are pasted in as they are.
        parts = [*data["places"].values(), people.projects, [u for _, u in people.firsts]]
        parts += [[f[0] for f in data[k]] for k in ("read_files", "write_files", "delete_files")]
        if not _plain(parts):
            return super().compile_call_json()
        users = _many(u for _, u in people.firsts)
        projects = _many(people.projects)
        n_users, n_projects = len(users), len(projects)
        ops = tuple(op for op, w in _FILE_OPERATIONS for _ in range(w))
        n_ops = len(ops)

        writers = self._compile_content_json()

        def writer(ext: str) -> Callable[[random.Random, str], str]:
            fast = writers.get(ext)
            return fast or (lambda rng, project: dumps(content(rng, ext, project)))

        def entry(op: str, name: str, place: str, write: Any = None) -> tuple[Any, ...]:
            # (the JSON up to the folder, the folder patterns, the rest of the path with
            # its closing quote, the content's writer: None but for a write)
            tail = f'/{name}"' if name else '"'
            return f'{{"operation":"{op}","path":"', self._folders[place], tail, write

        files = {
            "read": _many(entry("read", n, p) for n, _, p in data["read_files"]),
            "write": _many(entry("write", n, p, writer(e)) for n, e, p in data["write_files"]),
            "delete": _many(entry("delete", n, p) for n, p in data["delete_files"]),
            "list": _many(entry("list", "", p) for p in data["places"]),
        }
        endings = tuple(f',"encoding":{dumps(e)}}}' for e, w in data["encodings"] for _ in range(w))
        n_endings = len(endings)

        def draw(rng: random.Random) -> str:
            r = rng.random
            op = ops[floor(r() * n_ops)]
            table = files[op]
            head, folders, tail, write = table[floor(r() * len(table))]
            user = users[floor(r() * n_users)]
            project = projects[floor(r() * n_projects)]
            text = f"{head}{folders[floor(r() * len(folders))](user, project)}{tail}"
            if write is not None:
                text += ',"content":' + write(rng, project)
            if r() < 0.25:
                return text + endings[floor(r() * n_endings)]
            return text + "}"

        return draw

    def _compile_content_json(self) -> dict[str, Callable[[random.Random, str], str]]:
        """For the kinds of file a write makes (``md``, ``json``, ``csv``, ``txt``),
        ``(rng, project) -> dumps(self._content(rng, ext, project))``: the same draws, the
        JSON string written from pieces escaped once (a project's name and the people's
        names need no escaping, checked here; else that kind is left out)."""
        data, people = self.data, self.people_
        if not _plain(people.projects):
            return {}
        caps = {p: cap(p) for p in people.projects}
        md = tuple(dumps(line)[1:-1] for line in data["md_lines"])
        txt = tuple(dumps(line)[1:-1] for line in self.txt_lines)
        days = self.dates_.days

        def md_json(rng: random.Random, project: str) -> str:
            lines = distinct(rng, md, 2 + floor(rng.random() * 4))
            return f'"# {caps[project]} notes\\n\\n' + "\\n".join(lines) + '\\n"'

        def json_json(rng: random.Random, project: str) -> str:
            r = rng.random
            count = floor(r() * 500)
            ok = "true" if r() < 0.8 else "false"
            day = days[floor(r() * 365)]
            return (
                f'"{{\\"project\\":\\"{project}\\",\\"count\\":{count},'
                f'\\"ok\\":{ok},\\"updated\\":\\"{day}\\"}}"'
            )

        def txt_json(rng: random.Random, project: str) -> str:
            return '"' + "\\n".join(distinct(rng, txt, 1 + floor(rng.random() * 4))) + '\\n"'

        writers = {"md": md_json, "json": json_json, "txt": txt_json}
        table, n_people = people.table, len(people.table)
        # A row's person is ``people.person(rng)``: a pick, then its address's domain
        # (one draw when there are several domains).
        if len(people.domains) > 1 and _plain_people(people):

            def csv_json(rng: random.Random, project: str) -> str:
                r = rng.random
                rows = []
                for i in range(1, 2 + floor(r() * 5)):
                    full = table[floor(r() * n_people)][1]
                    r()  # the domain of the person's address, not shown
                    rows.append(f"{i},{full},{floor(r() * 100_000) / 100:.2f}")
                return '"id,name,amount\\n' + "\\n".join(rows) + '\\n"'

            writers["csv"] = csv_json
        return writers

    def report(
        self, rng: random.Random, findings: list[str]
    ) -> tuple[dict[str, Any], Any, str] | None:
        name = ("summary.md", "findings.md", "report.md")[floor(rng.random() * 3)]
        folder, project = self._dir(rng, "doc")
        path = f"{folder}/{name}"
        listing = "\n".join(f"- {f}" for f in findings)
        args = {"operation": "write", "path": path, "content": f"# Summary\n\n{listing}\n"}
        ctx = self._ctx("md", project, "doc", report=True)
        return args, ctx, f"save a summary of the findings to {path}"

    def follow_up(
        self, rng: random.Random, args: dict[str, Any], ctx: Any
    ) -> tuple[dict[str, Any], Any]:
        """Look around the earlier file: list its folder, or read a file the listing
        showed (or, without a listing, another file of the same kind of folder)."""
        path = args["path"]
        folder = path if args["operation"] == "list" else path.rsplit("/", 1)[0]
        if not folder.startswith("/"):
            return self._read_elsewhere(rng)
        project = ctx["project"]
        # The files the call and its follow-ups worked on (path -> size), shared by them:
        # nothing is read twice, a listing shows them, and the folder is listed once.
        seen = ctx["seen"]
        listed = [
            n
            for n in ctx["listing"] or ()
            if n in self.listed_kinds and f"{folder}/{n}" not in seen and f"{folder}/{n}" != path
        ]
        if listed:
            name = listed[floor(rng.random() * len(listed))]
            ext = self.listed_kinds[name]
        elif ctx["listing"] is not None:  # listed, and every file it showed has been read
            return self._read_elsewhere(rng)
        else:
            siblings = [
                f
                for f in self.read_by_place.get(ctx["place"], ())
                if f"{folder}/{f[0]}" != path and f"{folder}/{f[0]}" not in seen
            ]
            if args["operation"] == "list" or not siblings or rng.random() < 0.5:
                new = {"operation": "list", "path": folder}
                listing = self._ctx("", project, ctx["place"], seen=seen)
                listing["parent"] = ctx  # the call's own listing, for its later follow-ups
                return new, listing
            name, ext = siblings[floor(rng.random() * len(siblings))]
        new = {"operation": "read", "path": f"{folder}/{name}"}
        seen.setdefault(new["path"], None)
        return new, self._ctx(ext, project, ctx["place"], seen=seen)

    def _read_elsewhere(self, rng: random.Random) -> tuple[dict[str, Any], Any]:
        """A read of a file in another folder: what a follow-up does when the folder has
        nothing left to look at. Never a write or a delete: a follow-up looks around, it
        does not change files the task did not ask to change (a fresh ``call`` here
        deleted or overwrote files in 1.5% of traces)."""
        name, ext, place = self.read_file(rng)
        folder, project = self._dir(rng, place)
        return {"operation": "read", "path": f"{folder}/{name}"}, self._ctx(ext, project, place)

    @staticmethod
    def _ctx(
        ext: str,
        project: str,
        place: str,
        report: bool = False,
        seen: dict[str, int | None] | None = None,
    ) -> dict[str, Any]:
        return {
            "ext": ext,
            "project": project,
            "place": place,
            "report": report,
            "listing": None,
            "seen": {} if seen is None else seen,
        }

    def bad_call(self, rng: random.Random) -> tuple[dict[str, Any], Any, str]:
        args, ctx = self.call(rng)
        if args["operation"] == "write" and rng.random() < 0.5:
            del args["content"]
            return args, ctx, "content is required for operation 'write'"
        return self._relative(args, ctx)

    @staticmethod
    def _relative(args: dict[str, Any], ctx: Any) -> tuple[dict[str, Any], Any, str]:
        """``args`` with its path made relative (the tool rejects it), and the message."""
        relative = args["path"].split("/", 3)[-1]
        args["path"] = relative
        return args, ctx, f"path must be absolute, got '{relative}'"

    def bad_follow_up(
        self, rng: random.Random, args: dict[str, Any], ctx: Any
    ) -> tuple[dict[str, Any], Any, str]:
        """The follow-up's read or listing, rejected for a relative path."""
        return self._relative(*self.follow_up(rng, args, ctx))

    def intent(self, args: dict[str, Any], ctx: Any) -> str:
        op, path = args["operation"], args["path"]
        if op == "list":
            return f"list the files in {path}"
        if op == "write" and ctx["report"]:
            return f"save a summary of the findings to {path}"
        return f"{op} {path}"

    def _content(self, rng: random.Random, ext: str, project: str) -> str:
        if ext == "md":
            lines = distinct(rng, self.data["md_lines"], 2 + below(rng, 4))
            return f"# {cap(project)} notes\n\n" + "\n".join(lines) + "\n"
        if ext == "json":
            return dumps(
                {
                    "project": project,
                    "count": below(rng, 500),
                    "ok": rng.random() < 0.8,
                    "updated": self.dates_.date_text(rng),
                }
            )
        if ext == "csv":
            rows = [
                f"{i},{self.people_.person(rng)[1]},{below(rng, 100_000) / 100:.2f}"
                for i in range(1, 2 + below(rng, 5))
            ]
            return "id,name,amount\n" + "\n".join(rows) + "\n"
        if ext == "log":
            lines = []
            for _ in range(2 + below(rng, 5)):
                msg = self.log_message(rng).format(n=below(rng, 2000) + 3)
                lines.append(f"{self.dates_.datetime_text(rng)} {self.level(rng)} {msg}")
            return "\n".join(sorted(lines)) + "\n"
        if ext == "py":
            return "import json\n\n\n" + self.py(rng)
        if ext == "yaml":
            return (
                f"service: {project}\nport: {8000 + below(rng, 1000)}\n"
                f"log_level: {self.level(rng).lower()}\nreplicas: {1 + below(rng, 5)}\n"
            )
        if ext == "req":
            return "\n".join(distinct(rng, self.data["requirements"], 2 + below(rng, 4))) + "\n"
        return "\n".join(distinct(rng, self.txt_lines, 1 + below(rng, 4))) + "\n"

    def result(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> tuple[str, Outcome]:
        op, path = args["operation"], args["path"]
        encoding = args.get("encoding", "utf-8")
        if op == "read":
            text = self._content(rng, ctx["ext"], ctx["project"])
            size = ctx["seen"][path] = len(text.encode(encoding, "replace"))
            first = text.split("\n", 1)[0]
            body: dict[str, Any] = {
                "path": path,
                "encoding": encoding,
                "size_bytes": size,
                "content": text,
            }
            outcome = Outcome(
                note=f'{path} is {size} bytes long; it starts with "{first}".',
                answer=f'{path} ({size} bytes) starts with "{first}".',
                wrong=f"{path} is empty.",
            )
        elif op == "list":
            names = distinct(rng, self.data["listing_names"], 3 + below(rng, 6))
            # the files read or written in this folder before are there, as big as they were
            known = {
                p.rsplit("/", 1)[1]: size
                for p, size in ctx["seen"].items()
                if p.rsplit("/", 1)[0] == path
            }
            for name in known:
                if name not in names:
                    names.append(name)
            entries = [
                {"name": n, "type": "file", "size_bytes": 40 + below(rng, 60_000)}
                if "." in n[1:] or n == "Makefile"
                else {"name": n, "type": "directory"}
                for n in names
            ]
            for entry in entries:
                if known.get(entry["name"]) is not None:
                    entry["size_bytes"] = known[entry["name"]]
            parent = ctx.get("parent")
            if parent is not None:  # later follow-ups of the same call read from it
                parent["listing"] = names
            body = {"path": path, "entries": entries}
            ctx["listing"] = names
            outcome = Outcome(
                note=f"{path} contains {len(entries)} entries.",
                answer=f"{path} contains {len(entries)} entries, "
                f"including {names[0]} and {names[1]}.",
                wrong=f"{path} is empty.",
            )
        elif op == "write":
            size = ctx["seen"][path] = len(args["content"].encode(encoding, "replace"))
            body = {"status": "ok", "path": path, "bytes_written": size}
            what = "the summary" if ctx["report"] else path.rsplit("/", 1)[1]
            outcome = Outcome(
                note=f"The file was written ({size} bytes).",
                answer=f"I saved {what} to {path} ({size} bytes).",
                wrong=f"I could not write {path}.",
            )
        else:
            body = {"status": "ok", "path": path, "deleted": True}
            outcome = Outcome(
                note=f"{path} was deleted.",
                answer=f"I deleted {path}.",
                wrong=f"{path} does not exist, so nothing was deleted.",
            )
        return dumps(body), outcome

    def error(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> str:
        op, path = args["operation"], args["path"]
        if op == "read" or (op == "list" and rng.random() < 0.5):
            return error_content(
                "FileNotFoundError", f"[Errno 2] No such file or directory: '{path}'"
            )
        if rng.random() < 0.2:
            return error_content("OSError", f"[Errno 28] No space left on device: '{path}'")
        return error_content("PermissionError", f"[Errno 13] Permission denied: '{path}'")


BUILTIN_BEHAVIOURS = {
    "web_search": lambda spec, people, reference=REFERENCE_DATE: WebSearch(spec),
    "send_email": SendEmail,
    "execute_query": ExecuteQuery,
    "file_operation": FileOperation,
}
