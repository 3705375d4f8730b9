"""Recipes: how a worker process or a cluster node rebuilds a generator.

A generator tree may hold lambdas, so it cannot always be pickled. A :class:`Recipe` is
the picklable description of how to build it: a ``"module:function"`` name and keyword
arguments made of plain data. Each worker calls the function once and draws from its own
copy of the tree, which is identical to the parent's because building is deterministic.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import attrs

from synth.core.errors import InvalidArgument
from synth.core.gen import Gen

__all__ = ["Recipe", "build_generator"]


def _check_target(_instance: Any, _attribute: Any, value: Any) -> None:
    module, sep, name = value.partition(":") if isinstance(value, str) else ("", "", "")
    if not (sep and module and name):
        raise InvalidArgument(
            f"Recipe() expects target to be 'package.module:function', got target={value!r}"
        )


def _freeze_kwargs(value: Mapping[str, Any] | None) -> dict[str, Any]:
    return dict(value or {})


@attrs.frozen
class Recipe:
    """A picklable way to build a generator: ``target(**kwargs)``.

    ``Recipe("myproject.data:make_users", {"locale": "de_DE"})`` imports
    ``myproject.data`` and calls ``make_users(locale="de_DE")``, which must return a
    ``Gen``. Pass a recipe instead of a generator to ``write_dataset(workers=N)`` or to the
    Dask runner when your generator uses lambdas and you are not on a system with ``fork``.
    """

    target: str = attrs.field(validator=_check_target)
    kwargs: dict[str, Any] = attrs.field(factory=dict, converter=_freeze_kwargs)
    # The generator once built, kept so that a process (or a forked worker) builds it once.
    _built: Any = attrs.field(init=False, default=None, eq=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # What travels to another process: the recipe, never the (maybe unpicklable) tree.
        return {"target": self.target, "kwargs": self.kwargs}

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "target", state["target"])
        object.__setattr__(self, "kwargs", state["kwargs"])
        object.__setattr__(self, "_built", None)

    def build(self) -> Gen[Any]:
        """Import the target and call it (once per process); checks that it returned a
        generator."""
        if self._built is None:
            object.__setattr__(self, "_built", self._build())
        return self._built

    def _build(self) -> Gen[Any]:
        module_name, _, attr = self.target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise InvalidArgument(
                f"Recipe target {self.target!r}: cannot import module {module_name!r} ({exc})"
            ) from exc
        fn: Any = module
        for part in attr.split("."):
            fn = getattr(fn, part, None)
            if fn is None:
                raise InvalidArgument(
                    f"Recipe target {self.target!r}: module {module_name!r} has no {attr!r}"
                )
        gen = fn(**self.kwargs)
        if not isinstance(gen, Gen):
            raise InvalidArgument(
                f"Recipe target {self.target!r} returned {type(gen).__name__}, expected a Gen"
            )
        return gen


def build_generator(source: Gen[Any] | Recipe) -> Gen[Any]:
    """The generator itself, or the one a recipe builds."""
    if isinstance(source, Recipe):
        return source.build()
    if isinstance(source, Gen):
        return source
    raise InvalidArgument(
        f"expected a generator (Gen) or a Recipe, got {source!r} (type={type(source).__name__})"
    )
