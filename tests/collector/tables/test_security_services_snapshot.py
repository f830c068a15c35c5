"""The security-service tables collected by the real collector into a snapshot, then judged by their rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import duckdb
import pytest
from moto import mock_aws
from sounding.collector.collect import Target, collect
from sounding.collector.tables import select
from sounding.engine.evaluate import evaluate
from sounding.engine.rules import builtin_rules_dir, load_rules
from sounding.engine.snapshot import open_snapshot

ACCOUNT = "123456789012"
CALLER = {"arn": f"arn:aws:iam::{ACCOUNT}:user/auditor", "account_id": ACCOUNT, "partition": "aws"}
REGIONS = ["eu-west-1", "us-east-1"]
SERVICES = ["securityhub", "guardduty", "accessanalyzer", "sso-admin", "identitystore", "macie2", "inspector2",
            "network-firewall", "shield", "securitylake", "ec2_vpcs"]


def table(snapshot: Path, name: str, columns: str) -> list[tuple[Any, ...]]:
    """Rows of one table as plain DuckDB reads the snapshot's Parquet files, sorted."""
    files = [str(snapshot / "tables" / f"{name}.parquet")]
    return sorted(duckdb.sql(f"SELECT {columns} FROM read_parquet({files})").fetchall())


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Security Hub in us-east-1, an enabled and a suspended detector, a second VPC, Macie off in eu-west-1,
    Inspector on for EC2 and ECR in us-east-1, a firewall in eu-west-1."""
    out = tmp_path_factory.mktemp("collect") / "snap"
    with mock_aws():
        boto3.client("securityhub", region_name="us-east-1").enable_security_hub(EnableDefaultStandards=False)
        ids = {"us-east-1": boto3.client("guardduty", region_name="us-east-1").create_detector(Enable=True),
               "eu-west-1": boto3.client("guardduty", region_name="eu-west-1").create_detector(Enable=False)}
        boto3.client("ec2", region_name="us-east-1").create_vpc(CidrBlock="10.0.0.0/16")
        boto3.client("macie2", region_name="eu-west-1").disable_macie()
        boto3.client("inspector2", region_name="us-east-1").enable(accountIds=[ACCOUNT],
                                                                   resourceTypes=["EC2", "ECR"])
        boto3.client("network-firewall", region_name="eu-west-1").create_firewall(
            FirewallName="egress",
            FirewallPolicyArn=f"arn:aws:network-firewall:eu-west-1:{ACCOUNT}:firewall-policy/p",
            VpcId="vpc-12345678", SubnetMappings=[{"SubnetId": "subnet-12345678"}])
        target = Target(ACCOUNT, boto3.Session(region_name="us-east-1"), org_admin=True)
        collect([target], select(SERVICES), out, partition="aws", caller=CALLER, regions=REGIONS)
    yield out, {region: answer["DetectorId"] for region, answer in ids.items()}


def test_snapshot_is_written_with_every_gap_moto_causes(snapshot: Any) -> None:
    """Unimplemented calls are gaps of the right kind in each region; the snapshot is still complete."""
    out, _ = snapshot
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["accounts"][0]["regions"] == REGIONS
    gaps = sorted((g["table"], g["region"], g["error_code"], g["error_kind"]) for g in manifest["gaps"])
    per_region = [(t, r, c, k) for r in REGIONS for (t, c, k) in (
        ("accessanalyzer_analyzers", "404", "not_implemented"),
        ("accessanalyzer_findings", "ParentNotCollected", "other"),
        ("securityhub_enabled_standards", "404", "not_implemented"),
        ("securityhub_finding_aggregators", "404", "not_implemented"),
        ("securityhub_organization_configuration", "AccessDeniedException", "access_denied"),
        ("securitylake_data_lakes", "404", "not_implemented"))]
    assert gaps == sorted([*per_region, ("securityhub_admin_accounts", "global", "404", "not_implemented"),
                           ("shield_subscription", "global", "NotImplementedError", "not_implemented")])
    for name in ("accessanalyzer_analyzers", "shield_subscription", "securitylake_data_lakes"):
        assert manifest["tables"][name]["rows"] == 0


def test_exact_rows_of_the_collected_tables(snapshot: Any) -> None:
    """Hub, detectors, VPCs, Macie, Inspector and firewall rows, per region."""
    out, ids = snapshot
    assert table(out, "securityhub_hub", "region, hub_arn, auto_enable_controls") == [
        ("us-east-1", f"arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/default", True)]
    assert table(out, "guardduty_detectors", "region, detector_id, status") == [
        ("eu-west-1", ids["eu-west-1"], "DISABLED"), ("us-east-1", ids["us-east-1"], "ENABLED")]
    assert table(out, "ec2_vpcs", "region, is_default, cidr_block, state") == [
        ("eu-west-1", True, "172.31.0.0/16", "available"),
        ("us-east-1", False, "10.0.0.0/16", "available"),
        ("us-east-1", True, "172.31.0.0/16", "available")]
    assert table(out, "macie_session", "region, status") == [("us-east-1", "ENABLED")]
    assert table(out, "inspector_account_status", "region, ec2_status, ecr_status, lambda_status") == [
        ("us-east-1", "ENABLED", "ENABLED", "DISABLED")]
    assert table(out, "networkfirewall_firewalls", "region, firewall_name") == [("eu-west-1", "egress")]
    assert table(out, "guardduty_admin_accounts", "admin_account_id") == []


def test_rules_judge_the_collected_snapshot(snapshot: Any) -> None:
    """The rules of these services over the real snapshot: exact statuses per region, gaps as ERROR."""
    out, _ = snapshot
    wanted = {"guardduty_enabled_all_regions", "securityhub_enabled_all_regions", "vpc_default_absent",
              "macie_enabled", "inspector_enabled", "network_firewall_present", "access_analyzer_enabled",
              "shield_advanced"}
    rules = [r for r in load_rules([builtin_rules_dir()]) if r.id in wanted]
    findings = evaluate(open_snapshot(out), rules).findings
    skipped = {(f.region, f.status, f.reason) for f in findings if f.region not in [*REGIONS, "global"]}
    assert {status for _, status, _ in skipped} == {"SKIP"}  # the other regions were not collected
    found = sorted((f.rule_id, f.region, f.status) for f in findings if f.region in [*REGIONS, "global"])
    assert found == sorted([
        ("access_analyzer_enabled", "eu-west-1", "ERROR"), ("access_analyzer_enabled", "us-east-1", "ERROR"),
        ("guardduty_enabled_all_regions", "eu-west-1", "FAIL"), ("guardduty_enabled_all_regions", "us-east-1", "PASS"),
        ("inspector_enabled", "eu-west-1", "FAIL"), ("inspector_enabled", "us-east-1", "FAIL"),
        ("macie_enabled", "eu-west-1", "FAIL"), ("macie_enabled", "us-east-1", "PASS"),
        ("network_firewall_present", "global", "PASS"),
        ("securityhub_enabled_all_regions", "eu-west-1", "FAIL"),
        ("securityhub_enabled_all_regions", "us-east-1", "PASS"),
        ("shield_advanced", "global", "ERROR"),
        ("vpc_default_absent", "eu-west-1", "FAIL"), ("vpc_default_absent", "us-east-1", "FAIL"),
    ])
