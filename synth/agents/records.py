"""Free-form JSON records with the seed's keys: id, name, email, value, active, tags, created_at."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import attrs

from synth.agents._data import load_data
from synth.compilers.template import DEFAULT_REFERENCE_TIME, Registry, compile_together
from synth.core.errors import InvalidArgument
from synth.core.gen import DrawFn, Gen
from synth.core.pretty import call_repr
from synth.core.primitives import _below_fn

__all__ = ["free_records"]

#: ``created_at`` falls within this many days before the reference time.
CREATED_WINDOW_DAYS = 365


@attrs.frozen(repr=False)
class _FreeRecords(Gen[dict[str, Any]]):
    registry: Registry = attrs.field(eq=False)
    reference_time: dt.datetime = DEFAULT_REFERENCE_TIME

    def _compile(self) -> DrawFn:
        person = compile_together(
            {
                "name": "{first_name} {last_name}",
                "email": [
                    "{first_name!slug}.{last_name!slug}@{domain}",
                    "{first_name!slug}{int:1-99}@{domain}",
                    "{first_name!slug}_{last_name!slug}@{domain}",
                ],
            },
            vocab={"domain": list(load_data("records")["email_domains"])},
            registry=self.registry,
        )
        tags = tuple(load_data("records")["tags"])
        pick_tag = _below_fn(len(tags))
        n_tags = _below_fn(5)
        span = _below_fn(CREATED_WINDOW_DAYS * 86400 + 1)
        stamp = _stamp_fn(self.reference_time)
        cents = _below_fn(100_000 + 1)
        # uuids() (version 4) as text without a UUID object: the same 128 bits.
        clear = ~(0xC000 << 48) & ~(0xF000 << 64)
        version = (0x8000 << 48) | (4 << 76)

        def draw(rng: random.Random) -> dict[str, Any]:
            name, email = person(rng)
            chosen = [tags[pick_tag(rng)] for _ in range(1 + n_tags(rng))]
            created = stamp(span(rng))
            h = "%032x" % ((rng.getrandbits(128) & clear) | version)
            return {
                "id": f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}",
                "name": name,
                "email": email,
                "value": cents(rng) / 100,
                "active": rng.random() < 0.5,
                "tags": list(dict.fromkeys(chosen)),
                "created_at": created,
            }

        return draw

    def _default_repr(self) -> str:
        kwargs = {}
        if self.reference_time != DEFAULT_REFERENCE_TIME:
            kwargs["reference_time"] = self.reference_time
        return call_repr("free_records", (), kwargs)


def _stamp_fn(ref: dt.datetime) -> Callable[[int], str]:
    """``seconds_before_ref -> created_at`` text (``...Z`` for an aware time, ISO otherwise).

    For a whole-second UTC or naive reference the text is assembled from tables of days,
    hours and ``MM:SS`` (no datetime object per record); other references use datetime.
    """
    naive = ref.tzinfo is None
    second = dt.timedelta(seconds=1)
    if ref.microsecond or not (naive or ref.utcoffset() == dt.timedelta(0)):
        if naive:
            return lambda s: (ref - s * second).isoformat()
        return lambda s: (ref - s * second).strftime("%Y-%m-%dT%H:%M:%SZ")
    wall = ref.replace(tzinfo=None)
    first_day = (wall - dt.timedelta(days=CREATED_WINDOW_DAYS + 1)).date()
    days = [
        (first_day + dt.timedelta(days=d)).strftime("%Y-%m-%dT")
        for d in range(CREATED_WINDOW_DAYS + 3)
    ]
    hours = [f"{h:02d}:" for h in range(24)]
    suffix = "" if naive else "Z"
    minutes = [f"{m:02d}:{sec:02d}{suffix}" for m in range(60) for sec in range(60)]
    end = int((wall - dt.datetime.combine(first_day, dt.time())).total_seconds())

    def stamp(seconds_before: int) -> str:
        day, of_day = divmod(end - seconds_before, 86400)
        hour, rest = divmod(of_day, 3600)
        return days[day] + hours[hour] + minutes[rest]

    return stamp


def free_records(
    *, registry: Registry | None = None, reference_time: dt.datetime = DEFAULT_REFERENCE_TIME
) -> Gen[dict[str, Any]]:
    """Records shaped like the seed's free-form JSON, with an email that matches the name.

    ``created_at`` is an ISO 8601 UTC time with its ``Z`` within a year before
    ``reference_time`` (a fixed default: the clock is never read; a naive reference time is
    taken as UTC, an aware one is converted to UTC); ``value`` has two decimals in
    0..1000; ``tags`` holds 1 to 5 distinct tags.
    """
    from synth.agents.conversation import agent_registry

    if not isinstance(reference_time, dt.datetime):
        raise InvalidArgument(
            f"free_records() expects reference_time to be a datetime, got "
            f"reference_time={reference_time!r} (type={type(reference_time).__name__})"
        )
    if reference_time.tzinfo is None:
        reference_time = reference_time.replace(tzinfo=dt.UTC)
    else:
        reference_time = reference_time.astimezone(dt.UTC)

    return _FreeRecords(registry or agent_registry(reference_time=reference_time), reference_time)
