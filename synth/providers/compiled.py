"""Compiled Faker providers: Faker's own data and ``{{token}}`` formats as plain closures.

At first use, the data of the installed Faker's locale (name tables, weighted
``OrderedDict``s, format strings) is read from its provider objects and compiled into
functions ``rng -> value`` with the weights precomputed (cumulative weights + bisect). Each
compiled function draws from the rng *exactly* as Faker's implementation does: the same
``random()`` / ``getrandbits()`` calls in the same order (the helpers below inline CPython's
``choice``, ``choices``, ``randint`` and ``uniform``), so a compiled provider returns what
Faker returns for the same rng state. ``tests/test_providers_golden.py`` proves it for every
compiled provider over hundreds of seeds, which also catches a Faker upgrade that changes
its data or its algorithms.

Only en_US is compiled; other locales go through Faker with the forwarding rng
(:mod:`synth.providers.faker`), with the same guarantees.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import random
import re
import string
import threading
import uuid
import weakref
from bisect import bisect
from collections.abc import Callable
from itertools import accumulate
from math import floor
from typing import Any

import attrs

from synth.core.gen import DrawFn, Gen
from synth.providers import snapshot
from synth.providers.faker import call_with_rng, faker_generator, faker_slugify

__all__ = ["COMPILED_LOCALES", "compiled_for", "compiled_providers"]

COMPILED_LOCALES = frozenset({"en_US"})

Fn = Callable[[random.Random], Any]

# -- CPython's Random methods, inlined over random() and getrandbits() ------------------


def _below(n: int) -> Fn:
    """``Random._randbelow(n)`` of CPython (k = n.bit_length(), rejection sampling)."""
    k = n.bit_length()

    def below(rng: random.Random) -> int:
        r = rng.getrandbits(k)
        while r >= n:
            r = rng.getrandbits(k)
        return r

    return below


def _randint(a: int, b: int) -> Fn:
    """``Random.randint(a, b)``."""
    n = b - a + 1
    k = n.bit_length()

    def randint(rng: random.Random) -> int:
        r = rng.getrandbits(k)
        while r >= n:
            r = rng.getrandbits(k)
        return a + r

    return randint


def _index(elements: Any, use_weighting: bool = True) -> Fn:
    """The index that Faker's ``random_element(elements)`` picks.

    A weighted ``OrderedDict`` goes through ``Random.choices(keys, weights, k=1)``; any
    other collection through ``Random.choice``.
    """
    if isinstance(elements, dict) and use_weighting:
        cum = list(accumulate(elements.values()))
        total = cum[-1] + 0.0
        hi = len(cum) - 1
        return lambda rng: bisect(cum, rng.random() * total, 0, hi)
    return _below(len(elements))


def _dispatch(elements: Any, fns: tuple[Fn, ...]) -> Fn:
    """``fns[i](rng)`` where i is the index ``random_element(elements)`` picks, inlined."""
    if isinstance(elements, dict):
        cum = list(accumulate(elements.values()))
        total = cum[-1] + 0.0
        hi = len(cum) - 1
        return lambda rng: fns[bisect(cum, rng.random() * total, 0, hi)](rng)
    n = len(fns)
    k = n.bit_length()

    def dispatch(rng: random.Random) -> Any:
        r = rng.getrandbits(k)
        while r >= n:
            r = rng.getrandbits(k)
        return fns[r](rng)

    return dispatch


def _element(elements: Any, use_weighting: bool = True, *, transform: Any = None) -> Fn:
    """Faker's ``random_element(elements)``, optionally mapping each element at build time."""
    keys = tuple(elements.keys() if isinstance(elements, dict) else elements)
    if transform is not None:
        keys = tuple(transform(k) for k in keys)
    weighted = isinstance(elements, dict) and use_weighting
    if weighted:
        cum = list(accumulate(elements.values()))
        total = cum[-1] + 0.0
        hi = len(cum) - 1

        def choices(rng: random.Random) -> Any:
            return keys[bisect(cum, rng.random() * total, 0, hi)]

        picked: Fn = choices
    else:
        n = len(keys)
        k = n.bit_length()

        def choice(rng: random.Random) -> Any:
            r = rng.getrandbits(k)
            while r >= n:
                r = rng.getrandbits(k)
            return keys[r]

        picked = choice
    # What generated code needs to inline the pick (see _Compiler.format).
    _PICKS[picked] = (keys, elements if weighted else keys)
    return picked


# Compiled element picks -> (the elements, the table random_element picks the index from).
_PICKS: weakref.WeakKeyDictionary[Fn, tuple[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()


# -- numerify / lexify / bothify --------------------------------------------------------

# Faker's numerify replaces each placeholder class in turn, each left to right: '#' by
# randint(0, 9), '%' by randint(1, 9), '$' by randint(2, 9), '!' and '@' by a coin flip
# (randint(0, 1)) then a digit or nothing; lexify then replaces '?' by choice(letters).
# Each class is (the strings randint/choice picks from, whether a coin flip comes first).
_CLASSES = {
    "#": ("0123456789", False),
    "%": ("123456789", False),
    "$": ("23456789", False),
    "!": ("0123456789", True),
    "@": ("123456789", True),
}


def _class_block(table: str, maybe_empty: bool, count: int) -> Callable[[Any, list[str]], None]:
    """Append ``count`` draws of one placeholder class to a list, as CPython draws them.

    (Plain loops: reading several draws from one wide ``getrandbits`` call was measured
    slower, since a third of the digit draws are rejected and must be redrawn.)
    """
    n = len(table)
    k = n.bit_length()
    if maybe_empty:

        def maybe_block(getrandbits: Any, values: list[str]) -> None:
            for _ in range(count):
                coin = getrandbits(2)
                while coin >= 2:
                    coin = getrandbits(2)
                if coin:
                    r = getrandbits(k)
                    while r >= n:
                        r = getrandbits(k)
                    values.append(table[r])
                else:
                    values.append("")

        return maybe_block

    times = range(count)

    def block(getrandbits: Any, values: list[str]) -> None:
        append = values.append
        for _ in times:
            r = getrandbits(k)
            while r >= n:
                r = getrandbits(k)
            append(table[r])

    return block


Block = Callable[[Any, list[str]], None]


def _placeholders(
    template: str, letters: str | None
) -> tuple[list[str], tuple[Block, ...], list[int]]:
    """Compile the placeholders of ``template``.

    Returns the literal pieces around the placeholders (one more than placeholders), the
    blocks that draw the placeholders in Faker's order (class by class, each class left to
    right), and for each placeholder, in position order, its rank in that draw order.
    """
    classes = dict(_CLASSES)
    if letters is not None:
        classes["?"] = (letters, False)
    rank = {c: i for i, c in enumerate(classes)}
    spots = [(i, c) for i, c in enumerate(template) if c in classes]
    order = sorted(spots, key=lambda s: (rank[s[1]], s[0]))
    draw_rank = {pos: k for k, (pos, _) in enumerate(order)}
    pieces, last = [], 0
    for pos, _ in spots:
        pieces.append(template[last:pos])
        last = pos + 1
    pieces.append(template[last:])
    blocks = []
    for c in classes:
        count = sum(1 for _, x in spots if x == c)
        if count:
            blocks.append(_class_block(*classes[c], count))
    return pieces, tuple(blocks), [draw_rank[pos] for pos, _ in spots]


def _percent_format(pieces: list[str]) -> str:
    """``%s`` between the pieces (``%`` formatting measured ~2x faster than ``str.format``)."""
    return "%s".join(p.replace("%", "%%") for p in pieces)


def _fill(template: str, letters: str | None = None) -> Fn:
    """Faker's ``numerify(template)`` (or ``bothify`` when ``letters`` is given), compiled.

    The draws happen class by class, each class left to right, like Faker's chain of
    ``re.sub`` calls; the values are then put back at their positions.
    """
    pieces, blocks, ranks = _placeholders(template, letters)
    if not blocks:
        return lambda rng: template
    plan = _fill_plan(template, letters)
    if plan is not None:
        # No coin flips (the usual '$##-$##-####'): straight-line code, generated.
        return _straight_fill(plan, takes_rng=True)
    fmt = _percent_format(pieces)

    def fill(rng: random.Random) -> str:
        values: list[str] = []
        getrandbits = rng.getrandbits
        for block in blocks:
            block(getrandbits, values)
        return fmt % tuple([values[i] for i in ranks])

    return fill


FillPlan = tuple[str, tuple[tuple[str, tuple[int, ...]], ...], int]


def _fill_plan(template: str, letters: str | None = None) -> FillPlan | None:
    """How to fill a template without coin-flip placeholders: a ``%s`` format, each class
    (in draw order) with its table and slots, and the number of slots. None when a '!' or
    '@' placeholder needs a coin flip."""
    classes = dict(_CLASSES)
    if letters is not None:
        classes["?"] = (letters, False)
    used = [c for c in classes if c in template]
    if any(classes[c][1] for c in used):
        return None
    pieces, _, _ = _placeholders(template, letters)
    spots = [c for c in template if c in classes]
    specs = tuple((classes[c][0], tuple(i for i, x in enumerate(spots) if x == c)) for c in used)
    return _percent_format(pieces), specs, len(spots)


def _straight_fill(plan: FillPlan, *, takes_rng: bool = False) -> Callable[[Any], str]:
    """The fill of ``plan`` as generated straight-line code: one ``_randbelow`` loop per
    placeholder, in draw order, then one ``%`` format. Called with ``rng.getrandbits``
    (or with the rng when ``takes_rng``). Measured against a loop over the plan: phone
    numbers 1.6 -> 1.2 us, building numbers 0.8 -> 0.5 us. The code is made only from
    integers and the names below; the tables and the format are passed in as constants.
    """
    fmt, specs, slots = plan
    constants: dict[str, Any] = {"FMT": fmt}
    lines = ["getrandbits = rng.getrandbits"] if takes_rng else []
    for t, (table, mine) in enumerate(specs):
        constants[f"T{t}"] = table
        for slot in mine:
            lines += _below_lines(len(table), f"v{slot} = T{t}[r]", "getrandbits")
    lines.append(f"return FMT % ({''.join(f'v{i}, ' for i in range(slots))})")
    return _closure("fill", lines, constants, "rng" if takes_rng else "getrandbits")


def _dispatch_fills(formats: Any) -> Fn:
    """``numerify(random_element(formats))`` in one closure (pick and fill inlined)."""
    keys = tuple(formats.keys() if isinstance(formats, dict) else formats)
    plans = tuple(_fill_plan(f) for f in keys)
    if isinstance(formats, dict) or any(p is None for p in plans):
        return _dispatch(formats, tuple(_fill(f) for f in keys))
    fills = tuple(_straight_fill(p) for p in plans if p is not None)
    count = len(fills)
    bits = count.bit_length()

    def pick_and_fill(rng: random.Random) -> str:
        getrandbits = rng.getrandbits
        r = getrandbits(bits)
        while r >= count:
            r = getrandbits(bits)
        return fills[r](getrandbits)

    return pick_and_fill


def _digit_draw(table: str, maybe_empty: bool) -> Fn:
    def draw(rng: random.Random) -> str:
        values: list[str] = []
        _class_block(table, maybe_empty, 1)(rng.getrandbits, values)
        return values[0]

    return draw


_NUMERIFY = {c: _digit_draw(*spec) for c, spec in _CLASSES.items()}


def _fill_runtime(rng: random.Random, text: str, letters: str | None = None) -> str:
    """Faker's numerify/bothify of a string only known at draw time."""
    for c, draw in _NUMERIFY.items():
        if c in text:
            parts = text.split(c)
            out = [parts[0]]
            for part in parts[1:]:
                out.append(draw(rng))
                out.append(part)
            text = "".join(out)
    if letters is not None and "?" in text:
        parts = text.split("?")
        pick = _element(letters)
        out = [parts[0]]
        for part in parts[1:]:
            out.append(pick(rng))
            out.append(part)
        text = "".join(out)
    return text


# -- {{token}} formats -------------------------------------------------------------------

# Faker's token syntax (faker.generator._re_token).
_TOKEN = re.compile(r"\{\{\s*(\w+)(:\s*\w+?)?\s*\}\}")


def _split_format(fmt: str) -> list[str] | None:
    """Alternate literal / token-name pieces (literal first); None for argument groups."""
    out: list[str] = []
    last = 0
    for m in _TOKEN.finditer(fmt):
        if m.group(2):
            return None
        out.append(fmt[last : m.start()])
        out.append(m.group(1))
        last = m.end()
    out.append(fmt[last:])
    return out


class _Compiler:
    """Compiles the providers of one locale, memoising each no-argument provider."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.gen = faker_generator(locale)
        self.memo: dict[str, Fn | None] = {}
        self.lock = threading.RLock()

    def provider(self, name: str) -> Any:
        """The Faker provider object that implements ``name``."""
        return getattr(self.gen, name).__self__

    def compiled(self, name: str) -> Fn | None:
        """The compiled no-argument provider ``name``, or None."""
        with self.lock:
            if name not in self.memo:
                builder = _BUILDERS.get(name)
                fn = None
                if builder is not None and _implemented_as_expected(self, name):
                    fn = builder(self, _defaults(self.gen, name))
                self.memo[name] = fn
            return self.memo[name]

    def token(self, name: str) -> Fn:
        """A ``{{name}}`` token: the compiled provider, or Faker's, called with the rng."""
        fn = self.compiled(name)
        if fn is None:
            method = getattr(self.gen, name)
            return lambda rng: str(call_with_rng(rng, method))
        return fn

    def format(self, fmt: str) -> Fn:
        """Faker's ``generator.parse(fmt)``: tokens drawn left to right, as strings."""
        parts = _split_format(fmt)
        if parts is None:
            return lambda rng: call_with_rng(rng, self.gen.parse, fmt)
        head = parts[0]
        pairs = tuple((self._as_str(parts[i]), parts[i + 1]) for i in range(1, len(parts), 2))
        if not pairs:
            return lambda rng: head
        if any(fn in _PICKS for fn, _ in pairs):
            return _generated_format(head, pairs)
        if len(pairs) == 1:
            ((f1, l1),) = pairs
            return lambda rng: head + f1(rng) + l1
        if len(pairs) == 2:
            (f1, l1), (f2, l2) = pairs
            return lambda rng: head + f1(rng) + l1 + f2(rng) + l2
        if len(pairs) == 3:
            (f1, l1), (f2, l2), (f3, l3) = pairs
            return lambda rng: head + f1(rng) + l1 + f2(rng) + l2 + f3(rng) + l3

        def parse(rng: random.Random) -> str:
            out = head
            for fn, lit in pairs:
                out += fn(rng) + lit
            return out

        return parse

    def _as_str(self, name: str) -> Fn:
        fn = self.token(name)
        if name in _STR_PROVIDERS:
            return fn
        return lambda rng: str(fn(rng))

    def pick_format(self, formats: Any) -> Fn:
        """``parse(random_element(formats))`` with every format compiled in advance."""
        keys = tuple(formats.keys() if isinstance(formats, dict) else formats)
        return _dispatch(formats, tuple(self.format(f) for f in keys))


def _generated_format(head: str, pairs: tuple[tuple[Fn, str], ...]) -> Fn:
    """``head + token1 + literal1 + ...`` as generated code, with the tokens that are
    element picks inlined. Tokens are drawn left to right, as Faker's ``parse`` draws them.
    Literals and numbers are written into the code as Python literals (``repr``); tables
    and functions are passed in as closure variables."""
    constants: dict[str, Any] = {}
    lines = []
    for t, (fn, _) in enumerate(pairs):
        pick = _PICKS.get(fn)
        if pick is None:
            constants[f"F{t}"] = fn
            lines.append(f"v{t} = F{t}(rng)")
        else:
            keys, data = pick
            constants[f"K{t}"] = keys
            lines += _pick_lines(data, f"v{t} = K{t}[{{}}]", f"P{t}", constants)
    lines.append("return " + _concatenation([head, *(lit for _, lit in pairs)]))
    return _closure("parse", lines, constants)


def _concatenation(literals: list[str]) -> str:
    """The expression ``'lit0' + v0 + 'lit1' + v1 + ... + 'litN'`` (empty literals left
    out), literals written with ``repr``."""
    parts = [repr(literals[0])] if literals[0] else []
    for i, literal in enumerate(literals[1:]):
        parts.append(f"v{i}")
        if literal:
            parts.append(repr(literal))
    return " + ".join(parts)


def _below_lines(n: int, assign: str, getrandbits: str = "rng.getrandbits") -> list[str]:
    """Source lines of ``Random._randbelow(n)`` into ``r``, then the statement ``assign``."""
    k = n.bit_length()
    return [f"r = {getrandbits}({k})", f"while r >= {n}:", f"    r = {getrandbits}({k})", assign]


def _closure(name: str, body: list[str], constants: dict[str, Any], param: str = "rng") -> Fn:
    """Compile ``def name(param): <body>`` with ``constants`` as closure variables (faster
    to read than globals)."""
    names = sorted(constants)
    source = (
        f"def make({', '.join(names)}):\n"
        f"    def {name}({param}):\n"
        + "".join(f"        {line}\n" for line in body)
        + f"    return {name}\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<synth {name}>", "exec"), namespace)
    fn: Fn = namespace["make"](**constants)
    return fn


def _defaults(gen: Any, name: str) -> dict[str, Any]:
    sig = inspect.signature(getattr(gen, name))
    return {
        k: p.default for k, p in sig.parameters.items() if p.default is not inspect.Parameter.empty
    }


# Which Faker module implements each compiled provider: if a Faker upgrade moves or
# overrides one, it is not compiled (it falls back to Faker) until the builder is checked.
_EXPECTED_MODULE = {
    "person": "faker.providers.person",
    "address": "faker.providers.address",
    "address.en_US": "faker.providers.address.en_US",
    "company": "faker.providers.company",
    "job": "faker.providers.job",
    "phone": "faker.providers.phone_number",
    "internet": "faker.providers.internet",
    "lorem": "faker.providers.lorem",
    "misc": "faker.providers.misc",
    "date_time": "faker.providers.date_time",
    "base": "faker.providers",
}


def _implemented_as_expected(c: _Compiler, name: str) -> bool:
    fn = inspect.unwrap(getattr(c.gen, name).__func__)
    return fn.__module__ == _EXPECTED_MODULE[_HOME[name]]


# -- the builders: (compiler, arguments) -> rng -> value ---------------------------------

Builder = Callable[[_Compiler, dict[str, Any]], Fn | None]
_BUILDERS: dict[str, Builder] = {}
_HOME: dict[str, str] = {}
_STR_PROVIDERS: set[str] = set()


def _builder(home: str, *names: str, returns_str: bool = True) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        for name in names:
            _BUILDERS[name] = fn
            _HOME[name] = home
            if returns_str:
                _STR_PROVIDERS.add(name)
        return fn

    return register


def _elements_of(attr: str, lower: bool = False) -> Builder:
    def build(c: _Compiler, args: dict[str, Any]) -> Fn:
        data = getattr(c.provider(_ATTR_OWNER[attr]), attr)
        return _element(data, transform=str.lower if lower else None)

    return build


# Providers that are `return self.random_element(self.<attr>)`.
_SIMPLE = {
    "person": {
        "first_name": "first_names",
        "last_name": "last_names",
        "first_name_male": "first_names_male",
        "first_name_female": "first_names_female",
        "prefix_male": "prefixes_male",
        "prefix_female": "prefixes_female",
        "suffix_male": "suffixes_male",
        "suffix_female": "suffixes_female",
    },
    "address": {"city_suffix": "city_suffixes", "street_suffix": "street_suffixes"},
    "address.en_US": {
        "city_prefix": "city_prefixes",
        "military_ship": "military_ship_prefix",
        "military_state": "military_state_abbr",
    },
    "company": {"company_suffix": "company_suffixes"},
    "job": {"job": "jobs"},
    "internet": {"tld": "tlds"},
}
_ATTR_OWNER: dict[str, str] = {}
for _home, _table in _SIMPLE.items():
    for _name, _attr in _table.items():
        _ATTR_OWNER[_attr] = _name
        _builder(_home, _name)(_elements_of(_attr))

# `@lowercase def x(): return self.random_element(self.<attr>)`
for _name, _attr in {"free_email_domain": "free_email_domains"}.items():
    _ATTR_OWNER[_attr] = _name
    _builder("internet", _name)(_elements_of(_attr, lower=True))
_ATTR_OWNER["safe_domain_names"] = "safe_domain_name"
_builder("internet", "safe_domain_name")(_elements_of("safe_domain_names", lower=True))


@_builder("address.en_US", "state")
def _state(c: _Compiler, args: dict[str, Any]) -> Fn:
    return _element(c.provider("state").states)


@_builder("address", "country")
def _country(c: _Compiler, args: dict[str, Any]) -> Fn:
    return _element(c.provider("country").countries)


@_builder("address.en_US", "state_abbr")
def _state_abbr(c: _Compiler, args: dict[str, Any]) -> Fn:
    p = c.provider("state_abbr")
    abbreviations = p.states_abbr
    if args.get("include_territories", True):
        abbreviations += p.territories_abbr
    if args.get("include_freely_associated_states", True):
        abbreviations += p.freely_associated_states_abbr
    return _element(abbreviations)


# `pattern = self.random_element(self.<formats>); return self.generator.parse(pattern)`
_FORMATTED = {
    "person": {"name": "formats"},
    "address": {
        "city": "city_formats",
        "street_name": "street_name_formats",
        "street_address": "street_address_formats",
        "address": "address_formats",
    },
    "company": {"company": "formats"},
}


def _formatted(name: str, attr: str) -> Builder:
    def build(c: _Compiler, args: dict[str, Any]) -> Fn:
        return c.pick_format(getattr(c.provider(name), attr))

    return build


for _home, _table in _FORMATTED.items():
    for _name, _attr in _table.items():
        _builder(_home, _name)(_formatted(_name, _attr))

# `return self.numerify(self.random_element(self.<formats>))`
_NUMERIFIED = {
    "address": {"building_number": "building_number_formats"},
    "address.en_US": {"secondary_address": "secondary_address_formats"},
    "phone": {"phone_number": "formats", "msisdn": "msisdn_formats"},
}


def _numerified(name: str, attr: str) -> Builder:
    def build(c: _Compiler, args: dict[str, Any]) -> Fn:
        formats = getattr(c.provider(name), attr)
        return _dispatch_fills(formats)

    return build


for _home, _table in _NUMERIFIED.items():
    for _name, _attr in _table.items():
        _builder(_home, _name)(_numerified(_name, _attr))


def _military_fill(attr: str) -> Builder:
    def build(c: _Compiler, args: dict[str, Any]) -> Fn:
        return _fill(getattr(c.provider("military_apo"), attr))

    return build


_builder("address.en_US", "military_apo")(_military_fill("military_apo_format"))
_builder("address.en_US", "military_dpo")(_military_fill("military_dpo_format"))


@_builder("address.en_US", "postcode", "zipcode")
def _postcode(c: _Compiler, args: dict[str, Any]) -> Fn:
    number = _randint(501, 99950)
    return lambda rng: f"{number(rng):05d}"


# -- internet ----------------------------------------------------------------------------

_CLEAN_PIECE = re.compile(r"[A-Za-z0-9_]*\Z")


@_builder("internet", "user_name")
def _user_name(c: _Compiler, args: dict[str, Any]) -> Fn:
    """``slugify_unicode(to_ascii(bothify(parse(random_element(user_name_formats))).lower()))``.

    When every name and literal is "clean" (ASCII after ``_to_ascii``, no whitespace,
    hyphens or placeholder characters), that whole chain acts on each piece separately, so
    it is applied once per table entry at build time instead of once per draw.
    """
    p = c.provider("user_name")
    to_ascii = p._to_ascii

    def post(s: str) -> str:
        return faker_slugify(to_ascii(s.lower()), allow_unicode=True)

    formats = p.user_name_formats
    keys = tuple(formats.keys() if isinstance(formats, dict) else formats)
    tables: dict[str, Any] = {}  # token name -> (post()-ed names, index fn), or None
    return _dispatch(formats, tuple(_user_name_format(c, f, post, tables) for f in keys))


def _user_name_table(
    c: _Compiler, name: str, post: Callable[[str], str]
) -> tuple[tuple[str, ...], Any] | None:
    """The names of a person token after ``post``, and the table Faker picks them from;
    None when a name is not clean (then the format takes the slow path)."""
    data = getattr(c.provider(name), _SIMPLE["person"][name])
    keys = tuple(data.keys() if isinstance(data, dict) else data)
    posted = []
    for k in keys:
        after = post(k)
        if not _clean_after(k, after, False):
            return None
        posted.append(after)
    return tuple(posted), data


def _clean(piece: str, post: Callable[[str], str], allow_placeholders: bool) -> bool:
    return _clean_after(piece, post(piece), allow_placeholders)


def _clean_after(piece: str, after: str, allow_placeholders: bool) -> bool:
    """Whether ``piece`` is clean, given ``after = post(piece)``."""
    if not allow_placeholders and any(ch in piece for ch in "#%$!@?"):
        return False
    return (
        piece.isascii()
        and bool(_CLEAN_PIECE.match(after))
        and not any(ch in piece for ch in " \t\n-")
    )


def _user_name_format(
    c: _Compiler, fmt: str, post: Callable[[str], str], cache: dict[str, Any]
) -> Fn:
    parts = _split_format(fmt)
    letters = string.ascii_letters
    exact = c.format(fmt)

    def slow(rng: random.Random) -> str:
        return post(_fill_runtime(rng, exact(rng), letters))

    if parts is None:
        return slow
    tokens = [parts[i] for i in range(1, len(parts), 2)]
    literals = [parts[i] for i in range(0, len(parts), 2)]
    tables = []
    for name in tokens:
        if name not in _SIMPLE["person"] or c.compiled(name) is None:
            return slow
        if name not in cache:  # the formats share their tokens: each table is made once
            cache[name] = _user_name_table(c, name, post)
        if cache[name] is None:
            return slow
        tables.append(cache[name])
    if not all(_clean(lit, post, True) for lit in literals):
        return slow
    # What post() does to a clean literal: slugify drops everything but [A-Za-z0-9_]
    # (placeholders are filled first, with digits and letters, so they stay), and the
    # letters are lowercased: draw from the lowercased letters table instead.
    specials = set(_CLASSES) | {"?"}
    kept = ["".join(ch for ch in lit if ch.isalnum() or ch == "_" or ch in specials)
            for lit in literals]  # fmt: skip
    marker = "\x00"
    skeleton = marker.join(kept)
    classes = dict(_CLASSES)
    classes["?"] = (letters.lower(), False)
    if any(classes[ch][1] for ch in skeleton if ch in classes):
        return slow  # coin-flip placeholders ('!', '@'): not worth a fast path
    # Slots in position order: tokens (markers) and placeholders; literals in between.
    slot_chars = [ch for ch in skeleton if ch == marker or ch in classes]
    pieces, current = [], []
    for ch in skeleton:
        if ch == marker or ch in classes:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    token_slots = [i for i, ch in enumerate(slot_chars) if ch == marker]
    # Generated straight-line code: each token as random_element() picks it, then the
    # placeholders class by class, then the pieces joined.
    constants: dict[str, Any] = {}
    lines = []
    for t, ((table, data), slot) in enumerate(zip(tables, token_slots, strict=True)):
        constants[f"N{t}"] = table
        lines += _pick_lines(data, f"v{slot} = N{t}[{{}}]", f"W{t}", constants)
    for c, (table, _) in classes.items():
        if c not in slot_chars:
            continue
        constants[f"T{ord(c)}"] = table
        for slot in (i for i, ch in enumerate(slot_chars) if ch == c):
            lines += _below_lines(len(table), f"v{slot} = T{ord(c)}[r]")
    lines.append("return " + _concatenation(pieces))
    return _closure("user_name", lines, constants)


def _pick_lines(data: Any, assign: str, name: str, constants: dict[str, Any]) -> list[str]:
    """Source lines (unindented, drawing from ``rng``) of ``random_element(data)``'s index
    put into ``assign`` (a statement with one ``{}`` for the index): ``choices()`` with
    cumulative weights for a weighted dict, ``choice()`` otherwise. Its tables go into
    ``constants`` under names that start with ``name``."""
    if isinstance(data, dict):
        cum = list(accumulate(data.values()))
        constants[f"{name}_CUM"] = cum
        constants["bisect"] = bisect
        total = repr(cum[-1] + 0.0)
        return [assign.format(f"bisect({name}_CUM, rng.random() * {total}, 0, {len(cum) - 1})")]
    return _below_lines(len(data), assign.format("r"))


@_builder("internet", "domain_word")
def _domain_word(c: _Compiler, args: dict[str, Any]) -> Fn:
    company = c.compiled("company") or c.token("company")
    to_ascii = c.provider("domain_word")._to_ascii

    @functools.lru_cache(maxsize=1 << 14)
    def post(first_word: str) -> str:
        return faker_slugify(to_ascii(first_word), allow_unicode=True).lower()

    return lambda rng: post(company(rng).split(" ")[0])


@_builder("internet", "domain_name")
def _domain_name(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    levels = args.get("levels", 1)
    if not isinstance(levels, int) or levels < 1:
        return None
    word, tld = c.compiled("domain_word"), c.compiled("tld")
    if word is None or tld is None:
        return None

    def domain(rng: random.Random, levels: int = levels) -> str:
        if levels == 1:
            return (word(rng) + "." + tld(rng)).lower()
        return (word(rng) + "." + domain(rng, levels - 1)).lower()

    return domain


@_builder("internet", "email")
def _email(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    user = c.compiled("user_name")
    if user is None:
        return None
    domain = args.get("domain")
    if domain:
        return lambda rng: (user(rng) + "@" + domain).lower()
    if args.get("safe", True):
        safe = c.compiled("safe_domain_name")
        return lambda rng: (user(rng) + "@" + safe(rng)).lower()
    parse = c.pick_format(c.provider("email").email_formats)
    return lambda rng: "".join(parse(rng).split(" ")).lower()


@_builder("internet", "safe_email")
def _safe_email(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    user, safe = c.compiled("user_name"), c.compiled("safe_domain_name")
    if user is None or safe is None:
        return None
    return lambda rng: (user(rng) + "@" + safe(rng)).lower()


@_builder("internet", "url")
def _url(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    schemes = args.get("schemes")
    if schemes is None:
        schemes = ["http", "https"]
    if not isinstance(schemes, (list, tuple)) or not all(isinstance(s, str) for s in schemes):
        return None
    formats = c.provider("url").url_formats
    keys = tuple(formats.keys() if isinstance(formats, dict) else formats)
    pick_format = _index(formats)
    if schemes:
        pick_scheme = _element(schemes)
        compiled = {(s, f): c.format(f"{s}://{f}") for s in dict.fromkeys(schemes) for f in keys}

        def url(rng: random.Random) -> str:
            scheme = pick_scheme(rng)
            return compiled[scheme, keys[pick_format(rng)]](rng)

        return url
    fns = tuple(c.format(f"://{f}") for f in keys)
    return lambda rng: fns[pick_format(rng)](rng)


@_builder("internet", "ipv4")
def _ipv4(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    if args.get("network") or args.get("address_class") or args.get("private") is not None:
        return None
    networks, weights = c.provider("ipv4")._get_all_networks_and_weights(address_class=None)
    if not (isinstance(weights, list) and len(weights) == len(networks)):
        return None
    cum = list(accumulate(float(w) for w in weights))
    total = cum[-1] + 0.0
    hi = len(cum) - 1
    bases = tuple(int(n.network_address) for n in networks)
    offsets = tuple(_randint(0, n.num_addresses - 1) for n in networks)

    def ipv4(rng: random.Random) -> str:
        i = bisect(cum, rng.random() * total, 0, hi)
        x = bases[i] + offsets[i](rng)
        return f"{x >> 24}.{(x >> 16) & 255}.{(x >> 8) & 255}.{x & 255}"

    return ipv4


# -- lorem -------------------------------------------------------------------------------


def _word_list(c: _Compiler, args: dict[str, Any]) -> tuple[str, ...] | None:
    if args.get("ext_word_list") is not None:
        words = args["ext_word_list"]
        return tuple(words) if words else None
    pos = args.get("part_of_speech")
    p = c.provider("word")
    if pos:
        table = getattr(p, "parts_of_speech", {})
        return tuple(table[pos]) if pos in table else None
    return tuple(p.word_list)


def _words_fn(words: tuple[str, ...]) -> Callable[[random.Random, int], list[str]]:
    """Faker's ``words(nb)``: ``choice`` for one word, ``choices(k=nb)`` for more."""
    one = _element(words)
    n = float(len(words))

    def draw(rng: random.Random, nb: int) -> list[str]:
        if nb == 1:
            return [one(rng)]
        rand = rng.random
        return [words[floor(rand() * n)] for _ in range(nb)]

    return draw


@_builder("lorem", "word")
def _word(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    words = _word_list(c, args)
    return None if words is None else _element(words)


@_builder("lorem", "words", returns_str=False)
def _words(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    nb = args.get("nb", 3)
    if args.get("unique") or not isinstance(nb, int) or nb < 0:
        return None
    words = _word_list(c, args)
    if words is None:
        return None
    draw = _words_fn(words)
    return lambda rng: draw(rng, nb)


def _nb_elements(number: int) -> Fn:
    """Faker's ``randomize_nb_elements(number, min=1)``."""
    percent = _randint(60, 140)

    def nb(rng: random.Random) -> int:
        value = int(number * percent(rng) / 100)
        return value if value >= 1 else 1

    return nb


def _sentence_fn(c: _Compiler, nb_words: int, variable: bool, ext: Any) -> Fn | None:
    if not isinstance(nb_words, int):
        return None
    if nb_words <= 0:
        return lambda rng: ""
    words = _word_list(c, {"ext_word_list": ext})
    if words is None:
        return None
    draw = _words_fn(words)
    p = c.provider("sentence")
    joint, stop = p.word_connector, p.sentence_punctuation
    if not variable:

        def fixed_sentence(rng: random.Random) -> str:
            chosen = draw(rng, nb_words)
            chosen[0] = chosen[0].title()
            return joint.join(chosen) + stop

        return fixed_sentence

    # The hot path, inlined: randomize_nb_elements(nb_words, min=1) (randint(60, 140)),
    # then words(nb): choice() for one word, choices(k=nb) for more; each length of
    # choices() is generated straight-line code (measured 1.4 -> 0.9 us a sentence).
    one = _element(words)
    sizes = [int(nb_words * (60 + r) / 100) for r in range(81)]
    by_size = {nb: _choices_sentence(words, nb, joint, stop) for nb in set(sizes) if nb > 1}
    fills = tuple(by_size.get(nb) for nb in sizes)

    def sentence(rng: random.Random) -> str:
        r = rng.getrandbits(7)
        while r >= 81:
            r = rng.getrandbits(7)
        fill = fills[r]
        if fill is not None:
            return fill(rng.random)
        return one(rng).title() + stop

    return sentence


def _choices_sentence(
    words: tuple[str, ...], nb: int, joint: str, stop: str
) -> Callable[[Any], str]:
    """``joint.join(choices(words, k=nb))`` with the first word title-cased, plus ``stop``,
    as generated code called with ``rng.random``: ``nb`` draws of
    ``words[floor(random() * len(words))]`` (what ``Random.choices`` does), one format."""
    constants: dict[str, Any] = {
        "FIRST": tuple(w.title() for w in words),
        "WORDS": words,
        "SIZE": float(len(words)),
        "floor": floor,
        "FMT": "%s".join([""] + [joint.replace("%", "%%")] * (nb - 1) + [stop.replace("%", "%%")]),
    }
    picks = ["FIRST[floor(random() * SIZE)]"] + ["WORDS[floor(random() * SIZE)]"] * (nb - 1)
    source = f"def fill(random):\n    return FMT % ({', '.join(picks)},)\n"
    exec(compile(source, "<synth sentence>", "exec"), constants)
    fill: Callable[[Any], str] = constants["fill"]
    return fill


@_builder("lorem", "sentence")
def _sentence(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    return _sentence_fn(
        c, args.get("nb_words", 6), args.get("variable_nb_words", True), args.get("ext_word_list")
    )


def _paragraph_fn(c: _Compiler, nb_sentences: Any, variable: bool, ext: Any) -> Fn | None:
    if not isinstance(nb_sentences, int):
        return None
    if nb_sentences <= 0:
        return lambda rng: ""
    sentence = _sentence_fn(c, 6, True, ext)
    if sentence is None:
        return None
    joint = c.provider("paragraph").word_connector
    nb = _nb_elements(nb_sentences) if variable else (lambda rng: nb_sentences)
    return lambda rng: joint.join([sentence(rng) for _ in range(nb(rng))])


@_builder("lorem", "paragraph")
def _paragraph(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    return _paragraph_fn(
        c,
        args.get("nb_sentences", 3),
        args.get("variable_nb_sentences", True),
        args.get("ext_word_list"),
    )


@_builder("lorem", "text")
def _text(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    limit = args.get("max_nb_chars", 200)
    ext = args.get("ext_word_list")
    if not isinstance(limit, int) or limit < 5:
        return None
    p = c.provider("text")
    joint, stop = p.word_connector, p.sentence_punctuation
    if limit < 25:
        words = _word_list(c, {"ext_word_list": ext})
        if words is None:
            return None
        word, sep = _element(words), joint
    elif limit < 100:
        word, sep = _sentence_fn(c, 6, True, ext), joint
    else:
        word, sep = _paragraph_fn(c, 3, True, ext), "\n"
    if word is None:
        return None
    is_words = limit < 25

    def text(rng: random.Random) -> str:
        out: list[str] = []
        while not out:
            size = 0
            while size < limit:
                piece = (sep if size else "") + word(rng)
                out.append(piece)
                size += len(piece)
            out.pop()
        if is_words:
            out[0] = out[0][0].upper() + out[0][1:]
            out[-1] += stop
        return "".join(out)

    return text


# -- misc and dates ----------------------------------------------------------------------


@_builder("misc", "uuid4", returns_str=False)
def _uuid4(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    cast = args.get("cast_to", str)
    UUID = uuid.UUID
    if cast is str:
        # What str(UUID(int=bits, version=4)) computes, without building the UUID object.
        clear = ~(0xC000 << 48) & ~(0xF000 << 64)
        stamp = (0x8000 << 48) | (4 << 76)

        def uuid4_str(rng: random.Random) -> str:
            h = "%032x" % ((rng.getrandbits(128) & clear) | stamp)
            return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

        return uuid4_str
    if cast is None:
        return lambda rng: UUID(int=rng.getrandbits(128), version=4)
    return None


_EPOCH = dt.datetime(1970, 1, 1)
_UTC = dt.UTC


def _timestamp(value: dt.date) -> int:
    """Faker's ``datetime_to_timestamp``: seconds since the epoch, naive values as UTC."""
    import calendar

    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(_UTC)
    return calendar.timegm(value.timetuple())


def _from_timestamp(ts: float) -> dt.datetime:
    """Faker's naive timestamp -> datetime, taking the local time zone to be UTC.

    (Faker goes through the machine's local time zone and back to UTC, which is the same
    instant for times after 1970; before 1970 Faker's result depends on the machine's time
    zone, synth's does not.)
    """
    if ts >= 0:
        return dt.datetime.fromtimestamp(ts, _UTC).replace(tzinfo=None)
    return _EPOCH + dt.timedelta(seconds=int(ts))


def _uniform(a: float, b: float) -> Fn:
    span = b - a
    return lambda rng: a + span * rng.random()


@_builder("date_time", "date_between", returns_str=False)
def _date_between(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    start, end = args.get("start_date"), args.get("end_date")
    if not (isinstance(start, dt.date) and isinstance(end, dt.date)):
        return None
    start = start.date() if isinstance(start, dt.datetime) else start
    end = end.date() if isinstance(end, dt.datetime) else end
    return _between_dates(_timestamp(start), _timestamp(end), date=True)


@_builder("date_time", "date_between_dates", returns_str=False)
def _date_between_dates(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    start, end = args.get("date_start"), args.get("date_end")
    if not (isinstance(start, dt.date) and isinstance(end, dt.date)):
        return None
    return _between_dates(_timestamp(start), _timestamp(end), date=True)


@_builder("date_time", "date_time_between_dates", returns_str=False)
def _date_time_between_dates(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    start, end = args.get("datetime_start"), args.get("datetime_end")
    if args.get("tzinfo") is not None:
        return None
    if not (isinstance(start, dt.date) and isinstance(end, dt.date)):
        return None
    return _between_dates(_timestamp(start), _timestamp(end), date=False)


def _between_dates(start: int, end: int, *, date: bool) -> Fn | None:
    if start > end:
        return None
    uniform = _uniform(start, end)
    if date:
        return lambda rng: _from_timestamp(uniform(rng)).date()
    return lambda rng: _from_timestamp(uniform(rng))


@_builder("date_time", "date_time_between", returns_str=False)
def _date_time_between(c: _Compiler, args: dict[str, Any]) -> Fn | None:
    start, end, tz = args.get("start_date"), args.get("end_date"), args.get("tzinfo")
    if not (isinstance(start, dt.date) and isinstance(end, dt.date)):
        return None
    a, b = _timestamp(start), _timestamp(end)
    if b == a:

        def seconds(rng: random.Random) -> float:
            return a
    elif b - a <= 1:

        def seconds(rng: random.Random) -> float:
            return a + rng.random()
    else:
        seconds = _uniform(a, b)
    if tz is None:
        return lambda rng: _EPOCH + dt.timedelta(seconds=seconds(rng))
    epoch = dt.datetime(1970, 1, 1, tzinfo=_UTC)
    return lambda rng: (epoch + dt.timedelta(seconds=seconds(rng))).astimezone(tz)


# -- the public side ---------------------------------------------------------------------

_compilers: dict[str, _Compiler] = {}
_compilers_lock = threading.Lock()


def _compiler(locale: str) -> _Compiler:
    with _compilers_lock:
        c = _compilers.get(locale)
        if c is None:
            c = _compilers[locale] = _Compiler(locale)
        return c


@attrs.frozen(repr=False)
class _CompiledProvider(Gen[Any]):
    """A Faker provider compiled into a closure; its repr is the ``fake(...)`` call."""

    provider: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    locale: str = "en_US"
    fn: Fn = attrs.field(default=None, eq=False, hash=False)

    def _compile(self) -> DrawFn:
        return self.fn


def compiled_for(
    provider: str, locale: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Gen[Any] | None:
    """The compiled generator for ``provider`` in ``locale`` with these arguments, if any.

    The arguments have already been checked against Faker's signature.
    """
    if locale not in COMPILED_LOCALES or provider not in _BUILDERS:
        return None
    c = _compiler(locale)
    if not args and not kwargs:
        fn = c.compiled(provider)
    else:
        if not _implemented_as_expected(c, provider):
            return None
        bound = inspect.signature(getattr(c.gen, provider)).bind(*args, **kwargs)
        bound.apply_defaults()
        with c.lock:
            fn = _BUILDERS[provider](c, dict(bound.arguments))
    if fn is None:
        return None
    return _CompiledProvider(provider, tuple(args), tuple(kwargs.items()), locale, fn)


@functools.cache
def compiled_providers(locale: str = "en_US") -> frozenset[str]:
    """Names of the providers compiled for ``locale`` (drawn without calling Faker).

    Other areas use this to find realistic generators by name: ``fake(name)`` for any of
    these is as fast as a hand-written generator.
    """
    if locale not in COMPILED_LOCALES:
        return frozenset()
    known = snapshot.load(locale)
    if known is not None:  # the same set, from the snapshot of Faker's data
        return known["compiled"]
    c = _compiler(locale)
    names = frozenset(name for name in _BUILDERS if c.compiled(name) is not None)
    _store_snapshot(c, names)
    return names


def _store_snapshot(c: _Compiler, compiled: frozenset[str]) -> None:
    """Write what later runs need from Faker (see :mod:`synth.providers.snapshot`): the
    tables of the compiled plain ``random_element(<table>)`` providers that take no
    required argument."""
    from synth.providers.faker import _check_arguments, _check_provider, provider_names

    tables: dict[str, Any] = {}
    for home in _SIMPLE.values():
        for name, attr in home.items():
            if name not in compiled:
                continue
            try:
                _check_provider(name, c.locale)
                _check_arguments(name, getattr(c.gen, name), (), {})
            except Exception:
                continue
            data = getattr(c.provider(name), attr)
            if isinstance(data, dict):
                if not all(isinstance(k, str) for k in data) or not all(
                    type(v) in (int, float) for v in data.values()
                ):
                    continue
            elif not all(isinstance(k, str) for k in data):
                continue
            tables[name] = data
    from synth.providers.faker import available_locales

    snapshot.store(
        c.locale,
        available_locales=available_locales(),
        provider_names=provider_names(c.locale),
        compiled=compiled,
        tables=tables,
    )


_from_snapshot: dict[tuple[str, str], Fn] = {}


def compiled_from_snapshot(provider: str, locale: str) -> Gen[Any] | None:
    """``fake(provider)`` (no arguments) compiled from the snapshot of Faker's data, or
    None when the snapshot is absent, stale, or does not hold that provider's table."""
    if locale not in COMPILED_LOCALES:
        return None
    known = snapshot.load(locale)
    if known is None or provider not in known["tables"]:
        return None
    key = (locale, provider)
    fn = _from_snapshot.get(key)
    if fn is None:
        # What the _SIMPLE builder makes from Faker's own table (_elements_of).
        fn = _from_snapshot.setdefault(key, _element(known["tables"][provider]))
    return _CompiledProvider(provider, (), (), locale, fn)
