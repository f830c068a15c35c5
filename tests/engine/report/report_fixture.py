"""The report tests' fixed snapshot, evaluated with their own rules: every status, a gap, a waiver."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sounding.collector.synthetic import build_snapshot
from sounding.engine.evaluate import Evaluation, evaluate
from sounding.engine.rules import load_rules
from sounding.engine.snapshot import open_snapshot

RULES_DIR = Path(__file__).parent / "rules"
GOLDEN_DIR = Path(__file__).parent / "golden"
MANAGEMENT = "111111111111"
MEMBER = "222222222222"


def build_evaluation(root: Path) -> Evaluation:
    """Write the snapshot under `root`, evaluate the report rules, waive one finding."""
    rows = {
        "iam_account_summary": [{"account_id": MANAGEMENT, "account_mfa_enabled": 1},
                                {"account_id": MEMBER, "account_mfa_enabled": 0}],
        "iam_credential_report": [
            {"account_id": MANAGEMENT, "user": "alice", "arn": f"arn:aws:iam::{MANAGEMENT}:user/alice",
             "password_enabled": True, "mfa_active": True},
            {"account_id": MANAGEMENT, "user": "bob", "arn": f"arn:aws:iam::{MANAGEMENT}:user/bob",
             "password_enabled": True, "mfa_active": False},
            {"account_id": MEMBER, "user": "carol", "arn": f"arn:aws:iam::{MEMBER}:user/carol",
             "password_enabled": True, "mfa_active": False}],
        "cloudtrail_trails": [{"account_id": MANAGEMENT, "region": "us-east-1",
                               "trail_arn": f"arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/main"}],
    }
    path = build_snapshot(
        root / "snapshot", rows,
        accounts=[{"account_id": MANAGEMENT, "name": "Management"}, {"account_id": MEMBER, "name": "Member"}],
        regions=("us-east-1", "us-west-2"), collected_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        gaps=[{"account_id": MEMBER, "region": "us-west-2", "table": "cloudtrail_trails"}],
        tables=["regions", "iam_account_summary", "iam_credential_report", "cloudtrail_trails"])
    snapshot = open_snapshot(path)
    snapshot.manifest["tool_version"] = "0.0.0-test"  # goldens must not change with each release
    evaluation = evaluate(snapshot, load_rules([RULES_DIR]))
    evaluation.findings = list(evaluation.findings)  # test-sized: materialised to edit in place below
    for finding in evaluation.findings:
        if finding.rule_id == "report_user_mfa" and finding.resource_id.endswith("user/carol"):
            finding.waived = True
            finding.waiver_reason = "Break-glass user; MFA token kept in the safe (ticket SEC-42)."
    return evaluation
