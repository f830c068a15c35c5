"""Opens a snapshot (format 1 or 2), verifies it against its manifest, and pins the verified bytes.

Every listed file must be a regular file inside the snapshot, reached without following a
symbolic link. `Snapshot.pinned()` opens each file once, checks its checksum from the open
descriptor, and hands DuckDB `/proc/self/fd/N`: the bytes read are the bytes verified, even if
the directory is renamed or replaced afterwards.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import weakref
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sounding.collector.contract import (
    DEFAULT_PARTITION,
    MANIFEST,
    ContractError,
    Manifest,
    parse_time,
    read_manifest,
    sha256_fd,
)
from sounding.collector.declarations import ARROW_TYPES
from sounding.engine.errors import InputError

_DIR_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)
MANIFEST_MAX_BYTES = 1 << 30


@dataclass(frozen=True)
class TableFile:
    """One Parquet file of a table, as the manifest lists it (account_id is None in format 2)."""

    path: Path
    rel: str
    account_id: str | None
    rows: int
    sha256: str


@dataclass(frozen=True)
class Snapshot:
    """A verified snapshot: its manifest (as a dict, for reading), its typed contract, and its files."""

    path: Path
    manifest: dict[str, Any]

    @cached_property
    def contract(self) -> Manifest:
        """The typed manifest (the dict was checked when the snapshot was opened)."""
        return Manifest.from_checked(self.manifest)

    @property
    def format_version(self) -> int:
        """The snapshot's format version (1: a file per table and account; 2: a file per table)."""
        return int(self.manifest["format_version"])

    @property
    def tables(self) -> dict[str, dict[str, Any]]:
        """Manifest entries of the collected tables, by name."""
        return self.manifest["tables"]

    def files(self, table: str) -> list[TableFile]:
        """The files of one table, in manifest order."""
        return [TableFile(self.path / f["path"], f["path"], f.get("account_id"), f["rows"], f["sha256"])
                for f in self.tables[table]["files"]]

    def account_rows(self, table: str) -> dict[str, int]:
        """Rows per account of one table, in either format."""
        entry = self.tables[table]
        if "account_rows" in entry:
            return dict(entry["account_rows"])
        return {f["account_id"]: f["rows"] for f in entry["files"]}

    @property
    def largest_table_rows(self) -> int:
        """The row count of the snapshot's largest table (sizes the runaway-rule cap)."""
        return max((int(e["rows"]) for e in self.tables.values()), default=0)

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

    @property
    def partition(self) -> str:
        """The AWS partition the snapshot was collected in: options first, then the caller, then aws."""
        options, caller = self.manifest.get("options", {}), self.manifest.get("caller", {})
        return str(options.get("partition") or caller.get("partition") or DEFAULT_PARTITION)

    @cached_property
    def _pins(self) -> PinnedFiles:
        """This process's open, re-verified descriptors of every listed file."""
        return PinnedFiles(self)

    def pinned(self, table: str) -> list[str]:
        """Paths DuckDB reads for a table: this process's descriptors of the verified files."""
        return self._pins.paths[table]

    def pinned_all(self) -> list[str]:
        """Every pinned path, for DuckDB's allowed_paths."""
        return [p for paths in self._pins.paths.values() for p in paths]


class PinnedFiles:
    """Open descriptors of a snapshot's files, each checksum-verified from the descriptor itself."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.fds: list[int] = []
        self.paths: dict[str, list[str]] = {}
        self._finalizer = weakref.finalize(self, _close_all, self.fds)
        _room_for(sum(len(e["files"]) for e in snapshot.tables.values()))
        root = _open_root(snapshot.path)
        try:
            for name in sorted(snapshot.tables):
                self.paths[name] = []
                for f in snapshot.files(name):
                    fd = open_inside(root, f.rel, snapshot.path)
                    self.fds.append(fd)
                    if sha256_fd(fd) != f.sha256:
                        raise InputError(f.path, "checksum mismatch: the file changed since it was verified")
                    self.paths[name].append(f"/proc/self/fd/{fd}")
        except BaseException:
            _close_all(self.fds)
            raise
        finally:
            os.close(root)

    def close(self) -> None:
        """Close every descriptor."""
        self._finalizer()


def _room_for(count: int) -> None:
    """Raise the soft limit on open files so that count more fit (format 1 has one file per account)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))


def _close_all(fds: list[int]) -> None:
    """Close descriptors, once."""
    while fds:
        with contextlib.suppress(OSError):
            os.close(fds.pop())


def _open_root(path: Path) -> int:
    """A descriptor of the snapshot directory (which the user named; it may itself be a link)."""
    try:
        return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        raise InputError(path, "not a snapshot directory (it does not exist or is not a directory)") from None


def open_inside(root_fd: int, rel: str, root: Path) -> int:
    """Open a file listed in the manifest, component by component, refusing links and non-regular files."""
    parts = PurePosixPath(rel).parts
    shown = root / rel
    if not parts or PurePosixPath(rel).is_absolute() or any(p in ("..", ".") for p in parts):
        raise InputError(shown, "file path leaves the snapshot")
    dir_fd = os.dup(root_fd)
    try:
        for part in parts[:-1]:
            try:
                next_fd = os.open(part, _DIR_FLAGS, dir_fd=dir_fd)
            except OSError as exc:
                raise _open_error(shown, exc, directory=True) from None
            os.close(dir_fd)
            dir_fd = next_fd
        try:
            fd = os.open(parts[-1], _FILE_FLAGS | os.O_NONBLOCK, dir_fd=dir_fd)
        except OSError as exc:
            raise _open_error(shown, exc, directory=False) from None
    finally:
        os.close(dir_fd)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError(shown, "not a regular file: every listed file must be a regular file in the snapshot")
    return fd


def _open_error(path: Path, exc: OSError, *, directory: bool) -> InputError:
    """The one-line problem of a listed file that cannot be opened safely."""
    if exc.errno in (errno.ELOOP, errno.EMLINK) or (directory and exc.errno == errno.ENOTDIR):
        return InputError(path, "a symbolic link or non-directory in the path: listed files must lie inside "
                                "the snapshot")
    if exc.errno == errno.ENOENT:
        return InputError(path, "missing file listed in the manifest")
    return InputError(path, f"cannot be read ({os.strerror(exc.errno or 0)})")


def open_snapshot(path: str | Path, *, checksums: bool = True) -> Snapshot:
    """Open a snapshot, refusing anything the manifest does not vouch for."""
    root = Path(path)
    if not root.is_dir():
        raise InputError(root, "not a snapshot directory (it does not exist or is not a directory)")
    root_fd = _open_root(root)
    try:
        manifest = _read_manifest(root_fd, root / MANIFEST)
        snapshot = Snapshot(root, manifest)
        for name, entry in manifest["tables"].items():
            _check_table(root_fd, snapshot, name, entry, checksums=checksums)
    finally:
        os.close(root_fd)
    return snapshot


def _read_manifest(root_fd: int, path: Path) -> dict[str, Any]:
    """Parse manifest.json and check it against the contract's schema."""
    try:
        fd = open_inside(root_fd, MANIFEST, path.parent)
    except InputError as exc:
        if "missing" in exc.problem:
            raise InputError(path, "missing: this is not a complete Sounding snapshot") from None
        raise
    try:
        if os.fstat(fd).st_size > MANIFEST_MAX_BYTES:
            raise InputError(path, f"larger than {MANIFEST_MAX_BYTES >> 20} MiB; not a manifest Sounding wrote")
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read()
    finally:
        os.close(fd)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text; the manifest is damaged") from None
    if not text.strip():
        raise InputError(path, "empty manifest")
    try:
        return read_manifest(text)
    except ContractError as exc:
        raise InputError(path, str(exc)) from None


def _check_table(root_fd: int, snapshot: Snapshot, name: str, entry: dict[str, Any], *, checksums: bool) -> None:
    """Every file of a table: a regular file inside the snapshot, its checksum, schema and row count."""
    manifest_path = snapshot.path / MANIFEST
    expected = pa.schema([pa.field(c["name"], ARROW_TYPES[c["type"]]) for c in entry["schema"]])
    if "account_rows" in entry and sum(entry["account_rows"].values()) != entry["rows"]:
        raise InputError(manifest_path, f"malformed manifest: table {name}'s rows per account do not add up")
    for f in snapshot.files(name):
        fd = open_inside(root_fd, f.rel, snapshot.path)
        try:
            if checksums and sha256_fd(fd) != f.sha256:
                raise InputError(f.path, "checksum mismatch: the file changed since collection")
            _check_parquet(fd, f, name, expected)
        finally:
            os.close(fd)


def _check_parquet(fd: int, f: TableFile, name: str, expected: pa.Schema) -> None:
    """The file is Parquet with the declared schema and the listed number of rows."""
    try:
        with os.fdopen(os.dup(fd), "rb") as fh:
            meta = pq.ParquetFile(fh).metadata
            actual = meta.schema.to_arrow_schema()
            rows = meta.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f.path, f"not a readable Parquet file ({exc})") from None
    if not actual.remove_metadata().equals(expected, check_metadata=False):
        raise InputError(f.path, f"schema does not match the declaration of table {name}")
    if rows != f.rows:
        raise InputError(f.path, f"holds {rows} rows; the manifest lists {f.rows}")
