"""Shards on a Dask LocalCluster: concatenated, they are the serial output byte for byte."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("dask.distributed", reason="the dask extra is not installed")

from dask.distributed import Client, LocalCluster

import synth
from synth.core.errors import InvalidArgument
from synth.dataset import Recipe, plan_shards, write_dask, write_dataset
from tests.dataset_helpers import people

GEN = people()


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with cluster, Client(cluster) as c:
        yield c


def test_jsonl_shards_concatenate_to_the_serial_file(tmp_path, client):
    shards = write_dask(
        GEN,
        tmp_path / "shards",
        20_000,
        seed=6,
        client=client,
        start=50,
        shard_records=5_000,
        index=True,
    )
    write_dataset(GEN, tmp_path / "serial.jsonl", 20_000, seed=6, start=50, index=True)
    assert len(shards) == 3  # 5,000 rounds up to two 4,096-record chunks
    assert [os.path.basename(s.path) for s in shards] == [
        "part-00000.jsonl",
        "part-00001.jsonl",
        "part-00002.jsonl",
    ]
    joined = b"".join(open(s.path, "rb").read() for s in shards)
    assert joined == (tmp_path / "serial.jsonl").read_bytes()
    assert sum(s.count for s in shards) == 20_000


def test_a_recipe_travels_to_the_workers(tmp_path, client):
    shards = write_dask(
        Recipe("tests.dataset_helpers:people"),
        tmp_path / "r",
        9_000,
        seed=1,
        client=client,
        shard_records=4_096,
    )
    write_dataset(GEN, tmp_path / "serial.jsonl", 9_000, seed=1)
    joined = b"".join(open(s.path, "rb").read() for s in shards)
    assert joined == (tmp_path / "serial.jsonl").read_bytes()


def test_parquet_shards_hold_the_serial_rows(tmp_path, client):
    pytest.importorskip("pyarrow")
    from synth.dataset.parquet import read_records

    groups = {"row_group_size": 1_024}
    shards = write_dask(
        GEN,
        tmp_path / "p",
        5_000,
        seed=3,
        client=client,
        format="parquet",
        index=True,
        shard_records=2_048,
        parquet_options=groups,
    )
    write_dataset(
        GEN, tmp_path / "serial.parquet", 5_000, seed=3, index=True, parquet_options=groups
    )
    assert len(shards) == 3
    rows = [row for s in shards for row in read_records(s.path)]
    assert rows == read_records(str(tmp_path / "serial.parquet"))


def test_a_failing_shard_removes_the_shards_of_the_run(tmp_path, client):
    numbers = synth.integers(0, 10**12)
    bad = list(synth.stream(numbers, 10_001, seed=1))[10_000]  # in the third shard

    def check(value):
        if value == bad:
            raise synth.Unsatisfiable("drew the bad value")
        return value

    with pytest.raises(synth.Unsatisfiable, match="bad value"):
        write_dask(
            numbers.map(check),
            tmp_path / "f",
            20_000,
            seed=1,
            client=client,
            shard_records=4_096,
        )
    assert os.listdir(tmp_path) == []  # not even the directory the run created


def test_json_arrays_cannot_be_sharded(tmp_path):
    with pytest.raises(InvalidArgument, match="jsonl' or 'parquet'"):
        plan_shards(GEN, tmp_path, 10, seed=1, format="json")


def test_the_cli_runs_on_a_scheduler_address(tmp_path):
    from tests.cli_helpers import synth_cli

    cluster = LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
        host="127.0.0.1", dashboard_address=":0",
    )  # fmt: skip
    with cluster:
        common = ["generate", "--type", "text", "--count", "9000", "--seed", "2"]
        proc = synth_cli(
            *common, "--output", str(tmp_path / "shards"), "--dask-scheduler",
            cluster.scheduler_address, "--shard-records", "4096",
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Shards: 3 (jsonl)" in proc.stderr
    serial = synth_cli(*common)
    names = sorted(os.listdir(tmp_path / "shards"))
    assert names == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    joined = b"".join((tmp_path / "shards" / n).read_bytes() for n in names)
    assert joined.decode() == serial.stdout


def test_an_unreachable_scheduler_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    from synth.core.errors import DatasetError
    from synth.dataset import distributed

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(DatasetError, match="cannot reach the Dask scheduler"):
        write_dask(GEN, tmp_path / "out", 100, seed=1, scheduler="tcp://127.0.0.1:9")
    assert os.listdir(tmp_path) == []
