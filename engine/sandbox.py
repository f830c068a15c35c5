"""A DuckDB connection that can read one snapshot and nothing else, and the checks run on rule SQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
from sounding.collector.declarations import DUCKDB_TYPES, JSON, TableSpec
from sounding.engine.errors import first_line
from sounding.engine.rule_process import (
    CHILD_HEADROOM_BYTES,
    acquire_worker,
    isolation_available,
    memory_bytes,
    release_worker,
)
from sounding.engine.snapshot import Snapshot

META_TABLES = ("sounding_snapshot", "sounding_accounts", "sounding_scopes", "sounding_gaps", "account_regions",
               "events_alert_rules")
# Views the engine derives from collected tables: a rule reading one reads (and depends on the gaps of) these.
DERIVED_FROM = {"account_regions": frozenset({"regions"}),
                "events_alert_rules": frozenset({"events_rules", "events_targets"})}

# Whether an EventBridge pattern lets a value of one top-level field through: the field is absent
# (any value), or a list holding the value, a prefix, wildcard, equals-ignore-case, exists: true,
# or an anything-but (value, list or prefix) that accepts it. Shared by the security-alert rules.
EVENT_PATTERN_ACCEPTS = """
CREATE MACRO event_pattern_accepts(pattern, field, want) AS (
    CASE
        WHEN json_type(pattern, '$."' || field || '"') IS NULL THEN true
        WHEN json_type(pattern, '$."' || field || '"') <> 'ARRAY' THEN false
        ELSE len(list_filter(CAST(json_extract(pattern, '$."' || field || '"') AS JSON[]), lambda e:
            coalesce((json_type(e) = 'VARCHAR' AND e->>'$' = want)
                OR (json_type(e, '$.prefix') = 'VARCHAR' AND starts_with(want, e->>'$.prefix'))
                OR (json_type(e, '$."equals-ignore-case"') = 'VARCHAR'
                    AND lower(e->>'$."equals-ignore-case"') = lower(want))
                OR (json_type(e, '$.wildcard') = 'VARCHAR' AND want LIKE replace(e->>'$.wildcard', '*', '%'))
                OR (e->>'$.exists' = 'true')
                OR (json_type(e, '$."anything-but"') = 'VARCHAR' AND e->>'$."anything-but"' <> want)
                OR (json_type(e, '$."anything-but"') = 'ARRAY'
                    AND NOT list_contains(json_extract_string(e, '$."anything-but"[*]'), want))
                OR (json_type(e, '$."anything-but".prefix') = 'VARCHAR'
                    AND NOT starts_with(want, e->>'$."anything-but".prefix')), false))) > 0
    END)
"""

# Rules on the default bus (where AWS services deliver) with a pattern, and whether each has a target.
EVENTS_ALERT_RULES = """
CREATE VIEW events_alert_rules AS
SELECT r.account_id, r.region, r.name, r.state, r.event_pattern,
       EXISTS (SELECT 1 FROM events_targets AS t
               WHERE t.account_id = r.account_id AND t.region = r.region
                 AND t.event_bus_name = r.event_bus_name AND t.rule_name = r.name) AS has_target
FROM events_rules AS r
WHERE r.event_bus_name = 'default' AND r.event_pattern IS NOT NULL
"""

# Functions a rule may not call: they reach outside the snapshot, reveal the environment,
# run SQL from strings, or make results depend on anything but the snapshot.
_FORBIDDEN_PREFIXES = ("read_", "parquet_", "pragma_", "duckdb_secret", "sniff_", "iceberg_", "delta_")
_FORBIDDEN_NAMES = {
    "glob", "getenv", "current_setting", "which_secret", "query", "query_table", "load_aws_credentials",
    "now", "current_timestamp", "get_current_timestamp", "current_date", "current_time", "today",
    "get_current_time", "localtimestamp", "localtime", "transaction_timestamp", "random", "setseed",
    "uuid", "gen_random_uuid", "uuidv4", "uuidv7", "checkpoint", "force_checkpoint", "duckdb_settings",
    "duckdb_extensions", "duckdb_databases", "current_database", "current_schema", "current_schemas",
    "copy_database", "install_extension", "load_extension", "write_csv", "write_parquet",
    "json_execute_serialized_sql",
}
_NON_DETERMINISTIC = {"now", "current_timestamp", "get_current_timestamp", "current_date", "current_time",
                      "today", "get_current_time", "localtimestamp", "localtime",
                      "transaction_timestamp", "random", "setseed", "uuid", "gen_random_uuid",
                      "uuidv4", "uuidv7"}


def is_forbidden_function(name: str) -> bool:
    """Whether a rule may not call this function (lower-case name)."""
    return name in _FORBIDDEN_NAMES or name.startswith(_FORBIDDEN_PREFIXES)


class RuleRefused(Exception):
    """The rule's SQL is not allowed to run; the message says why."""


@dataclass(frozen=True)
class CheckedSQL:
    """A rule's single SELECT, with the tables and functions it names."""

    query: str
    tables: frozenset[str]
    functions: frozenset[str]


def check_sql(sql: str) -> CheckedSQL:
    """Refuse anything but one SELECT that calls only allowed functions."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise RuleRefused(f"SQL does not parse: {first_line(exc)}") from None
    if len(statements) != 1:
        raise RuleRefused(f"a rule must be exactly one statement; found {len(statements)}")
    statement = statements[0]
    try:
        kind = statement.type
    except ValueError:  # a statement type the Python binding has no name for (UPDATE EXTENSIONS)
        raise RuleRefused("only SELECT is allowed; found another kind of statement") from None
    if kind != duckdb.StatementType.SELECT:
        raise RuleRefused(f"only SELECT is allowed; found {kind.name}")
    query = statement.query.strip().rstrip(";").strip()
    tree = _parse_tree(query)
    tables, ctes, functions = set(), set(), set()
    _walk(tree, tables, ctes, functions)
    for name in sorted(functions):
        if is_forbidden_function(name):
            why = ("is not deterministic; use sounding_snapshot.collected_at as 'now'"
                   if name in _NON_DETERMINISTIC else "reaches outside the snapshot")
            raise RuleRefused(f"function {name}() is not allowed: it {why}")
    return CheckedSQL(query, frozenset(tables - ctes), frozenset(functions))


def _parse_tree(query: str) -> dict[str, Any]:
    """DuckDB's own parse tree of a query, as JSON (parsing only; nothing is bound or run)."""
    with duckdb.connect(":memory:", config=_BASE_CONFIG) as con:
        text = con.execute("SELECT json_serialize_sql(?)", [query]).fetchone()[0]
    tree = json.loads(text)
    if tree.get("error"):
        raise RuleRefused(f"SQL does not parse: {tree.get('error_message', 'unknown error')}")
    return tree


def _walk(node: Any, tables: set[str], ctes: set[str], functions: set[str]) -> None:
    """Collect table names, CTE names and function names from a parse tree."""
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE" and "table_name" in node:
            tables.add(str(node["table_name"]).lower())
        if "function_name" in node:
            functions.add(str(node["function_name"]).lower())
        cte_map = node.get("cte_map")
        if isinstance(cte_map, dict):
            for entry in cte_map.get("map", []):
                ctes.add(str(entry.get("key", "")).lower())
        for value in node.values():
            _walk(value, tables, ctes, functions)
    elif isinstance(node, list):
        for value in node:
            _walk(value, tables, ctes, functions)


_BASE_CONFIG = {
    "autoload_known_extensions": "false",
    "autoinstall_known_extensions": "false",
    "allow_community_extensions": "false",
}




def _quote(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _select_list(schema: Sequence[dict[str, str]]) -> str:
    """Columns of a table view; JSON columns are exposed as DuckDB's JSON type."""
    parts = []
    for column in schema:
        name = _quote(column["name"])
        parts.append(f"{name}::JSON AS {name}" if column["type"] == JSON else name)
    return ", ".join(parts)


EmptyTable = tuple[str, list[tuple[str, str]]]


def _empty_table_sql(table: EmptyTable) -> str:
    """An empty, typed table for a declared table the snapshot does not have."""
    name, columns = table
    cols = ", ".join(f"{_quote(column)} {DUCKDB_TYPES[kind]}" for column, kind in columns)
    return f"CREATE TABLE {_quote(name)} ({cols})"


def connect_sandbox(snapshot: Snapshot, empty_tables: Sequence[EmptyTable], memory_limit: str,
                    threads: int | None) -> duckdb.DuckDBPyConnection:
    """A new locked-down connection with the snapshot's views, empty declared tables and meta tables."""
    con = duckdb.connect(":memory:", config=dict(_BASE_CONFIG))
    files: list[str] = []
    con.execute("SET TimeZone = 'UTC'")
    for name, entry in sorted(snapshot.tables.items()):
        paths = snapshot.pinned(name)  # descriptors of the verified bytes (engine.snapshot)
        files.extend(paths)
        listing = ", ".join(_literal(p) for p in paths)
        con.execute(f"CREATE VIEW {_quote(name)} AS SELECT {_select_list(entry['schema'])} "
                    f"FROM read_parquet([{listing}])")
    for table in empty_tables:
        con.execute(_empty_table_sql(table))
    _create_meta_tables(con, snapshot)
    con.execute(f"SET allowed_paths = [{', '.join(_literal(p) for p in files)}]")
    con.execute("SET enable_external_access = false")
    con.execute(f"SET memory_limit = {_literal(memory_limit)}")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET lock_configuration = true")
    return con


def _create_meta_tables(con: duckdb.DuckDBPyConnection, snap: Snapshot) -> None:
    """Tables describing the snapshot itself: time, accounts, collected scopes, gaps."""
    manifest = snap.manifest
    con.execute("CREATE TABLE sounding_snapshot (collected_at TIMESTAMPTZ, started_at TIMESTAMPTZ, "
                "format_version INTEGER, tool_version VARCHAR, caller_arn VARCHAR, "
                "caller_account_id VARCHAR, partition VARCHAR)")
    con.execute("INSERT INTO sounding_snapshot VALUES (?, ?, ?, ?, ?, ?, ?)",
                [snap.collected_at, snap.started_at, manifest["format_version"],
                 manifest["tool_version"], manifest["caller"].get("arn", ""),
                 manifest["caller"].get("account_id", ""),
                 manifest.get("options", {}).get("partition", "aws")])
    con.execute("CREATE TABLE sounding_accounts (account_id VARCHAR, name VARCHAR, email VARCHAR, "
                "reachable BOOLEAN, regions VARCHAR[])")
    accounts = snap.accounts
    con.register("_accounts", pa.table({
        "account_id": pa.array([a["account_id"] for a in accounts], pa.string()),
        "name": pa.array([a.get("name", "") for a in accounts], pa.string()),
        "email": pa.array([a.get("email", "") for a in accounts], pa.string()),
        "reachable": pa.array([a.get("reachable", True) for a in accounts], pa.bool_()),
        "regions": pa.array([list(a.get("regions", [])) for a in accounts], pa.list_(pa.string()))}))
    con.execute("INSERT INTO sounding_accounts SELECT * FROM _accounts")
    con.unregister("_accounts")
    con.execute("CREATE TABLE sounding_scopes AS SELECT account_id, unnest(regions) AS region "
                "FROM sounding_accounts")
    con.execute(
        "CREATE VIEW account_regions AS SELECT r.account_id, r.region_name AS region, r.opt_in_status, "
        "r.opt_in_status IN ('opt-in-not-required', 'opted-in') AS enabled, "
        "(s.region IS NOT NULL) AS collected "
        "FROM regions AS r LEFT JOIN sounding_scopes AS s "
        "ON s.account_id = r.account_id AND s.region = r.region_name")
    con.execute(EVENT_PATTERN_ACCEPTS)
    con.execute(EVENTS_ALERT_RULES)
    con.execute("CREATE TABLE sounding_gaps (account_id VARCHAR, region VARCHAR, table_name VARCHAR, "
                "service VARCHAR, operation VARCHAR, error_code VARCHAR, error_kind VARCHAR, "
                "message VARCHAR)")
    # In bulk: tens of thousands of gaps are one Arrow insert, not one statement each.
    fields = ("account_id", "region", "table", "service", "operation", "error_code", "error_kind", "message")
    con.register("_gaps", pa.table({f: pa.array([g[f] for g in snap.gaps], pa.string()) for f in fields}))
    con.execute("INSERT INTO sounding_gaps SELECT * FROM _gaps")
    con.unregister("_gaps")


class Sandbox:
    """One snapshot, loaded as views, behind a locked-down DuckDB connection."""

    def __init__(self, snapshot: Snapshot, declared: Iterable[TableSpec], *, memory_limit: str = "2GB",
                 threads: int | None = None) -> None:
        self.snapshot = snapshot
        self.available: set[str] = set(snapshot.tables)
        empty = [(spec.name, [(c.name, c.type) for c in spec.all_columns])
                 for spec in declared if spec.name not in self.available]
        self.missing: set[str] = {name for name, _ in empty}
        self._empty, self._memory_limit, self._threads = empty, memory_limit, threads
        self._con: duckdb.DuckDBPyConnection | None = None
        # Some functions (repeat(), range() as a list) allocate outside DuckDB's buffer manager and
        # ignore interrupts: rules run in a separate worker process, bounded in address space and
        # killed on timeout. The worker is a fresh interpreter (not a fork of this threaded process);
        # it gets the verified manifest, so it neither re-reads nor re-verifies the snapshot.
        init = {"snapshot": str(snapshot.path), "manifest": snapshot.manifest, "empty_tables": empty,
                "memory_limit": memory_limit, "threads": threads}
        self.worker = (acquire_worker(init, memory_bytes(memory_limit) + CHILD_HEADROOM_BYTES)
                       if isolation_available() else None)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """This process's own sandbox connection, built on first use (rules run in the worker)."""
        if self._con is None:
            self._con = connect_sandbox(self.snapshot, self._empty, self._memory_limit, self._threads)
        return self._con

    def run(self, query: str, *, timeout: float, max_rows: int) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run a checked query with a time and memory bound; returns column names and at most max_rows + 1 rows."""
        sql = f"SELECT * FROM ({query}) AS rule_output LIMIT {max_rows + 1}"
        if self.worker is not None:
            return self.worker.run(sql, timeout)
        timer = threading.Timer(timeout, self.con.interrupt)
        timer.start()
        try:
            cursor = self.con.execute(sql)
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        finally:
            timer.cancel()
        return columns, rows

    def close(self) -> None:
        """Release the connection and stop the worker."""
        if self.worker is not None:
            release_worker(self.worker)
            self.worker = None
        if self._con is not None:
            self._con.close()
            self._con = None
