"""Resource drift per table, computed in DuckDB: a full outer join of both snapshots on the primary key."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
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


DIFF_MEMORY_LIMIT = "1GB"


def diff_tables(old: Snapshot, new: Snapshot, names: Sequence[str], ground: CommonGround, *,
                include_volatile: bool = False, progress: Callable[[str], None] | None = None,
                ) -> list[TableDiff]:
    """The drift of each named table present in both snapshots, in name order."""
    con = duckdb.connect(":memory:", config=dict(BASE_CONFIG))
    try:
        con.execute("SET TimeZone = 'UTC'")
        # The join of two large tables spills to disk rather than growing without bound.
        con.execute(f"SET memory_limit = '{DIFF_MEMORY_LIMIT}'")
        con.execute("CREATE TEMP TABLE ground (account_id VARCHAR, region VARCHAR)")
        if ground.scopes:
            con.executemany("INSERT INTO ground VALUES (?, ?)", sorted(ground.scopes))
        result = []
        for name in sorted(names):
            if progress:
                progress(f"diff {name}")
            try:
                result.append(diff_table(con, old, new, name, ground, include_volatile=include_volatile))
            except duckdb.Error as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise InputError(name, f"table could not be compared: {first}") from None
        return result
    finally:
        con.close()


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
    con.execute("CREATE OR REPLACE TEMP TABLE skipped (account_id VARCHAR, region VARCHAR)")
    excluded = ground.excluded_for(name)
    if excluded:
        con.execute("INSERT INTO skipped VALUES " + ", ".join("(?, ?)" for _ in excluded),
                    [v for scope in excluded for v in scope])
    sql = _join_sql(old, new, name, old_key, common, compared, raw_ignore)
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    for row in cursor.fetchall():
        record = dict(zip(columns, row, strict=True))
        change = _row_change(record, old_key, new_types, set(raw_ignore))
        if change is not None:
            {ADDED: result.added, REMOVED: result.removed, CHANGED: result.changed}[change.kind].append(change)
    return result


def _join_sql(old: Snapshot, new: Snapshot, name: str, key: list[str], common: list[str],
              compared: list[str], raw_ignore: Sequence[str]) -> str:
    """One query: both sides numbered within duplicate keys, joined, narrowed to rows that differ."""
    select = ", ".join(_q(c) for c in common)
    order = f"{_q(RAW)}"
    partition = ", ".join(_q(k) for k in key)

    def side(snapshot: Snapshot) -> str:
        files = ", ".join(_lit(p) for p in snapshot.pinned(name))
        return (f"SELECT {select}, row_number() OVER (PARTITION BY {partition} ORDER BY {order}) "
                f"AS {OCCURRENCE} FROM read_parquet([{files}])")

    on = " AND ".join(f"o.{_q(k)} IS NOT DISTINCT FROM n.{_q(k)}" for k in [*key, OCCURRENCE])
    checks = [f"CASE WHEN o.{_q(c)} IS DISTINCT FROM n.{_q(c)} THEN {_lit(c)} END" for c in compared]
    if raw_ignore:
        patch = _lit(json.dumps(_patch(raw_ignore), sort_keys=True))
        raw_check = f"json_merge_patch(o.raw, {patch}) IS DISTINCT FROM json_merge_patch(n.raw, {patch})"
    else:
        raw_check = "o.raw IS DISTINCT FROM n.raw"
    checks.append(f"CASE WHEN {raw_check} THEN 'raw' END")
    changed = f"list_filter([{', '.join(checks)}], lambda x: x IS NOT NULL)"
    keys = ", ".join(f"coalesce(o.{_q(k)}, n.{_q(k)}) AS {_q('k_' + k)}" for k in [*key, OCCURRENCE])
    values = ", ".join([*(f"o.{_q(c)} AS {_q('o_' + c)}" for c in common),
                        *(f"n.{_q(c)} AS {_q('n_' + c)}" for c in common)])
    order_by = ", ".join(f"{_q('k_' + k)} NULLS FIRST" for k in [*key, OCCURRENCE])
    return (
        f"WITH o AS ({side(old)}), n AS ({side(new)}), "
        f"j AS (SELECT {keys}, o.{OCCURRENCE} IS NULL AS _added, n.{OCCURRENCE} IS NULL AS _removed, "
        f"{changed} AS _changed, {values} FROM o FULL OUTER JOIN n ON {on}) "
        f"SELECT * FROM j WHERE (_added OR _removed OR len(_changed) > 0) "
        f"AND EXISTS (SELECT 1 FROM ground g WHERE g.account_id = j.k_account_id AND g.region = j.k_region) "
        f"AND NOT EXISTS (SELECT 1 FROM skipped s WHERE s.account_id = j.k_account_id "
        f"AND (s.region = 'global' OR s.region = j.k_region)) "
        f"ORDER BY {order_by}")


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

