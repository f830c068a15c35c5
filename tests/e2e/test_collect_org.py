"""End to end: an organization in moto_server, `sounding collect --org` through the real CLI, rows per account."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.e2e.org_seed import REGION_LOCK, SeededOrg, seed_organization, seed_services, seed_workloads

pytestmark = pytest.mark.e2e

SOUNDING = [sys.executable, "-I", "-m", "sounding.engine.cli"]
REGIONS = ("eu-west-1", "us-east-1")


def sounding(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process with this test's environment."""
    return subprocess.run([*SOUNDING, *args], capture_output=True, text=True, env=dict(os.environ), timeout=600)


def query(out: Path, table: str, sql: str) -> list[tuple[Any, ...]]:
    """Sorted rows of a query over one table's Parquet files, read by glob as any DuckDB user would."""
    con = duckdb.connect()
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{out}/tables/{table}.parquet')")
    return sorted(con.execute(sql).fetchall())


def expected_vpcs(org: SeededOrg) -> list[tuple[str, str, str, bool, str]]:
    """Every VPC moto holds in the seeded accounts and regions (default VPCs included)."""
    rows = []
    for account_id, session in org.sessions.items():
        for region in REGIONS:
            for vpc in session.client("ec2", region_name=region).describe_vpcs()["Vpcs"]:
                rows.append((account_id, region, vpc["VpcId"], vpc["IsDefault"], vpc["CidrBlock"]))
    return sorted(rows)


def test_collect_org_reads_every_account_with_its_own_credentials(moto_server, tmp_path: Path) -> None:
    org = seed_organization()
    created = seed_workloads(org)
    services = seed_services(org)
    master, prod, dev = org.accounts["master"], org.accounts["prod"], org.accounts["dev"]
    out = tmp_path / "snap"

    result = sounding("collect", "--org", "--out", str(out), "--regions", ",".join(REGIONS))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "organization: 3 account(s) to collect, assuming role OrganizationAccountAccessRole in members" in \
        result.stderr
    for member in (prod, dev):
        assert f"account {member}: assumed arn:aws:iam::{member}:role/OrganizationAccountAccessRole" in result.stderr
    assert f"wrote {out}: 3 account(s)" in result.stderr
    assert sounding("verify", str(out)).returncode == 0

    manifest = json.loads((out / "manifest.json").read_text())
    assert [(a["account_id"], a["name"], a["email"], a["reachable"], a["regions"]) for a in manifest["accounts"]] == \
        sorted([(master, "master", "master@example.com", True, list(REGIONS)),
                (prod, "prod", "aws-prod@example.com", True, list(REGIONS)),
                (dev, "dev", "aws-dev@example.com", True, list(REGIONS))])
    mine = ("*", "iam_users", "iam_password_policy", "ec2_vpcs", "regions")
    gaps = sorted((g["account_id"], g["table"], g["error_code"]) for g in manifest["gaps"]
                  if g["table"].startswith("organizations_") or g["table"] in mine)
    assert gaps == [], "\n".join(map(str, gaps))

    # The organization as every account sees it; its tree, accounts and SCPs from the management account only.
    assert query(out, "organizations_organization", "SELECT account_id, org_id, feature_set, master_account_id, "
                 "master_account_email FROM t") == sorted(
        (a, org.org_id, "ALL", master, "master@example.com") for a in (master, prod, dev))
    assert query(out, "organizations_roots", "SELECT account_id, root_id, enabled_policy_types FROM t") == [
        (master, org.root_id, ["SERVICE_CONTROL_POLICY"])]
    assert query(out, "organizations_ous", "SELECT account_id, name, ou_id, parent_id FROM t") == sorted([
        (master, "Workloads", org.ous["Workloads"], org.root_id),
        (master, "Prod", org.ous["Prod"], org.ous["Workloads"]),
        (master, "Sandbox", org.ous["Sandbox"], org.root_id)])
    assert query(out, "organizations_accounts", "SELECT account_id, member_account_id, name, email, status, "
                 "parent_id FROM t") == sorted([
        (master, master, "master", "master@example.com", "ACTIVE", org.root_id),
        (master, prod, "prod", "aws-prod@example.com", "ACTIVE", org.ous["Prod"]),
        (master, dev, "dev", "aws-dev@example.com", "ACTIVE", org.ous["Sandbox"])])
    assert query(out, "organizations_policies", "SELECT account_id, policy_id, name, aws_managed FROM t") == sorted([
        (master, "p-FullAWSAccess", "FullAWSAccess", True), (master, org.policy_id, "RegionLock", False)])
    assert query(out, "organizations_policy_targets", "SELECT policy_id, target_id, target_type FROM t "
                 "WHERE policy_id <> 'p-FullAWSAccess'") == [(org.policy_id, org.root_id, "ROOT")]
    statement = REGION_LOCK["Statement"][0]
    assert query(out, "organizations_policy_statements", "SELECT account_id, policy_name, effect, not_actions, "
                 "conditions::VARCHAR FROM t WHERE policy_id = '" + org.policy_id + "'") == [
        (master, "RegionLock", "Deny", statement["NotAction"],
         json.dumps(statement["Condition"], sort_keys=True, separators=(",", ":")))]

    # IAM (global) and EC2 (regional) rows land in the account they were read from.
    assert query(out, "iam_users", "SELECT account_id, user_name FROM t") == sorted([
        (prod, "deployer"), (dev, "developer")])
    assert query(out, "iam_password_policy", "SELECT account_id, minimum_password_length FROM t") == [(dev, 14)]
    vpcs = query(out, "ec2_vpcs", "SELECT account_id, region, vpc_id, is_default, cidr_block FROM t")
    assert vpcs == expected_vpcs(org)
    non_default = sorted((a, r, v) for a, r, v, is_default, _ in vpcs if not is_default)
    assert non_default == sorted((a, r, v) for (a, r), ids in created.items() for v in ids)
    assert {(a, r) for a, r, *_ in vpcs} == {(a, r) for a in (master, prod, dev) for r in REGIONS}
    files = set(manifest["tables"]["ec2_vpcs"]["account_rows"])
    assert files == {master, prod, dev}

    # The other services' tables, each in the account and region it was seeded in (moto shows an organization
    # trail only in the management account; AWS shows it in members too).
    assert query(out, "cloudtrail_trails", "SELECT account_id, region, trail_arn, home_region, "
                 "is_organization_trail FROM t") == sorted(
        (master, region, services["trail_arn"], "us-east-1", True) for region in REGIONS)
    assert query(out, "guardduty_detectors", "SELECT account_id, region, detector_id, status FROM t") == [
        (prod, "eu-west-1", services["detector_id"], "ENABLED")]
    assert query(out, "events_rules", "SELECT account_id, region, arn, state FROM t") == [
        (dev, "us-east-1", services["rule_arn"], "ENABLED")]
    assert query(out, "config_recorders", "SELECT account_id, region, name, all_supported FROM t") == [
        (prod, "us-east-1", "default", True)]

    # The org rules over that snapshot: one finding per organization, on the management account.
    evaluated = sounding("evaluate", str(out), "--format", "json", "-q", "--rule", "org_*",
                         "--rule", "regions_restricted_by_scp")
    assert evaluated.returncode == 1, evaluated.stderr
    findings = sorted((f["rule_id"], f["account_id"], f["status"]) for f in json.loads(evaluated.stdout)["findings"])
    assert findings == sorted([
        ("org_accounts_in_ous", master, "SKIP"), ("org_accounts_in_ous", prod, "PASS"),
        ("org_accounts_in_ous", dev, "PASS"),
        ("org_all_features", master, "PASS"),
        ("org_centralized_root_access", master, "ERROR"),  # moto lacks iam:ListOrganizationsFeatures
        ("org_custom_scp_attached", master, "PASS"),
        ("org_enabled", master, "PASS"), ("org_enabled", prod, "PASS"), ("org_enabled", dev, "PASS"),
        ("org_management_account_no_workloads", master, "FAIL"),
        ("org_member_accounts", master, "PASS"),
        ("org_scp_default_vpc_guard", master, "FAIL"),
        ("org_scp_type_enabled", master, "PASS"),
        ("regions_restricted_by_scp", master, "PASS"),
    ])


def test_org_options_are_checked_before_anything_runs(moto_server, tmp_path: Path) -> None:
    seed_organization()
    without_org = sounding("collect", "--accounts", "111111111111", "--out", str(tmp_path / "a"))
    assert (without_org.returncode, without_org.stderr) == (
        2, "error: options: --accounts, --role-name and --external-id need --org\n")
    unknown = sounding("collect", "--org", "--accounts", "111111111111", "--out", str(tmp_path / "b"))
    assert unknown.returncode == 2
    assert unknown.stderr == ("error: organization: --accounts names 111111111111, not an ACTIVE account of the "
                              "organization\n")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_collect_org_outside_an_organization_is_one_clear_line(moto_server, tmp_path: Path) -> None:
    """AWS refuses ListAccounts outside an organization; moto lists nothing: either way, nothing is collected."""
    result = sounding("collect", "--org", "--out", str(tmp_path / "snap"))
    assert (result.returncode, result.stderr) == (
        2, "error: organization: organizations:ListAccounts listed no ACTIVE account: nothing to collect\n")
    assert not (tmp_path / "snap").exists()
