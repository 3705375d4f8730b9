"""Generators for JSON Schema's ``format`` keyword.

Every value passes the format checker of the ``jsonschema`` package (all its optional
format libraries installed) for drafts 7 to 2020-12. Formats about people and places
(email, hostname, uri) draw from compiled Faker providers through :func:`synth.fake`;
dates and times lie between explicit bounds (the clock is never read).

:func:`format_gen` also honours ``minLength``/``maxLength`` by construction: each format
knows which lengths its values can have and how to build a valid value of an exact
length. A realistic value is drawn first; when it does not fit the bounds a value of a
length drawn among the allowed ones is built instead (no rejection loop).

Unknown formats are annotations (JSON Schema 2019-09 and later): :func:`format_gen`
returns ``None`` for them and the compiler generates as if the keyword were absent.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import random
import string
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from synth.core.errors import InvalidArgument, UnsatisfiableSchema
from synth.core.gen import DrawFn, Gen, check_gen
from synth.core.pretty import call_repr
from synth.core.primitives import (
    DEFAULT_MAX_DATE,
    DEFAULT_MAX_DATETIME,
    DEFAULT_MIN_DATE,
    DEFAULT_MIN_DATETIME,
    _below_fn,
    randbelow,
)
from synth.providers import fake

__all__ = ["DEFAULT_FORMATS", "FORMAT_NAMES", "format_gen", "format_lengths"]

Exact = Callable[[random.Random, int], str]

_LOWER = string.ascii_lowercase
_ALNUM = string.ascii_lowercase + string.digits
_HEX = "0123456789abcdef"
#: Without ``max_length``, built values are at most this much longer than the minimum.
LENGTH_SPAN = 32


def _chars(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join([alphabet[randbelow(rng, len(alphabet))] for _ in range(n)])


def _between(rng: random.Random, lo: int, hi: int) -> int:
    return lo + randbelow(rng, hi - lo + 1)


def _split(rng: random.Random, total: int, parts: int, lo: int, hi: int) -> list[int]:
    """``parts`` sizes in ``[lo, hi]`` summing to ``total`` (assumed feasible)."""
    sizes = [lo] * parts
    extra = total - lo * parts
    while extra:
        open_ = [i for i, s in enumerate(sizes) if s < hi]
        sizes[open_[randbelow(rng, len(open_))]] += 1
        extra -= 1
    return sizes


# -- values of an exact length -------------------------------------------------------------


def _label(rng: random.Random, n: int) -> str:
    """A DNS label of ``n`` (1-63) letters and digits, starting with a letter."""
    return _chars(rng, _LOWER, 1) + _chars(rng, _ALNUM, n - 1)


def _hostname_exact(rng: random.Random, n: int) -> str:
    """A hostname of ``n`` characters (1-253): labels of at most 63, alphabetic TLD."""
    if n <= 3:
        return _chars(rng, _LOWER, n)
    tld = _between(rng, 2, min(6, n - 2))
    rest = n - tld - 1
    labels = []
    while rest > 63:
        k = _between(rng, min(8, rest - 2), min(63, rest - 2))
        labels.append(_label(rng, k))
        rest -= k + 1
    labels.append(_label(rng, rest))
    labels.append(_chars(rng, _LOWER, tld))
    return ".".join(labels)


_SHORT_DOMAINS = ("example.com", "example.org", "example.net", "mail.com", "test.io", "x.io")


def _email_exact(rng: random.Random, n: int) -> str:
    if n >= 13:
        local = min(64, n - 12)  # a realistic domain (example.com) when there is room
    elif n >= 6:
        local = n - 1 - max(4, (n - 1) // 2)  # a domain with a dot: x.io, ab.com
    else:
        local = 1
    domain = n - 1 - local
    fitting = [d for d in _SHORT_DOMAINS if len(d) == domain]
    host = fitting[randbelow(rng, len(fitting))] if fitting else _hostname_exact(rng, domain)
    return _label(rng, local) + "@" + host


def _octet(rng: random.Random, digits: int) -> str:
    lo, hi = {1: (0, 9), 2: (10, 99), 3: (100, 255)}[digits]
    return str(_between(rng, lo, hi))


def _ipv4_exact(rng: random.Random, n: int) -> str:
    return ".".join(_octet(rng, d) for d in _split(rng, n - 3, 4, 1, 3))


def _ipv6_exact(rng: random.Random, n: int) -> str:
    if n >= 15:
        return ":".join(_chars(rng, _HEX, d) for d in _split(rng, n - 7, 8, 1, 4))
    if n == 2:
        return "::"
    # "::" followed by m groups: 2m+1 to 5m+1 characters.
    m = next(m for m in range(1, 8) if 2 * m + 1 <= n <= 5 * m + 1)
    groups = [_chars(rng, _HEX, d) for d in _split(rng, n - 2 - (m - 1), m, 1, 4)]
    return "::" + ":".join(groups)


def _path_exact(rng: random.Random, n: int) -> str:
    """``/`` followed by non-empty segments of letters and digits, ``n`` >= 1 characters."""
    out = ["/"]
    rest = n - 1
    while rest:
        k = min(rest, _between(rng, 1, 10))
        if rest - k == 1:
            k += 1
        out.append(_label(rng, k))
        rest -= k
        if rest:
            out.append("/")
            rest -= 1
    return "".join(out)


def _uri_exact(rng: random.Random, n: int) -> str:
    if n < 5:
        return "a:" + _chars(rng, _LOWER, n - 2)
    if n < 13:
        return "urn:" + _chars(rng, _ALNUM, n - 4)
    rest = n - len("https://")
    if rest <= 40:
        return "https://" + _hostname_exact(rng, rest)
    host = _between(rng, 8, 20)
    return "https://" + _hostname_exact(rng, host) + _path_exact(rng, rest - host)


def _uri_reference_exact(rng: random.Random, n: int) -> str:
    if n == 0:
        return ""
    if n >= 13 and rng.random() < 0.5:
        return _uri_exact(rng, n)
    return _path_exact(rng, n)


def _json_pointer_exact(rng: random.Random, n: int) -> str:
    return "" if n == 0 else _path_exact(rng, n)


def _relative_json_pointer_exact(rng: random.Random, n: int) -> str:
    return str(randbelow(rng, 10)) + _json_pointer_exact(rng, n - 1)


def _regex_exact(rng: random.Random, n: int) -> str:
    if n >= 2 and rng.random() < 0.5:
        return "^" + _chars(rng, _ALNUM, n - 2) + "$"
    return _chars(rng, _ALNUM, n)


def _duration_exact(rng: random.Random, n: int) -> str:
    return "P" + _chars(rng, "123456789", 1) + _chars(rng, string.digits, n - 3) + "D"


def _fraction(rng: random.Random, digits: int) -> str:
    return "." + _chars(rng, string.digits, digits) if digits else ""


_OFFSETS = ("+00:00", "+01:00", "+02:00", "-05:00", "-08:00", "+05:30", "+09:00", "-03:00")


def _zone_options(n: int, base: int) -> list[tuple[str, int]]:
    """Ways to reach ``n`` characters from ``base``: (zone kind, fraction digits)."""
    options = []
    for zone, width in (("Z", 1), ("offset", 6)):
        rest = n - base - width
        if rest == 0 or rest >= 2:
            options.append((zone, max(0, rest - 1)))
    return options


def _zone(rng: random.Random, kind: str) -> str:
    return "Z" if kind == "Z" else _OFFSETS[randbelow(rng, len(_OFFSETS))]


def _moment(rng: random.Random) -> dt.datetime:
    span = int((DEFAULT_MAX_DATETIME - DEFAULT_MIN_DATETIME).total_seconds())
    return DEFAULT_MIN_DATETIME + dt.timedelta(seconds=randbelow(rng, span + 1))


def _datetime_exact(rng: random.Random, n: int) -> str:
    options = _zone_options(n, 19)
    kind, digits = options[randbelow(rng, len(options))]
    return _moment(rng).isoformat() + _fraction(rng, digits) + _zone(rng, kind)


def _time_exact(rng: random.Random, n: int) -> str:
    options = _zone_options(n, 8)
    kind, digits = options[randbelow(rng, len(options))]
    return _moment(rng).time().isoformat() + _fraction(rng, digits) + _zone(rng, kind)


def _uuid_exact(rng: random.Random, n: int) -> str:
    return _spec_table()["uuid"].gen._fn(rng)


def _date_exact(rng: random.Random, n: int) -> str:
    return _spec_table()["date"].gen._fn(rng)


# -- realistic values ----------------------------------------------------------------------


def _uuid4_fn() -> Callable[[random.Random], str]:
    """``str(uuid)`` of ``uuids()`` values (the same draw), formatted without a UUID object."""
    clear = ~(0xC000 << 48) & ~(0xF000 << 64)
    stamp = (0x8000 << 48) | (4 << 76)

    def uuid4(rng: random.Random) -> str:
        h = "%032x" % ((rng.getrandbits(128) & clear) | stamp)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    return uuid4


class _Clock:
    """ISO 8601 pieces of the default date range, as tables: a draw of a date or a time
    of day is an index, not a ``datetime`` object (the same draws as ``dates()`` and as
    ``DEFAULT_MIN_DATETIME + timedelta(seconds=...)``)."""

    def __init__(self) -> None:
        first, last = DEFAULT_MIN_DATE.toordinal(), DEFAULT_MAX_DATE.toordinal()
        if (
            DEFAULT_MIN_DATETIME != dt.datetime.combine(DEFAULT_MIN_DATE, dt.time())
            or (_SECONDS - 1) // 86400 > last - first
        ):
            raise AssertionError("the default date and datetime ranges disagree")
        fromordinal = dt.date.fromordinal
        self.days = tuple(fromordinal(o).isoformat() for o in range(first, last + 1))
        self.minutes = tuple(f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60))
        self.t_minutes = tuple("T" + m for m in self.minutes)
        self.seconds = tuple(f"{s:02d}" for s in range(60))
        self.millis = tuple(f".{i:03d}" for i in range(1000))

    def date_fn(self) -> Callable[[random.Random], str]:
        days, below = self.days, _below_fn(len(self.days))
        return lambda rng: days[below(rng)]

    def stamp_fn(self, with_date: bool) -> Callable[[random.Random], str]:
        """Realistic date-times (``with_date``) or times: a second of the default range,
        milliseconds one time in four, then ``Z`` or an offset."""
        days, seconds, millis, offsets = self.days, self.seconds, self.millis, _OFFSETS
        minutes = self.t_minutes if with_date else self.minutes
        below_seconds, below_millis = _below_fn(_SECONDS), _below_fn(1000)
        below_offsets = _below_fn(len(offsets))

        def stamp(rng: random.Random) -> str:
            day, second = divmod(below_seconds(rng), 86400)
            minute, second = divmod(second, 60)
            text = minutes[minute] + seconds[second]
            if with_date:
                text = days[day] + text
            if not rng.getrandbits(2):  # randbelow(rng, 4) == 0
                text += millis[below_millis(rng)]
            return text + ("Z" if rng.random() < 0.5 else offsets[below_offsets(rng)])

        return stamp


_SUBDOMAINS = ("www", "api", "mail", "app", "cdn", "static", "dev", "shop", "docs")
_IDN_LABELS = ("münchen", "bücher", "café", "straße", "köln", "zürich", "東京", "例え", "пример")
_IDN_TLDS = ("de", "ch", "com", "jp", "org", "net")
_UNICODE_WORDS = ("café", "über", "niño", "東京", "документы", "straße", "résumé", "ñandú")
_TEMPLATE_EXPRESSIONS = ("{id}", "{+path}", "{/segments*}", "{name}", "{user_id}", "{#section}")
_TEMPLATE_QUERIES = ("", "{?page,limit}", "{?q}", "{&offset}", "{?fields*}")
_REGEX_PIECES = (
    r"[a-z]+",
    r"\d{3}",
    r"[A-Z]{2,4}",
    r"\w+",
    r"(foo|bar)",
    r"\s*",
    r"[0-9a-f]{8}",
    r"-",
    r"\.",
    r"@",
    r"(?:x|y)?",
    r"[^/]+",
)
_SECONDS = int((DEFAULT_MAX_DATETIME - DEFAULT_MIN_DATETIME).total_seconds()) + 1


def _pick(rng: random.Random, options: tuple[str, ...]) -> str:
    return options[randbelow(rng, len(options))]


class _Realistic:
    """Draw functions for the realistic values of each format.

    Faker-backed parts (domain names, words) are compiled once, here, so a draw is a
    chain of plain function calls.
    """

    def __init__(self) -> None:
        self.domain = fake("domain_name")._fn
        self.word = fake("word")._fn
        clock = _Clock()
        self.date = clock.date_fn()
        self.date_time = clock.stamp_fn(with_date=True)
        self.time = clock.stamp_fn(with_date=False)
        self.uuid = _uuid4_fn()

    def hostname(self, rng: random.Random) -> str:
        domain = self.domain(rng)
        return f"{_pick(rng, _SUBDOMAINS)}.{domain}" if rng.random() < 0.5 else domain

    def idn_hostname(self, rng: random.Random) -> str:
        if rng.random() < 0.5:
            return self.hostname(rng)
        return f"{_pick(rng, _IDN_LABELS)}.{_pick(rng, _IDN_TLDS)}"

    def path(self, rng: random.Random, unicode: bool = False) -> str:
        words = [self.word(rng) for _ in range(randbelow(rng, 4))]
        if unicode and words:
            words[-1] = _pick(rng, _UNICODE_WORDS)
        if words and rng.random() < 0.5:
            words.append(str(randbelow(rng, 100)))
        return "/" + "/".join(words)

    def query(self, rng: random.Random) -> str:
        return "" if rng.random() < 0.5 else f"?{self.word(rng)}={randbelow(rng, 100)}"

    def uri(self, rng: random.Random, unicode: bool = False) -> str:
        host = self.idn_hostname(rng) if unicode else self.hostname(rng)
        scheme = "https" if randbelow(rng, 4) else "http"
        return f"{scheme}://{host}{self.path(rng, unicode)}{self.query(rng)}"

    def iri(self, rng: random.Random) -> str:
        return self.uri(rng, unicode=rng.random() < 0.5)

    def uri_reference(self, rng: random.Random, unicode: bool = False) -> str:
        kind = randbelow(rng, 4)
        if kind == 0:
            return self.uri(rng, unicode)
        if kind == 1:
            return self.path(rng, unicode) + self.query(rng)
        if kind == 2:
            return "../" + self.path(rng, unicode).lstrip("/")
        return "#" + self.word(rng)

    def iri_reference(self, rng: random.Random) -> str:
        return self.uri_reference(rng, unicode=rng.random() < 0.5)

    def uri_template(self, rng: random.Random) -> str:
        segments = [self.word(rng) for _ in range(randbelow(rng, 4))]
        path = "/".join([*segments, _pick(rng, _TEMPLATE_EXPRESSIONS)])
        return f"https://{self.hostname(rng)}/{path}{_pick(rng, _TEMPLATE_QUERIES)}"

    def json_pointer(self, rng: random.Random) -> str:
        tokens = []
        for _ in range(randbelow(rng, 4)):
            kind = randbelow(rng, 4)
            if kind == 0:
                tokens.append(str(randbelow(rng, 100)))
            elif kind == 1:  # escaped "~" and "/"
                tokens.append(self.word(rng) + _pick(rng, ("~0", "~1")) + self.word(rng))
            else:
                tokens.append(self.word(rng))
        return "".join("/" + t for t in tokens)

    def relative_json_pointer(self, rng: random.Random) -> str:
        # Up to two digits: jsonschema 4.26 rejects any digit that follows a 0 ("100").
        up = str(randbelow(rng, 100))
        return up + ("#" if randbelow(rng, 4) == 0 else self.json_pointer(rng))

    @staticmethod
    def regex(rng: random.Random) -> str:
        body = "".join(_pick(rng, _REGEX_PIECES) for _ in range(1 + randbelow(rng, 4)))
        return ("^" + body + "$") if rng.random() < 0.5 else body

    @staticmethod
    def duration(rng: random.Random) -> str:
        n = randbelow(rng, 100) + 1
        kind = randbelow(rng, 6)
        if kind == 0:
            return f"P{n}D"
        if kind == 1:
            return f"PT{n % 24}H{randbelow(rng, 60)}M"
        if kind == 2:
            return f"P{n % 5}Y{n % 12}M{n % 28}D"
        if kind == 3:
            return f"P{n % 52 + 1}W"
        if kind == 4:
            return f"PT{randbelow(rng, 60)}M{randbelow(rng, 60)}S"
        return f"P{n % 30}DT{n % 24}H"

    @staticmethod
    def ipv4(rng: random.Random) -> str:
        return ".".join(str(rng.getrandbits(8)) for _ in range(4))

    @staticmethod
    def ipv6(rng: random.Random) -> str:
        address = ipaddress.IPv6Address(rng.getrandbits(128))
        kind = randbelow(rng, 4)
        if kind == 0:
            return address.exploded
        if kind == 1:  # a short, compressed address like 2001:db8::1f
            prefix = _pick(rng, ("2001:db8", "fe80", "fd00", "2a00:1450"))
            return f"{prefix}::{rng.getrandbits(8):x}"
        return str(address)


@attrs.frozen(repr=False)
class _Drawn(Gen[str]):
    """A realistic-value draw function of a format; its repr names the function."""

    label: str
    fn: Callable[[random.Random], str] = attrs.field(eq=False)

    def _compile(self) -> DrawFn:
        return self.fn

    def _default_repr(self) -> str:
        return self.label


# -- the format table ----------------------------------------------------------------------


@attrs.frozen
class _Spec:
    """A format: its realistic generator, the lengths its values can have, and a builder
    of a valid value of an exact length."""

    gen: Gen[str]
    exact: Exact
    min_len: int
    max_len: int | None = None
    gaps: frozenset[int] = frozenset()
    #: Built values prefer at least this length when the bounds allow (x.io, not x).
    preferred_min: int = 0

    def allows(self, n: int) -> bool:
        return (
            n >= self.min_len and (self.max_len is None or n <= self.max_len) and n not in self.gaps
        )


def _specs() -> dict[str, _Spec]:
    r = _Realistic()

    def drawn(name: str) -> Gen[str]:
        return _Drawn(f"realistic_{name.replace('-', '_')}", getattr(r, name.replace("-", "_")))

    email = fake("email")
    hostname = _Spec(drawn("hostname"), _hostname_exact, 1, 253, preferred_min=4)
    ipv4 = _Spec(drawn("ipv4"), _ipv4_exact, 7, 15)
    table = {
        "email": _Spec(email, _email_exact, 3, 318, preferred_min=6),
        "idn-email": _Spec(email, _email_exact, 3, 318, preferred_min=6),
        "hostname": hostname,
        "idn-hostname": _Spec(drawn("idn-hostname"), _hostname_exact, 1, 253, preferred_min=4),
        "ipv4": ipv4,
        "ipv6": _Spec(drawn("ipv6"), _ipv6_exact, 2, 39),
        "uri": _Spec(drawn("uri"), _uri_exact, 2),
        "uri-reference": _Spec(drawn("uri-reference"), _uri_reference_exact, 0),
        "iri": _Spec(drawn("iri"), _uri_exact, 2),
        "iri-reference": _Spec(drawn("iri-reference"), _uri_reference_exact, 0),
        "uri-template": _Spec(drawn("uri-template"), _uri_reference_exact, 0),
        # The same values as uuids().map(str) and dates().map(date.isoformat).
        "uuid": _Spec(_Drawn("uuids().map(str)", r.uuid), _uuid_exact, 36, 36),
        "date": _Spec(_Drawn("dates().map(date.isoformat)", r.date), _date_exact, 10, 10),
        "date-time": _Spec(drawn("date-time"), _datetime_exact, 20, None, frozenset({21})),
        "time": _Spec(drawn("time"), _time_exact, 9, None, frozenset({10})),
        "duration": _Spec(drawn("duration"), _duration_exact, 3),
        "json-pointer": _Spec(drawn("json-pointer"), _json_pointer_exact, 0),
        "relative-json-pointer": _Spec(
            drawn("relative-json-pointer"), _relative_json_pointer_exact, 1
        ),
        "regex": _Spec(drawn("regex"), _regex_exact, 0),
    }
    # Draft 3 names of the same formats.
    table["host-name"] = hostname
    table["ip-address"] = ipv4
    return table


_table: dict[str, _Spec] = {}
_table_lock = threading.Lock()


def _spec_table() -> dict[str, _Spec]:
    """The format table, built on first use (building compiles Faker providers)."""
    if not _table:
        with _table_lock:
            if not _table:
                _table.update(_specs())
    return _table


_NAMES = (
    "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6", "uri", "uri-reference",
    "iri", "iri-reference", "uri-template", "uuid", "date", "date-time", "time", "duration",
    "json-pointer", "relative-json-pointer", "regex", "host-name", "ip-address",
)  # fmt: skip

#: The names of the formats synth generates out of the box.
FORMAT_NAMES: frozenset[str] = frozenset(_NAMES)


_POOL_DRAWS = 2000
_pools: dict[int, tuple[Gen[str], tuple[str, ...]]] = {}


def realistic_pool(gen: Gen[str]) -> tuple[str, ...]:
    """Distinct values of ``gen``, drawn once with a fixed seed and kept (sorted)."""
    entry = _pools.get(id(gen))
    if entry is None:
        draw = gen._fn
        rng = random.Random(0)
        entry = (gen, tuple(sorted({draw(rng) for _ in range(_POOL_DRAWS)})))
        _pools[id(gen)] = entry
    return entry[1]


@attrs.frozen(repr=False)
class PickFitting:
    """Builds "a value of length n" by picking among realistic values that fit the bounds."""

    values: tuple[str, ...]

    def __call__(self, rng: random.Random, n: int) -> str:
        return self.values[randbelow(rng, len(self.values))]


def length_bounded(
    natural: DrawFn,
    exact: Exact | None,
    lengths: tuple[int, ...],
    min_length: int | None,
    max_length: int | None,
) -> DrawFn:
    """Draw ``natural``; when its value's length is outside the bounds, build one of a
    length drawn from ``lengths`` with ``exact`` instead (shared by formats and
    realistic names)."""
    if exact is None or not lengths:
        return natural
    lo = min_length or 0
    hi = max_length if max_length is not None else float("inf")
    below = _below_fn(len(lengths))

    def draw(rng: random.Random) -> str:
        value = natural(rng)
        if lo <= len(value) <= hi:
            return value
        return exact(rng, lengths[below(rng)])

    return draw


@attrs.frozen(repr=False)
class LengthBounded(Gen[str]):
    """Strings of ``gen`` for ``label``, optionally of a length in ``[min_length,
    max_length]`` (drawn by :func:`length_bounded`). Subclasses name the factory that
    builds them, for their repr: ``factory(label, min_length=..., max_length=...)``."""

    label: str
    gen: Gen[str]
    exact: Exact | None = attrs.field(default=None, eq=False)
    lengths: tuple[int, ...] = ()
    min_length: int | None = None
    max_length: int | None = None

    factory_name = ""

    def _compile(self) -> DrawFn:
        return length_bounded(
            self.gen._fn, self.exact, self.lengths, self.min_length, self.max_length
        )

    def children(self) -> tuple[Gen[Any], ...]:
        return (self.gen,)

    def _default_repr(self) -> str:
        kwargs = {
            k: v
            for k, v in (("min_length", self.min_length), ("max_length", self.max_length))
            if v is not None
        }
        return call_repr(self.factory_name, (self.label,), kwargs)


@attrs.frozen(repr=False)
class _Format(LengthBounded):
    """Values of a named format, optionally of a length in ``[min_length, max_length]``."""

    factory_name = "format_gen"


#: Read-only mapping of format name to its default generator (no length bounds).
class _DefaultFormats(Mapping[str, Gen[str]]):
    """Read-only mapping of format name to generator; generators are built on first use."""

    def __init__(self) -> None:
        self._gens: dict[str, Gen[str]] = {}

    def __getitem__(self, name: str) -> Gen[str]:
        gen = self._gens.get(name)
        if gen is None:
            if name not in FORMAT_NAMES:
                raise KeyError(name)
            gen = self._gens.setdefault(name, _Format(name, _spec_table()[name].gen))
        return gen

    def __iter__(self) -> Iterator[str]:
        return iter(_NAMES)

    def __len__(self) -> int:
        return len(_NAMES)

    def __repr__(self) -> str:
        return f"DEFAULT_FORMATS({', '.join(_NAMES)})"


DEFAULT_FORMATS: Mapping[str, Gen[str]] = _DefaultFormats()


def format_lengths(name: str) -> tuple[int, int | None] | None:
    """The shortest and longest (``None``: no limit) value of a built-in format."""
    spec = _spec_table().get(name)
    return None if spec is None else (spec.min_len, spec.max_len)


@attrs.frozen
class _LengthBetween:
    """Predicate for user formats: ``min_length <= len(value) <= max_length``."""

    min_length: int
    max_length: float

    def __call__(self, value: str) -> bool:
        return self.min_length <= len(value) <= self.max_length

    def __repr__(self) -> str:
        return f"length_between({self.min_length}, {self.max_length})"


def _check_length(value: Any, arg: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidArgument(
            f"format_gen() expects {arg} to be a non-negative int or None, got {arg}={value!r}"
        )


def format_gen(
    name: str,
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    formats: Mapping[str, Gen[str]] | None = None,
) -> Gen[str] | None:
    """A generator of strings valid for the JSON Schema format ``name``, or ``None``.

    ``None`` means the format is unknown: from 2019-09 on, an unknown ``format`` is an
    annotation, so the compiler generates as if it were absent. ``formats`` maps names to
    your own generators; they extend and override the built-in ones
    (``formats={"sku": from_regex(r"[A-Z]{3}-\\d{4}")}``).

    ``min_length``/``max_length`` (code points) hold by construction for built-in formats.
    A format whose values can never have such a length raises ``UnsatisfiableSchema``
    (keyword ``format``; the compiler sets the pointer). Your own generators are filtered
    to the bounds (bounded tries, then ``Unsatisfiable`` when drawing).
    """
    if not isinstance(name, str):
        raise InvalidArgument(f"format_gen() expects name to be a str, got name={name!r}")
    _check_length(min_length, "min_length")
    _check_length(max_length, "max_length")
    if min_length == 0:
        min_length = None  # the same as no lower bound
    bounded = min_length is not None or max_length is not None
    lo = min_length or 0
    if max_length is not None and lo > max_length:
        raise UnsatisfiableSchema(
            f"format {name!r}: minLength={lo} is above maxLength={max_length}",
            keyword="format",
        )
    if formats is not None and name in formats:
        gen = check_gen(formats[name], "format_gen", f"formats[{name!r}]")
        if not bounded:
            return gen
        return gen.filter(_LengthBetween(lo, float("inf") if max_length is None else max_length))
    spec = _spec_table().get(name)
    if spec is None:
        return None
    if not bounded:
        return DEFAULT_FORMATS[name]
    top = spec.max_len if spec.max_len is not None else lo + LENGTH_SPAN + 64
    if max_length is not None:
        top = min(top, max_length)
    lengths = tuple(n for n in range(max(lo, spec.min_len), top + 1) if spec.allows(n))
    if not lengths:
        longest = "any length" if spec.max_len is None else f"at most {spec.max_len} characters"
        raise UnsatisfiableSchema(
            f"format {name!r} values have at least {spec.min_len} and {longest}"
            + (f" (never {sorted(spec.gaps)})" if spec.gaps else "")
            + f"; no value fits minLength={lo}, maxLength={max_length}",
            keyword="format",
        )
    preferred = tuple(n for n in lengths if n >= spec.preferred_min)
    lengths = preferred or lengths
    if max_length is None:
        # Built values stay near the minimum; realistic ones may be longer.
        lengths = lengths[: LENGTH_SPAN + 1]
    # Enough realistic values fit the bounds: pick among them instead of building.
    hi = float("inf") if max_length is None else max_length
    fitting = tuple(v for v in realistic_pool(spec.gen) if lo <= len(v) <= hi)
    exact = PickFitting(fitting) if len(fitting) >= 20 else spec.exact
    return _Format(name, spec.gen, exact, lengths, min_length, max_length)
