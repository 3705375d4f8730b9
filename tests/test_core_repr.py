"""repr(g) is the call that builds g, defaults left out (pinned)."""

from __future__ import annotations

import datetime as dt

import pytest

import synth as s


def double(x: int) -> int:
    return 2 * x


@pytest.mark.parametrize(
    ("gen", "expected"),
    [
        (s.list_of(s.integers(0, 9), min_size=1), "list_of(integers(0, 9), min_size=1)"),
        (s.list_of(s.integers(0, 9), min_size=0), "list_of(integers(0, 9))"),
        (s.integers(min_value=-3, max_value=3), "integers(-3, 3)"),
        (s.floats(), "floats()"),
        (s.floats(0.0, 5.0, places=2), "floats(max_value=5.0, places=2)"),
        (s.floats(1.0, 5.0, places=2), "floats(1.0, 5.0, places=2)"),
        (s.booleans(), "booleans()"),
        (s.booleans(0.8), "booleans(0.8)"),
        (s.just(None), "just(None)"),
        (s.sampled_from(("a", "b")), "sampled_from(['a', 'b'])"),
        (s.weighted({"a": 3, "b": 1.5}), "weighted({'a': 3, 'b': 1.5})"),
        (s.text(min_size=2), "text(min_size=2)"),
        (s.text("ab", max_size=4), "text('ab', max_size=4)"),
        (s.characters(), "characters()"),
        (
            s.characters(min_codepoint=0x400, max_codepoint=0x4FF),
            "characters(min_codepoint=1024, max_codepoint=1279)",
        ),
        (s.dates(), "dates()"),
        (
            s.dates(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
            "dates(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))",
        ),
        (s.datetimes(resolution="milliseconds"), "datetimes(resolution='milliseconds')"),
        (s.uuids(), "uuids()"),
        (s.uuids(version=None), "uuids(None)"),
        (s.optional(s.booleans()), "optional(booleans())"),
        (s.optional(s.booleans(), 0.9), "optional(booleans(), 0.9)"),
        (s.sequence(s.just(1), s.just(2)), "sequence(just(1), just(2))"),
        (
            s.record(a=s.just(1), b=s.sometimes(s.just(2), p=0.3)),
            "record(a=just(1), b=sometimes(just(2), 0.3))",
        ),
        (s.record({"first-name": s.just("x")}), "record({'first-name': just('x')})"),
        (
            s.integers(0, 1) | s.just(5) | s.booleans(),
            "one_of(integers(0, 1), just(5), booleans())",
        ),
        (
            s.one_of(s.just(1), s.just(2), weights=[3, 1]),
            "one_of(just(1), just(2), weights=[3.0, 1.0])",
        ),
        (s.integers(0, 3).map(double), "integers(0, 3).map(double)"),
        (s.integers(0, 3).map(str), "integers(0, 3).map(str)"),
        (s.integers(0, 3).filter(lambda x: x > 1), "integers(0, 3).filter(lambda x: x > 1)"),
        (
            s.list_of(s.booleans(), unique=True, max_size=2),
            "list_of(booleans(), max_size=2, unique=True)",
        ),
    ],
)
def test_repr_is_the_building_call(gen: s.Gen[object], expected: str) -> None:
    assert repr(gen) == expected


def test_repr_of_lambda_in_map_shows_source() -> None:
    g = s.integers(0, 3).map(lambda x: x + 1)
    assert repr(g) == "integers(0, 3).map(lambda x: x + 1)"


def test_or_with_weighted_one_of_is_not_flattened() -> None:
    w = s.one_of(s.just(1), s.just(2), weights=[1, 2])
    assert repr(w | s.just(3)) == "one_of(one_of(just(1), just(2), weights=[1.0, 2.0]), just(3))"


def test_deferred_repr_and_jupyter_pretty() -> None:
    tree = s.deferred(lambda: s.one_of(s.just(0), s.list_of(tree)), max_depth=3)
    assert repr(tree) == "deferred(lambda: s.one_of(s.just(0), s.list_of(tree)), max_depth=3)"

    class Printer:
        def __init__(self) -> None:
            self.out = ""

        def text(self, t: str) -> None:
            self.out += t

    big = s.record(**{f"field_{i}": s.integers(0, i + 1) for i in range(8)})
    p = Printer()
    big._repr_pretty_(p, False)
    assert "\n" in p.out
    flat = p.out.replace("\n", "").replace(" ", "").replace(",)", ")")
    assert flat == repr(big).replace(" ", "")


def test_equal_trees_compare_equal() -> None:
    assert s.list_of(s.integers(0, 9)) == s.list_of(s.integers(0, 9))
    assert s.list_of(s.integers(0, 9)) != s.list_of(s.integers(0, 8))
    assert hash(s.integers(0, 9)) == hash(s.integers(0, 9))


def test_walk_visits_every_node() -> None:
    g = s.record(a=s.list_of(s.integers(0, 1)), b=s.optional(s.just(1)))
    names = [repr(n) for n in s.walk(g)]
    assert names[1:] == [
        "list_of(integers(0, 1))",
        "integers(0, 1)",
        "optional(just(1))",
        "just(1)",
    ]
