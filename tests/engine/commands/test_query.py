"""`sounding query`: read-only SQL over a snapshot in the rule sandbox; formats, refusals, --output."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sounding.collector.synthetic import build_snapshot
from sounding.engine.cli import cli

SQL = "SELECT account_id, account_mfa_enabled, raw FROM iam_account_summary ORDER BY account_id"


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    """Two accounts, one with root MFA."""
    return build_snapshot(tmp_path / "snap", {"iam_account_summary": [
        {"account_id": "111111111111", "account_mfa_enabled": 1}, {"account_id": "222222222222"}]},
        accounts=["111111111111", "222222222222"], collected_at=datetime(2026, 3, 1, tzinfo=UTC),
        tables=["regions", "iam_account_summary"])


def query(*args: str) -> Result:
    """Run `sounding query` in-process."""
    return CliRunner().invoke(cli, ["query", *args])


def test_table_output(snapshot: Path) -> None:
    """A text table; NULL is an empty cell."""
    result = query(str(snapshot), "SELECT account_id, account_mfa_enabled FROM iam_account_summary ORDER BY 1")
    assert (result.exit_code, result.stdout) == (0, "account_id    account_mfa_enabled\n"
                                                    "------------  -------------------\n"
                                                    "111111111111  1\n222222222222\n")


def test_json_and_csv_output(snapshot: Path) -> None:
    """JSON objects keep types (NULL as null, JSON columns as text); CSV has a header, text quoted, NULL empty."""
    as_json = query(str(snapshot), SQL, "--format", "json")
    assert json.loads(as_json.stdout) == [
        {"account_id": "111111111111", "account_mfa_enabled": 1, "raw": '{"account_mfa_enabled":1}'},
        {"account_id": "222222222222", "account_mfa_enabled": None, "raw": "{}"}]
    as_csv = query(str(snapshot), SQL, "--format", "csv")
    assert as_csv.stdout == ('account_id,account_mfa_enabled,raw\n"111111111111",1,"{""account_mfa_enabled"":1}"\n'
                             '"222222222222",,"{}"\n')


def test_meta_tables_are_readable(snapshot: Path) -> None:
    """The same meta tables a rule sees."""
    result = query(str(snapshot), "SELECT collected_at::VARCHAR AS t FROM sounding_snapshot", "--format", "csv")
    assert result.stdout == 't\n"2026-03-01 00:00:00+00"\n'


def test_output_file_and_limit(snapshot: Path, tmp_path: Path) -> None:
    """--output writes the file, nothing on stdout; --limit cuts with a warning on stderr."""
    out = tmp_path / "out.csv"
    result = query(str(snapshot), SQL, "--format", "csv", "--limit", "1", "--output", str(out))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "warning: output cut at 1 rows (--limit)\n"
    assert out.read_text() == 'account_id,account_mfa_enabled,raw\n"111111111111",1,"{""account_mfa_enabled"":1}"\n'


@pytest.mark.parametrize(("sql", "problem"), [
    ("COPY iam_account_summary TO 'x.csv'", "only SELECT is allowed; found COPY"),
    ("SELECT * FROM read_csv('/etc/passwd')", "function read_csv() is not allowed"),
    ("SELECT 1; SELECT 2", "a rule must be exactly one statement; found 2"),
    ("SELECT nope FROM iam_account_summary", 'Referenced column "nope" not found'),
])
def test_refused_or_failing_sql_exits_2(snapshot: Path, sql: str, problem: str) -> None:
    """The sandbox's checks apply; failures are one line, exit 2."""
    result = query(str(snapshot), sql)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: query: ") and problem in result.stderr
    assert result.stderr.count("\n") == 1


def test_missing_snapshot_exits_2(tmp_path: Path) -> None:
    """Not a snapshot directory."""
    result = query(str(tmp_path / "nope"), "SELECT 1")
    assert result.exit_code == 2
    assert "not a snapshot directory" in result.stderr
