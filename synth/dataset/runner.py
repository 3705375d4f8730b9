"""The dataset runner: records ``start … start+count-1`` of ``(generator, seed)`` to a file.

Records are made and written a chunk at a time (constant memory whatever the count), in
index order. With ``workers > 1`` worker processes each make whole chunks and send back
the encoded bytes; the parent only writes them in order, so the file is byte for byte the
one a single process writes.
"""

from __future__ import annotations

import collections
import gc
import hashlib
import os
import signal
import sys
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from typing import IO, Any

import attrs

from synth.core.errors import DatasetError, InvalidArgument
from synth.core.gen import Gen
from synth.core.seeding import Seed, seed_bytes, stream
from synth.dataset.atomic import atomic_output, check_output_dir
from synth.dataset.formats import Format, format_for, infer_format, with_index
from synth.dataset.recipe import Recipe, build_generator

__all__ = ["DatasetResult", "chunk_ranges", "make_chunk", "write_dataset"]

Progress = Callable[[int, int], None]


@attrs.frozen
class DatasetResult:
    """What ``write_dataset`` wrote: where, how many records, the bytes' SHA-256 (None when
    written with ``checksum=False``)."""

    path: str
    count: int
    seed: Seed
    format: str
    bytes: int
    sha256: str | None
    seconds: float
    manifest: str | None = None


def chunk_ranges(start: int, count: int, size: int) -> Iterator[tuple[int, int]]:
    """Index ranges ``[lo, hi)`` covering ``start … start+count-1``, cut at multiples of
    ``size`` so that every process cuts the same chunks."""
    i, end = start, start + count
    while i < end:
        hi = min(end, (i // size + 1) * size)
        yield i, hi
        i = hi


def make_chunk(gen: Gen[Any], seed: Seed, lo: int, hi: int, index: bool) -> list[Any]:
    """Records ``lo … hi-1``; with ``index`` each dict record becomes ``{"index": i, **record}``."""
    records = list(stream(gen, hi - lo, seed=seed, start=lo))
    return with_index(records, lo) if index else records


def _encoded_chunk(gen: Gen[Any], seed: Seed, fmt: Format, lo: int, hi: int, index: bool) -> Any:
    """Records ``lo … hi-1`` encoded (``fmt.encode(make_chunk(...))``, maybe faster)."""
    return fmt.encode_chunk(list(stream(gen, hi - lo, seed=seed, start=lo)), lo, index)


def _check_count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgument(f"expected {name} to be a non-negative int, got {name}={value!r}")
    return value


def write_dataset(
    source: Gen[Any] | Recipe,
    path: str | os.PathLike[str] | IO[bytes],
    count: int,
    *,
    seed: Seed,
    format: str | None = None,
    start: int = 0,
    workers: int = 1,
    index: bool = False,
    manifest: bool = False,
    progress: Progress | None = None,
    arguments: Mapping[str, Any] | None = None,
    reference_time: Any = None,
    parquet_options: Mapping[str, Any] | None = None,
    checksum: bool = True,
    check_finite: bool = True,
) -> DatasetResult:
    """Write records ``start … start+count-1`` of ``(source, seed)`` to ``path``.

    ``source`` is a generator or a :class:`Recipe` that builds one. ``format`` is
    ``"jsonl"``, ``"json"`` (one JSON array) or ``"parquet"`` (needs ``synth[parquet]``);
    by default it follows the file extension. The file appears complete or not at all: a
    temporary file beside it is renamed at the end, and removed on any error or Ctrl-C.
    ``path`` may also be ``"-"`` (standard output) or an open binary file (no atomicity).

    ``workers > 1`` makes chunks in that many processes; the bytes are identical to
    ``workers=1``. Workers rebuild a :class:`Recipe` by calling it; a plain generator is
    inherited through ``fork`` where the OS has it, and must otherwise be picklable.

    ``index=True`` writes ``{"index": i, **record}`` (the seed CLI's shape). ``manifest``
    writes ``PATH.manifest.json`` (see :mod:`synth.dataset.manifest`); ``arguments`` and
    ``reference_time`` are recorded in it. ``progress(done, total)`` is called after each
    chunk. ``checksum=False`` skips the SHA-256 of the bytes (about 1.4 ms per MB; the
    result's ``sha256`` is then None); a manifest always records it. A NaN or infinite
    float, which JSON cannot hold, stops the run naming its record and pointer;
    ``check_finite=False`` skips that search (for generators known never to make one,
    such as synth's built-in agent data: it costs up to a walk of each record with a
    ``null``).
    """
    began = time.perf_counter()
    _check_count("count", count)
    _check_count("start", start)
    seed_bytes(seed)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidArgument(f"expected workers to be a positive int, got workers={workers!r}")
    to_file = isinstance(path, (str, os.PathLike)) and os.fspath(path) != "-"
    name = format or infer_format(path if to_file else None)
    fmt = format_for(name, check_finite=check_finite, **dict(parquet_options or {}))
    if manifest and not to_file:
        raise InvalidArgument("manifest=True needs an output file path, not a stream")
    gen = build_generator(source)
    if to_file:
        check_output_dir(path)  # before generating anything: fail fast
    chunks = _encoded_chunks(source, gen, seed, start, count, fmt, workers, index)
    hasher = _Hasher(checksum or manifest)

    def write_to(handle: IO[bytes]) -> None:
        out = hasher.wrap(handle)
        sink = fmt.open(out)
        try:
            done = 0
            for n, payload in chunks:
                sink.write(payload)
                done += n
                if progress is not None:
                    progress(done, count)
            sink.close()
        except BaseException:
            chunks.close()  # stops worker processes now
            out.discard()
            sink.abort()
            raise
        out.flush()

    if to_file:
        target = os.path.abspath(path)
        with atomic_output(target) as handle:
            write_to(handle)
            manifest_path = None
            if manifest:
                from synth.dataset.manifest import manifest_document, write_manifest
                from synth.dataset.manifest import manifest_path as manifest_path_of

                doc = manifest_document(
                    gen=gen,
                    source=source,
                    seed=seed,
                    count=count,
                    start=start,
                    format=name,
                    index=index,
                    arguments=arguments,
                    reference_time=reference_time,
                    path=target,
                    size=hasher.size,
                    sha256=hasher.hexdigest(),
                )
                write_manifest(target, doc)
                manifest_path = manifest_path_of(os.fspath(path))
        shown = os.fspath(path)
    else:
        stream_out = sys.stdout.buffer if isinstance(path, (str, os.PathLike)) else path
        write_to(stream_out)
        manifest_path = None
        shown = "-"
    return DatasetResult(
        path=shown,
        count=count,
        seed=seed,
        format=name,
        bytes=hasher.size,
        sha256=hasher.maybe_hexdigest(),
        seconds=time.perf_counter() - began,
        manifest=manifest_path,
    )


class _Hasher:
    """SHA-256 and size of everything written through the wrapped file."""

    def __init__(self, enabled: bool = True) -> None:
        self._sha = hashlib.sha256() if enabled else None
        self.size = 0

    def hexdigest(self) -> str:
        assert self._sha is not None, "hexdigest() of a hasher made with enabled=False"
        return self._sha.hexdigest()

    def maybe_hexdigest(self) -> str | None:
        return None if self._sha is None else self._sha.hexdigest()

    def wrap(self, handle: IO[bytes]) -> _HashingFile:
        return _HashingFile(handle, self)


class _HashingFile:
    """A write-only binary file that hashes what it writes (Parquet writes sequentially)."""

    def __init__(self, handle: IO[bytes], hasher: _Hasher) -> None:
        self._handle = handle
        self._hasher = hasher
        self.closed = False

    def discard(self) -> None:
        """Drop whatever is written from now on (a failed run's writer shutting down)."""
        self._handle = _NullFile()

    def write(self, data: Any) -> int:
        view = memoryview(data)
        sha = self._hasher._sha
        if sha is not None:
            sha.update(view)
        self._hasher.size += view.nbytes
        self._handle.write(view)
        return view.nbytes

    def tell(self) -> int:
        return self._hasher.size

    def flush(self) -> None:
        self._handle.flush()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readable(self) -> bool:
        return False

    def close(self) -> None:
        # The runner closes the real file; a library closing its writer must not.
        self.closed = True


class _NullFile:
    def write(self, data: Any) -> int:
        return len(data)

    def flush(self) -> None:
        pass


# -- making chunks: in process or in workers ------------------------------------------------


def _encoded_chunks(
    source: Gen[Any] | Recipe,
    gen: Gen[Any],
    seed: Seed,
    start: int,
    count: int,
    fmt: Format,
    workers: int,
    index: bool,
) -> Generator[tuple[int, Any], None, None]:
    """The encoded chunks in index order. A format that looks at the first chunk (Parquet
    infers its schema from it) gets it here, at once, before its sink is opened."""
    ranges = chunk_ranges(start, count, fmt.chunk_records)
    head: list[tuple[int, Any]] = []
    if fmt.looks_at_first_chunk:
        first = next(ranges, None)
        records = make_chunk(gen, seed, *first, index) if first else []
        fmt.prepare(records, first[0] if first else start)
        head = [(len(records), fmt.encode(records))] if records else []
        del records
    if workers == 1:
        rest: Iterator[tuple[int, Any]] = (
            (hi - lo, _encoded_chunk(gen, seed, fmt, lo, hi, index)) for lo, hi in ranges
        )
    else:
        rest = _in_workers(source, gen, seed, fmt, index, ranges, workers)
    return _chained(head, rest)


def _chained(
    head: list[tuple[int, Any]], rest: Iterator[tuple[int, Any]]
) -> Generator[tuple[int, Any], None, None]:
    # A generator, so that closing it (write_dataset does on any error) closes ``rest``
    # at once: worker processes are stopped then, not whenever the garbage collector
    # gets to them.
    yield from head
    yield from rest


_WORKER: tuple[Gen[Any], Seed, Format, bool] | None = None


def _start_worker(source: Any, seed: Seed, fmt: Format, index: bool) -> None:
    global _WORKER
    # Ctrl-C is the parent's to handle: it stops the workers and removes the temp file; it
    # stops workers with SIGTERM, which must end them quietly whatever the parent set.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        # Blocked by the parent while it started us (see _start_workers); now ignored.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    _keep_heap()
    _WORKER = (build_generator(source), seed, fmt, index)


def _worker_main(conn: Any, initargs: tuple[Any, ...]) -> None:
    """A worker process: builds the generator, then makes the chunks the parent asks for,
    in the order asked, until it is sent ``None`` (or its pipe closes).

    Each answer is ``(True, payload)`` or ``(False, error)``; an error ends the worker.
    """
    try:
        _start_worker(*initargs)
        while True:
            try:
                task = conn.recv()
            except EOFError:  # the parent is gone
                return
            if task is None:
                return
            conn.send((True, _work(*task)))
    except BaseException as exc:  # sent to the parent, which raises it
        try:
            conn.send((False, _portable(exc)))
        except Exception:
            pass
    finally:
        conn.close()


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a :class:`DatasetError` that says what it was."""
    import pickle
    import traceback

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return DatasetError(f"a worker process failed: {detail}")


# glibc's mallopt() parameters (malloc.h): the heap is not handed back to the OS while
# less than M_TRIM_THRESHOLD bytes are free at its top, and grows by M_TOP_PAD extra bytes.
_M_TRIM_THRESHOLD, _M_TOP_PAD = -1, -2


def _keep_heap() -> None:
    """In a worker process: keep freed heap memory for the next chunk.

    Each chunk allocates and frees a few megabytes (records, their encoding, the pickled
    result). With glibc's defaults a worker returns that memory to the OS after every
    chunk and page-faults it back for the next one: measured at 300,000 ``json`` records
    with 2 workers, 306,000 page faults and a fifth of the workers' CPU time in the kernel,
    against 13,000 faults with a 64 MiB pad. Best effort: only glibc has ``mallopt``, and
    only worker processes (ours, short-lived) are tuned, never the caller's process.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    mallopt(_M_TOP_PAD, 64 << 20)
    mallopt(_M_TRIM_THRESHOLD, 128 << 20)


def _work(lo: int, hi: int) -> bytes:
    assert _WORKER is not None
    gen, seed, fmt, index = _WORKER
    return fmt.encode_chunk_bytes(list(stream(gen, hi - lo, seed=seed, start=lo)), lo, index)


def _context() -> Any:
    import multiprocessing  # only with workers > 1

    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _shippable(source: Gen[Any] | Recipe, ctx: Any) -> Any:
    """What to hand to worker processes: the source itself, checked when it must pickle."""
    if ctx.get_start_method() == "fork":
        return source  # inherited by the forked workers, never pickled
    try:
        import pickle

        pickle.dumps(source)
    except Exception as exc:
        raise InvalidArgument(
            f"the generator cannot be sent to worker processes ({type(exc).__name__}: {exc}); "
            "pass synth.dataset.Recipe('package.module:function', kwargs) that builds it, "
            "or use workers=1"
        ) from exc
    return source


class _Workers:
    """Worker processes, each with its own pipe, that make chunks in index order.

    Chunk ``k`` goes to worker ``k % n`` and is read back from it, so order needs no
    bookkeeping, and the parent runs no helper threads (the pool of the standard library
    has three, whose teardown after an error could hang). A worker that dies is noticed at
    once (its pipe closes) and reported, never waited for.
    """

    def __init__(self, ctx: Any, workers: int, initargs: tuple[Any, ...]) -> None:
        self.procs: list[Any] = []
        self.conns: list[Any] = []
        signals = {signal.SIGINT, signal.SIGTERM}
        # Workers must never see a Ctrl-C: SIGINT and SIGTERM stay blocked while they start
        # (a child inherits the mask) until they ignore them, so a Ctrl-C during start-up
        # reaches only the parent, which stops everything cleanly.
        can_block = hasattr(signal, "pthread_sigmask")
        previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, signals) if can_block else None
        # Forked workers share the parent's memory until they write to it; a garbage
        # collection in a worker would touch (and so copy) every object. Frozen objects are
        # left alone by the collector (see gc.freeze), which saves most of those copies. The
        # caller's own use of gc.freeze (and its signal mask) is left exactly as it was.
        freeze = gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        try:
            for _ in range(workers):
                ours, theirs = ctx.Pipe()
                proc = ctx.Process(target=_worker_main, args=(theirs, initargs), daemon=True)
                self.procs.append(proc)
                self.conns.append(ours)
                proc.start()
                theirs.close()
        except BaseException:
            self.stop()
            raise
        finally:
            if freeze:
                gc.unfreeze()
            if previous_mask is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)

    def send(self, k: int, lo: int, hi: int) -> None:
        try:
            self.conns[k % len(self.conns)].send((lo, hi))
        except OSError:
            pass  # the worker has ended: receive() reports why, in order

    def receive(self, k: int, lo: int, hi: int) -> Any:
        w = k % len(self.conns)
        try:
            ok, value = self.conns[w].recv()
        except (EOFError, ConnectionResetError, OSError):
            proc = self.procs[w]
            proc.join(timeout=1)
            raise DatasetError(
                f"worker process {proc.pid} ended unexpectedly (exit code {proc.exitcode}) "
                f"while making records {lo}..{hi - 1}; nothing was written. It was probably "
                "killed (out of memory?); try fewer workers or workers=1"
            ) from None
        if not ok:
            raise value
        return value

    def finish(self) -> None:
        """Tell every worker to stop, after all chunks were read."""
        for conn in self.conns:
            try:
                conn.send(None)
            except OSError:
                pass
        for proc in self.procs:
            proc.join(timeout=10)

    def stop(self) -> None:
        """End every worker now (they keep no state worth saving) and release them."""
        for proc in self.procs:
            if proc.exitcode is None and proc.pid is not None:
                proc.terminate()
        for proc in self.procs:
            if proc.pid is None:
                continue
            proc.join(timeout=5)
            if proc.exitcode is None:
                proc.kill()
                proc.join()
        for conn in self.conns:
            conn.close()
        for proc in self.procs:
            if proc.pid is not None:
                proc.close()


def _in_workers(
    source: Gen[Any] | Recipe,
    gen: Gen[Any],
    seed: Seed,
    fmt: Format,
    index: bool,
    ranges: Iterator[tuple[int, int]],
    workers: int,
) -> Iterator[tuple[int, Any]]:
    ctx = _context()
    shipped = _shippable(source if isinstance(source, Recipe) else gen, ctx)
    pool = _Workers(ctx, workers, (shipped, seed, fmt, index))
    try:
        # A bounded window of chunks in flight (two per worker) keeps memory constant when
        # writing is slow.
        pending: collections.deque[tuple[int, int, int]] = collections.deque()
        for k, (lo, hi) in enumerate(ranges):
            pool.send(k, lo, hi)
            pending.append((k, lo, hi))
            if len(pending) >= 2 * workers:
                k0, lo0, hi0 = pending.popleft()
                yield hi0 - lo0, pool.receive(k0, lo0, hi0)
        while pending:
            k0, lo0, hi0 = pending.popleft()
            yield hi0 - lo0, pool.receive(k0, lo0, hi0)
        pool.finish()
    finally:
        pool.stop()
