"""Datasets with model-written values: draw, answer concurrently, write in index order.

A run is two-phase per window of records: (1) draw the records purely from the rng — model
values are :class:`Ask` requests, data; (2) answer every ask: cached answers are replayed
at once, the others are sent to the model concurrently (at most ``max_concurrency`` in
flight), each accepted answer is committed to the cache immediately; then the window's
records are written in index order. Killed half-way, a rerun replays what was answered and
asks only for the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import attrs

from synth.core.errors import InvalidArgument
from synth.core.gen import Gen, check_gen
from synth.core.seeding import Seed, stream
from synth.dataset.atomic import atomic_output
from synth.dataset.formats import JsonlFormat
from synth.llm.cache import ResponseCache
from synth.llm.call import CallResult, run_sync
from synth.llm.client import Usage
from synth.llm.generators import Ask
from synth.llm.types import unstructure

__all__ = [
    "RunReport",
    "resolve",
    "resolve_async",
    "run_dataset",
    "run_dataset_async",
    "run_records_async",
]


@attrs.frozen
class RunReport:
    """What a run did: records written, answers replayed from cache and asked for, retries
    (extra attempts), tokens and requests spent, and wall time."""

    records: int
    asks: int
    cached: int
    called: int
    retries: int
    usage: Usage
    seconds: float
    output: str | None = None

    @property
    def items_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else float("inf")


@attrs.define
class _Tally:
    asks: int = 0
    cached: int = 0
    called: int = 0
    retries: int = 0
    usage: Usage = attrs.Factory(Usage)


class _Progress:
    """One status line on stderr, redrawn at most 5 times a second."""

    def __init__(self, total: int, enabled: bool | None) -> None:
        self.total = total
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.start = time.perf_counter()
        self.last = 0.0

    def update(self, done: int, tally: _Tally, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not final and now - self.last < 0.2:
            return
        self.last = now
        rate = done / (now - self.start) if now > self.start else 0.0
        sys.stderr.write(
            f"\rsynth llm: {done}/{self.total} records, {tally.cached} cached, "
            f"{tally.called} called, {tally.retries} retries, {rate:.1f} records/s"
            + ("\n" if final else "")
        )
        sys.stderr.flush()


def _find_asks(value: Any, out: list[Ask]) -> None:
    if isinstance(value, Ask):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            _find_asks(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _find_asks(v, out)
    elif attrs.has(type(value)):
        for a in attrs.fields(type(value)):
            _find_asks(getattr(value, a.name), out)


def _substitute(value: Any, answers: dict[int, Any]) -> Any:
    if isinstance(value, Ask):
        return answers[id(value)]
    if isinstance(value, dict):
        return {k: _substitute(v, answers) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, answers) for v in value]
    if isinstance(value, tuple):
        return tuple(_substitute(v, answers) for v in value)
    if attrs.has(type(value)) and not isinstance(value, Gen):
        changes = {
            a.name: _substitute(getattr(value, a.name), answers)
            for a in attrs.fields(type(value))
            if a.init
        }
        return attrs.evolve(value, **changes)
    return value


async def _answer_all(
    asks: list[Ask],
    cache: ResponseCache | None,
    limit: asyncio.Semaphore,
    tally: _Tally,
    on_answer: Callable[[], None],
) -> dict[int, Any]:
    """Answer every ask: replay cache hits inline, call the model for the rest."""
    by_key: dict[str, list[Ask]] = {}
    requests = {}
    for ask in asks:
        request = ask.request()
        by_key.setdefault(request.key, []).append(ask)
        requests[request.key] = request
    tally.asks += len(asks)
    hits = cache.get_many(requests) if cache is not None else {}
    answers: dict[int, Any] = {}
    pending = []
    for key, group in by_key.items():
        call = group[0].call
        hit = hits.get(key)
        result: CallResult[Any] | None = None
        if hit is not None:
            try:
                result = call.replay(hit, key)
            except Exception:
                result = None
        if result is not None:
            tally.cached += len(group)
            for ask in group:
                answers[id(ask)] = result.value
            on_answer()
        else:
            pending.append((key, group))

    async def ask_model(key: str, group: list[Ask]) -> None:
        async with limit:
            result = await group[0].call.execute(requests[key], cache=cache)
        tally.called += 1
        tally.retries += max(0, len(result.attempts) - 1)
        tally.usage = tally.usage + result.usage
        for ask in group:
            answers[id(ask)] = result.value
        on_answer()

    if pending:
        tasks = [asyncio.ensure_future(ask_model(k, g)) for k, g in pending]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
    return answers


async def resolve_async(
    records: list[Any],
    *,
    cache: ResponseCache | str | Path | None = None,
    max_concurrency: int = 8,
) -> list[Any]:
    """``records`` with every :class:`Ask` replaced by the model's (or the cache's) answer."""
    cache = _open_cache(cache)
    _check_concurrency(max_concurrency)
    asks: list[Ask] = []
    _find_asks(records, asks)
    try:
        answers = await _answer_all(
            asks, cache, asyncio.Semaphore(max_concurrency), _Tally(), lambda: None
        )
    finally:
        for client in {id(a.call.client): a.call.client for a in asks}.values():
            await client.aclose()
    return [_substitute(r, answers) for r in records]


def resolve(
    records: list[Any],
    *,
    cache: ResponseCache | str | Path | None = None,
    max_concurrency: int = 8,
) -> list[Any]:
    """Synchronous :func:`resolve_async`."""
    return run_sync(resolve_async(records, cache=cache, max_concurrency=max_concurrency))


def _open_cache(cache: ResponseCache | str | Path | None) -> ResponseCache | None:
    if isinstance(cache, (str, Path)):
        return ResponseCache(cache)
    return cache


def _check_concurrency(value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgument(
            f"max_concurrency must be a positive int, got max_concurrency={value!r}"
        )


async def run_dataset_async(
    gen: Gen[Any],
    count: int,
    *,
    seed: Seed,
    output: str | Path | None = None,
    cache: ResponseCache | str | Path | None = None,
    max_concurrency: int = 8,
    start: int = 0,
    window: int | None = None,
    progress: bool | None = None,
    records: list[Any] | None = None,
) -> RunReport:
    """Make records ``start .. start+count-1`` of ``(gen, seed)``, answering model values.

    ``output``: a JSONL file, written atomically (a temp file renamed at the end), records
    in index order. ``cache``: a :class:`ResponseCache` or the path of one (strongly
    recommended: it makes the run reproducible and resumable). ``records``: a list to
    append the resolved records to (for use without a file). ``progress``: a status line
    on stderr (default: when stderr is a terminal). ``window``: records drawn and answered
    together (default ``max(256, 16 * max_concurrency)``): memory stays bounded.
    """
    check_gen(gen, "run_dataset", "gen")
    return await run_records_async(
        stream(gen, count, seed=seed, start=start),
        count,
        output=output,
        cache=cache,
        max_concurrency=max_concurrency,
        window=window,
        progress=progress,
        records=records,
    )


async def run_records_async(
    draws: Iterable[Any],
    count: int,
    *,
    output: str | Path | None = None,
    cache: ResponseCache | str | Path | None = None,
    max_concurrency: int = 8,
    window: int | None = None,
    progress: bool | None = None,
    records: list[Any] | None = None,
) -> RunReport:
    """Like :func:`run_dataset_async` for records made elsewhere (``count`` of them, for
    the progress line): their :class:`Ask` values are answered, then they are written."""
    _check_concurrency(max_concurrency)
    store = _open_cache(cache)
    window = window or max(256, 16 * max_concurrency)
    began = time.perf_counter()
    tally = _Tally()
    limit = asyncio.Semaphore(max_concurrency)
    bar = _Progress(count, progress)
    out_path = Path(output) if output is not None else None
    done = 0
    clients: dict[int, Any] = {}
    try:
        with contextlib.ExitStack() as files:
            handle: IO[bytes] | None = None
            if out_path is not None:
                # Missing directories are made (and removed on failure) by atomic_output.
                handle = files.enter_context(atomic_output(out_path))
            for chunk in _chunks(iter(draws), window):
                asks: list[Ask] = []
                _find_asks(chunk, asks)
                for ask in asks:
                    clients.setdefault(id(ask.call.client), ask.call.client)
                answers = await _answer_all(asks, store, limit, tally, lambda: None)
                resolved = [_substitute(r, answers) for r in chunk]
                if handle is not None:
                    handle.write(_JSONL.encode([unstructure(r) for r in resolved], done))
                if records is not None:
                    records.extend(resolved)
                done += len(chunk)
                bar.update(done, tally)
    finally:
        for client in clients.values():
            await client.aclose()
    bar.update(done, tally, final=True)
    return RunReport(
        records=done,
        asks=tally.asks,
        cached=tally.cached,
        called=tally.called,
        retries=tally.retries,
        usage=tally.usage,
        seconds=time.perf_counter() - began,
        output=str(out_path) if out_path is not None else None,
    )


def run_dataset(
    gen: Gen[Any],
    count: int,
    *,
    seed: Seed,
    output: str | Path | None = None,
    cache: ResponseCache | str | Path | None = None,
    max_concurrency: int = 8,
    start: int = 0,
    window: int | None = None,
    progress: bool | None = None,
    records: list[Any] | None = None,
) -> RunReport:
    """Synchronous :func:`run_dataset_async` (works in scripts and in Jupyter)."""
    return run_sync(
        run_dataset_async(
            gen,
            count,
            seed=seed,
            output=output,
            cache=cache,
            max_concurrency=max_concurrency,
            start=start,
            window=window,
            progress=progress,
            records=records,
        )
    )


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


#: JSON Lines as write_dataset writes them: a value JSON cannot hold exactly (NaN, bytes,
#: an arbitrary object) is an error naming the record and its JSON Pointer.
_JSONL = JsonlFormat()
