"""Writes a snapshot: per-account parts in a private staging directory, compacted to one file per table."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sounding.collector.contract import (
    FORMAT_VERSION,
    MANIFEST,
    TABLES_DIR,
    FileEntry,
    Gap,
    Manifest,
    TableEntry,
    iso,
    sha256_file,
)
from sounding.collector.declarations import TableSpec
from sounding.collector.publish import publish
from sounding.collector.values import to_arrow_columns

PARTS_DIR = "parts"
EMPTY_PARTITION = "_empty"
ROW_GROUP_ROWS = 100_000
# A row group is also cut at this many bytes in memory: wide rows (raw JSON) do not hold 100k rows at once.
ROW_GROUP_BYTES = 64 * 1024 * 1024
_PARQUET = {"compression": "zstd", "write_statistics": True}


class SnapshotExistsError(Exception):
    """The output directory already exists and replacing it was not asked for."""


def tool_version() -> str:
    """The installed Sounding version, recorded in every manifest."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sounding")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0+source"


class SnapshotWriter:
    """Builds a snapshot in a private temporary directory and renames it into place when complete.

    Calls: `write_account(table, account_id, rows)` from any thread, then `finish(...)` once (or
    `abort()`). Format 2 (the default) stages one part per table and account and compacts each
    table into one file sorted by account_id and region; format 1 keeps the parts as the snapshot.
    """

    def __init__(self, out: Path, specs: Sequence[TableSpec], *, replace: bool = False,
                 format_version: int = FORMAT_VERSION) -> None:
        if format_version not in (1, 2):
            raise ValueError(f"cannot write snapshot format version {format_version}")
        self.out = Path(out)
        self.specs = {s.name: s for s in specs}
        self.replace = replace
        self.format_version = format_version
        if self.out.exists() and not replace:
            raise SnapshotExistsError(f"{self.out}: already exists (choose another --out or pass --force)")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.partial-", dir=self.out.parent))
        os.chmod(self.tmp, 0o700)
        (self.tmp / TABLES_DIR).mkdir(mode=0o700)
        self._parts_root = self.tmp / (TABLES_DIR if format_version == 1 else PARTS_DIR)
        self._parts_root.mkdir(mode=0o700, exist_ok=True)
        self._parts: dict[str, dict[str, int]] = {name: {} for name in self.specs}
        self._streams: dict[str, TableStream] = {}
        self._lock = threading.Lock()
        self._done = False

    def write_account(self, table: str, account_id: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Write one account's rows of one table as a part; returns the row count."""
        spec = self.specs[table]
        arrow = pa.Table.from_arrays(to_arrow_columns(spec, list(rows)), schema=spec.arrow_schema())
        return self.write_arrow(table, account_id, arrow)

    def write_arrow(self, table: str, account_id: str, arrow: pa.Table) -> int:
        """Write one account's rows of one table, already typed to the declared schema."""
        path = self._part_path(table, account_id)
        with self._lock:
            path.parent.mkdir(exist_ok=True, mode=0o700)
        pq.write_table(arrow, path, **_PARQUET)
        os.chmod(path, 0o600)
        with self._lock:
            self._parts[table][account_id] = arrow.num_rows
        return arrow.num_rows

    def adopt_part(self, table: str, account_id: str, data: bytes, rows: int) -> int:
        """Take one account's part of a table as finished Parquet bytes (a Dask worker's, collector.distributed).

        The caller has checked the bytes against their checksum and the declared schema; returns `rows`.
        """
        path = self._part_path(table, account_id)
        with self._lock:
            path.parent.mkdir(exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        with self._lock:
            self._parts[table][account_id] = rows
        return rows

    def table_stream(self, table: str) -> TableStream:
        """Write a table directly as its format-2 file, account after account in order (no staging parts)."""
        if self.format_version != 2 or self._parts[table] or table in self._streams:
            raise ValueError(f"table {table}: a direct stream needs format 2 and no other writes of the table")
        stream = TableStream(self.tmp / TABLES_DIR / f"{table}.parquet", self.specs[table].arrow_schema())
        self._streams[table] = stream
        return stream

    def finish(self, *, started_at: datetime, finished_at: datetime, caller: Mapping[str, str],
               accounts: Sequence[Mapping[str, Any]], gaps: Sequence[Gap], api_calls: int,
               collected_tables: Sequence[str] | None = None, options: Mapping[str, Any] | None = None,
               written_by: str | None = None) -> Path:
        """Compact the parts, write the manifest and rename the finished snapshot into place.

        written_by keeps another tool version in the manifest (a converted snapshot keeps its collector's).
        """
        names = sorted(collected_tables) if collected_tables is not None else sorted(self.specs)
        tables = {name: self._finish_table(name) for name in names}
        if self.format_version == 2:
            shutil.rmtree(self._parts_root)
        manifest = Manifest(
            format_version=self.format_version, tool_version=written_by or tool_version(), started_at=iso(started_at),
            finished_at=iso(finished_at), caller=dict(caller), accounts=tuple(dict(a) for a in accounts),
            regions=tuple(sorted({r for a in accounts for r in a.get("regions", [])})), tables=tables,
            gaps=tuple(gaps), api_calls=api_calls, options=dict(options or {}))
        manifest_path = self.tmp / MANIFEST
        with manifest_path.open("w", encoding="utf-8") as fh:
            fh.write(manifest.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(manifest_path, 0o600)
        publish(self.tmp, self.out, replace=self.replace)  # never replaces what is not a snapshot
        self._done = True
        return self.out

    def abort(self) -> None:
        """Remove the partial snapshot; nothing that looks complete is left behind."""
        if not self._done:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _part_path(self, table: str, account_id: str) -> Path:
        """Where one account's part of a table is staged."""
        return self._parts_root / table / f"{account_id}.parquet"

    def _finish_table(self, name: str) -> TableEntry:
        """The manifest entry of one table, after compacting its parts (format 2)."""
        spec = self.specs[name]
        if self.format_version == 1:
            if not self._parts[name]:
                self.write_account(name, EMPTY_PARTITION, [])  # keep the typed, empty table all the same
            files = tuple(self._file_entry(Path(TABLES_DIR) / name / f"{account}.parquet", rows, account)
                          for account, rows in sorted(self._parts[name].items()))
            return _table_entry(spec, files, None)
        rel = Path(TABLES_DIR) / f"{name}.parquet"
        stream = self._streams.get(name)
        if stream is None:
            stream = TableStream(self.tmp / rel, spec.arrow_schema())
            for account in sorted(self._parts[name]):
                stream.append(account, read_part(self._part_path(name, account), spec.arrow_schema()))
        rows = stream.close()
        return _table_entry(spec, (self._file_entry(rel, rows, None),), dict(sorted(stream.account_rows.items())))

    def _file_entry(self, rel: Path, rows: int, account_id: str | None) -> FileEntry:
        """A written file as the manifest lists it, with its size and checksum."""
        path = self.tmp / rel
        return FileEntry(path=rel.as_posix(), rows=rows, sha256=sha256_file(path), bytes=path.stat().st_size,
                         account_id=account_id)


def _table_entry(spec: TableSpec, files: tuple[FileEntry, ...], account_rows: dict[str, int] | None) -> TableEntry:
    """A table's manifest entry from its declaration and files."""
    return TableEntry(service=spec.service, operation=spec.operation, scope=spec.scope,
                      primary_key=tuple(spec.primary_key), schema=tuple(spec.schema_description()),
                      rows=sum(f.rows for f in files), files=files, account_rows=account_rows)


def read_part(path: Path, schema: pa.Schema) -> pa.Table:
    """One staged part, read without dataset discovery (a third of the cost per small file)."""
    table = pq.ParquetFile(path).read()
    return table if table.schema.equals(schema, check_metadata=True) else table.cast(schema)


class TableStream:
    """One format-2 table file written account after account (in account order), row groups of ~100k rows
    (or 64 MiB, whichever comes first)."""

    def __init__(self, target: Path, schema: pa.Schema, *, row_group_rows: int = ROW_GROUP_ROWS) -> None:
        self.target, self.schema, self.row_group_rows = target, schema, row_group_rows
        self.account_rows: dict[str, int] = {}
        self._writer = pq.ParquetWriter(target, schema, **_PARQUET)
        self._buffered: list[pa.Table] = []
        self._pending = self._pending_bytes = 0
        self._last: str | None = None

    def append(self, account_id: str, table: pa.Table) -> None:
        """Add one account's rows (sorted here by region, collection order kept within a region)."""
        if self._last is not None and account_id <= self._last:
            raise ValueError(f"account {account_id} comes after {self._last}: write accounts in order")
        self._last = account_id
        if "region" in table.column_names and table.num_rows > 1:
            table = table.take(pc.sort_indices(table, [("region", "ascending")]))
        self.account_rows[account_id] = table.num_rows
        self._buffered.append(table)
        self._pending += table.num_rows
        self._pending_bytes += table.nbytes
        if self._pending >= self.row_group_rows or self._pending_bytes >= ROW_GROUP_BYTES:
            self._flush()

    def close(self) -> int:
        """Write what is buffered and close the file; the total row count."""
        self._flush()
        self._writer.close()
        os.chmod(self.target, 0o600)
        return sum(self.account_rows.values())

    def _flush(self) -> None:
        """Write the buffered accounts as row groups."""
        if self._pending:
            self._writer.write_table(pa.concat_tables(self._buffered), row_group_size=self.row_group_rows)
        self._buffered, self._pending, self._pending_bytes = [], 0, 0


def compact(parts: Sequence[Path], target: Path, schema: pa.Schema, *, row_group_rows: int = ROW_GROUP_ROWS) -> int:
    """Concatenate per-account parts (given in account order) into one file, each sorted by region.

    Memory stays at one row group: parts are read one at a time and buffered up to row_group_rows.
    """
    stream = TableStream(target, schema, row_group_rows=row_group_rows)
    for part in parts:
        stream.append(part.stem, read_part(part, schema))
    return stream.close()
