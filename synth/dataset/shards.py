"""Shards: a dataset cut into index ranges, each written to its own file by any process.

``plan_shards`` cuts records ``start … start+count-1`` into shards at multiples of the
format's chunk size (itself a multiple of ``synth.BLOCK_SIZE``), so each shard is made
without drawing a record it does not keep. ``plan.write(k)`` makes and writes shard ``k``
anywhere the plan can be sent (it is picklable when its source is a :class:`Recipe`, and
with cloudpickle, as Dask, Spark and Ray use, for most generators). Concatenated in
order, JSON Lines shards are byte for byte the file one process writes; Parquet shards
hold the same rows under one schema (inferred once, from the first chunk, in the plan).
This module has no cluster code: :mod:`synth.dataset.distributed` runs plans on Dask,
and the README shows the same two calls on Spark and Ray.
"""

from __future__ import annotations

import os
from typing import Any

import attrs

from synth.core.errors import InvalidArgument
from synth.core.gen import Gen
from synth.core.seeding import Seed, seed_bytes
from synth.dataset.atomic import atomic_output
from synth.dataset.formats import Format, format_for
from synth.dataset.recipe import Recipe, build_generator
from synth.dataset.runner import _encoded_chunk, _Hasher, chunk_ranges, make_chunk

__all__ = ["Shard", "ShardPlan", "ShardResult", "plan_shards"]

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


@attrs.frozen(eq=False)
class ShardPlan:
    """Everything needed to write any shard of a dataset, on any machine."""

    source: Gen[Any] | Recipe
    seed: Seed
    format: Format
    index: bool
    shards: tuple[Shard, ...]

    def write(self, number: int) -> ShardResult:
        """Make and write shard ``number`` atomically (temp file, then rename)."""
        shard = self.shards[number]
        gen = build_generator(self.source)
        fmt = self.format
        hasher = _Hasher()
        with atomic_output(shard.path) as handle:
            out = hasher.wrap(handle)
            sink = fmt.open(out)
            try:
                for lo, hi in chunk_ranges(shard.lo, shard.hi - shard.lo, fmt.chunk_records):
                    sink.write(_encoded_chunk(gen, self.seed, fmt, lo, hi, self.index))
                sink.close()
            except BaseException:
                out.discard()
                sink.abort()
                raise
        return ShardResult(shard.path, shard.hi - shard.lo, hasher.size, hasher.hexdigest())


def plan_shards(
    source: Gen[Any] | Recipe,
    directory: str | os.PathLike[str],
    count: int,
    *,
    seed: Seed,
    start: int = 0,
    shard_records: int = 1_048_576,
    format: str = "jsonl",
    index: bool = False,
    parquet_options: dict[str, Any] | None = None,
) -> ShardPlan:
    """Cut records ``start … start+count-1`` into shards ``DIRECTORY/part-00000.jsonl``, ….

    ``shard_records`` is rounded up to a multiple of the format's chunk size. The plan
    builds the generator once here, to check it and to let the format see the first chunk.
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
    for name, value in (("count", count), ("start", start)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidArgument(f"expected {name} to be a non-negative int, got {value!r}")
    seed_bytes(seed)
    fmt = format_for(format, **(parquet_options or {}))
    size = -(-shard_records // fmt.chunk_records) * fmt.chunk_records
    shards = tuple(
        Shard(k, lo, hi, os.path.join(os.fspath(directory), f"part-{k:05d}.{_EXT[format]}"))
        for k, (lo, hi) in enumerate(chunk_ranges(start, count, size))
    )
    gen = build_generator(source)
    if fmt.looks_at_first_chunk:
        first = next(chunk_ranges(start, count, fmt.chunk_records), None)
        fmt.prepare(make_chunk(gen, seed, *first, index) if first else [], first[0] if first else 0)
    return ShardPlan(source, seed, fmt, index, shards)
