"""The dataset runner: formats, byte identity across workers and slices, atomicity, manifest."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os

import orjson
import pytest

import synth
from synth.core.errors import DatasetError, InvalidArgument, SynthError
from synth.dataset import Recipe, chunk_ranges, manifest_path, write_dataset
from synth.dataset.runner import _shippable
from tests.dataset_helpers import people

GEN = people()
COUNT = 10_000  # spans several 4,096-record chunks


def _read(path):
    with open(path, "rb") as handle:
        return handle.read()


def _expected_records(gen, count, seed, start=0, index=False):
    out = []
    for i, record in enumerate(synth.stream(gen, count, seed=seed, start=start), start):
        out.append({"index": i, **record} if index else record)
    return out


def _as_json(records):
    return [orjson.loads(orjson.dumps(r)) for r in records]


def test_jsonl_is_the_stream_one_record_per_line(tmp_path):
    path = tmp_path / "out.jsonl"
    result = write_dataset(GEN, path, COUNT, seed=3)
    lines = _read(path).splitlines()
    assert len(lines) == COUNT == result.count
    assert [orjson.loads(line) for line in lines] == _as_json(_expected_records(GEN, COUNT, 3))
    assert result.format == "jsonl"
    assert result.sha256 == hashlib.sha256(_read(path)).hexdigest()
    assert result.bytes == os.path.getsize(path)


def test_checksum_false_skips_the_hash_but_not_the_manifest(tmp_path):
    path = tmp_path / "out.jsonl"
    result = write_dataset(GEN, path, 500, seed=3, checksum=False)
    assert result.sha256 is None
    assert result.bytes == os.path.getsize(path)
    assert _read(path) == _read(write_dataset(GEN, tmp_path / "b.jsonl", 500, seed=3).path)
    other = tmp_path / "m.jsonl"
    result = write_dataset(GEN, other, 500, seed=3, checksum=False, manifest=True)
    assert result.sha256 == hashlib.sha256(_read(other)).hexdigest()
    doc = json.loads(_read(result.manifest))
    assert doc["output"]["sha256"] == result.sha256


def test_index_puts_the_record_number_first(tmp_path):
    path = tmp_path / "out.jsonl"
    write_dataset(GEN, path, 130, seed=3, start=70, index=True)
    rows = [orjson.loads(line) for line in _read(path).splitlines()]
    assert [r["index"] for r in rows] == list(range(70, 200))
    assert all(next(iter(r)) == "index" for r in rows)
    assert rows == _as_json(_expected_records(GEN, 130, 3, start=70, index=True))


def test_index_needs_dict_records(tmp_path):
    with pytest.raises(InvalidArgument, match="index=True needs dict records"):
        write_dataset(synth.integers(0, 9), tmp_path / "x.jsonl", 5, seed=1, index=True)
    assert not os.path.exists(tmp_path / "x.jsonl")


class DictSubclass(dict):
    pass


@pytest.mark.parametrize(
    "records",
    [
        [{"a": 1, "b": [1, 2]}, {}, {"text": 'é\n"x"'}, {"nested": {"index": 3}}],
        [{"a": 1}, {"index": "own", "z": 2}, {"b": 2}],  # its own "index": the general path
        [{1: "int key", "s": None}, {"u": synth.sample(synth.uuids(), seed=1)}],
        [{"big": 2**70}, {"a": 1}],  # beyond 64 bits: orjson refuses, stdlib json writes it
        [{"a": 1}, DictSubclass(b=2)],  # a dict subclass: the general path
    ],
)
def test_jsonl_writes_index_records_exactly_as_the_dicts_would_encode(records):
    # The JSONL writer splices '{"index":i,' before each record's own encoding instead of
    # building {"index": i, **record}: the bytes must be the same in every case.
    from synth.dataset.formats import format_for, with_index

    fmt = format_for("jsonl")
    expected = fmt.encode(with_index(records, 40))
    assert fmt.encode_chunk(records, 40, True) == expected
    assert fmt.encode_chunk_bytes(records, 40, True) == expected
    assert fmt.encode_chunk(records, 40, False) == fmt.encode(records)


def test_index_needs_dict_records_in_every_format(tmp_path):
    records = [{"a": 1}, 7]
    for name in ("jsonl", "json"):
        from synth.dataset.formats import format_for

        with pytest.raises(InvalidArgument, match="got int for record 41"):
            format_for(name).encode_chunk(records, 40, True)


def test_json_array_is_valid_json_and_streams_the_same_records(tmp_path):
    path = tmp_path / "out.json"
    write_dataset(GEN, path, COUNT, seed=5)
    assert json.loads(_read(path)) == _as_json(_expected_records(GEN, COUNT, 5))
    small = tmp_path / "one.json"
    write_dataset(GEN, small, 1, seed=5)
    assert json.loads(_read(small)) == _as_json(_expected_records(GEN, 1, 5))
    empty = tmp_path / "empty.json"
    write_dataset(GEN, empty, 0, seed=5)
    assert json.loads(_read(empty)) == []


def test_format_follows_the_extension_unless_given(tmp_path):
    assert write_dataset(GEN, tmp_path / "a.json", 3, seed=1).format == "json"
    assert write_dataset(GEN, tmp_path / "a.ndjson", 3, seed=1).format == "jsonl"
    assert write_dataset(GEN, tmp_path / "a.txt", 3, seed=1).format == "jsonl"
    forced = write_dataset(GEN, tmp_path / "b.json", 3, seed=1, format="jsonl")
    assert forced.format == "jsonl"
    assert len(_read(tmp_path / "b.json").splitlines()) == 3
    with pytest.raises(InvalidArgument, match="unknown format='xml'"):
        write_dataset(GEN, tmp_path / "c.xml", 3, seed=1, format="xml")


@pytest.mark.parametrize("name", ["out.jsonl", "out.json"])
def test_two_workers_write_the_same_bytes_as_one(tmp_path, name):
    one, two = tmp_path / "1" / name, tmp_path / "2" / name
    one.parent.mkdir()
    two.parent.mkdir()
    a = write_dataset(GEN, one, COUNT, seed=11, start=100, index=True)
    b = write_dataset(GEN, two, COUNT, seed=11, start=100, index=True, workers=2)
    assert _read(one) == _read(two)
    assert a.sha256 == b.sha256


def test_recipe_rebuilds_the_generator_in_workers(tmp_path):
    recipe = Recipe("tests.dataset_helpers:people", {"tag_count": 3})
    write_dataset(recipe, tmp_path / "r.jsonl", COUNT, seed=2, workers=2)
    write_dataset(GEN, tmp_path / "g.jsonl", COUNT, seed=2)
    assert _read(tmp_path / "r.jsonl") == _read(tmp_path / "g.jsonl")
    assert "people" in repr(recipe)


def test_recipe_errors_are_clear():
    with pytest.raises(InvalidArgument, match=r"package\.module:function"):
        Recipe("no_colon_here")
    with pytest.raises(InvalidArgument, match="cannot import module"):
        Recipe("tests.no_such_module:f").build()
    with pytest.raises(InvalidArgument, match="has no 'nope'"):
        Recipe("tests.dataset_helpers:nope").build()
    with pytest.raises(InvalidArgument, match="expected a Gen"):
        Recipe("os:getcwd").build()


def test_a_generator_that_cannot_be_pickled_is_refused_without_fork():
    gen = synth.integers(0, 9).map(lambda v: v + 1)
    spawn = multiprocessing.get_context("spawn")
    with pytest.raises(InvalidArgument, match=r"Recipe\('package.module:function'"):
        _shippable(gen, spawn)
    assert _shippable(Recipe("tests.dataset_helpers:people"), spawn) is not None


def test_a_slice_equals_the_same_lines_of_a_longer_run(tmp_path):
    write_dataset(GEN, tmp_path / "all.jsonl", 9_000, seed=4, index=True)
    write_dataset(GEN, tmp_path / "part.jsonl", 5_000, seed=4, start=4_000, index=True)
    lines = _read(tmp_path / "all.jsonl").splitlines(keepends=True)
    assert b"".join(lines[4_000:]) == _read(tmp_path / "part.jsonl")


def test_chunks_are_cut_at_fixed_multiples():
    assert list(chunk_ranges(100, 300, 128)) == [(100, 128), (128, 256), (256, 384), (384, 400)]
    assert list(chunk_ranges(0, 0, 64)) == []


def test_stdout_and_open_files(tmp_path):
    buffer = io.BytesIO()
    result = write_dataset(GEN, buffer, 50, seed=1)
    write_dataset(GEN, tmp_path / "f.jsonl", 50, seed=1)
    assert buffer.getvalue() == _read(tmp_path / "f.jsonl")
    assert result.path == "-"
    with pytest.raises(InvalidArgument, match="manifest=True needs an output file"):
        write_dataset(GEN, io.BytesIO(), 5, seed=1, manifest=True)


def test_manifest_records_how_to_repeat_and_check_the_file(tmp_path):
    path = tmp_path / "m.jsonl"
    when = "2025-01-01T00:00:00+00:00"
    result = write_dataset(
        GEN,
        path,
        300,
        seed=9,
        start=10,
        index=True,
        manifest=True,
        arguments={"type": "custom"},
        reference_time=when,
    )
    assert result.manifest == manifest_path(path) == str(path) + ".manifest.json"
    doc = json.loads(_read(result.manifest))
    assert doc["output"]["sha256"] == hashlib.sha256(_read(path)).hexdigest()
    assert doc["output"]["bytes"] == os.path.getsize(path)
    assert doc["output"]["file"] == "m.jsonl"
    assert doc["synth_version"] == synth.__version__
    assert doc["seed"] == 9
    assert doc["seeding_scheme"] == synth.SCHEME_VERSION
    assert doc["block_size"] == synth.BLOCK_SIZE
    assert (doc["count"], doc["start"], doc["format"], doc["index"]) == (300, 10, "jsonl", True)
    assert doc["generator"] == repr(GEN)
    assert doc["arguments"] == {"type": "custom"}
    assert doc["reference_time"] == when
    recipe_run = write_dataset(
        Recipe("tests.dataset_helpers:people"), tmp_path / "r.jsonl", 5, seed=1, manifest=True
    )
    recipe_doc = json.loads(_read(recipe_run.manifest))
    assert recipe_doc["recipe"] == {"target": "tests.dataset_helpers:people", "kwargs": {}}


class Boom(SynthError):
    pass


def _fail_after(limit):
    def progress(done, total):
        if done >= limit:
            raise Boom(f"failed after {done}")

    return progress


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_mid_run_leaves_the_target_untouched_and_no_temp_file(tmp_path, workers):
    path = tmp_path / "keep.jsonl"
    path.write_bytes(b"precious\n")
    with pytest.raises(Boom):
        write_dataset(GEN, path, COUNT, seed=1, workers=workers, progress=_fail_after(8_000))
    assert _read(path) == b"precious\n"
    assert sorted(os.listdir(tmp_path)) == ["keep.jsonl"]


def test_keyboard_interrupt_leaves_the_target_untouched(tmp_path):
    path = tmp_path / "keep.json"

    def interrupt(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_dataset(GEN, path, COUNT, seed=1, progress=interrupt)
    assert os.listdir(tmp_path) == []


def _fails_at_record(record, seed):
    """A generator that raises Unsatisfiable exactly when it draws record ``record``."""
    numbers = synth.integers(0, 10**12)
    bad = list(synth.stream(numbers, record + 1, seed=seed))[record]

    def check(value):
        if value == bad:
            raise synth.Unsatisfiable(f"drew the bad value {value}")
        return value

    return numbers.map(check)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_generation_error_after_the_first_chunk_leaves_nothing(tmp_path, workers):
    gen = _fails_at_record(7_000, seed=1)
    with pytest.raises(synth.Unsatisfiable, match="bad value"):
        write_dataset(gen, tmp_path / "x.jsonl", COUNT, seed=1, workers=workers)
    assert os.listdir(tmp_path) == []


def test_output_directory_problems_fail_before_generating(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match="file is not a directory"):
        write_dataset(GEN, tmp_path / "file" / "sub" / "x.jsonl", 5, seed=1)
    with pytest.raises(IsADirectoryError):
        write_dataset(GEN, tmp_path, 5, seed=1)
    with pytest.raises(IsADirectoryError, match="names a directory"):
        write_dataset(GEN, str(tmp_path / "new") + os.sep, 5, seed=1)
    assert os.listdir(tmp_path) == ["file"]


def test_missing_directories_are_created_and_removed_again_on_failure(tmp_path):
    path = tmp_path / "new" / "deeper" / "x.jsonl"
    write_dataset(GEN, path, 5, seed=1, manifest=True)
    assert sorted(os.listdir(path.parent)) == ["x.jsonl", "x.jsonl.manifest.json"]
    failing = tmp_path / "other" / "deeper" / "x.jsonl"
    with pytest.raises(synth.Unsatisfiable, match="bad value"):
        write_dataset(_fails_at_record(7_000, seed=1), failing, COUNT, seed=1)
    assert sorted(os.listdir(tmp_path)) == ["new"]  # 'other' was made by the run: removed


def test_arguments_are_checked(tmp_path):
    for kwargs, pattern in [
        ({"count": -1}, "count to be a non-negative int"),
        ({"count": 5, "start": -2}, "start to be a non-negative int"),
        ({"count": 5, "workers": 0}, "workers to be a positive int"),
        ({"count": 5, "seed": 1.5}, "seed to be an int, str or bytes"),
    ]:
        kwargs.setdefault("seed", 1)
        with pytest.raises(InvalidArgument, match=pattern):
            write_dataset(GEN, tmp_path / "x.jsonl", **kwargs)
    with pytest.raises(InvalidArgument, match="expected a generator"):
        write_dataset([1, 2], tmp_path / "x.jsonl", 3, seed=1)
    assert os.listdir(tmp_path) == []


def test_new_files_get_normal_permissions(tmp_path):
    path = tmp_path / "p.jsonl"
    write_dataset(GEN, path, 3, seed=1)
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~mask


def test_integers_beyond_64_bits_are_written_exactly(tmp_path):
    gen = synth.record(big=synth.just(2**70), small=synth.integers(0, 3))
    write_dataset(gen, tmp_path / "b.jsonl", 3, seed=1)
    write_dataset(gen, tmp_path / "b.json", 3, seed=1)
    rows = [json.loads(line) for line in _read(tmp_path / "b.jsonl").splitlines()]
    assert [r["big"] for r in rows] == [2**70] * 3
    assert json.loads(_read(tmp_path / "b.json")) == rows


def test_workers_leave_the_callers_gc_freeze_and_signal_mask_alone(tmp_path):
    # Regression: starting the pool used to unfreeze objects the caller had frozen and to
    # unblock signals the caller had blocked.
    import gc
    import signal

    recipe = Recipe("tests.dataset_helpers:people", {"tag_count": 1})
    gc.freeze()
    frozen = gc.get_freeze_count()
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        write_dataset(recipe, tmp_path / "w.jsonl", 200, seed=3, workers=2)
        assert gc.get_freeze_count() == frozen
        assert signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, set())
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        gc.unfreeze()


def test_heap_tuning_happens_in_the_workers_only(tmp_path, monkeypatch):
    # Workers keep freed heap memory between chunks (mallopt); the caller's process must
    # never be tuned. The patched function is inherited by forked workers, which report
    # their pid through a pipe.
    from synth.dataset import runner

    reader, writer = multiprocessing.Pipe(duplex=False)
    real = runner._keep_heap

    def spy() -> None:
        writer.send(os.getpid())
        real()

    monkeypatch.setattr(runner, "_keep_heap", spy)
    write_dataset(people(), tmp_path / "h.jsonl", 300, seed=3, workers=2)
    pids = set()
    while reader.poll(1):
        pids.add(reader.recv())
    assert len(pids) == 2 and os.getpid() not in pids


# -- worker processes: errors, deaths and teardown never hang and never leak -----------------


def _children():
    return [p for p in multiprocessing.active_children() if p.is_alive()]


def test_workers_are_stopped_as_soon_as_a_run_fails(tmp_path):
    # Regression: the chunk generator was only closed when garbage collected, so the
    # worker pool outlived the error (and its teardown, at some later point in some other
    # code, once hung in Pool.terminate). Many short failing runs in a row: each must end
    # with no worker left, even while the caller still holds the exception (and so the
    # traceback and the frames it references).
    kept = []
    for attempt in range(15):
        path = tmp_path / f"x{attempt}.jsonl"
        with pytest.raises(Boom) as info:
            write_dataset(GEN, path, COUNT, seed=1, workers=2, progress=_fail_after(1))
        kept.append(info)
        assert _children() == []
        assert os.listdir(tmp_path) == []


def test_workers_are_gone_after_a_successful_run(tmp_path):
    write_dataset(GEN, tmp_path / "ok.jsonl", COUNT, seed=1, workers=2)
    assert _children() == []


def _dies_at_record(record, seed):
    """A generator whose worker process is killed (as the OOM killer would) at ``record``."""
    numbers = synth.integers(0, 10**12)
    bad = list(synth.stream(numbers, record + 1, seed=seed))[record]
    parent = os.getpid()

    def check(value):
        if value == bad and os.getpid() != parent:
            os.kill(os.getpid(), 9)
        return value

    return numbers.map(check)


def test_a_killed_worker_is_reported_not_waited_for(tmp_path):
    # multiprocessing.Pool waits forever for a result whose worker was killed; synth
    # notices the closed pipe and says what happened.
    gen = _dies_at_record(7_000, seed=1)
    with pytest.raises(DatasetError, match=r"ended unexpectedly \(exit code -9\).*records"):
        write_dataset(gen, tmp_path / "x.jsonl", COUNT, seed=1, workers=2)
    assert os.listdir(tmp_path) == []
    assert _children() == []


class _Unpicklable(SynthError):
    def __init__(self, message, handle):
        super().__init__(message)
        self.handle = handle

    def __reduce__(self):
        raise TypeError("cannot pickle this error")


def test_an_error_that_cannot_be_pickled_still_reaches_the_caller(tmp_path):
    numbers = synth.integers(0, 10**12)
    parent = os.getpid()

    def check(value):
        if os.getpid() != parent:
            raise _Unpicklable("a worker-only failure", handle=lambda: None)
        return value

    with pytest.raises(DatasetError, match="a worker process failed: .*a worker-only failure"):
        write_dataset(numbers.map(check), tmp_path / "x.jsonl", COUNT, seed=1, workers=2)
    assert os.listdir(tmp_path) == []


def test_spawned_workers_write_the_same_bytes(tmp_path, monkeypatch):
    # Where the OS has no fork (macOS, Windows) workers are spawned: the recipe and the
    # pipes travel to them pickled. Forced here on Linux.
    from synth.dataset import runner

    monkeypatch.setattr(runner, "_context", lambda: multiprocessing.get_context("spawn"))
    recipe = Recipe("tests.dataset_helpers:people", {"tag_count": 2})
    a = write_dataset(recipe, tmp_path / "a.jsonl", COUNT, seed=3, workers=2)
    b = write_dataset(recipe, tmp_path / "b.jsonl", COUNT, seed=3, workers=1)
    assert a.sha256 == b.sha256
    assert _children() == []


def test_writing_never_touches_the_process_umask(tmp_path, monkeypatch):
    # os.umask(0) to read the mask would, for a moment, make files created by every other
    # thread world-writable; the permissions must come from the kernel instead.
    from synth.dataset.atomic import atomic_output

    calls = []
    real_umask = os.umask

    def spy(mask):
        calls.append(mask)
        return real_umask(mask)

    old = real_umask(0o027)
    try:
        monkeypatch.setattr(os, "umask", spy)
        write_dataset(GEN, tmp_path / "a.jsonl", 3, seed=1)
        with atomic_output(tmp_path / "b.bin") as handle:
            handle.write(b"x")
    finally:
        monkeypatch.undo()
        real_umask(old)
    assert calls == []
    for name in ("a.jsonl", "b.bin"):
        assert os.stat(tmp_path / name).st_mode & 0o777 == 0o640
    assert sorted(os.listdir(tmp_path)) == ["a.jsonl", "b.bin"]


class _Opaque:
    """An object whose str() would depend on its address."""


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        (float("nan"), "the float nan"),
        (float("inf"), "the float inf"),
        ({"deep": [1.0, float("-inf")]}, "the float -inf"),
        (b"\x00\xff", "bytes (2 bytes)"),
        (_Opaque(), "a tests.test_dataset_runner._Opaque object"),
    ],
)
@pytest.mark.parametrize(("suffix", "workers"), [(".jsonl", 1), (".json", 1), (".jsonl", 2)])
def test_values_json_cannot_hold_stop_the_run_naming_record_and_path(
    tmp_path, value, needle, suffix, workers
):
    gen = synth.record(id=synth.integers(0, 9), score=synth.sampled_from([0.5] * 30 + [value]))
    drawn = list(synth.stream(gen, 200, seed=1, start=5000))
    bad = 5000 + next(i for i, r in enumerate(drawn) if r["score"] != 0.5)
    pointer = f"/{bad}/score" + ("/deep/1" if isinstance(value, dict) else "")
    target = tmp_path / f"out{suffix}"
    target.write_bytes(b"earlier")
    with pytest.raises(DatasetError) as info:
        write_dataset(gen, target, 200, seed=1, start=5000, workers=workers)
    message = str(info.value)
    assert f"record {bad} cannot be written as JSON: {pointer} is {needle}" in message
    assert target.read_bytes() == b"earlier"
    assert os.listdir(tmp_path) == [target.name]


def test_values_with_an_exact_json_form_are_written_faithfully(tmp_path):
    import decimal

    import attrs

    @attrs.frozen
    class Point:
        x: int
        y: float

    record = {
        "price": decimal.Decimal("19.90"),
        "tiny": decimal.Decimal("-1E-7"),
        "point": Point(1, 2.5),
        "big": 2**70,
        "tags": {"b", "a"},
        "none": None,
    }
    for suffix in (".jsonl", ".json"):
        write_dataset(synth.just(record), tmp_path / f"r{suffix}", 2, seed=1)
    line = _read(tmp_path / "r.jsonl").decode().splitlines()[0]
    assert line == (
        '{"price":19.90,"tiny":-1E-7,"point":{"x":1,"y":2.5},'
        f'"big":{2**70},"tags":["a","b"],"none":null}}'
    )
    assert json.loads(_read(tmp_path / "r.json")) == [json.loads(line)] * 2
    assert json.loads(line, parse_float=decimal.Decimal)["price"] == decimal.Decimal("19.90")


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_check_finite_false_skips_the_search_for_nan(tmp_path, suffix):
    # The search for NaN walks every record whose JSON has a null (conversations: every
    # one); generators known never to make NaN (synth's built-in data, which the CLI
    # writes) switch it off. Then NaN is orjson's null, as documented.
    gen = synth.record(score=synth.sampled_from([float("nan")]), note=synth.just(None))
    with pytest.raises(DatasetError, match="is the float nan"):
        write_dataset(gen, tmp_path / f"a{suffix}", 3, seed=1)
    write_dataset(gen, tmp_path / f"b{suffix}", 3, seed=1, check_finite=False)
    text = (tmp_path / f"b{suffix}").read_text()
    records = json.loads(text) if suffix == ".json" else [json.loads(x) for x in text.splitlines()]
    assert records == [{"score": None, "note": None}] * 3
