"""Output formats: how a chunk of records becomes bytes, and how chunks become a file.

A format has two halves so that the expensive half can run in worker processes:

* ``encode(records)`` turns a list of records into a payload (bytes, or an Arrow table
  for Parquet). It is a pure function of the records: any process gives the same bytes.
* ``open(handle)`` returns a sink that writes payloads to a binary file in index order and
  finishes the file (the closing ``]`` of a JSON array, the Parquet footer).

Chunk boundaries are fixed multiples of ``chunk_records`` (itself a multiple of
``synth.BLOCK_SIZE``), so one process, N workers or a cluster produce the same chunks.

JSON gets every value exactly or not at all: ``datetime``/``date``/``time`` (RFC 3339),
``UUID``, ``Enum``, dataclass and attrs instances, ``Decimal`` (an exact JSON number),
sets (a sorted array) and integers of any size are written faithfully; a NaN or infinite
float, ``bytes`` or any other object JSON has no type for is refused with a
:class:`~synth.core.errors.DatasetError` naming the record and the JSON Pointer of the
value (``/3/score``), never written as ``null`` or as its ``str()``.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import os
import uuid
from typing import IO, Any

import attrs
import orjson

from synth.core.errors import DatasetError, InvalidArgument
from synth.core.seeding import BLOCK_SIZE

__all__ = ["FORMATS", "Format", "JsonArrayFormat", "JsonlFormat", "format_for", "infer_format"]

FORMATS = ("jsonl", "json", "parquet")
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet"}

_OPTIONS = orjson.OPT_NON_STR_KEYS
_LINE = _OPTIONS | orjson.OPT_APPEND_NEWLINE
_line = orjson.dumps


def _fallback(value: Any) -> Any:
    # Only what has an exact JSON form; anything else makes orjson raise (see _problem).
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, decimal.Decimal) and value.is_finite():
        return orjson.Fragment(str(value).encode())  # '1.50', '-0', '1E+3': JSON numbers
    if attrs.has(type(value)):
        return attrs.asdict(value, recurse=False)
    raise TypeError(type(value).__name__)


class _Unwritable(Exception):
    """A value JSON cannot hold: ``pointer`` inside the record and what it is."""

    def __init__(self, pointer: str, what: str) -> None:
        super().__init__(pointer, what)
        self.pointer = pointer
        self.what = what

    def error(self, index: int) -> DatasetError:
        return DatasetError(
            f"record {index} cannot be written as JSON: /{index}{self.pointer} is {self.what}"
        )


def _encode(record: Any, option: int, check_finite: bool = True) -> bytes:
    """One record as compact UTF-8 JSON, or :class:`_Unwritable`."""
    try:
        body = orjson.dumps(record, default=_fallback, option=option)
    except orjson.JSONEncodeError:
        found = _problem(record, "")
        if found is not None:
            raise found from None
        # Integers beyond 64 bits (orjson refuses them): written exactly, as raw numbers.
        body = orjson.dumps(_exact_ints(record), default=_fallback, option=option)
    if check_finite and b"null" in body and _any_nonfinite(record):
        # orjson writes NaN and infinities as null: tell them from None.
        found = _nonfinite(record, "")
        if found is not None:
            raise found
    return body


def dumps(record: Any) -> bytes:
    """One record as compact UTF-8 JSON; a value JSON cannot hold exactly raises
    :class:`~synth.core.errors.DatasetError` with its JSON Pointer."""
    try:
        return _encode(record, _OPTIONS)
    except _Unwritable as exc:
        raise DatasetError(
            f"cannot be written as JSON: {exc.pointer or '/'} is {exc.what}"
        ) from None


_FLOAT_FIX = "JSON has no NaN or Infinity; replace it in the generator (e.g. with None)"


def _members(value: Any) -> Any:
    """``(key, item)`` of each value a JSON writer puts inside ``value`` (an object's
    members, an array's items, a set's items in a stable order, a dataclass's or an attrs
    instance's fields), or None for a value with nothing inside."""
    if isinstance(value, dict):
        return value.items()
    if isinstance(value, (list, tuple)):
        return enumerate(value)
    if isinstance(value, (set, frozenset)):
        return enumerate(sorted(value, key=repr))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
    if attrs.has(type(value)):
        return attrs.asdict(value, recurse=False).items()
    return None


def _nonfinite(value: Any, pointer: str) -> _Unwritable | None:
    """The first NaN or infinite float inside ``value``."""
    t = type(value)
    if t is str or t is int or t is bool or value is None:
        return None
    if isinstance(value, float):
        if value - value == 0.0:
            return None
        return _Unwritable(pointer, f"the float {value!r}; {_FLOAT_FIX}")
    for key, item in _members(value) or ():
        found = _nonfinite(item, f"{pointer}/{_escape(key)}")
        if found is not None:
            return found
    return None


def _problem(value: Any, pointer: str) -> _Unwritable | None:
    """The first value inside ``value`` that JSON cannot hold exactly (NaN and infinite
    floats aside: orjson writes those, as null)."""
    t = type(value)
    if t is str or t is int or t is bool or t is float or value is None:
        return None
    if isinstance(value, (str, int, float)):  # subclasses: Enum members, bool, ...
        return None
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, (str, int, float, bool, uuid.UUID, enum.Enum)) and not (
                key is None or isinstance(key, (datetime.date, datetime.time))
            ):
                return _Unwritable(
                    f"{pointer}/{_escape(key)}",
                    f"under a key of type {type(key).__name__}, which JSON cannot name; "
                    "use str keys",
                )
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _Unwritable(
            pointer,
            f"{type(value).__name__} ({len(value)} bytes); JSON has no binary type: decode "
            "or base64-encode it in the generator, or write Parquet",
        )
    if isinstance(value, decimal.Decimal):
        if value.is_finite():
            return None
        return _Unwritable(pointer, f"Decimal({str(value)!r}); {_FLOAT_FIX}")
    if isinstance(value, (datetime.date, datetime.time, uuid.UUID)):
        return None
    if isinstance(value, enum.Enum):
        return _problem(value.value, pointer)
    members = _members(value)
    if members is None:
        return _Unwritable(
            pointer,
            f"a {type(value).__module__}.{type(value).__qualname__} object, which JSON has "
            "no type for; turn it into a dict, list, str or number in the generator",
        )
    for key, item in members:
        found = _problem(item, f"{pointer}/{_escape(key)}")
        if found is not None:
            return found
    return None


def _exact_ints(value: Any) -> Any:
    """``value`` with integers beyond 64 bits as raw JSON numbers (orjson refuses them)."""
    t = type(value)
    if t is int:
        return orjson.Fragment(str(value).encode()) if not -(2**63) <= value < 2**64 else value
    if t is dict:
        return {
            (str(k) if type(k) is int and not -(2**63) <= k < 2**64 else k): _exact_ints(v)
            for k, v in value.items()
        }
    if t is list or t is tuple:
        return [_exact_ints(v) for v in value]
    if t is set or t is frozenset:
        return [_exact_ints(v) for v in sorted(value, key=repr)]
    return value


def _escape(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


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
    #: Look for NaN and infinite floats, which orjson would write as null (a walk of each
    #: record with a null in its JSON). Off only for records known to hold none.
    check_finite = True

    def prepare(self, first_chunk: list[Any], start: int = 0) -> None:
        """Look at the first chunk (records ``start, ...``) before anything is encoded
        (Parquet infers its schema)."""

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

    def encode(self, records: list[Any], start: int = 0) -> bytes:
        try:
            lines = [_line(r, default=_fallback, option=_LINE) for r in records]
        except orjson.JSONEncodeError:  # an integer beyond 64 bits, or no JSON for a value
            return b"".join(_each(records, start, _LINE, self.check_finite))
        out = b"".join(lines)
        if self.check_finite and b"null" in out:  # orjson writes NaN and infinities as null
            _check_finite(records, lines, start)
        return out

    def encode_chunk(self, records: list[Any], start: int, index: bool) -> bytes:
        if not index:
            return self.encode(records, start)
        # `{"index": i, **record}` encodes as '{"index":i,' followed by the record's own
        # encoding after its '{' (orjson writes keys in order, compactly): splice the bytes
        # instead of building a second dict per record. Records that are not plain dicts,
        # or that have their own "index" key, take the general path.
        lines = []
        append = lines.append
        try:
            for i, record in enumerate(records, start):
                if type(record) is not dict or "index" in record:
                    return self.encode(with_index(records, start), start)
                body = _line(record, default=_fallback, option=_LINE)
                append(b'{"index":%d,' % i + body[1:] if record else b'{"index":%d}\n' % i)
        except orjson.JSONEncodeError:  # an integer beyond 64 bits, or no JSON for a value
            return self.encode(with_index(records, start), start)
        out = b"".join(lines)
        if self.check_finite and b"null" in out:  # orjson writes NaN and infinities as null
            _check_finite(records, lines, start)
        return out

    def encode_chunk_bytes(self, records: list[Any], start: int, index: bool) -> bytes:
        return self.encode_chunk(records, start, index)


def _each(records: list[Any], start: int, option: int, check_finite: bool = True) -> list[bytes]:
    out = []
    for i, record in enumerate(records, start):
        try:
            out.append(_encode(record, option, check_finite))
        except _Unwritable as exc:
            raise exc.error(i) from None
    return out


def _check_finite(records: list[Any], lines: list[bytes], start: int) -> None:
    for i, (record, line) in enumerate(zip(records, lines, strict=True), start):
        if b"null" in line and _any_nonfinite(record):
            found = _nonfinite(record, "")
            if found is not None:
                raise found.error(i)


def _any_nonfinite(value: Any) -> bool:
    """Whether a NaN or infinite float hides in the plain JSON data ``value`` (a quick
    walk; other types are left to :func:`_nonfinite`, which also finds where)."""
    t = type(value)
    if t is dict:
        items: Any = value.values()
    elif t is list or t is tuple:
        items = value
    elif t is float:
        return value - value != 0.0
    else:
        return value is not None and t is not str and t is not int and t is not bool
    for x in items:
        tx = type(x)
        if tx is str or x is None or tx is int or tx is bool:
            continue
        if tx is float:
            if x - x != 0.0:
                return True
        elif _any_nonfinite(x):
            return True
    return False


class JsonArrayFormat(Format):
    """One JSON array, written as it streams: ``[``, records one per line, ``]``."""

    name = "json"

    def encode(self, records: list[Any], start: int = 0) -> bytes:
        return b",\n".join(_each(records, start, _OPTIONS, self.check_finite))

    def encode_chunk(self, records: list[Any], start: int, index: bool) -> bytes:
        return self.encode(with_index(records, start) if index else records, start)

    def encode_chunk_bytes(self, records: list[Any], start: int, index: bool) -> bytes:
        return self.encode_chunk(records, start, index)

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


def format_for(name: str, *, check_finite: bool = True, **options: Any) -> Format:
    """A fresh format object by name: ``jsonl``, ``json`` or ``parquet``.

    ``options`` are passed to the Parquet format (``nested``, ``schema``, ``row_group_size``).
    ``check_finite=False`` skips the search for NaN and infinite floats (see
    :attr:`Format.check_finite`).
    """
    fmt: Format
    if name == "jsonl":
        fmt = JsonlFormat()
    elif name == "json":
        fmt = JsonArrayFormat()
    elif name == "parquet":
        from synth.dataset.parquet import ParquetFormat

        fmt = ParquetFormat(**options)
    else:
        raise InvalidArgument(f"unknown format={name!r}; expected one of {', '.join(FORMATS)}")
    fmt.check_finite = check_finite
    return fmt


def plain_uuid(value: Any) -> Any:
    """UUIDs as their canonical text (Arrow has no type to infer for them)."""
    return str(value) if isinstance(value, uuid.UUID) else value
