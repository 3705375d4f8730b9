"""Free-form JSON records with the seed's keys: id, name, email, value, active, tags, created_at."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import attrs

from synth.agents._data import load_data
from synth.compilers.template import DEFAULT_REFERENCE_TIME, Registry, from_template
from synth.core.gen import DrawFn, Gen
from synth.core.pretty import call_repr
from synth.core.primitives import _below_fn, uuids

__all__ = ["free_records"]

#: ``created_at`` falls within this many days before the reference time.
CREATED_WINDOW_DAYS = 365


@attrs.frozen(repr=False)
class _FreeRecords(Gen[dict[str, Any]]):
    registry: Registry = attrs.field(eq=False)
    reference_time: dt.datetime = DEFAULT_REFERENCE_TIME

    def _compile(self) -> DrawFn:
        person = from_template(
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
        )._fn
        tags = tuple(load_data("records")["tags"])
        pick_tag = _below_fn(len(tags))
        n_tags = _below_fn(5)
        uuid_fn = uuids()._fn
        span = _below_fn(CREATED_WINDOW_DAYS * 86400 + 1)
        ref = self.reference_time
        naive = ref.tzinfo is None
        cents = _below_fn(100_000 + 1)
        second = dt.timedelta(seconds=1)

        def draw(rng: random.Random) -> dict[str, Any]:
            who = person(rng)
            chosen = [tags[pick_tag(rng)] for _ in range(1 + n_tags(rng))]
            created = ref - span(rng) * second
            stamp = created.isoformat() if naive else created.strftime("%Y-%m-%dT%H:%M:%SZ")
            return {
                "id": str(uuid_fn(rng)),
                "name": who["name"],
                "email": who["email"],
                "value": cents(rng) / 100,
                "active": rng.random() < 0.5,
                "tags": list(dict.fromkeys(chosen)),
                "created_at": stamp,
            }

        return draw

    def _default_repr(self) -> str:
        kwargs = {}
        if self.reference_time != DEFAULT_REFERENCE_TIME:
            kwargs["reference_time"] = self.reference_time
        return call_repr("free_records", (), kwargs)


def free_records(
    *, registry: Registry | None = None, reference_time: dt.datetime = DEFAULT_REFERENCE_TIME
) -> Gen[dict[str, Any]]:
    """Records shaped like the seed's free-form JSON, with an email that matches the name.

    ``created_at`` is an ISO 8601 UTC time within a year before ``reference_time`` (a
    fixed default: the clock is never read); ``value`` has two decimals in 0..1000;
    ``tags`` holds 1 to 5 distinct tags.
    """
    from synth.agents.conversation import agent_registry

    return _FreeRecords(registry or agent_registry(reference_time=reference_time), reference_time)
