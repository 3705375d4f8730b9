"""Text templates: ``{placeholder}`` text compiled into generator trees.

Syntax (the whole language; templates can never run code):

* Literal text is copied. ``{{`` and ``}}`` are literal braces (code with dict
  comprehensions: ``{{k: v for k, v in pairs}}``).
* ``{name}`` is a *bound* value: drawn once per sample and repeated wherever ``{name}``
  appears in that sample (the customer's email is the same in turn 2 and turn 7).
* ``{name:args}`` calls a provider with arguments and draws a fresh value at each
  occurrence: ``{int:1-5}``, ``{choice:yes|no|maybe}``, ``{numerify:######}``.
* ``{label=name:args}`` draws once and binds the value to ``label``; ``{label}`` anywhere in
  the same sample repeats it: ``order #{order_id=numerify:######}`` ... ``#{order_id}``.
* ``!filter`` after the name changes how the value is shown (not the bound value):
  ``{first_name!lower}``; filters: lower, upper, title, capitalize, slug.
* A value can have several phrasings: pass a list of texts and one is picked per sample.

Names resolve, in order, to labels defined in the same template, then the template's own
``vocab`` (lists of phrasings, which may contain placeholders themselves), then the
:class:`Registry` (user providers, built-ins, compiled Faker providers, JSON Schema
formats). An unknown name is a :class:`~synth.TemplateError` at compile time, with
``line:column`` and the closest known names.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import itertools
import math
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

import attrs

from synth.core.combinators import _SampledFrom, sampled_from
from synth.core.errors import InvalidArgument, TemplateError
from synth.core.gen import DrawFn, Gen
from synth.core.pretty import call_repr
from synth.core.primitives import _below_fn, integers, uuids

__all__ = [
    "DEFAULT_REFERENCE_TIME",
    "FILTERS",
    "ProviderFactory",
    "Registry",
    "Renderer",
    "Template",
    "compile_texts",
    "compile_together",
    "default_registry",
    "from_template",
]

#: The "now" that date placeholders count from, unless a registry is given another one.
DEFAULT_REFERENCE_TIME = dt.datetime(2025, 1, 1, 12, 0, 0, tzinfo=dt.UTC)

#: A compiled text: ``render(rng, env) -> str``; ``env`` holds the sample's bound values.
Renderer = Callable[[random.Random, dict[str, str]], str]

#: A provider that takes arguments: ``factory(args) -> Gen`` (``args`` is the text after
#: the colon, or ``None``); raise ``InvalidArgument`` to reject them.
ProviderFactory = Callable[[str | None], Gen[Any]]

_NAME = r"[A-Za-z_][A-Za-z0-9_\-]*"
_PLACEHOLDER = re.compile(
    rf"(?:(?P<label>{_NAME})=)?(?P<name>{_NAME})(?P<filters>(?:!\w+)*)(?::(?P<args>.*))?\Z",
    re.DOTALL,
)
_TOKEN = re.compile(r"\{\{|\}\}|\{|\}")


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(value: str) -> str:
    """Lowercase ASCII letters and digits, runs of anything else as one ``.``. Text that is
    not ASCII is transliterated first (``Jürgen`` -> ``jurgen``, ``Бобылева`` ->
    ``bobyleva``), so a slug makes a valid email local part in every locale; one that would
    be empty (nothing transliterable) is ``user``."""
    text = value.lower()
    if not text.isascii():
        text = _transliterate(text).replace("'", "").lower()
    slug = _NOT_SLUG.sub(".", text).strip(".")
    return slug if slug or not value.strip() else "user"


def _transliterate(text: str) -> str:
    try:  # Faker's table, when synth.providers is present
        from synth.providers.faker import ascii_text
    except ImportError:  # accents only: NFKD, then drop the combining marks
        import unicodedata

        return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ascii_text(text)


FILTERS: dict[str, Callable[[str], str]] = {
    "lower": str.lower,
    "upper": str.upper,
    "title": str.title,
    "capitalize": lambda s: s[:1].upper() + s[1:],
    "slug": _slug,
}


# -- the registry ------------------------------------------------------------------------


@attrs.frozen
class Registry:
    """Named providers a template can use; an instance, never global.

    ``providers`` maps a name to a generator (used without arguments) or to a
    :data:`ProviderFactory` (``args -> Gen``). ``fallback`` is consulted for names not in
    ``providers`` (the default registry uses it for compiled Faker providers and JSON
    Schema formats); it returns ``None`` for unknown names and lists its names with
    ``fallback_names``. Extend a registry with :meth:`with_providers` (a new registry).
    """

    providers: Mapping[str, Gen[Any] | ProviderFactory] = attrs.field(factory=dict)
    locale: str = "en_US"
    reference_time: dt.datetime = DEFAULT_REFERENCE_TIME
    fallback: Callable[[str], Gen[Any] | ProviderFactory | None] | None = attrs.field(
        default=None, eq=False
    )
    fallback_names: Callable[[], Iterable[str]] | None = attrs.field(default=None, eq=False)

    def with_providers(
        self, providers: Mapping[str, Gen[Any] | ProviderFactory] | None = None, /, **more: Any
    ) -> Registry:
        """A new registry with these providers added (they win over existing names)."""
        table = dict(self.providers)
        for name, entry in {**(providers or {}), **more}.items():
            if not re.fullmatch(_NAME, name):
                raise InvalidArgument(
                    f"Registry.with_providers() expects names like 'order_id' (letters, digits,"
                    f" _ and -), got {name!r}"
                )
            if not isinstance(entry, Gen) and not callable(entry):
                raise InvalidArgument(
                    f"Registry.with_providers() expects a generator or a function args -> "
                    f"generator for {name!r}, got {entry!r} (type={type(entry).__name__})"
                )
            table[name] = entry
        return attrs.evolve(self, providers=table)

    def lookup(self, name: str) -> Gen[Any] | ProviderFactory | None:
        """The provider called ``name``, or ``None``."""
        entry = self.providers.get(name)
        if entry is None and self.fallback is not None:
            entry = self.fallback(name)
        return entry

    def names(self) -> list[str]:
        """Every name this registry knows, sorted."""
        out = set(self.providers)
        if self.fallback_names is not None:
            out.update(self.fallback_names())
        return sorted(out)


# Built-in providers with arguments; each parses its own argument text.


def _int_range(args: str | None, default: tuple[int, int], what: str) -> tuple[int, int]:
    if args is None or args == "":
        return default
    m = re.fullmatch(r"\s*(-?\d+)\s*-\s*(-?\d+)\s*", args)
    if not m:
        raise InvalidArgument(f"{what} expects a range like 1-5, got {args!r}")
    lo, hi = int(m.group(1)), int(m.group(2))
    if lo > hi:
        raise InvalidArgument(f"{what} expects LOW-HIGH with LOW <= HIGH, got {args!r}")
    return lo, hi


def _int_provider(args: str | None) -> Gen[Any]:
    lo, hi = _int_range(args, (0, 100), "{int:LOW-HIGH}")
    return _table_or_map(lo, hi, str)


def _float_provider(args: str | None) -> Gen[Any]:
    text = args or "0-1"
    m = re.fullmatch(r"\s*(-?[\d.]+)\s*-\s*(-?[\d.]+)\s*(?::\s*(\d+))?\s*", text)
    if not m:
        raise InvalidArgument(f"{{float:LOW-HIGH[:PLACES]}} expects e.g. 0-10:2, got {text!r}")
    places = int(m.group(3)) if m.group(3) else 2
    lo, hi = float(m.group(1)), float(m.group(2))
    if lo > hi or places > 6:
        raise InvalidArgument(
            f"{{float:LOW-HIGH[:PLACES]}} expects LOW <= HIGH and PLACES <= 6, got {text!r}"
        )
    # Draw a whole number of units (10**-places) and format it: exact, and no float maths.
    scale = 10**places
    first, last = math.ceil(lo * scale - 1e-9), math.floor(hi * scale + 1e-9)
    if first > last:
        raise InvalidArgument(f"{{float:{text}}} has no value with {places} decimals")
    return _Units(first, last - first + 1, places, text)


@attrs.frozen(repr=False)
class _Units(Gen[str]):
    """``first + randbelow(count)`` units of ``10**-places``, as text (one call a draw)."""

    first: int
    count: int
    places: int
    source: str = ""

    def _compile(self) -> DrawFn:
        first, n, places = self.first, self.count, self.places
        scale = 10**places
        k = (n - 1).bit_length()
        fmt = f"%s%d.%0{places}d" if places else "%s%d"

        def draw(rng: random.Random) -> str:
            r = rng.getrandbits(k)
            while r >= n:
                r = rng.getrandbits(k)
            units = first + r
            sign = "-" if units < 0 else ""
            whole, frac = divmod(abs(units), scale)
            return fmt % (sign, whole, frac) if places else fmt % (sign, whole)

        return draw

    def _default_repr(self) -> str:
        return f"template_provider('float', {self.source!r})"


def _choice_provider(args: str | None) -> Gen[Any]:
    options = [] if args is None else args.split("|")
    if len(options) < 1 or args == "":
        raise InvalidArgument("{choice:A|B|C} expects options separated by |")
    return sampled_from(options)


@attrs.frozen(repr=False)
class _Pattern(Gen[str]):
    """``#`` -> a digit, ``%`` -> a digit 1-9, ``?`` -> a letter, ``^`` -> a hex digit."""

    pattern: str
    letters: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def _compile(self) -> DrawFn:
        # Runs of digits are drawn as one integer and zero-padded (one draw, not one per
        # digit); a leading "%" in a run is a digit 1-9, so "%####" is 10000-99999.
        pools = {"?": self.letters, "^": "0123456789abcdef"}
        parts: list[Any] = []
        for run in re.finditer(r"%?#+|%|.", self.pattern, re.DOTALL):
            token = run.group()
            if token[0] in "%#":
                width = len(token)
                low = 10 ** (width - 1) if token[0] == "%" else 0
                below = _below_fn(10**width - low)
                parts.append(_digits(below, low, width))
            elif token in pools:
                pool = pools[token]
                pick = _below_fn(len(pool))
                parts.append(lambda rng, pool=pool, pick=pick: pool[pick(rng)])
            else:
                parts.append(token)
        if len(parts) == 1 and not isinstance(parts[0], str):
            return parts[0]  # type: ignore[no-any-return]

        def draw(rng: random.Random) -> str:
            return "".join([p if p.__class__ is str else p(rng) for p in parts])

        return draw

    def _default_repr(self) -> str:
        return call_repr("pattern", (self.pattern,))


def _choice_fn(values: Sequence[Any]) -> DrawFn:
    """A compiled ``rng -> one of values``, uniform, usually with a single ``getrandbits``.

    For a size that is not a power of two, draws ``k + 4`` bits (``k`` bits would do) and
    looks the value up in a table repeating ``values`` up to the largest multiple of their
    count: still exactly uniform, and a redraw is needed less than once in 16 draws.
    """
    n = len(values)
    if n == 1:
        only = values[0]
        return lambda rng: only
    k = (n - 1).bit_length()
    if n == 1 << k:
        exact = tuple(values)
        return lambda rng: exact[rng.getrandbits(k)]
    m = k + 4 if n <= 4096 else k
    limit = (1 << m) // n * n
    table = tuple(values) * (limit // n)

    def pick(rng: random.Random) -> Any:
        r = rng.getrandbits(m)
        while r >= limit:
            r = rng.getrandbits(m)
        return table[r]

    return pick


def _digits(below: DrawFn, low: int, width: int) -> DrawFn:
    fmt = f"%0{width}d"
    return lambda rng: fmt % (low + below(rng))


def _pattern_provider(kind: str) -> ProviderFactory:
    def make(args: str | None) -> Gen[Any]:
        if not args:
            raise InvalidArgument(f"{{{kind}:PATTERN}} expects a pattern such as ###-??##")
        return _Pattern(args)

    return make


def _digits_provider(args: str | None) -> Gen[Any]:
    n, _ = _int_range(f"{args}-{args}" if args else None, (6, 6), "{digits:N}")
    if n < 1:
        raise InvalidArgument("{digits:N} expects N >= 1")
    return _Pattern("%" + "#" * (n - 1))


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _long_date(day: dt.date, weekday: bool) -> str:
    """``Tuesday, March 4`` (English, whatever the process locale: strftime would vary)."""
    text = f"{_MONTHS[day.month - 1]} {day.day}"
    return f"{_WEEKDAYS[day.weekday()]}, {text}" if weekday else text


def _table_or_map(lo: int, hi: int, render: Callable[[int], str]) -> Gen[Any]:
    """Values ``render(n)`` for n in lo..hi: precomputed when the range is small."""
    if hi - lo <= 4096:
        return sampled_from([render(n) for n in range(lo, hi + 1)])
    return integers(lo, hi).map(render)


def _date_providers(reference: dt.datetime) -> dict[str, ProviderFactory]:
    today = reference.date()

    def days_from(sign: int, name: str, weekday: bool) -> ProviderFactory:
        def make(args: str | None) -> Gen[Any]:
            lo, hi = _int_range(args, (1, 14), f"{{{name}:LOW-HIGH}}")
            return _table_or_map(
                lo, hi, lambda n: _long_date(today + dt.timedelta(days=sign * n), weekday)
            )

        return make

    def date(args: str | None) -> Gen[Any]:
        lo, hi = _int_range(args, (0, 365), "{date:DAYS_AGO_MAX-DAYS_AGO_MIN}")
        return _table_or_map(lo, hi, lambda n: (today - dt.timedelta(days=n)).isoformat())

    def datetime(args: str | None) -> Gen[Any]:
        lo, hi = _int_range(args, (0, 365), "{datetime:DAYS_AGO_MAX-DAYS_AGO_MIN}")
        span = integers(lo * 86400, hi * 86400)
        return span.map(
            lambda s: (reference - dt.timedelta(seconds=s)).isoformat().replace("+00:00", "Z")
        )

    def time(args: str | None) -> Gen[Any]:
        # RFC 3339 full-time in UTC (JSON Schema format "time"): 14:03:27Z.
        lo, hi = _int_range(args, (0, 23), "{time:HOUR_LOW-HOUR_HIGH}")
        if lo < 0 or hi > 23:
            raise InvalidArgument(f"{{time:HOUR_LOW-HOUR_HIGH}} expects hours 0-23, got {args!r}")
        return integers(lo * 3600, hi * 3600 + 3599).map(
            lambda s: f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z"
        )

    def year(args: str | None) -> Gen[Any]:
        lo, hi = _int_range(args, (reference.year - 10, reference.year), "{year:LOW-HIGH}")
        return _table_or_map(lo, hi, str)

    return {
        "days_ahead": days_from(1, "days_ahead", True),
        "days_ago": days_from(-1, "days_ago", False),
        "date": date,
        "datetime": datetime,
        "time": time,
        "year": year,
    }


def builtin_providers(reference: dt.datetime) -> dict[str, Gen[Any] | ProviderFactory]:
    """The providers every registry has, whatever the locale."""
    table: dict[str, Gen[Any] | ProviderFactory] = {
        "int": _int_provider,
        "float": _float_provider,
        "choice": _choice_provider,
        "numerify": _pattern_provider("numerify"),
        "bothify": _pattern_provider("bothify"),
        "digits": _digits_provider,
        "uuid": uuids().map(str),
        "hex": lambda args: (
            _Pattern("^" * _int_range(f"{args}-{args}", (8, 8), "{hex:N}")[0])
            if args
            else _Pattern("^" * 8)
        ),
    }
    table.update(_date_providers(reference))
    return table


def default_registry(
    locale: str = "en_US", reference_time: dt.datetime = DEFAULT_REFERENCE_TIME
) -> Registry:
    """The registry templates use unless given one: built-ins, Faker providers, formats.

    Compiled Faker providers (``synth.fake``) and JSON Schema format generators are looked
    up lazily when those parts of synth are installed.
    """
    fallback, names = _external_lookup(locale)
    return Registry(builtin_providers(reference_time), locale, reference_time, fallback, names)


def _external_lookup(
    locale: str,
) -> tuple[Callable[[str], Any], Callable[[], Iterable[str]]]:
    """Lookups into synth's Faker providers and format generators (imported lazily)."""
    cache: dict[str, Any] = {}

    def sources() -> list[tuple[Callable[[str], Any], Callable[[], Iterable[str]]]]:
        found = []
        try:  # Faker providers (compiled when possible), when synth.providers is present
            from synth.providers import fake
            from synth.providers.faker import provider_names

            def faker_entry(name: str) -> ProviderFactory | None:
                if name not in provider_names(locale):
                    return None
                # An argument text is passed as the provider's first argument.
                return lambda args: (
                    fake(name, locale=locale) if args is None else fake(name, args, locale=locale)
                )

            found.append((faker_entry, lambda: provider_names(locale)))
        except ImportError:
            pass
        try:  # JSON Schema format generators
            from synth.schema.formats import DEFAULT_FORMATS  # type: ignore[import-not-found]

            found.append((DEFAULT_FORMATS.get, DEFAULT_FORMATS.keys))
        except ImportError:
            pass
        return found

    def lookup(name: str) -> Any:
        if name not in cache:
            cache[name] = None
            for get, _ in sources():
                entry = get(name)
                if entry is not None:
                    cache[name] = entry
                    break
        return cache[name]

    def names() -> list[str]:
        out: list[str] = []
        for _, listing in sources():
            out.extend(listing())
        return out

    return lookup, names


# -- parsing -----------------------------------------------------------------------------


@attrs.frozen
class _Slot:
    label: str | None
    name: str
    filters: tuple[str, ...]
    args: str | None
    line: int
    column: int


def _position(source: str, offset: int) -> tuple[int, int]:
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _error(where: str, source: str, offset: int, message: str) -> TemplateError:
    line, column = _position(source, offset)
    prefix = f"{where}: " if where else ""
    return TemplateError(f"{prefix}line {line}, column {column}: {message}", line, column)


def _parse(source: str, where: str) -> list[str | _Slot]:
    if not isinstance(source, str):
        raise TemplateError(
            f"{where}: a template must be a str, got {source!r} (type={type(source).__name__})"
        )
    parts: list[str | _Slot] = []
    literal: list[str] = []
    pos = 0
    # Scan from where the last token ended (not with finditer, whose tokens are fixed in
    # advance): after a placeholder closes, "}}" that follow are an escaped brace, as in
    # str.format ("{{{name}}}" is "{" + name + "}").
    while (m := _TOKEN.search(source, pos)) is not None:
        literal.append(source[pos : m.start()])
        token = m.group()
        if token == "{{":
            literal.append("{")
            pos = m.end()
        elif token == "}}":
            literal.append("}")
            pos = m.end()
        elif token == "}":
            raise _error(where, source, m.start(), "unmatched '}'; write '}}' for a literal brace")
        else:
            end = source.find("}", m.end())
            nested = source.find("{", m.end())
            if end < 0 or (0 <= nested < end):
                raise _error(
                    where, source, m.start(), "unclosed '{'; write '{{' for a literal brace"
                )
            body = source[m.end() : end]
            pm = _PLACEHOLDER.match(body)
            if pm is None:
                raise _error(
                    where,
                    source,
                    m.start(),
                    f"bad placeholder {{{body}}}; expected {{name}}, {{name:args}} or "
                    f"{{label=name:args}} (names: letters, digits, _ and -)",
                )
            filters = tuple(f for f in pm.group("filters").split("!") if f)
            for f in filters:
                if f not in FILTERS:
                    raise _error(
                        where,
                        source,
                        m.start(),
                        f"unknown filter !{f} in {{{body}}}"
                        + "".join(
                            f"; did you mean !{close}?"
                            for close in difflib.get_close_matches(f, list(FILTERS), n=1)
                        )
                        + f"; filters: {', '.join(FILTERS)}",
                    )
            line, column = _position(source, m.start())
            text = "".join(literal)
            if text:
                parts.append(text)
            literal = []
            parts.append(
                _Slot(pm.group("label"), pm.group("name"), filters, pm.group("args"), line, column)
            )
            pos = end + 1
    literal.append(source[pos:])
    if any(literal):
        parts.append("".join(literal))
    return parts


# -- compiling ---------------------------------------------------------------------------

Phrasings = str | Sequence[str]


def _closest(name: str, known: Iterable[str]) -> str:
    # a name can be known twice (a vocab entry over a provider): suggest it once
    matches = difflib.get_close_matches(name, list(dict.fromkeys(known)), n=3, cutoff=0.6)
    return f"did you mean {', '.join(matches)}?" if matches else "no similar name is known"


class _Compiler:
    """Compiles several texts that share one environment (one sample's bindings)."""

    def __init__(self, registry: Registry, vocab: Mapping[str, Phrasings], vocab_where: str):
        self.registry = registry
        self.vocab = dict(vocab)
        self.vocab_where = vocab_where
        self.labels: dict[str, tuple[_Slot, str, str]] = {}
        self.bound: dict[str, Renderer] = {}
        self.parsed: dict[int, list[str | _Slot]] = {}
        self.building: list[str] = []

    # pass 1: parse and collect labels
    def scan(self, source: str, where: str) -> list[str | _Slot]:
        parts = _parse(source, where)
        for p in parts:
            if isinstance(p, _Slot) and p.label is not None:
                previous = self.labels.get(p.label)
                if previous is not None and (previous[0].name, previous[0].args) != (
                    p.name,
                    p.args,
                ):
                    raise TemplateError(
                        f"{where}: line {p.line}, column {p.column}: label {p.label!r} is "
                        f"defined twice with different providers (first at {previous[1]}); "
                        f"define it once and write {{{p.label}}} elsewhere",
                        p.line,
                        p.column,
                    )
                if previous is None:
                    self.labels[p.label] = (p, where, source)
        return parts

    # pass 2: compile parts into a renderer
    def render_fn(self, parts: list[str | _Slot], where: str, source: str) -> Renderer:
        items: list[Any] = [
            p if isinstance(p, str) else self.slot_fn(p, where, source) for p in parts
        ]
        if len(items) == 1 and isinstance(items[0], str):
            text = items[0]
            return lambda rng, env: text
        if len(items) == 1:
            return items[0]  # type: ignore[no-any-return]
        return _format_renderer(items)

    def phrasings_fn(self, value: Phrasings, where: str) -> Renderer:
        if isinstance(value, str):
            return self.render_fn(self.scan(value, where), where, value)
        if not isinstance(value, Sequence) or not value:
            raise TemplateError(
                f"{where}: expected a text or a non-empty list of phrasings, got {value!r}"
            )
        fns = []
        literals: list[str] | None = []
        for i, text in enumerate(value):
            parts = self.scan(text, f"{where}[{i}]")
            if literals is not None and all(isinstance(p, str) for p in parts):
                literals.append("".join(parts))  # type: ignore[arg-type]
            else:
                literals = None
            fns.append(self.render_fn(parts, f"{where}[{i}]", text))
        if len(fns) == 1:
            return fns[0]
        pick = _below_fn(len(fns))
        if literals is not None:  # a plain word list: pick a string, nothing to render
            return lambda rng, env: literals[pick(rng)]
        return lambda rng, env: fns[pick(rng)](rng, env)

    def slot_fn(self, slot: _Slot, where: str, source: str) -> Renderer:
        if slot.label is not None:
            fn = self.bound_fn(slot.label, lambda: self.provider_fn(slot, where, source))
        elif slot.args is None and slot.name in self.labels:
            defn, dwhere, dsource = self.labels[slot.name]
            fn = self.bound_fn(slot.name, lambda: self.provider_fn(defn, dwhere, dsource))
        elif slot.args is None:
            fn = self.bound_fn(slot.name, lambda: self.provider_fn(slot, where, source))
        else:
            fn = self.provider_fn(slot, where, source)
        if not slot.filters:
            return fn
        show = _filters_fn(slot.filters)
        return lambda rng, env: show(fn(rng, env))

    def bound_fn(self, key: str, make: Callable[[], Renderer]) -> Renderer:
        fn = self.bound.get(key)
        if fn is None:
            if key in self.building:
                cycle = " -> ".join([*self.building[self.building.index(key) :], key])
                raise TemplateError(
                    f"{self.vocab_where}: placeholders refer to each other in a cycle: {cycle}"
                )
            self.building.append(key)
            try:
                draw = make()
            finally:
                self.building.pop()

            def fn(rng: random.Random, env: dict[str, str]) -> str:
                value = env.get(key)
                if value is None:
                    value = env[key] = draw(rng, env)
                return value

            self.bound[key] = fn
        return fn

    def provider_fn(self, slot: _Slot, where: str, source: str) -> Renderer:
        name = slot.name
        if name in self.vocab and slot.args is None:
            return self.phrasings_fn(self.vocab[name], f"{self.vocab_where}.{name}")
        entry = self.registry.lookup(name)
        if entry is None:
            known = [*self.labels, *self.vocab, *self.registry.names()]
            raise TemplateError(
                f"{where}: line {slot.line}, column {slot.column}: unknown placeholder "
                f"{{{name}}}; {_closest(name, known)} (define it in vocab, or register a "
                f"provider in a Registry)",
                slot.line,
                slot.column,
            )
        if isinstance(entry, Gen):
            if slot.args is not None:
                raise TemplateError(
                    f"{where}: line {slot.line}, column {slot.column}: {{{name}}} takes no "
                    f"arguments, got {{{name}:{slot.args}}}",
                    slot.line,
                    slot.column,
                )
            gen = entry
        else:
            try:
                gen = entry(slot.args)
            except InvalidArgument as exc:
                raise TemplateError(
                    f"{where}: line {slot.line}, column {slot.column}: {exc}",
                    slot.line,
                    slot.column,
                ) from None
            if not isinstance(gen, Gen):
                raise TemplateError(f"{where}: provider {name!r} returned {gen!r}, not a generator")
        draw = gen._fn

        def provide(rng: random.Random, env: dict[str, str]) -> str:
            value = draw(rng)
            return value if value.__class__ is str else str(value)

        return provide


def _format_renderer(items: list[Any]) -> Renderer:
    """Render literals and slots with one ``%`` format (faster than joining pieces)."""
    fmt = "".join(x.replace("%", "%%") if isinstance(x, str) else "%s" for x in items)
    slots = [x for x in items if not isinstance(x, str)]
    if len(slots) == 1:
        (a,) = slots
        return lambda rng, env: fmt % (a(rng, env),)
    if len(slots) == 2:
        a, b = slots
        return lambda rng, env: fmt % (a(rng, env), b(rng, env))
    if len(slots) == 3:
        a, b, c = slots
        return lambda rng, env: fmt % (a(rng, env), b(rng, env), c(rng, env))
    return lambda rng, env: fmt % tuple([f(rng, env) for f in slots])


def compile_texts(
    texts: Mapping[str, Phrasings],
    *,
    registry: Registry | None = None,
    vocab: Mapping[str, Phrasings] | None = None,
    where: str = "template",
) -> dict[str, Renderer]:
    """Compile texts that share one sample's bindings; returns ``key -> render(rng, env)``.

    ``texts`` maps a key to a text or a list of phrasings. Call every renderer of a sample
    with the same ``env`` dict (start each sample with ``{}``) so that bound names agree.
    """
    compiler = _Compiler(registry or default_registry(), vocab or {}, f"{where}.vocab")
    for key, value in texts.items():  # scan first, so labels are known everywhere
        _scan_all(compiler, value, f"{where}.{key}")
    for name, value in (vocab or {}).items():
        if not re.fullmatch(_NAME, name):
            raise TemplateError(f"{where}.vocab: bad name {name!r}; use letters, digits, _ and -")
        _scan_all(compiler, value, f"{where}.vocab.{name}")
    return {k: compiler.phrasings_fn(v, f"{where}.{k}") for k, v in texts.items()}


def compile_together(
    texts: Mapping[str, Phrasings],
    *,
    registry: Registry | None = None,
    vocab: Mapping[str, Phrasings] | None = None,
    where: str = "template",
) -> Callable[[random.Random], tuple[str, ...]]:
    """Compile texts rendered together; returns ``rng -> (text, ...)`` in ``texts`` order.

    The same language and the same errors as :func:`compile_texts` (one sample's bound
    names agree across all the texts), drawn faster: every bound name the texts can
    reach is drawn first, into a list, then each text picks a phrasing and fills it with
    one ``%`` format. A bound name is therefore drawn even when the phrasings picked for
    this sample do not show it (the draws differ from :func:`compile_texts`'s).
    """
    compiler = _Compiler(registry or default_registry(), vocab or {}, f"{where}.vocab")
    for key, value in texts.items():  # the same checks (and messages) as compile_texts
        _scan_all(compiler, value, f"{where}.{key}")
    for name, value in (vocab or {}).items():
        if not re.fullmatch(_NAME, name):
            raise TemplateError(f"{where}.vocab: bad name {name!r}; use letters, digits, _ and -")
        _scan_all(compiler, value, f"{where}.vocab.{name}")
    for k, v in texts.items():
        compiler.phrasings_fn(v, f"{where}.{k}")
    return _Together(compiler).build(list(texts.values()))


def _str_fn(gen: Gen[Any]) -> DrawFn:
    """``rng -> str`` of a provider: a plain table pick when it is a list of texts."""
    if isinstance(gen, _SampledFrom) and _all_text(gen.elements):
        return _choice_fn(gen.elements)
    if isinstance(gen, (_Pattern, _Units)):
        return gen._fn  # already text
    draw = gen._fn

    def provide(rng: random.Random) -> str:
        value = draw(rng)
        return value if value.__class__ is str else str(value)

    return provide


def _all_text(values: tuple[Any, ...]) -> bool:
    return set(map(type, values)) == {str}  # one C pass (name banks have 4096 values)


def _filters_fn(filters: tuple[str, ...]) -> Callable[[str], str]:
    fns = [FILTERS[f] for f in filters]
    memo: dict[str, str] = {}  # filters are pure string functions: remember (bounded)

    def show(value: str) -> str:
        shown = memo.get(value)
        if shown is None:
            shown = value
            for f in fns:
                shown = f(shown)
            if len(memo) < 4096:
                memo[value] = shown
        return shown

    return show


#: Lists of values whose product has at most this many combinations are drawn together:
#: one pick from a table of their combinations (uniform over the product, so each value
#: is still uniform and independent of the others).
_GROUP_LIMIT = 1024


class _Together:
    """Builds the renderer of :func:`compile_together` from a checked compiler.

    The sample's values are nodes: *lists* (a uniform pick from texts: word lists, literal
    phrasings, small integer ranges), *leaves* (``rng -> str``: other providers, and one
    per fresh ``{name:args}`` occurrence), *phrasings* (pick one text and fill it from
    earlier values) and *filtered* values. A render lays out one list of values: the
    literal pieces of the texts, then the lists (drawn in groups: one pick from a table
    of combinations per group, which also holds the phrasing choice of each phrasings
    node), then the leaves, then each other node in dependency order; a text is then
    ``"".join`` of an ``itemgetter`` of that list.
    """

    def __init__(self, compiler: _Compiler):
        self.c = compiler
        self.nodes: list[tuple[str, Any]] = []
        self.bound: dict[str, int] = {}
        self.filtered: dict[tuple[int, tuple[str, ...]], int] = {}

    def add(self, kind: str, payload: Any) -> int:
        self.nodes.append((kind, payload))
        return len(self.nodes) - 1

    def gen(self, slot: _Slot) -> Gen[Any]:
        entry = self.c.registry.lookup(slot.name)
        return entry if isinstance(entry, Gen) else entry(slot.args)  # type: ignore[misc,return-value]

    def value_node(self, gen: Gen[Any]) -> int:
        if isinstance(gen, _SampledFrom) and _all_text(gen.elements):
            return self.add("list", tuple(gen.elements))
        return self.add("leaf", _str_fn(gen))

    def bind(self, key: str, slot: _Slot) -> int:
        index = self.bound.get(key)
        if index is None:
            if slot.name in self.c.vocab and slot.args is None:
                index = self.phrasings(self.c.vocab[slot.name])
            else:
                index = self.value_node(self.gen(slot))
            self.bound[key] = index
        return index

    def slot(self, slot: _Slot, lazy: bool = False) -> int | DrawFn:
        """The node id of a placeholder's value; with ``lazy``, a fresh draw is returned
        as its ``rng -> str`` instead (drawn only when its phrasing is picked)."""
        if slot.label is not None:
            index = self.bind(slot.label, slot)
        elif slot.args is None and slot.name in self.c.labels:
            index = self.bind(slot.name, self.c.labels[slot.name][0])
        elif slot.args is None:
            index = self.bind(slot.name, slot)
        else:  # a fresh draw at each occurrence
            gen = self.gen(slot)
            if lazy and not (isinstance(gen, _SampledFrom) and _all_text(gen.elements)):
                # Made only if its phrasing is picked (a pick from a list is cheaper to
                # draw with the others, in a group).
                fresh = _str_fn(gen)
                if not slot.filters:
                    return fresh
                show = _filters_fn(slot.filters)
                return lambda rng: show(fresh(rng))
            index = self.value_node(gen)
        if slot.filters:
            key = (index, slot.filters)
            shown = self.filtered.get(key)
            if shown is None:
                shown = self.filtered[key] = self.add("filt", (index, _filters_fn(slot.filters)))
            index = shown
        return index

    def phrasings(self, value: Phrasings) -> int:
        texts = [value] if isinstance(value, str) else list(value)
        choices: list[list[str | int | DrawFn]] = []
        lazy = len(texts) > 1  # fresh draws of a phrasing happen only when it is picked
        for text in texts:
            pieces: list[str | int | DrawFn] = []
            for part in _parse(text, ""):
                if isinstance(part, str):
                    if part:
                        pieces.append(part)
                else:
                    pieces.append(self.slot(part, lazy))
            if len(texts) == 1 and len(pieces) == 1 and isinstance(pieces[0], int):
                return pieces[0]  # the text is one placeholder: it is that value
            choices.append(pieces)
        if all(isinstance(p, str) for pieces in choices for p in pieces):
            return self.add("list", tuple("".join(pieces) for pieces in choices))  # type: ignore[arg-type]
        return self.add("phr", choices)

    def build(self, texts: list[Phrasings]) -> Callable[[random.Random], tuple[str, ...]]:
        outputs = [self.phrasings(value) for value in texts]
        nodes = self.nodes
        consts: dict[str, int] = {"": 0}
        for kind, payload in nodes:
            if kind == "phr":
                for pieces in payload:
                    if not any(callable(p) for p in pieces):
                        for p in pieces:
                            if isinstance(p, str):
                                consts.setdefault(p, len(consts))
        # What is drawn from a list: list nodes (their value) and the choice of each
        # phrasings node with several phrasings (its index, an int in the values list).
        for i, (kind, payload) in enumerate(nodes):
            if kind == "list" and len(payload) > _GROUP_LIMIT:  # e.g. a name bank
                nodes[i] = ("leaf", _choice_fn(payload))
        drawn: list[tuple[tuple[Any, ...], Any]] = [
            (payload, i) for i, (kind, payload) in enumerate(nodes) if kind == "list"
        ]
        drawn += [
            (tuple(range(len(payload))), ("choice", i))
            for i, (kind, payload) in enumerate(nodes)
            if kind == "phr" and len(payload) > 1
        ]
        groups = _groups(drawn)
        final: dict[Any, int] = {}
        position = len(consts)
        for group in groups:
            for _, key in group:
                final[key] = position
                position += 1
        singles = [i for i, (kind, _) in enumerate(nodes) if kind == "leaf"]
        for i in singles:
            final[i] = position
            position += 1
        rest = [i for i, (kind, _) in enumerate(nodes) if kind in ("phr", "filt")]
        for i in rest:
            final[i] = position
            position += 1
        tables = [tuple(itertools.product(*[values for values, _ in g])) for g in groups]
        leaves = tuple(nodes[i][1] for i in singles)
        few = _few_values(nodes)
        ops = tuple(_op(i, nodes[i], final, consts, i in few) for i in rest)
        picks = [final[i] for i in outputs]
        if len(picks) > 1:
            get: Callable[[list[Any]], tuple[str, ...]] = itemgetter(*picks)
        elif picks:
            get = lambda v, i=picks[0]: (v[i],)  # noqa: E731
        else:
            get = lambda v: ()  # noqa: E731 (no texts)
        start = list(consts)
        # All groups from one draw: r uniform in [0, limit), a multiple of the product of
        # the group sizes, so its mixed-radix digits are independent uniform indices.
        radix = tuple((len(t), t) for t in tables)
        total = math.prod(len(t) for t in tables)
        m = (total - 1).bit_length() + 4 if total > 1 else 0  # getrandbits(0) is 0
        limit = (1 << m) // total * total

        if not leaves and groups:
            tabled = _tabled_render(
                nodes, outputs, groups, m, limit, start, radix, rest, ops, final
            )
            if tabled is not None:
                return tabled
        if len(radix) + len(leaves) + len(ops) <= _UNROLL_LIMIT:
            kinds, parts = _inlined(ops)
            args = (start, m, limit, radix, leaves, parts, get)
            counts = (len(radix), len(leaves), kinds)

            def rebuild(form: tuple[str, str], extra: tuple[Any, ...]) -> Callable[..., Any]:
                # As the tabled render's ``_rebuild``: the texts straight into a value.
                make = _render_maker(*counts, form, len(outputs), len(extra))
                return make(*args, extra)  # type: ignore[no-any-return]

            general = _render_maker(*counts)(*args)
            general._rebuild = rebuild
            return general  # type: ignore[no-any-return]

        def render(rng: random.Random) -> tuple[str, ...]:
            r = rng.getrandbits(m)
            while r >= limit:
                r = rng.getrandbits(m)
            v = start.copy()
            for n, table in radix:
                r, i = divmod(r, n)
                v += table[i]
            append = v.append
            for f in leaves:
                append(f(rng))
            for op in ops:
                append(op(rng, v))
            return get(v)  # type: ignore[no-any-return]

        return render


#: Texts are looked up (see ``_tabled_render``) when each is a function of at most this
#: many combinations of the lists it uses.
_TABLE_LIMIT = 1 << 14


def _node_deps(nodes: list[tuple[str, Any]]) -> list[frozenset[Any] | None]:
    """For each node, the drawn keys (list node ids, ``("choice", id)``) its value is a
    function of; ``None`` when it also depends on a fresh draw (a leaf or a lazy draw)."""
    deps: list[frozenset[Any] | None] = []
    for i, (kind, payload) in enumerate(nodes):  # a node's parts have smaller ids
        if kind == "list":
            deps.append(frozenset([i]))
        elif kind == "leaf":
            deps.append(None)
        elif kind == "filt":
            deps.append(deps[payload[0]])
        else:
            found: set[Any] | None = {("choice", i)} if len(payload) > 1 else set()
            for pieces in payload:
                for p in pieces:
                    if isinstance(p, str) or found is None:
                        continue
                    if not isinstance(p, int) or deps[p] is None:
                        found = None
                    else:
                        found |= deps[p]  # type: ignore[operator]
            deps.append(None if found is None else frozenset(found))
    return deps


def _tabled_render(
    nodes: list[tuple[str, Any]],
    outputs: list[int],
    groups: list[list[tuple[tuple[Any, ...], Any]]],
    m: int,
    limit: int,
    start: list[Any],
    radix: tuple[tuple[int, tuple[Any, ...]], ...],
    rest: list[int],
    ops: tuple[Any, ...],
    final: dict[Any, int],
) -> Callable[[random.Random], tuple[str, ...]] | None:
    """The render of texts made only of list picks (no fresh draws), or ``None``.

    Such a text is a function of the few lists it uses (at most ``_TABLE_LIMIT``
    combinations, else ``None``), so it is looked up instead of assembled: its key packs
    the indices of those lists (one table of partial keys per group it touches, indexed
    by the group's digit), and the texts are kept by key as they are drawn (the first
    time, by the general render's values and operations, only those the text needs;
    their memos make equal texts one string). The random draws are the general render's
    (one ``getrandbits`` and its redraws), so the texts are the same.
    """
    deps = _node_deps(nodes)
    if any(deps[o] is None for o in outputs) or any(
        kind == "phr" and any(callable(p) for pieces in payload for p in pieces)
        for kind, payload in nodes
    ):
        return None
    where: dict[Any, tuple[int, int, int]] = {}  # key -> (group, suffix, size)
    for g, group in enumerate(groups):
        suffix = 1
        for values, key in reversed(group):
            where[key] = (g, suffix, len(values))
            suffix *= len(values)
    sizes = [len(t) for _, t in radix]
    parts: list[tuple[int, tuple[int, ...]]] = []  # (group, partial keys by digit)
    shapes: list[tuple[int, ...]] = []  # per output: its parts
    tables: list[list[str | None]] = []
    for o in outputs:
        keys = sorted(deps[o], key=repr)  # type: ignore[arg-type]
        stride, per_group = 1, {}
        for key in keys:
            g, _, size = where[key]
            per_group.setdefault(g, {})[key] = stride
            stride *= size
        if stride > _TABLE_LIMIT:
            return None
        mine = []
        for g, strides in sorted(per_group.items()):
            # The group's digit enumerates its product, last list fastest: the partial
            # key of each digit is the sum of its lists' contributions.
            columns = []
            for values, key in groups[g]:
                st = strides.get(key, 0)
                columns.append(range(0, len(values) * st, st) if st else (0,) * len(values))
            partial = tuple(map(sum, itertools.product(*columns)))
            mine.append(len(parts))
            parts.append((g, partial))
        shapes.append(tuple(mine))
        tables.append([None] * stride)
    part_groups = tuple(g for g, _ in parts)
    values, fills = _fill_fns(nodes, outputs, start, radix, rest, ops, final)
    args = (m, limit, tuple(sizes), tuple(p for _, p in parts), tuple(tables), values, fills)

    def rebuild(form: tuple[str, str] | None, extra: tuple[Any, ...]) -> Callable[..., Any]:
        # ``render._rebuild(form, extra)``: the texts made straight into a value of the
        # caller's. ``form`` is ``(arguments, expression)``: the function takes ``rng``
        # and the other ``arguments`` (e.g. ``"rng, index"``) and returns ``expression``,
        # Python code (synth's own, never a template's text) over the texts ``t0, t1,
        # ...`` and the values ``x0, x1, ...`` of ``extra``. Same draws, same tables:
        # texts kept by one form are found by the other.
        make = _tabled_maker(len(radix), part_groups, tuple(shapes), form, len(extra))
        return make(*args, extra)  # type: ignore[no-any-return]

    render = rebuild(None, ())
    render._rebuild = rebuild
    return render  # type: ignore[no-any-return]


def _fill_fns(
    nodes: list[tuple[str, Any]],
    outputs: list[int],
    start: list[Any],
    radix: tuple[tuple[int, tuple[Any, ...]], ...],
    rest: list[int],
    ops: tuple[Any, ...],
    final: dict[Any, int],
) -> tuple[tuple[Any, ...], tuple[Callable[[Any, list[Any]], str], ...]]:
    """``(start, group tables, pad)``: what the general render's values list is made of
    before its operations (``start`` + each group's pick + ``pad``, the operations'
    places left empty), and for each output ``fill(rng, values) -> text``: only the
    operations this text needs, in order, each writing its place (a sample that misses
    several texts builds the list once)."""
    values = (start, tuple(table for _, table in radix), [None] * len(ops))
    fills = []
    for output in outputs:
        needed: set[int] = set()
        todo = [output]
        while todo:
            i = todo.pop()
            kind, payload = nodes[i]
            if kind == "filt":
                needed.add(i)
                todo.append(payload[0])
            elif kind == "phr":
                needed.add(i)
                todo += [p for pieces in payload for p in pieces if isinstance(p, int)]
        steps = tuple((final[i], op) for i, op in zip(rest, ops, strict=True) if i in needed)
        fills.append(_fill_fn(steps, final[output]))
    return values, tuple(fills)


def _fill_fn(steps: tuple[tuple[int, Any], ...], position: int) -> Callable[[Any, list[Any]], str]:
    if not steps:
        return lambda rng, v: v[position]  # type: ignore[no-any-return]
    if len(steps) == 1 and steps[0][0] == position:
        return steps[0][1]  # type: ignore[no-any-return]

    def fill(rng: Any, v: list[Any]) -> str:
        for place, op in steps:
            v[place] = op(rng, v)
        return v[position]  # type: ignore[no-any-return]

    return fill


@functools.cache
def _tabled_maker(
    groups: int,
    part_groups: tuple[int, ...],
    shapes: tuple[tuple[int, ...], ...],
    form: tuple[str, str] | None = None,
    extras: int = 0,
) -> Callable[..., Any]:
    """``make(m, limit, sizes, parts, tables, values, fills, extra) -> render``: a render
    of this shape (generated code that depends only on the counts, on which group each
    partial key reads and on ``form``, see ``rebuild``; never on a
    template's text)."""
    lines = ["def make(m, limit, sizes, parts, tables, values, fills, extra):"]
    if extras:
        lines.append(f"    ({''.join(f'x{k}, ' for k in range(extras))}) = extra")
    lines.append(f"    ({''.join(f'n{k}, ' for k in range(groups))}) = sizes")
    if part_groups:
        lines.append(f"    ({''.join(f'p{k}, ' for k in range(len(part_groups)))}) = parts")
    lines.append(f"    ({''.join(f'T{k}, ' for k in range(len(shapes)))}) = tables")
    lines.append(f"    ({''.join(f'F{k}, ' for k in range(len(shapes)))}) = fills")
    lines.append(f"    (start, ({''.join(f'G{k}, ' for k in range(groups))}), pad) = values")
    args, result = form or ("rng", f"({''.join(f't{k}, ' for k in range(len(shapes)))})")
    lines += [
        f"    def render({args}):",
        "        r = rng.getrandbits(m)",
        "        while r >= limit:",
        "            r = rng.getrandbits(m)",
        "        v = None",
    ]
    for k in range(groups - 1):
        lines.append(f"        r, i{k} = divmod(r, n{k})")
    lines.append(f"        i{groups - 1} = r % n{groups - 1}")
    for k, mine in enumerate(shapes):
        key = " + ".join(f"p{j}[i{part_groups[j]}]" for j in mine) or "0"
        lines += [
            f"        k{k} = {key}",
            f"        t{k} = T{k}[k{k}]",
            f"        if t{k} is None:",
            "            if v is None:",
            "                v = start.copy()",
            *[f"                v += G{g}[i{g}]" for g in range(groups)],
            "                v += pad",
            f"            t{k} = T{k}[k{k}] = F{k}(None, v)",
        ]
    lines += [f"        return {result}", "    return render"]
    namespace: dict[str, Any] = {}
    name = f"<synth template render: {groups} groups, {len(shapes)} tabled texts>"
    exec(compile("\n".join(lines) + "\n", name, "exec"), namespace)
    return namespace["make"]  # type: ignore[no-any-return]


#: Renders with at most this many groups + leaves + ops run as one generated function.
_UNROLL_LIMIT = 200


def _inlined(ops: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """The operations as ``_render_maker`` takes them: their kinds and, for each, what
    its generated code needs (set as ``_inline`` by ``_op`` and ``_remembered``): ``"j"``
    the join of one phrasing's pieces (their getter), ``"p"`` the join of the drawn
    phrasing's pieces (the getters, the place of the drawn phrasing), ``"f"`` a filter of
    a value (the filter, the value's place), ``"m"``/``"n"`` a remembered text looked up
    in its memo (the memo, the getter(s), the operation that makes a new text), ``"o"``
    any other operation (itself, called)."""
    kinds, parts = [], []
    for op in ops:
        kind, part = getattr(op, "_inline", ("o", op))
        kinds.append(kind)
        parts.append(part)
    return "".join(kinds), tuple(parts)


@functools.cache
def _render_maker(
    groups: int,
    leaves: int,
    ops: str,
    form: tuple[str, str] | None = None,
    texts: int = 0,
    extras: int = 0,
) -> Callable[..., Any]:
    """``make(start, m, limit, radix, leaves, ops, get, extra=()) -> render``: the loop of
    a render written out for these counts (no loop overhead per part). The generated code
    depends only on the counts, the kinds of the operations (``ops``, see ``_inlined``)
    and ``form`` (see the tabled render's ``rebuild``), never on a template's text:
    values and functions are passed in and unpacked into locals. The joins of phrasings,
    the filters and the memo lookups (most operations) are written into the render rather
    than called (a Python call less per text: ~6% of a research_assistant conversation)."""
    lines = ["def make(start, m, limit, radix, leaves, ops, get, extra=()):"]
    if extras:
        lines.append(f"    ({''.join(f'x{k}, ' for k in range(extras))}) = extra")
    if groups:
        lines.append(f"    ({', '.join(f'(n{k}, g{k})' for k in range(groups))},) = radix")
    if leaves:
        lines.append(f"    ({', '.join(f'f{k}' for k in range(leaves))},) = leaves")
    if ops:
        lines.append(f"    ({', '.join(f'o{k}' for k in range(len(ops)))},) = ops")
        unpack = {"p": "(q{0}, c{0})", "f": "(q{0}, c{0})", "m": "(m{0}, q{0}, c{0}, o{0})"}
        unpack["n"] = "(m{0}, q{0}, o{0})"
        lines += [
            f"    {unpack[kind].format(k)} = o{k}" for k, kind in enumerate(ops) if kind in unpack
        ]
        lines.append('    join = "".join')
    lines.append(f"    def render({form[0] if form else 'rng'}):")
    if groups:
        lines += [
            "        r = rng.getrandbits(m)",
            "        while r >= limit:",
            "            r = rng.getrandbits(m)",
        ]
    lines.append("        v = start.copy()")
    for k in range(groups):
        lines.append(f"        r, i = divmod(r, n{k})")
        lines.append(f"        v += g{k}[i]")
    if leaves or ops:
        lines.append("        append = v.append")
    lines += [f"        append(f{k}(rng))" for k in range(leaves)]
    code = {
        "o": "o{0}(rng, v)",
        "j": "join(o{0}(v))",
        "p": "join(q{0}[v[c{0}]](v))",
        "f": "q{0}(v[c{0}])",
        # a remembered text: looked up here, made by the operation when it is new
        "m": "o{0}(rng, v) if (t := m{0}.get(q{0}[v[c{0}]](v))) is None else t",
        "n": "o{0}(rng, v) if (t := m{0}.get(q{0}(v))) is None else t",
    }
    lines += [f"        append({code[kind].format(k)})" for k, kind in enumerate(ops)]
    if form:
        lines += [f"        ({''.join(f't{k}, ' for k in range(texts))}) = get(v)"]
        lines += [f"        return {form[1]}", "    return render"]
    else:
        lines += ["        return get(v)", "    return render"]
    namespace: dict[str, Any] = {}
    name = f"<synth template render: {groups} groups, {leaves} leaves, {len(ops)} ops>"
    exec(compile("\n".join(lines) + "\n", name, "exec"), namespace)
    return namespace["make"]  # type: ignore[no-any-return]


def _groups(drawn: list[tuple[tuple[Any, ...], Any]]) -> list[list[tuple[tuple[Any, ...], Any]]]:
    """Pack the lists into groups whose product of sizes stays within _GROUP_LIMIT
    (first fit, largest first; a list larger than the limit is a group of its own)."""
    groups: list[list[tuple[tuple[Any, ...], Any]]] = []
    sizes: list[int] = []
    for item in sorted(drawn, key=lambda d: -len(d[0])):
        n = len(item[0])
        for g, size in enumerate(sizes):
            if size * n <= _GROUP_LIMIT:
                groups[g].append(item)
                sizes[g] = size * n
                break
        else:
            groups.append([item])
            sizes.append(n)
    return groups


#: A text that can take at most this many values (by what it is made of) is remembered:
#: equal texts are then one string object (a 1 KB code answer is joined once, not per
#: sample, and a dataset holds it once).
_MEMO_LIMIT = 4096


def _few_values(nodes: list[tuple[str, Any]]) -> set[int]:
    """The phrasings nodes that can take at most ``_MEMO_LIMIT`` different values."""
    many = float("inf")
    count: dict[int, float] = {}
    for i, (kind, payload) in enumerate(nodes):  # a node's parts have smaller ids
        if kind == "list":
            count[i] = len(payload)
        elif kind == "leaf":
            count[i] = many
        elif kind == "filt":
            count[i] = count[payload[0]]
        else:
            total = 0.0
            for pieces in payload:
                product = 1.0
                for p in pieces:
                    if isinstance(p, int):
                        product *= count[p]
                    elif not isinstance(p, str):  # a fresh draw made on the spot
                        product = many
                total += product
            count[i] = total
    return {i for i, (kind, _) in enumerate(nodes) if kind == "phr" and count[i] <= _MEMO_LIMIT}


def _op(
    node_id: int,
    node: tuple[str, Any],
    final: dict[Any, int],
    consts: dict[str, int],
    remember: bool = False,
) -> Callable[[random.Random, list[Any]], str]:
    """``(rng, values) -> value`` of a phrasings or filtered node (``remember``: keep each
    text by the pieces it joins, up to ``_MEMO_LIMIT`` of them)."""
    kind, payload = node
    if kind == "filt":
        index, show = payload
        i = final[index]
        filtered = lambda rng, v: show(v[i])  # noqa: E731
        filtered._inline = ("f", (show, i))  # type: ignore[attr-defined]
        return filtered
    join = "".join
    getters: list[Any] = []
    for pieces in payload:
        if any(callable(p) for p in pieces):  # fresh draws: render piece by piece
            getters.append(_lazy_render(pieces, final))
            continue
        ids = [consts[p] if isinstance(p, str) else final[p] for p in pieces]
        if len(ids) < 2:
            ids.append(0)  # the empty literal: itemgetter of 2+ indices gives a tuple
        getters.append(itemgetter(*ids))
    if remember and all(g.__class__ is itemgetter for g in getters):
        return _remembered(getters, final[("choice", node_id)] if len(getters) > 1 else -1)
    if len(getters) == 1:
        (get,) = getters
        if get.__class__ is itemgetter:
            joined = lambda rng, v: join(get(v))  # noqa: E731
            joined._inline = ("j", get)  # type: ignore[attr-defined]
            return joined
        return get  # type: ignore[no-any-return]
    c = final[("choice", node_id)]  # the drawn phrasing index
    table = tuple(getters)
    if all(g.__class__ is itemgetter for g in table):
        picked = lambda rng, v: join(table[v[c]](v))  # noqa: E731
        picked._inline = ("p", (table, c))  # type: ignore[attr-defined]
        return picked

    def pick(rng: random.Random, v: list[Any]) -> str:
        get = table[v[c]]
        if get.__class__ is itemgetter:
            return join(get(v))
        return get(rng, v)  # type: ignore[no-any-return]

    return pick


def _remembered(getters: list[Any], c: int) -> Callable[[random.Random, list[Any]], str]:
    """A phrasings op that keeps its texts by the tuple of pieces they join."""
    join = "".join
    memo: dict[tuple[str, ...], str] = {}
    limit = _MEMO_LIMIT
    if c < 0:
        (get,) = getters

        def one(rng: random.Random, v: list[Any]) -> str:
            pieces = get(v)
            text = memo.get(pieces)
            if text is None:
                text = join(pieces)
                if len(memo) < limit:
                    memo[pieces] = text
            return text

        one._inline = ("n", (memo, get, one))  # type: ignore[attr-defined]
        return one
    table = tuple(getters)

    def pick(rng: random.Random, v: list[Any]) -> str:
        pieces = table[v[c]](v)
        text = memo.get(pieces)
        if text is None:
            text = join(pieces)
            if len(memo) < limit:
                memo[pieces] = text
        return text

    pick._inline = ("m", (memo, table, c, pick))  # type: ignore[attr-defined]
    return pick


def _lazy_render(pieces: list[Any], final: dict[Any, int]) -> Callable[..., str]:
    """``(rng, values) -> text`` of a phrasing with fresh draws (made only when picked)."""
    spec = tuple(
        (0, p) if isinstance(p, str) else (1, final[p]) if isinstance(p, int) else (2, p)
        for p in pieces
    )
    join = "".join
    return lambda rng, v: join([x if k == 0 else v[x] if k == 1 else x(rng) for k, x in spec])


def _scan_all(compiler: _Compiler, value: Phrasings, where: str) -> None:
    if isinstance(value, str):
        compiler.scan(value, where)
    elif isinstance(value, Sequence):
        for i, text in enumerate(value):
            compiler.scan(text, f"{where}[{i}]")
    else:
        raise TemplateError(f"{where}: expected a text or a list of phrasings, got {value!r}")


# -- the public node ---------------------------------------------------------------------


@attrs.frozen(repr=False)
class Template(Gen[Any]):
    """A compiled template; build it with :func:`from_template`."""

    source: Any
    vocab: Any = None
    registry: Registry | None = attrs.field(default=None, eq=False)

    def _compile(self) -> DrawFn:
        source = self.source
        if isinstance(source, Mapping):
            render = compile_together(source, registry=self.registry, vocab=self.vocab)
            keys = tuple(source)
            return lambda rng: dict(zip(keys, render(rng)))  # noqa: B905 (same length)
        one = compile_together({"text": source}, registry=self.registry, vocab=self.vocab)
        return lambda rng: one(rng)[0]

    def _default_repr(self) -> str:
        kwargs: dict[str, Any] = {}
        if self.vocab:
            kwargs["vocab"] = self.vocab
        if self.registry is not None:
            kwargs["registry"] = self.registry
        return call_repr("from_template", (self.source,), kwargs)


def from_template(
    source: str | Sequence[str] | Mapping[str, Phrasings],
    *,
    vocab: Mapping[str, Phrasings] | None = None,
    registry: Registry | None = None,
) -> Gen[Any]:
    """Compile a template into a generator.

    ``source`` is a text (``Gen[str]``), a list of phrasings (one is picked per sample), or
    a dict of texts (``Gen[dict]``) whose placeholders share one sample's bindings.
    ``vocab`` maps extra names to phrasings: ``{"product": ["a desk lamp", "a kettle"]}``.
    Errors (unknown names, bad syntax) are raised here, with line and column.
    """
    if isinstance(source, Mapping):
        frozen: Any = {str(k): _freeze(v) for k, v in source.items()}
    else:
        frozen = _freeze(source)
    vocab_frozen = None if vocab is None else {str(k): _freeze(v) for k, v in vocab.items()}
    node = Template(frozen, vocab_frozen, registry)
    return node


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    return value
