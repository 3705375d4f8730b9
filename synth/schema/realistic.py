"""Realistic strings for properties named like ``email``, ``firstName`` or ``created_at``.

A string property without ``format``, ``pattern``, ``enum`` or ``const`` gets values that
match its name when :func:`realistic_for` recognises the name: people and places from
compiled Faker providers (:func:`synth.fake`), dates and addresses from the format
generators. Names are normalised first (``firstName``, ``first-name``, ``First Name`` and
``first_name`` are the same), then looked up as a whole, then by their last word
(``billing_email``, ``shipping_city``) and by suffix (``*_at``, ``*_date``, ``*_url``,
``*_id``).

Length bounds hold by construction: a realistic value is drawn, and when it does not fit,
a value of the same kind (a capitalised word, digits, a sentence, a valid email...) of a
length drawn among the allowed ones is built instead. ``None`` is returned when the name
is not recognised or no value of that kind can have an allowed length (a ``uuid`` is
always 36 characters), so the compiler falls back to plain strings.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import string
from collections.abc import Callable
from typing import Any

import attrs

from synth.core.combinators import sampled_from
from synth.core.errors import InvalidArgument, UnsatisfiableSchema
from synth.core.gen import DrawFn, Gen
from synth.core.primitives import dates, randbelow
from synth.providers import fake
from synth.schema.formats import (
    LengthBounded,
    PickFitting,
    format_gen,
    format_lengths,
    realistic_pool,
)

__all__ = [
    "REALISTIC_NAMES",
    "normalise_name",
    "realistic_for",
    "realistic_lengths",
    "realistic_range",
    "singular",
]

Exact = Callable[[random.Random, int], str]
#: Without ``max_length``, built values are at most this much longer than the minimum.
LENGTH_SPAN = 24


def _letters(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join([alphabet[randbelow(rng, len(alphabet))] for _ in range(n)])


def _words_exact(rng: random.Random, n: int, *, capital: bool, period: bool) -> str:
    """Words of 2-9 lowercase letters separated by single spaces, exactly ``n`` long."""
    if n == 0:
        return ""
    end = "." if period and n >= 2 else ""
    rest = n - len(end)
    words = []
    while rest:
        k = min(rest, 2 + randbelow(rng, 8))
        if rest - k == 1:  # a lone trailing space would be left: widen this word
            k += 1
        words.append(_letters(rng, string.ascii_lowercase, k))
        rest -= k
        if rest:
            rest -= 1
    text = " ".join(words) + end
    return text[0].upper() + text[1:] if capital else text


_vocabulary: dict[int, tuple[str, ...]] = {}


def _words_by_length() -> dict[int, tuple[str, ...]]:
    """Faker's English words grouped by length (drawn once with a fixed seed)."""
    if not _vocabulary:
        words = fake("word")._fn
        rng = random.Random(0)
        found: dict[int, set[str]] = {}
        for _ in range(3000):
            w = words(rng)
            if w.isalpha() and w.isascii():
                found.setdefault(len(w), set()).add(w.lower())
        _vocabulary.update({k: tuple(sorted(v)) for k, v in found.items()})
    return _vocabulary


def _text_exact(rng: random.Random, n: int) -> str:
    """A sentence of real words, exactly ``n`` characters, ending with a period."""
    if n < 4:
        return _words_exact(rng, n, capital=True, period=True)
    vocab = _words_by_length()
    longest = max(vocab)
    words: list[str] = []
    rest = n - 1  # the period
    while rest:
        gap = rest - (1 if words else 0)  # a space before every word but the first
        size = gap if gap <= longest else min(longest, 2 + randbelow(rng, 7), gap - 3)
        choices = vocab.get(size)
        word = (
            choices[randbelow(rng, len(choices))]
            if choices
            else _letters(rng, string.ascii_lowercase, size)
        )
        words.append(word)
        rest -= size + (1 if len(words) > 1 else 0)
    text = " ".join(words) + "."
    return text[0].upper() + text[1:]


def _name_exact(rng: random.Random, n: int) -> str:
    return _words_exact(rng, n, capital=True, period=False).title()


def _sentence_exact(rng: random.Random, n: int) -> str:
    return _words_exact(rng, n, capital=True, period=True)


def _lower_exact(rng: random.Random, n: int) -> str:
    return _letters(rng, string.ascii_lowercase, 1) + _letters(
        rng, string.ascii_lowercase + string.digits, n - 1
    )


def _slug_exact(rng: random.Random, n: int) -> str:
    return _words_exact(rng, n, capital=False, period=False).replace(" ", "-")


def _digits_exact(rng: random.Random, n: int) -> str:
    return _letters(rng, "123456789", 1) + _letters(rng, string.digits, n - 1)


def _upper_exact(rng: random.Random, n: int) -> str:
    return _letters(rng, string.ascii_uppercase, n)


def _sku_exact(rng: random.Random, n: int) -> str:
    return _letters(rng, string.ascii_uppercase + string.digits, n)


@attrs.frozen(repr=False)
class _Skus(Gen[str]):
    """Stock-keeping units like ``KQZ-04719``: three capitals, a dash, five digits, from
    one uniform draw (the values of ``from_regex(r"[A-Z]{3}-[0-9]{5}")``, drawn faster)."""

    def _compile(self) -> DrawFn:
        pairs = tuple(a + b for a in string.ascii_uppercase for b in string.ascii_uppercase)
        letters = string.ascii_uppercase
        n = len(pairs) * len(letters) * 100_000
        k = (n - 1).bit_length()

        def sku(rng: random.Random) -> str:
            r = rng.getrandbits(k)  # randbelow(rng, n), inlined
            while r >= n:
                r = rng.getrandbits(k)
            code, number = divmod(r, 100_000)
            pair, last = divmod(code, 26)
            return f"{pairs[pair]}{letters[last]}-{number:05d}"

        return sku

    def _default_repr(self) -> str:
        return "skus()"


class _Kind:
    """A kind of realistic value: its generator (built on first use), the lengths it can
    be built with, and a builder of a value of an exact length."""

    __slots__ = ("_gen", "exact", "make", "max_len", "min_len", "natural")

    def __init__(
        self,
        make: Callable[[], Gen[str]],
        exact: Exact | None,
        min_len: int = 1,
        max_len: int | None = None,
        natural: tuple[int, int] | None = None,
    ) -> None:
        self.make, self.exact, self.min_len, self.max_len = make, exact, min_len, max_len
        #: The shortest and longest value ``gen`` makes, when known: bounds that admit
        #: them all need no length check.
        self.natural = natural
        self._gen: Gen[str] | None = None

    @property
    def gen(self) -> Gen[str]:
        if self._gen is None:
            self._gen = self.make()
        return self._gen


@attrs.frozen
class _FormatKind:
    """A kind whose values are a JSON Schema format (lengths handled by ``format_gen``)."""

    format: str


def _faker(provider: str, exact: Exact | None, min_len: int = 1, **kwargs: Any) -> _Kind:
    return _Kind(lambda: fake(provider, **kwargs), exact, min_len)


def _kinds() -> dict[str, _Kind | _FormatKind]:
    name = _faker("name", _name_exact)
    first = _faker("first_name", _name_exact)
    last = _faker("last_name", _name_exact)
    username = _faker("user_name", _lower_exact)
    city = _faker("city", _name_exact)
    country = _faker("country", _name_exact)
    state = _faker("state", _name_exact)
    postcode = _faker("postcode", _digits_exact)
    phone = _faker("phone_number", _digits_exact)
    company = _faker("company", _name_exact)
    job = _faker("job", _text_exact)
    street = _faker("street_address", _name_exact)
    text = _faker("paragraph", _text_exact, nb_sentences=2)
    sentence = _faker("sentence", _text_exact)
    title = _Kind(lambda: fake("sentence", nb_words=4).map(_drop_period), _name_exact)
    currency = _Kind(lambda: fake("currency_code"), None, 3, 3)
    language = _Kind(lambda: fake("language_code"), _lower_exact, 2, 3)
    color = _faker("color_name", _lower_exact)
    tag = _Kind(lambda: sampled_from(_TAGS), _lower_exact, natural=(2, 13))
    product = _Kind(
        lambda: sampled_from(_PRODUCTS),
        _product_exact,
        natural=(min(map(len, _PRODUCTS)), max(map(len, _PRODUCTS))),
    )
    email = _FormatKind("email")
    url = _FormatKind("uri")
    stamp = _FormatKind("date-time")
    date = _FormatKind("date")
    birth = _Kind(birth_dates, None, 10, 10, natural=(10, 10))
    uuid = _FormatKind("uuid")
    host = _FormatKind("hostname")
    table: dict[str, _Kind | _FormatKind] = {
        "email": email,
        "e_mail": email,
        "email_address": email,
        "mail": email,
        "first_name": first,
        "firstname": first,
        "given_name": first,
        "forename": first,
        "last_name": last,
        "lastname": last,
        "surname": last,
        "family_name": last,
        "name": name,
        "full_name": name,
        "fullname": name,
        "display_name": name,
        "customer_name": name,
        "contact_name": name,
        "author": name,
        "username": username,
        "user_name": username,
        "login": username,
        "handle": username,
        "nickname": username,
        "screen_name": username,
        "assignee": username,
        "reviewer": username,
        "city": city,
        "town": city,
        "country": country,
        "country_name": country,
        "country_code": _Kind(lambda: fake("country_code"), None, 2, 2),
        "state": state,
        "region": state,
        "province": state,
        "zip": postcode,
        "zipcode": postcode,
        "zip_code": postcode,
        "postcode": postcode,
        "postal_code": postcode,
        "phone": phone,
        "phone_number": phone,
        "telephone": phone,
        "mobile": phone,
        "mobile_number": phone,
        "cell": phone,
        "url": url,
        "uri": url,
        "website": url,
        "homepage": url,
        "home_page": url,
        "link": url,
        "company": company,
        "company_name": company,
        "organization": company,
        "organisation": company,
        "employer": company,
        "job": job,
        "job_title": job,
        "occupation": job,
        "title": title,
        "street": street,
        "address": street,
        "street_address": street,
        "address_line": street,
        "address_line1": street,
        "address1": street,
        "description": text,
        "summary": sentence,
        "bio": text,
        "biography": text,
        "about": text,
        "notes": text,
        "note": sentence,
        "comment": sentence,
        "comments": text,
        "message": sentence,
        "created_at": stamp,
        "updated_at": stamp,
        "timestamp": stamp,
        "datetime": stamp,
        "date_time": stamp,
        "date": date,
        "birthday": birth,
        "birthdate": birth,
        "birth_date": birth,
        "dob": birth,
        "date_of_birth": birth,
        "ip": _FormatKind("ipv4"),
        "ip_address": _FormatKind("ipv4"),
        "ipv4": _FormatKind("ipv4"),
        "ipv6": _FormatKind("ipv6"),
        "domain": host,
        "domain_name": host,
        "hostname": host,
        "host": host,
        "currency": currency,
        "currency_code": currency,
        "color": color,
        "colour": color,
        "tag": tag,
        "product": product,
        "product_name": product,
        "item_name": product,
        "product_title": product,
        "keyword": tag,
        "label": tag,
        "language": language,
        "language_code": language,
        "locale": _Kind(lambda: fake("locale"), None, 5, 6),
        "uuid": uuid,
        "guid": uuid,
        "id": uuid,
        "sku": _Kind(_Skus, _sku_exact, natural=(9, 9)),
        "slug": _faker("slug", _slug_exact),
    }
    return table


#: Tags, keywords and labels as people write them.
_TAGS = (
    "urgent", "billing", "beta", "backend", "frontend", "bug", "feature", "docs", "security",
    "performance", "mobile", "api", "design", "onboarding", "marketing", "sales", "support",
    "analytics", "infra", "release", "customer", "internal", "research", "ux", "data", "ml",
    "legal", "finance", "travel", "health", "education", "sports", "music", "food", "news",
    "review", "accessibility", "pricing", "integration", "follow-up",
)  # fmt: skip


_PRODUCTS = (
    "Wireless Mouse", "Noise-Cancelling Headphones", "Standing Desk", "USB-C Charger",
    "Mechanical Keyboard", "27-inch Monitor", "Ergonomic Office Chair", "Laptop Stand",
    "Stainless Steel Water Bottle", "Cast-Iron Skillet", "Espresso Machine", "Yoga Mat",
    "Running Shoes", "Rain Jacket", "Backpack", "Desk Lamp", "Bluetooth Speaker",
    "Smart Watch", "Phone Case", "Coffee Grinder", "Electric Kettle", "Wool Sweater",
)  # fmt: skip


def _product_exact(rng: random.Random, n: int) -> str:
    return _words_exact(rng, n, capital=True, period=False).title()


#: Birth dates of adults, in the past whatever the reference date (format dates span
#: 2000-2030, which puts birthdays in the future).
BIRTH_DATES = (dt.date(1950, 1, 1), dt.date(2006, 12, 31))


def is_birth_name(property_name: str) -> bool:
    """Whether ``property_name`` names a date of birth."""
    return normalise_name(property_name) in (
        "birthday",
        "birthdate",
        "birth_date",
        "dob",
        "date_of_birth",
    )


def birth_dates() -> Gen[str]:
    """ISO dates of birth (``1987-04-12``) between ``BIRTH_DATES``."""
    return dates(*BIRTH_DATES).map(dt.date.isoformat)


def _drop_period(sentence: str) -> str:
    return sentence.rstrip(".")


# Suffix rules for names not in the table: (suffix, key in the table).
_SUFFIXES = (
    ("_at", "created_at"),
    ("_timestamp", "timestamp"),
    ("_datetime", "datetime"),
    ("_date", "date"),
    ("_url", "url"),
    ("_uri", "url"),
    ("_link", "url"),
    ("_email", "email"),
    ("_phone", "phone"),
    ("_uuid", "uuid"),
    ("_id", "id"),
    ("_ip", "ip"),
)

_KINDS = _kinds()

#: The normalised property names :func:`realistic_for` recognises as a whole.
REALISTIC_NAMES: frozenset[str] = frozenset(_KINDS)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")


def normalise_name(property_name: str) -> str:
    """``firstName``, ``First-Name``, ``first name`` -> ``first_name``."""
    spaced = _CAMEL.sub("_", property_name.strip())
    return _SEPARATORS.sub("_", spaced).strip("_").lower()


def _lookup(property_name: str) -> _Kind | _FormatKind | None:
    key = normalise_name(property_name)
    if not key:
        return None
    if key in _KINDS:
        return _KINDS[key]
    for suffix, target in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return _KINDS[target]
    last = key.rsplit("_", 1)[-1]
    if last != key and last in _KINDS and last not in ("id", "name", "date"):
        return _KINDS[last]
    return None


@attrs.frozen(repr=False)
class _Realistic(LengthBounded):
    """Realistic values for a property name, optionally of a length within bounds."""

    factory_name = "realistic_for"


def realistic_lengths(property_name: str) -> tuple[int, int | None] | None:
    """Shortest and longest (``None``: no limit) length :func:`realistic_for` can honour
    for this name, or ``None`` if the name is not recognised."""
    kind = _lookup(property_name)
    if kind is None:
        return None
    if isinstance(kind, _FormatKind):
        return format_lengths(kind.format)
    return kind.min_len, kind.max_len


def _check_length(value: Any, arg: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidArgument(
            f"realistic_for() expects {arg} to be a non-negative int or None, got {arg}={value!r}"
        )


def realistic_for(
    property_name: str, *, min_length: int | None = None, max_length: int | None = None
) -> Gen[str] | None:
    """Realistic strings for a property called ``property_name``, or ``None``.

    ``realistic_for("firstName")`` gives first names, ``realistic_for("created_at")`` ISO
    8601 date-times, ``realistic_for("billing_email")`` emails. With ``min_length`` /
    ``max_length`` every value has an allowed length; ``None`` when the name is unknown or
    its kind of value can never have such a length.
    """
    if not isinstance(property_name, str):
        raise InvalidArgument(
            f"realistic_for() expects property_name to be a str, got {property_name!r}"
        )
    _check_length(min_length, "min_length")
    _check_length(max_length, "max_length")
    if min_length == 0:
        min_length = None  # the same as no lower bound
    kind = _lookup(property_name)
    if kind is None:
        return None
    lo = min_length or 0
    if max_length is not None and lo > max_length:
        return None
    bounded = min_length is not None or max_length is not None
    if isinstance(kind, _FormatKind):
        try:
            inner = format_gen(kind.format, min_length=min_length, max_length=max_length)
        except UnsatisfiableSchema:
            return None
        assert inner is not None
        return _Realistic(property_name, inner, None, (), min_length, max_length)
    if not bounded:
        return _Realistic(property_name, kind.gen)
    top = kind.max_len if kind.max_len is not None else lo + LENGTH_SPAN + 40
    if max_length is not None:
        top = min(top, max_length)
    lengths = tuple(range(max(lo, kind.min_len), top + 1))
    if not lengths:
        return None
    natural = kind.natural
    top_ok = natural is not None and (max_length is None or natural[1] <= max_length)
    if natural is not None and top_ok and lo <= natural[0]:
        # Every value the generator makes fits: no length check when drawing.
        return _Realistic(property_name, kind.gen, None, (), min_length, max_length)
    if kind.exact is None:
        # Fixed-width codes: usable only when every value's length is allowed.
        fits = kind.min_len >= lo and (max_length is None or (kind.max_len or 0) <= max_length)
        if not fits:
            return None
        return _Realistic(property_name, kind.gen, None, (), min_length, max_length)
    if max_length is None:
        lengths = lengths[: LENGTH_SPAN + 1]
    hi = float("inf") if max_length is None else max_length
    fitting = tuple(v for v in realistic_pool(kind.gen) if lo <= len(v) <= hi)
    # Enough realistic values of an allowed length: pick among them; else build values.
    exact = PickFitting(fitting) if len(fitting) >= 10 else kind.exact
    return _Realistic(property_name, kind.gen, exact, lengths, min_length, max_length)


#: ``(name pattern, low, high, decimals)`` over normalised names: the range a measured
#: quantity usually lies in. ``{"type": "number"}`` admits a temperature of -924 or an age
#: of 826; both are valid and read as garbage.
_QUANTITIES = tuple(
    (re.compile(pattern), lo, hi, decimals)
    for pattern, lo, hi, decimals in (
        (r"^(temp|temperature|feels_like)(_c|_celsius)?$", -10, 35, 1),
        (r"^(temp|temperature|feels_like)_f(ahrenheit)?$", 14, 95, 1),
        (r"^((relative_)?humidity|(\w+_)?(percent|percentage|pct)|cloud_cover)$", 0, 100, 0),
        (r"^(lat|latitude)$", -55, 70, 4),
        (r"^(lon|lng|long|longitude)$", -170, 175, 4),
        (r"^(wind|wind_speed|wind_kph|wind_mph|gust)$", 0, 60, 1),
        (
            r"^((min|max)_)?(price|amount|cost|total|subtotal|balance|unit_price|fee|"
            r"total_amount)(_(min|max))?$",
            5,
            500,
            2,
        ),
        (r"^(page|page_number|page_no)$", 1, 5, 0),
        (r"^(quantity|qty|passengers|adults|guests|seats)$", 1, 6, 0),
        (r"^(rating|stars)$", 1, 5, 1),
        (r"^(age)$", 18, 80, 0),
        (r"^((\w+_)?count|total_results|num_\w+|(\w+_)?number_of_\w+)$", 0, 120, 0),
        (r"^(duration_minutes|minutes|duration_min)$", 15, 120, 0),
        (r"^(number|(\w+_)?(number|no)|\w+_id)$", 1, 99999, 0),
    )
)


def realistic_range(property_name: str) -> tuple[int, int, int] | None:
    """``(low, high, decimals)``: where a number called ``property_name`` usually lies
    (``temperature`` -10 to 35 with one decimal, ``humidity`` 0 to 100, ``age`` 18 to 80,
    ``price`` 5 to 500 with two decimals, ``latitude``, ``quantity``, ``*_count``, ...), or
    ``None`` when the name is not a known quantity."""
    if not isinstance(property_name, str):
        raise InvalidArgument(
            f"realistic_range() expects property_name to be a str, got {property_name!r}"
        )
    key = normalise_name(property_name)
    for name_re, lo, hi, decimals in _QUANTITIES:
        if name_re.match(key):
            return lo, hi, decimals
    return None


def singular(name: str) -> str:
    """The singular of a plural name (or the base form of a verb in the third person):
    ``tags`` -> ``tag``, ``cities`` -> ``city``, ``addresses`` -> ``address``,
    ``fetches`` -> ``fetch``; names without a plural ending are themselves. Array items
    take their array's name in the singular as their realistic hint."""
    endings = (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh"))
    for ending, base in endings:
        if name.endswith(ending) and len(name) > len(ending) + 1:
            return name[: -len(ending)] + base
    if name.endswith("s") and not name.endswith("ss") and len(name) > 2:
        return name[:-1]
    return name
