"""The floor of agent_trace and tool_call records in CPython: what the cheapest code that
builds a record of exactly synth's shape costs, with every text taken from a pool formatted
beforehand (no phrasing, no coherence, no variety beyond the pools).

    python benchmarks/floor_agents.py

Each case runs through the same pipeline as ``DataGenerator.generate`` (``synth.stream``
plus ``{"index": i, **payload}``), so its samples/s is an upper bound for synth's seed API
on this machine: whatever synth does beyond that (drawing coherent calls, answers, thoughts
and tasks) is the cost of the content.
"""

from __future__ import annotations

import argparse
import random
import time
from binascii import b2a_base64
from typing import Any

import attrs

from synth.core.gen import Gen
from synth.core.seeding import stream

_TO_ALNUM = bytes.maketrans(b"+/", b"Xq")
_POOL = 1024


@attrs.frozen(repr=False)
class _Fn(Gen[Any]):
    fn: Any

    def _compile(self) -> Any:
        return self.fn


def _pool(prefix: str, size: int = _POOL) -> tuple[str, ...]:
    return tuple(f"{prefix} {i:04d} " + "x" * (40 + i % 80) for i in range(size))


def tool_call_floor() -> Any:
    """``{"id", "type", "function": {"name", "arguments"}}``: a call id from 144 random bits
    and arguments text from a pool."""
    arguments = tuple(f'{{"query":"q{i}"}}' for i in range(_POOL))

    def draw(rng: random.Random) -> dict[str, Any]:
        raw = b2a_base64(rng.getrandbits(144).to_bytes(18, "big"), newline=False)
        return {
            "id": "call_" + raw.translate(_TO_ALNUM).decode(),
            "type": "function",
            "function": {"name": "web_search", "arguments": arguments[int(rng.random() * _POOL)]},
        }

    return draw


def trace_floor(lo: int = 2, hi: int = 6) -> Any:
    """A trace of ``lo``-``hi`` tool calls in synth's record shape (thought, tool_call and
    observation steps with ids, timestamps and latencies, the final answer and the failure
    label), every text and argument dict picked from a pool."""
    thoughts, observations, tasks, finals = (_pool(w) for w in ("think", "obs", "task", "done"))
    arguments = tuple({"query": f"q{i}", "num_results": 5} for i in range(_POOL))
    tools = ("web_search", "send_email", "execute_query", "file_operation")
    agents = tuple(f"agent_{i}" for i in range(16))
    span = hi - lo + 1

    def draw(rng: random.Random) -> dict[str, Any]:
        r = rng.random
        h = f"{rng.getrandbits(128):032x}"
        trace_id = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
        n = lo + int(r() * span)
        steps: list[dict[str, Any]] = []
        append = steps.append
        now = 1_767_225_600_000
        for i in range(n):
            k = 3 * i
            tool = tools[int(r() * 4)]
            raw = b2a_base64(rng.getrandbits(144).to_bytes(18, "big"), newline=False)
            ident = "call_" + raw.translate(_TO_ALNUM).decode()
            latency = 350 + int(r() * 5650)
            now += latency
            append(
                {
                    "step": k,
                    "type": "thought",
                    "timestamp": now / 1000,
                    "content": thoughts[int(r() * _POOL)],
                    "latency_ms": latency,
                }
            )
            latency = 1 + int(r() * 15)
            now += latency
            append(
                {
                    "step": k + 1,
                    "type": "tool_call",
                    "timestamp": now / 1000,
                    "tool": tool,
                    "arguments": arguments[int(r() * _POOL)],
                    "tool_call_id": ident,
                    "latency_ms": latency,
                }
            )
            latency = 50 + int(r() * 1500)
            now += latency
            append(
                {
                    "step": k + 2,
                    "type": "observation",
                    "timestamp": now / 1000,
                    "content": observations[int(r() * _POOL)],
                    "tool": tool,
                    "tool_call_id": ident,
                    "is_error": False,
                    "latency_ms": latency,
                }
            )
        success = r() < 0.8
        return {
            "trace_id": trace_id,
            "agent": agents[int(r() * 16)],
            "task": tasks[int(r() * _POOL)],
            "steps": steps,
            "final_answer": finals[int(r() * _POOL)],
            "success": success,
            "started_at": "2026-01-01T00:00:00Z",
            "failure": None
            if success
            else {"type": "tool_error", "step": 3 * n - 1, "detail": "x"},
        }

    return draw


def measure(draw: Any, count: int, repeats: int) -> float:
    """Best samples/s of ``count`` records through stream + the index merge."""
    gen = _Fn(draw)
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        samples = [{"index": i, **p} for i, p in enumerate(stream(gen, count, seed=1))]
        best = min(best, time.perf_counter() - t)
        del samples
    return count / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cases = [
        ("tool_call floor", tool_call_floor()),
        ("agent_trace floor (2-6 calls)", trace_floor()),
        ("agent_trace floor (1 call)", trace_floor(1, 1)),
    ]
    print("| case | samples/s | us/sample |")
    print("| --- | ---: | ---: |")
    for label, draw in cases:
        rate = measure(draw, args.count, args.repeats)
        print(f"| {label} | {rate:,.0f} | {1e6 / rate:.2f} |")


if __name__ == "__main__":
    main()
