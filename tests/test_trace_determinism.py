"""Same seed, same bytes: across processes, threads and times of day; ids from the rng."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading

import orjson

import synth

SCRIPT = """
import hashlib, sys, orjson, synth
h = hashlib.sha256()
for t in synth.stream(synth.traces(), 300, seed=int(sys.argv[1])):
    h.update(orjson.dumps(synth.trace_record(t)))
for c in synth.stream(synth.tool_calls(list(synth.BUILTIN_TOOLS)), 500, seed=int(sys.argv[1])):
    h.update(orjson.dumps(synth.tool_call_record(c)))
print(h.hexdigest())
"""


def digest(seed: int) -> str:
    h = hashlib.sha256()
    for t in synth.stream(synth.traces(), 300, seed=seed):
        h.update(orjson.dumps(synth.trace_record(t)))
    for c in synth.stream(synth.tool_calls(list(synth.BUILTIN_TOOLS)), 500, seed=seed):
        h.update(orjson.dumps(synth.tool_call_record(c)))
    return h.hexdigest()


def run_process(seed: int, hashseed: str) -> str:
    env = {"PYTHONHASHSEED": hashseed, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(seed)], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_same_seed_same_bytes_across_processes() -> None:
    here = digest(7)
    assert run_process(7, "1") == here
    assert run_process(7, "2") == here
    assert digest(8) != here


def test_threads_do_not_disturb_each_other() -> None:
    expected = {s: digest(s) for s in (1, 2)}
    got: dict[int, list[str]] = {1: [], 2: []}

    def work(seed: int) -> None:
        got[seed].append(digest(seed))

    threads = [threading.Thread(target=work, args=(s,)) for s in (1, 2, 1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == {s: [expected[s]] * 2 for s in (1, 2)}


def test_ids_come_from_the_rng() -> None:
    a = [t.trace_id for t in synth.stream(synth.traces(), 50, seed=3)]
    b = [t.trace_id for t in synth.stream(synth.traces(), 50, seed=3)]
    assert a == b and len(set(a)) == 50
    ids = [c.id for c in synth.stream(synth.tool_calls("search"), 2000, seed=3)]
    assert len(set(ids)) == 2000


def test_slices_equal_the_full_run() -> None:
    full = [synth.trace_record(t) for t in synth.stream(synth.traces(), 150, seed=4)]
    part = [synth.trace_record(t) for t in synth.stream(synth.traces(), 30, seed=4, start=100)]
    assert part == full[100:130]


def test_trace_ids_are_version_4_uuids_from_the_rng() -> None:
    import random
    import uuid

    from synth.agents._draw import uuid4_str

    for seed in range(300):
        expected = uuid.UUID(int=random.Random(seed).getrandbits(128), version=4)
        assert uuid4_str(random.Random(seed)) == str(expected)
