"""from_regex: every string matches, length bounds hold by construction, refusals by name."""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import synth
from synth import InvalidArgument, UnsupportedPattern, from_regex

# (pattern, flags): realistic and tricky patterns.
CORPUS: list[tuple[str, int]] = [
    (r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}", 0),
    (r"^[\w.+-]+@[\w-]+\.[\w.]+$", 0),
    (r"^\+?1?[-. ]?\(?\d{3}\)?[-. ]?\d{3}[-. ]?\d{4}$", 0),
    (r"^\(\d{3}\) \d{3}-\d{4}$", 0),
    (r"^\+[1-9]\d{1,14}$", 0),
    (r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", 0),
    (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", 0),
    (r"^([01]\d|2[0-3]):[0-5]\d$", 0),
    (r"^[A-Z]{3}-\d{4}$", 0),
    (r"^SKU-[A-Z0-9]{8}$", 0),
    (r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$", 0),
    (r"^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$", 0),
    (r"^(\d{1,3}\.){3}\d{1,3}$", 0),
    (r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", 0),
    (r"^#?([a-f0-9]{6}|[a-f0-9]{3})$", 0),
    (r"^[a-z0-9]+(?:-[a-z0-9]+)*$", 0),
    (r"^https?://[a-z0-9.-]+\.[a-z]{2,6}(/[\w.-]*)*/?$", 0),
    (r"^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$", 0),
    (r"^\d{5}(-\d{4})?$", 0),
    (r"^[A-Z]\d[A-Z] ?\d[A-Z]\d$", 0),
    (r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", 0),
    (r"^\$\d{1,3}(,\d{3})*(\.\d{2})?$", 0),
    (r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$", 0),
    (r"^(true|false|yes|no)$", 0),
    (r"^[^@\s]+@[^@\s]+\.[^@\s]+$", 0),
    (r"[\[\]\\\-^]+", 0),
    (r"[\t\n\x0b ]*x", 0),
    (r"[\x41-\x5a][\u00e0-\u00ff]{2}", 0),
    (r"[^\W\d_]+", 0),
    (r"[\d\s]{3,5}", 0),
    (r"[^\d\s]{3,5}", 0),
    (r"\D\W\S", 0),
    (r"[.]\.\*\+\?\(\)\{\}\|", 0),
    (r"a{3}", 0),
    (r"a{2,}", 0),
    (r"a{,3}b", 0),
    (r"(ab){0,2}c", 0),
    (r"x*y*z*", 0),
    (r"x+?y??z*?", 0),
    (r"(a|bc|def)+", 0),
    (r"((a|b)(c|d)){2,4}", 0),
    (r"(((a)b)c)d", 0),
    (r"(?:(?:x|y)z)+", 0),
    (r"(?P<year>\d{4})-(?P<month>\d\d)", 0),
    (r"colou?r", 0),
    (r"gr(a|e)y", 0),
    (r"^$", 0),
    (r"", 0),
    (r"()", 0),
    (r"(|a)b", 0),
    (r"a|", 0),
    (r"hello", re.IGNORECASE),
    (r"(?i)[a-f]{4}", 0),
    (r"(?i:abc)DEF", 0),
    (r"[^a-z]{3}", re.IGNORECASE),
    (r"(?i)stra\u00dfe", 0),
    (r"(?m)^abc$", 0),
    (r"(?m)^a$\n^b$", 0),
    (r"first\nsecond", re.MULTILINE),
    (r".{5}", 0),
    (r".{5}", re.DOTALL),
    (r"(?s)a.b", 0),
    (r"[^\n]+", 0),
    (r"\bword\b", 0),
    (r"\b\w+\b \b\w+\b", 0),
    (r"x\By-\B-", 0),
    (r"\Aabc\Z", 0),
    (r"^(?:[a-z]+\s)*[a-z]+$", 0),
    (r"[\u4e00-\u9fff]{2,4}", 0),
    (r"[\u0400-\u04ff]+", 0),
    (r"[\U0001F600-\U0001F64F]", 0),
    (r"\w+", re.ASCII),
    (r"\w{3}", 0),
    (r"[\w\-]{2,8}", 0),
    (r"(?x) \d{3}  # area\n - \d{4}", 0),
    (r"[a-zA-Z_][a-zA-Z0-9_]*", 0),
    (r"^[a-z][a-z0-9_]{2,15}$", 0),
    (r"^(?:GET|POST|PUT|DELETE|PATCH)$", 0),
    (r"^/api/v[12]/(users|orders)/\d+$", 0),
    (r"^[A-Z]{2}-\d{3}-[A-Z]{2}$", 0),
    (r"^\d{3}-\d{2}-\d{4}$", 0),
    (r"^(?:\d{4}[- ]?){3}\d{4}$", 0),
    (r"^[a-z]{2}(-[A-Z]{2})?$", 0),
    (r"^(Mr|Mrs|Ms|Dr)\. [A-Z][a-z]+$", 0),
    (r"^P(\d+Y)?(\d+M)?(\d+D)?$", 0),
    (r"^[0-9]{1,3}(\.[0-9]{1,2})?%$", 0),
    (r"^[^\s]{1,3}$", 0),
    (r"[^aeiou\W]{4}", 0),
    (r"\s*\S+\s*", 0),
    (r"^(a+)+$", 0),
    (r"(x?){5}", 0),
    (r"[\d-]{3}|[a-z]{3}", 0),
]

SEARCH_EXTRA = [r"\d{3}", r"foo|bar", r"^start", r"end$", r"\bcat\b", r"x"]


def _flagged(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def test_corpus_size() -> None:
    assert len(CORPUS) >= 80


@pytest.mark.parametrize(("pattern", "flags"), CORPUS)
def test_corpus_fullmatch_and_search(pattern: str, flags: int) -> None:
    compiled = _flagged(pattern, flags)
    rng = random.Random(pattern)
    full = from_regex(pattern, flags=flags)
    for _ in range(200):
        s = full.draw(rng)
        assert compiled.fullmatch(s), (pattern, s)
    search = from_regex(pattern, flags=flags, fullmatch=False)
    for _ in range(200):
        s = search.draw(rng)
        assert compiled.search(s), (pattern, s)


@pytest.mark.parametrize(("pattern", "flags"), CORPUS)
def test_corpus_length_bounds(pattern: str, flags: int) -> None:
    compiled = _flagged(pattern, flags)
    rng = random.Random(len(pattern))
    free = from_regex(pattern, flags=flags)
    lengths = sorted({len(free.draw(rng)) for _ in range(30)})
    # A window around a length we know some matching string has.
    target = lengths[len(lengths) // 2]
    lo, hi = max(0, target - 1), target + 2
    for fullmatch, check in ((True, compiled.fullmatch), (False, compiled.search)):
        g = from_regex(pattern, flags=flags, fullmatch=fullmatch, min_size=lo, max_size=hi)
        for _ in range(50):
            s = g.draw(rng)
            assert lo <= len(s) <= hi and check(s), (pattern, lo, hi, s)
    # A minimum far above what unbounded repeats draw by default is reachable too
    # whenever the pattern has an unbounded repeat.
    if any(q in pattern for q in ("*", "+", ",}")):
        longest = max(lengths) + 40
        try:
            g = from_regex(pattern, flags=flags, min_size=longest)
        except UnsupportedPattern as e:
            assert e.feature == "length"
        else:
            for _ in range(20):
                s = g.draw(rng)
                assert len(s) >= longest and compiled.fullmatch(s), (pattern, s)


@pytest.mark.parametrize("pattern", SEARCH_EXTRA)
def test_search_mode_pads_unanchored_patterns(pattern: str) -> None:
    g = from_regex(pattern, fullmatch=False)
    values = [g.draw(random.Random(i)) for i in range(100)]
    assert all(re.search(pattern, v) for v in values)
    if pattern.startswith("^") or pattern.endswith("$") or r"\b" in pattern:
        # Edges the pattern checks are never padded on that side.
        assert not pattern.startswith("^") or all(re.match(pattern, v) for v in values)
        assert not pattern.endswith("$") or all(re.fullmatch(".*" + pattern, v) for v in values)
    else:
        assert any(not re.fullmatch(pattern, v) for v in values)


def test_length_bounds_with_tricky_gaps() -> None:
    g = from_regex(r"(abc|de)+", min_size=7, max_size=7)
    values = {g.draw(random.Random(i)) for i in range(60)}
    assert all(len(v) == 7 and re.fullmatch(r"(abc|de)+", v) for v in values)
    assert len(values) > 1
    with pytest.raises(UnsupportedPattern) as info:
        from_regex(r"(abc){2}", min_size=7, max_size=8)
    assert info.value.feature == "length"
    with pytest.raises(UnsupportedPattern) as info:
        from_regex(r"a{10}|b{100}", min_size=11, max_size=99)
    assert info.value.feature == "length"
    with pytest.raises(UnsupportedPattern) as info:
        from_regex(r"[a-z]+", min_size=300_000)
    assert info.value.feature == "length budget"
    long = from_regex(r"a{10}|b{100}", min_size=11)
    assert long.draw(random.Random(0)) == "b" * 100


@pytest.mark.parametrize(
    ("pattern", "feature"),
    [
        (r"(a)\1", "backreference"),
        (r"(?P<x>a)(?P=x)", "backreference"),
        (r"(?=a)a", "lookahead"),
        (r"(?!a)b", "negative lookahead"),
        (r"(?<=a)b", "lookbehind"),
        (r"(?<!a)b", "negative lookbehind"),
        (r"(a)?(?(1)b|c)", "conditional"),
        (r"(?>ab)", "atomic group"),
        (r"a*+b", "possessive quantifier"),
        (r"a^b", "anchor"),
        (r"a?^b", "anchor"),
        (r"a$b", "anchor"),
        (r"a\bb", "word boundary"),
        (r".\b.", "word boundary"),
        (r"\B", "word boundary"),
        (r"[^\s\S]", "empty"),
    ],
)
def test_refusals_by_name(pattern: str, feature: str) -> None:
    with pytest.raises(UnsupportedPattern) as info:
        from_regex(pattern)
    assert info.value.feature == feature
    assert feature in str(info.value)
    assert isinstance(info.value, NotImplementedError)


def test_invalid_patterns_and_arguments() -> None:
    with pytest.raises(InvalidArgument, match="position 3"):
        from_regex("abc(")
    with pytest.raises(InvalidArgument, match="position 0"):
        from_regex("*a")
    with pytest.raises(InvalidArgument):
        from_regex(b"abc")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        from_regex("a", min_size=3, max_size=2)
    with pytest.raises(InvalidArgument):
        from_regex("a", max_size=-1)
    with pytest.raises(InvalidArgument):
        from_regex("a", flags=re.DEBUG)


def test_repr_is_the_call() -> None:
    assert repr(from_regex("^[a-z]{3}$")) == "from_regex('^[a-z]{3}$')"
    assert (
        repr(from_regex(r"\d+", fullmatch=False, max_size=5))
        == "from_regex('\\\\d+', fullmatch=False, max_size=5)"
    )
    assert repr(synth.from_regex("x", flags=re.IGNORECASE)) == (
        "from_regex('x', flags=re.IGNORECASE)"
    )


def test_tree_is_made_of_nodes() -> None:
    g = from_regex(r"ab[0-9]{2}(x|yz)")
    text = repr(g.root)  # type: ignore[attr-defined]
    assert "literal('ab')" in text and "chars('0-9')" in text and "alt(" in text
    assert sum(1 for _ in synth.walk(g)) >= 5


def test_ignorecase_gives_both_cases() -> None:
    g = from_regex("abcdef", flags=re.IGNORECASE)
    values = {g.draw(random.Random(i)) for i in range(50)}
    assert any(v != v.lower() for v in values) and any(c.islower() for v in values for c in v)
    assert all(re.fullmatch("abcdef", v, re.IGNORECASE) for v in values)


def test_dot_and_newline() -> None:
    dot = from_regex(".{40}")
    assert all("\n" not in dot.draw(random.Random(i)) for i in range(50))
    dotall = from_regex(".{40}", flags=re.DOTALL)
    assert any("\n" in dotall.draw(random.Random(i)) for i in range(50))


def test_diversity() -> None:
    for pattern in (r"[a-z]+", r"\w{3,12}", r"[A-Z]{3}-\d{4}", r".+@.+"):
        g = from_regex(pattern)
        assert len({g.draw(random.Random(i)) for i in range(20)}) >= 18, pattern


def test_determinism_across_processes() -> None:
    pattern = r"^[A-Z][a-z]+ \d{2,4}(-[a-z]{2})?$"
    here = list(synth.stream(from_regex(pattern, max_size=12), 50, seed=9))
    code = (
        "import synth, json;"
        f"print(json.dumps(list(synth.stream(synth.from_regex({pattern!r}, max_size=12),"
        " 50, seed=9))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import json

    assert json.loads(out.stdout) == here


# -- property test: patterns from a small grammar -----------------------------------------

_ATOMS = st.sampled_from(
    [
        "a",
        "b",
        "xy",
        r"\d",
        r"\w",
        r"\s",
        r"\D",
        r"\W",
        ".",
        "[a-c]",
        "[^a-c]",
        r"[\w.-]",
        r"\.",
        r"\-",
        "[0-9A-F]",
        r"\$",
        "é",
        "[^\n]",
    ]
)
_QUANTS = st.sampled_from(["", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{2,}", "*?", "+?"])


def _regexes() -> st.SearchStrategy[str]:
    base = st.builds(lambda a, q: a + q, _ATOMS, _QUANTS)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds(lambda xs: "".join(xs), st.lists(inner, min_size=1, max_size=4)),
            st.builds(lambda xs: "|".join(xs), st.lists(inner, min_size=2, max_size=3)),
            st.builds(
                lambda x, q, cap: ("(" if cap else "(?:") + x + ")" + q,
                inner,
                _QUANTS,
                st.booleans(),
            ),
        )

    return st.recursive(base, extend, max_leaves=8)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pattern=_regexes(),
    anchored=st.booleans(),
    flags=st.sampled_from([0, re.IGNORECASE, re.DOTALL, re.ASCII]),
    bounds=st.tuples(st.integers(0, 12), st.integers(0, 12)),
    seed=st.integers(0, 2**32),
)
def test_generated_patterns(
    pattern: str, anchored: bool, flags: int, bounds: tuple[int, int], seed: int
) -> None:
    if anchored:
        pattern = "^" + pattern + "$"
    compiled = re.compile(pattern, flags)
    rng = random.Random(seed)
    free = from_regex(pattern, flags=flags)
    free_values = [free.draw(rng) for _ in range(20)]
    assert all(compiled.fullmatch(s) for s in free_values), pattern
    search = from_regex(pattern, flags=flags, fullmatch=False)
    assert all(compiled.search(search.draw(rng)) for _ in range(20)), pattern
    lo, hi = min(bounds), max(bounds)
    try:
        sized = from_regex(pattern, flags=flags, min_size=lo, max_size=hi)
    except UnsupportedPattern as e:
        assert e.feature == "length"
        # Honest refusal: the free generator (a subset of what the planner considers)
        # never produced a string of an allowed length either.
        assert not any(lo <= len(s) <= hi for s in free_values), (pattern, lo, hi)
        return
    for _ in range(20):
        s = sized.draw(rng)
        assert lo <= len(s) <= hi and compiled.fullmatch(s), (pattern, lo, hi, s)
    try:
        padded = from_regex(pattern, flags=flags, fullmatch=False, min_size=lo, max_size=hi)
    except UnsupportedPattern as e:
        assert e.feature == "length"
        return
    for _ in range(20):
        s = padded.draw(rng)
        assert lo <= len(s) <= hi and compiled.search(s), (pattern, lo, hi, s)
