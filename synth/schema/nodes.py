"""Generator nodes specialised for JSON Schema: objects, arrays, numbers, checked values.

Each node builds its values by construction (required keys always present, optional keys
within ``minProperties``/``maxProperties``, ``contains`` items placed on purpose, unique
items drawn distinct, multiples of ``multipleOf`` drawn as integer multiples). Their reprs
are calls, like every other node, so ``repr(from_schema(s))`` reads as what will be made.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable
from fractions import Fraction
from itertools import accumulate
from typing import Any

import attrs

from synth.compilers.regex import _repeat_class
from synth.core.combinators import _Deferred, _OneOf
from synth.core.errors import Unsatisfiable
from synth.core.gen import DrawFn, Gen, depth_table, exhausted
from synth.core.pretty import call_repr
from synth.core.primitives import _below_fn, randbelow
from synth.schema.canonical import json_key

__all__ = [
    "ArrayNode",
    "CheckedNode",
    "CopyNode",
    "FloatRange",
    "MultipleNode",
    "ObjectNode",
    "PlainText",
    "SharedDeferred",
    "WeightedPair",
]


class Named:
    """A callable with a readable name, so reprs show ``valid_against('#/not')``."""

    __slots__ = ("__name__", "__qualname__", "fn")

    def __init__(self, name: str, fn: Callable[..., Any]) -> None:
        self.__name__ = name
        self.__qualname__ = name
        self.fn = fn

    @property
    def __module__(self) -> str:  # type: ignore[override]
        return "builtins"

    def __call__(self, *args: Any) -> Any:
        return self.fn(*args)

    def __repr__(self) -> str:
        return self.__name__


# -- objects ---------------------------------------------------------------------------


@attrs.frozen(repr=False)
class ObjectNode(Gen[dict[str, Any]]):
    """Objects: required keys, optional keys present with probability ``p``, extra keys."""

    required: tuple[tuple[str, Gen[Any]], ...]
    optional: tuple[tuple[str, Gen[Any]], ...] = ()
    p: float = 0.8
    min_properties: int = 0
    max_properties: int | None = None
    dependent: tuple[tuple[str, tuple[str, ...]], ...] = ()
    extra_names: Gen[str] | None = None
    extra_value: Gen[Any] | None = None
    extra_max: int = 0
    extra_accept: Callable[[str], bool] | None = None
    pattern_extras: tuple[tuple[Gen[str], Gen[Any], Callable[[str], bool]], ...] = ()

    def children(self) -> tuple[Gen[Any], ...]:
        """The declared values, and the extra-property generators only when a draw can
        reach them: an object that never adds undeclared keys is not recursive because
        its "any value" generator for them would be."""
        out: list[Gen[Any]] = [g for _, g in self.required] + [g for _, g in self.optional]
        declared = len(self.required) + len(self.optional)
        if self.extra_max or self.min_properties > declared:
            out += [g for g in (self.extra_names, self.extra_value) if g is not None]
        for n, v, _ in self.pattern_extras:
            out += [n, v]
        return tuple(out)

    def _compile(self) -> DrawFn:
        required = [(k, g._fn) for k, g in self.required]
        optional = [(k, g._fn, g._deferreds) for k, g in self.optional]
        # Recursive optional properties share a small expected count, so recursive
        # structures (metaschemas) grow in depth, not exponentially in breadth.
        recursive = sum(1 for _, _, d in optional if d)
        p_rec = min(self.p, 1.5 / recursive) if recursive else self.p
        deps = dict(self.dependent)
        p = self.p
        lo = self.min_properties
        hi = self.max_properties if self.max_properties is not None else 1 << 62
        names = self.extra_names._fn if self.extra_names is not None else None
        value = self.extra_value._fn if self.extra_value is not None else None
        accept = self.extra_accept
        extra_max = self.extra_max
        pattern_extras = [(n._fn, v._fn, ok) for n, v, ok in self.pattern_extras]
        opt_fns = {k: f for k, f, _ in optional}

        def closure(name: str, present: dict[str, Any] | set[str]) -> list[str]:
            out = [name]
            i = 0
            while i < len(out):
                for d in deps.get(out[i], ()):
                    if d not in present and d not in out:
                        out.append(d)
                i += 1
            return out

        if not (deps or lo or recursive or self.max_properties is not None) and not (
            extra_max and names is not None
        ):
            # Nothing to count or add: no draw beyond the keys themselves.
            return _plain_object(required, [(k, f) for k, f, _ in optional], p)

        def draw_object(rng: random.Random) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for k, f in required:
                out[k] = f(rng)
            for k, _f, d in optional:
                if k in out or rng.random() >= (p_rec if d else p) or (d and exhausted(d)):
                    continue
                group = closure(k, out)
                if len(out) + len(group) > hi:
                    continue
                for name in group:
                    out[name] = opt_fns[name](rng)
            if len(out) < lo:
                for k, _, _ in optional:
                    if len(out) >= lo:
                        break
                    if k in out:
                        continue
                    group = closure(k, out)
                    if len(out) + len(group) <= hi:
                        for name in group:
                            out[name] = opt_fns[name](rng)
            want = lo
            if extra_max and names is not None and rng.random() < 0.5:
                want = max(lo, min(hi, len(out) + 1 + randbelow(rng, extra_max)))
            tries = 0
            while len(out) < want and tries < 20 * (want - len(out)) + 20:
                tries += 1
                if pattern_extras and (names is None or rng.random() < 0.5):
                    nf, vf, ok = pattern_extras[randbelow(rng, len(pattern_extras))]
                    name = nf(rng)
                    if name not in out and ok(name):
                        out[name] = vf(rng)
                elif names is not None and value is not None:
                    name = names(rng)
                    if name not in out and (accept is None or accept(name)):
                        out[name] = value(rng)
            if len(out) < lo:
                raise Unsatisfiable(
                    f"could not find {lo} distinct property names for an object "
                    f"(minProperties={lo}); widen propertyNames or add properties"
                )
            return out

        return draw_object

    def _default_repr(self) -> str:
        kwargs: dict[str, Any] = {}
        if self.required:
            kwargs["required"] = dict(self.required)
        if self.optional:
            kwargs["optional"] = dict(self.optional)
            if self.p != 0.8:
                kwargs["p"] = self.p
        if self.min_properties:
            kwargs["min_properties"] = self.min_properties
        if self.max_properties is not None:
            kwargs["max_properties"] = self.max_properties
        if self.dependent:
            kwargs["dependent"] = {k: list(v) for k, v in self.dependent}
        declared = len(self.required) + len(self.optional)
        if self.extra_names is not None and (self.extra_max or self.min_properties > declared):
            kwargs["extra"] = (self.extra_names, self.extra_value)
        if self.pattern_extras:
            kwargs["pattern_extras"] = [(n, v) for n, v, _ in self.pattern_extras]
        return call_repr("object_of", (), kwargs)


#: Objects with more declared keys than this use a loop rather than generated code.
_GENERATED_KEYS = 64


def _plain_object(
    required: list[tuple[str, DrawFn]], optional: list[tuple[str, DrawFn]], p: float
) -> DrawFn:
    """``draw_object`` for objects with no dependencies, extra keys or property counts:
    the same draws, without the bookkeeping.

    Small objects get a function generated for their keys (a dict display, then one
    ``if`` per optional key), like ``attrs`` and ``dataclasses`` generate ``__init__``:
    keys go in as ``repr`` literals, draw functions as names, nothing else is spliced.
    """
    seen = {k for k, _ in required}
    optional = [(k, f) for k, f in optional if k not in seen]
    if len(required) + len(optional) <= _GENERATED_KEYS:
        names: dict[str, Any] = {}
        items = []
        for i, (k, f) in enumerate(required):
            names[f"r{i}"] = f
            items.append(f"{k!r}: r{i}(rng)")
        lines = ["def draw_plain(rng):", f"    out = {{{', '.join(items)}}}"]
        if optional:
            names["p"] = p
            lines.append("    random = rng.random")
        for i, (k, f) in enumerate(optional):
            names[f"o{i}"] = f
            lines += ["    if random() < p:", f"        out[{k!r}] = o{i}(rng)"]
        lines.append("    return out")
        exec(compile("\n".join(lines), "<synth plain object>", "exec"), names)
        return names["draw_plain"]  # type: ignore[no-any-return]

    def draw_plain(rng: random.Random) -> dict[str, Any]:
        out = {}
        for k, f in required:
            out[k] = f(rng)
        random_ = rng.random
        for k, f in optional:
            if random_() < p:
                out[k] = f(rng)
        return out

    return draw_plain


# -- arrays ----------------------------------------------------------------------------


@attrs.frozen(repr=False)
class ArrayNode(Gen[list[Any]]):
    """Arrays: positional items, a rest item, ``contains`` items placed on purpose, unique.

    ``prefix[i]``/``rest`` make items that are not counted as ``contains`` matches (None:
    such an item is impossible there); ``c_prefix[i]``/``c_rest`` make matching items.
    ``sizes`` lists the lengths for which a valid placement exists.
    """

    prefix: tuple[Gen[Any] | None, ...]
    rest: Gen[Any] | None
    sizes: tuple[int, ...]
    unique: bool = False
    c_prefix: tuple[Gen[Any] | None, ...] = ()
    c_rest: Gen[Any] | None = None
    min_contains: int = 0
    max_contains: int | None = None
    has_contains: bool = False
    #: Avoid repeats where the schema allows them (a few redraws, then whatever comes):
    #: realistic items such as tags, which a person never lists twice.
    distinct: bool = False

    def _compile(self) -> DrawFn:
        plain = [g._fn if g is not None else None for g in self.prefix]
        rest = self.rest._fn if self.rest is not None else None
        sizes = self.sizes
        # Arrays of recursive items stay short, so recursive structures grow in depth
        # rather than exponentially in breadth.
        mine = self._deferreds
        if mine:
            sizes = sizes[:3]
        n_sizes = len(sizes)
        unique = self.unique
        has_contains = self.has_contains
        c_plain = [g._fn if g is not None else None for g in self.c_prefix]
        c_rest = self.c_rest._fn if self.c_rest is not None else None
        min_c, max_c = self.min_contains, self.max_contains
        n_prefix = len(plain)
        lo = sizes[0]

        if self.distinct and not (unique or has_contains or mine or n_prefix) and rest is not None:
            distinct_item = rest
            pick = _below_fn(n_sizes) if n_sizes > 1 else None

            def draw_distinct(rng: random.Random) -> list[Any]:
                n = sizes[pick(rng)] if pick is not None else lo
                out: list[Any] = []
                seen: set[Any] = set()
                for _ in range(n):
                    value = distinct_item(rng)
                    for _ in range(4):
                        if json_key(value) not in seen:
                            break
                        value = distinct_item(rng)
                    seen.add(json_key(value))
                    out.append(value)
                return out

            return draw_distinct

        if not (unique or has_contains or mine or n_prefix) and rest is not None:
            # Items all alike: the same draws as ``draw_once``, without per-item lookups.
            item = rest
            if n_sizes == 1:
                return lambda rng: [item(rng) for _ in range(lo)]
            below = _below_fn(n_sizes)
            if sizes == tuple(range(lo, lo + n_sizes)):
                return lambda rng: [item(rng) for _ in range(lo + below(rng))]
            return lambda rng: [item(rng) for _ in range(sizes[below(rng)])]

        def at(i: int, table: list[Any], tail: Any) -> Any:
            return table[i] if i < n_prefix else tail

        def size(rng: random.Random) -> int:
            if mine and exhausted(mine):
                return lo
            return sizes[randbelow(rng, n_sizes)] if n_sizes > 1 else lo

        def slots(rng: random.Random, n: int) -> set[int]:
            forced = [i for i in range(n) if at(i, plain, rest) is None]
            able = [i for i in range(n) if at(i, c_plain, c_rest) is not None]
            low = max(min_c, len(forced))
            top = len(able) if max_c is None else min(max_c, len(able))
            count = low + randbelow(rng, top - low + 1) if top > low else low
            chosen = set(forced)
            free = [i for i in able if i not in chosen]
            while len(chosen) < count and free:
                chosen.add(free.pop(randbelow(rng, len(free))))
            return chosen

        def item_fn(i: int, marked: set[int]) -> Any:
            if i in marked:
                return at(i, c_plain, c_rest)
            return at(i, plain, rest)

        def draw_array(rng: random.Random) -> list[Any]:
            if not unique:
                return draw_once(rng)
            for _ in range(4):
                try:
                    return draw_once(rng)
                except Unsatisfiable:
                    continue
            return draw_once(rng)

        def draw_once(rng: random.Random) -> list[Any]:
            n = size(rng)
            marked = slots(rng, n) if has_contains else ()
            if not unique:
                return [item_fn(i, marked)(rng) for i in range(n)]  # type: ignore[arg-type]
            out: list[Any] = []
            seen: set[Any] = set()
            for i in range(n):
                fn = item_fn(i, marked)  # type: ignore[arg-type]
                for _ in range(50):
                    value = fn(rng)
                    key = json_key(value)
                    if key not in seen:
                        break
                else:
                    if len(out) >= lo and i >= n_prefix and not has_contains:
                        break
                    raise Unsatisfiable(
                        f"could not draw {n} distinct items for a uniqueItems array; "
                        f"widen the item schema or lower minItems"
                    )
                seen.add(key)
                out.append(value)
            return out

        return draw_array

    def _default_repr(self) -> str:
        kwargs: dict[str, Any] = {}
        if self.prefix:
            kwargs["prefix"] = list(self.prefix)
        if self.rest is not None:
            kwargs["items"] = self.rest
        sizes = self.sizes
        if sizes[0]:
            kwargs["min_items"] = sizes[0]
        kwargs["max_items"] = sizes[-1]
        if self.unique:
            kwargs["unique"] = True
        if self.distinct:
            kwargs["distinct"] = True
        if self.has_contains:
            kwargs["contains"] = self.c_rest or next((g for g in self.c_prefix if g), None)
            kwargs["min_contains"] = self.min_contains
            if self.max_contains is not None:
                kwargs["max_contains"] = self.max_contains
        return call_repr("array_of", (), kwargs)


# -- strings ---------------------------------------------------------------------------


@attrs.frozen(repr=False)
class PlainText(Gen[str]):
    """``text(alphabet, min_size=, max_size=)`` (the same draws and values), with the
    per-character ``randbelow`` inlined: the compiler's strings without format, pattern
    or realistic name."""

    text: Gen[str]
    alphabet: str
    min_size: int
    max_size: int

    def _compile(self) -> DrawFn:
        lo = self.min_size
        return _repeat_class(self.alphabet, lo, _below_fn(self.max_size - lo + 1))

    def _default_repr(self) -> str:
        return repr(self.text)


# -- numbers ---------------------------------------------------------------------------


@attrs.frozen(repr=False)
class FloatRange(Gen[float]):
    """Floats between two bounds, each inclusive or exclusive (checked exactly)."""

    lower: Fraction
    upper: Fraction
    exclude_lower: bool = False
    exclude_upper: bool = False
    places: int | None = None
    integral_ok: bool = True

    def _compile(self) -> DrawFn:
        lo, hi = float(self.lower), float(self.upper)
        places, integral_ok = self.places, self.integral_ok
        # The closest floats inside the exact bounds: then float comparisons are exact.
        low = _float_inside(self.lower, self.exclude_lower, math.inf)
        high = _float_inside(self.upper, self.exclude_upper, -math.inf)

        def ok(x: float) -> bool:
            return low <= x <= high and (integral_ok or not x.is_integer())

        fallback = _float_fallback(self.lower, self.upper, ok)

        if integral_ok:
            # The same draws as below, with the check inlined.
            def draw_float_fast(rng: random.Random) -> float:
                r = rng.random()
                x = lo * (1.0 - r) + hi * r
                if places is not None:
                    x = round(x, places)
                if low <= x <= high:
                    return x
                for _ in range(7):
                    r = rng.random()
                    x = lo * (1.0 - r) + hi * r
                    if places is not None:
                        x = round(x, places)
                    if low <= x <= high:
                        return x
                return fallback

            return draw_float_fast

        def draw_float(rng: random.Random) -> float:
            for _ in range(8):
                r = rng.random()
                x = lo * (1.0 - r) + hi * r
                if places is not None:
                    x = round(x, places)
                if ok(x):
                    return x
            return fallback

        return draw_float

    def _default_repr(self) -> str:
        kwargs: dict[str, Any] = {}
        if self.exclude_lower:
            kwargs["exclude_min"] = True
        if self.exclude_upper:
            kwargs["exclude_max"] = True
        if self.places is not None:
            kwargs["places"] = self.places
        return call_repr("floats", (_num(self.lower), _num(self.upper)), kwargs)


@attrs.frozen(repr=False)
class WeightedPair(_OneOf):
    """``one_of(a, b, weights=[wa, wb])`` with the same draws, without the pick call (the
    compiler's integer-or-float numbers)."""

    def _compile(self) -> DrawFn:
        assert self.weights is not None and len(self.gens) == 2 and not self._deferreds
        a, b = self.gens[0]._fn, self.gens[1]._fn
        cum = list(accumulate(self.weights))
        first, total = cum[0], cum[-1]
        # _OneOf picks bisect_right(cum, random() * total): the first branch iff below cum[0].
        return lambda rng: a(rng) if rng.random() * total < first else b(rng)


def _float_inside(bound: Fraction, exclusive: bool, toward: float) -> float:
    """The float nearest ``bound`` on the inner side (``toward``) that satisfies it."""
    x = float(bound)
    inside = (lambda v: v > bound) if toward > 0 else (lambda v: v < bound)
    if exclusive or Fraction(x) != bound:
        while not inside(x):
            x = math.nextafter(x, toward)
        if not exclusive and Fraction(x) != bound and inside(math.nextafter(x, -toward)):
            x = math.nextafter(x, -toward)
    return x


def _num(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _float_fallback(lower: Fraction, upper: Fraction, ok: Callable[[float], bool]) -> float:
    """A float inside the bounds, found by bisection-like probing (raises if none exists)."""
    mid = (lower + upper) / 2
    candidates = [float(mid), float(lower), float(upper)]
    x = float(mid)
    for _ in range(60):
        candidates.append(x)
        x = math.nextafter(x, math.inf)
    x = float(mid)
    for _ in range(60):
        x = math.nextafter(x, -math.inf)
        candidates.append(x)
    candidates += [math.nextafter(float(lower), math.inf), math.nextafter(float(upper), -math.inf)]
    for c in candidates:
        if ok(c):
            return c
    raise Unsatisfiable("no float lies between the bounds")


@attrs.frozen(repr=False)
class MultipleNode(Gen[Any]):
    """Numbers ``k * step`` for ``k`` in ``[k_min, k_max]``, kept only when ``check`` agrees.

    ``check`` mirrors the validator's own float arithmetic for ``multipleOf``; a handful of
    values known to pass (found when compiling) back up the rare rounding misses.
    """

    step: Fraction
    k_min: int
    k_max: int
    as_float: bool
    check: Callable[[Any], bool]
    known_good: tuple[Any, ...]

    def _compile(self) -> DrawFn:
        k_min, span = self.k_min, self.k_max - self.k_min + 1
        step, as_float, check, good = self.step, self.as_float, self.check, self.known_good

        def value_at(k: int) -> Any:
            v = k * step
            if as_float:
                return float(v)
            return int(v)

        def draw_multiple(rng: random.Random) -> Any:
            for _ in range(8):
                v = value_at(k_min + randbelow(rng, span))
                if check(v):
                    return v
            return good[randbelow(rng, len(good))]

        return draw_multiple

    def _default_repr(self) -> str:
        step = _num(self.step)
        return call_repr(
            "multiples",
            (step,),
            {"min_value": _num(self.k_min * self.step), "max_value": _num(self.k_max * self.step)},
        )


@attrs.frozen(repr=False)
class CheckedNode(Gen[Any]):
    """Values from ``gen`` kept when ``check`` holds; a bounded number of tries.

    The compiler uses it only as a counted last resort (``not``, ``oneOf`` exclusivity, a
    second ``pattern``), after measuring when compiling that the check passes often.
    """

    gen: Gen[Any]
    check: Callable[[Any], bool]
    max_tries: int = 1000

    def _compile(self) -> DrawFn:
        inner, check, tries = self.gen._fn, self.check, self.max_tries

        def draw_checked(rng: random.Random) -> Any:
            for _ in range(tries):
                value = inner(rng)
                if check(value):
                    return value
            raise Unsatisfiable(
                f"{self!r} rejected {tries} values in a row; this schema needs a construction "
                f"synth does not have yet"
            )

        return draw_checked

    def _default_repr(self) -> str:
        return f"{self.gen!r}.filter({self.check!r})"


@attrs.frozen(repr=False)
class CopyNode(Gen[Any]):
    """Fresh deep copies of values from ``gen`` (enum members that are lists or objects)."""

    gen: Gen[Any]

    def _compile(self) -> DrawFn:
        inner, deep = self.gen._fn, copy.deepcopy
        return lambda rng: deep(inner(rng))

    def _default_repr(self) -> str:
        return repr(self.gen)


# -- recursion -------------------------------------------------------------------------


@attrs.frozen(repr=False, eq=False)
class SharedDeferred(_Deferred):
    """A ``deferred`` whose depth budget is shared with the other recursive references of
    the same schema: entering any of them counts one level for all, so a schema with many
    mutually recursive definitions (a metaschema) stays ``max_depth`` levels deep overall.
    """

    group: list[Any] = attrs.field(factory=list, kw_only=True)

    def _compile(self) -> DrawFn:
        node = self
        group = self.group
        hard = self.max_depth + 16

        def draw_shared(rng: random.Random) -> Any:
            target = node._resolved or node.resolve()
            table = depth_table()
            ids = [id(g) for g in group]
            depth = table.get(id(node), 0)
            if depth >= hard:
                raise Unsatisfiable(
                    f"{node!r} recursed {depth} levels deep without a way to stop; the schema "
                    f"requires deeper nesting than max_depth allows"
                )
            for i in ids:
                table[i] = table.get(i, 0) + 1
            try:
                return target._fn(rng)
            finally:
                for i in ids:
                    left = table[i] - 1
                    if left:
                        table[i] = left
                    else:
                        del table[i]

        return draw_shared

    def _default_repr(self) -> str:
        return call_repr("deferred", (self.thunk,), {"max_depth": self.max_depth})
