"""Free text: paragraphs with an exact number of sentences.

Sentences come from a grammar (``data/sentences.toml``) written in synth's template
syntax. Drawing a sentence from the grammar costs a few microseconds, so the grammar is
expanded once, with a fixed seed, into a bank of distinct sentences; a paragraph then
picks whole sentences from the bank. The bank is part of synth's data: the same synth
version gives the same bank, hence the same paragraphs for a seed.
"""

from __future__ import annotations

import datetime as dt
import functools
import random

import attrs

from synth.agents._data import load_data
from synth.compilers.template import Registry, builtin_providers, compile_texts
from synth.core.errors import InvalidArgument
from synth.core.gen import DrawFn, Gen, factory
from synth.core.primitives import _below_fn
from synth.core.seeding import block_rng

__all__ = ["paragraphs", "sentence_bank", "text_records"]

#: At most this many distinct sentences are kept in the bank.
BANK_SIZE = 16384

# The bank never reads the clock: dates in the grammar count from this fixed day.
_FIXED = dt.datetime(2025, 1, 1)


@functools.cache
def sentence_bank() -> tuple[str, ...]:
    """The distinct sentences paragraphs are made of (built once per process)."""
    data = load_data("sentences")
    registry = Registry(builtin_providers(_FIXED))
    render = compile_texts(
        {"sentence": data["patterns"]},
        registry=registry,
        vocab=data["vocab"],
        where="sentences",
    )["sentence"]
    rng = block_rng("synth-sentence-bank-v1", 0)
    seen: dict[str, None] = {}
    target = BANK_SIZE
    for _ in range(target * 4):
        seen[render(rng, {})] = None
        if len(seen) == target:
            break
    return tuple(seen)


def _paragraph_fn(lo: int, hi: int) -> DrawFn:
    bank = sentence_bank()
    pick = _below_fn(len(bank))
    count = _below_fn(hi - lo + 1)

    def paragraph(rng: random.Random) -> str:
        return " ".join([bank[pick(rng)] for _ in range(lo + count(rng))])

    return paragraph


@attrs.frozen(repr=False)
class _Paragraphs(Gen[str]):
    min_sentences: int
    max_sentences: int

    def _compile(self) -> DrawFn:
        return _paragraph_fn(self.min_sentences, self.max_sentences)


@attrs.frozen(repr=False)
class _TextRecords(Gen[dict[str, str]]):
    """``{"text": paragraph}``: the seed's text record, drawn without an extra layer."""

    min_sentences: int
    max_sentences: int

    def _compile(self) -> DrawFn:
        paragraph = _paragraph_fn(self.min_sentences, self.max_sentences)
        return lambda rng: {"text": paragraph(rng)}


@factory
def paragraphs(min_sentences: int = 1, max_sentences: int = 5) -> Gen[str]:
    """Paragraphs of ``min_sentences`` to ``max_sentences`` sentences (both honoured exactly).

    Every sentence ends with one full stop and the next starts with a capital letter, so
    counting ``". "``-separated sentences gives the number drawn.
    """
    for name, v in (("min_sentences", min_sentences), ("max_sentences", max_sentences)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise InvalidArgument(
                f"paragraphs() expects {name} to be a non-negative int, got {name}={v!r}"
            )
    if min_sentences > max_sentences:
        raise InvalidArgument(
            f"paragraphs() expects min_sentences <= max_sentences, got "
            f"min_sentences={min_sentences}, max_sentences={max_sentences}"
        )
    return _Paragraphs(min_sentences, max_sentences)


@factory
def text_records(min_sentences: int = 1, max_sentences: int = 5) -> Gen[dict[str, str]]:
    """The seed's text records ``{"text": paragraph}`` (see :func:`paragraphs`)."""
    paragraphs(min_sentences, max_sentences)  # validates the arguments
    return _TextRecords(min_sentences, max_sentences)
