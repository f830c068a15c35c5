"""Writes a snapshot: typed Parquet files per table and account, then a manifest, then one rename."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sounding.collector.declarations import TableSpec
from sounding.collector.gaps import Gap
from sounding.collector.publish import publish
from sounding.collector.values import to_arrow_columns

FORMAT_NAME = "sounding-snapshot"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES_DIR = "tables"
EMPTY_PARTITION = "_empty"


class SnapshotExistsError(Exception):
    """The output directory already exists and replacing it was not asked for."""


def tool_version() -> str:
    """The installed Sounding version, recorded in every manifest."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sounding")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0+source"


def iso(ts: datetime) -> str:
    """A UTC timestamp as the manifest writes it: ISO 8601 with a Z."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class SnapshotWriter:
    """Builds a snapshot in a private temporary directory and renames it into place when complete."""

    def __init__(self, out: Path, specs: Sequence[TableSpec], *, replace: bool = False) -> None:
        self.out = Path(out)
        self.specs = {s.name: s for s in specs}
        self.replace = replace
        if self.out.exists() and not replace:
            raise SnapshotExistsError(f"{self.out}: already exists (choose another --out or pass --force)")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.partial-", dir=self.out.parent))
        os.chmod(self.tmp, 0o700)
        (self.tmp / TABLES_DIR).mkdir(mode=0o700)
        self._files: dict[str, list[dict[str, Any]]] = {name: [] for name in self.specs}
        self._lock = threading.Lock()
        self._done = False

    def write_account(self, table: str, account_id: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Write one account's rows of one table; returns the row count."""
        spec = self.specs[table]
        arrow = pa.Table.from_arrays(to_arrow_columns(spec, list(rows)), schema=spec.arrow_schema())
        rel = Path(TABLES_DIR) / table / f"{account_id}.parquet"
        path = self.tmp / rel
        with self._lock:
            path.parent.mkdir(exist_ok=True, mode=0o700)
        pq.write_table(arrow, path, compression="zstd", write_statistics=True)
        os.chmod(path, 0o600)
        entry = {"path": rel.as_posix(), "account_id": account_id, "rows": arrow.num_rows,
                 "bytes": path.stat().st_size, "sha256": sha256_file(path)}
        with self._lock:
            self._files[table].append(entry)
        return arrow.num_rows

    def finish(self, *, started_at: datetime, finished_at: datetime, caller: Mapping[str, str],
               accounts: Sequence[Mapping[str, Any]], gaps: Sequence[Gap], api_calls: int,
               collected_tables: Sequence[str] | None = None, options: Mapping[str, Any] | None = None,
               ) -> Path:
        """Write the manifest and rename the finished snapshot into place."""
        names = list(collected_tables) if collected_tables is not None else list(self.specs)
        for name in names:
            if not self._files[name]:
                # No account was written: keep the typed, empty table all the same.
                self.write_account(name, EMPTY_PARTITION, [])
        manifest = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "tool_version": tool_version(),
            "collection": {"started_at": iso(started_at), "finished_at": iso(finished_at)},
            "caller": dict(caller),
            "accounts": sorted((dict(a) for a in accounts), key=lambda a: a["account_id"]),
            "regions": sorted({r for a in accounts for r in a.get("regions", [])}),
            "tables": {name: self._table_entry(name) for name in sorted(names)},
            "gaps": sorted((g.to_dict() for g in gaps),
                           key=lambda g: (g["account_id"], g["region"], g["table"], g["operation"])),
            "api_calls": api_calls,
            "options": dict(options or {}),
        }
        manifest_path = self.tmp / MANIFEST
        with manifest_path.open("w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=2, sort_keys=True)
            fh.write("\n")
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

    def _table_entry(self, name: str) -> dict[str, Any]:
        """The manifest entry of one table: declaration facts and its files."""
        spec = self.specs[name]
        files = sorted(self._files[name], key=lambda f: f["path"])
        return {
            "service": spec.service,
            "operation": spec.operation,
            "scope": spec.scope,
            "primary_key": list(spec.primary_key),
            "schema": spec.schema_description(),
            "rows": sum(f["rows"] for f in files),
            "files": files,
        }
