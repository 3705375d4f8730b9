"""Shard plans without a cluster: any process, any order, the same bytes (the Spark/Ray recipe)."""

from __future__ import annotations

import multiprocessing
import pickle

import pytest

from synth.core.errors import InvalidArgument
from synth.dataset import Recipe, plan_shards, write_dataset
from tests.dataset_helpers import people


def test_a_pickled_plan_writes_shards_in_any_order_in_other_processes(tmp_path):
    recipe = Recipe("tests.dataset_helpers:people")
    plan = plan_shards(
        recipe, tmp_path / "out", 10_000, seed=4, start=3, shard_records=4_096, index=True
    )
    (tmp_path / "out").mkdir()
    shipped = pickle.loads(pickle.dumps(plan))  # what Spark or Ray would send
    numbers = list(reversed(range(len(plan.shards))))
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(shipped.write, numbers)
    write_dataset(people(), tmp_path / "serial.jsonl", 10_000, seed=4, start=3, index=True)
    by_number = dict(zip(numbers, results, strict=True))
    joined = b"".join(open(by_number[k].path, "rb").read() for k in sorted(by_number))
    assert joined == (tmp_path / "serial.jsonl").read_bytes()
    assert [s.lo for s in plan.shards] == [3, 4_096, 8_192]
    assert plan.shards[-1].hi == 10_003


def test_plan_arguments_are_checked(tmp_path):
    gen = people()
    with pytest.raises(InvalidArgument, match="shard_records to be a positive int"):
        plan_shards(gen, tmp_path, 10, seed=1, shard_records=0)
    with pytest.raises(InvalidArgument, match="count to be a non-negative int"):
        plan_shards(gen, tmp_path, -1, seed=1)
    with pytest.raises(InvalidArgument, match="seed to be an int, str or bytes"):
        plan_shards(gen, tmp_path, 10, seed=None)
    assert plan_shards(gen, tmp_path, 0, seed=1).shards == ()
