"""The combinators: ``just``, ``one_of``, ``weighted``, ``sampled_from``, ``list_of``,
``record``, ``sometimes``, ``sequence``, ``optional``, ``deferred`` and ``composite``.

Every random choice goes through ``rng.random()`` or ``rng.getrandbits()``: Python keeps
those two stable across versions, so a seed gives the same data on every Python.
"""

from __future__ import annotations

import functools
import math
import random
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from itertools import accumulate
from typing import Any, TypeVar

import attrs

from synth.core.errors import InvalidArgument, Unsatisfiable
from synth.core.gen import (
    DrawFn,
    Gen,
    _bless,
    check_gen,
    depth_table,
    exhausted,
    factory,
)
from synth.core.pretty import call_repr, describe_function
from synth.core.primitives import randbelow

__all__ = [
    "composite",
    "deferred",
    "just",
    "list_of",
    "one_of",
    "optional",
    "record",
    "sampled_from",
    "sequence",
    "sometimes",
    "weighted",
]

T = TypeVar("T")

#: Default number of extra items ``list_of`` may draw above ``min_size`` when no
#: ``max_size`` is given.
DEFAULT_LIST_SPAN = 5


def _check_probability(p: Any, func: str, arg: str = "p") -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise InvalidArgument(
            f"{func}() expects {arg} to be a probability between 0 and 1, got {arg}={p!r}"
        )
    return float(p)


def _check_size(value: Any, func: str, arg: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgument(
            f"{func}() expects {arg} to be a non-negative int, got {arg}={value!r} "
            f"(type={type(value).__name__})"
        )
    return value


def _check_weights(weights: Iterable[Any], func: str, count: int) -> tuple[float, ...]:
    out = tuple(weights)
    if len(out) != count:
        raise InvalidArgument(
            f"{func}() got {len(out)} weights for {count} choices; give one weight per choice"
        )
    for i, w in enumerate(out):
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w <= 0:
            raise InvalidArgument(
                f"{func}() expects every weight to be a finite number > 0, "
                f"got weights[{i}]={w!r}; drop choices you never want"
            )
    return tuple(float(w) for w in out)


def _weighted_index(weights: tuple[float, ...]) -> Callable[[random.Random], int]:
    cum = list(accumulate(weights))
    total = cum[-1]
    last = len(cum) - 1

    def pick(rng: random.Random) -> int:
        i = bisect_right(cum, rng.random() * total)
        return i if i <= last else last

    return pick


# -- just ----------------------------------------------------------------------------


@attrs.frozen(repr=False)
class _Just(Gen[Any]):
    value: Any

    def _compile(self) -> DrawFn:
        value = self.value
        return lambda rng: value


@factory
def just(value: T) -> Gen[T]:
    """Always produce ``value`` (the same object every time: don't mutate it)."""
    return _Just(value)


# -- one_of --------------------------------------------------------------------------


@attrs.frozen(repr=False)
class _OneOf(Gen[Any]):
    gens: tuple[Gen[Any], ...]
    weights: tuple[float, ...] | None = None

    def _compile(self) -> DrawFn:
        fns = tuple(g._fn for g in self.gens)
        n = len(fns)
        pick = (
            _weighted_index(self.weights)
            if self.weights is not None
            else (lambda rng: randbelow(rng, n))
        )
        if not self._deferreds:
            return lambda rng: fns[pick(rng)](rng)

        gens, weights = self.gens, self.weights
        mine = self._deferreds

        def draw_bounded(rng: random.Random) -> Any:
            if exhausted(mine):
                leaves = [i for i, g in enumerate(gens) if not exhausted(g._deferreds)]
                if leaves and len(leaves) < n:
                    if weights is None:
                        return fns[leaves[randbelow(rng, len(leaves))]](rng)
                    sub = _weighted_index(tuple(weights[i] for i in leaves))
                    return fns[leaves[sub(rng)]](rng)
            return fns[pick(rng)](rng)

        return draw_bounded

    def _default_repr(self) -> str:
        kwargs = {} if self.weights is None else {"weights": list(self.weights)}
        return call_repr("one_of", self.gens, kwargs)


def one_of(*gens: Gen[Any], weights: Sequence[float] | None = None) -> Gen[Any]:
    """Draw from one of ``gens``, chosen uniformly or by ``weights`` (also ``a | b``).

    ``one_of([a, b])`` with a single list is accepted too.
    """
    if len(gens) == 1 and isinstance(gens[0], (list, tuple)):
        gens = tuple(gens[0])
    if not gens:
        raise InvalidArgument(
            "one_of() needs at least one generator, got none; "
            "to choose among fixed values use sampled_from([...])"
        )
    for i, g in enumerate(gens):
        check_gen(g, "one_of", f"gens[{i}]")
    w = None if weights is None else _check_weights(weights, "one_of", len(gens))
    if len(gens) == 1 and w is None:
        return gens[0]
    return _bless(_OneOf(tuple(gens), w), None)


# -- sampled_from / weighted ---------------------------------------------------------


@attrs.frozen(repr=False)
class _SampledFrom(Gen[Any]):
    elements: tuple[Any, ...]

    def _compile(self) -> DrawFn:
        elements = self.elements
        n = len(elements)
        if n == 1:
            only = elements[0]
            return lambda rng: only
        k = (n - 1).bit_length()
        if n == 1 << k:
            return lambda rng: elements[rng.getrandbits(k)]

        def pick(rng: random.Random) -> Any:
            r = rng.getrandbits(k)
            while r >= n:
                r = rng.getrandbits(k)
            return elements[r]

        return pick

    def _default_repr(self) -> str:
        return call_repr("sampled_from", (list(self.elements),))


def sampled_from(elements: Iterable[T]) -> Gen[T]:
    """Pick one of ``elements`` uniformly."""
    if isinstance(elements, (str, bytes)) or not isinstance(elements, Iterable):
        raise InvalidArgument(
            f"sampled_from() expects a sequence of choices, got elements={elements!r} "
            f"(type={type(elements).__name__})"
            + (
                "; for single characters use characters(alphabet=...)"
                if isinstance(elements, str)
                else ""
            )
        )
    items = tuple(elements.keys() if isinstance(elements, Mapping) else elements)
    if not items:
        raise InvalidArgument("sampled_from() needs at least one element, got an empty sequence")
    return _SampledFrom(items)


@attrs.frozen(repr=False)
class _Weighted(Gen[Any]):
    elements: tuple[Any, ...]
    weights: tuple[float, ...]

    def _compile(self) -> DrawFn:
        elements = self.elements
        pick = _weighted_index(self.weights)
        return lambda rng: elements[pick(rng)]

    def _default_repr(self) -> str:
        if all(isinstance(e, Hashable) for e in self.elements) and len(set(self.elements)) == len(
            self.elements
        ):
            table = dict(zip(self.elements, _plain(self.weights), strict=True))
            return call_repr("weighted", (table,))
        return call_repr("weighted", (list(zip(self.elements, _plain(self.weights), strict=True)),))


def _plain(weights: tuple[float, ...]) -> list[int | float]:
    return [int(w) if w.is_integer() else w for w in weights]


def weighted(choices: Mapping[T, float] | Iterable[tuple[T, float]]) -> Gen[T]:
    """Pick a value with probability proportional to its weight: ``weighted({"a": 3, "b": 1})``.

    A list of ``(value, weight)`` pairs is accepted for values that are not hashable.
    """
    if isinstance(choices, Mapping):
        pairs = list(choices.items())
    elif isinstance(choices, Iterable) and not isinstance(choices, (str, bytes)):
        pairs = list(choices)
        for i, pair in enumerate(pairs):
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise InvalidArgument(
                    f"weighted() expects a dict {{value: weight}} or (value, weight) pairs, "
                    f"got choices[{i}]={pair!r}"
                )
    else:
        raise InvalidArgument(
            f"weighted() expects a dict {{value: weight}}, got choices={choices!r} "
            f"(type={type(choices).__name__})"
        )
    if not pairs:
        raise InvalidArgument("weighted() needs at least one choice, got an empty mapping")
    values = tuple(v for v, _ in pairs)
    return _Weighted(values, _check_weights((w for _, w in pairs), "weighted", len(pairs)))


# -- list_of -------------------------------------------------------------------------


@attrs.frozen(repr=False)
class _ListOf(Gen[Any]):
    gen: Gen[Any]
    min_size: int = 0
    max_size: int = DEFAULT_LIST_SPAN
    unique_by: Callable[[Any], Any] | None = None

    def _compile(self) -> DrawFn:
        item = self.gen._fn
        lo, hi = self.min_size, self.max_size
        span = hi - lo + 1
        key = self.unique_by
        mine = self._deferreds

        def size(rng: random.Random) -> int:
            if mine and exhausted(mine):
                return lo
            return lo + randbelow(rng, span) if span > 1 else lo

        if key is None:
            if lo == hi and not mine:
                return lambda rng: [item(rng) for _ in range(lo)]
            return lambda rng: [item(rng) for _ in range(size(rng))]

        def unique_list(rng: random.Random) -> list[Any]:
            n = size(rng)
            out: list[Any] = []
            seen: set[Any] = set()
            tries = 0
            budget = 10 * n + 20
            while len(out) < n and tries < budget:
                tries += 1
                value = item(rng)
                k = key(value)
                if k not in seen:
                    seen.add(k)
                    out.append(value)
            if len(out) < lo:
                raise Unsatisfiable(
                    f"{self!r} found only {len(out)} distinct values in {tries} draws but "
                    f"needs min_size={lo}; widen the item generator or lower min_size"
                )
            return out

        return unique_list


def _identity(value: Any) -> Any:
    return value


def _unique_key(value: Any) -> Any:
    """Identity for hashable values; a stable structural key for lists and dicts."""
    if isinstance(value, list):
        return ("list", tuple(_unique_key(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, _unique_key(v)) for k, v in value.items())))
    return value


@factory
def list_of(
    gen: Gen[T],
    *,
    min_size: int = 0,
    max_size: int | None = None,
    unique: bool = False,
    unique_by: Callable[[T], Hashable] | None = None,
) -> Gen[list[T]]:
    """Lists of ``min_size`` to ``max_size`` items drawn from ``gen``.

    ``max_size`` defaults to ``min_size + 5``. With ``unique=True`` (or a key function
    ``unique_by``) items are distinct; the list is shorter when distinct values run out,
    and ``Unsatisfiable`` is raised if fewer than ``min_size`` can be found.
    """
    check_gen(gen, "list_of", "gen")
    _check_size(min_size, "list_of", "min_size")
    if max_size is None:
        max_size = min_size + DEFAULT_LIST_SPAN
    _check_size(max_size, "list_of", "max_size")
    if min_size > max_size:
        raise InvalidArgument(
            f"list_of() expects min_size <= max_size, got min_size={min_size}, max_size={max_size}"
        )
    if unique_by is not None and not callable(unique_by):
        raise InvalidArgument(f"list_of() expects unique_by to be a function, got {unique_by!r}")
    if not isinstance(unique, bool):
        raise InvalidArgument(f"list_of() expects unique to be a bool, got unique={unique!r}")
    key = unique_by if unique_by is not None else (_unique_key if unique else None)
    return _ListOf(gen, min_size, max_size, key)


# -- record / sometimes --------------------------------------------------------------


@attrs.frozen(repr=False)
class _Sometimes(Gen[Any]):
    gen: Gen[Any]
    p: float = 0.5

    def _compile(self) -> DrawFn:
        inner, p = self.gen._fn, self.p
        return lambda rng: inner(rng) if rng.random() < p else None


@factory
def sometimes(gen: Gen[T], p: float = 0.5) -> Gen[T | None]:
    """A record field that is present with probability ``p`` and otherwise left out.

    Outside a ``record`` it behaves like ``optional(gen, p)``.
    """
    check_gen(gen, "sometimes", "gen")
    return _Sometimes(gen, _check_probability(p, "sometimes"))


_ABSENT = object()

# Records and sequences of up to this many parts draw through one generated function that
# builds the dict or list as a single display ({k0: f0(rng), ...}): about 40% less
# overhead than a comprehension over (key, fn) pairs. Python evaluates a display left to
# right, key before value, so the draws happen in field order either way.
_DISPLAY_LIMIT = 255


@functools.cache
def _display_maker(size: int, kind: str) -> Callable[..., DrawFn]:
    """``make(keys, fns) -> draw`` for a record (``kind="dict"``) or ``make(fns) -> draw``
    for a sequence (``kind="list"``) of ``size`` parts; the code depends only on the size,
    so it is generated once per size and kind."""
    fns = ", ".join(f"f{i}" for i in range(size))
    if kind == "dict":
        keys = ", ".join(f"k{i}" for i in range(size))
        body = "{" + ", ".join(f"k{i}: f{i}(rng)" for i in range(size)) + "}"
        source = (
            f"def make(keys, fns):\n    ({keys},) = keys\n    ({fns},) = fns\n"
            f"    def draw(rng):\n        return {body}\n    return draw\n"
        )
    else:
        body = "[" + ", ".join(f"f{i}(rng)" for i in range(size)) + "]"
        source = (
            f"def make(fns):\n    ({fns},) = fns\n"
            f"    def draw(rng):\n        return {body}\n    return draw\n"
        )
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<synth {kind} display of {size}>", "exec"), namespace)
    return namespace["make"]  # type: ignore[no-any-return]


@attrs.frozen(repr=False)
class _Record(Gen[dict[str, Any]]):
    fields: tuple[tuple[str, Gen[Any]], ...]

    def _compile(self) -> DrawFn:
        plain = [(k, g._fn) for k, g in self.fields]
        if not any(isinstance(g, _Sometimes) for _, g in self.fields):
            if not plain:
                return lambda rng: {}
            if len(plain) <= _DISPLAY_LIMIT:
                keys, fns = zip(*plain, strict=True)
                return _display_maker(len(plain), "dict")(keys, fns)
            return lambda rng: {k: f(rng) for k, f in plain}
        steps = []
        for k, g in self.fields:
            if isinstance(g, _Sometimes):
                steps.append((k, g.gen._fn, g.p, g.gen._deferreds))
            else:
                steps.append((k, g._fn, None, frozenset()))

        def draw_record(rng: random.Random) -> dict[str, Any]:
            out = {}
            for k, f, p, deferreds in steps:
                if p is None:
                    out[k] = f(rng)
                elif rng.random() < p and not (deferreds and exhausted(deferreds)):
                    out[k] = f(rng)
            return out

        return draw_record

    def children(self) -> tuple[Gen[Any], ...]:
        return tuple(g for _, g in self.fields)

    def _default_repr(self) -> str:
        table = dict(self.fields)
        if all(k.isidentifier() for k in table):
            return call_repr("record", (), table)
        return call_repr("record", (table,))


def record(
    fields: Mapping[str, Gen[Any]] | None = None, /, **kwargs: Gen[Any]
) -> Gen[dict[str, Any]]:
    """Dicts whose values are drawn from the given generators, in the given key order.

    ``record(name=names, email=emails)``; keys that are not identifiers go in a mapping:
    ``record({"first-name": names})``. Wrap a field in ``sometimes(gen, p)`` to leave it
    out with probability ``1 - p``.
    """
    table: dict[str, Gen[Any]] = {}
    if fields is not None:
        if not isinstance(fields, Mapping):
            raise InvalidArgument(
                f"record() expects a mapping of field names to generators, got {fields!r} "
                f"(type={type(fields).__name__})"
            )
        table.update(fields)
    for k in kwargs:
        if k in table:
            raise InvalidArgument(f"record() got field {k!r} twice")
    table.update(kwargs)
    for k, g in table.items():
        if not isinstance(k, str):
            raise InvalidArgument(f"record() expects string field names, got {k!r}")
        check_gen(g, "record", f"fields[{k!r}]")
    return _Record(tuple(table.items()))


# -- sequence / optional -------------------------------------------------------------


@attrs.frozen(repr=False)
class _Sequence(Gen[list[Any]]):
    gens: tuple[Gen[Any], ...]

    def _compile(self) -> DrawFn:
        fns = tuple(g._fn for g in self.gens)
        if not fns:
            return lambda rng: []
        if len(fns) <= _DISPLAY_LIMIT:
            return _display_maker(len(fns), "list")(fns)
        return lambda rng: [f(rng) for f in fns]

    def _default_repr(self) -> str:
        return call_repr("sequence", self.gens)


def sequence(*gens: Gen[Any]) -> Gen[list[Any]]:
    """Lists with one value from each of ``gens``, in order."""
    for i, g in enumerate(gens):
        check_gen(g, "sequence", f"gens[{i}]")
    return _Sequence(tuple(gens))


@attrs.frozen(repr=False)
class _Optional(Gen[Any]):
    gen: Gen[Any]
    p: float = 0.5

    def _compile(self) -> DrawFn:
        inner, p, mine = self.gen._fn, self.p, self._deferreds
        if not mine:
            return lambda rng: inner(rng) if rng.random() < p else None
        return lambda rng: inner(rng) if rng.random() < p and not exhausted(mine) else None


@factory
def optional(gen: Gen[T], p: float = 0.5) -> Gen[T | None]:
    """A value from ``gen`` with probability ``p``, otherwise ``None``."""
    check_gen(gen, "optional", "gen")
    return _Optional(gen, _check_probability(p, "optional"))


# -- deferred ------------------------------------------------------------------------

#: Recursion may overshoot a ``deferred``'s ``max_depth`` by this much where no branch can
#: stop it (a required field); past that, drawing raises ``Unsatisfiable``.
_OVERSHOOT = 16
MAX_DEPTH_LIMIT = 200


@attrs.frozen(repr=False, eq=False)
class _Deferred(Gen[Any]):
    thunk: Callable[[], Gen[Any]]
    max_depth: int = 8
    _resolved: Gen[Any] | None = attrs.field(init=False, default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        object.__setattr__(self, "_deferreds", frozenset([self]))

    def children(self) -> tuple[Gen[Any], ...]:
        return ()

    def resolve(self) -> Gen[Any]:
        """The generator the thunk returns (computed on first use, then kept)."""
        target = self._resolved
        if target is None:
            target = check_gen(self.thunk(), "deferred", "thunk()")
            object.__setattr__(self, "_resolved", target)
        return target

    def _compile(self) -> DrawFn:
        node = self
        key = id(self)
        hard = self.max_depth + 1 + _OVERSHOOT

        def draw_deferred(rng: random.Random) -> Any:
            target = node._resolved or node.resolve()
            table = depth_table()
            depth = table.get(key, 0)
            if depth >= hard:
                raise Unsatisfiable(
                    f"{node!r} recursed {depth} levels deep without a way to stop; give the "
                    f"recursion a branch that does not recurse (one_of with a leaf, optional, "
                    f"sometimes, or list_of with min_size=0)"
                )
            table[key] = depth + 1
            try:
                return target._fn(rng)
            finally:
                if depth:
                    table[key] = depth
                else:
                    del table[key]

        return draw_deferred


@factory
def deferred(thunk: Callable[[], Gen[T]], *, max_depth: int = 8) -> Gen[T]:
    """A generator defined later, for recursion: ``tree = deferred(lambda: leaf | list_of(tree))``.

    Once a draw has recursed ``max_depth`` levels into this node, choices that would
    recurse again are avoided: ``one_of`` picks a branch that does not reach it, ``list_of``
    uses ``min_size``, ``optional`` and ``sometimes`` leave the value out.
    """
    if not callable(thunk) or isinstance(thunk, Gen):
        raise InvalidArgument(
            f"deferred() expects a function of no arguments returning a generator, got "
            f"thunk={thunk!r}; write deferred(lambda: ...)"
        )
    if (
        isinstance(max_depth, bool)
        or not isinstance(max_depth, int)
        or not 1 <= max_depth <= MAX_DEPTH_LIMIT
    ):
        raise InvalidArgument(
            f"deferred() expects max_depth to be an int from 1 to {MAX_DEPTH_LIMIT}, "
            f"got max_depth={max_depth!r}"
        )
    return _Deferred(thunk, max_depth)


# -- composite -----------------------------------------------------------------------


@attrs.frozen(repr=False)
class _Composite(Gen[Any]):
    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()

    def _compile(self) -> DrawFn:
        fn, args, kwargs = self.fn, self.args, dict(self.kwargs)

        def draw_composite(rng: random.Random) -> Any:
            def draw(gen: Gen[Any]) -> Any:
                return check_gen(gen, describe_function(fn), "draw(gen)")._fn(rng)

            return fn(draw, *args, **kwargs)

        return draw_composite

    def _default_repr(self) -> str:
        return call_repr(describe_function(self.fn), self.args, dict(self.kwargs))


def composite(fn: Callable[..., T]) -> Callable[..., Gen[T]]:
    """Turn ``fn(draw, *args, **kwargs)`` into a factory of generators.

    Inside ``fn``, ``draw(gen)`` draws a value from any generator, so later choices can
    depend on earlier ones::

        @composite
        def orders(draw, max_items=3):
            n = draw(integers(1, max_items))
            return {"items": [draw(products) for _ in range(n)]}
    """
    if not callable(fn):
        raise InvalidArgument(f"composite() expects a function, got {fn!r}")

    @functools.wraps(fn)
    def build(*args: Any, **kwargs: Any) -> Gen[T]:
        return _Composite(fn, args, tuple(kwargs.items()))

    return build
