"""Regressions for the JSON Schema generators' fast paths and their draw counts."""

from __future__ import annotations

from collections import Counter

import synth

ORDER_ITEMS = {
    "type": "object",
    "properties": {
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": 5,
            "items": {
                "type": "object",
                "properties": {"sku": {"type": "string"}},
                "required": ["sku"],
            },
        },
        "meta": {"type": "object", "properties": {"a": {"type": "integer"}}},
    },
    "required": ["items"],
}


def test_arrays_of_plain_objects_reach_max_items():
    # An object's generator for undeclared keys (never drawn when extra_properties=0)
    # used to count as recursion, which capped such arrays at three items.
    values = list(synth.stream(synth.from_schema(ORDER_ITEMS), 500, seed=3))
    sizes = Counter(len(v["items"]) for v in values)
    assert set(sizes) == {1, 2, 3, 4, 5}
    assert min(sizes.values()) > 60


def test_optional_plain_object_keeps_optional_p():
    values = list(synth.stream(synth.from_schema(ORDER_ITEMS), 1000, seed=4))
    share = sum("meta" in v for v in values) / len(values)
    assert 0.74 < share < 0.86


def test_objects_with_extra_properties_still_get_them():
    gen = synth.from_schema(
        {"type": "object", "properties": {"a": {"type": "integer"}}}, extra_properties=2
    )
    values = list(synth.stream(gen, 200, seed=5))
    assert any(set(v) - {"a"} for v in values)


def _reference_stamp(rng, with_date):
    # The draws the date-time and time formats made with datetime objects.
    import datetime as dt

    from synth.core.primitives import DEFAULT_MAX_DATETIME, DEFAULT_MIN_DATETIME, randbelow

    span = int((DEFAULT_MAX_DATETIME - DEFAULT_MIN_DATETIME).total_seconds()) + 1
    moment = DEFAULT_MIN_DATETIME + dt.timedelta(seconds=randbelow(rng, span))
    millis = f".{randbelow(rng, 1000):03d}" if randbelow(rng, 4) == 0 else ""
    offsets = ("+00:00", "+01:00", "+02:00", "-05:00", "-08:00", "+05:30", "+09:00", "-03:00")
    zone = "Z" if rng.random() < 0.5 else offsets[randbelow(rng, len(offsets))]
    return (moment.isoformat() if with_date else moment.time().isoformat()) + millis + zone


def test_table_formats_make_the_values_of_the_datetime_objects():
    import datetime as dt
    import random

    from synth.schema.formats import DEFAULT_FORMATS

    references = {
        "uuid": synth.uuids().map(str)._fn,
        "date": synth.dates().map(dt.date.isoformat)._fn,
        "date-time": lambda rng: _reference_stamp(rng, True),
        "time": lambda rng: _reference_stamp(rng, False),
    }
    for name, reference in references.items():
        fast = DEFAULT_FORMATS[name]._fn
        a, b = random.Random(11), random.Random(11)
        assert [fast(a) for _ in range(3000)] == [reference(b) for _ in range(3000)], name
        assert a.random() == b.random()


def test_date_tables_reach_both_ends_of_the_range():
    import random

    from synth.schema.formats import DEFAULT_FORMATS

    days = DEFAULT_FORMATS["date"]._fn
    values = {days(random.Random(i)) for i in range(20000)}
    assert min(values).startswith("2000-01-0") and max(values).startswith("2030-12-")


def test_realistic_skus():
    import random
    import re

    from synth.schema.realistic import realistic_for

    gen = realistic_for("sku", min_length=6, max_length=12)
    rng = random.Random(2)
    values = [gen._fn(rng) for _ in range(5000)]
    assert all(re.fullmatch(r"[A-Z]{3}-[0-9]{5}", v) for v in values)
    assert len(set(values)) > 4990
    assert {v[0] for v in values} == set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert {v[-1] for v in values} == set("0123456789")
    # Bounds that exclude the natural length still hold, by construction.
    for lo, hi in ((None, 8), (10, None), (3, 4)):
        short = realistic_for("sku", min_length=lo, max_length=hi)
        for v in (short._fn(rng) for _ in range(200)):
            assert (lo or 0) <= len(v) <= (hi or 99)
    assert realistic_for("sku", max_length=0) is None


def test_weighted_pair_draws_like_one_of():
    import random
    from fractions import Fraction

    from synth.schema.nodes import FloatRange, WeightedPair

    pair = (synth.integers(1, 500), FloatRange(Fraction(1, 2), Fraction(500), places=2))
    fast = WeightedPair(pair, (1.0, 9.0))
    slow = synth.one_of(*pair, weights=[1.0, 9.0])
    assert repr(fast) == repr(slow)
    a, b = random.Random(3), random.Random(3)
    assert [fast._fn(a) for _ in range(5000)] == [slow._fn(b) for _ in range(5000)]


def test_float_range_draws():
    import random
    from fractions import Fraction

    from synth.schema.nodes import FloatRange

    for lo, hi, places in ((Fraction(1, 2), Fraction(500), 2), (Fraction(-1), Fraction(3), None)):
        gen = FloatRange(lo, hi, places=places)
        a, b = random.Random(4), random.Random(4)
        for _ in range(2000):
            r = b.random()
            x = float(lo) * (1.0 - r) + float(hi) * r
            assert gen._fn(a) == (x if places is None else round(x, places))
    tight = FloatRange(Fraction(0), Fraction(1, 10**300), exclude_lower=True)
    assert all(0 < tight._fn(random.Random(i)) <= 1e-300 for i in range(50))


def test_repeated_classes_draw_one_randbelow_per_character():
    import random

    from synth.core.primitives import randbelow

    cases = {
        r"[0-9]{5}": ("0123456789", 5, 5),
        r"[0-7]{2,6}": ("01234567", 2, 6),
        r"x{3}": ("x", 3, 3),
        r"[A-Za-z]{1,9}": ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 1, 9),
    }
    for pattern, (alphabet, lo, hi) in cases.items():
        gen = synth.from_regex(pattern, fullmatch=True)
        a, b = random.Random(8), random.Random(8)
        for _ in range(500):
            n = lo + randbelow(b, hi - lo + 1)
            expected = "".join(alphabet[randbelow(b, len(alphabet))] for _ in range(n))
            assert gen._fn(a) == expected, pattern


def test_plain_objects_with_awkward_keys_and_many_keys():
    keys = ["a'b", 'q"uote', "back\\slash", "new\nline", "\ud800", "ключ", "{x}", "", "rng", "p"]
    schema = {
        "type": "object",
        "properties": {
            k: {"type": "integer", "minimum": i, "maximum": i} for i, k in enumerate(keys)
        },
        "required": keys[:5],
    }
    values = list(synth.stream(synth.from_schema(schema), 200, seed=1))
    for v in values:
        assert all(v[k] == keys.index(k) for k in v)
        assert set(keys[:5]) <= set(v)
    assert {k for v in values for k in v} == set(keys)
    many = {
        "type": "object",
        "properties": {f"k{i}": {"const": i} for i in range(100)},
        "required": [f"k{i}" for i in range(50)],
    }
    for v in synth.stream(synth.from_schema(many), 20, seed=2):
        assert all(v[f"k{i}"] == i for i in range(50))
        assert all(v[k] == int(k[1:]) for k in v)


def test_plain_text_draws_like_text():
    import random

    from synth.core.primitives import DEFAULT_ALPHABET
    from synth.schema.nodes import PlainText

    for lo, hi in ((1, 60), (0, 0), (5, 5), (0, 200)):
        reference = synth.text(min_size=lo, max_size=hi)
        fast = PlainText(reference, DEFAULT_ALPHABET, lo, hi)
        assert repr(fast) == repr(reference)
        a, b = random.Random(lo), random.Random(lo)
        assert [fast._fn(a) for _ in range(500)] == [reference._fn(b) for _ in range(500)]
    gen = synth.from_schema({"type": "string", "minLength": 2, "maxLength": 7})
    assert isinstance(gen, PlainText)
