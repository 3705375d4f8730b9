"""Faker with the caller's rng: the only module of synth that imports ``faker``.

``fake(provider, ...)`` returns a generator. Hot providers are compiled from Faker's own
data into generator trees (``synth.providers.compiled``); every other provider is called
through one Faker ``Generator`` per locale whose ``random`` is a :class:`_ForwardingRandom`:
a ``random.Random`` that holds no state of its own and forwards every draw to the rng held
in a ``ContextVar``, set around each draw. So a draw uses only the ``rng`` handed to it,
threads and asyncio tasks never see each other's rng, and nothing global is seeded.

Faker is imported on first use, so ``import synth`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import random
import re
import threading
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import attrs

from synth.core.errors import InvalidArgument, SynthError
from synth.core.gen import DrawFn, Gen, _bless
from synth.providers.refused import (
    CLOCK_ALWAYS,
    CLOCK_UNLESS_BOUNDED,
    NOT_PROVIDERS,
    SHARED_RANDOM_CANDIDATES,
    global_random,
)

__all__ = [
    "DEFAULT_LOCALE",
    "available_locales",
    "call_with_rng",
    "fake",
    "faker_generator",
    "ascii_text",
    "faker_slugify",
    "full_name_format",
    "provider_names",
    "romanised_names",
]

DEFAULT_LOCALE = "en_US"

# -- the forwarding Random ---------------------------------------------------------------

_current_rng: ContextVar[random.Random] = ContextVar("synth_faker_rng")
_get_rng = _current_rng.get


class _ForwardingRandom(random.Random):
    """A ``random.Random`` with no state: every draw goes to the rng of the current draw.

    ``random()`` and ``getrandbits()`` are the two primitives every other method of
    ``random.Random`` is built on (``randint``, ``choice``, ``choices``, ``uniform``,
    ``sample``, ``shuffle``...), so forwarding them makes Faker consume the caller's rng
    exactly as it would consume its own. ``gauss`` keeps a cached value on the instance, so
    it is forwarded whole (the cache then lives on the caller's rng). ``seed`` does nothing.
    """

    def __init__(self) -> None:
        super().__init__(0)

    def seed(self, *args: Any, **kwargs: Any) -> None:
        return None

    def random(self) -> float:
        return _get_rng().random()

    def getrandbits(self, k: int) -> int:
        return _get_rng().getrandbits(k)

    def randbytes(self, n: int) -> bytes:
        return _get_rng().randbytes(n)

    def gauss(self, mu: float = 0.0, sigma: float = 1.0) -> float:
        return _get_rng().gauss(mu, sigma)

    def getstate(self) -> Any:
        return _get_rng().getstate()

    def setstate(self, state: Any) -> None:
        _get_rng().setstate(state)


_FORWARDING = _ForwardingRandom()

# -- one Faker Generator per locale ------------------------------------------------------

_lock = threading.Lock()
_generators: dict[str, Any] = {}
_names: dict[str, frozenset[str]] = {}


@functools.cache
def available_locales() -> tuple[str, ...]:
    """The locales the installed Faker supports, sorted."""
    from synth.providers import snapshot

    known = snapshot.load(DEFAULT_LOCALE)
    if known is not None:  # read from the snapshot of Faker's data, without importing Faker
        return known["available_locales"]
    from faker.config import AVAILABLE_LOCALES

    return tuple(sorted(AVAILABLE_LOCALES))


def faker_generator(locale: str = DEFAULT_LOCALE) -> Any:
    """The private Faker ``Generator`` for ``locale``, drawing through the forwarding rng.

    Built on first use and shared; it holds no random state. Call its providers only
    inside :func:`call_with_rng` (or through ``fake``), never directly.
    """
    gen = _generators.get(locale)
    if gen is None:
        with _lock:
            gen = _generators.get(locale)
            if gen is None:
                from faker import Factory

                gen = Factory.create(locale)
                gen.random = _FORWARDING
                # Faker's binary() reads os.urandom unless its generator "is seeded";
                # this instance flag makes it draw from the rng instead.
                gen._is_seeded = True
                _generators[locale] = gen
    return gen


def provider_names(locale: str = DEFAULT_LOCALE) -> frozenset[str]:
    """Every provider name Faker offers for ``locale`` (refused ones included)."""
    names = _names.get(locale)
    if names is None:
        from synth.providers import snapshot

        known = snapshot.load(locale)
        if known is not None:
            _names[locale] = known["provider_names"]
            return known["provider_names"]
        gen = faker_generator(locale)
        names = frozenset(
            name
            for provider in gen.providers
            for name in dir(provider)
            if not name.startswith("_") and callable(getattr(provider, name, None))
        )
        _names[locale] = names
    return names


def call_with_rng(rng: random.Random, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a provider of a :func:`faker_generator` so that it draws from ``rng`` only."""
    token = _current_rng.set(rng)
    try:
        return fn(*args, **kwargs)
    finally:
        _current_rng.reset(token)


def ascii_text(value: str) -> str:
    """``value`` transliterated to ASCII with Faker's bundled table (``Jürgen`` ->
    ``Jurgen``, ``Бобылева`` -> ``Bobyleva``, ``木村`` -> ``Mu Cun``): a pure function."""
    from faker.decode import unidecode

    return str(unidecode(value))


def _person_provider(locale: str) -> Any:
    """The person provider (names) of the Faker generator for ``locale``."""
    for provider in faker_generator(locale).providers:
        if type(provider).__module__.startswith("faker.providers.person"):
            return provider
    return None  # pragma: no cover - every Faker locale has one


#: A plain two-name format of Faker's: a first and a last name token, maybe a separator.
_TWO_NAMES = re.compile(r"^\{\{(first|last)_name\w*\}\}(\s*)\{\{(first|last)_name\w*\}\}$")


@functools.cache
def full_name_format(locale: str) -> str:
    """How ``locale`` writes a first and a last name together, as a ``str.format`` text
    with ``{first}`` and ``{last}``: the first of Faker's name formats made of just the
    two (``"{last} {first}"`` in ja_JP, ``"{last}{first}"`` in zh_CN), else
    ``"{first} {last}"``."""
    provider = _person_provider(locale)
    for fmt in getattr(provider, "formats", ()) or ():
        m = _TWO_NAMES.match(fmt)
        if m is not None and m.group(1) != m.group(3):
            return f"{{{m.group(1)}}}{m.group(2)}{{{m.group(3)}}}"
    return "{first} {last}"


@functools.cache
def romanised_names(locale: str) -> dict[str, str]:
    """The romanised spelling of each first and last name that Faker's ``locale`` gives
    one for (its ``*_name_pairs`` tables: ``{"太郎": "Taro", "山田": "Yamada"}`` in ja_JP),
    else ``{}``. A name listed twice keeps its first spelling."""
    provider = _person_provider(locale)
    out: dict[str, str] = {}
    for table in (
        "first_name_male_pairs",
        "first_name_female_pairs",
        "first_name_pairs",
        "last_name_pairs",
    ):
        for entry in getattr(provider, table, ()) or ():
            if isinstance(entry, tuple) and len(entry) >= 2 and isinstance(entry[-1], str):
                out.setdefault(str(entry[0]), entry[-1])
    return out


def faker_slugify(value: str, *, allow_unicode: bool = False, allow_dots: bool = False) -> str:
    """Faker's own ``slugify`` (a pure string function), for compiled providers."""
    from faker.utils.text import slugify

    return slugify(value, allow_dots=allow_dots, allow_unicode=allow_unicode)


# -- the fallback node -------------------------------------------------------------------


@attrs.frozen(repr=False)
class _FakerCall(Gen[Any]):
    provider: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    locale: str = DEFAULT_LOCALE

    def _compile(self) -> DrawFn:
        method = getattr(faker_generator(self.locale), self.provider)
        args, kwargs = self.args, dict(self.kwargs)
        set_rng, reset_rng = _current_rng.set, _current_rng.reset

        def draw(rng: random.Random) -> Any:
            token = set_rng(rng)
            try:
                return method(*args, **kwargs)
            finally:
                reset_rng(token)

        return draw


# -- fake() ------------------------------------------------------------------------------

_DATE_ALTERNATIVE = (
    "use synth.dates(min_value, max_value) or synth.datetimes(min_value, max_value), "
    "or fake('date_between', start_date=datetime.date(...), end_date=datetime.date(...))"
)


def _check_locale(locale: Any) -> str:
    locales = available_locales()
    if isinstance(locale, str) and locale in locales:
        return locale
    if not isinstance(locale, str):
        raise InvalidArgument(
            f"fake() expects locale to be a str like 'en_US', got locale={locale!r} "
            f"(type={type(locale).__name__})"
        )
    import difflib  # only for the error message

    norm = locale.replace("-", "_")
    close = [norm] if norm in locales else []
    close += [x for x in locales if x.split("_")[0].lower() == norm.split("_")[0].lower()]
    close += difflib.get_close_matches(norm, locales, n=5, cutoff=0.6)
    close = list(dict.fromkeys(close))[:8]
    hint = f"; close locales: {', '.join(close)}" if close else ""
    raise InvalidArgument(f"fake() got an unknown Faker locale, locale={locale!r}{hint}")


def _check_provider(provider: Any, locale: str) -> None:
    if not isinstance(provider, str):
        raise InvalidArgument(
            f"fake() expects provider to be a Faker provider name like 'email', got "
            f"provider={provider!r} (type={type(provider).__name__})"
        )
    if provider in NOT_PROVIDERS:
        raise InvalidArgument(f"fake() refuses provider={provider!r}: {NOT_PROVIDERS[provider]}")
    names = provider_names(locale)
    if provider not in names:
        import difflib  # only for the error message

        close = difflib.get_close_matches(provider, sorted(names), n=3)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise InvalidArgument(
            f"fake() got an unknown Faker provider for locale {locale!r}, "
            f"provider={provider!r}{hint}"
        )
    if provider in SHARED_RANDOM_CANDIDATES and provider in global_random():
        raise InvalidArgument(
            f"fake() refuses provider={provider!r}: Faker's implementation draws from (and "
            f"reseeds) Python's global random module, which would disturb the rest of your "
            f"process; build the field from synth generators (sampled_from, integers, text) "
            f"instead"
        )
    if provider in CLOCK_ALWAYS:
        raise InvalidArgument(
            f"fake() refuses provider={provider!r}: its value depends on the wall clock, so "
            f"a seed would not reproduce it; {_DATE_ALTERNATIVE}"
        )


def _check_arguments(
    provider: str, method: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    try:
        sig = inspect.signature(method)
    except (TypeError, ValueError):  # pragma: no cover - every Faker provider has one
        return
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as exc:
        raise InvalidArgument(
            f"fake({provider!r}) got arguments that do not fit {provider}{sig}: {exc}"
        ) from None
    for name in CLOCK_UNLESS_BOUNDED.get(provider, ()):
        value = bound.arguments.get(name)
        if not isinstance(value, dt.date):
            got = f"{name}={value!r}" if name in bound.arguments else f"no {name}"
            raise InvalidArgument(
                f"fake({provider!r}) reads the wall clock unless {name} is an explicit "
                f"datetime.date or datetime.datetime, got {got}; pass explicit "
                f"bounds ({', '.join(CLOCK_UNLESS_BOUNDED[provider])}) or {_DATE_ALTERNATIVE}"
            )


def fake(provider: str, /, *args: Any, locale: str = DEFAULT_LOCALE, **kwargs: Any) -> Gen[Any]:
    """A generator of Faker's ``provider`` (``"email"``, ``"company"``...) in ``locale``.

    ``fake("pyint", min_value=1, max_value=5)`` passes the arguments to the provider. Every
    draw uses only the rng handed to it: hot providers are compiled into synth generator
    trees that draw exactly as Faker does (so they return what Faker returns for the same
    rng state, much faster); the others call Faker with a forwarding rng. Providers that
    read the clock without explicit bounds, or that use the global ``random`` module, are
    refused with the alternative to use.
    """
    locale = _check_locale(locale)
    _check_provider(provider, locale)
    if not args and not kwargs:
        from synth.providers.compiled import compiled_from_snapshot

        # A plain table provider (first_name, ...) compiled from the snapshot of Faker's
        # data: the same node, without importing Faker (see synth.providers.snapshot).
        snapped = compiled_from_snapshot(provider, locale)
        if snapped is not None:
            return _bless(snapped, ("fake", (provider,), {}))
    method = getattr(faker_generator(locale), provider)
    _check_arguments(provider, method, args, kwargs)
    call_kwargs = dict(kwargs)
    if locale != DEFAULT_LOCALE:
        call_kwargs["locale"] = locale
    call = ("fake", (provider, *args), call_kwargs)

    from synth.providers.compiled import compiled_for

    node = compiled_for(provider, locale, args, kwargs)
    if node is None:
        node = _FakerCall(provider, tuple(args), tuple(kwargs.items()), locale)
        _trial_draw(node, provider)
    return _bless(node, call)


def _trial_draw(node: Gen[Any], provider: str) -> None:
    """Draw once at build time, so that bad argument values fail here, not mid-dataset."""
    try:
        node._fn(random.Random(0))
    except SynthError:
        raise
    except Exception as exc:
        raise InvalidArgument(
            f"fake({provider!r}) cannot be drawn with these arguments: {type(exc).__name__}: {exc}"
        ) from None
