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
import shutil
import tempfile
import time
from typing import Any

import attrs

from synth.core.errors import DatasetError, MissingExtra
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

__all__ = ["CONNECT_TIMEOUT", "write_dask"]

#: How long to try to reach a scheduler before giving up (a Dask duration).
CONNECT_TIMEOUT = "10s"


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
    schema. Shards appear in ``directory`` only when every shard is written; if one
    fails, nothing of this run is left there.
    """
    own = client is None
    if own:
        client = _connect(scheduler)
    try:
        created = not os.path.isdir(directory)
        os.makedirs(directory, exist_ok=True)
        # Shards are written into a staging directory and moved into place only when all
        # of them are done: a failed run is then removed whole, even while straggling
        # tasks that could not be stopped are still writing (their renames simply fail).
        staging = tempfile.mkdtemp(prefix=".synth-shards-", dir=directory)
        futures: list[Any] = []
        try:
            plan = plan_shards(
                source,
                staging,
                count,
                seed=seed,
                start=start,
                shard_records=shard_records,
                format=format,
                index=index,
                parquet_options=parquet_options,
            )
            futures = client.map(plan.write, range(len(plan.shards)), pure=False)
            staged = list(client.gather(futures))
        except BaseException:
            if futures:
                client.cancel(futures)
            _remove_tree(staging)
            if created:
                with contextlib.suppress(OSError):
                    os.rmdir(directory)
            raise
        return [_move_into(directory, shard) for shard in staged]
    finally:
        if own:
            client.close()


def _move_into(directory: str | os.PathLike[str], shard: ShardResult) -> ShardResult:
    final = os.path.join(os.fspath(directory), os.path.basename(shard.path))
    os.replace(shard.path, final)
    staging = os.path.dirname(shard.path)
    with contextlib.suppress(OSError):
        os.rmdir(staging)  # succeeds once the last shard has moved
    return attrs.evolve(shard, path=final)


def _remove_tree(path: str) -> None:
    # Straggling tasks may still be creating temp files: retry until the tree is gone.
    for _ in range(50):
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.exists(path):
            return
        time.sleep(0.1)


def _connect(scheduler: str | None) -> Any:
    """A client of the scheduler at ``scheduler``, or of a new in-process cluster."""
    if not scheduler:
        return Client(processes=False)
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, ValueError, TypeError) as exc:
        raise DatasetError(
            f"cannot reach the Dask scheduler at {scheduler!r} ({exc}); check the address "
            "(e.g. tcp://host:8786) and that the scheduler is running"
        ) from exc
