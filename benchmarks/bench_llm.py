"""LLM runs: synth.llm against the raw openai client, on one scripted server, same run.

    python benchmarks/bench_llm.py            # scripted server + the real local model
    python benchmarks/bench_llm.py --no-real  # scripted server only

1. A scripted OpenAI-compatible server on 127.0.0.1 answers every request after 50 ms with
   a small JSON object. 2,000 items at concurrency 32:
   - raw: ``AsyncOpenAI(max_retries=0)`` driven by asyncio with a semaphore (create, read
     the content, ``json.loads`` it);
   - synth: ``run_dataset`` over an ``llm_value(...)`` generator with a typed output (request
     building and hashing, validation, structuring, the sqlite cache, JSONL writing).
   Then the same run again, fully answered from the cache.
2. The real local model (Gemma 3 270M via llama.cpp, ``synth.llm.local``): items/s of a
   small typed dataset at concurrency 1 and 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import synth  # noqa: E402
from synth.llm import (  # noqa: E402
    CallParameters,
    Client,
    RetryPolicy,
    StructuredCall,
    StructuredCallConfig,
    auto_parser_for_type,
    llm_value,
    run_dataset,
)

ITEMS = 2000
CONCURRENCY = 32
DELAY = 0.05


@attrs.frozen
class Person:
    name: str
    age: int


ANSWER = json.dumps({"name": "Ada", "age": 36})
SYSTEM = "You write people as JSON."


def topics() -> synth.Gen[str]:
    return synth.integers(0, 10**9).map(lambda n: f"Person number {n}.")


async def raw_openai(url: str, items: int, concurrency: int) -> float:
    import openai

    client = openai.AsyncOpenAI(base_url=url, api_key="x", max_retries=0, timeout=60)
    parser = auto_parser_for_type(Person)
    response_format = parser.response_format(frozenset({"json_schema"}))
    limit = asyncio.Semaphore(concurrency)
    prompts = list(synth.stream(topics(), items, seed=1))

    async def one(i: int) -> dict:
        async with limit:
            reply = await client.chat.completions.create(
                model="m",
                messages=[
                    {"role": "system", "content": SYSTEM},
                    {"role": "user", "content": prompts[i]},
                ],
                response_format=response_format,
                seed=i,
            )
        return json.loads(reply.choices[0].message.content)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(items)))
    seconds = time.perf_counter() - started
    await client.close()
    return seconds


def synth_run(url: str, items: int, concurrency: int, cache: Path, out: Path) -> float:
    call = StructuredCall(
        Client(url, timeout=60),
        StructuredCallConfig(SYSTEM, CallParameters(model="m")),
        parser=auto_parser_for_type(Person),
    )
    gen = synth.record(person=llm_value(call, topics()))
    report = run_dataset(
        gen, items, seed=1, output=out, cache=cache, max_concurrency=concurrency, progress=False
    )
    assert report.records == items
    assert report.called == 0 or report.cached == 0  # a first run, or a full replay
    return report.seconds


class ServerProcess:
    """The scripted server in its own process, so its work does not share our GIL."""

    def __init__(self) -> None:
        cmd = [sys.executable, "-m", "tests.llm_server", "--delay", str(DELAY)]
        self.proc = subprocess.Popen(
            [*cmd, "--content", ANSWER], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        self.url = self.proc.stdout.readline().strip()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait()


def scripted(rounds: int) -> list[str]:
    lines = []
    with ServerProcess() as server:
        raw_best, ours_best, replay_best = 0.0, 0.0, 0.0
        for _ in range(rounds):
            with tempfile.TemporaryDirectory() as tmp:
                cache, out = Path(tmp) / "cache.sqlite", Path(tmp) / "out.jsonl"
                raw = ITEMS / asyncio.run(raw_openai(server.url, ITEMS, CONCURRENCY))
                ours = ITEMS / synth_run(server.url, ITEMS, CONCURRENCY, cache, out)
                replay = ITEMS / synth_run(server.url, ITEMS, CONCURRENCY, cache, out)
            raw_best, ours_best = max(raw_best, raw), max(ours_best, ours)
            replay_best = max(replay_best, replay)
            print(f"round: raw {raw:.0f}/s, synth {ours:.0f}/s, replay {replay:.0f}/s")
        lines.append(
            f"| scripted server, {DELAY * 1000:.0f} ms/answer, {ITEMS} items, concurrency "
            f"{CONCURRENCY} | raw openai + asyncio | {raw_best:,.0f} items/s | |"
        )
        lines.append(
            f"| same | synth `run_dataset` (typed, cached, JSONL) | {ours_best:,.0f} items/s "
            f"| **{ours_best / raw_best:.2f}x** raw (target >= 0.9x) |"
        )
        lines.append(
            f"| same, fully cached replay | synth `run_dataset` | {replay_best:,.0f} items/s "
            f"| target >= 5,000 items/s |"
        )
    return lines


def real_model(items: int) -> list[str]:
    from synth.llm.local import MODEL_NAME, LocalModel

    lines = []
    with LocalModel(parallel=2) as model:
        call = StructuredCall(
            Client(model.base_url, timeout=900),
            StructuredCallConfig(
                "You write short JSON records of people.",
                CallParameters(model=MODEL_NAME, max_tokens=120, temperature=0.8),
            ),
            parser=auto_parser_for_type(Person),
            retry=RetryPolicy(max_attempts=4, max_seconds=1800),
        )
        countries = synth.sampled_from(["Peru", "Japan", "Kenya", "Norway", "Chile"])
        gen = synth.record(person=llm_value(call, countries.map(lambda c: f"A person from {c}.")))
        for concurrency in (1, 2):
            with tempfile.TemporaryDirectory() as tmp:
                report = run_dataset(
                    gen,
                    items,
                    seed=concurrency,
                    cache=Path(tmp) / "c.sqlite",
                    max_concurrency=concurrency,
                    progress=False,
                )
            rate = report.items_per_second
            print(f"real model, concurrency {concurrency}: {rate:.2f} items/s")
            lines.append(
                f"| Gemma 3 270M (llama.cpp, 2 slots), {items} typed items | synth, "
                f"concurrency {concurrency} | {rate:.2f} items/s | {report.retries} retries |"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-real", action="store_true", help="skip the real local model")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--real-items", type=int, default=8)
    parser.add_argument("--only-real", action="store_true", help="skip the scripted server")
    args = parser.parse_args()
    lines = ["| setting | runner | throughput | note |", "| --- | --- | --- | --- |"]
    if not args.only_real:
        lines += scripted(args.rounds)
    if not args.no_real:
        lines += real_model(args.real_items)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
