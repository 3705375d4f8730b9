"""Parquet output (the only module that imports pyarrow; install ``synth[parquet]``).

Records are written in row groups of ``row_group_size`` records, streaming: only one row
group is in memory at a time. Columns are the keys of the records. Nested values:

* ``nested="json"`` (default): every dict or list value is stored as a JSON text column,
  and scalar columns keep their Arrow type. This always works, whatever shape nested
  values take from record to record (tool arguments differ per tool, steps per trace).
* ``nested="struct"``: dicts become Arrow structs and lists Arrow lists, so nested fields
  can be queried directly. The schema is inferred from the first row group (or given with
  ``schema=``); a later record that does not fit it stops the run with a clear error.

Top-level columns are inferred from the first row group; a column that is null in all of
it is stored as text. A record with a key the schema does not have is an error, never a
silently dropped field.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import IO, Any

from synth.core.errors import DatasetError, InvalidArgument, MissingExtra
from synth.core.seeding import BLOCK_SIZE
from synth.dataset.formats import (
    _OPTIONS,
    Format,
    Sink,
    _encode,
    _escape,
    _Unwritable,
    plain_uuid,
    with_index,
)

try:
    import pyarrow as pa
    import pyarrow.ipc as ipc
    import pyarrow.parquet as pq
except ImportError as exc:  # pragma: no cover - exercised by a subprocess test
    raise MissingExtra(
        "writing Parquet needs pyarrow, which is not installed; "
        "install the extra with: pip install 'synth[parquet]'",
        extra="parquet",
    ) from exc

__all__ = ["ParquetFormat", "read_records"]

_NESTED = ("json", "struct")


class ParquetFormat(Format):
    """Parquet in row groups; see the module docstring for how nested data is stored."""

    name = "parquet"
    looks_at_first_chunk = True

    def __init__(
        self,
        *,
        nested: str = "json",
        schema: Any = None,
        row_group_size: int = BLOCK_SIZE * 256,
    ) -> None:
        if nested not in _NESTED:
            raise InvalidArgument(f"expected nested to be 'json' or 'struct', got {nested!r}")
        if schema is not None and not isinstance(schema, pa.Schema):
            raise InvalidArgument(
                f"expected schema to be a pyarrow.Schema, got {type(schema).__name__}"
            )
        if (
            isinstance(row_group_size, bool)
            or not isinstance(row_group_size, int)
            or row_group_size <= 0
            or row_group_size % BLOCK_SIZE
        ):
            raise InvalidArgument(
                f"expected row_group_size to be a positive multiple of {BLOCK_SIZE}, "
                f"got row_group_size={row_group_size!r}"
            )
        self.nested = nested
        self.schema = schema
        self._json_columns: frozenset[str] = frozenset()
        self._uuid_columns: frozenset[str] = frozenset()
        self._start = 0
        self.chunk_records = row_group_size

    # -- columns ---------------------------------------------------------------------------
    def _columns(self, records: list[Any], names: list[str]) -> dict[str, list[Any]]:
        if records and not isinstance(records[0], dict):
            raise DatasetError(
                "Parquet needs records that are dicts (one column per key), got "
                f"{type(records[0]).__name__}; wrap the generator in synth.record(...) or "
                "write JSON Lines"
            )
        columns = {name: [r.get(name) for r in records] for name in names}
        for name, values in columns.items():
            if name in self._json_columns:
                columns[name] = self._json_texts(name, values)
            elif name in self._uuid_columns or self.nested == "struct":
                columns[name] = [_plain(v) for v in values]
        return columns

    def _json_texts(self, name: str, values: list[Any]) -> list[str | None]:
        out: list[str | None] = []
        for i, v in enumerate(values):
            try:
                out.append(None if v is None else _encode(v, _OPTIONS).decode())
            except _Unwritable as exc:
                where = f"/{_escape(name)}{exc.pointer}"
                raise _Unwritable(where, exc.what).error(self._start + i) from None
        return out

    def encode_chunk(self, records: list[Any], start: int, index: bool) -> Any:
        self._start = start  # record numbers in errors
        return self.encode(with_index(records, start) if index else records)

    def encode_chunk_bytes(self, records: list[Any], start: int, index: bool) -> bytes:
        self._start = start
        return self.encode_bytes(with_index(records, start) if index else records)

    def prepare(self, first_chunk: list[Any], start: int = 0) -> None:
        self._start = start
        # Columns: every key of the chunk in order of first appearance (a field that is
        # sometimes absent still gets its column); types inferred from all the values.
        names = list(dict.fromkeys(key for r in first_chunk if isinstance(r, dict) for key in r))
        self._json_columns = frozenset()
        self._uuid_columns = frozenset()
        kinds = {name: _kinds(r.get(name) for r in first_chunk) for name in names}
        self._uuid_columns = frozenset(n for n, k in kinds.items() if "uuid" in k)
        if self.nested == "json":
            self._json_columns = frozenset(n for n, k in kinds.items() if "nested" in k)
        if self.schema is not None:
            return
        columns = self._columns(first_chunk, names)
        try:
            inferred = pa.Table.from_pydict(columns).schema
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise DatasetError(
                f"cannot infer a Parquet schema from the first records ({exc}); "
                "use nested='json' or give schema="
            ) from exc
        fields = [
            pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in inferred
        ]
        self.schema = pa.schema(fields)

    def encode(self, records: list[Any]) -> Any:
        names = self.schema.names
        if records and isinstance(records[0], dict):
            extra = set().union(*map(dict.keys, records)) - set(names)
            if extra:
                raise DatasetError(
                    f"records have keys {sorted(extra)} that the Parquet columns inferred "
                    f"from the first records {names} do not have; give schema= or write "
                    "JSON Lines"
                )
        columns = self._columns(records, names)
        try:
            return pa.Table.from_pydict(columns, schema=self.schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
            raise DatasetError(
                f"records do not fit the Parquet schema inferred from the first records "
                f"({exc}); use nested='json' for nested data whose shape varies, or give "
                "schema="
            ) from exc

    def encode_bytes(self, records: list[Any]) -> bytes:
        table = self.encode(records)
        sink = pa.BufferOutputStream()
        with ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        return sink.getvalue().to_pybytes()

    def open(self, handle: IO[bytes]) -> Sink:
        return _ParquetSink(handle, self.schema)


class _ParquetSink(Sink):
    def __init__(self, handle: IO[bytes], schema: Any) -> None:
        super().__init__(handle)
        self.writer = pq.ParquetWriter(handle, schema)

    def write(self, payload: Any) -> None:
        if isinstance(payload, bytes):
            payload = ipc.open_stream(payload).read_all()
        if payload.num_rows:
            self.writer.write_table(payload, row_group_size=payload.num_rows)

    def close(self) -> None:
        self.writer.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return plain_uuid(value)


def _kinds(values: Any) -> set[str]:
    kinds = set()
    for v in values:
        if isinstance(v, (dict, list, tuple)):
            kinds.add("nested")
        elif isinstance(v, uuid.UUID):
            kinds.add("uuid")
    return kinds


def read_records(path: str) -> list[dict[str, Any]]:
    """Read a Parquet file back as a list of dicts (for tests and small files)."""
    return pq.read_table(path).to_pylist()
