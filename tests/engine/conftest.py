"""Snapshots and rules built by code for the engine tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import two_account_snapshot


@pytest.fixture
def small_snapshot(tmp_path: Path) -> Path:
    """Two accounts: one with a strong password policy, one with none."""
    return two_account_snapshot(tmp_path / "snap")
