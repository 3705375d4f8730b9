"""Datasets on a Dask cluster (the only module that imports dask; ``synth[dask]``).

Each shard (an index range, see :mod:`synth.dataset.shards`) is one Dask task that builds
the generator on the worker and writes its file there, so the output directory must be
reachable from every worker (a shared or network file system). The generator travels in
the shard plan: as a :class:`~synth.dataset.Recipe`, or as the generator itself through
Dask's serialiser (cloudpickle).
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from synth.core.errors import MissingExtra
from synth.core.gen import Gen
from synth.core.seeding import Seed
from synth.dataset.recipe import Recipe
from synth.dataset.shards import ShardResult, plan_shards

try:
    from dask.distributed import Client
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise MissingExtra(
        "running on a Dask cluster needs dask.distributed, which is not installed; "
        "install the extra with: pip install 'synth[dask]'",
        extra="dask",
    ) from exc

__all__ = ["write_dask"]


def write_dask(
    source: Gen[Any] | Recipe,
    directory: str | os.PathLike[str],
    count: int,
    *,
    seed: Seed,
    client: Any = None,
    scheduler: str | None = None,
    format: str = "jsonl",
    start: int = 0,
    shard_records: int = 1_048_576,
    index: bool = False,
    parquet_options: dict[str, Any] | None = None,
) -> list[ShardResult]:
    """Write records ``start … start+count-1`` as shards ``part-00000.jsonl``, … in
    ``directory``, one Dask task per shard; returns the shards in index order.

    Pass a ``dask.distributed.Client`` or a ``scheduler`` address
    (``"tcp://10.0.0.5:8786"``). Concatenated in order, the JSON Lines shards are byte
    for byte the file ``write_dataset`` makes; Parquet shards hold the same rows with one
    schema. If a shard fails, the shards already written by this call are removed.
    """
    plan = plan_shards(
        source,
        directory,
        count,
        seed=seed,
        start=start,
        shard_records=shard_records,
        format=format,
        index=index,
        parquet_options=parquet_options,
    )
    os.makedirs(directory, exist_ok=True)
    own = client is None
    if own:
        client = Client(scheduler) if scheduler else Client(processes=False)
    try:
        futures = client.map(plan.write, range(len(plan.shards)), pure=False)
        try:
            return list(client.gather(futures))
        except BaseException:
            client.cancel(futures)
            for shard in plan.shards:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(shard.path)
            raise
    finally:
        if own:
            client.close()
