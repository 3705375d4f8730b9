"""The refused-provider tables are complete and minimal for the installed Faker.

Every en_US provider is called through synth's forwarding rng, under two different fake
wall clocks. A provider is impure when it changes the module-level ``random`` state or
Faker's shared Random, returns different values for the same rng state, or returns a value
that depends on the clock. The impure set must be exactly what ``synth.providers.refused``
lists; and the conditionally allowed clock providers must be pure once given bounds.
"""

from __future__ import annotations

import datetime as real_dt
import enum
import random
import sys
import time

import faker.generator
import pytest

from synth.providers.faker import call_with_rng, faker_generator, provider_names
from synth.providers.refused import (
    CLOCK_ALWAYS,
    CLOCK_UNLESS_BOUNDED,
    GLOBAL_RANDOM,
    NOT_PROVIDERS,
)


class _Color(enum.Enum):
    RED = 1
    GREEN = 2


# Providers that cannot run with their defaults here, or need an argument to be probed
# meaningfully (binary's default is a 1 MiB blob drawn byte by byte: 8 s).
PROBES: dict[str, list[dict]] = {
    "binary": [{"length": 64}],
    "enum": [{"enum_cls": _Color}],
    "tar": [{"uncompressed_size": 4096, "num_files": 2}],
    "time_delta": [{}, {"end_datetime": real_dt.datetime(2030, 1, 1)}],
}
NEEDS_OPTIONAL_LIBRARY = {"image", "xml"}  # Pillow, xmltodict: Faker raises without them

BOUNDS = {
    "start": real_dt.date(2001, 1, 1),
    "end": real_dt.date(2009, 12, 31),
    "start_date": real_dt.date(2001, 1, 1),
    "end_date": real_dt.date(2009, 12, 31),
    "date_start": real_dt.date(2001, 1, 1),
    "date_end": real_dt.date(2009, 12, 31),
    "datetime_start": real_dt.datetime(2001, 1, 1),
    "datetime_end": real_dt.datetime(2009, 12, 31),
    "start_datetime": real_dt.datetime(2001, 1, 1),
    "end_datetime": real_dt.datetime(2009, 12, 31),
}

NOWS = (real_dt.datetime(2001, 2, 3, 4, 5, 6), real_dt.datetime(2019, 8, 9, 10, 11, 12))


class _Clock:
    now = NOWS[0]


class _RealInstances(type):
    """isinstance/issubclass against the fake classes behave as against the real ones."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, cls.__real__)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, cls.__real__)


class _FakeDatetime(real_dt.datetime, metaclass=_RealInstances):
    __real__ = real_dt.datetime

    @classmethod
    def now(cls, tz=None):
        return _Clock.now if tz is None else _Clock.now.replace(tzinfo=real_dt.UTC).astimezone(tz)

    @classmethod
    def today(cls):
        return _Clock.now

    @classmethod
    def utcnow(cls):
        return _Clock.now


class _FakeDate(real_dt.date, metaclass=_RealInstances):
    __real__ = real_dt.date

    @classmethod
    def today(cls):
        return _Clock.now.date()


@pytest.fixture(scope="module")
def fake_clock():
    """Put Faker on a fake wall clock: datetime/date in every loaded faker module become
    clock-controlled subclasses, and time.time returns the same fake "now"."""
    faker_generator("en_US")
    patched = []
    for mod in list(sys.modules.values()):
        if not getattr(mod, "__name__", "").startswith("faker"):
            continue
        for key, value in list(vars(mod).items()):
            if value is real_dt.datetime:
                patched.append((mod, key, value))
                setattr(mod, key, _FakeDatetime)
            elif value is real_dt.date:
                patched.append((mod, key, value))
                setattr(mod, key, _FakeDate)
    # zipfile stamps members with time.localtime(time.time()): the clock through `time`.
    real_time = time.time
    time.time = lambda: _Clock.now.timestamp()
    try:
        yield
    finally:
        time.time = real_time
    for mod, key, value in patched:
        setattr(mod, key, value)


def _draw(name: str, kwargs: dict, seed: int, now: real_dt.datetime):
    _Clock.now = now
    rng = random.Random(seed)
    method = getattr(faker_generator("en_US"), name)
    try:
        value = call_with_rng(rng, method, **kwargs)
    except Exception as exc:  # the same failure for the same state is still pure
        value = ("raised", type(exc).__name__, str(exc))
    return value, rng.getstate()


def _impure(name: str, kwargs: dict) -> list[str]:
    reasons = []
    for seed in (0, 1, 2):
        before = (random.getstate(), faker.generator.random.getstate())
        first = _draw(name, kwargs, seed, NOWS[0])
        again = _draw(name, kwargs, seed, NOWS[0])
        later = _draw(name, kwargs, seed, NOWS[1])
        if (random.getstate(), faker.generator.random.getstate()) != before:
            reasons.append("global random")
        if first != again:
            reasons.append("not a function of the rng")
        if first != later:
            reasons.append("clock")
    return sorted(set(reasons))


def test_refused_tables_are_complete_and_minimal(fake_clock):
    names = sorted(provider_names("en_US") - NEEDS_OPTIONAL_LIBRARY)
    impure = {}
    for name in names:
        reasons = set()
        for kwargs in PROBES.get(name, [{}]):
            reasons.update(_impure(name, kwargs))
        if reasons:
            impure[name] = sorted(reasons)
    listed = GLOBAL_RANDOM | CLOCK_ALWAYS | set(CLOCK_UNLESS_BOUNDED)
    assert set(impure) == listed, {
        "impure but not refused": sorted(set(impure) - listed),
        "refused but pure": sorted(listed - set(impure)),
    }
    assert {n for n, why in impure.items() if "global random" in why} <= GLOBAL_RANDOM
    for name in GLOBAL_RANDOM:
        assert "global random" in impure[name]


@pytest.mark.parametrize("name", sorted(CLOCK_UNLESS_BOUNDED))
def test_bounded_clock_providers_are_pure(fake_clock, name):
    kwargs = {p: BOUNDS[p] for p in CLOCK_UNLESS_BOUNDED[name]}
    assert _impure(name, kwargs) == []


def test_not_providers_are_not_offered_as_providers():
    assert not set(NOT_PROVIDERS) & provider_names("en_US")


def test_refused_names_exist_in_faker():
    listed = GLOBAL_RANDOM | CLOCK_ALWAYS | set(CLOCK_UNLESS_BOUNDED)
    assert listed <= provider_names("en_US")


def test_passport_gender_follows_the_installed_faker():
    # Regression: Faker 40.57 stopped reseeding the global random in passport_gender, and
    # the refusal tables named it impure whatever Faker was installed.
    from faker import VERSION

    from synth import InvalidArgument, fake, sample

    major, minor = (int(p) for p in VERSION.split(".")[:2])
    if (major, minor) >= (40, 57):
        before = random.getstate()
        values = {sample(fake("passport_gender"), seed=s) for s in range(40)}
        assert values <= {"M", "F", "X"} and len(values) >= 2
        assert random.getstate() == before
    else:
        with pytest.raises(InvalidArgument, match="global random"):
            fake("passport_gender")
    with pytest.raises(InvalidArgument, match="passport_full"):
        fake("passport_full")
