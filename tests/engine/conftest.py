"""Snapshots and rules built by code for the engine tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sounding.collector.synthetic import build_snapshot

COLLECTED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def small_snapshot(tmp_path: Path) -> Path:
    """Two accounts: one with a strong password policy, one with none."""
    return build_snapshot(
        tmp_path / "snap",
        {"iam_password_policy": [{"account_id": "111111111111", "minimum_password_length": 14,
                                  "password_reuse_prevention": 24}],
         "iam_account_summary": [{"account_id": "111111111111", "account_mfa_enabled": 1},
                                 {"account_id": "222222222222", "account_mfa_enabled": 0}]},
        accounts=["111111111111", "222222222222"], collected_at=COLLECTED_AT,
        tables=["regions", "iam_password_policy", "iam_account_summary"])
