"""Output formats: how a chunk of records becomes bytes, and how chunks become a file.

A format has two halves so that the expensive half can run in worker processes:

* ``encode(records)`` turns a list of records into a payload (bytes, or an Arrow table
  for Parquet). It is a pure function of the records: any process gives the same bytes.
* ``open(handle)`` returns a sink that writes payloads to a binary file in index order and
  finishes the file (the closing ``]`` of a JSON array, the Parquet footer).

Chunk boundaries are fixed multiples of ``chunk_records`` (itself a multiple of
``synth.BLOCK_SIZE``), so one process, N workers or a cluster produce the same chunks.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import IO, Any

import orjson

from synth.core.errors import InvalidArgument
from synth.core.seeding import BLOCK_SIZE

__all__ = ["FORMATS", "Format", "JsonArrayFormat", "JsonlFormat", "format_for", "infer_format"]

FORMATS = ("jsonl", "json", "parquet")
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet"}

_OPTIONS = orjson.OPT_NON_STR_KEYS
_LINE = _OPTIONS | orjson.OPT_APPEND_NEWLINE
_line = orjson.dumps


def _fallback(value: Any) -> Any:
    # Values JSON has no type for are written as their text, as the seed CLI does.
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return str(value)


def dumps(record: Any) -> bytes:
    """One record as compact UTF-8 JSON (orjson; stdlib json for integers beyond 64 bits)."""
    try:
        return orjson.dumps(record, default=_fallback, option=_OPTIONS)
    except orjson.JSONEncodeError:
        text = json.dumps(record, default=_fallback, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8")


def with_index(records: list[Any], start: int) -> list[dict[str, Any]]:
    """``{"index": i, **record}`` for the records numbered from ``start``."""
    out = []
    for i, record in enumerate(records, start):
        if not isinstance(record, dict):
            raise InvalidArgument(
                f"index=True needs dict records, got {type(record).__name__} for record {i}; "
                "use index=False"
            )
        out.append({"index": i, **record})
    return out


class Format:
    """Base class of output formats (see the module docstring)."""

    name = ""
    chunk_records = BLOCK_SIZE * 64
    looks_at_first_chunk = False  # True: prepare() is given the first chunk

    def prepare(self, first_chunk: list[Any]) -> None:
        """Look at the first chunk before anything is encoded (Parquet infers its schema)."""

    def encode(self, records: list[Any]) -> Any:
        raise NotImplementedError

    def encode_bytes(self, records: list[Any]) -> bytes:
        """``encode`` as bytes, to ship from a worker process."""
        return self.encode(records)

    def encode_chunk(self, records: list[Any], start: int, index: bool) -> Any:
        """``encode`` of records numbered from ``start``; with ``index`` of
        ``{"index": i, **record}`` (a format may write that without building the dicts)."""
        return self.encode(with_index(records, start) if index else records)

    def encode_chunk_bytes(self, records: list[Any], start: int, index: bool) -> bytes:
        """``encode_chunk`` as bytes, to ship from a worker process."""
        return self.encode_bytes(with_index(records, start) if index else records)

    def open(self, handle: IO[bytes]) -> Sink:
        return Sink(handle)


class Sink:
    """Writes encoded chunks to a binary file, in order."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle

    def write(self, payload: Any) -> None:
        self.handle.write(payload)

    def close(self) -> None:
        """Finish the file (called only when every chunk was written)."""

    def abort(self) -> None:
        """Release resources after a failure (the file is about to be deleted)."""


class JsonlFormat(Format):
    """JSON Lines: one compact JSON record per line."""

    name = "jsonl"

    def encode(self, records: list[Any]) -> bytes:
        try:
            return b"".join([_line(r, default=_fallback, option=_LINE) for r in records])
        except orjson.JSONEncodeError:  # an integer beyond 64 bits: the slow path
            return b"".join([dumps(r) + b"\n" for r in records])

    def encode_chunk(self, records: list[Any], start: int, index: bool) -> bytes:
        if not index:
            return self.encode(records)
        # `{"index": i, **record}` encodes as '{"index":i,' followed by the record's own
        # encoding after its '{' (orjson writes keys in order, compactly): splice the bytes
        # instead of building a second dict per record. Records that are not plain dicts,
        # or that have their own "index" key, take the general path.
        lines = []
        append = lines.append
        try:
            for i, record in enumerate(records, start):
                if type(record) is not dict or "index" in record:
                    return super().encode_chunk(records, start, index)
                body = _line(record, default=_fallback, option=_LINE)
                append(b'{"index":%d,' % i + body[1:] if record else b'{"index":%d}\n' % i)
        except orjson.JSONEncodeError:  # an integer beyond 64 bits: the slow path
            return super().encode_chunk(records, start, index)
        return b"".join(lines)

    def encode_chunk_bytes(self, records: list[Any], start: int, index: bool) -> bytes:
        return self.encode_chunk(records, start, index)


class JsonArrayFormat(Format):
    """One JSON array, written as it streams: ``[``, records one per line, ``]``."""

    name = "json"

    def encode(self, records: list[Any]) -> bytes:
        return b",\n".join([dumps(r) for r in records])

    def open(self, handle: IO[bytes]) -> Sink:
        return _JsonArraySink(handle)


class _JsonArraySink(Sink):
    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__(handle)
        self.first = True
        handle.write(b"[")

    def write(self, payload: Any) -> None:
        if not payload:
            return
        self.handle.write(b"\n" if self.first else b",\n")
        self.handle.write(payload)
        self.first = False

    def close(self) -> None:
        self.handle.write(b"]\n" if self.first else b"\n]\n")


def infer_format(path: str | os.PathLike[str] | None) -> str:
    """The format named by a file's extension (``.jsonl``, ``.json``, ``.parquet``);
    JSON Lines for anything else and for standard output."""
    if path is None or os.fspath(path) == "-":
        return "jsonl"
    ext = os.path.splitext(os.fspath(path))[1].lower()
    return _EXTENSIONS.get(ext, "jsonl")


def format_for(name: str, **options: Any) -> Format:
    """A fresh format object by name: ``jsonl``, ``json`` or ``parquet``.

    ``options`` are passed to the Parquet format (``nested``, ``schema``, ``row_group_size``).
    """
    if name == "jsonl":
        return JsonlFormat()
    if name == "json":
        return JsonArrayFormat()
    if name == "parquet":
        from synth.dataset.parquet import ParquetFormat

        return ParquetFormat(**options)
    raise InvalidArgument(f"unknown format={name!r}; expected one of {', '.join(FORMATS)}")


def plain_uuid(value: Any) -> Any:
    """UUIDs as their canonical text (Arrow has no type to infer for them)."""
    return str(value) if isinstance(value, uuid.UUID) else value
