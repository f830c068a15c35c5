"""A rule's output checked in bulk (Arrow) says exactly what the row-by-row check says, for every kind of mistake."""

from __future__ import annotations

import json
import random

import duckdb
import pyarrow as pa
import pytest
from sounding.engine.rule_output import (
    OUTPUT_SCHEMA,
    InvalidOutput,
    RuleCap,
    RuleRows,
    in_report_order,
    rule_output,
    to_rule_rows,
)

CAP = RuleCap(1_000, None)


def bulk(con: duckdb.DuckDBPyConnection, sql: str, cap: RuleCap = CAP) -> pa.Table | str:
    """What rule_output makes of sql: the table, or the message."""
    try:
        return rule_output(con, sql, cap)
    except InvalidOutput as exc:
        return str(exc)


def by_rows(con: duckdb.DuckDBPyConnection, sql: str, cap: RuleCap = CAP) -> pa.Table | str:
    """What the row-by-row check (DuckDB's Python values) makes of sql, in report order."""
    cursor = con.execute(sql)
    try:
        return in_report_order(to_rule_rows([d[0] for d in cursor.description], cursor.fetchall(), cap).to_arrow())
    except InvalidOutput as exc:
        return str(exc)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


def rows_sql(rows: list[tuple[str | None, ...]], names: tuple[str, ...] = ("status", "resource_id", "account_id",
                                                                            "region", "reason")) -> str:
    """A VALUES query returning rows (VARCHAR columns) in order."""
    def literal(value: str | None) -> str:
        return "NULL::VARCHAR" if value is None else "'" + value.replace("'", "''") + "'"

    values = ", ".join("(" + ", ".join([str(n), *(literal(v) for v in row)]) + ")" for n, row in enumerate(rows))
    return f"SELECT {', '.join(names)} FROM (VALUES {values}) AS t(n, {', '.join(names)}) ORDER BY n"


CASES = {
    "valid": ("SELECT 'PASS' AS status, 'r' AS resource_id, '1' AS account_id, 'global' AS region, 'ok' AS reason",
              None),
    "null_reason_first_row": (rows_sql([("PASS", "r", "1", "global", None)]),
                              "column reason must be VARCHAR and not NULL; got NULL"),
    "bad_status_before_null": (rows_sql([("PASS", "r", "1", "g", "x"), ("WARN", "r", "1", "g", "x"),
                                         ("PASS", None, "1", "g", "x")]),
                               "status 'WARN' is not one of PASS, FAIL, MANUAL, SKIP, ERROR"),
    "null_before_bad_status": (rows_sql([("PASS", None, "1", "g", "x"), ("WARN", "r", "1", "g", "x")]),
                               "column resource_id must be VARCHAR and not NULL; got NULL"),
    "null_status_same_row_as_null_account": (rows_sql([("PASS", "r", "1", "g", "x"), (None, "r", None, "g", "x")]),
                                             "column status must be VARCHAR and not NULL; got NULL"),
    "integer_column": ("SELECT 'PASS' AS status, 1 AS resource_id, '1' AS account_id, 'g' AS region, 'x' AS reason",
                       "column resource_id must be VARCHAR and not NULL; got int"),
    "missing_column": ("SELECT 'PASS' AS status", "missing column resource_id, account_id, region, reason "
                                                  "(a rule returns status, resource_id, account_id, region, reason)"),
    "duplicate_column": ("SELECT 'PASS' AS status, 'PASS' AS STATUS, 'r' AS resource_id, '1' AS account_id, "
                         "'g' AS region, 'x' AS reason", "two output columns share a name"),
    "long_status_cut": (rows_sql([("X" * 60, "r", "1", "g", "x")]),
                        f"status '{'X' * 40}' is not one of PASS, FAIL, MANUAL, SKIP, ERROR"),
    "json_typed_reason": ("SELECT 'FAIL' AS status, 'r' AS resource_id, '1' AS account_id, 'g' AS region, "
                          "'{\"a\": 1}'::JSON AS reason", None),
    "upper_case_names": ("SELECT 'SKIP' AS STATUS, 'r' AS Resource_Id, '1' AS account_id, 'g' AS region, "
                         "'x' AS reason", None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bulk_check_says_what_the_row_check_says(name: str, con: duckdb.DuckDBPyConnection) -> None:
    sql, message = CASES[name]
    expected = by_rows(con, sql)
    assert bulk(con, sql) == expected
    if message is None:
        assert isinstance(expected, pa.Table) and expected.schema == OUTPUT_SCHEMA
    else:
        assert expected == message


def test_random_outputs_agree_row_for_row(con: duckdb.DuckDBPyConnection) -> None:
    rng = random.Random(13)
    values = ["PASS", "FAIL", "ERROR", "SKIP", "MANUAL", "pass", "", None, "é", "x'y"]
    for _ in range(150):
        rows = [tuple(rng.choice(values) if rng.random() < 0.15 else rng.choice(values[:5]) for _ in range(5))
                for _ in range(rng.randint(0, 12))]
        sql = rows_sql(rows) if rows else ("SELECT * FROM (SELECT 'PASS' AS status, 'r' AS resource_id, '1' AS "
                                           "account_id, 'g' AS region, 'x' AS reason) WHERE false")
        assert bulk(con, sql) == by_rows(con, sql), rows


def test_extra_columns_become_details_as_plain_json(con: duckdb.DuckDBPyConnection) -> None:
    sql = ("SELECT 'FAIL' AS status, 'r' AS resource_id, '1' AS account_id, 'g' AS region, 'x' AS reason, "
           "42 AS count, 1.5::DECIMAL(4, 2) AS ratio, DATE '2026-01-02' AS day, [1, 2] AS list, "
           "{'k': 'v'} AS nested, '\\x01'::BLOB AS raw")
    table = rule_output(con, sql, CAP)
    assert json.loads(table["details"][0].as_py()) == {"count": 42, "ratio": 1.5, "day": "2026-01-02",
                                                       "list": [1, 2], "nested": {"k": "v"}, "raw": "01"}
    assert table.select(["status", "account_id", "region", "resource_id", "reason"]).to_pylist() == [
        {"status": "FAIL", "account_id": "1", "region": "g", "resource_id": "r", "reason": "x"}]


def test_more_rows_than_the_cap_is_invalid_in_both_paths(con: duckdb.DuckDBPyConnection) -> None:
    cap = RuleCap(3, 10)
    varchar = "SELECT 'PASS' AS status, 'r' AS resource_id, '1' AS account_id, 'g' AS region, 'x' AS reason " \
              "FROM range(4)"
    with_details = varchar.replace(" FROM range(4)", ", range AS n FROM range(4)")
    expected = "more than 3 rows, the cap for runaway rules (2x the snapshot's 10 rows and scopes)"
    assert bulk(con, varchar, cap) == by_rows(con, varchar, cap) == expected
    assert bulk(con, with_details, cap) == expected


def test_rule_rows_round_trip_to_the_output_schema() -> None:
    rows = RuleRows()
    rows.append(status="ERROR", account_id="1", region="global", resource_id="r", reason="why",
                details={"status_without_gap": "PASS"})
    rows.append(status="PASS", account_id="2", region="eu-west-1", resource_id="s", reason="ok")
    assert rows.to_arrow().to_pylist() == [
        {"status": "ERROR", "account_id": "1", "region": "global", "resource_id": "r", "reason": "why",
         "details": '{"status_without_gap": "PASS"}'},
        {"status": "PASS", "account_id": "2", "region": "eu-west-1", "resource_id": "s", "reason": "ok",
         "details": None}]


def test_output_comes_in_report_order_ties_in_query_order(con: duckdb.DuckDBPyConnection) -> None:
    """Account, region, resource, status by rank (FAIL first), reason; equal rows keep the query's order."""
    sql = ("SELECT status, resource_id, account_id, region, reason, n FROM (VALUES "
           "(1, 'PASS', 'b', '2', 'g', 'x'), (2, 'FAIL', 'b', '2', 'g', 'y'), (3, 'PASS', 'a', '2', 'g', 'x'), "
           "(4, 'SKIP', 'a', '1', 'g', 'x'), (5, 'FAIL', 'b', '2', 'g', 'y')) AS t(n, status, resource_id, "
           "account_id, region, reason) ORDER BY n")
    table = rule_output(con, sql, CAP)
    assert [json.loads(d)["n"] for d in table["details"].to_pylist()] == [4, 3, 2, 5, 1]
