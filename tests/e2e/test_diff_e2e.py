"""End to end: collect, change the account through boto3, collect again; diff reports exactly those changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from sounding.collector.tables import TABLES_BY_NAME

pytestmark = pytest.mark.e2e

SOUNDING = [sys.executable, "-I", "-m", "sounding.engine.cli"]
ACCOUNT = "123456789012"
REGION = "us-east-1"
BUCKET = "audit-logs-e2e"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/nomfa"
ACCOUNT_RESOURCE = f"arn:aws:iam::{ACCOUNT}:root"
REGION_RESOURCE = f"arn:aws::{REGION}:{ACCOUNT}"
# Which changes this test makes depends on the tables the collector declares.
HAS_TRAILS = "cloudtrail_trails" in TABLES_BY_NAME
HAS_CONFIG = "config_recorder_status" in TABLES_BY_NAME
HAS_VPCS = "ec2_vpcs" in TABLES_BY_NAME
HAS_SCPS = "organizations_policy_targets" in TABLES_BY_NAME


def sounding(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process with this test's environment."""
    return subprocess.run([*SOUNDING, *args], capture_output=True, text=True, env=dict(os.environ), timeout=600)


def collect(out: Path) -> None:
    """One collection of us-east-1 through the CLI."""
    result = sounding("collect", "--out", str(out), "--regions", REGION, "-q")
    assert result.returncode == 0, result.stderr


def seed() -> dict[str, str]:
    """The starting point: a weak password policy, a trail without validation, a recording Config, an org."""
    ids: dict[str, str] = {}
    boto3.client("iam").update_account_password_policy(MinimumPasswordLength=8)
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
    if HAS_TRAILS:
        trails = boto3.client("cloudtrail", region_name=REGION)
        ids["trail"] = trails.create_trail(Name="main", S3BucketName=BUCKET, IsMultiRegionTrail=True)["TrailARN"]
        trails.start_logging(Name="main")
    if HAS_CONFIG:
        config = boto3.client("config", region_name=REGION)
        config.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": BUCKET})
        config.start_configuration_recorder(ConfigurationRecorderName="default")
    if HAS_VPCS:
        ec2 = boto3.client("ec2", region_name=REGION)
        [vpc] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        ids["vpc"] = vpc["VpcId"]
        # Deleting the VPC takes its default security group and that group's rules with it.
        [group] = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["SecurityGroups"]
        ids["default_group"] = group["GroupId"]
        ids["default_group_rules"] = ",".join(r["SecurityGroupRuleId"] for r in ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [group["GroupId"]]}])["SecurityGroupRules"])
    if HAS_SCPS:
        org = boto3.client("organizations")
        org.create_organization(FeatureSet="ALL")
        ids["root"] = org.list_roots()["Roots"][0]["Id"]
        org.enable_policy_type(RootId=ids["root"], PolicyType="SERVICE_CONTROL_POLICY")
        document = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}
        ids["org_arn"] = org.describe_organization()["Organization"]["Arn"]
        ids["policy"] = org.create_policy(Content=json.dumps(document), Name="deny-leave", Description="",
                                          Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
    return ids


def change(ids: dict[str, str]) -> None:
    """The changes diff must find, and nothing else."""
    iam = boto3.client("iam")
    iam.update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24)
    iam.create_user(UserName="nomfa")
    iam.create_login_profile(UserName="nomfa", Password="Correct-Horse-9-Battery")
    if HAS_TRAILS:
        boto3.client("cloudtrail", region_name=REGION).update_trail(Name="main", EnableLogFileValidation=True)
    if HAS_CONFIG:
        boto3.client("config", region_name=REGION).stop_configuration_recorder(ConfigurationRecorderName="default")
    if HAS_VPCS:
        delete_vpc(boto3.client("ec2", region_name=REGION), ids["vpc"])
    if HAS_SCPS:
        boto3.client("organizations").attach_policy(PolicyId=ids["policy"], TargetId=ids["root"])


def delete_vpc(ec2: Any, vpc_id: str) -> None:
    """Delete a VPC the way the console does: subnets and internet gateways first."""
    scope = [{"Name": "vpc-id", "Values": [vpc_id]}]
    for subnet in ec2.describe_subnets(Filters=scope)["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    for gateway in ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])[
            "InternetGateways"]:
        ec2.detach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=vpc_id)
        ec2.delete_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"])
    ec2.delete_vpc(VpcId=vpc_id)


def compact(diff: dict[str, Any]) -> set[tuple[Any, ...]]:
    """Every resource change as (table, kind, key beyond account/region, changed columns, changed raw paths)."""
    found = set()
    for table, drift in diff["resources"].items():
        for kind in ("added", "removed", "changed"):
            for row in drift[kind]:
                assert (row["key"]["account_id"], row["key"]["region"]) in {(ACCOUNT, REGION), (ACCOUNT, "global")}
                ident = ", ".join(f"{k}={v}" for k, v in sorted(row["key"].items())
                                  if k not in ("account_id", "region"))
                found.add((table, kind, ident, tuple(c["path"] for c in row.get("columns", [])),
                           tuple(c["path"] for c in row.get("raw", []))))
    return found


def expected_resources(ids: dict[str, str]) -> set[tuple[Any, ...]]:
    """The resource changes the boto3 calls in change() make, for the tables the collector declares."""
    expected = {
        ("iam_password_policy", "changed", "", ("minimum_password_length", "password_reuse_prevention"),
         ("MinimumPasswordLength", "PasswordReusePrevention")),
        ("iam_account_summary", "changed", "", ("users",), ("Users",)),
        ("iam_credential_report", "added", "user=nomfa", (), ()),
        ("iam_users", "added", "user_name=nomfa", (), ()),
        ("iam_login_profiles", "added", "user_name=nomfa", (), ()),
        ("iam_authorization_details", "added", f"arn={USER_ARN}", (), ()),
        ("cloudtrail_trails", "changed", f"trail_arn={ids.get('trail')}", ("log_file_validation_enabled",),
         ("LogFileValidationEnabled",)),
        # Stopping a recorder sets lastStopTime: a real change, unlike the volatile lastStatusChangeTime.
        ("config_recorder_status", "changed", "name=default", ("recording",), ("lastStopTime", "recording")),
        ("ec2_vpcs", "removed", f"vpc_id={ids.get('vpc')}", (), ()),
        ("ec2_security_groups", "removed", f"group_id={ids.get('default_group')}", (), ()),
        *(("ec2_security_group_rules", "removed", f"security_group_rule_id={rule}", (), ())
          for rule in ids.get("default_group_rules", "").split(",") if rule),
        ("organizations_policy_targets", "added", f"policy_id={ids.get('policy')}, target_id={ids.get('root')}",
         (), ()),
    }
    return {change for change in expected if change[0] in TABLES_BY_NAME}


def expected_findings(ids: dict[str, str]) -> set[tuple[str, str, str]]:
    """(category, rule, resource) of the findings the changes move, for the rules the built-in pack has.

    A new built-in rule that reacts to one of these changes belongs here: the test is exact on purpose.
    """
    from sounding.engine.rules import builtin_rules_dir, load_rules

    org = ids.get("org_arn", "")
    group = f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{ids.get('default_group')}"
    expected = {
        ("resolved", "iam_password_policy_strong", ACCOUNT_RESOURCE),
        ("new_failure", "iam_user_console_mfa", USER_ARN),
        ("new_failure", "iam_user_console_access", USER_ARN),
        ("status_changed", "iam_user_programmatic_keys", USER_ARN),
        ("resolved", "cloudtrail_log_file_validation", ids.get("trail", "")),
        ("new_failure", "config_recorder_all_regions", REGION_RESOURCE),
        # A stopped recorder turns the Config alert check from FAIL to SKIP (nothing recorded to alert on).
        ("status_changed", "alerts_config_compliance", REGION_RESOURCE),
        ("resolved", "vpc_default_absent", REGION_RESOURCE),
        ("resolved", "org_custom_scp_attached", org),
        # The new user gets the verdicts of the per-user CIS rules (new PASS findings are status changes).
        *(("status_changed", rule, USER_ARN) for rule in (
            "iam_access_key_unused_at_setup", "iam_user_no_direct_policies", "iam_console_password_unused",
            "iam_user_single_active_key")),
        # The deleted default VPC takes its flow-log verdict, its default group's verdicts and the peering review.
        ("resolved", "vpc_flow_logs_enabled", f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{ids.get('vpc')}"),
        ("resolved", "sg_default_restricts_all", group),
        *(("status_changed", rule, group) for rule in (
            "sg_no_admin_ingress_ipv4", "sg_no_admin_ingress_ipv6", "sg_no_cifs_ingress")),
        ("status_changed", "vpc_peering_routes_review", REGION_RESOURCE),
    }
    present = {rule.id for rule in load_rules([builtin_rules_dir()])}
    return {item for item in expected if item[1] in present}


def test_diff_reports_exactly_the_changes_made(moto_server, tmp_path: Path) -> None:
    ids = seed()
    collect(tmp_path / "old")
    change(ids)
    collect(tmp_path / "new")
    result = sounding("diff", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json", "-q")
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)

    assert diff["coverage"] == {"tables": {"only_in_old": [], "only_in_new": []},
                                "accounts": {"only_in_old": [], "only_in_new": []}, "regions": [],
                                "reachability": [], "gaps": {"only_in_old": [], "only_in_new": []}}
    assert compact(diff) == expected_resources(ids)
    assert diff["resources"]["iam_password_policy"]["changed"] == [{
        "key": {"account_id": ACCOUNT, "region": "global"},
        "columns": [{"path": "minimum_password_length", "old": 8, "new": 14},
                    {"path": "password_reuse_prevention", "old": None, "new": 24}],
        "raw": [{"path": "MinimumPasswordLength", "old": 8, "new": 14},
                {"path": "PasswordReusePrevention", "new": 24}]}]
    if HAS_TRAILS:
        [trail] = diff["resources"]["cloudtrail_trails"]["changed"]
        assert (trail["columns"], trail["raw"]) == (
            [{"path": "log_file_validation_enabled", "old": False, "new": True}],
            [{"path": "LogFileValidationEnabled", "old": False, "new": True}])

    moved = {(category, f["rule_id"], f["resource_id"]) for category, items in diff["findings"].items()
             if category in ("new_failure", "resolved", "status_changed") for f in items}
    assert moved == expected_findings(ids)
    assert diff["findings"]["rules_not_compared"] == []

    gate = sounding("diff", str(tmp_path / "old"), str(tmp_path / "new"), "--only", "findings",
                    "--fail-on-new", "info", "--format", "markdown", "-q")
    assert gate.returncode == (1 if any(c == "new_failure" for c, _r, _id in moved) else 0), gate.stderr
    same = sounding("diff", str(tmp_path / "new"), str(tmp_path / "new"), "--only", "resources", "--format", "json",
                    "-q")
    assert json.loads(same.stdout)["resources"] == {}
