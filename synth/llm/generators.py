"""Generators whose values are written by a model.

A model call is not a pure function of an rng, so drawing stays pure and the call is
deferred: ``llm_value(call, input)`` draws its input from another generator and a seed from the
rng, and returns an :class:`Ask` — the request as data. ``synth.stream`` over a tree that
contains ``llm`` nodes therefore yields records holding ``Ask`` values, the same for the
same seed anywhere. :func:`synth.llm.run_dataset` (or :func:`resolve`) then answers the
asks — from the response cache when it can, concurrently from the model otherwise — and
substitutes the answers, in index order.
"""

from __future__ import annotations

import random
from typing import Any

import attrs

from synth.core.errors import InvalidArgument
from synth.core.gen import Gen, check_gen, factory
from synth.llm.cache import ChatRequest

__all__ = ["Ask", "llm_text", "llm_value"]


@attrs.frozen(eq=False)
class Ask:
    """A model value not asked yet: the call, its input and the seed drawn for it."""

    call: Any
    input: Any
    seed: int | None

    def request(self) -> ChatRequest:
        return self.call.request(self.input, seed=self.seed)

    def __repr__(self) -> str:
        return f"Ask(seed={self.seed}, input={self.input!r})"


@attrs.frozen(repr=False)
class _Llm(Gen[Any]):
    call: Any
    input: Gen[Any]
    seeded: bool = True

    def _compile(self) -> Any:
        draw, call, seeded = self.input._fn, self.call, self.seeded

        def ask(rng: random.Random) -> Ask:
            value = draw(rng)
            return Ask(call, value, rng.getrandbits(31) if seeded else None)

        return ask


@factory
def llm_value(call: Any, input: Gen[Any], *, seeded: bool = True) -> Gen[Any]:
    """A value written by ``call`` (a :class:`StructuredCall`) for an input drawn from
    ``input``.

    Each draw also takes a seed from the rng (31 bits) and sends it as the request's
    ``seed``, so servers that honour seeds answer the same way every time; ``seeded=False``
    leaves the configured seed alone. The value is resolved by ``run_dataset``/``resolve``.
    """
    if not hasattr(call, "request") or not hasattr(call, "execute"):
        raise InvalidArgument(
            f"llm_value() expects call to be a StructuredCall, got call={call!r} "
            f"(type={type(call).__name__})"
        )
    check_gen(input, "llm_value", "input")
    return _Llm(call, input, seeded)


@factory
def llm_text(call: Any, input: Gen[str]) -> Gen[Any]:
    """Free text written by ``call`` (whose parser is plain text) for a drawn user message."""
    from synth.llm.formats import TextParser

    if not isinstance(getattr(call, "parser", None), TextParser):
        raise InvalidArgument(
            f"llm_text() expects a call with a plain-text parser, got parser="
            f"{getattr(call, 'parser', None)!r}; use llm_value(call, input) for typed values"
        )
    return llm_value(call, input)
