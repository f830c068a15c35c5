"""Hostile rules: bounded in time and memory, unable to read or change anything beyond the snapshot.

tests/engine/test_sandbox.py covers the first escape routes (read_csv, COPY, ATTACH, SET...);
this file adds the rest, the second line of defence (the locked connection itself, with the SQL
check bypassed), and the time and memory bounds.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pytest
from sounding.collector.tables import ALL_TABLES
from sounding.engine.evaluate import evaluate
from sounding.engine.rule_process import isolation_available, memory_bytes
from sounding.engine.rules import load_rule
from sounding.engine.sandbox import Sandbox
from sounding.engine.snapshot import open_snapshot

from tests.builders import write_rule

ROW = "'111111111111' AS account_id, 'global' AS region, 'r' AS resource_id, 'ok' AS reason"
OK = f"SELECT 'PASS' AS status, {ROW}"

# Queries that allocate far beyond the memory bound; some of them escape DuckDB's memory_limit
# (range() as a list and repeat() allocate outside its buffer manager and ignore interrupts).
MEMORY_BOMBS = {
    "list_of_a_billion": f"SELECT 'PASS' AS status, {ROW} WHERE len(range(0, 1000000000)) > 0",
    "two_gigabyte_string": f"SELECT 'PASS' AS status, {ROW} WHERE length(repeat('x', 2000000000)) > 0",
    "list_aggregate": f"SELECT 'PASS' AS status, {ROW} FROM (SELECT list(range) AS l FROM range(300000000)) "
                      "WHERE len(l) > 0",
    "string_aggregate": f"SELECT 'PASS' AS status, {ROW} FROM (SELECT string_agg(repeat('x', 1000), ',') AS s "
                        "FROM range(10000000)) WHERE length(s) > 0",
    "cross_join_materialised": f"SELECT 'PASS' AS status, {ROW} FROM (SELECT list(a.range::VARCHAR || "
                               "b.range::VARCHAR) AS l FROM range(100000) a, range(100000) b) WHERE len(l) > 0",
}

# Escape routes not in tests/engine/test_sandbox.py, and a part of the reason each is refused with.
ESCAPES = {
    "query_table": ("SELECT * FROM query_table('regions')", "query_table() is not allowed"),
    "read_json_manifest": ("SELECT * FROM read_json('manifest.json')", "read_json() is not allowed"),
    "read_parquet_neighbour": ("SELECT * FROM read_parquet('tables/*/*.parquet')", "read_parquet() is not allowed"),
    "read_parquet_dotdot": ("SELECT * FROM read_parquet('tables/../../x.parquet')", "read_parquet() is not allowed"),
    "replacement_scan_manifest": ("SELECT * FROM 'manifest.json'", "reads table manifest.json"),
    "replacement_scan_dotdot": ("SELECT * FROM '../secret.parquet'", "reads table ../secret.parquet"),
    "read_blob": ("SELECT * FROM read_blob('/etc/hostname')", "read_blob() is not allowed"),
    "read_csv_auto": ("SELECT * FROM read_csv_auto('/etc/passwd')", "read_csv_auto() is not allowed"),
    "sniff_csv": ("SELECT * FROM sniff_csv('/etc/passwd')", "sniff_csv() is not allowed"),
    "parquet_metadata": ("SELECT * FROM parquet_metadata('tables/regions.parquet')",
                         "parquet_metadata() is not allowed"),
    "parquet_schema": ("SELECT * FROM parquet_schema('x.parquet')", "parquet_schema() is not allowed"),
    "json_execute_serialized_sql": (
        "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT current_setting(''threads'')'))",
        "json_execute_serialized_sql() is not allowed"),
    "getenv_quoted_upper": ('SELECT "GETENV"(\'HOME\') AS status', "getenv() is not allowed"),
    "getenv_schema_qualified": ("SELECT main.getenv('HOME') AS status", "getenv() is not allowed"),
    "getenv_in_lambda": ("SELECT list_transform([1], x -> getenv('HOME')) AS status", "getenv() is not allowed"),
    "duckdb_settings_qualified": ("SELECT * FROM system.main.duckdb_settings()", "duckdb_settings() is not allowed"),
    "pg_settings": ("SELECT * FROM pg_catalog.pg_settings", "reads table pg_settings"),
    "duckdb_extensions": ("SELECT * FROM duckdb_extensions()", "duckdb_extensions() is not allowed"),
    "which_secret": ("SELECT * FROM which_secret('s3://b/k', 's3')", "which_secret() is not allowed"),
    "load_aws_credentials": ("SELECT * FROM load_aws_credentials()", "load_aws_credentials() is not allowed"),
    "create_secret": ("CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')", "only SELECT is allowed; found CREATE"),
    "create_macro": ("CREATE MACRO m(x) AS x", "only SELECT is allowed; found CREATE"),
    "set_variable": ("SET VARIABLE x = 1", "only SELECT is allowed; found SET"),
    "reset": ("RESET memory_limit", "only SELECT is allowed"),
    "set_global": ("SET GLOBAL threads = 1", "only SELECT is allowed; found SET"),
    "detach": ("DETACH memory", "only SELECT is allowed; found DETACH"),
    "use": ("USE system", "only SELECT is allowed"),
    "import_database": ("IMPORT DATABASE '/tmp'", "only SELECT is allowed"),
    "vacuum": ("VACUUM", "only SELECT is allowed"),
    "checkpoint": ("CHECKPOINT", "only SELECT is allowed"),
    "copy_from": ("COPY sounding_gaps FROM '/etc/passwd'", "only SELECT is allowed; found COPY"),
    "update_extensions": ("UPDATE EXTENSIONS", "only SELECT is allowed"),
    "pivot_statement": ("PIVOT regions ON opt_in_status USING count(*)", "only SELECT is allowed; found MULTI"),
    "pivot_subquery": ("SELECT * FROM (PIVOT regions ON opt_in_status USING count(*))",
                       "only SELECT is allowed; found MULTI"),
    "explain_analyze": ("EXPLAIN ANALYZE SELECT 1", "only SELECT is allowed; found EXPLAIN"),
    "transaction": ("BEGIN TRANSACTION", "only SELECT is allowed; found TRANSACTION"),
    "prepare": ("PREPARE p AS SELECT 1", "only SELECT is allowed; found PREPARE"),
    "iceberg_scan": ("SELECT * FROM iceberg_scan('/tmp/x')", "iceberg_scan() is not allowed"),
    "delta_scan": ("SELECT * FROM delta_scan('/tmp/x')", "delta_scan() is not allowed"),
    "extension_not_loaded": ("SELECT * FROM postgres_scan('host=x', 'public', 't')",
                             "query failed: Catalog Error: Table Function with name postgres_scan does not exist"),
    "summarize_is_harmless": ("SUMMARIZE regions", "invalid output: missing column status"),
    "describe_is_harmless": ("DESCRIBE regions", "invalid output: missing column status"),
}


def _run(snapshot: Path, tmp_path: Path, name: str, sql: str, **options: object) -> dict[str, tuple[str, str]]:
    """Evaluate a hostile rule followed by a fine one; (status, reason) by rule id."""
    rules_dir = tmp_path / "rules"
    hostile = load_rule(write_rule(rules_dir, f"aa_{name}", sql))
    fine = load_rule(write_rule(rules_dir, "zz_fine", OK))
    findings = evaluate(open_snapshot(snapshot), [hostile, fine], **options).findings  # type: ignore[arg-type]
    return {f.rule_id: (f.status, f.reason) for f in findings}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escape_route_is_refused_and_the_run_goes_on(name: str, snapshot: Path, tmp_path: Path) -> None:
    sql, expected = ESCAPES[name]
    results = _run(snapshot, tmp_path, name, sql)
    status, reason = results[f"aa_{name}"]
    assert status == "ERROR"
    assert expected in reason
    assert reason.endswith(f"(aa_{name}.sql)")
    assert results["zz_fine"] == ("PASS", "ok")


needs_fork = pytest.mark.skipif(not isolation_available(), reason="the address-space-bounded worker is Linux-only")


@needs_fork
@pytest.mark.parametrize("name", sorted(MEMORY_BOMBS))
def test_memory_bomb_is_stopped_and_the_run_goes_on(name: str, snapshot: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    results = _run(snapshot, tmp_path, name, MEMORY_BOMBS[name], memory_limit="256MB", timeout=20)
    assert results[f"aa_{name}"] == ("ERROR", f"stopped: exceeded the memory limit (aa_{name}.sql)")
    assert results["zz_fine"] == ("PASS", "ok")
    assert time.monotonic() - started < 20


@needs_fork
def test_a_query_that_ignores_interrupts_is_killed_at_its_timeout(snapshot: Path, tmp_path: Path) -> None:
    # repeat() of 400 MB fits the memory bound, takes seconds, and does not notice con.interrupt().
    sql = f"SELECT 'PASS' AS status, {ROW} FROM range(50) WHERE length(repeat('x', 400000000)) > range"
    started = time.monotonic()
    results = _run(snapshot, tmp_path, "slow", sql, timeout=1.0)
    assert results == {"aa_slow": ("ERROR", "stopped: ran longer than 1 s (aa_slow.sql)"), "zz_fine": ("PASS", "ok")}
    assert time.monotonic() - started < 10


def test_enormous_output_is_bounded_by_max_rows(snapshot: Path, tmp_path: Path) -> None:
    sql = "SELECT 'PASS' AS status, '111111111111' AS account_id, 'global' AS region, range::VARCHAR AS " \
          "resource_id, 'ok' AS reason FROM range(5000000)"
    results = _run(snapshot, tmp_path, "flood", sql, max_rows=1000)
    assert results == {"aa_flood": ("ERROR", "invalid output: more than 1000 rows (aa_flood.sql)"),
                       "zz_fine": ("PASS", "ok")}


def test_settings_are_locked_for_every_later_rule(snapshot: Path) -> None:
    sandbox = Sandbox(open_snapshot(snapshot), ALL_TABLES, memory_limit="300MB")
    try:
        for statement in ("SET memory_limit = '100GB'", "SET enable_external_access = true",
                          "SET allowed_paths = ['/']", "RESET lock_configuration"):
            with pytest.raises(duckdb.Error, match="locked"):
                sandbox.con.execute(statement)
        _, rows = sandbox.run("SELECT current_setting('memory_limit'), current_setting('enable_external_access')",
                              timeout=10, max_rows=1)
    finally:
        sandbox.close()
    assert rows == [("286.1 MiB", False)]


# The second line of defence: the locked connection itself, with the SQL check bypassed.
DIRECT = {
    "file_outside": "SELECT * FROM read_text('/etc/hostname')",
    "manifest": "SELECT * FROM read_json('{snap}/manifest.json')",
    "manifest_replacement_scan": "SELECT * FROM '{snap}/manifest.json'",
    "glob_neighbours": "SELECT count(*) FROM read_parquet('{snap}/tables/*.parquet')",
    "symlink_in_snapshot": "SELECT count(*) FROM read_parquet('{snap}/tables/evil.parquet')",
    "network": "SELECT * FROM 'https://example.com/x.csv'",
    "secrets_dir": "SELECT * FROM duckdb_secrets()",
    "set_memory_limit": "SELECT * FROM (SELECT 1) WHERE 1 = (SELECT 1 FROM (SET memory_limit = '100GB'))",
}


@pytest.mark.parametrize("name", sorted(DIRECT))
def test_locked_connection_refuses_even_without_the_sql_check(name: str, snapshot: Path) -> None:
    os.symlink("/etc/passwd", snapshot / "tables" / "evil.parquet")
    sandbox = Sandbox(open_snapshot(snapshot, checksums=False), ALL_TABLES)
    try:
        with pytest.raises(duckdb.Error) as info:
            sandbox.run(DIRECT[name].format(snap=snapshot.resolve()), timeout=10, max_rows=10)
    finally:
        sandbox.close()
    message = str(info.value)
    assert ("Permission Error" in message or "disabled by configuration" in message
            or "Parser Error" in message), message


def test_getenv_does_not_exist_in_the_engine(snapshot: Path) -> None:
    sandbox = Sandbox(open_snapshot(snapshot), ALL_TABLES)
    try:
        with pytest.raises(duckdb.Error, match="getenv does not exist"):
            sandbox.run("SELECT getenv('AWS_SECRET_ACCESS_KEY')", timeout=10, max_rows=1)
    finally:
        sandbox.close()


def test_without_fork_the_in_process_timer_still_bounds_ordinary_queries(snapshot: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sounding.engine.sandbox.isolation_available", lambda: False)
    sql = f"SELECT 'PASS' AS status, {ROW} FROM range(100000000000) a, range(1000) b WHERE a.range * b.range = -1"
    results = _run(snapshot, tmp_path, "forever", sql, timeout=0.5)
    assert results == {"aa_forever": ("ERROR", "stopped: ran longer than 0.5 s (aa_forever.sql)"),
                       "zz_fine": ("PASS", "ok")}


@pytest.mark.parametrize(("text", "expected"), [("2GB", 2 * 1000**3), ("256MB", 256 * 1000**2),
                                                ("512MiB", 512 * 1024**2), ("1.5 GiB", 3 * 1024**3 // 2),
                                                ("1000", 1000)])
def test_memory_sizes_are_read_like_duckdb(text: str, expected: int) -> None:
    assert memory_bytes(text) == expected


def test_a_memory_size_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="not a memory size: 'lots'"):
        memory_bytes("lots")
