"""Free text: paragraphs with an exact number of sentences.

Sentences come from a grammar (``data/sentences.toml``) written in synth's template
syntax. Drawing a sentence from the grammar costs a few microseconds, so the grammar is
expanded once into a bank of exactly ``BANK_SIZE`` distinct sentences; a paragraph then
takes whole sentences from the bank, distinct ones (a stride through the shuffled bank:
two ``getrandbits`` per paragraph). The bank is part
of synth's data: the same synth version gives the same bank, hence the same paragraphs
for a seed.

The bank is built by enumeration, not by rendering random draws: every pattern is a
finite product of choices (vocabulary lists and ``{int:LOW-HIGH}`` ranges), so a
sentence is an index into that product. Each pattern gets an equal share of the bank
(patterns with fewer sentences than their share give all of them and the others share
the rest); a pattern with more sentences than its share contributes a fixed-seed sample
of its indices. This costs one ``%`` format per sentence (about 15 ms for the bank).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from typing import Any

import attrs

from synth.agents._data import load_data
from synth.compilers.template import _parse, _Slot
from synth.core.errors import InvalidArgument, TemplateError
from synth.core.gen import DrawFn, Gen, factory
from synth.core.seeding import block_rng

__all__ = ["MAX_SENTENCES", "paragraphs", "sentence_bank", "text_records"]

#: The most sentences a paragraph may have (about 1 MB of text): larger counts are refused
#: when the generator is built, not left to exhaust memory when drawing.
MAX_SENTENCES = 10_000

#: log2 of the number of sentences in the bank.
BANK_BITS = 14
#: The bank holds exactly this many distinct sentences (a power of two: one draw each).
BANK_SIZE = 1 << BANK_BITS


def _pattern_space(
    pattern: str, vocab: dict[str, Any], where: str
) -> tuple[str, list[tuple[str, ...]], list[int]]:
    """``(fmt, choices, refs)``: the sentence for choice indices ``c`` is
    ``fmt % tuple(choices[r][c[r]] for r in refs)``; a repeated ``{name}`` is one choice."""
    fmt: list[str] = []
    choices: list[tuple[str, ...]] = []
    refs: list[int] = []
    bound: dict[str, int] = {}
    for part in _parse(pattern, where):
        if isinstance(part, str):
            fmt.append(part.replace("%", "%%"))
            continue
        assert isinstance(part, _Slot)
        if part.label is not None or part.filters:
            raise TemplateError(f"{where}: the sentence grammar has no labels or filters")
        if part.args is None and part.name in vocab:
            index = bound.get(part.name)
            if index is None:
                values = tuple(vocab[part.name])
                if any("{" in v or "}" in v for v in values):
                    raise TemplateError(f"{where}: vocab {part.name} must be plain phrases")
                index = bound[part.name] = len(choices)
                choices.append(values)
        elif part.name == "int" and part.args is not None:
            lo, hi = (int(x) for x in part.args.split("-"))
            index = len(choices)
            choices.append(tuple(str(n) for n in range(lo, hi + 1)))
        else:
            raise TemplateError(f"{where}: unsupported placeholder {{{part.name}}} in a sentence")
        fmt.append("%s")
        refs.append(index)
    return "".join(fmt), choices, refs


def _below(rng: random.Random, n: int) -> int:
    k = (n - 1).bit_length()
    r = rng.getrandbits(k)
    while r >= n:
        r = rng.getrandbits(k)
    return r


def _distinct_indices(rng: random.Random, size: int, count: int) -> list[int]:
    """``count`` distinct indices of ``range(size)``, sorted (Floyd's sampling)."""
    if count >= size:
        return list(range(size))
    chosen: set[int] = set()
    for j in range(size - count, size):
        t = _below(rng, j + 1)
        chosen.add(j if t in chosen else t)
    return sorted(chosen)


def _shares(sizes: Sequence[int], total: int) -> list[int]:
    """Split ``total`` as evenly as possible, no share above its pattern's size."""
    shares = [0] * len(sizes)
    left, open_ = total, sorted(range(len(sizes)), key=lambda i: sizes[i])
    while open_:
        even = left // len(open_)
        i = open_[0]
        if sizes[i] <= even:
            shares[i] = sizes[i]
        else:  # every remaining pattern can take an even share; spread the remainder
            extra = left - even * len(open_)
            for rank, j in enumerate(open_):
                shares[j] = even + (1 if rank >= len(open_) - extra else 0)
            break
        left -= sizes[i]
        open_.pop(0)
    return shares


@functools.cache
def sentence_bank() -> tuple[str, ...]:
    """The ``BANK_SIZE`` distinct sentences paragraphs are made of (built once per process)."""
    data = load_data("sentences")
    spaces = [
        _pattern_space(p, data["vocab"], f"sentences.patterns[{i}]")
        for i, p in enumerate(data["patterns"])
    ]
    sizes = []
    for _, choices, _ in spaces:
        size = 1
        for values in choices:
            size *= len(values)
        sizes.append(size)
    rng = block_rng("synth-sentence-bank-v2", 0)
    seen: dict[str, None] = {}
    target = BANK_SIZE
    while True:  # sentences of different patterns could coincide: top up until full
        seen.clear()
        for (fmt, choices, refs), size, share in zip(
            spaces, sizes, _shares(sizes, target), strict=True
        ):
            # Choice r of index i is i // (product of the sizes before r) % size of r.
            below = [1]
            for values in choices:
                below.append(below[-1] * len(values))
            dims = [(below[r], len(choices[r]), choices[r]) for r in refs]
            for i in _distinct_indices(rng, size, share):
                seen[fmt % tuple([values[i // d % n] for d, n, values in dims])] = None
        if len(seen) >= BANK_SIZE or target >= sum(sizes):
            break
        target += BANK_SIZE - len(seen)
    if len(seen) < BANK_SIZE:
        raise TemplateError(f"the sentence grammar has fewer than {BANK_SIZE} sentences")
    # Shuffled once (Fisher-Yates with a fixed seed): neighbours in the bank are unrelated
    # sentences, whatever their patterns, which the paragraph strides rely on.
    bank = list(seen)[:BANK_SIZE]
    order = block_rng("synth-sentence-order-v1", 0)
    for i in range(BANK_SIZE - 1, 0, -1):
        j = _below(order, i + 1)
        bank[i], bank[j] = bank[j], bank[i]
    return tuple(bank)


def _paragraph_fn(lo: int, hi: int, record: bool, indexed: bool = False) -> Any:
    """``rng -> paragraph`` (or ``{"text": paragraph}`` when ``record``; with
    ``indexed``, ``(rng, index) -> {"index": index, "text": paragraph}``), all inline.

    The sentence count is drawn from a table of counts repeated up to 2**m entries with
    m = bits(count range) + 4 (exactly uniform; a redraw in under 1 of 16 draws). The
    sentences are a stride through the (shuffled) bank: a start ``s`` and an odd step
    ``t``, sentence ``k`` being ``bank[(s + k*t) % BANK_SIZE]``. An odd step is invertible
    modulo a power of two, so no sentence repeats within a paragraph (``MAX_SENTENCES`` <
    ``BANK_SIZE``); independent picks repeated one in about 2,000 paragraphs of 5 to 10
    sentences. Two draws per paragraph, whatever its length.
    """
    bank = sentence_bank()
    assert len(bank) == BANK_SIZE
    n = hi - lo + 1
    m = (n - 1).bit_length() + 4
    limit = (1 << m) // n * n
    counts = tuple(range(lo, hi + 1)) * (limit // n)
    shape = "indexed" if indexed else "record" if record else "text"
    make = _paragraph_maker(min(hi, _WRITTEN_OUT), shape)
    return make(bank, m, limit, counts, " ".join)


#: Paragraphs of up to this many sentences are one f-string each (generated code); longer
#: ones are joined from a list.
_WRITTEN_OUT = 12


@functools.cache
def _paragraph_maker(written: int, shape: str) -> Any:
    """``make(bank, m, limit, counts, join) -> draw`` for paragraphs of up to
    ``written`` sentences written out, ``shape`` being ``text`` (``rng -> str``),
    ``record`` (``rng -> {"text"}``) or ``indexed`` (``(rng, index) -> {"index",
    "text"}``). The code depends only on the two arguments."""
    args, head, tail = {
        "text": ("rng", "", ""),
        "record": ("rng", '{"text": ', "}"),
        "indexed": ("rng, index", '{"index": index, "text": ', "}"),
    }[shape]
    mask = BANK_SIZE - 1

    def one(k: int) -> str:
        # sentence k of the stride, from sentence k - 1: one addition and a mask
        return "{bank[i]}" if k == 0 else f"{{bank[(i := (i + t) & {mask})]}}"

    lines = [
        "def make(bank, m, limit, counts, join):",
        f"    def draw({args}):",
        "        gb = rng.getrandbits",
        "        r = gb(m)",
        "        while r >= limit:",
        "            r = gb(m)",
        "        c = counts[r]",
        f"        i = gb({BANK_BITS})",
        "        if c == 1:",
        f"            return {head}bank[i]{tail}",
        f"        t = gb({BANK_BITS - 1}) << 1 | 1",
    ]
    for c in range(2, written + 1):
        text = "f'" + " ".join(one(k) for k in range(c)) + "'"
        lines += [f"        if c == {c}:", f"            return {head}{text}{tail}"]
    lines += [
        f"        return {head}join([bank[(i + k * t) & {mask}] for k in range(c)]){tail}",
        "    return draw",
    ]
    namespace: dict[str, Any] = {}
    name = f"<synth paragraphs: {shape}, {written} written out>"
    exec(compile("\n".join(lines) + "\n", name, "exec"), namespace)
    return namespace["make"]


@attrs.frozen(repr=False)
class _Paragraphs(Gen[str]):
    min_sentences: int
    max_sentences: int

    def _compile(self) -> DrawFn:
        return _paragraph_fn(self.min_sentences, self.max_sentences, False)  # type: ignore[no-any-return]


@attrs.frozen(repr=False)
class _TextRecords(Gen[dict[str, str]]):
    """``{"text": paragraph}``: the seed's text record, drawn without an extra layer."""

    min_sentences: int
    max_sentences: int
    #: ``(rng, index) -> {"index": index, "text": ...}``: the seed API's sample, drawn as
    #: the record is (set when compiled).
    _indexed: Any = attrs.field(init=False, default=None, eq=False, hash=False, repr=False)

    def _compile(self) -> DrawFn:
        lo, hi = self.min_sentences, self.max_sentences
        object.__setattr__(self, "_indexed", _paragraph_fn(lo, hi, True, indexed=True))
        return _paragraph_fn(lo, hi, True)  # type: ignore[no-any-return]

    def _default_repr(self) -> str:
        # Shown as the equivalent tree (same records), which is what it is drawn as.
        return f"record(text={paragraphs(self.min_sentences, self.max_sentences)!r})"


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
        if v > MAX_SENTENCES:
            raise InvalidArgument(
                f"paragraphs() expects {name} <= {MAX_SENTENCES} (a paragraph of that many "
                f"sentences is about 1 MB), got {name}={v}; for more text, draw more records"
            )
    if min_sentences > max_sentences:
        raise InvalidArgument(
            f"paragraphs() expects min_sentences <= max_sentences, got "
            f"min_sentences={min_sentences}, max_sentences={max_sentences}"
        )
    return _Paragraphs(min_sentences, max_sentences)


def text_records(min_sentences: int = 1, max_sentences: int = 5) -> Gen[dict[str, str]]:
    """The seed's text records ``{"text": paragraph}`` (see :func:`paragraphs`)."""
    paragraphs(min_sentences, max_sentences)  # validates the arguments
    return _TextRecords(min_sentences, max_sentences)
