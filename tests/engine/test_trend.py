"""`sounding trend`: status counts per rule across snapshots, in collection-time order."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from sounding.collector.synthetic import build_snapshot
from sounding.engine.cli import cli

from tests.builders import write_rule

RULE = """SELECT account_id, region, user AS resource_id,
  CASE WHEN mfa_active THEN 'PASS' WHEN mfa_active IS NULL THEN 'MANUAL' ELSE 'FAIL' END AS status,
  'mfa' AS reason
FROM iam_credential_report"""
A, B = "111111111111", "222222222222"


def snapshots(tmp_path: Path) -> Path:
    """Three snapshots in one directory, named against their collection order."""
    root = tmp_path / "snapshots"
    days = {"c-first": (1, [True, False, False]), "a-second": (2, [True, True, False]),
            "b-third": (3, [True, True, None])}
    for name, (day, mfa) in days.items():
        rows = [{"account_id": A, "user": "u1", "mfa_active": mfa[0]},
                {"account_id": A, "user": "u2", "mfa_active": mfa[1]},
                {"account_id": B, "user": "u3", "mfa_active": mfa[2]}]
        build_snapshot(root / name, {"iam_credential_report": rows}, accounts=[A, B],
                       collected_at=datetime(2026, 3, day, tzinfo=UTC), tables=["iam_credential_report"])
    write_rule(tmp_path / "rules", "user_mfa", RULE)
    return root


def run(*args: object) -> str:
    result = CliRunner().invoke(cli, ["trend", "-q", *map(str, args)])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_counts_per_rule_in_collection_order(tmp_path: Path) -> None:
    root = snapshots(tmp_path)
    data = json.loads(run(root, "--no-builtin", "--rules", tmp_path / "rules", "--format", "json"))
    assert [s["snapshot"] for s in data["snapshots"]] == ["c-first", "a-second", "b-third"]
    assert data["series"] == [{"rule_id": "user_mfa", "counts": [
        {"pass": 1, "fail": 2, "other": 0}, {"pass": 2, "fail": 1, "other": 0}, {"pass": 2, "fail": 0, "other": 1}]}]


def test_by_account_and_csv(tmp_path: Path) -> None:
    root = snapshots(tmp_path)
    out = run(root / "b-third", root / "c-first", "--no-builtin", "--rules", tmp_path / "rules", "--by", "account",
              "--format", "csv")
    assert out == (
        "rule_id,account_id,snapshot,collected_at,pass,fail,other\n"
        '"user_mfa","111111111111","c-first","2026-03-01T00:00:00.000000Z",1,1,0\n'
        '"user_mfa","111111111111","b-third","2026-03-03T00:00:00.000000Z",2,0,0\n'
        '"user_mfa","222222222222","c-first","2026-03-01T00:00:00.000000Z",0,1,0\n'
        '"user_mfa","222222222222","b-third","2026-03-03T00:00:00.000000Z",0,0,1\n')


def test_table_shows_pass_fail_other_per_snapshot(tmp_path: Path) -> None:
    root = snapshots(tmp_path)
    out = run(root, "--no-builtin", "--rules", tmp_path / "rules", "--by", "region")
    assert out == (
        "Counts are pass/fail/other, oldest snapshot first.\n\n"
        "Rule      region  2026-03-01T00:00:00  2026-03-02T00:00:00  2026-03-03T00:00:00\n"
        "--------  ------  -------------------  -------------------  -------------------\n"
        "user_mfa  global  1/2/0                2/1/0                2/0/1\n")


def test_a_directory_without_snapshots_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(cli, ["trend", "-q", str(tmp_path / "empty")])
    assert (result.exit_code, result.stderr) == (
        2, f"error: {tmp_path / 'empty'}: holds no snapshot (no subdirectory with a manifest.json)\n")
