"""Small compiled drawing helpers shared by the tool and trace generators.

They follow the kernel's rule: only ``rng.random()`` and ``rng.getrandbits()`` are used, so
a seed gives the same data on every Python version. Each helper is built once (tables
precomputed) and returns a plain ``rng -> value`` function for the hot paths.
"""

from __future__ import annotations

import json
import random
from binascii import b2a_base64 as _b2a_base64
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from itertools import accumulate
from typing import Any, TypeVar

T = TypeVar("T")

Draw = Callable[[random.Random], T]

# ``call_`` ids: 144 random bits, base64-encoded, then the two non-alphanumeric base64
# characters mapped to letters, so the id is 24 alphanumerics like OpenAI's.
_B64_TO_ALNUM = bytes.maketrans(b"+/", b"Xq")


def call_id(rng: random.Random) -> str:
    """An OpenAI-style tool call id, ``call_`` + 24 alphanumerics, from ``rng``."""
    raw = rng.getrandbits(144).to_bytes(18, "big")
    return "call_" + _b2a_base64(raw, newline=False).translate(_B64_TO_ALNUM).decode("ascii")


_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def uuid4_str(rng: random.Random) -> str:
    """A version-4 UUID string whose random bits come from ``rng`` (the same text as
    ``str(uuid.UUID(int=bits, version=4))``, without building the object)."""
    h = f"{(rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def below(rng: random.Random, n: int) -> int:
    """A uniform integer in ``[0, n)`` for ``n >= 1``, from one ``rng.random()``.

    ``int(random() * n)`` is uniform up to a bias of ``n / 2**53``, negligible for the
    small ``n`` used here, and much cheaper than rejection sampling in Python.
    """
    return int(rng.random() * n)


def chooser(items: Sequence[T]) -> Draw[T]:
    """A compiled uniform pick from ``items``."""
    table = tuple(items)
    n = len(table)
    if n == 0:
        raise ValueError("chooser() needs at least one item")
    if n == 1:
        only = table[0]
        return lambda rng: only
    return lambda rng: table[int(rng.random() * n)]


def weighted_chooser(pairs: Sequence[tuple[T, float]]) -> Draw[T]:
    """A compiled pick from ``(value, weight)`` pairs, proportional to weight."""
    values = tuple(v for v, _ in pairs)
    cum = list(accumulate(float(w) for _, w in pairs))
    total, last = cum[-1], len(cum) - 1

    def pick(rng: random.Random) -> T:
        i = bisect_right(cum, rng.random() * total)
        return values[i if i <= last else last]

    return pick


def distinct(rng: random.Random, items: Sequence[T], k: int) -> list[T]:
    """``k`` distinct items of ``items`` in random order (a partial Fisher-Yates shuffle)."""
    pool = list(items)
    k = min(k, len(pool))
    n = len(pool)
    for i in range(k):
        j = i + int(rng.random() * (n - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def cap(text: str) -> str:
    """``text`` with its first character upper-cased (the rest left as it is)."""
    return text[:1].upper() + text[1:]


@cache
def load_data(name: str) -> Any:
    """A JSON data file shipped in ``synth/agents/data`` (parsed once, then cached)."""
    text = resources.files("synth.agents").joinpath("data", name).read_text("utf-8")
    return json.loads(text)
