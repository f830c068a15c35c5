"""Finding drift: both snapshots evaluated with the same rules, every finding key classified."""

from __future__ import annotations

from pathlib import Path

from sounding.engine.diff import diff_snapshots
from sounding.engine.diff.findings import classify
from sounding.engine.findings import Finding
from sounding.engine.rules import load_rule
from sounding.engine.snapshot import open_snapshot

from tests.builders import write_rule
from tests.engine.diff.conftest import ACCOUNT, Builder

MFA_RULE = """SELECT account_id, region, user AS resource_id,
  CASE WHEN mfa_active THEN 'PASS' WHEN mfa_active IS NULL THEN 'MANUAL' ELSE 'FAIL' END AS status,
  'mfa ' || coalesce(mfa_active::VARCHAR, 'unknown') AS reason
FROM iam_credential_report"""
VPC_RULE = "SELECT account_id, region, vpc_id AS resource_id, 'FAIL' AS status, 'vpc' AS reason FROM ec2_vpcs"


def users(**mfa: bool | None) -> list[dict]:
    return [{"user": name, "mfa_active": value} for name, value in mfa.items()]


def test_every_category_and_nothing_for_unchanged_passes(build: Builder, tmp_path: Path) -> None:
    rule = load_rule(write_rule(tmp_path / "rules", "user_mfa", MFA_RULE))
    old = build("old", {"iam_credential_report": users(alice=False, bob=True, carol=False, erin=False, frank=True,
                                                       hank=True)})
    new = build("new", {"iam_credential_report": users(alice=True, bob=False, carol=False, dave=False, frank=None,
                                                       gina=True, hank=True)})
    drift = diff_snapshots(open_snapshot(old), open_snapshot(new), rules=[rule], resources=False).to_dict()
    moved = {category: [(f["resource_id"], f["old_status"], f["new_status"]) for f in items]
             for category, items in drift["findings"].items() if category != "rules_not_compared"}
    assert moved == {
        "new_failure": [("bob", "PASS", "FAIL"), ("dave", None, "FAIL")],
        "resolved": [("alice", "FAIL", "PASS"), ("erin", "FAIL", None)],
        "still_failing": [("carol", "FAIL", "FAIL")],
        "status_changed": [("frank", "PASS", "MANUAL"), ("gina", None, "PASS")],
    }
    assert drift["findings"]["new_failure"][0] == {
        "rule_id": "user_mfa", "title": "Test rule user_mfa", "severity": "high", "account_id": ACCOUNT,
        "region": "global", "resource_id": "bob", "old_status": "PASS", "new_status": "FAIL",
        "reason": "mfa false"}
    assert drift["summary"]["findings"] == {"new_failure": 2, "resolved": 2, "status_changed": 2,
                                            "still_failing": 1}
    assert "resources" not in drift


def test_a_rule_reading_a_table_one_snapshot_lacks_is_not_compared(build: Builder, tmp_path: Path) -> None:
    rules = [load_rule(write_rule(tmp_path / "rules", "user_mfa", MFA_RULE)),
             load_rule(write_rule(tmp_path / "rules", "vpc_any", VPC_RULE))]
    old = build("old", {"ec2_vpcs": [{"region": "us-east-1", "vpc_id": "vpc-1"}]})
    new = build("new", {}, tables=["regions", "iam_credential_report"])
    findings = diff_snapshots(open_snapshot(old), open_snapshot(new), rules=rules).to_dict()["findings"]
    assert findings["rules_not_compared"] == [{"rule_id": "vpc_any",
                                               "reason": "table ec2_vpcs was collected only in OLD"}]
    assert all(not findings[c] for c in ("new_failure", "resolved", "status_changed", "still_failing"))


def test_fail_to_error_is_a_status_change_not_a_resolution() -> None:
    def finding(status: str) -> Finding:
        return Finding("r", "t", "high", 1, status, ACCOUNT, "global", "x", "why")

    change = classify(finding("FAIL"), finding("ERROR"))
    assert change is not None and change.category == "status_changed"
    assert classify(finding("PASS"), finding("PASS")) is None
    assert classify(None, None) is None
