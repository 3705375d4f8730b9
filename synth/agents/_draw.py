"""Small compiled drawing helpers shared by the tool and trace generators.

They follow the kernel's rule: only ``rng.random()`` and ``rng.getrandbits()`` are used, so
a seed gives the same data on every Python version. Each helper is built once (tables
precomputed) and returns a plain ``rng -> value`` function for the hot paths.
"""

from __future__ import annotations

import json
import random
import string
from binascii import b2a_base64
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from itertools import accumulate
from math import floor
from typing import Any, TypeVar

T = TypeVar("T")

Draw = Callable[[random.Random], T]

# Picks are ``table[floor(rng.random() * n)]``: for the non-negative products drawn here
# ``math.floor`` gives what ``int`` gives, and on CPython 3.11 ``int(x)`` of a float goes
# through a type call (~20 ns more per pick, a tool call makes 5-18 picks).

# ``call_`` ids: 144 random bits, base64-encoded, then the two non-alphanumeric base64
# characters mapped to letters, so the id is 24 alphanumerics like OpenAI's.
_B64_TO_ALNUM = bytes.maketrans(b"+/", b"Xq")


def call_id(rng: random.Random) -> str:
    """An OpenAI-style tool call id, ``call_`` + 24 alphanumerics, from ``rng``."""
    # b2a_base64 without the newline is what base64.b64encode calls, minus a Python frame.
    raw = b2a_base64(rng.getrandbits(144).to_bytes(18, "big"), newline=False)
    return "call_" + raw.translate(_B64_TO_ALNUM).decode()


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
    return lambda rng: table[floor(rng.random() * n)]


def weighted_chooser(pairs: Sequence[tuple[T, float]]) -> Draw[T]:
    """A compiled pick from ``(value, weight)`` pairs, proportional to weight."""
    values = tuple(v for v, _ in pairs)
    cum = list(accumulate(float(w) for _, w in pairs))
    total, last = cum[-1], len(cum) - 1
    if all(float(w).is_integer() and w >= 0 for _, w in pairs) and 0 < total <= 4096:
        # Integer weights: a table holding each value as often as its weight, indexed
        # with int(u * total), picks what the bisection below picks (the bounds of each
        # value's interval are integers), with no search.
        table = tuple(v for v, w in pairs for _ in range(int(w)))
        size = len(table)
        return lambda rng: table[floor(rng.random() * size)]

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
        j = i + floor(rng.random() * (n - i))
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


_FORMAT_SPEC_OK = frozenset("<>=^+- #0123456789,._%bcdeEfFgGnosxX")


def compile_format(template: str, params: Sequence[str]) -> Callable[..., str]:
    """``template`` (a ``str.format`` template) as a function of ``params`` (positional,
    in that order) that returns ``template.format(**dict(zip(params, args)))``.

    The function is an f-string compiled once, several times faster than ``format_map``
    on long templates (which parses the template on every call). Fields must be names in
    ``params`` (attribute or index lookups are refused); a template whose conversion or
    format spec the compiler does not handle is formatted with ``format_map`` instead.
    """
    if not all(p.isidentifier() for p in params) or len(set(params)) != len(params):
        raise ValueError(f"compile_format() needs distinct identifiers, got {params!r}")
    known = set(params)
    pieces: list[str] = []
    plain = True
    for literal, field, spec, conversion in string.Formatter().parse(template):
        pieces.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is None:
            continue
        if field not in known:
            raise ValueError(f"compile_format(): unknown field {field!r} in {template!r}")
        if not set(spec or "") <= _FORMAT_SPEC_OK or conversion not in (None, "r", "s", "a"):
            plain = False
            break
        conv = f"!{conversion}" if conversion else ""
        fmt = f":{spec}" if spec else ""
        pieces.append(f"{{{field}{conv}{fmt}}}")
    if not plain:
        names = tuple(params)
        return lambda *args: template.format_map(dict(zip(names, args, strict=True)))
    source = f"lambda {', '.join(params)}: f{''.join(pieces)!r}"
    fn: Callable[..., str] = eval(source, {"__builtins__": {}})
    return fn
