"""A DuckDB connection that can read one snapshot and nothing else: views, meta tables, the SQL library.

Used by the rule worker, by lint (to bind rules against an empty snapshot), by `query` and by diff.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa
from sounding.collector.declarations import DUCKDB_TYPES, JSON
from sounding.engine.event_pattern import register as register_event_pattern
from sounding.engine.filter_pattern import register as register_filter_pattern
from sounding.engine.snapshot import Snapshot
from sounding.engine.sql_library import LibraryObject, SqlLibrary, load_library
from sounding.engine.sql_policy import BASE_CONFIG

# Tables the engine fills about the snapshot itself, and their columns (docs: engine/table_reference.py).
ENGINE_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "sounding_snapshot": (("collected_at", "TIMESTAMPTZ"), ("started_at", "TIMESTAMPTZ"),
                          ("format_version", "INTEGER"), ("tool_version", "VARCHAR"), ("caller_arn", "VARCHAR"),
                          ("caller_account_id", "VARCHAR"), ("partition", "VARCHAR")),
    "sounding_accounts": (("account_id", "VARCHAR"), ("name", "VARCHAR"), ("email", "VARCHAR"),
                          ("reachable", "BOOLEAN"), ("regions", "VARCHAR[]")),
    "sounding_scopes": (("account_id", "VARCHAR"), ("region", "VARCHAR")),
    "sounding_gaps": (("account_id", "VARCHAR"), ("region", "VARCHAR"), ("table_name", "VARCHAR"),
                      ("service", "VARCHAR"), ("operation", "VARCHAR"), ("error_code", "VARCHAR"),
                      ("error_kind", "VARCHAR"), ("message", "VARCHAR")),
}

EmptyTable = tuple[str, list[tuple[str, str]]]


def quote_identifier(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def meta_table_names(library: SqlLibrary | None = None) -> tuple[str, ...]:
    """Every name the engine provides besides the declared tables: meta tables and shared views."""
    return (*ENGINE_TABLES, *(v.name for v in (library or load_library()).views))


def connect_sandbox(snapshot: Snapshot, empty_tables: Sequence[EmptyTable], memory_limit: str,
                    threads: int | None) -> duckdb.DuckDBPyConnection:
    """A new locked-down connection with the snapshot's views, empty declared tables and meta tables."""
    con = duckdb.connect(":memory:", config=dict(BASE_CONFIG))
    con.execute("SET TimeZone = 'UTC'")
    files = create_table_views(con, snapshot)
    for table in empty_tables:
        con.execute(empty_table_sql(table))
    create_meta_tables(con)
    fill_meta_tables(con, snapshot)
    register_engine_functions(con)
    create_library(con)
    con.execute(f"SET allowed_paths = [{', '.join(quote_literal(p) for p in files)}]")
    con.execute("SET enable_external_access = false")
    con.execute(f"SET memory_limit = {quote_literal(memory_limit)}")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET lock_configuration = true")
    return con


def create_table_views(con: duckdb.DuckDBPyConnection, snapshot: Snapshot) -> list[str]:
    """One view per table of the snapshot over its Parquet files; returns the files the views read."""
    files: list[str] = []
    for name, entry in sorted(snapshot.tables.items()):
        paths = snapshot.pinned(name)  # descriptors of the verified bytes (engine.snapshot)
        files.extend(paths)
        listing = ", ".join(quote_literal(p) for p in paths)
        con.execute(f"CREATE VIEW {quote_identifier(name)} AS SELECT {_select_list(entry['schema'])} "
                    f"FROM read_parquet([{listing}])")
    return files


def _select_list(schema: Sequence[dict[str, str]]) -> str:
    """Columns of a table view; JSON columns are exposed as DuckDB's JSON type."""
    parts = []
    for column in schema:
        name = quote_identifier(column["name"])
        parts.append(f"{name}::JSON AS {name}" if column["type"] == JSON else name)
    return ", ".join(parts)


def empty_table_sql(table: EmptyTable) -> str:
    """An empty, typed table for a declared table the snapshot does not have."""
    name, columns = table
    cols = ", ".join(f"{quote_identifier(column)} {DUCKDB_TYPES[kind]}" for column, kind in columns)
    return f"CREATE TABLE {quote_identifier(name)} ({cols})"


def create_meta_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The engine's tables about a snapshot, empty: time, accounts, collected scopes, gaps."""
    for name, columns in ENGINE_TABLES.items():
        con.execute(f"CREATE TABLE {name} ({', '.join(f'{c} {t}' for c, t in columns)})")


def fill_meta_tables(con: duckdb.DuckDBPyConnection, snap: Snapshot) -> None:
    """Fill the engine's tables from a verified snapshot's manifest."""
    manifest = snap.manifest
    con.execute("INSERT INTO sounding_snapshot VALUES (?, ?, ?, ?, ?, ?, ?)",
                [snap.collected_at, snap.started_at, manifest["format_version"],
                 manifest["tool_version"], manifest["caller"].get("arn", ""),
                 manifest["caller"].get("account_id", ""),
                 manifest.get("options", {}).get("partition", "aws")])
    # In bulk: thousands of accounts and tens of thousands of gaps are one Arrow insert each, not a statement each.
    accounts = snap.accounts
    con.register("_accounts", pa.table({
        "account_id": pa.array([a["account_id"] for a in accounts], pa.string()),
        "name": pa.array([a.get("name", "") for a in accounts], pa.string()),
        "email": pa.array([a.get("email", "") for a in accounts], pa.string()),
        "reachable": pa.array([a.get("reachable", True) for a in accounts], pa.bool_()),
        "regions": pa.array([list(a.get("regions", [])) for a in accounts], pa.list_(pa.string()))}))
    con.execute("INSERT INTO sounding_accounts SELECT * FROM _accounts")
    con.unregister("_accounts")
    con.execute("INSERT INTO sounding_scopes SELECT account_id, unnest(regions) AS region FROM sounding_accounts")
    fields = ("account_id", "region", "table", "service", "operation", "error_code", "error_kind", "message")
    con.register("_gaps", pa.table({f: pa.array([g[f] for g in snap.gaps], pa.string()) for f in fields}))
    con.execute("INSERT INTO sounding_gaps SELECT * FROM _gaps")
    con.unregister("_gaps")


def register_engine_functions(con: duckdb.DuckDBPyConnection) -> None:
    """The one place where functions the engine provides to rules are registered on a connection."""
    register_event_pattern(con)  # event_pattern_admits / event_pattern_accepts (engine/event_pattern.py)
    register_filter_pattern(con)  # filter_pattern_matches (engine/filter_pattern.py)


def create_library(con: duckdb.DuckDBPyConnection, library: SqlLibrary | None = None) -> None:
    """Create the shared views and macros of rules/_lib, each after what it reads."""
    for obj in (library or load_library()).objects:
        con.execute(obj.statement)


def describe_library(library: SqlLibrary | None = None) -> dict[str, list[tuple[str, str]]]:
    """Column names and DuckDB types of every shared view and table macro, bound against empty declared tables."""
    from sounding.collector.tables import ALL_TABLES

    library = library or load_library()
    with duckdb.connect(":memory:", config=dict(BASE_CONFIG)) as con:
        for spec in ALL_TABLES:
            con.execute(empty_table_sql((spec.name, [(c.name, c.type) for c in spec.all_columns])))
        create_meta_tables(con)
        register_engine_functions(con)
        create_library(con, library)
        described = {}
        for obj in library.row_sources:
            columns = con.execute(f"SELECT * FROM {row_source_call(obj)} LIMIT 0").description
            described[obj.name] = [(d[0], str(d[1])) for d in columns]
        return described


def row_source_call(obj: LibraryObject) -> str:
    """How to select from a shared view or table macro when only its columns matter: a macro gets NULL arguments."""
    return f"{obj.name}({', '.join('NULL' for _ in obj.params)})" if obj.returns_table else obj.name
