"""Parquet output: round trip, nested data, byte identity across workers, clear errors."""

from __future__ import annotations

import os

import orjson
import pytest

pa = pytest.importorskip("pyarrow", reason="the parquet extra is not installed")

import synth  # noqa: E402
from synth.core.errors import DatasetError, InvalidArgument  # noqa: E402
from synth.dataset import write_dataset  # noqa: E402
from synth.dataset.parquet import read_records  # noqa: E402
from tests.dataset_helpers import people  # noqa: E402

GEN = people()
COUNT = 2_500
SMALL_GROUPS = {"row_group_size": 1_024}  # three row groups


def _plain(record):
    return orjson.loads(orjson.dumps(record))


def test_nested_values_round_trip_as_json_text(tmp_path):
    path = tmp_path / "p.parquet"
    result = write_dataset(GEN, path, COUNT, seed=2, index=True, parquet_options=SMALL_GROUPS)
    rows = read_records(str(path))
    expected = [{"index": i, **r} for i, r in enumerate(synth.stream(GEN, COUNT, seed=2))]
    assert len(rows) == COUNT
    for row, want in zip(rows[:300] + rows[-300:], expected[:300] + expected[-300:], strict=True):
        assert row["index"] == want["index"]
        assert row["id"] == str(want["id"])
        assert row["n"] == want["n"] and row["score"] == want["score"] and row["ok"] == want["ok"]
        assert orjson.loads(row["tags"]) == want["tags"]
        assert orjson.loads(row["address"]) == _plain(want["address"])
        assert row["nick"] == want.get("nick")
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups == 3
    assert result.format == "parquet"


def test_struct_mode_keeps_nested_columns_queryable(tmp_path):
    path = tmp_path / "s.parquet"
    write_dataset(GEN, path, 500, seed=2, parquet_options={"nested": "struct"})
    rows = read_records(str(path))
    expected = [_plain(r) for r in synth.stream(GEN, 500, seed=2)]
    for row, want in zip(rows, expected, strict=True):
        assert row["address"] == want["address"]
        assert row["tags"] == want["tags"]
    import pyarrow.parquet as pq

    assert pa.types.is_struct(pq.read_schema(path).field("address").type)


def test_two_workers_write_the_same_parquet_bytes(tmp_path):
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    write_dataset(GEN, a, COUNT, seed=8, index=True, parquet_options=SMALL_GROUPS)
    write_dataset(GEN, b, COUNT, seed=8, index=True, workers=2, parquet_options=SMALL_GROUPS)
    assert a.read_bytes() == b.read_bytes()


def test_records_that_do_not_fit_the_first_row_group_are_an_error(tmp_path):
    # Record 100 (in the second row group of 64) differs: never silently dropped or cast.
    numbers = synth.integers(0, 10**12)
    odd = list(synth.stream(numbers, 101, seed=1))[100]
    extra_key = numbers.map(lambda v: {"a": v, "b": 1} if v == odd else {"a": v})
    path = tmp_path / "x.parquet"
    options = {"row_group_size": 64}
    with pytest.raises(DatasetError, match=r"have keys \['b'\]"):
        write_dataset(extra_key, path, 5_000, seed=1, parquet_options=options)
    assert os.listdir(tmp_path) == []
    other_type = numbers.map(lambda v: {"a": "text"} if v == odd else {"a": v})
    with pytest.raises(DatasetError, match="do not fit the Parquet schema"):
        write_dataset(other_type, path, 5_000, seed=1, parquet_options=options)
    with pytest.raises(DatasetError, match="records that are dicts"):
        write_dataset(synth.integers(0, 9), path, 10, seed=1, format="parquet")
    assert os.listdir(tmp_path) == []


def test_parquet_options_are_checked(tmp_path):
    with pytest.raises(InvalidArgument, match="nested to be 'json' or 'struct'"):
        write_dataset(GEN, tmp_path / "x.parquet", 3, seed=1, parquet_options={"nested": "x"})
    with pytest.raises(InvalidArgument, match="positive multiple of 64"):
        write_dataset(
            GEN, tmp_path / "x.parquet", 3, seed=1, parquet_options={"row_group_size": 100}
        )


def test_an_explicit_schema_is_used(tmp_path):
    schema = pa.schema([("n", pa.int16()), ("ok", pa.bool_())])
    gen = synth.record(n=synth.integers(0, 9), ok=synth.booleans())
    path = tmp_path / "e.parquet"
    write_dataset(gen, path, 100, seed=1, parquet_options={"schema": schema})
    import pyarrow.parquet as pq

    assert pq.read_schema(path).field("n").type == pa.int16()
    assert read_records(str(path)) == list(synth.stream(gen, 100, seed=1))


def test_nested_values_json_cannot_hold_name_record_column_and_path(tmp_path):

    nested = synth.sampled_from([{"y": [1.0]}] * 20 + [{"y": [2.0, float("nan")]}])
    gen = synth.record(n=synth.integers(0, 5), x=nested)
    drawn = list(synth.stream(gen, 3000, seed=1, start=100))
    bad = 100 + next(i for i, r in enumerate(drawn) if len(r["x"]["y"]) == 2)
    with pytest.raises(DatasetError) as info:
        write_dataset(gen, tmp_path / "p.parquet", 3000, seed=1, start=100)
    assert f"record {bad} cannot be written as JSON: /{bad}/x/y/1 is the float nan" in str(
        info.value
    )
    assert os.listdir(tmp_path) == []
