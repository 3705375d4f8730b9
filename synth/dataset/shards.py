"""Shards: a dataset cut into index ranges, each written to its own file by any process.

Shard ``k`` holds records ``[start + k*shard_records, …)``. Shard boundaries are
multiples of the format's chunk size (itself a multiple of ``synth.BLOCK_SIZE``), so each
shard is made without drawing a record it does not keep, and the JSON Lines shards,
concatenated in order, are byte for byte the file one process writes. This module has no
cluster code: :mod:`synth.dataset.distributed` runs these functions on Dask, and the same
two functions run on Spark or Ray (see the README).
"""

from __future__ import annotations

import os
from typing import Any

import attrs

from synth.core.errors import InvalidArgument
from synth.core.gen import Gen
from synth.core.seeding import Seed
from synth.dataset.atomic import atomic_output
from synth.dataset.formats import Format, format_for
from synth.dataset.recipe import Recipe, build_generator
from synth.dataset.runner import _Hasher, chunk_ranges, make_chunk

__all__ = ["Shard", "ShardResult", "plan_shards", "write_shard"]

_EXT = {"jsonl": "jsonl", "parquet": "parquet"}


@attrs.frozen
class Shard:
    """One shard to write: records ``[lo, hi)`` to ``path``."""

    number: int
    lo: int
    hi: int
    path: str


@attrs.frozen
class ShardResult:
    """A written shard: its path, record count, size and SHA-256."""

    path: str
    count: int
    bytes: int
    sha256: str


def plan_shards(
    directory: str | os.PathLike[str],
    count: int,
    *,
    start: int = 0,
    shard_records: int = 1_048_576,
    format: str = "jsonl",
    parquet_options: dict[str, Any] | None = None,
) -> tuple[Format, list[Shard]]:
    """The format object and the shards of ``count`` records from ``start``.

    ``shard_records`` is rounded up to a multiple of the format's chunk size.
    """
    if format not in _EXT:
        raise InvalidArgument(
            f"shards are written as 'jsonl' or 'parquet', got format={format!r} "
            "(a JSON array cannot be split into files)"
        )
    if isinstance(shard_records, bool) or not isinstance(shard_records, int) or shard_records < 1:
        raise InvalidArgument(
            f"expected shard_records to be a positive int, got shard_records={shard_records!r}"
        )
    fmt = format_for(format, **(parquet_options or {}))
    size = -(-shard_records // fmt.chunk_records) * fmt.chunk_records
    shards = [
        Shard(k, lo, hi, os.path.join(os.fspath(directory), f"part-{k:05d}.{_EXT[format]}"))
        for k, (lo, hi) in enumerate(chunk_ranges(start, count, size))
    ]
    return fmt, shards


def prepare_format(
    fmt: Format, gen: Gen[Any], seed: Seed, shards: list[Shard], index: bool
) -> None:
    """Let the format see the dataset's first chunk (Parquet infers one schema for all
    shards from it), exactly as a single-file run does."""
    if not shards:
        fmt.prepare([])
        return
    first = next(chunk_ranges(shards[0].lo, shards[0].hi - shards[0].lo, fmt.chunk_records))
    fmt.prepare(make_chunk(gen, seed, *first, index))


def write_shard(
    source: Gen[Any] | Recipe, seed: Seed, fmt: Format, shard: Shard, index: bool = False
) -> ShardResult:
    """Make and write one shard, atomically; runs anywhere the source can be built."""
    gen = build_generator(source)
    hasher = _Hasher()
    with atomic_output(shard.path) as handle:
        out = hasher.wrap(handle)
        sink = fmt.open(out)
        try:
            for lo, hi in chunk_ranges(shard.lo, shard.hi - shard.lo, fmt.chunk_records):
                sink.write(fmt.encode(make_chunk(gen, seed, lo, hi, index)))
            sink.close()
        except BaseException:
            out.discard()
            sink.abort()
            raise
    return ShardResult(shard.path, shard.hi - shard.lo, hasher.size, hasher.hexdigest())
