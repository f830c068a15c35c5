"""Small builders shared by tests: rule files written by code."""

from __future__ import annotations

from pathlib import Path


def write_rule(directory: Path, rule_id: str, sql: str, *, severity: str = "high", section: int = 1) -> Path:
    """A rule file with a complete header."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{rule_id}.sql"
    path.write_text(f"-- title: Test rule {rule_id}\n-- severity: {severity}\n-- section: {section}\n"
                    f"-- description: A rule written by a test.\n-- remediation: Nothing to do.\n{sql}\n")
    return path
