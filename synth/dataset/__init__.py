"""Datasets: write records of a generator to JSONL, JSON or Parquet, in one process,
in worker processes or on a Dask cluster, with the same bytes every time.

``write_dataset(gen, "users.jsonl", 1_000_000, seed=7, workers=4, manifest=True)``;
``write_dask(...)`` (extra ``synth[dask]``) writes the same records as index-range shards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from synth.dataset.formats import FORMATS, infer_format
from synth.dataset.manifest import manifest_path
from synth.dataset.recipe import Recipe, build_generator
from synth.dataset.runner import DatasetResult, chunk_ranges, write_dataset

if TYPE_CHECKING:
    from synth.dataset.distributed import write_dask
    from synth.dataset.shards import Shard, ShardPlan, ShardResult, plan_shards

__all__ = [
    "FORMATS",
    "DatasetResult",
    "Recipe",
    "Shard",
    "ShardPlan",
    "ShardResult",
    "build_generator",
    "chunk_ranges",
    "infer_format",
    "manifest_path",
    "plan_shards",
    "write_dask",
    "write_dataset",
]


_SHARDS = ("Shard", "ShardPlan", "ShardResult", "plan_shards")


def __getattr__(name: str) -> Any:
    # Dask is an optional extra, imported only when its runner is asked for; the shard
    # plans only by the runners that cut shards (not by ``synth generate`` to one file).
    if name == "write_dask":
        from synth.dataset.distributed import write_dask

        return write_dask
    if name in _SHARDS:
        from synth.dataset import shards

        value = getattr(shards, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'synth.dataset' has no attribute {name!r}")
