"""Regular expressions compile to generator trees: ``from_regex(r"^[A-Z]{3}-\\d{4}$")``.

The pattern is parsed with the standard library's own parser (``re._parser``), so the tree
means exactly what ``re`` means. Its nodes become generator nodes: a literal, a character
class (a set of code point ranges), a concatenation, an alternation and a bounded repeat.
Anchors and word boundaries are checked against the characters that can surround them and
then generate nothing. What cannot be generated correctly (backreferences, lookarounds,
conditionals, atomic groups, possessive quantifiers) is refused by name with
:class:`~synth.core.errors.UnsupportedPattern`.

Length bounds are honoured by construction: each node knows the set of lengths it can
produce (a bit set), a target length is drawn among those allowed, and every
concatenation or repeat splits the target between its parts so that each part can meet
its share. Nothing is generated and thrown away.
"""

from __future__ import annotations

import math
import random
import re
import string
from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import Any

import attrs

from synth.core.errors import InvalidArgument, UnsupportedPattern
from synth.core.gen import DrawFn, Gen, factory
from synth.core.primitives import _below_fn, randbelow

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

__all__ = ["from_regex"]

#: Extra repetitions an unbounded repeat (``*``, ``+``, ``{n,}``) may draw above its minimum.
UNBOUNDED_SPAN = 8
#: Extra repetitions a bounded repeat may draw above its minimum (``{0,100000}`` stays sane).
BOUNDED_SPAN = 1000
#: Padding characters added before and after an unanchored match in search mode.
PAD_SPAN = 4
#: Without ``max_size``, target lengths go at most this far above the shortest allowed.
TARGET_SPAN = 32
#: Largest string length the length planner works with.
MAX_PLANNED_LENGTH = 200_000

# Characters a negated class, ``.`` or a negated category picks from (those that match):
# printable ASCII, tab and newline, and a few non-ASCII letters and symbols. Carriage
# return and other line separators are left out on purpose: ECMA-262 ``.`` excludes them.
_POOL = string.printable[:-5] + "\t\n" + "éñüçßøÅΩжд中文€"
_PAD = string.ascii_letters + string.digits + " -_."
_WORD = string.ascii_letters + string.digits + "_"
_CATEGORY_REPS = {
    _c.CATEGORY_DIGIT: string.digits,
    _c.CATEGORY_WORD: _WORD,
    _c.CATEGORY_SPACE: " \t\n",
    _c.CATEGORY_NOT_DIGIT: _POOL,
    _c.CATEGORY_NOT_WORD: _POOL,
    _c.CATEGORY_NOT_SPACE: _POOL,
}
_CATEGORY_SOURCE = {
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_NOT_WORD: r"\W",
    _c.CATEGORY_NOT_SPACE: r"\S",
}
_MATCH_FLAGS = re.IGNORECASE | re.DOTALL | re.ASCII
_SURROGATES = (0xD800, 0xDFFF)

# What can sit next to a position: the start or end of the string, a newline, a word
# character or another character. Anchors and \b / \B are decided from these.
_START, _END, _NEWLINE, _WORDCH, _OTHER = "S", "E", "l", "w", "n"
_ANY_CHAR_KIND = frozenset({_NEWLINE, _WORDCH, _OTHER})


def _refuse(
    pattern: str, what: str, feature: str, fix: str = "rewrite the pattern without it"
) -> UnsupportedPattern:
    return UnsupportedPattern(
        f"from_regex() cannot generate strings for {pattern!r}: {what} "
        f"(feature={feature!r}); {fix}",
        feature=feature,
    )


# -- the intermediate tree: what the pattern means -----------------------------------------


class _IR:
    __slots__ = ()


class _IChars(_IR):
    """One character from ``ranges`` (sorted, disjoint, inclusive code point ranges)."""

    __slots__ = ("kinds", "ranges")

    def __init__(self, ranges: tuple[tuple[int, int], ...], ascii_words: bool) -> None:
        self.ranges = ranges
        self.kinds = _char_kinds(ranges, ascii_words)


class _ISeq(_IR):
    __slots__ = ("items",)

    def __init__(self, items: list[_IR]) -> None:
        self.items = items


class _IAlt(_IR):
    __slots__ = ("branches",)

    def __init__(self, branches: list[_IR]) -> None:
        self.branches = branches


class _IRep(_IR):
    __slots__ = ("hi", "item", "lo")

    def __init__(self, item: _IR, lo: int, hi: int | None) -> None:
        self.item, self.lo, self.hi = item, lo, hi


class _IAssert(_IR):
    __slots__ = ("kind",)

    def __init__(self, kind: str) -> None:
        self.kind = kind


class _INever(_IR):
    """Matches nothing (an empty character class)."""

    __slots__ = ()


def _char_kinds(ranges: tuple[tuple[int, int], ...], ascii_words: bool) -> frozenset[str]:
    total = sum(hi - lo + 1 for lo, hi in ranges)
    if total > 70_000:
        return _ANY_CHAR_KIND
    word = re.compile(r"\w", re.ASCII if ascii_words else 0).match
    kinds: set[str] = set()
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            c = chr(cp)
            kinds.add(_NEWLINE if c == "\n" else _WORDCH if word(c) else _OTHER)
            if len(kinds) == 3:
                return frozenset(kinds)
    return frozenset(kinds)


def _normalise(codepoints: set[int], ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Merge code points and ranges into sorted disjoint ranges, without surrogates."""
    spans = sorted([(c, c) for c in codepoints] + ranges)
    out: list[list[int]] = []
    for lo, hi in spans:
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    cut: list[tuple[int, int]] = []
    s_lo, s_hi = _SURROGATES
    for lo, hi in out:
        if hi < s_lo or lo > s_hi:
            cut.append((lo, hi))
            continue
        if lo < s_lo:
            cut.append((lo, s_lo - 1))
        if hi > s_hi:
            cut.append((s_hi + 1, hi))
    return tuple(cut)


def _escape(cp: int) -> str:
    return f"\\U{cp:08x}"


_REFUSED = {
    "GROUPREF": ("a backreference (\\1, (?P=name)) repeats an earlier group", "backreference"),
    "GROUPREF_EXISTS": ("a conditional group (?(1)a|b) depends on an earlier group", "conditional"),
    "ATOMIC_GROUP": ("an atomic group (?>...) changes what can match", "atomic group"),
    "POSSESSIVE_REPEAT": (
        "a possessive quantifier (*+, ++, ?+) changes what can match",
        "possessive quantifier",
    ),
}


class _Builder:
    """Turns ``re``'s parse tree into the intermediate tree, refusing what it must."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def build(self, items: Any, flags: int) -> _IR:
        parts: list[_IR] = []
        for op, av in items:
            parts.append(self.node(op, av, flags))
        return parts[0] if len(parts) == 1 else _ISeq(parts)

    def node(self, op: Any, av: Any, flags: int) -> _IR:
        if op is _c.LITERAL:
            return self.literal(av, flags)
        if op is _c.NOT_LITERAL:
            return self.klass([(_c.NEGATE, None), (_c.LITERAL, av)], flags)
        if op is _c.IN:
            return self.klass(av, flags)
        if op is _c.ANY:
            return self.matching(_POOL, ".", flags)
        if op is _c.MAX_REPEAT or op is _c.MIN_REPEAT:
            lo, hi, sub = av
            return _IRep(self.build(sub, flags), lo, None if hi == _c.MAXREPEAT else hi)
        if op is _c.SUBPATTERN:
            _group, add, remove, sub = av
            return self.build(sub, (flags | add) & ~remove)
        if op is _c.BRANCH:
            return _IAlt([self.build(b, flags) for b in av[1]])
        if op is _c.AT:
            return _IAssert(self.anchor(av, flags))
        raise self.refusal(op, av)

    def refusal(self, op: Any, av: Any) -> UnsupportedPattern:
        name = str(op)
        if name in ("ASSERT", "ASSERT_NOT"):
            direction = "lookahead" if av[0] == 1 else "lookbehind"
            feature = direction if name == "ASSERT" else f"negative {direction}"
            what = f"a {feature} constrains text it does not generate"
        else:
            what, feature = _REFUSED.get(name, (f"the construct {name} is not supported", name))
        return _refuse(self.pattern, what, feature)

    @staticmethod
    def anchor(av: Any, flags: int) -> str:
        multiline = bool(flags & re.MULTILINE)
        if av is _c.AT_BEGINNING:
            return "^m" if multiline else "^"
        if av is _c.AT_END:
            return "$m" if multiline else "$"
        return {
            _c.AT_BEGINNING_STRING: "\\A",
            _c.AT_END_STRING: "\\Z",
            _c.AT_BOUNDARY: "\\b",
            _c.AT_NON_BOUNDARY: "\\B",
        }[av]

    @staticmethod
    def matcher(source: str, flags: int) -> Callable[[str], Any]:
        return re.compile(source, flags & _MATCH_FLAGS).fullmatch

    def chars(self, codepoints: set[int], ranges: list[tuple[int, int]], flags: int) -> _IR:
        spans = _normalise(codepoints, ranges)
        if not spans:
            return _INever()
        return _IChars(spans, bool(flags & re.ASCII))

    def matching(self, pool: str, source: str, flags: int) -> _IR:
        """Characters of ``pool`` that match ``source``; a wider scan if none do."""
        match = self.matcher(source, flags)
        found = {ord(c) for c in pool if match(c)}
        if not found:
            for cp in range(0x3000):
                if not _SURROGATES[0] <= cp <= _SURROGATES[1] and match(chr(cp)):
                    found.add(cp)
                    if len(found) >= 64:
                        break
        return self.chars(found, [], flags)

    def literal(self, cp: int, flags: int) -> _IR:
        if not flags & re.IGNORECASE:
            return self.chars({cp}, [], flags)
        c = chr(cp)
        variants = {v for v in (c, c.lower(), c.upper()) if len(v) == 1}
        match = self.matcher(_escape(cp), flags)
        return self.chars({ord(v) for v in variants if match(v)}, [], flags)

    def klass(self, items: Any, flags: int) -> _IR:
        source = "[" + "".join(self.class_part(op, av) for op, av in items) + "]"
        match = self.matcher(source, flags)
        if any(op is _c.NEGATE for op, _ in items):
            return self.matching(_POOL, source, flags)
        ranges: list[tuple[int, int]] = []
        extra: set[str] = set()
        for op, av in items:
            if op is _c.LITERAL:
                ranges.append((av, av))
            elif op is _c.RANGE:
                ranges.append(av)
            elif op is _c.CATEGORY:
                extra.update(_CATEGORY_REPS[av])
        if flags & re.IGNORECASE and sum(hi - lo + 1 for lo, hi in ranges) <= 4096:
            for lo, hi in ranges:
                for cp in range(lo, hi + 1):
                    c = chr(cp)
                    extra.update(v for v in (c.lower(), c.upper()) if len(v) == 1)
        found = {ord(c) for c in extra if match(c)}
        return self.chars(found, ranges, flags)

    @staticmethod
    def class_part(op: Any, av: Any) -> str:
        if op is _c.NEGATE:
            return "^"
        if op is _c.LITERAL:
            return _escape(av)
        if op is _c.RANGE:
            return f"{_escape(av[0])}-{_escape(av[1])}"
        if op is _c.CATEGORY:
            return _CATEGORY_SOURCE[av]
        raise AssertionError(f"unexpected class item {op}")  # pragma: no cover


def _prune(node: _IR) -> _IR | None:
    """Remove what can never match; ``None`` when nothing is left."""
    if isinstance(node, _INever):
        return None
    if isinstance(node, _ISeq):
        items = []
        for item in node.items:
            kept = _prune(item)
            if kept is None:
                return None
            items.append(kept)
        return _ISeq(items)
    if isinstance(node, _IAlt):
        branches = [b for b in map(_prune, node.branches) if b is not None]
        if not branches:
            return None
        return branches[0] if len(branches) == 1 else _IAlt(branches)
    if isinstance(node, _IRep):
        item = _prune(node.item)
        if item is None or node.hi == 0:
            return _ISeq([]) if node.lo == 0 else None
        return _IRep(item, node.lo, node.hi)
    return node


# -- anchors and word boundaries -----------------------------------------------------------


def _edge(node: _IR, last: bool) -> tuple[frozenset[str], bool]:
    """The kinds of character that can start (or end) ``node``, and whether it can be empty."""
    if isinstance(node, _IChars):
        return node.kinds, False
    if isinstance(node, _IAssert):
        return frozenset(), True
    if isinstance(node, _ISeq):
        kinds: frozenset[str] = frozenset()
        for item in reversed(node.items) if last else node.items:
            k, empty = _edge(item, last)
            kinds |= k
            if not empty:
                return kinds, False
        return kinds, True
    if isinstance(node, _IAlt):
        kinds, empty = frozenset(), False
        for b in node.branches:
            k, e = _edge(b, last)
            kinds, empty = kinds | k, empty or e
        return kinds, empty
    if isinstance(node, _IRep):
        k, e = _edge(node.item, last)
        return k, e or node.lo == 0
    raise AssertionError(node)  # pragma: no cover


def _is_word(kind: str) -> bool:
    return kind == _WORDCH


class _Context:
    """Checks each anchor and boundary against what can stand before and after it."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.uses_start = False
        self.uses_end = False

    def check(self, node: _IR, left: frozenset[str], right: frozenset[str]) -> None:
        if isinstance(node, _IAssert):
            self.assertion(node.kind, left, right)
        elif isinstance(node, _ISeq):
            lefts = []
            ctx = left
            for item in node.items:
                lefts.append(ctx)
                k, empty = _edge(item, last=True)
                ctx = k | ctx if empty else k
            ctx = right
            for i in range(len(node.items) - 1, -1, -1):
                item = node.items[i]
                self.check(item, lefts[i], ctx)
                k, empty = _edge(item, last=False)
                ctx = k | ctx if empty else k
        elif isinstance(node, _IAlt):
            for b in node.branches:
                self.check(b, left, right)
        elif isinstance(node, _IRep):
            if node.hi is None or node.hi >= 2:
                left = left | _edge(node.item, last=True)[0]
                right = right | _edge(node.item, last=False)[0]
            self.check(node.item, left, right)

    def assertion(self, kind: str, left: frozenset[str], right: frozenset[str]) -> None:
        if _START in left:
            self.uses_start = True
        if _END in right:
            self.uses_end = True
        if kind in ("^", "\\A"):
            ok = left <= {_START}
        elif kind == "^m":
            ok = left <= {_START, _NEWLINE}
        elif kind in ("$", "\\Z"):
            ok = right <= {_END}
        elif kind == "$m":
            ok = right <= {_END, _NEWLINE}
        else:
            boundary = kind == "\\b"
            # Python before 3.14 never matches \B in the empty string.
            ok = all(
                (_is_word(a) != _is_word(b)) == boundary and not (a == _START and b == _END)
                for a in left
                for b in right
            )
        if not ok:
            feature = "word boundary" if kind in ("\\b", "\\B") else "anchor"
            raise _refuse(
                self.pattern,
                f"{kind} stands where the text around it may not satisfy it (only anchors at "
                f"the start or end of the match and boundaries next to characters that are "
                f"all word or all non-word characters are supported)",
                feature,
            )


# -- generator nodes -----------------------------------------------------------------------


def _class_text(ranges: tuple[tuple[int, int], ...]) -> str:
    parts = []
    for lo, hi in ranges:
        a, b = _show_char(chr(lo)), _show_char(chr(hi))
        parts.append(a if lo == hi else f"{a}-{b}")
    return "".join(parts)


def _show_char(c: str) -> str:
    return c if c.isprintable() and c not in "\\]-^" else _short_escape(c)


def _short_escape(c: str) -> str:
    cp = ord(c)
    if c in "\\]-^":
        return "\\" + c
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"


@attrs.frozen(repr=False)
class _Literal(Gen[str]):
    text: str

    def _compile(self) -> DrawFn:
        text = self.text
        return lambda rng: text

    def _default_repr(self) -> str:
        return f"literal({self.text!r})"


@attrs.frozen(repr=False)
class _Chars(Gen[str]):
    ranges: tuple[tuple[int, int], ...]

    def _compile(self) -> DrawFn:
        if len(self.ranges) == 1:
            lo, hi = self.ranges[0]
            below = _below_fn(hi - lo + 1)
            return lambda rng: chr(lo + below(rng))
        starts = [lo for lo, _ in self.ranges]
        ends = list(accumulate(hi - lo + 1 for lo, hi in self.ranges))
        offsets = [0, *ends[:-1]]
        below = _below_fn(ends[-1])

        def pick(rng: random.Random) -> str:
            r = below(rng)
            i = bisect_right(ends, r)
            return chr(starts[i] + r - offsets[i])

        return pick

    def _default_repr(self) -> str:
        return f"chars({_class_text(self.ranges)!r})"


@attrs.frozen(repr=False)
class _Concat(Gen[str]):
    parts: tuple[Gen[str], ...]

    def _compile(self) -> DrawFn:
        fns = tuple(p._fn for p in self.parts)
        return lambda rng: "".join([f(rng) for f in fns])

    def _default_repr(self) -> str:
        return f"concat({', '.join(map(repr, self.parts))})"


@attrs.frozen(repr=False)
class _Alt(Gen[str]):
    branches: tuple[Gen[str], ...]

    def _compile(self) -> DrawFn:
        fns = tuple(b._fn for b in self.branches)
        below = _below_fn(len(fns))
        return lambda rng: fns[below(rng)](rng)

    def _default_repr(self) -> str:
        return f"alt({', '.join(map(repr, self.branches))})"


@attrs.frozen(repr=False)
class _Repeat(Gen[str]):
    item: Gen[str]
    min_count: int
    max_count: int

    def _compile(self) -> DrawFn:
        item, lo = self.item._fn, self.min_count
        extra = _below_fn(self.max_count - lo + 1)
        chars = self.item
        if isinstance(chars, _Chars) and sum(b - a + 1 for a, b in chars.ranges) <= 4096:
            # The same draws as the class node (one randbelow over the expanded class, in
            # range order), without a function call per character.
            alphabet = "".join(chr(c) for a, b in chars.ranges for c in range(a, b + 1))
            return _repeat_class(alphabet, lo, extra)
        return lambda rng: "".join([item(rng) for _ in range(lo + extra(rng))])

    def _default_repr(self) -> str:
        return f"repeat({self.item!r}, {self.min_count}, {self.max_count})"


def _repeat_class(alphabet: str, lo: int, extra: DrawFn) -> DrawFn:
    """``lo + extra(rng)`` characters of ``alphabet``, each ``randbelow(rng, len(alphabet))``
    with the rejection loop inlined (the same draws as one call per character)."""
    n = len(alphabet)
    k = (n - 1).bit_length()
    if n == 1:
        return lambda rng: alphabet * (lo + extra(rng))
    if n == 1 << k:
        return lambda rng: "".join([alphabet[rng.getrandbits(k)] for _ in range(lo + extra(rng))])

    def repeat_class(rng: random.Random) -> str:
        bits = rng.getrandbits
        out = []
        for _ in range(lo + extra(rng)):
            r = bits(k)
            while r >= n:
                r = bits(k)
            out.append(alphabet[r])
        return "".join(out)

    return repeat_class


@attrs.frozen(repr=False)
class _Regex(Gen[str]):
    """The whole pattern; draws a target length first when length bounds need planning."""

    root: Gen[str]
    pattern: str
    lengths: tuple[int, ...] | None = None
    limit: int = 0

    def _compile(self) -> DrawFn:
        if self.lengths is None:
            return self.root._fn
        _bits, sized = _Planner(self.limit).plan(self.root)
        lengths = self.lengths
        below = _below_fn(len(lengths))
        return lambda rng: sized(rng, lengths[below(rng)])


def _emit(node: _IR, extra_for: Callable[[int], int]) -> Gen[str]:
    """Generator nodes for an intermediate tree; ``extra_for(item_min)`` sizes open repeats."""
    if isinstance(node, _IChars):
        if len(node.ranges) == 1 and node.ranges[0][0] == node.ranges[0][1]:
            return _Literal(chr(node.ranges[0][0]))
        return _Chars(node.ranges)
    if isinstance(node, _IAssert):
        return _Literal("")
    if isinstance(node, _ISeq):
        parts: list[Gen[str]] = []
        for item in node.items:
            g = _emit(item, extra_for)
            if isinstance(g, _Literal):
                if not g.text:
                    continue
                if parts and isinstance(parts[-1], _Literal):
                    parts[-1] = _Literal(parts[-1].text + g.text)
                    continue
            parts.append(g)
        if not parts:
            return _Literal("")
        return parts[0] if len(parts) == 1 else _Concat(tuple(parts))
    if isinstance(node, _IAlt):
        return _Alt(tuple(_emit(b, extra_for) for b in node.branches))
    if isinstance(node, _IRep):
        item = _emit(node.item, extra_for)
        lo_len, _ = _span(item)
        span = UNBOUNDED_SPAN if node.hi is None else BOUNDED_SPAN
        hi = node.lo + span + extra_for(lo_len)
        if node.hi is not None:
            hi = min(hi, node.hi)
        if isinstance(item, _Literal) and node.lo == hi:
            return _Literal(item.text * hi)
        return _Repeat(item, node.lo, hi)
    raise AssertionError(node)  # pragma: no cover


def _span(g: Gen[str]) -> tuple[int, int]:
    """Shortest and longest string a generator node can produce."""
    if isinstance(g, _Literal):
        return len(g.text), len(g.text)
    if isinstance(g, _Chars):
        return 1, 1
    if isinstance(g, _Concat):
        spans = [_span(p) for p in g.parts]
        return sum(s[0] for s in spans), sum(s[1] for s in spans)
    if isinstance(g, _Alt):
        spans = [_span(b) for b in g.branches]
        return min(s[0] for s in spans), max(s[1] for s in spans)
    if isinstance(g, _Repeat):
        lo, hi = _span(g.item)
        return lo * g.min_count, hi * g.max_count
    raise AssertionError(g)  # pragma: no cover


def _first_chars(g: Gen[str]) -> tuple[list[tuple[int, int]], bool]:
    """Code point ranges a non-empty string of ``g`` can start with, and whether ``g`` can
    produce the empty string."""
    if isinstance(g, _Literal):
        return ([(ord(g.text[0]),) * 2] if g.text else []), not g.text
    if isinstance(g, _Chars):
        return list(g.ranges), False
    if isinstance(g, _Concat):
        out: list[tuple[int, int]] = []
        for part in g.parts:
            ranges, empty = _first_chars(part)
            out += ranges
            if not empty:
                return out, False
        return out, True
    if isinstance(g, _Alt):
        out, empty = [], False
        for b in g.branches:
            ranges, e = _first_chars(b)
            out, empty = out + ranges, empty or e
        return out, empty
    if isinstance(g, _Repeat):
        ranges, empty = _first_chars(g.item) if g.max_count else ([], True)
        return ranges, empty or g.min_count == 0
    raise AssertionError(g)  # pragma: no cover


def _may_start(c: str, starts: list[tuple[int, int]]) -> bool:
    """Whether ``c``, in either case, falls in ``starts``."""
    return any(lo <= ord(v) <= hi for v in {c, c.lower(), c.upper()} for lo, hi in starts)


# -- length planning -----------------------------------------------------------------------

Sized = Callable[[random.Random, int], str]


def _bits(x: int) -> Iterator[int]:
    """Positions of the set bits of ``x``, lowest first."""
    while x:
        low = x & -x
        yield low.bit_length() - 1
        x ^= low


def _pick_bit(rng: random.Random, x: int) -> int:
    if x & (x - 1) == 0:
        return x.bit_length() - 1
    options = list(_bits(x))
    return options[randbelow(rng, len(options))]


class _Planner:
    """Computes, for every node, the set of lengths it can produce up to ``limit``, and a
    function drawing a string of an exact length from that set."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.mask = (1 << (limit + 1)) - 1

    def conv(self, a: int, b: int) -> int:
        """Lengths of ``x + y`` for x in ``a`` and y in ``b``."""
        if not a or not b:
            return 0
        if a.bit_count() < b.bit_count():
            a, b = b, a
        out = 0
        for s in _bits(b):
            out |= a << s
        return out & self.mask

    @staticmethod
    def choose(rng: random.Random, options: int, rest: int, total: int) -> int:
        """A length ``x`` in ``options`` with ``total - x`` in ``rest``."""
        options &= (1 << (total + 1)) - 1
        if options & (options - 1) == 0:
            return options.bit_length() - 1
        fits = [x for x in _bits(options) if (rest >> (total - x)) & 1]
        return fits[randbelow(rng, len(fits))]

    def plan(self, g: Gen[str]) -> tuple[int, Sized]:
        if isinstance(g, _Literal):
            text = g.text
            return (1 << len(text)) & self.mask, lambda rng, n: text
        if isinstance(g, _Chars):
            fn = g._fn
            return 2 & self.mask, lambda rng, n: fn(rng)
        if isinstance(g, _Concat):
            return self.concat(g)
        if isinstance(g, _Alt):
            return self.alt(g)
        if isinstance(g, _Repeat):
            return self.repeat(g)
        raise AssertionError(g)  # pragma: no cover

    def concat(self, g: _Concat) -> tuple[int, Sized]:
        planned = [self.plan(p) for p in g.parts]
        suffix = [1]
        for bits, _ in reversed(planned):
            suffix.append(self.conv(bits, suffix[-1]))
        suffix.reverse()  # suffix[i]: lengths of parts i..end
        steps = [(bits, fn, suffix[i + 1]) for i, (bits, fn) in enumerate(planned)]
        choose = self.choose

        def sized(rng: random.Random, n: int) -> str:
            out = []
            for bits, fn, rest in steps:
                size = choose(rng, bits, rest, n)
                out.append(fn(rng, size))
                n -= size
            return "".join(out)

        return suffix[0], sized

    def alt(self, g: _Alt) -> tuple[int, Sized]:
        planned = [self.plan(b) for b in g.branches]
        union = 0
        for bits, _ in planned:
            union |= bits

        def sized(rng: random.Random, n: int) -> str:
            fits = [fn for bits, fn in planned if (bits >> n) & 1]
            return fits[randbelow(rng, len(fits))](rng, n)

        return union, sized

    def repeat(self, g: _Repeat) -> tuple[int, Sized]:
        item_bits, item_fn = self.plan(g.item)
        lo, hi = g.min_count, g.max_count
        if item_bits & (item_bits - 1) == 0:  # every copy has the same length
            width = item_bits.bit_length() - 1 if item_bits else 0
            if not item_bits:
                return (1 if lo == 0 else 0), lambda rng, n: ""
            if width == 0:
                return 1, lambda rng, n: "".join([item_fn(rng, 0) for _ in range(lo)])
            bits = 0
            for k in range(lo, min(hi, self.limit // width) + 1):
                bits |= 1 << (k * width)

            def fixed(rng: random.Random, n: int) -> str:
                return "".join([item_fn(rng, width) for _ in range(n // width)])

            return bits & self.mask, fixed
        # exact[k]: lengths of exactly k copies; past the list, `tail` (0 or the fixed point)
        exact = [1]
        tail = 0
        while len(exact) - 1 < hi:
            nxt = self.conv(exact[-1], item_bits)
            if nxt == exact[-1]:
                tail = nxt
                break
            if not nxt:
                break
            exact.append(nxt)
            if len(exact) * (self.limit + 1) > 50_000_000:
                raise UnsupportedPattern(
                    f"from_regex() cannot plan lengths for repeat {g!r} up to {self.limit} "
                    f"characters (feature='length budget'); lower max_size",
                    feature="length budget",
                )
        last = len(exact) - 1

        def copies(k: int) -> int:
            return exact[k] if k <= last else tail

        top = min(hi, max(lo, last))
        bits = 0
        for k in range(lo, top + 1):
            bits |= copies(k)
        choose = self.choose

        def sized(rng: random.Random, n: int) -> str:
            counts = [k for k in range(lo, top + 1) if (copies(k) >> n) & 1]
            k = counts[randbelow(rng, len(counts))]
            out = []
            for j in range(k):
                size = choose(rng, item_bits, copies(k - j - 1), n)
                out.append(item_fn(rng, size))
                n -= size
            return "".join(out)

        return bits, sized


# -- the public factory --------------------------------------------------------------------


def _check_size(value: Any, arg: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidArgument(
            f"from_regex() expects {arg} to be a non-negative int or None, got {arg}={value!r}"
        )


def _parse(pattern: str, flags: int) -> tuple[Any, int]:
    try:
        re.compile(pattern, flags)
    except re.error as e:
        raise InvalidArgument(
            f"from_regex() got a pattern that does not compile: {e.msg} at position {e.pos} "
            f"in {pattern!r}"
        ) from None
    tree = _p.parse(pattern, flags)
    return tree, tree.state.flags


@factory
def from_regex(
    pattern: str,
    *,
    flags: int = 0,
    fullmatch: bool = True,
    min_size: int | None = None,
    max_size: int | None = None,
) -> Gen[str]:
    """Strings matching the regular expression ``pattern`` (Python ``re`` syntax).

    With ``fullmatch=True`` every string ``s`` satisfies ``re.fullmatch(pattern, s, flags)``;
    with ``fullmatch=False`` (JSON Schema's ``pattern``) ``re.search`` finds a match, and
    free characters are added around a match the pattern does not anchor. ``min_size`` and
    ``max_size`` bound the length in code points and are met by construction. Unbounded
    repeats (``*``, ``+``, ``{n,}``) draw at most 8 extra copies, or more when ``min_size``
    needs them.

    Raises ``UnsupportedPattern`` (with ``.feature``) for backreferences, lookarounds,
    conditionals, atomic groups, possessive quantifiers, anchors or boundaries the
    surrounding text may break, and length bounds no matching string fits
    (``feature="length"``), or length bounds too large to plan (``feature="length budget"``);
    ``InvalidArgument`` if the pattern does not compile.
    """
    if not isinstance(pattern, str):
        raise InvalidArgument(
            f"from_regex() expects pattern to be a str, got pattern={pattern!r} "
            f"(type={type(pattern).__name__})"
        )
    if isinstance(flags, bool) or not isinstance(flags, int):
        raise InvalidArgument(f"from_regex() expects flags to be re flags, got flags={flags!r}")
    if flags & (re.DEBUG | re.LOCALE):
        raise InvalidArgument(
            f"from_regex() does not accept re.DEBUG or re.LOCALE, got flags={flags!r}"
        )
    if not isinstance(fullmatch, bool):
        raise InvalidArgument(f"from_regex() expects fullmatch to be a bool, got {fullmatch!r}")
    _check_size(min_size, "min_size")
    _check_size(max_size, "max_size")
    if min_size is not None and max_size is not None and min_size > max_size:
        raise InvalidArgument(
            f"from_regex() expects min_size <= max_size, got min_size={min_size}, "
            f"max_size={max_size}"
        )
    tree, all_flags = _parse(pattern, flags)
    builder = _Builder(pattern)
    ir = _prune(builder.build(tree, all_flags))
    if ir is None:
        raise _refuse(pattern, "no string matches it (an empty character class)", "empty")
    context = _Context(pattern)
    context.check(ir, frozenset({_START}), frozenset({_END}))

    lo_bound = min_size or 0

    def extra_for(item_min: int) -> int:
        return math.ceil(lo_bound / max(1, item_min))

    root = _emit(ir, extra_for)
    if not fullmatch:
        pad = _Repeat(_Chars(_normalise({ord(c) for c in _PAD}, [])), 0, PAD_SPAN + lo_bound)
        parts = ([] if context.uses_start else [pad]) + [root] + ([] if context.uses_end else [pad])
        if len(parts) > 1:
            root = _Concat(tuple(parts))
    shortest, longest = _span(root)
    if shortest >= lo_bound and (max_size is None or longest <= max_size):
        return _Regex(root, pattern)
    # Without max_size, aim a little above the shortest allowed length (strings stay
    # readable); fall back to every length the repeats can reach when that finds none.
    low = max(shortest, lo_bound)
    tight = min(longest, low + TARGET_SPAN) if max_size is None else min(max_size, longest)
    full = longest if max_size is None else min(max_size, longest)
    for limit in dict.fromkeys((tight, full)):
        if limit > MAX_PLANNED_LENGTH:
            raise _refuse(
                pattern,
                f"length bounds up to {limit} characters are more than the planner's "
                f"{MAX_PLANNED_LENGTH}",
                "length budget",
                "lower min_size/max_size",
            )
        bits, _ = _Planner(limit).plan(root)
        allowed = bits & ~((1 << lo_bound) - 1)
        if allowed:
            return _Regex(root, pattern, tuple(_bits(allowed)), limit)
    raise _refuse(
        pattern,
        f"no matching string has between {lo_bound} and "
        f"{'any number of' if max_size is None else max_size} characters",
        "length",
        "change min_size/max_size or the pattern",
    )
