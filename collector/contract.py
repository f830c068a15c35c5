"""The snapshot contract: what the collector writes and the engine reads, in one typed, versioned module.

The manifest is validated against one JSON Schema (`manifest.schema.json`, shipped beside this module)
by `schema_check`; nothing else decides whether a manifest is well formed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sounding.collector.declarations import GLOBAL_REGION
from sounding.collector.schema_check import SchemaViolation, validate

FORMAT_NAME = "sounding-snapshot"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MANIFEST = "manifest.json"
TABLES_DIR = "tables"
ALL_TABLES_GAP = "*"
DEFAULT_PARTITION = "aws"
SCHEMA_FILE = Path(__file__).with_name("manifest.schema.json")

__all__ = ["ALL_TABLES_GAP", "DEFAULT_PARTITION", "FORMAT_NAME", "FORMAT_VERSION", "GLOBAL_REGION", "MANIFEST",
           "READABLE_VERSIONS", "TABLES_DIR", "ContractError", "FileEntry", "Gap", "Manifest", "TableEntry",
           "iso", "name_stamp", "parse_nested", "parse_time", "read_manifest", "sha256_fd", "sha256_file"]


class ContractError(ValueError):
    """A manifest (or another structured input) breaks the contract; the message says where and how."""


def iso(ts: datetime) -> str:
    """The one UTC time format of snapshots: ISO 8601, microseconds, Z."""
    if ts.tzinfo is None:
        raise ValueError("a snapshot time must carry a time zone")
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def name_stamp(ts: datetime) -> str:
    """A UTC time as it goes into a file or directory name (sounding-20261201T101500Z): no colons, sortable."""
    return ts.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_time(text: str) -> datetime:
    """A manifest time as an aware UTC datetime; a time without a zone is refused, never guessed."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"time {text!r} has no time zone")
    return parsed.astimezone(UTC)


def sha256_fd(fd: int) -> str:
    """The hex sha256 of an open file, read from its start through the descriptor."""
    digest = hashlib.sha256()
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return sha256_fd(fd)
    finally:
        os.close(fd)


T = TypeVar("T")


def parse_nested(parse: Callable[[str], T], text: str) -> T:
    """Parse JSON or TOML text, turning nesting too deep for the parser into a ContractError."""
    try:
        return parse(text)
    except RecursionError:
        raise ContractError("nested too deeply to read (arrays or tables inside one another)") from None


@dataclass(frozen=True)
class Gap:
    """One call that failed during collection: which scope, which table, and why."""

    account_id: str
    region: str
    table: str
    service: str
    operation: str
    error_code: str
    error_kind: str
    message: str

    @classmethod
    def for_table(cls, spec: _Declared, *, account_id: str, region: str, error_code: str, error_kind: str,
                  message: str) -> Gap:
        """The gap of one declared table's call in one scope."""
        return cls(account_id=account_id, region=region, table=spec.name, service=spec.service,
                   operation=spec.operation, error_code=error_code, error_kind=error_kind, message=message)

    @classmethod
    def for_all_tables(cls, *, account_id: str, service: str, operation: str, error_code: str, error_kind: str,
                       message: str) -> Gap:
        """The gap of a call whose failure leaves every table of an account uncollected (AssumeRole)."""
        return cls(account_id=account_id, region=GLOBAL_REGION, table=ALL_TABLES_GAP, service=service,
                   operation=operation, error_code=error_code, error_kind=error_kind, message=message)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Gap:
        """A gap as the manifest records it."""
        return cls(**{name: str(data[name]) for name in GAP_FIELDS})

    def to_dict(self) -> dict[str, str]:
        """The gap as the manifest records it."""
        return asdict(self)

    def sort_key(self) -> tuple[str, str, str, str]:
        """The manifest's order of gaps."""
        return (self.account_id, self.region, self.table, self.operation)


GAP_FIELDS = ("account_id", "region", "table", "service", "operation", "error_code", "error_kind", "message")


class _Declared(Protocol):
    """What a gap needs of a table declaration."""

    name: str
    service: str
    operation: str


@dataclass(frozen=True)
class FileEntry:
    """One Parquet file of a table: v1 has one per account (account_id set), v2 one per table."""

    path: str
    rows: int
    sha256: str
    bytes: int | None = None
    account_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The file as the manifest lists it."""
        data: dict[str, Any] = {"path": self.path, "rows": self.rows, "sha256": self.sha256}
        if self.bytes is not None:
            data["bytes"] = self.bytes
        if self.account_id is not None:
            data["account_id"] = self.account_id
        return data


@dataclass(frozen=True)
class TableEntry:
    """One collected table: its declaration facts, files, and (v2) rows per account."""

    service: str
    operation: str
    scope: str
    primary_key: tuple[str, ...]
    schema: tuple[dict[str, str], ...]
    rows: int
    files: tuple[FileEntry, ...]
    account_rows: dict[str, int] | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TableEntry:
        """A table entry as the manifest records it (already schema-checked)."""
        files = tuple(FileEntry(path=f["path"], rows=f["rows"], sha256=f["sha256"], bytes=f.get("bytes"),
                                account_id=f.get("account_id")) for f in data["files"])
        return cls(service=data["service"], operation=data["operation"], scope=data["scope"],
                   primary_key=tuple(data["primary_key"]), schema=tuple(dict(c) for c in data["schema"]),
                   rows=data["rows"], files=files,
                   account_rows=dict(data["account_rows"]) if "account_rows" in data else None)

    def to_dict(self) -> dict[str, Any]:
        """The table entry as the manifest records it."""
        data: dict[str, Any] = {"service": self.service, "operation": self.operation, "scope": self.scope,
                                "primary_key": list(self.primary_key), "schema": [dict(c) for c in self.schema],
                                "rows": self.rows, "files": [f.to_dict() for f in self.files]}
        if self.account_rows is not None:
            data["account_rows"] = dict(sorted(self.account_rows.items()))
        return data


@dataclass(frozen=True)
class Manifest:
    """A snapshot's manifest: typed, versioned, and checked against the schema when read."""

    format_version: int
    tool_version: str
    started_at: str
    finished_at: str
    caller: dict[str, str]
    accounts: tuple[dict[str, Any], ...]
    regions: tuple[str, ...]
    tables: dict[str, TableEntry]
    gaps: tuple[Gap, ...]
    api_calls: int
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any) -> Manifest:
        """A manifest from parsed JSON; raises ContractError naming the first problem."""
        check(data)
        return cls.from_checked(data)

    @classmethod
    def from_checked(cls, data: dict[str, Any]) -> Manifest:
        """A manifest from a dict that `check` already accepted (no second validation)."""
        return cls(format_version=data["format_version"], tool_version=data["tool_version"],
                   started_at=data["collection"]["started_at"], finished_at=data["collection"]["finished_at"],
                   caller=dict(data["caller"]), accounts=tuple(dict(a) for a in data["accounts"]),
                   regions=tuple(data["regions"]),
                   tables={name: TableEntry.from_dict(entry) for name, entry in data["tables"].items()},
                   gaps=tuple(Gap.from_dict(g) for g in data["gaps"]), api_calls=data["api_calls"],
                   options=dict(data.get("options", {})))

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """A manifest from its JSON text."""
        return cls.from_dict(read_manifest(text))

    def to_dict(self) -> dict[str, Any]:
        """The manifest as written: sorted accounts and gaps, every table's entry."""
        return {
            "format": FORMAT_NAME,
            "format_version": self.format_version,
            "tool_version": self.tool_version,
            "collection": {"started_at": self.started_at, "finished_at": self.finished_at},
            "caller": dict(self.caller),
            "accounts": sorted((dict(a) for a in self.accounts), key=lambda a: a["account_id"]),
            "regions": sorted(self.regions),
            "tables": {name: self.tables[name].to_dict() for name in sorted(self.tables)},
            "gaps": [g.to_dict() for g in sorted(self.gaps, key=Gap.sort_key)],
            "api_calls": self.api_calls,
            "options": dict(self.options),
        }

    def to_json(self) -> str:
        """The manifest's text: sorted keys, two-space indent, a final newline."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    @property
    def partition(self) -> str:
        """The AWS partition the snapshot was collected in: options first, then the caller, then aws."""
        return str(self.options.get("partition") or self.caller.get("partition") or DEFAULT_PARTITION)


def read_manifest(text: str) -> dict[str, Any]:
    """Parse manifest text and check it against the contract; the checked dict."""
    try:
        data = parse_nested(json.loads, text)
    except json.JSONDecodeError as exc:
        raise ContractError(f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    check(data)
    return data


@cache
def schema() -> dict[str, Any]:
    """The manifest's JSON Schema, as shipped."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def check(data: Any) -> None:
    """Raise ContractError unless data is a manifest this version of Sounding reads."""
    if not isinstance(data, dict):
        raise ContractError("malformed manifest: expected a JSON object")
    if data.get("format") != FORMAT_NAME:
        raise ContractError(f"not a Sounding snapshot manifest (format is {data.get('format')!r})")
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > max(READABLE_VERSIONS):
        raise ContractError(f"snapshot format version {version} is newer than this Sounding reads "
                            f"({max(READABLE_VERSIONS)}); upgrade Sounding")
    try:
        validate(data, schema())
    except SchemaViolation as exc:
        raise ContractError(f"malformed manifest: {exc}") from None
    for key in ("started_at", "finished_at"):
        try:
            parse_time(data["collection"][key])
        except ValueError:
            raise ContractError(f"malformed manifest: collection.{key} is not a time with a zone") from None
