"""``Gen``: a generator is a frozen value whose ``draw(rng)`` is a pure function of ``rng``.

Every node is a frozen, slotted attrs object with named fields, so a tree can be printed,
walked and compared. When a node is built it also compiles a plain function
``rng -> value`` (kept in a private slot) that closes over its children's compiled
functions: drawing a tree is then a chain of ordinary function calls, with no attribute
look-ups on the way down.
"""

from __future__ import annotations

import functools
import inspect
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from synth.core.errors import InvalidArgument, Unsatisfiable
from synth.core.pretty import call_repr, describe_function, pretty_lines

if TYPE_CHECKING:
    from typing_extensions import ParamSpec

    P = ParamSpec("P")

__all__ = ["Gen", "check_gen", "factory", "walk"]

T = TypeVar("T")
U = TypeVar("U")
G = TypeVar("G", bound="Gen[Any]")

DrawFn = Callable[[random.Random], Any]


@attrs.frozen(repr=False, eq=True)
class Gen(Generic[T]):
    """A generator of values of type ``T``.

    Build generators with the lowercase factories (``integers``, ``record``, ...) and
    draw values with ``draw(rng)`` or with :func:`synth.stream` / :func:`synth.sample`.
    To write a node of your own, subclass ``Gen`` with ``@attrs.frozen(repr=False)`` and
    implement ``_compile(self) -> Callable[[random.Random], T]`` (or override ``draw``).
    """

    _fn: DrawFn = attrs.field(init=False, default=None, eq=False, hash=False, repr=False)
    _call: Any = attrs.field(init=False, default=None, eq=False, hash=False, repr=False)
    _deferreds: frozenset[Any] = attrs.field(
        init=False, default=frozenset(), eq=False, hash=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        found: frozenset[Any] = frozenset()
        for child in self.children():
            found = found | child._deferreds
        object.__setattr__(self, "_deferreds", found)
        if type(self).draw is not Gen.draw:
            object.__setattr__(self, "_fn", self.draw)
        else:
            object.__setattr__(self, "_fn", self._compile())

    # -- drawing -----------------------------------------------------------------------
    def _compile(self) -> Callable[[random.Random], T]:
        raise NotImplementedError(
            f"{type(self).__name__} must implement _compile() or override draw(rng)"
        )

    def draw(self, rng: random.Random) -> T:
        """Draw one value, using only ``rng`` (a ``random.Random``) as a source of randomness."""
        if not isinstance(rng, random.Random):
            raise InvalidArgument(
                f"draw(rng) expects a random.Random instance, got rng={rng!r} "
                f"(type={type(rng).__name__}); pass random.Random(seed)"
            )
        return self._fn(rng)

    # -- structure ---------------------------------------------------------------------
    def children(self) -> tuple[Gen[Any], ...]:
        """The generators this node is built from, in field order."""
        out: list[Gen[Any]] = []
        for a in attrs.fields(type(self)):
            if not a.init:
                continue
            _collect(getattr(self, a.name), out)
        return tuple(out)

    # -- combinators as methods --------------------------------------------------------
    def map(self, fn: Callable[[T], U]) -> Gen[U]:
        """Apply ``fn`` to every drawn value."""
        _check_callable(fn, "map", "fn")
        return _bless(_Map(self, fn), None)

    def bind(self, fn: Callable[[T], Gen[U]]) -> Gen[U]:
        """Draw a value, pass it to ``fn`` to get a generator, and draw from that one."""
        _check_callable(fn, "bind", "fn")
        return _bless(_Bind(self, fn), None)

    def filter(self, predicate: Callable[[T], object], *, max_tries: int = 100) -> Gen[T]:
        """Keep drawing until ``predicate`` holds; after ``max_tries`` raise ``Unsatisfiable``.

        Filtering is a last resort: build values that satisfy the condition when you can.
        """
        _check_callable(predicate, "filter", "predicate")
        if isinstance(max_tries, bool) or not isinstance(max_tries, int) or max_tries < 1:
            raise InvalidArgument(
                f"filter() expects max_tries to be a positive int, got max_tries={max_tries!r}"
            )
        return _bless(_Filter(self, predicate, max_tries), None)

    def __or__(self, other: Gen[U]) -> Gen[T | U]:
        from synth.core.combinators import one_of

        if not isinstance(other, Gen):
            return NotImplemented
        return one_of(*_flatten_or(self), *_flatten_or(other))

    # -- display -----------------------------------------------------------------------
    def __repr__(self) -> str:
        call = self._call
        if call is not None:
            return call_repr(*call)
        return self._default_repr()

    def _default_repr(self) -> str:
        kwargs = {a.name: getattr(self, a.name) for a in attrs.fields(type(self)) if a.init}
        return call_repr(type(self).__name__, (), kwargs)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython / Jupyter display: the building call, indented when long."""
        printer.text("..." if cycle else pretty_lines(repr(self)))


def _collect(value: Any, out: list[Gen[Any]]) -> None:
    if isinstance(value, Gen):
        out.append(value)
    elif isinstance(value, (tuple, list, frozenset)):
        for v in value:
            _collect(v, out)
    elif isinstance(value, Mapping):
        for v in value.values():
            _collect(v, out)


def _flatten_or(g: Gen[Any]) -> tuple[Gen[Any], ...]:
    from synth.core.combinators import _OneOf

    if isinstance(g, _OneOf) and g.weights is None:
        return g.gens
    return (g,)


def walk(gen: Gen[Any]) -> Iterator[Gen[Any]]:
    """Yield ``gen`` and every node under it, depth first (a ``deferred`` is not expanded)."""
    stack = [gen]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children()))


def check_gen(value: Any, func: str, arg: str) -> Gen[Any]:
    """Raise ``InvalidArgument`` unless ``value`` is a generator."""
    if not isinstance(value, Gen):
        hint = ""
        if isinstance(value, (list, tuple, set)) and not any(isinstance(v, Gen) for v in value):
            hint = "; to pick one of fixed values use sampled_from([...])"
        elif not callable(value):
            hint = f"; to always produce this value use just({value!r})"
        raise InvalidArgument(
            f"{func}() expects {arg} to be a generator, got {arg}={value!r} "
            f"(type={type(value).__name__}){hint}"
        )
    return value


def _check_callable(fn: Any, func: str, arg: str) -> None:
    if not callable(fn) or isinstance(fn, Gen):
        raise InvalidArgument(
            f"{func}() expects {arg} to be a function, got {arg}={fn!r} (type={type(fn).__name__})"
        )


def _bless(node: G, call: tuple[str, tuple[Any, ...], dict[str, Any]] | None) -> G:
    object.__setattr__(node, "_call", call)
    return node


def factory(fn: Callable[P, G]) -> Callable[P, G]:
    """Decorate a public factory so that its nodes' repr is the call, defaults left out."""
    sig = inspect.signature(fn)
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        node = fn(*args, **kwargs)
        if node._call is None:
            bound = sig.bind(*args, **kwargs)
            object.__setattr__(node, "_call", _call_parts(name, sig, bound.arguments))
        return node

    return wrapper


def _is_default(value: Any, default: Any) -> bool:
    if default is inspect.Parameter.empty:
        return False
    if value is default:
        return True
    try:
        return type(value) is type(default) and bool(value == default)
    except Exception:
        return False


def _call_parts(
    name: str, sig: inspect.Signature, arguments: Mapping[str, Any]
) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    positional = True
    for pname, param in sig.parameters.items():
        if pname not in arguments:
            if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
                positional = False
            continue
        value = arguments[pname]
        if param.kind is param.VAR_POSITIONAL:
            args.extend(value)
        elif param.kind is param.VAR_KEYWORD:
            kwargs.update(value)
        elif _is_default(value, param.default):
            if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
                positional = False
        elif param.kind is param.KEYWORD_ONLY or not positional:
            kwargs[pname] = value
        else:
            args.append(value)
    return (name, tuple(args), kwargs)


# -- method nodes ------------------------------------------------------------------------


@attrs.frozen(repr=False)
class _Map(Gen[Any]):
    inner: Gen[Any]
    fn: Callable[[Any], Any]

    def _compile(self) -> DrawFn:
        draw, fn = self.inner._fn, self.fn
        return lambda rng: fn(draw(rng))

    def _default_repr(self) -> str:
        return f"{self.inner!r}.map({describe_function(self.fn)})"


@attrs.frozen(repr=False)
class _Bind(Gen[Any]):
    inner: Gen[Any]
    fn: Callable[[Any], Gen[Any]]

    def _compile(self) -> DrawFn:
        draw, fn = self.inner._fn, self.fn

        def bound(rng: random.Random) -> Any:
            nxt = fn(draw(rng))
            if not isinstance(nxt, Gen):
                raise InvalidArgument(
                    f"bind({describe_function(fn)}) must return a generator, got {nxt!r} "
                    f"(type={type(nxt).__name__}); wrap plain values in just(...)"
                )
            return nxt._fn(rng)

        return bound

    def _default_repr(self) -> str:
        return f"{self.inner!r}.bind({describe_function(self.fn)})"


@attrs.frozen(repr=False)
class _Filter(Gen[Any]):
    inner: Gen[Any]
    predicate: Callable[[Any], object]
    max_tries: int = 100

    def _compile(self) -> DrawFn:
        draw, pred, tries = self.inner._fn, self.predicate, self.max_tries

        def filtered(rng: random.Random) -> Any:
            for _ in range(tries):
                value = draw(rng)
                if pred(value):
                    return value
            raise Unsatisfiable(
                f"{self!r} rejected {tries} draws in a row; construct values that satisfy "
                f"the condition instead of filtering, or raise max_tries"
            )

        return filtered

    def _default_repr(self) -> str:
        extra = "" if self.max_tries == 100 else f", max_tries={self.max_tries}"
        return f"{self.inner!r}.filter({describe_function(self.predicate)}{extra})"


# -- recursion bookkeeping ---------------------------------------------------------------

_local = threading.local()


def depth_table() -> dict[int, int]:
    """The current thread's recursion depth per ``deferred`` node (id -> depth)."""
    table: dict[int, int] | None = getattr(_local, "depths", None)
    if table is None:
        table = {}
        _local.depths = table
    return table


def exhausted(deferreds: frozenset[Any]) -> bool:
    """True when drawing through any of ``deferreds`` would recurse past its ``max_depth``."""
    if not deferreds:
        return False
    table = depth_table()
    return any(table.get(id(d), 0) > d.max_depth for d in deferreds)
