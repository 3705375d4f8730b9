"""Record streams: record ``i`` is a function of (generator, seed, i) and nothing else.

The derivation (scheme version 1), a compatibility promise:

* Records are grouped in blocks of ``BLOCK_SIZE`` = 64 consecutive indices.
* Block ``b`` gets its own ``random.Random``, seeded with the 128-bit integer
  ``BLAKE2b(key, digest_size=16, person=b"synth-stream-v1")`` where ``key`` is the seed's
  canonical bytes (``b"i:" + decimal`` for an int, ``b"s:" + UTF-8`` for a str,
  ``b"b:" + bytes`` for bytes) followed by ``b"/"`` and the block number in decimal.
* Within a block, records are drawn one after the other from that ``Random``.

So the first N records do not depend on how many are asked for, any slice can be made on
its own (at most 63 records are drawn and dropped to reach an unaligned start), and one
worker, N processes or a cluster all produce the same records. Seeding a
``random.Random`` costs about 4 µs here, as much as a small record; one seeding per block
makes its share negligible.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from itertools import repeat
from typing import Any, TypeVar

from synth.core.errors import InvalidArgument
from synth.core.gen import Gen, check_gen

__all__ = ["BLOCK_SIZE", "SCHEME_VERSION", "Seed", "block_rng", "sample", "stream"]

T = TypeVar("T")

SCHEME_VERSION = 1
BLOCK_SIZE = 64
_PERSON = b"synth-stream-v1"

Seed = int | str | bytes


def seed_bytes(seed: Seed, arg: str = "seed") -> bytes:
    """The canonical bytes of a seed; raises ``InvalidArgument`` for other types."""
    if isinstance(seed, bool) or not isinstance(seed, (int, str, bytes)):
        raise InvalidArgument(
            f"expected {arg} to be an int, str or bytes, got {arg}={seed!r} "
            f"(type={type(seed).__name__})"
        )
    if isinstance(seed, int):
        return b"i:" + str(seed).encode()
    if isinstance(seed, str):
        return b"s:" + seed.encode("utf-8", "surrogatepass")
    return b"b:" + seed


def _block_key(prefix: bytes, block: int) -> int:
    digest = hashlib.blake2b(
        prefix + b"/" + str(block).encode(), digest_size=16, person=_PERSON
    ).digest()
    return int.from_bytes(digest, "big")


def block_rng(seed: Seed, block: int) -> random.Random:
    """The ``random.Random`` that draws the records of block ``block`` for ``seed``."""
    return random.Random(_block_key(seed_bytes(seed), block))


def _check_index(value: Any, arg: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgument(
            f"stream() expects {arg} to be a non-negative int, got {arg}={value!r} "
            f"(type={type(value).__name__})"
        )
    return value


def stream(gen: Gen[T], count: int, *, seed: Seed, start: int = 0) -> Iterator[T]:
    """Yield records ``start`` to ``start + count - 1`` of the dataset ``(gen, seed)``.

    Lazy: records are made as they are consumed, in constant memory.
    """
    check_gen(gen, "stream", "gen")
    _check_index(count, "count")
    _check_index(start, "start")
    prefix = seed_bytes(seed)
    return _records(gen._fn, prefix, start, start + count)


def blocks(prefix: bytes, start: int, end: int) -> Iterator[tuple[random.Random, int, int, int]]:
    """``(rng, skip, lo, hi)`` for each block that records ``start … end-1`` touch: draw and
    drop ``skip`` records from ``rng``, then records ``lo … hi-1`` are its next draws.
    ``prefix`` is :func:`seed_bytes` of the seed. The one place the scheme is written."""
    i = start
    while i < end:
        block, skip = divmod(i, BLOCK_SIZE)
        stop = min(end, (block + 1) * BLOCK_SIZE)
        yield random.Random(_block_key(prefix, block)), skip, i, stop
        i = stop


def _records(draw: Any, prefix: bytes, start: int, end: int) -> Iterator[Any]:
    for rng, skip, lo, hi in blocks(prefix, start, end):
        for _ in range(skip):
            draw(rng)
        # The same draws as ``for _ in range(lo, hi): yield draw(rng)``, without a
        # Python-level loop and call per record (a sixth of a small record's cost).
        yield from map(draw, repeat(rng, hi - lo))


def sample(gen: Gen[T], *, seed: Seed) -> T:
    """Record 0 of the dataset ``(gen, seed)``: one example value."""
    return next(stream(gen, 1, seed=seed))
