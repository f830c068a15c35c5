"""Snapshot pairs built by code for the diff tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sounding.collector.synthetic import build_snapshot

ACCOUNT = "111111111111"
OTHER = "222222222222"
OLD_TIME = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NEW_TIME = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TABLES = ["regions", "iam_password_policy", "iam_credential_report", "iam_virtual_mfa_devices", "ec2_vpcs"]

Builder = Callable[..., Path]


@pytest.fixture
def build(tmp_path: Path) -> Builder:
    """build(name, rows, **options): a snapshot under tmp_path; defaults: the TABLES above, one account."""

    def make(name: str, rows: dict[str, list[dict[str, Any]]], **options: Any) -> Path:
        options.setdefault("tables", TABLES)
        options.setdefault("collected_at", NEW_TIME if name == "new" else OLD_TIME)
        return build_snapshot(tmp_path / name, rows, **options)

    return make
