"""Behaviour of the kernel's combinators and primitives."""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections import Counter

import pytest

import synth as s


class StrictRandom(random.Random):
    """A Random that allows only the two methods Python keeps stable across versions."""

    def _forbidden(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("only random() and getrandbits() may be used")

    randrange = randint = choice = choices = sample = shuffle = uniform = _forbidden
    gauss = normalvariate = triangular = betavariate = expovariate = _forbidden


def all_kernel_generators() -> list[s.Gen[object]]:
    tree = s.deferred(lambda: s.one_of(s.just(0), s.list_of(tree, max_size=3)), max_depth=4)
    return [
        s.integers(-5, 1000),
        s.integers(0, 2**70),
        s.floats(-1e6, 1e6),
        s.floats(0, 10, places=2),
        s.booleans(0.3),
        s.sampled_from(range(7)),
        s.weighted({"a": 1, "b": 2, "c": 0.5}),
        s.text(min_size=1, max_size=30),
        s.text(s.characters(min_codepoint=0xD000, max_codepoint=0xE100), max_size=5),
        s.dates(),
        s.datetimes(resolution="microseconds"),
        s.uuids(),
        s.list_of(s.integers(0, 100), min_size=2, max_size=9, unique=True),
        s.record(a=s.integers(0, 3), b=s.sometimes(s.booleans(), 0.4)),
        s.sequence(s.just(1), s.booleans()),
        s.optional(s.text(), 0.7),
        s.integers(0, 9) | s.text(max_size=2),
        s.one_of(s.just(1), s.just(2), weights=[1, 9]),
        s.integers(0, 9).map(str).filter(lambda v: v != "3"),
        s.integers(1, 3).bind(lambda n: s.list_of(s.booleans(), min_size=n, max_size=n)),
        tree,
    ]


@pytest.mark.parametrize("gen", all_kernel_generators(), ids=repr)
def test_primitives_and_combinators_use_only_stable_rng_methods(gen: s.Gen[object]) -> None:
    rng = StrictRandom(5)
    for _ in range(200):
        gen.draw(rng)


@pytest.mark.parametrize("gen", all_kernel_generators(), ids=repr)
def test_draw_is_a_pure_function_of_the_rng_state(gen: s.Gen[object]) -> None:
    for seed in range(20):
        a, b = random.Random(seed), random.Random(seed)
        assert gen.draw(a) == gen.draw(b)
        assert a.getstate() == b.getstate()


def test_integers_cover_the_range_uniformly() -> None:
    rng = random.Random(0)
    counts = Counter(s.integers(3, 7).draw(rng) for _ in range(10_000))
    assert set(counts) == {3, 4, 5, 6, 7}
    assert all(1700 < c < 2300 for c in counts.values())


def test_floats_stay_in_bounds_and_places_are_exact() -> None:
    rng = random.Random(1)
    g = s.floats(0.1, 0.3, places=2)
    values = {g.draw(rng) for _ in range(2000)}
    assert values == {round(0.1 + i / 100, 2) for i in range(21)}
    wide = s.floats(-1.7e308, 1.7e308)
    assert all(math.isfinite(wide.draw(rng)) for _ in range(1000))
    assert all(2.0 <= s.floats(2.0, 2.5).draw(rng) <= 2.5 for _ in range(1000))


def test_booleans_probability() -> None:
    rng = random.Random(2)
    hits = sum(s.booleans(0.2).draw(rng) for _ in range(10_000))
    assert 1800 < hits < 2200


def test_weighted_follows_weights() -> None:
    rng = random.Random(3)
    counts = Counter(s.weighted({"x": 3, "y": 1}).draw(rng) for _ in range(8000))
    assert 5600 < counts["x"] < 6400


def test_text_lengths_and_alphabet() -> None:
    rng = random.Random(4)
    g = s.text("xyz", min_size=2, max_size=4)
    for _ in range(500):
        v = g.draw(rng)
        assert 2 <= len(v) <= 4 and set(v) <= set("xyz")


def test_characters_never_produce_surrogates() -> None:
    rng = random.Random(5)
    g = s.characters(min_codepoint=0xD7F0, max_codepoint=0xE010)
    seen = {ord(g.draw(rng)) for _ in range(3000)}
    assert not any(0xD800 <= c <= 0xDFFF for c in seen)
    assert min(seen) >= 0xD7F0 and max(seen) <= 0xE010 and max(seen) > 0xE000


def test_dates_and_datetimes_within_explicit_bounds() -> None:
    rng = random.Random(6)
    lo, hi = dt.date(2024, 2, 27), dt.date(2024, 3, 2)
    days = {s.dates(lo, hi).draw(rng) for _ in range(500)}
    assert days == {lo + dt.timedelta(d) for d in range(5)}
    tz = dt.timezone(dt.timedelta(hours=2))
    a, b = dt.datetime(2024, 1, 1, tzinfo=tz), dt.datetime(2024, 1, 2, tzinfo=tz)
    for _ in range(200):
        v = s.datetimes(a, b).draw(rng)
        assert a <= v <= b and v.tzinfo is tz and v.microsecond == 0


def test_uuids_are_version_4() -> None:
    rng = random.Random(7)
    values = [s.uuids().draw(rng) for _ in range(500)]
    assert all(isinstance(u, uuid.UUID) and u.version == 4 for u in values)
    assert all(u.variant == uuid.RFC_4122 for u in values)
    assert len(set(values)) == 500


def test_uuids_equal_the_ordinary_constructor_in_every_observable_way() -> None:
    # uuids() fills UUID's two slots directly (faster than UUID(int=...)); what it builds
    # must be indistinguishable from the ordinary object.
    import copy
    import pickle

    def observed(u: uuid.UUID) -> tuple[object, ...]:
        return (u, str(u), repr(u), hash(u), u.bytes, u.version, u.variant, u.is_safe)

    rng = random.Random(11)
    for version in (4, None, 7):
        for u in (s.uuids(version).draw(rng) for _ in range(200)):
            v = uuid.UUID(int=u.int)
            assert type(u) is uuid.UUID
            assert observed(u) == observed(v)
            assert pickle.loads(pickle.dumps(u)) == v and copy.deepcopy(u) == v
            assert uuid.UUID(str(u)) == u and not hasattr(u, "__dict__")
            with pytest.raises(TypeError):
                u.int = 0  # still immutable


def test_uuids_fall_back_to_the_constructor_when_the_shortcut_is_wrong(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from synth.core import primitives

    class Odd(uuid.UUID):
        __slots__ = ("extra",)

    monkeypatch.setattr(primitives.uuid, "UUID", Odd)
    maker = primitives._checked_uuid_maker()
    assert maker.__name__ == "ordinary" and isinstance(maker(5), Odd)


def test_wide_records_and_sequences_draw_in_field_order() -> None:
    # Up to 255 parts go through a generated display, beyond that a comprehension: both
    # must draw the fields in order, so the values equal drawing each field in turn.
    for size in (0, 1, 2, 255, 256, 400):
        parts = [s.integers(0, 10**6) for _ in range(size)]
        fields = {f"f{i}": g for i, g in enumerate(parts)}
        row = s.record(fields).draw(random.Random(size))
        seq = s.sequence(*parts).draw(random.Random(size))
        rng = random.Random(size)
        expected = [g.draw(rng) for g in parts]
        assert list(row) == list(fields) and list(row.values()) == expected
        assert seq == expected


def test_unique_lists_are_unique_and_report_exhaustion() -> None:
    rng = random.Random(8)
    g = s.list_of(s.integers(0, 5), min_size=3, max_size=6, unique=True)
    for _ in range(200):
        v = g.draw(rng)
        assert len(v) == len(set(v)) and 3 <= len(v) <= 6
    by_key = s.list_of(
        s.record(k=s.integers(0, 3), v=s.text()), max_size=4, unique_by=lambda r: r["k"]
    )
    for _ in range(100):
        keys = [r["k"] for r in by_key.draw(rng)]
        assert len(keys) == len(set(keys))
    with pytest.raises(s.Unsatisfiable, match="min_size=3"):
        s.list_of(s.booleans(), min_size=3, unique=True).draw(rng)


def test_record_sometimes_fields() -> None:
    rng = random.Random(9)
    g = s.record(a=s.just(1), b=s.sometimes(s.just(2), 0.25))
    rows = [g.draw(rng) for _ in range(4000)]
    assert all(r["a"] == 1 for r in rows)
    assert all(list(r) in (["a"], ["a", "b"]) for r in rows)
    assert 800 < sum("b" in r for r in rows) < 1200


def test_filter_gives_up_with_unsatisfiable() -> None:
    g = s.integers(0, 9).filter(lambda x: x > 100, max_tries=7)
    with pytest.raises(s.Unsatisfiable, match="rejected 7 draws"):
        g.draw(random.Random(0))


def test_deferred_recursion_respects_depth_budget() -> None:
    tree = s.deferred(
        lambda: s.one_of(s.just(None), s.list_of(tree, min_size=1, max_size=3)), max_depth=3
    )

    def depth(v: object) -> int:
        return 0 if v is None else 1 + max(depth(c) for c in v)  # type: ignore[union-attr]

    rng = random.Random(10)
    depths = [depth(tree.draw(rng)) for _ in range(500)]
    assert max(depths) == 3
    assert len(set(depths)) == 4


def test_recursion_without_a_way_out_is_unsatisfiable() -> None:
    loop = s.deferred(lambda: s.record(child=loop), max_depth=2)
    with pytest.raises(s.Unsatisfiable, match="without a way to stop"):
        loop.draw(random.Random(0))


def test_composite_draws_dependent_values() -> None:
    @s.composite
    def pairs(draw, top=10):  # type: ignore[no-untyped-def]
        a = draw(s.integers(0, top))
        return (a, draw(s.integers(a, top)))

    g = pairs(top=5)
    assert repr(g) == "pairs(top=5)"
    rng = random.Random(11)
    for _ in range(300):
        a, b = g.draw(rng)
        assert 0 <= a <= b <= 5


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: s.integers(5, 1), "min_value <= max_value, got min_value=5, max_value=1"),
        (lambda: s.integers(0.5, 1), "min_value to be an int, got min_value=0.5"),
        (
            lambda: s.list_of(s.just(1), min_size=-1),
            "min_size to be a non-negative int, got min_size=-1",
        ),
        (lambda: s.list_of(s.just(1), min_size=4, max_size=2), "min_size=4, max_size=2"),
        (lambda: s.list_of([1, 2]), "sampled_from"),
        (lambda: s.one_of(), "at least one generator"),
        (lambda: s.one_of(s.just(1), s.just(2), weights=[1, 0]), "weights\\[1\\]=0"),
        (lambda: s.one_of(s.just(1), weights=[math.inf]), "finite number > 0"),
        (lambda: s.one_of(s.just(1), weights=[1, 2]), "2 weights for 1 choices"),
        (lambda: s.weighted({"a": -1}), "weights\\[0\\]=-1"),
        (lambda: s.weighted({}), "at least one choice"),
        (lambda: s.sampled_from([]), "at least one element"),
        (lambda: s.sampled_from("abc"), "characters"),
        (lambda: s.floats(0, math.nan), "max_value to be a finite number"),
        (lambda: s.floats(1.01, 1.02, places=1), "no multiple"),
        (lambda: s.booleans(1.5), "probability"),
        (lambda: s.optional(s.just(1), p=-0.1), "probability"),
        (lambda: s.text(min_size=5, max_size=2), "min_size <= max_size"),
        (lambda: s.text(""), "non-empty alphabet"),
        (lambda: s.dates(dt.datetime(2020, 1, 1)), "datetime.date"),
        (lambda: s.dates(dt.date(2021, 1, 1), dt.date(2020, 1, 1)), "min_value <= max_value"),
        (
            lambda: s.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2021, 1, 1, tzinfo=dt.UTC)),
            "both bounds naive or both aware",
        ),
        (lambda: s.datetimes(resolution="days"), "resolution to be one of"),
        (lambda: s.uuids(version=9), "version to be 1-8"),
        (lambda: s.record(a=5), "just\\(5\\)"),
        (lambda: s.deferred(s.just(1)), "function of no arguments"),
        (lambda: s.deferred(lambda: s.just(1), max_depth=0), "max_depth to be an int from 1"),
        (lambda: s.just(1).map(5), "map\\(\\) expects fn to be a function"),
        (lambda: s.just(1).filter(bool, max_tries=0), "max_tries to be a positive int"),
        (lambda: s.characters(""), "non-empty str"),
        (lambda: s.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), "surrogate"),
    ],
)
def test_bad_arguments_fail_at_build_time_with_a_clear_message(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(s.InvalidArgument, match=message):
        build()


def test_draw_rejects_a_non_random_rng() -> None:
    with pytest.raises(s.InvalidArgument, match="random.Random instance, got rng=42"):
        s.integers(0, 1).draw(42)  # type: ignore[arg-type]


def test_bind_must_return_a_generator() -> None:
    g = s.just(1).bind(lambda v: v)  # type: ignore[arg-type,return-value]
    with pytest.raises(s.InvalidArgument, match="must return a generator"):
        g.draw(random.Random(0))


def test_custom_node_subclass_overriding_draw_composes() -> None:
    import attrs

    @attrs.frozen(repr=False)
    class Dice(s.Gen[int]):
        sides: int

        def draw(self, rng: random.Random) -> int:
            return 1 + int(rng.random() * self.sides)

    g = s.list_of(Dice(6), min_size=5, max_size=5)
    rolls = g.draw(random.Random(1))
    assert len(rolls) == 5 and all(1 <= r <= 6 for r in rolls)
