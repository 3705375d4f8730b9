"""Faker providers that ``fake()`` refuses, and why.

These tables are data, checked against the installed Faker by
``tests/test_providers_refused.py``: it calls every en_US provider with a forwarding rng
under two different wall clocks and proves that the providers failing to be pure functions
of the rng are exactly the ones listed here (complete and minimal). Update the tables when
a Faker upgrade makes that test fail.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = [
    "CLOCK_ALWAYS",
    "CLOCK_UNLESS_BOUNDED",
    "NOT_PROVIDERS",
    "SHARED_RANDOM_CANDIDATES",
    "global_random",
]


def _faker_release() -> tuple[int, int]:
    """The installed Faker's (major, minor) release."""
    from faker import VERSION

    major, minor = [*VERSION.split("."), "0"][:2]
    return int(major), int("".join(c for c in minor if c.isdigit()) or 0)


#: The providers that drew from (or reseeded!) the module-level ``random`` in some Faker
#: releases: passport_gender before Faker 40.57 (it called ``random.seed`` and
#: ``random.choices``) and passport_full, which uses it.
SHARED_RANDOM_CANDIDATES: frozenset[str] = frozenset({"passport_full", "passport_gender"})


@functools.cache
def global_random() -> frozenset[str]:
    """The providers that draw from the module-level ``random`` in the installed Faker, so
    that they would disturb every other user of ``random`` in the process: the
    candidates before Faker 40.57, none after (passport_full is refused anyway: its date
    of birth is relative to today, see ``CLOCK_ALWAYS``). Asking imports Faker, which
    ``import synth`` never does, so this is a function (``GLOBAL_RANDOM`` is its value)."""
    return SHARED_RANDOM_CANDIDATES if _faker_release() < (40, 57) else frozenset()


def __getattr__(name: str) -> Any:
    if name == "GLOBAL_RANDOM":
        return global_random()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Providers whose value depends on the wall clock whatever arguments they are given:
#: "this year", "the last 30 days", a date of birth relative to today, a profile with a
#: birthdate, a Python value that may contain "now"...
CLOCK_ALWAYS: frozenset[str] = frozenset(
    {
        "am_pm",
        "credit_card_full",
        "date_of_birth",
        "date_this_century",
        "date_this_decade",
        "date_this_month",
        "date_this_year",
        "date_time_this_century",
        "date_time_this_decade",
        "date_time_this_month",
        "date_time_this_year",
        "day_of_month",
        "day_of_week",
        "future_date",
        "future_datetime",
        "month",
        "month_name",
        "passport_dob",
        "passport_full",
        "past_date",
        "past_datetime",
        "profile",
        "pydict",
        "pyiterable",
        "pylist",
        "pyset",
        "pystruct",
        "pytuple",
        "simple_profile",
        "time_delta",
        "time_series",
        "year",
        "zip",
    }
)

#: Providers that read the wall clock unless the arguments named here are explicit
#: ``datetime.date`` / ``datetime.datetime`` values (relative strings like ``"-30y"``,
#: ``"now"`` or timedeltas are measured from the clock).
CLOCK_UNLESS_BOUNDED: dict[str, tuple[str, ...]] = {
    "credit_card_expire": ("start", "end"),
    "date": ("end_datetime",),
    "date_between": ("start_date", "end_date"),
    "date_between_dates": ("date_start", "date_end"),
    "date_object": ("end_datetime",),
    "date_time": ("end_datetime",),
    "date_time_ad": ("end_datetime",),
    "date_time_between": ("start_date", "end_date"),
    "date_time_between_dates": ("datetime_start", "datetime_end"),
    "iso8601": ("end_datetime",),
    "time": ("end_datetime",),
    "time_object": ("end_datetime",),
    "unix_time": ("end_datetime", "start_datetime"),
}

#: Names on a Faker object that are not data providers; the message says what to do.
NOT_PROVIDERS: dict[str, str] = {
    "seed": "synth never seeds Faker; pass seed=... to synth.stream or synth.sample",
    "seed_instance": "synth never seeds Faker; pass seed=... to synth.stream or synth.sample",
    "seed_locale": "synth never seeds Faker; pass seed=... to synth.stream or synth.sample",
    "unique": "Faker's .unique keeps global state; use synth.list_of(..., unique=True)",
    "optional": "use synth.optional(fake(...), p)",
    "random": "use synth.integers, synth.floats or synth.booleans",
}
