"""What SQL may run in the sandbox: one SELECT calling only allowed functions (shared by evaluate and lint)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

import duckdb
from sounding.engine.errors import first_line

# Settings of every connection the engine opens: no extension is fetched or loaded behind our back.
BASE_CONFIG = {
    "autoload_known_extensions": "false",
    "autoinstall_known_extensions": "false",
    "allow_community_extensions": "false",
}

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
    """A rule's single SELECT, with the tables and the functions (shared macros among them) it names."""

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
    tables, functions = names_in(parse_tree(query))
    for name in sorted(functions):
        if is_forbidden_function(name):
            why = ("is not deterministic; use sounding_snapshot.collected_at as 'now'"
                   if name in _NON_DETERMINISTIC else "reaches outside the snapshot")
            raise RuleRefused(f"function {name}() is not allowed: it {why}")
    return CheckedSQL(query, tables, functions)


_PARSER: duckdb.DuckDBPyConnection | None = None
_PARSER_LOCK = threading.Lock()


def parse_tree(query: str) -> dict[str, Any]:
    """DuckDB's own parse tree of a query, as JSON (parsing only; nothing is bound or run).

    One empty connection per process does the parsing: opening one costs about 70 ms, parsing far less.
    """
    global _PARSER
    with _PARSER_LOCK:
        if _PARSER is None:
            _PARSER = duckdb.connect(":memory:", config=BASE_CONFIG)
        text = _PARSER.execute("SELECT json_serialize_sql(?)", [query]).fetchone()[0]
    try:
        tree = json.loads(text)
    except RecursionError:
        raise RuleRefused("SQL is nested too deeply to check") from None
    if tree.get("error"):
        raise RuleRefused(f"SQL does not parse: {tree.get('error_message', 'unknown error')}")
    return tree


def names_in(tree: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """The tables (CTEs excluded) and the functions a parse tree names, lower-case (walked without recursion)."""
    tables: set[str] = set()
    ctes: set[str] = set()
    functions: set[str] = set()
    todo: list[Any] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE" and "table_name" in node:
                tables.add(str(node["table_name"]).lower())
            if "function_name" in node:
                functions.add(str(node["function_name"]).lower())
            cte_map = node.get("cte_map")
            if isinstance(cte_map, dict):
                ctes.update(str(entry.get("key", "")).lower() for entry in cte_map.get("map", []))
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return frozenset(tables - ctes), frozenset(functions)
