"""LLM-backed generators and dataset runs: pure drawing, cache replay, resume, concurrency."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import synth
from synth import CallFailed, InvalidArgument
from synth.llm import Ask, ResponseCache, llm_text, llm_value, resolve, run_dataset
from tests.llm_gens import bio_call, profiles
from tests.llm_server import Reply, ScriptedServer, echo_seed

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def server():
    with ScriptedServer(default=echo_seed) as s:
        yield s


def test_drawing_is_pure_and_yields_requests_as_data(server):
    gen = profiles(bio_call(server.url))
    records = list(synth.stream(gen, 5, seed=11))
    assert server.requests == []  # drawing sends nothing
    assert all(isinstance(r["bio"], Ask) for r in records)
    again = list(synth.stream(gen, 5, seed=11))
    keys = [r["bio"].request().key for r in records]
    assert keys == [r["bio"].request().key for r in again]
    assert len(set(keys)) == 5
    seeds = [r["bio"].seed for r in records]
    assert all(0 <= s < 2**31 for s in seeds)


def test_request_keys_are_the_same_in_another_process(server):
    gen = profiles(bio_call(server.url))
    keys = [r["bio"].request().key for r in synth.stream(gen, 3, seed="k")]
    code = textwrap.dedent(
        f"""
        import sys; sys.path.insert(0, {str(ROOT)!r})
        import synth
        from tests.llm_gens import bio_call, profiles
        gen = profiles(bio_call("http://127.0.0.1:9/v1"))
        print(",".join(r["bio"].request().key for r in synth.stream(gen, 3, seed="k")))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().split(",") == keys


def test_run_writes_records_in_index_order_and_replays_from_cache(server, tmp_path):
    gen = profiles(bio_call(server.url))
    out = tmp_path / "out.jsonl"
    cache = tmp_path / "cache.sqlite"
    report = run_dataset(gen, 20, seed=3, output=out, cache=cache, max_concurrency=4)
    assert report.records == 20 and report.called == 20 and report.cached == 0
    assert report.usage.requests == 20 and report.usage.prompt_tokens == 200
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    drawn = list(synth.stream(gen, 20, seed=3))
    for row, pending in zip(rows, drawn, strict=True):
        assert row["persona"] == pending["persona"]
        assert row["bio"] == f"seed={pending['bio'].seed} said={pending['bio'].input}"
    first_bytes = out.read_bytes()
    sent = len(server.requests)
    report2 = run_dataset(gen, 20, seed=3, output=out, cache=cache, max_concurrency=4)
    assert len(server.requests) == sent  # zero new requests
    assert report2.cached == 20 and report2.called == 0
    assert out.read_bytes() == first_bytes


def test_concurrency_is_limited(tmp_path):
    with ScriptedServer(default=echo_seed, delay=0.05) as server:
        gen = profiles(bio_call(server.url))
        run_dataset(gen, 30, seed=1, max_concurrency=3)
        assert server.max_in_flight == 3
    with ScriptedServer(default=echo_seed, delay=0.05) as server:
        run_dataset(profiles(bio_call(server.url)), 30, seed=1, max_concurrency=1)
        assert server.max_in_flight == 1


def test_identical_requests_are_asked_once(server):
    call = bio_call(server.url)
    gen = synth.record(a=llm_value(call, synth.just("same"), seeded=False), b=synth.just(1))
    records = []
    run_dataset(gen, 10, seed=0, records=records)
    assert len(server.requests) == 1
    assert {r["a"] for r in records} == {"seed=None said=same"}


def test_resolve_replaces_asks_anywhere_in_records(server):
    call = bio_call(server.url)
    gen = synth.list_of(llm_text(call, synth.sampled_from(["x", "y"])), min_size=2, max_size=2)
    drawn = list(synth.stream(gen, 3, seed=5))
    resolved = resolve(drawn)
    assert [[v.split(" said=")[1] for v in row] for row in resolved] == [
        [a.input for a in row] for row in drawn
    ]


def test_a_failed_item_raises_and_keeps_what_was_answered(tmp_path):
    def flaky(body):
        if "Alan" in body["messages"][-1]["content"]:
            return Reply(status=400)
        return echo_seed(body)

    with ScriptedServer(default=flaky) as server:
        gen = profiles(bio_call(server.url))
        cache = ResponseCache(tmp_path / "c.sqlite")
        out = tmp_path / "out.jsonl"
        with pytest.raises(CallFailed, match="HTTP 400"):
            run_dataset(gen, 30, seed=2, cache=cache, output=out, max_concurrency=1)
        assert not out.exists()  # atomic: no half-written file
        assert not list(tmp_path.glob(".out.jsonl.*"))
        alans = sum("Alan" in r["persona"]["name"] for r in synth.stream(gen, 30, seed=2))
        assert 0 < alans < 30
        assert len(cache) >= 1


def test_arguments_are_checked(server):
    with pytest.raises(InvalidArgument, match="StructuredCall"):
        llm_value("not a call", synth.just("x"))
    with pytest.raises(InvalidArgument, match="generator"):
        llm_value(bio_call(server.url), "x")
    with pytest.raises(InvalidArgument, match="max_concurrency"):
        run_dataset(synth.just(1), 1, seed=0, max_concurrency=0)


RESUME_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from synth.llm import run_dataset
from tests.llm_gens import bio_call, profiles
run_dataset(profiles(bio_call({url!r})), {count}, seed=9, output={out!r}, cache={cache!r},
            max_concurrency=2, progress=False)
"""


def test_a_killed_run_resumes_without_asking_again(tmp_path):
    count, answered_before_kill = 12, 5
    state = {"hold": True, "answered": 0}

    def script(body):
        if state["hold"] and state["answered"] >= answered_before_kill:
            return Reply(content="late", delay=600)  # never arrives before the kill
        state["answered"] += 1
        return echo_seed(body)

    cache = tmp_path / "cache.sqlite"
    out = tmp_path / "out.jsonl"
    with ScriptedServer(default=script) as server:
        code = RESUME_SCRIPT.format(
            root=str(ROOT), url=server.url, count=count, out=str(out), cache=str(cache)
        )
        proc = subprocess.Popen([sys.executable, "-c", code])
        try:
            deadline = time.perf_counter() + 300  # generous: CI machines can be slow
            while time.perf_counter() < deadline:
                if cache.exists() and _rows(cache) >= answered_before_kill:
                    break
                time.sleep(0.05)
        finally:
            proc.kill()
            proc.wait()
        assert _rows(cache) == answered_before_kill
        assert not out.exists()
        first_run = [(r["seed"], r["messages"][-1]["content"]) for r in server.requests]
        answered = set(first_run[:answered_before_kill])

        state["hold"] = False
        before = len(server.requests)
        report = run_dataset(
            profiles(bio_call(server.url)),
            count,
            seed=9,
            output=out,
            cache=cache,
            max_concurrency=2,
        )
        second_run = [(r["seed"], r["messages"][-1]["content"]) for r in server.requests[before:]]
    assert report.cached == answered_before_kill
    assert len(second_run) == count - answered_before_kill
    assert not answered & set(second_run)
    assert len(out.read_text().splitlines()) == count


def _rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        try:
            return db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def test_progress_line_on_stderr(server, capsys):
    run_dataset(profiles(bio_call(server.url)), 3, seed=0, progress=True)
    err = capsys.readouterr().err
    assert "3/3 records" in err and "3 called" in err


def test_the_same_run_in_two_threads_writes_the_same_bytes(server, tmp_path):
    import threading

    gen = profiles(bio_call(server.url))
    outs = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    threads = [
        threading.Thread(
            target=run_dataset,
            args=(gen, 16),
            kwargs={"seed": 4, "output": out, "cache": tmp_path / f"{out.stem}.sqlite"},
        )
        for out in outs
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outs[0].read_bytes() == outs[1].read_bytes()
    assert len(outs[0].read_text().splitlines()) == 16
