"""Agent data throughput: synth vs aumai-datasynthesizer, side by side in one run.

    python benchmarks/bench_agents.py --peer-python /tmp/peer-venv/bin/python

For each case, both libraries generate the same number of samples (default 10,000)
in-process through their seed API (``DataGenerator().generate(GeneratorConfig(...))``),
after one small warm-up call. Each repeat is a fresh interpreter (the peer's
``--peer-python``, synth's this one), so neither inherits the heap of earlier cases; the
two are measured alternately (peer, synth, peer, synth, ...) so that both see the same
machine load.

Method (since 22 Nov 2026, afternoon): each interpreter times ``--runs`` calls in a row
(default 3), keeping every dataset alive, so that each call allocates fresh memory as
the first one does; the figure reported is the best call over all ``--repeats`` x
``--runs`` calls (it was the best of ``--repeats`` single calls before). The smallest
cases take 10-20 ms, which a scheduler hiccup on a shared machine doubles; more timed
calls per interpreter make the best of them stable, at the price of one start-up each.
Later calls in an interpreter find caches warm (both libraries alike: synth's texts
kept as drawn, the peer's own), so the best of the *first* calls of each interpreter is
printed too (the ``1st`` column), the figure of a process that generates once.
Everything is done identically for both libraries.
The peer is not part of synth: install it outside the project, e.g.
``pip install <its source>`` into /tmp/peer-venv.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from typing import Any

CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("text", "text", {}),
    ("json (free-form)", "json", {}),
    ("conversation customer_support", "conversation", {"template": "customer_support"}),
    ("conversation code_assistant", "conversation", {"template": "code_assistant"}),
    ("conversation research_assistant", "conversation", {"template": "research_assistant"}),
    ("tool_call search", "tool_call", {"tool": "search"}),
    ("tool_call email", "tool_call", {"tool": "email"}),
    ("tool_call database", "tool_call", {"tool": "database"}),
    ("tool_call file_operations", "tool_call", {"tool": "file_operations"}),
    ("agent_trace", "agent_trace", {}),
    # The peer ignores constraints for traces (2-6 steps, ~4 on average); synth's default
    # traces make 2-6 *tool calls*, i.e. 7-19 step records. One call = 3 step records.
    ("agent_trace, 1 tool call", "agent_trace", {"min_steps": 1, "max_steps": 1}),
]

# Runs inside an interpreter (the peer's, or ours): times one case with its seed API.
RUNNER = """
import json, sys, time
from {module} import DataGenerator, DataType, GeneratorConfig
data_type, constraints, count = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
gen = DataGenerator()
def run(n):
    config = GeneratorConfig(data_type=DataType(data_type), count=n, seed=1,
                             constraints=constraints)
    return gen.generate(config)
runs = int(sys.argv[4])
run(10)
kept, times = [], []
for _ in range(runs):
    t = time.perf_counter()
    ds = run(count)
    times.append(time.perf_counter() - t)
    assert len(ds.samples) == count
    kept.append(ds)  # alive: the next call allocates fresh memory, as the first did
print(json.dumps(times))
"""


def time_in(
    python: str,
    module: str,
    data_type: str,
    constraints: dict[str, Any],
    count: int,
    runs: int = 1,
) -> list[float]:
    """``runs`` timed calls in a row (after a warm-up call) in a fresh interpreter:
    ``python`` with ``module``'s seed API, every dataset kept alive until the end. Both
    libraries are timed this way, so neither inherits the other's heap or garbage-collector
    state (in one long process the later cases were measured up to 2x slower than alone)."""
    script = RUNNER.format(module=module)
    cmd = [python, "-W", "ignore", "-c", script, data_type, json.dumps(constraints), str(count)]
    cmd.append(str(runs))
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{module} run failed:\n{done.stderr}")
    return [float(t) for t in json.loads(done.stdout.strip().splitlines()[-1])]


def time_peer(
    python: str, data_type: str, constraints: dict[str, Any], count: int, runs: int = 1
) -> list[float]:
    """The peer, in its own virtualenv's interpreter."""
    return time_in(python, "aumai_datasynthesizer", data_type, constraints, count, runs)


def time_synth(
    data_type: str, constraints: dict[str, Any], count: int, runs: int = 1
) -> list[float]:
    """synth, in a fresh interpreter of this virtualenv."""
    return time_in(sys.executable, "synth", data_type, constraints, count, runs)


def time_trace_floor(count: int) -> float:
    """The cheapest Python we can write that makes records of synth's default agent_trace
    shape (same keys, same number of exchanges, 2-6): every string, argument dict and
    observation is picked from pools harvested from 300 real synth traces, so what is left
    is building the dicts and drawing the picks. Nothing is coherent: it is a floor, not
    a generator. Returns seconds for ``count`` traces (``{"index": i, **trace}`` included,
    like the seed API)."""
    import random

    from synth import DataGenerator, DataType, GeneratorConfig

    sample = DataGenerator().generate(
        GeneratorConfig(data_type=DataType("agent_trace"), count=300, seed=7)
    )
    traces = sample.samples
    tasks = [t["task"] for t in traces]
    agents = sorted({t["agent"] for t in traces})
    finals = [t["final_answer"] for t in traces]
    steps = [s for t in traces for s in t["steps"]]
    thoughts = [s["content"] for s in steps if s["type"] == "thought"]
    calls = [(s["tool"], s["arguments"]) for s in steps if s["type"] == "tool_call"]
    results = [s["content"] for s in steps if s["type"] == "observation"]
    nt, nc, nr, na, nk, nf = map(len, (thoughts, calls, results, agents, tasks, finals))
    rng = random.Random(1)
    r, bits = rng.random, rng.getrandbits

    def trace(i: int) -> dict[str, Any]:
        ts, out, k = 1767225600.0, [], 0
        for _ in range(2 + int(r() * 5)):
            tool, arguments = calls[int(r() * nc)]
            ident = f"call_{bits(96):024x}"
            ts += r()
            out.append(
                {
                    "step": k,
                    "type": "thought",
                    "timestamp": ts,
                    "content": thoughts[int(r() * nt)],
                    "latency_ms": int(r() * 2000),
                }
            )
            out.append(
                {
                    "step": k + 1,
                    "type": "tool_call",
                    "timestamp": ts + 0.01,
                    "tool": tool,
                    "arguments": arguments,
                    "tool_call_id": ident,
                    "latency_ms": int(r() * 20),
                }
            )
            out.append(
                {
                    "step": k + 2,
                    "type": "observation",
                    "timestamp": ts + r(),
                    "content": results[int(r() * nr)],
                    "tool": tool,
                    "tool_call_id": ident,
                    "is_error": r() < 0.05,
                    "latency_ms": int(r() * 3000),
                }
            )
            k += 3
        return {
            "index": i, "trace_id": f"{bits(128):032x}", "agent": agents[int(r() * na)],
            "task": tasks[int(r() * nk)], "steps": out, "final_answer": finals[int(r() * nf)],
            "success": r() < 0.8, "started_at": "2026-01-01T00:00:00Z", "failure": None,
        }  # fmt: skip

    t = time.perf_counter()
    made = [trace(i) for i in range(count)]
    elapsed = time.perf_counter() - t
    assert len(made) == count
    return elapsed


def time_tool_call_floor(count: int, tool: str) -> float:
    """The cheapest Python we can write that makes tool_call samples of synth's shape for
    ``tool``: a fresh call id per sample (``call_`` + 24 characters from the rng, as synth
    makes it) and an ``arguments`` JSON string picked from a pool harvested from 300 real
    synth calls of that tool (no argument is generated). A floor, not a generator.
    Returns seconds for ``count`` samples."""
    import random
    from binascii import b2a_base64

    from synth import DataGenerator, DataType, GeneratorConfig

    sample = DataGenerator().generate(
        GeneratorConfig(
            data_type=DataType("tool_call"), count=300, seed=7, constraints={"tool": tool}
        )
    )
    name = sample.samples[0]["function"]["name"]
    pool = [s["function"]["arguments"] for s in sample.samples]
    n = len(pool)
    alnum = bytes.maketrans(b"+/", b"xy")
    rng = random.Random(1)
    r, bits = rng.random, rng.getrandbits

    def call(i: int) -> dict[str, Any]:
        raw = b2a_base64(bits(144).to_bytes(18, "big"), newline=False)
        return {
            "index": i,
            "id": "call_" + raw.translate(alnum).decode(),
            "type": "function",
            "function": {"name": name, "arguments": pool[int(r() * n)]},
        }

    t = time.perf_counter()
    made = [call(i) for i in range(count)]
    elapsed = time.perf_counter() - t
    assert len(made) == count
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", required=True, help="python with aumai-datasynthesizer")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3, help="fresh interpreters per side")
    parser.add_argument("--runs", type=int, default=3, help="timed calls per interpreter")
    parser.add_argument("--only", default="", help="run only cases whose label contains this")
    args = parser.parse_args()
    cases = [c for c in CASES if args.only in c[0]]

    # Alternate the two libraries, case by case and repeat by repeat, so that both see the
    # same machine load; keep the best time of each (of all calls, and of first calls).
    ours: dict[str, float] = {}
    peer: dict[str, float] = {}
    ours_first: dict[str, float] = {}
    peer_first: dict[str, float] = {}
    inf = float("inf")
    for label, data_type, constraints in cases:
        for _ in range(args.repeats):
            t_peer = time_peer(args.peer_python, data_type, constraints, args.count, args.runs)
            t_ours = time_synth(data_type, constraints, args.count, args.runs)
            peer[label] = min(peer.get(label, inf), *t_peer)
            ours[label] = min(ours.get(label, inf), *t_ours)
            peer_first[label] = min(peer_first.get(label, inf), t_peer[0])
            ours_first[label] = min(ours_first.get(label, inf), t_ours[0])

    print(
        f"{args.count} samples per case, best of {args.repeats} interpreters x {args.runs} "
        f"calls; {platform.platform()}, Python {platform.python_version()}"
    )
    print()
    print("| case | synth samples/s | peer samples/s | ratio | ratio, 1st calls |")
    print("| --- | ---: | ---: | ---: | ---: |")
    worst = inf
    for label, _, _ in cases:
        mine, theirs = args.count / ours[label], args.count / peer[label]
        ratio = mine / theirs
        first = peer_first[label] / ours_first[label]
        worst = min(worst, ratio)
        print(f"| {label} | {mine:,.0f} | {theirs:,.0f} | {ratio:.1f}x | {first:.1f}x |")
    print()
    print(f"smallest ratio: {worst:.1f}x")
    tools = [(label, c["tool"]) for label, kind, c in cases if kind == "tool_call"]
    for label, tool in tools:
        floor = min(time_tool_call_floor(args.count, tool) for _ in range(args.repeats))
        print(
            f"{label} floor (fresh ids, arguments from a harvested pool, no generation): "
            f"{args.count / floor:,.0f} samples/s = "
            f"{(args.count / floor) / (args.count / peer[label]):.1f}x the peer"
        )
    if "agent_trace" in peer:
        floor = min(time_trace_floor(args.count) for _ in range(args.repeats))
        best_possible = (args.count / floor) / (args.count / peer["agent_trace"])
        print(
            f"agent_trace floor (dicts of synth's trace shape from harvested pools, no "
            f"generation): {args.count / floor:,.0f} traces/s = {best_possible:.1f}x the "
            f"peer; synth reaches {floor / ours['agent_trace']:.0%} of the floor"
        )


if __name__ == "__main__":
    main()
