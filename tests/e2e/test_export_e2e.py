"""End to end: `sounding export securityhub --org` through the real CLI into moto_server's Security Hub."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from sounding.collector.synthetic import build_snapshot

from tests.e2e.org_seed import seed_organization
from tests.engine.report.report_fixture import RULES_DIR

pytestmark = pytest.mark.e2e

SOUNDING = [sys.executable, "-m", "sounding.engine.cli"]


def sounding(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process with this test's environment."""
    return subprocess.run([*SOUNDING, *args], capture_output=True, text=True, env=dict(os.environ), timeout=600)


def held(session: boto3.Session, region: str) -> dict[str, dict[str, Any]]:
    """The findings an account's Security Hub holds in a region, by id."""
    client = session.client("securityhub", region_name=region)
    return {f["Id"]: f for page in client.get_paginator("get_findings").paginate() for f in page["Findings"]}


def test_export_org_imports_each_accounts_findings_with_its_own_credentials(moto_server, tmp_path: Path) -> None:
    """Three accounts of an organization: each hub gets exactly its own account's findings, under its own ARN."""
    org = seed_organization()
    master, prod, dev = org.accounts["master"], org.accounts["prod"], org.accounts["dev"]
    accounts = (master, prod, dev)
    rows = {
        "iam_account_summary": [{"account_id": a, "account_mfa_enabled": int(a == master)} for a in accounts],
        "iam_credential_report": [{"account_id": a, "user": "ops", "arn": f"arn:aws:iam::{a}:user/ops",
                                   "password_enabled": True, "mfa_active": False} for a in accounts],
        "cloudtrail_trails": [],
        # Security Hub is on in us-east-1 of every account and nowhere else (dev's eu-west-1 stays off).
        "securityhub_hub": [{"account_id": a, "region": "us-east-1",
                             "hub_arn": f"arn:aws:securityhub:us-east-1:{a}:hub/default"} for a in accounts],
    }
    snapshot = build_snapshot(tmp_path / "snap", rows, accounts=list(accounts), regions=("us-east-1", "eu-west-1"),
                              collected_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
                              tables=["regions", "iam_account_summary", "iam_credential_report",
                                      "cloudtrail_trails", "securityhub_hub"])
    common = ("--no-builtin", "--rules", str(RULES_DIR))

    dry = sounding("export", "securityhub", str(snapshot), "--dry-run", "--quiet", *common)
    assert dry.returncode == 0, dry.stderr
    active = {a: 2 if a == master else 3 for a in accounts}  # trail, ops (and root outside the management account)
    assert dry.stdout.splitlines() == [
        *(f"{a} us-east-1: 4 finding(s) to import ({active[a]} active, {4 - active[a]} resolved, 0 suppressed)"
          for a in sorted(accounts)),
        "not exported: 3 finding(s): SKIP (never exported)",
        "not exported: 3 finding(s): Security Hub not enabled in the account and region"]
    assert all(held(org.sessions[a], "us-east-1") == {} for a in accounts)  # a dry run calls nothing

    result = sounding("export", "securityhub", str(snapshot), "--org", *common)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    for member in (prod, dev):
        assert f"account {member}: assumed arn:aws:iam::{member}:role/OrganizationAccountAccessRole" in result.stderr
    for account in accounts:
        findings = held(org.sessions[account], "us-east-1")
        assert len(findings) == 4
        assert sum(f["RecordState"] == "ACTIVE" for f in findings.values()) == active[account]
        assert {f["AwsAccountId"] for f in findings.values()} == {account}
        assert {f["ProductArn"] for f in findings.values()} == {
            f"arn:aws:securityhub:us-east-1:{account}:product/{account}/default"}
        root = next(f for f in findings.values() if f["GeneratorId"] == "sounding/report_root_mfa")
        assert root["Resources"][0]["Id"] == f"AWS::::Account:{account}"
        assert (root["Compliance"]["Status"], root["RecordState"]) == (
            ("PASSED", "ARCHIVED") if account == master else ("FAILED", "ACTIVE"))
        assert not any(f["ProductFields"]["sounding/Status"] == "SKIP" for f in findings.values())
    summary = [line for line in result.stderr.splitlines() if line.startswith("security hub: ")]
    assert summary == ["security hub: 12 imported, 0 archived, 0 suppressed, 0 reopened in 3 account-region(s), "
                       "0 failure(s)"]
