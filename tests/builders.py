"""Small builders shared by tests: rule files and snapshots written by code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sounding.collector.synthetic import build_snapshot


def write_rule(directory: Path, rule_id: str, sql: str, *, severity: str = "high", section: int = 1) -> Path:
    """A rule file with a complete header."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{rule_id}.sql"
    path.write_text(f"-- title: Test rule {rule_id}\n-- severity: {severity}\n-- section: {section}\n"
                    f"-- description: A rule written by a test.\n-- remediation: Nothing to do.\n{sql}\n")
    return path


COLLECTED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def two_account_snapshot(out: Path) -> Path:
    """Two accounts: one with a strong password policy and root MFA, one with neither; three tables."""
    return build_snapshot(
        out,
        {"iam_password_policy": [{"account_id": "111111111111", "minimum_password_length": 14,
                                  "password_reuse_prevention": 24}],
         "iam_account_summary": [{"account_id": "111111111111", "account_mfa_enabled": 1},
                                 {"account_id": "222222222222", "account_mfa_enabled": 0}]},
        accounts=["111111111111", "222222222222"], collected_at=COLLECTED_AT,
        tables=["regions", "iam_password_policy", "iam_account_summary"])
