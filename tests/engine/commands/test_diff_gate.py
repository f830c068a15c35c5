"""`diff --fail-on-new`: a new FAIL exits 1; a finding that became ERROR exits 3 (never green) unless
--allow-errors; below the threshold neither counts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sounding.collector.synthetic import build_snapshot
from sounding.engine.cli import cli

from tests.builders import write_rule

ACCOUNTS = ["111111111111", "222222222222"]
RULE_SQL = ("SELECT s.account_id, 'global' AS region, 'arn:aws:iam::' || s.account_id || ':root' AS resource_id, "
            "CASE WHEN s.account_mfa_enabled = 1 THEN 'PASS' ELSE 'FAIL' END AS status, 'mfa' AS reason "
            "FROM iam_account_summary AS s")


def snapshot(path: Path, mfa: list[int], gaps: list[dict] | None = None) -> Path:
    """Two accounts with the given root MFA flags and collection gaps."""
    return build_snapshot(path, {"iam_account_summary": [
        {"account_id": a, "account_mfa_enabled": m} for a, m in zip(ACCOUNTS, mfa, strict=True)]},
        accounts=ACCOUNTS, collected_at=datetime(2026, 3, 1, tzinfo=UTC), gaps=gaps or [],
        tables=["regions", "iam_account_summary"])


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    write_rule(tmp_path / "rules", "root_mfa", RULE_SQL, severity="high")
    return tmp_path / "rules"


def gate(old: Path, new: Path, rules: Path, *extra: str) -> int:
    """The exit status of the CI gate."""
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--no-builtin", "--rules", str(rules),
                                      "--only", "findings", "-q", "--format", "json", *extra])
    return result.exit_code


def test_new_error_is_not_green(tmp_path: Path, rules: Path) -> None:
    """PASS in OLD, not evaluated in NEW (a collection gap): exit 3, --allow-errors 0, below threshold 0."""
    old = snapshot(tmp_path / "old", [1, 1])
    new = snapshot(tmp_path / "new", [1, 1], gaps=[{"account_id": ACCOUNTS[1], "table": "iam_account_summary",
                                                    "error_code": "AccessDenied"}])
    assert gate(old, new, rules, "--fail-on-new", "high") == 3
    assert gate(old, new, rules, "--fail-on-new", "high", "--allow-errors") == 0
    assert gate(old, new, rules, "--fail-on-new", "critical") == 0
    assert gate(old, new, rules) == 0  # no gate asked for


def test_new_failure_exits_1(tmp_path: Path, rules: Path) -> None:
    old = snapshot(tmp_path / "old", [1, 1])
    new = snapshot(tmp_path / "new", [1, 0])
    assert gate(old, new, rules, "--fail-on-new", "high") == 1
    assert gate(old, new, rules, "--fail-on-new", "high", "--allow-errors") == 1
