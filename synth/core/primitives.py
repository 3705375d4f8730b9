"""Primitive generators, built on ``rng.random()`` and ``rng.getrandbits()`` only.

Python promises that those two methods give the same outputs for the same state in every
version, while ``randrange``, ``choice`` and ``sample`` may change; so a dataset made from a
seed today is the same dataset next year.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import attrs

from synth.core.errors import InvalidArgument
from synth.core.gen import DrawFn, Gen, check_gen, factory

__all__ = [
    "DEFAULT_ALPHABET",
    "DEFAULT_MAX_DATE",
    "DEFAULT_MAX_DATETIME",
    "DEFAULT_MIN_DATE",
    "DEFAULT_MIN_DATETIME",
    "booleans",
    "characters",
    "dates",
    "datetimes",
    "floats",
    "integers",
    "randbelow",
    "text",
    "uuids",
]

DEFAULT_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
DEFAULT_TEXT_SPAN = 16
DEFAULT_MIN_DATE = dt.date(2000, 1, 1)
DEFAULT_MAX_DATE = dt.date(2030, 12, 31)
DEFAULT_MIN_DATETIME = dt.datetime(2000, 1, 1)
DEFAULT_MAX_DATETIME = dt.datetime(2030, 12, 31, 23, 59, 59)


def randbelow(rng: random.Random, n: int) -> int:
    """A uniform integer in ``[0, n)`` from ``rng.getrandbits`` (rejection sampling)."""
    if n <= 1:
        return 0
    k = (n - 1).bit_length()
    r = rng.getrandbits(k)
    while r >= n:
        r = rng.getrandbits(k)
    return r


def _below_fn(n: int) -> DrawFn:
    """A compiled ``rng -> randbelow(rng, n)``."""
    if n <= 1:
        return lambda rng: 0
    k = (n - 1).bit_length()
    if n == 1 << k:
        return lambda rng: rng.getrandbits(k)

    def below(rng: random.Random) -> int:
        r = rng.getrandbits(k)
        while r >= n:
            r = rng.getrandbits(k)
        return r

    return below


def _check_int(value: Any, func: str, arg: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(
            f"{func}() expects {arg} to be an int, got {arg}={value!r} "
            f"(type={type(value).__name__})"
        )
    return value


# -- integers ------------------------------------------------------------------------


@attrs.frozen(repr=False)
class _Integers(Gen[int]):
    min_value: int
    max_value: int

    def _compile(self) -> DrawFn:
        lo = self.min_value
        below = _below_fn(self.max_value - lo + 1)
        if lo == 0:
            return below
        return lambda rng: lo + below(rng)


@factory
def integers(min_value: int, max_value: int) -> Gen[int]:
    """Integers from ``min_value`` to ``max_value``, both included, uniformly."""
    _check_int(min_value, "integers", "min_value")
    _check_int(max_value, "integers", "max_value")
    if min_value > max_value:
        raise InvalidArgument(
            f"integers() expects min_value <= max_value, got min_value={min_value}, "
            f"max_value={max_value}"
        )
    return _Integers(min_value, max_value)


# -- floats --------------------------------------------------------------------------


def _places_range(lo: float, hi: float, places: int) -> tuple[int, int]:
    """The integers k with ``lo <= k / 10**places <= hi`` in float arithmetic, as a range.

    ``0.1`` is a float slightly above one tenth, so the exact decimal bound is adjusted by
    one step where the float division still lands inside the bounds.
    """
    scale = Decimal(10) ** places
    factor = 10**places
    lo_i = int((Decimal(lo) * scale).to_integral_value(ROUND_CEILING))
    hi_i = int((Decimal(hi) * scale).to_integral_value(ROUND_FLOOR))
    if (lo_i - 1) / factor >= lo:
        lo_i -= 1
    if (hi_i + 1) / factor <= hi:
        hi_i += 1
    return lo_i, hi_i


@attrs.frozen(repr=False)
class _Floats(Gen[float]):
    min_value: float
    max_value: float
    places: int | None = None

    def _compile(self) -> DrawFn:
        lo, hi, places = self.min_value, self.max_value, self.places
        if places is not None:
            lo_i, hi_i = _places_range(lo, hi, places)
            below = _below_fn(hi_i - lo_i + 1)
            factor = 10**places
            return lambda rng: (lo_i + below(rng)) / factor
        if lo == hi:
            return lambda rng: lo

        def uniform(rng: random.Random) -> float:
            r = rng.random()
            x = lo * (1.0 - r) + hi * r
            if x < lo:
                return lo
            if x > hi:
                return hi
            return x

        return uniform


@factory
def floats(
    min_value: float = 0.0, max_value: float = 1.0, *, places: int | None = None
) -> Gen[float]:
    """Finite floats between ``min_value`` and ``max_value`` (both may occur).

    With ``places=2`` values are multiples of 0.01 (prices, scores), drawn uniformly among
    those in the range.
    """
    for name, v in (("min_value", min_value), ("max_value", max_value)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise InvalidArgument(
                f"floats() expects {name} to be a finite number, got {name}={v!r}"
            )
    if min_value > max_value:
        raise InvalidArgument(
            f"floats() expects min_value <= max_value, got min_value={min_value}, "
            f"max_value={max_value}"
        )
    if places is not None:
        _check_int(places, "floats", "places")
        if not 0 <= places <= 15:
            raise InvalidArgument(f"floats() expects places between 0 and 15, got places={places}")
        lo_i, hi_i = _places_range(float(min_value), float(max_value), places)
        if lo_i > hi_i:
            raise InvalidArgument(
                f"floats() has no multiple of 10**-{places} between min_value={min_value} "
                f"and max_value={max_value}; widen the range or raise places"
            )
    return _Floats(float(min_value), float(max_value), places)


# -- booleans ------------------------------------------------------------------------


@attrs.frozen(repr=False)
class _Booleans(Gen[bool]):
    p: float = 0.5

    def _compile(self) -> DrawFn:
        p = self.p
        return lambda rng: rng.random() < p


@factory
def booleans(p: float = 0.5) -> Gen[bool]:
    """``True`` with probability ``p``, else ``False``."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise InvalidArgument(f"booleans() expects p to be a probability from 0 to 1, got p={p!r}")
    return _Booleans(float(p))


# -- characters / text ---------------------------------------------------------------


@attrs.frozen(repr=False)
class _Characters(Gen[str]):
    alphabet: str

    def _compile(self) -> DrawFn:
        alphabet = self.alphabet
        below = _below_fn(len(alphabet))
        return lambda rng: alphabet[below(rng)]


@attrs.frozen(repr=False)
class _CodepointRange(Gen[str]):
    min_codepoint: int
    max_codepoint: int

    def _compile(self) -> DrawFn:
        lo, hi = self.min_codepoint, self.max_codepoint
        # Surrogates are not characters: skip them by shifting the range above them.
        gap = 0
        if lo <= 0xD800 <= hi or lo <= 0xDFFF <= hi:
            gap = min(hi, 0xDFFF) - max(lo, 0xD800) + 1
        below = _below_fn(hi - lo + 1 - gap)

        def char(rng: random.Random) -> str:
            c = lo + below(rng)
            if gap and c >= 0xD800:
                c += gap
            return chr(c)

        return char


@factory
def characters(
    alphabet: str | None = None, *, min_codepoint: int = 0x20, max_codepoint: int = 0x7E
) -> Gen[str]:
    """Single characters: from ``alphabet`` if given, else code points in a range.

    The default range is printable ASCII; surrogate code points are never produced.
    """
    if alphabet is not None:
        if not isinstance(alphabet, str) or not alphabet:
            raise InvalidArgument(
                f"characters() expects alphabet to be a non-empty str, got alphabet={alphabet!r}"
            )
        return _Characters("".join(dict.fromkeys(alphabet)))
    _check_int(min_codepoint, "characters", "min_codepoint")
    _check_int(max_codepoint, "characters", "max_codepoint")
    if not 0 <= min_codepoint <= max_codepoint <= 0x10FFFF:
        raise InvalidArgument(
            f"characters() expects 0 <= min_codepoint <= max_codepoint <= 0x10FFFF, got "
            f"min_codepoint={min_codepoint}, max_codepoint={max_codepoint}"
        )
    if 0xD800 <= min_codepoint and max_codepoint <= 0xDFFF:
        raise InvalidArgument(
            "characters() got a range made only of surrogate code points, which are not "
            "characters; choose a range outside 0xD800-0xDFFF"
        )
    return _CodepointRange(min_codepoint, max_codepoint)


@attrs.frozen(repr=False)
class _Text(Gen[str]):
    alphabet: Gen[str]
    min_size: int = 0
    max_size: int = DEFAULT_TEXT_SPAN

    def _compile(self) -> DrawFn:
        lo = self.min_size
        size = _below_fn(self.max_size - lo + 1)
        if isinstance(self.alphabet, _Characters):
            letters = self.alphabet.alphabet
            pick = _below_fn(len(letters))
            return lambda rng: "".join([letters[pick(rng)] for _ in range(lo + size(rng))])
        char = self.alphabet._fn
        return lambda rng: "".join([char(rng) for _ in range(lo + size(rng))])


@factory
def text(
    alphabet: str | Gen[str] = DEFAULT_ALPHABET, *, min_size: int = 0, max_size: int | None = None
) -> Gen[str]:
    """Strings of ``min_size`` to ``max_size`` characters (code points) from ``alphabet``.

    ``alphabet`` is a string of allowed characters or a generator of single characters
    (``characters(min_codepoint=0x400, max_codepoint=0x4FF)``). ``max_size`` defaults to
    ``min_size + 16``.
    """
    if isinstance(alphabet, str):
        if not alphabet:
            raise InvalidArgument("text() expects a non-empty alphabet, got alphabet=''")
        chars: Gen[str] = _Characters("".join(dict.fromkeys(alphabet)))
    else:
        chars = check_gen(alphabet, "text", "alphabet")
    for name, v in (("min_size", min_size), ("max_size", max_size)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise InvalidArgument(
                f"text() expects {name} to be a non-negative int, got {name}={v!r}"
            )
    if max_size is None:
        max_size = min_size + DEFAULT_TEXT_SPAN
    if min_size > max_size:
        raise InvalidArgument(
            f"text() expects min_size <= max_size, got min_size={min_size}, max_size={max_size}"
        )
    return _Text(chars, min_size, max_size)


# -- dates / datetimes ---------------------------------------------------------------


@attrs.frozen(repr=False)
class _Dates(Gen[dt.date]):
    min_value: dt.date
    max_value: dt.date

    def _compile(self) -> DrawFn:
        first = self.min_value.toordinal()
        below = _below_fn(self.max_value.toordinal() - first + 1)
        fromordinal = dt.date.fromordinal
        return lambda rng: fromordinal(first + below(rng))


@factory
def dates(
    min_value: dt.date = DEFAULT_MIN_DATE, max_value: dt.date = DEFAULT_MAX_DATE
) -> Gen[dt.date]:
    """Dates between two explicit bounds, both included (the wall clock is never read)."""
    for name, v in (("min_value", min_value), ("max_value", max_value)):
        if not isinstance(v, dt.date) or isinstance(v, dt.datetime):
            raise InvalidArgument(
                f"dates() expects {name} to be a datetime.date, got {name}={v!r} "
                f"(type={type(v).__name__})"
            )
    if min_value > max_value:
        raise InvalidArgument(
            f"dates() expects min_value <= max_value, got min_value={min_value}, "
            f"max_value={max_value}"
        )
    return _Dates(min_value, max_value)


_RESOLUTIONS = {"seconds": 1_000_000, "milliseconds": 1_000, "microseconds": 1}


@attrs.frozen(repr=False)
class _Datetimes(Gen[dt.datetime]):
    min_value: dt.datetime
    max_value: dt.datetime
    resolution: str = "seconds"

    def _compile(self) -> DrawFn:
        step = _RESOLUTIONS[self.resolution]
        start = self.min_value
        total = (self.max_value - start) // dt.timedelta(microseconds=step)
        below = _below_fn(total + 1)
        unit = dt.timedelta(microseconds=step)
        return lambda rng: start + below(rng) * unit


@factory
def datetimes(
    min_value: dt.datetime = DEFAULT_MIN_DATETIME,
    max_value: dt.datetime = DEFAULT_MAX_DATETIME,
    *,
    resolution: str = "seconds",
) -> Gen[dt.datetime]:
    """Datetimes between two explicit bounds, both included, in steps of ``resolution``.

    ``resolution`` is ``"seconds"``, ``"milliseconds"`` or ``"microseconds"``. Aware bounds
    give aware datetimes in ``min_value``'s time zone; naive bounds give naive ones.
    """
    for name, v in (("min_value", min_value), ("max_value", max_value)):
        if not isinstance(v, dt.datetime):
            raise InvalidArgument(
                f"datetimes() expects {name} to be a datetime.datetime, got {name}={v!r} "
                f"(type={type(v).__name__})"
            )
    if (min_value.tzinfo is None) != (max_value.tzinfo is None):
        raise InvalidArgument(
            "datetimes() expects both bounds naive or both aware, got "
            f"min_value={min_value!r}, max_value={max_value!r}"
        )
    if min_value > max_value:
        raise InvalidArgument(
            f"datetimes() expects min_value <= max_value, got min_value={min_value}, "
            f"max_value={max_value}"
        )
    if resolution not in _RESOLUTIONS:
        raise InvalidArgument(
            f"datetimes() expects resolution to be one of {sorted(_RESOLUTIONS)}, "
            f"got resolution={resolution!r}"
        )
    return _Datetimes(min_value, max_value, resolution)


# -- uuids ---------------------------------------------------------------------------


def _checked_uuid_maker() -> Any:
    """``int -> uuid.UUID`` without ``UUID.__init__``'s argument parsing (about half the
    cost of a draw). A UUID is an immutable object with two slots, ``int`` and
    ``is_safe``; the shortcut fills them directly. It is used only if it builds objects
    equal in every observable way to ``UUID(int=...)`` on this Python; otherwise the
    ordinary constructor is used."""
    UUID, new, fill, unknown = uuid.UUID, object.__new__, object.__setattr__, uuid.SafeUUID.unknown

    def make(value: int) -> uuid.UUID:
        u = new(UUID)
        fill(u, "int", value)
        fill(u, "is_safe", unknown)
        return u

    def ordinary(value: int) -> uuid.UUID:
        return UUID(int=value)

    def observed(u: uuid.UUID) -> tuple[Any, ...]:
        return (u, str(u), repr(u), hash(u), u.version, u.is_safe, u.bytes, type(u))

    try:
        if set(getattr(UUID, "__slots__", ())) - {"int", "is_safe", "__weakref__"}:
            return ordinary
        for value in (0, 1, (1 << 128) - 1, 0x6BA7B8109DAD41D180B400C04FD430C8):
            if observed(make(value)) != observed(UUID(int=value)):
                return ordinary
    except Exception:
        return ordinary
    return make


_uuid_from_int = _checked_uuid_maker()


@attrs.frozen(repr=False)
class _Uuids(Gen[uuid.UUID]):
    version: int | None = 4

    def _compile(self) -> DrawFn:
        make = _uuid_from_int
        if self.version is None:
            return lambda rng: make(rng.getrandbits(128))
        clear = ~(0xC000 << 48) & ~(0xF000 << 64)
        stamp = (0x8000 << 48) | (self.version << 76)
        return lambda rng: make((rng.getrandbits(128) & clear) | stamp)


@factory
def uuids(version: int | None = 4) -> Gen[uuid.UUID]:
    """``uuid.UUID`` values with random bits; ``version`` 4 (default), 1-8, or ``None`` for raw."""
    if version is not None and (isinstance(version, bool) or version not in range(1, 9)):
        raise InvalidArgument(f"uuids() expects version to be 1-8 or None, got version={version!r}")
    return _Uuids(version)
