"""Resource drift per table, computed in DuckDB: both snapshots joined on the primary key.

Pass one joins the keys and a hash of the compared values (about the cost of reading both sides
once), keeping NEW's values for the rows whose hash differs; pass two fetches, by file position,
just those rows of OLD and names the values that really differ (a hash collision aside, equal
values hash alike).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from sounding.collector.declarations import JSON
from sounding.collector.values import iso_utc
from sounding.engine.connection import quote_identifier as _q
from sounding.engine.connection import quote_literal as _lit
from sounding.engine.diff.coverage import CommonGround
from sounding.engine.diff.model import ADDED, CHANGED, REMOVED, RowChange, TableDiff, ValueChange
from sounding.engine.diff.paths import json_changes
from sounding.engine.diff.volatile import volatile_columns, volatile_raw_paths
from sounding.engine.errors import InputError
from sounding.engine.evaluate import plain as evaluate_plain
from sounding.engine.snapshot import Snapshot
from sounding.engine.sql_policy import BASE_CONFIG

RAW = "raw"
OCCURRENCE = "_occurrence"
DIGEST = "_digest"
# Where a row lies: DuckDB's own row-number column, and the file column when a side has several files.
ROW = "file_row_number"
FILE = "_sounding_file"
DIFFERING = "differing"
NEW_RAW = "n_" + RAW


DIFF_MEMORY_LIMIT = "1GB"


class Stopper:
    """Stops a resource diff running on another thread: between tables, and its query at once (interrupt)."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.connection: duckdb.DuckDBPyConnection | None = None

    def stop(self) -> None:
        """Ask the diff to stop now."""
        self.requested.set()
        connection = self.connection
        if connection is not None:
            with contextlib.suppress(duckdb.Error):  # closed meanwhile: it stopped anyway
                connection.interrupt()


class Stopped(Exception):
    """The resource diff was asked to stop."""


def diff_tables(old: Snapshot, new: Snapshot, names: Sequence[str], ground: CommonGround, *,
                include_volatile: bool = False, progress: Callable[[str], None] | None = None,
                stopper: Stopper | None = None) -> list[TableDiff]:
    """The drift of each named table present in both snapshots, in name order."""
    # The join of two large tables spills to disk rather than growing without bound: to a private
    # directory removed afterwards (DuckDB's default for an in-memory database is .tmp in the cwd).
    scratch = Path(tempfile.mkdtemp(prefix="sounding-diff-"))
    try:
        con = duckdb.connect(":memory:", config=dict(BASE_CONFIG))
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"SET temp_directory = {_lit(str(scratch / 'spill'))}")
        con.execute(f"SET memory_limit = '{DIFF_MEMORY_LIMIT}'")
        if stopper is not None:
            stopper.connection = con
        _scope_table(con, "ground", sorted(ground.scopes))
        result = []
        for name in sorted(names):
            if stopper is not None and stopper.requested.is_set():
                raise Stopped
            if progress:
                progress(f"diff {name}")
            try:
                result.append(diff_table(con, old, new, name, ground, include_volatile=include_volatile))
            except duckdb.InterruptException:
                raise Stopped from None
            except duckdb.Error as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise InputError(name, f"table could not be compared: {first}") from None
        return result
    finally:
        if stopper is not None:
            stopper.connection = None
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)


def _scope_table(con: duckdb.DuckDBPyConnection, name: str, scopes: Sequence[tuple[str, str]]) -> None:
    """A temp table of (account, region) scopes, filled in one statement (row-by-row inserts cost seconds)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (account_id VARCHAR, region VARCHAR)")
    if scopes:
        con.execute(f"INSERT INTO {name} SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[])",
                    [[s[0] for s in scopes], [s[1] for s in scopes]])


def diff_table(con: duckdb.DuckDBPyConnection, old: Snapshot, new: Snapshot, name: str,
               ground: CommonGround, *, include_volatile: bool = False) -> TableDiff:
    """Added, removed and changed rows of one table, on the common ground of both snapshots."""
    old_entry, new_entry = old.tables[name], new.tables[name]
    result = TableDiff(name)
    old_types = {c["name"]: c["type"] for c in old_entry["schema"]}
    new_types = {c["name"]: c["type"] for c in new_entry["schema"]}
    result.columns_added = [c for c in new_types if c not in old_types]
    result.columns_removed = [c for c in old_types if c not in new_types]
    result.columns_retyped = [{"column": c, "old": old_types[c], "new": new_types[c]}
                              for c in new_types if c in old_types and old_types[c] != new_types[c]]
    old_key, new_key = list(old_entry.get("primary_key", [])), list(new_entry.get("primary_key", []))
    if old_key != new_key:
        result.not_compared = f"primary key changed from ({', '.join(old_key)}) to ({', '.join(new_key)})"
        return result
    common = [c for c in new_types if old_types.get(c) == new_types[c]]
    if not old_key or any(k not in common for k in old_key) or RAW not in common:
        result.not_compared = "the snapshots do not share the primary key columns and raw with the same types"
        return result
    quiet = set(volatile_columns(name)) if not include_volatile else set()
    compared = [c for c in common if c not in old_key and c not in quiet and c != RAW]
    raw_ignore = volatile_raw_paths(name) if not include_volatile else ()
    _scope_table(con, "skipped", ground.excluded_for(name))
    sides = Sides(old.pinned(name), new.pinned(name))
    repeats = _has_repeated_keys(con, sides, old_key)
    con.execute(_differing_sql(sides, old_key, common, compared, raw_ignore, repeats))
    if not con.execute(f"SELECT count(*) FROM {DIFFERING}").fetchone()[0]:  # type: ignore[index]
        return result
    cursor = con.execute(_detail_sql(sides, old_key, common, compared, raw_ignore))
    columns = [d[0] for d in cursor.description]
    for row in cursor.fetchall():
        record = dict(zip(columns, row, strict=True))
        change = _row_change(record, old_key, new_types, set(raw_ignore))
        if change is not None:
            {ADDED: result.added, REMOVED: result.removed, CHANGED: result.changed}[change.kind].append(change)
    return result


@dataclass(frozen=True)
class Sides:
    """The Parquet files DuckDB reads for one table on each side."""

    old: list[str]
    new: list[str]


def _has_repeated_keys(con: duckdb.DuckDBPyConnection, sides: Sides, key: Sequence[str]) -> bool:
    """Whether a primary key value may occur more than once on a side (then rows are matched by occurrence).

    Counts distinct hashes of the key: equal keys hash alike, so a repeat is never missed; a collision
    only sends the table down the slower, equally exact path.
    """
    digest = "hash(" + ", ".join(_q(k) for k in key) + ")"
    counts = [f"(SELECT count(*) > count(DISTINCT {digest}) FROM read_parquet([{_files(files)}]))"
              for files in (sides.old, sides.new)]
    return bool(con.execute(f"SELECT {' OR '.join(counts)}").fetchone()[0])  # type: ignore[index]


def _files(files: Sequence[str]) -> str:
    """A DuckDB list of file paths."""
    return ", ".join(_lit(p) for p in files)


def _scan(files: Sequence[str]) -> str:
    """read_parquet over one side's files with each row's position (and file, when there are several)."""
    file_column = f", filename = {_lit(FILE)}" if len(files) > 1 else ""
    return f"read_parquet([{_files(files)}], file_row_number = true{file_column})"


def _position(files: Sequence[str], alias: str) -> list[str]:
    """The columns that locate a row of one side: its file (when several) and its row number in it."""
    return [f"{alias}.{ROW}", *([f"{alias}.{_q(FILE)}"] if len(files) > 1 else [])]


def _raw_compared(raw: str, raw_ignore: Sequence[str]) -> str:
    """The `raw` expression as compared: without its volatile paths."""
    if not raw_ignore:
        return raw
    patch = _lit(json.dumps(_patch(raw_ignore), sort_keys=True))
    return f"json_merge_patch({raw}, {patch})"


def _differing_sql(sides: Sides, key: list[str], common: list[str], compared: list[str],
                   raw_ignore: Sequence[str], repeats: bool) -> str:
    """Pass one: both sides joined on the key, a hash of the compared values telling which rows differ.

    The OLD side carries only keys, hash and position into the join's hash table; the NEW side is
    the probe, so its values, decoded anyway to be hashed, are kept for the differing rows alone.
    """
    keys = ", ".join(f"t.{_q(k)}" for k in key)
    digest = "hash(" + ", ".join([*(f"t.{_q(c)}" for c in compared), _raw_compared(f"t.{_q(RAW)}", raw_ignore)]) + ")"
    occurrence = (f"row_number() OVER (PARTITION BY {keys} ORDER BY t.{_q(RAW)})" if repeats else "1")
    old = (f"SELECT {keys}, {occurrence} AS {OCCURRENCE}, {digest} AS {DIGEST}, "
           f"{', '.join(_position(sides.old, 't'))} FROM {_scan(sides.old)} t")
    new = (f"SELECT {', '.join(f't.{_q(c)}' for c in common)}, {occurrence} AS {OCCURRENCE}, {digest} AS {DIGEST} "
           f"FROM read_parquet([{_files(sides.new)}]) t")
    on = " AND ".join(f"o.{_q(k)} IS NOT DISTINCT FROM n.{_q(k)}" for k in [*key, OCCURRENCE])
    located = ", ".join(f"{c} AS {_q('o_' + _unq(c))}" for c in _position(sides.old, "o"))
    values = ", ".join(f"n.{_q(c)} AS {_q('n_' + c)}" for c in common)
    coalesced = ", ".join(f"coalesce(o.{_q(k)}, n.{_q(k)}) AS {_q('k_' + k)}" for k in [*key, OCCURRENCE])
    return (
        f"CREATE OR REPLACE TEMP TABLE {DIFFERING} AS "
        f"WITH o AS ({old}), n AS ({new}), "
        f"j AS (SELECT {coalesced}, o.{OCCURRENCE} IS NULL AS _added, n.{OCCURRENCE} IS NULL AS _removed, "
        f"{located}, {values} FROM n FULL OUTER JOIN o ON {on} WHERE o.{DIGEST} IS DISTINCT FROM n.{DIGEST}) "
        f"SELECT * FROM j "
        f"WHERE EXISTS (SELECT 1 FROM ground g WHERE g.account_id = j.k_account_id AND g.region = j.k_region) "
        f"AND NOT EXISTS (SELECT 1 FROM skipped s WHERE s.account_id = j.k_account_id "
        f"AND (s.region = 'global' OR s.region = j.k_region))")


def _unq(column: str) -> str:
    """A position column's bare name (its alias prefix and quotes removed)."""
    return column.split(".", 1)[1].strip('"')


def _detail_sql(sides: Sides, key: list[str], common: list[str], compared: list[str],
                raw_ignore: Sequence[str]) -> str:
    """Pass two: the OLD rows whose hash differed, fetched by position; which compared values differ."""
    # A filter on the row number alone is pushed into the scan (cheaper than a semi join); the join
    # below then matches the file too, where the side has several.
    old = (f"SELECT {', '.join(f't.{_q(c)}' for c in common)}, {', '.join(_position(sides.old, 't'))} "
           f"FROM {_scan(sides.old)} t WHERE t.{ROW} IN (SELECT d.{_q('o_' + ROW)} FROM {DIFFERING} d)")
    attach = " AND ".join(f"o.{_q(_unq(c))} = d.{_q('o_' + _unq(c))}" for c in _position(sides.old, "o"))
    checks = [f"CASE WHEN o.{_q(c)} IS DISTINCT FROM d.{_q('n_' + c)} THEN {_lit(c)} END" for c in compared]
    checks.append(f"CASE WHEN {_raw_compared(f'o.{_q(RAW)}', raw_ignore)} IS DISTINCT FROM "
                  f"{_raw_compared(f'd.{_q(NEW_RAW)}', raw_ignore)} THEN 'raw' END")
    changed = f"list_filter([{', '.join(checks)}], lambda x: x IS NOT NULL)"
    keys = ", ".join(f"d.{_q('k_' + k)}" for k in [*key, OCCURRENCE])
    values = ", ".join([*(f"o.{_q(c)} AS {_q('o_' + c)}" for c in common),
                        *(f"d.{_q('n_' + c)}" for c in common)])
    order_by = ", ".join(f"{_q('k_' + k)} NULLS FIRST" for k in [*key, OCCURRENCE])
    return (
        f"WITH ox AS ({old}), "
        f"j AS (SELECT {keys}, d._added, d._removed, {changed} AS _changed, {values} FROM {DIFFERING} d "
        f"LEFT JOIN ox o ON {attach}) "
        f"SELECT * FROM j WHERE _added OR _removed OR len(_changed) > 0 ORDER BY {order_by}")


def _patch(paths: Sequence[str]) -> dict[str, Any]:
    """A JSON merge patch that removes each dotted path (null deletes a key)."""
    patch: dict[str, Any] = {}
    for path in paths:
        *parents, leaf = path.split(".")
        node = patch
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = None
    return patch


def _row_change(record: dict[str, Any], key: list[str], types: dict[str, str],
                raw_ignore: set[str]) -> RowChange | None:
    """A row change from one joined row; None when only ignored parts of raw differ."""
    identity = {k: plain(record["k_" + k]) for k in key}
    if record["k_" + OCCURRENCE] > 1:
        identity["occurrence"] = record["k_" + OCCURRENCE]
    if record["_added"]:
        return RowChange(ADDED, identity)
    if record["_removed"]:
        return RowChange(REMOVED, identity)
    change = RowChange(CHANGED, identity)
    for column in record["_changed"]:
        before, after = record["o_" + column], record["n_" + column]
        if column == RAW:
            change.raw = json_changes(before, after, ignore=raw_ignore)
        elif types.get(column) == JSON:
            change.columns.extend(ValueChange(_under(column, c.path), c.old, c.new, c.old_present, c.new_present)
                                  for c in json_changes(before, after))
        else:
            change.columns.append(ValueChange(column, plain(before), plain(after)))
    if not change.columns and not change.raw:
        return None
    return change


def _under(column: str, path: str) -> str:
    """A JSON column's change path, prefixed with the column name."""
    if path == "$":
        return column
    return f"{column}{path}" if path.startswith("[") else f"{column}.{path}"


def plain(value: Any) -> Any:
    """A JSON-ready copy of a DuckDB value (engine.evaluate.plain); timestamps in UTC with a Z."""
    return evaluate_plain(value, iso_utc)

