"""Opens a snapshot and verifies it against its manifest before anything reads it."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sounding.collector.declarations import ARROW_TYPES
from sounding.collector.write import FORMAT_NAME, FORMAT_VERSION, MANIFEST, sha256_file
from sounding.engine.errors import InputError

_REQUIRED_KEYS = ("format", "format_version", "tool_version", "collection", "caller", "accounts",
                  "regions", "tables", "gaps", "api_calls")


@dataclass(frozen=True)
class TableFile:
    """One Parquet file of a table, as the manifest lists it."""

    path: Path
    account_id: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class Snapshot:
    """A verified snapshot: its manifest and the absolute paths of its files."""

    path: Path
    manifest: dict[str, Any]

    @property
    def tables(self) -> dict[str, dict[str, Any]]:
        """Manifest entries of the collected tables, by name."""
        return self.manifest["tables"]

    def files(self, table: str) -> list[TableFile]:
        """The files of one table, in manifest order."""
        return [TableFile(self.path / f["path"], f["account_id"], f["rows"], f["sha256"])
                for f in self.tables[table]["files"]]

    @property
    def collected_at(self) -> datetime:
        """'Now' for every rule: the moment the collection finished."""
        return parse_time(self.manifest["collection"]["finished_at"])

    @property
    def started_at(self) -> datetime:
        """When the collection started."""
        return parse_time(self.manifest["collection"]["started_at"])

    @property
    def gaps(self) -> list[dict[str, str]]:
        """Every call that failed during collection."""
        return self.manifest["gaps"]

    @property
    def accounts(self) -> list[dict[str, Any]]:
        """The accounts the snapshot covers."""
        return self.manifest["accounts"]


def parse_time(text: str) -> datetime:
    """A manifest timestamp (ISO 8601, Z) as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def open_snapshot(path: str | Path, *, checksums: bool = True) -> Snapshot:
    """Open a snapshot, refusing anything the manifest does not vouch for."""
    root = Path(path)
    if not root.is_dir():
        raise InputError(root, "not a snapshot directory (it does not exist or is not a directory)")
    manifest_path = root / MANIFEST
    if not manifest_path.is_file():
        raise InputError(manifest_path, "missing: this is not a complete Sounding snapshot")
    manifest = _read_manifest(manifest_path)
    snapshot = Snapshot(root, manifest)
    checks = [check for name, entry in manifest["tables"].items() for check in _file_checks(snapshot, name, entry)]
    # Hashing and footer reads release the GIL: thousands of files verify in parallel, and the
    # first defect in manifest order is the one reported, whatever finishes first.
    with ThreadPoolExecutor(max_workers=min(8, (os.cpu_count() or 2) * 2)) as pool:
        for problem in pool.map(lambda check: _check_file(*check, checksums=checksums), checks):
            if problem is not None:
                raise problem
    return snapshot


def _read_manifest(path: Path) -> dict[str, Any]:
    """Parse and structurally check manifest.json."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text; the manifest is damaged") from None
    if not text.strip():
        raise InputError(path, "empty manifest")
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not isinstance(manifest, dict):
        raise InputError(path, "malformed manifest: expected a JSON object")
    if manifest.get("format") != FORMAT_NAME:
        raise InputError(path, f"not a Sounding snapshot manifest (format is {manifest.get('format')!r})")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise InputError(path, "malformed manifest: format_version is not an integer")
    if version > FORMAT_VERSION:
        raise InputError(path, f"snapshot format version {version} is newer than this Sounding reads "
                               f"({FORMAT_VERSION}); upgrade Sounding")
    missing = [k for k in _REQUIRED_KEYS if k not in manifest]
    if missing:
        raise InputError(path, f"malformed manifest: missing {', '.join(missing)}")
    if not isinstance(manifest["tables"], dict) or not isinstance(manifest["gaps"], list):
        raise InputError(path, "malformed manifest: 'tables' must be an object and 'gaps' a list")
    for key in ("started_at", "finished_at"):
        try:
            parse_time(str(manifest["collection"].get(key)))
        except (ValueError, AttributeError):
            raise InputError(path, f"malformed manifest: collection.{key} is not a timestamp") from None
    return manifest


FileCheck = tuple[Path, str, str, pa.Schema]


def _file_checks(snapshot: Snapshot, name: str, entry: Any) -> list[FileCheck]:
    """The files of a table to verify, after checking what the manifest says of them."""
    manifest_path = snapshot.path / MANIFEST
    if not isinstance(entry, dict) or not isinstance(entry.get("files"), list) or not entry["files"]:
        raise InputError(manifest_path, f"malformed manifest: table {name} lists no files")
    if not isinstance(entry.get("schema"), list):
        raise InputError(manifest_path, f"malformed manifest: table {name} has no schema")
    try:
        expected = pa.schema([pa.field(c["name"], ARROW_TYPES[c["type"]]) for c in entry["schema"]])
    except (KeyError, TypeError):
        raise InputError(manifest_path, f"malformed manifest: table {name} has an invalid schema") from None
    checks = []
    for f in entry["files"]:
        try:
            rel = Path(f["path"])
            digest = f["sha256"]
        except (KeyError, TypeError):
            raise InputError(manifest_path, f"malformed manifest: a file of table {name} lacks path or sha256") \
                from None
        if rel.is_absolute() or ".." in rel.parts:
            raise InputError(manifest_path, f"malformed manifest: file path {rel} leaves the snapshot")
        checks.append((snapshot.path / rel, name, digest, expected))
    return checks


def _check_file(file_path: Path, name: str, digest: str, expected: pa.Schema, *,
                checksums: bool) -> InputError | None:
    """The problem with one file (missing, changed, unreadable, wrong schema), or None."""
    if not file_path.is_file():
        return InputError(file_path, f"missing file of table {name}")
    if checksums and sha256_file(file_path) != digest:
        return InputError(file_path, "checksum mismatch: the file changed since collection")
    try:
        actual = pq.read_schema(file_path)
    except (pa.ArrowException, OSError) as exc:
        return InputError(file_path, f"not a readable Parquet file ({exc})")
    if not actual.remove_metadata().equals(expected, check_metadata=False):
        return InputError(file_path, f"schema does not match the declaration of table {name}")
    return None
