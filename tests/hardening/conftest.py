"""A small snapshot built by code for the hardening tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import two_account_snapshot


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    """Two accounts, a password policy in one of them, three tables."""
    return two_account_snapshot(tmp_path / "snap")
