"""Evaluation: output validated, gaps and missing tables become ERROR, order is deterministic."""

from __future__ import annotations

from pathlib import Path

from sounding.collector.synthetic import build_snapshot
from sounding.engine.evaluate import evaluate
from sounding.engine.report.json_report import render
from sounding.engine.rules import builtin_rules_dir, load_rule, load_rules
from sounding.engine.snapshot import open_snapshot

from tests.builders import write_rule

ROW = "'111111111111' AS account_id, 'global' AS region, 'r' AS resource_id, 'why' AS reason"


def run(snapshot: Path, tmp_path: Path, sql: str) -> list[tuple[str, str]]:
    rule = load_rule(write_rule(tmp_path / "rules", "under_test", sql))
    return [(f.status, f.reason) for f in evaluate(open_snapshot(snapshot), [rule]).findings]


def test_missing_output_column_is_an_error(small_snapshot: Path, tmp_path: Path) -> None:
    assert run(small_snapshot, tmp_path, "SELECT 'PASS' AS status, 'r' AS resource_id") == [
        ("ERROR", "invalid output: missing column account_id, region, reason (a rule returns status, resource_id, "
                  "account_id, region, reason) (under_test.sql)")]


def test_invalid_status_is_an_error(small_snapshot: Path, tmp_path: Path) -> None:
    assert run(small_snapshot, tmp_path, f"SELECT 'OK' AS status, {ROW}") == [
        ("ERROR", "invalid output: status 'OK' is not one of PASS, FAIL, MANUAL, SKIP, ERROR (under_test.sql)")]


def test_mistyped_or_null_columns_are_errors(small_snapshot: Path, tmp_path: Path) -> None:
    [(status, reason)] = run(small_snapshot, tmp_path, "SELECT 'PASS' AS status, 1 AS account_id, 'global' AS "
                                                       "region, 'r' AS resource_id, 'x' AS reason")
    assert (status, reason) == ("ERROR", "invalid output: column account_id must be VARCHAR and not NULL; got int "
                                         "(under_test.sql)")
    [(status, reason)] = run(small_snapshot, tmp_path, "SELECT 'PASS' AS status, NULL AS account_id, 'global' AS "
                                                       "region, 'r' AS resource_id, 'x' AS reason")
    assert "got NULL" in reason


def test_runtime_error_is_reported_with_the_database_message(small_snapshot: Path, tmp_path: Path) -> None:
    [(status, reason)] = run(small_snapshot, tmp_path, f"SELECT 'PASS' AS status, {ROW} FROM regions "
                                                       "WHERE no_such_column = 1")
    assert status == "ERROR"
    assert reason.startswith("query failed: Binder Error: Referenced column \"no_such_column\" not found")


def test_extra_columns_become_details(small_snapshot: Path, tmp_path: Path) -> None:
    rule = load_rule(write_rule(tmp_path / "rules", "with_details", f"SELECT 'PASS' AS status, {ROW}, "
                                                                    "42 AS size, TIMESTAMP '2026-01-01' AS seen"))
    [finding] = evaluate(open_snapshot(small_snapshot), [rule]).findings
    assert finding.details == {"size": 42, "seen": "2026-01-01T00:00:00"}


def test_now_is_the_collection_time(small_snapshot: Path, tmp_path: Path) -> None:
    [(status, reason)] = run(small_snapshot, tmp_path, "SELECT 'PASS' AS status, '111111111111' AS account_id, "
                             "'global' AS region, 'r' AS resource_id, collected_at::VARCHAR AS reason "
                             "FROM sounding_snapshot")
    assert (status, reason) == ("PASS", "2026-03-01 12:00:00+00")


def test_a_gap_turns_findings_in_its_scope_into_error(tmp_path: Path) -> None:
    snap = build_snapshot(tmp_path / "snap", {}, accounts=["111111111111", "222222222222"],
                          gaps=[{"account_id": "222222222222", "table": "iam_password_policy"}],
                          tables=["regions", "iam_password_policy"])
    rule = load_rule(builtin_rules_dir() / "01-root-user" / "iam_password_policy_exists.sql")
    findings = list(evaluate(open_snapshot(snap), [rule]).findings)
    assert [(f.account_id, f.status) for f in findings] == [("111111111111", "FAIL"), ("222222222222", "ERROR")]
    assert findings[1].details == {"status_without_gap": "FAIL"}


def test_a_gap_scope_without_findings_still_gets_an_error(tmp_path: Path) -> None:
    snap = build_snapshot(tmp_path / "snap", {}, regions=["us-east-1", "eu-west-1"],
                          gaps=[{"table": "regions", "region": "global", "error_code": "AccessDenied"}],
                          tables=["regions"])
    rule = load_rule(write_rule(tmp_path / "rules", "per_region",
                                "SELECT 'PASS' AS status, account_id, region, region AS resource_id, 'r' AS reason "
                                "FROM account_regions WHERE false"))
    [finding] = evaluate(open_snapshot(snap), [rule]).findings
    assert (finding.status, finding.account_id, finding.region, finding.resource_id) == \
        ("ERROR", "111111111111", "global", "arn:aws:iam::111111111111:root")


def test_a_table_the_snapshot_lacks_is_error_for_every_account(tmp_path: Path) -> None:
    snap = build_snapshot(tmp_path / "snap", {}, accounts=["111111111111", "222222222222"], tables=["regions"])
    rule = load_rule(builtin_rules_dir() / "01-root-user" / "iam_password_policy_exists.sql")
    findings = evaluate(open_snapshot(snap), [rule]).findings
    assert [(f.account_id, f.status, f.reason) for f in findings] == [
        ("111111111111", "ERROR", "table iam_password_policy was not collected in this snapshot"),
        ("222222222222", "ERROR", "table iam_password_policy was not collected in this snapshot")]


def test_same_snapshot_same_rules_byte_identical_json(small_snapshot: Path) -> None:
    rules = load_rules([builtin_rules_dir()])
    first = render(evaluate(open_snapshot(small_snapshot), rules))
    second = render(evaluate(open_snapshot(small_snapshot), rules))
    assert first == second


def test_timeout_stops_a_rule_and_the_run_goes_on(small_snapshot: Path, tmp_path: Path) -> None:
    slow = load_rule(write_rule(tmp_path / "rules", "aa_forever",
                                f"SELECT 'PASS' AS status, {ROW} FROM range(100000000000) a, range(1000) b "
                                "WHERE a.range * b.range = -1"))
    fine = load_rule(write_rule(tmp_path / "rules", "bb_fine", f"SELECT 'PASS' AS status, {ROW}"))
    findings = evaluate(open_snapshot(small_snapshot), [slow, fine], timeout=0.5).findings
    assert [(f.rule_id, f.status, f.reason) for f in findings] == [
        ("aa_forever", "ERROR", "stopped: ran longer than 0.5 s (aa_forever.sql)"),
        ("bb_fine", "PASS", "why")]


def test_the_first_bad_row_in_output_order_names_the_error(small_snapshot: Path, tmp_path: Path) -> None:
    """Rows are validated column by column in bulk, yet the error is the first row's, as a row loop finds it."""
    rows = ("SELECT * FROM (VALUES (1, 'PASS', 'a'), (2, 'OK', 'a'), (3, 'PASS', NULL)) AS t(n, status, account_id)")
    sql = (f"SELECT status, account_id, 'global' AS region, 'r' AS resource_id, 'x' AS reason FROM ({rows}) "
           "ORDER BY n")
    assert run(small_snapshot, tmp_path, sql) == [
        ("ERROR", "invalid output: status 'OK' is not one of PASS, FAIL, MANUAL, SKIP, ERROR (under_test.sql)")]
    bad_first = sql.replace("ORDER BY n", "ORDER BY n DESC")
    assert run(small_snapshot, tmp_path, bad_first) == [
        ("ERROR", "invalid output: column account_id must be VARCHAR and not NULL; got NULL (under_test.sql)")]
    same_row = ("SELECT 'OK' AS status, NULL AS account_id, 'global' AS region, 'r' AS resource_id, 'x' AS reason")
    assert run(small_snapshot, tmp_path, same_row) == [
        ("ERROR", "invalid output: column account_id must be VARCHAR and not NULL; got NULL (under_test.sql)")]


def test_two_workers_give_the_same_findings_as_one(small_snapshot: Path, tmp_path: Path) -> None:
    """Rules on a worker per core are collected in report order: the same findings, errors and timeouts included."""
    rules_dir = tmp_path / "rules"
    rules = [load_rule(write_rule(rules_dir, f"r{n:02d}_ok", f"SELECT 'PASS' AS status, {ROW}")) for n in range(6)]
    rules.append(load_rule(write_rule(rules_dir, "r03_slow", f"SELECT 'PASS' AS status, {ROW} FROM range(100000000000) "
                                                              "a, range(1000) b WHERE a.range * b.range = -1")))
    rules.append(load_rule(write_rule(rules_dir, "r04_fails", "SELECT error('boom') AS status")))
    rules.append(load_rule(write_rule(rules_dir, "r05_refused", "SELECT getenv('HOME') AS status")))
    rules.append(load_rule(write_rule(rules_dir, "r06_invalid", f"SELECT 'MAYBE' AS status, {ROW}")))
    snapshot = open_snapshot(small_snapshot)
    one = [f.to_dict() for f in evaluate(snapshot, rules, timeout=0.5, workers=1).findings]
    two = [f.to_dict() for f in evaluate(snapshot, rules, timeout=0.5, workers=2).findings]
    assert two == one
    assert [(f["rule_id"], f["status"]) for f in one] == [
        ("r00_ok", "PASS"), ("r01_ok", "PASS"), ("r02_ok", "PASS"), ("r03_ok", "PASS"), ("r03_slow", "ERROR"),
        ("r04_fails", "ERROR"), ("r04_ok", "PASS"), ("r05_ok", "PASS"), ("r05_refused", "ERROR"),
        ("r06_invalid", "ERROR")]
