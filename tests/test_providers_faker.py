"""fake(): validation, reprs, and draws that use only the caller's rng (fallback path)."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import threading

import faker
import pytest

import synth
from synth import InvalidArgument, fake
from synth.providers.faker import faker_generator
from synth.providers.refused import SHARED_RANDOM_CANDIDATES, global_random

# Providers that no area compiles, so fake() goes through Faker with the forwarding rng.
FALLBACK = ["isbn13", "color", "pyint", "ean13", "catch_phrase", "license_plate", "iban"]


# -- reprs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node", "text"),
    [
        (lambda: fake("email"), "fake('email')"),
        (
            lambda: fake("pyint", min_value=1, max_value=5),
            "fake('pyint', min_value=1, max_value=5)",
        ),
        (lambda: fake("name", locale="de_DE"), "fake('name', locale='de_DE')"),
        (lambda: fake("isbn13", separator="/"), "fake('isbn13', separator='/')"),
        (lambda: fake("random_int", 1, 9), "fake('random_int', 1, 9)"),
        (lambda: synth.record(who=fake("name")), "record(who=fake('name'))"),
    ],
)
def test_repr_is_the_call(node, text):
    assert repr(node()) == text


def test_synth_exports_fake():
    assert synth.fake is fake
    assert "fake" in synth.__all__


# -- validation ------------------------------------------------------------------------


def test_unknown_provider_says_did_you_mean():
    with pytest.raises(InvalidArgument, match=r"provider='emial'.*did you mean 'email'"):
        fake("emial")


def test_unknown_locale_lists_close_locales():
    with pytest.raises(InvalidArgument, match=r"locale='de_XX'.*de_DE"):
        fake("name", locale="de_XX")


def test_provider_must_be_a_string():
    with pytest.raises(InvalidArgument, match="provider=3"):
        fake(3)


def test_arguments_are_checked_against_the_signature():
    with pytest.raises(InvalidArgument, match="unexpected keyword argument 'maxvalue'"):
        fake("pyint", maxvalue=3)
    with pytest.raises(InvalidArgument, match="pyint"):
        fake("pyint", 1, 2, 3, 4, 5)


def test_bad_argument_values_fail_at_build_time():
    with pytest.raises(InvalidArgument, match="cannot be drawn"):
        fake("pyint", min_value=9, max_value=1)


@pytest.mark.parametrize("name", ["seed", "seed_instance", "unique"])
def test_seeding_and_unique_are_refused(name):
    with pytest.raises(InvalidArgument, match=f"refuses provider='{name}'"):
        fake(name)


@pytest.mark.parametrize("name", sorted(SHARED_RANDOM_CANDIDATES))
def test_global_random_providers_are_refused(name):
    # Where the installed Faker draws them from the global random (before 40.57) they are
    # refused for it; after, passport_full is still refused for its clock.
    # tests/test_providers_refused.py proves which ones use the global random.
    if name in global_random():
        with pytest.raises(InvalidArgument, match="global random module"):
            fake(name)
    elif name == "passport_full":
        with pytest.raises(InvalidArgument, match="wall clock"):
            fake(name)
    else:
        assert synth.sample(fake(name), seed=1) in {"M", "F", "X"}


@pytest.mark.parametrize("name", ["date_this_year", "future_date", "past_date", "date_of_birth"])
def test_clock_providers_are_refused_with_the_alternative(name):
    with pytest.raises(InvalidArgument, match=r"wall clock.*synth\.dates"):
        fake(name)


def test_relative_bounds_are_refused_explicit_bounds_accepted():
    with pytest.raises(InvalidArgument, match="start_date='-30y'"):
        fake("date_between", start_date="-30y", end_date=dt.date(2020, 1, 1))
    with pytest.raises(InvalidArgument, match="no end_date"):
        fake("date_between", start_date=dt.date(2000, 1, 1))
    g = fake("date_between", start_date=dt.date(2000, 1, 1), end_date=dt.date(2000, 1, 31))
    values = {g.draw(random.Random(s)) for s in range(50)}
    assert values <= {dt.date(2000, 1, d) for d in range(1, 32)}
    assert len(values) > 10


# -- draws use only the caller's rng ---------------------------------------------------


def faker_with_random(rng: random.Random, locale: str = "en_US") -> faker.Generator:
    """A Faker generator of the test's own whose random is ``rng`` (never the global one)."""
    gen = faker.Factory.create(locale)
    gen.random = rng
    return gen


@pytest.mark.parametrize("name", FALLBACK)
def test_fallback_equals_faker_with_the_same_rng(name):
    g = fake(name)
    for seed in range(20):
        ours, theirs = random.Random(seed), random.Random(seed)
        assert g.draw(ours) == getattr(faker_with_random(theirs), name)()
        assert ours.getstate() == theirs.getstate()


def test_gauss_state_lives_on_the_callers_rng():
    g = fake("pyfloat")  # any provider; gauss is reached through the forwarding Random
    forwarding = faker_generator("en_US").random
    a, b = random.Random(5), random.Random(5)
    from synth.providers.faker import call_with_rng

    first = [call_with_rng(a, forwarding.gauss) for _ in range(3)]
    second = [b.gauss() for _ in range(3)]
    assert first == second
    assert g.draw(random.Random(1)) == g.draw(random.Random(1))


def test_forwarding_random_cannot_be_seeded():
    forwarding = faker_generator("en_US").random
    forwarding.seed(123)  # a no-op: it holds no state
    a, b = random.Random(9), random.Random(9)
    assert fake("isbn10").draw(a) == fake("isbn10").draw(b)


@pytest.mark.parametrize("locale", ["de_DE", "fr_FR", "ja_JP"])
@pytest.mark.parametrize("name", ["name", "address", "phone_number", "company", "email"])
def test_other_locales_are_deterministic_and_pure(locale, name):
    g = fake(name, locale=locale)
    for seed in range(10):
        a, b = random.Random(seed), random.Random(seed)
        assert g.draw(a) == g.draw(b)
        assert a.getstate() == b.getstate()
    assert len({g.draw(random.Random(s)) for s in range(10)}) > 1


def test_other_locale_equals_faker_with_the_same_rng():
    g = fake("name", locale="de_DE")
    for seed in range(10):
        ours, theirs = random.Random(seed), random.Random(seed)
        assert g.draw(ours) == faker_with_random(theirs, "de_DE").name()
        assert ours.getstate() == theirs.getstate()


GEN = synth.record(
    isbn=fake("isbn13"), color=fake("color"), n=fake("pyint"), phrase=fake("catch_phrase")
)


def _serial(seed: int) -> list[dict]:
    return list(synth.stream(GEN, 200, seed=seed))


def test_threads_equal_serial():
    expected = {seed: _serial(seed) for seed in range(4)}
    results: dict[int, list[dict]] = {}
    barrier = threading.Barrier(4)

    def work(seed: int) -> None:
        barrier.wait()
        results[seed] = _serial(seed)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


def test_asyncio_tasks_equal_serial():
    expected = {seed: _serial(seed)[:50] for seed in range(4)}

    async def work(seed: int) -> list[dict]:
        out = []
        for row in synth.stream(GEN, 50, seed=seed):
            out.append(row)
            await asyncio.sleep(0)  # let the other tasks draw in between
        return out

    async def main() -> list[list[dict]]:
        return await asyncio.gather(*(work(s) for s in range(4)))

    got = asyncio.run(main())
    assert dict(enumerate(got)) == expected
