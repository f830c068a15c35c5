"""Organizations and Control Tower tables against moto: the whole tree from the management account only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import duckdb
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from sounding.collector.collect import Target, collect
from sounding.collector.special import organizations as org_special
from sounding.collector.special.policy_document import PolicyDocumentError
from sounding.collector.tables import controltower, organizations, select

MANAGEMENT = "123456789012"
CALLER = {"arn": f"arn:aws:iam::{MANAGEMENT}:user/auditor", "account_id": MANAGEMENT, "partition": "aws"}
SPECS = organizations.TABLES + controltower.TABLES
MANAGEMENT_ONLY = sorted(s.name for s in SPECS if s.management_only)
REGION_LOCK = {"Version": "2012-10-17", "Statement": {
    "Sid": "DenyOutsideEU", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}}


@dataclass
class Org:
    """Ids of the seeded organization."""

    org_id: str
    root_id: str
    workloads_ou: str
    prod_ou: str
    prod_account: str
    sandbox_account: str
    policy_id: str


@pytest.fixture
def seeded() -> Iterator[Org]:
    """Management + 2 members: prod in Workloads/Prod, sandbox under the root; an SCP on Workloads."""
    with mock_aws():
        client = boto3.client("organizations", region_name="us-east-1")
        org_id = client.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        root_id = client.list_roots()["Roots"][0]["Id"]
        client.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
        workloads = client.create_organizational_unit(ParentId=root_id, Name="Workloads")["OrganizationalUnit"]["Id"]
        prod_ou = client.create_organizational_unit(ParentId=workloads, Name="Prod")["OrganizationalUnit"]["Id"]
        prod = client.create_account(AccountName="prod", Email="prod@example.com")["CreateAccountStatus"]["AccountId"]
        sandbox = client.create_account(AccountName="sandbox", Email="sandbox@example.com")
        client.move_account(AccountId=prod, SourceParentId=root_id, DestinationParentId=prod_ou)
        policy = client.create_policy(Name="RegionLock", Type="SERVICE_CONTROL_POLICY", Description="EU only",
                                      Content=json.dumps(REGION_LOCK))["Policy"]["PolicySummary"]["Id"]
        client.attach_policy(PolicyId=policy, TargetId=workloads)
        client.enable_aws_service_access(ServicePrincipal="guardduty.amazonaws.com")
        client.register_delegated_administrator(AccountId=prod, ServicePrincipal="guardduty.amazonaws.com")
        yield Org(org_id, root_id, workloads, prod_ou, prod, sandbox["CreateAccountStatus"]["AccountId"], policy)


def run(tmp_path: Path, target: Target, specs: Any = SPECS) -> tuple[dict[str, Any], duckdb.DuckDBPyConnection]:
    """Collect one target; the manifest and a DuckDB connection with a view per table."""
    out = tmp_path / "snap"
    collect([target], specs, out, partition="aws", caller=CALLER)
    manifest = json.loads((out / "manifest.json").read_text())
    con = duckdb.connect()
    for name in manifest["tables"]:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out}/tables/{name}.parquet')")
    return manifest, con


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    """Sorted result rows."""
    return sorted(con.execute(sql).fetchall())


def test_management_account_reads_the_whole_organization(seeded: Org, tmp_path: Path) -> None:
    o, m = seeded, MANAGEMENT
    manifest, con = run(tmp_path, Target(m, boto3.Session(region_name="us-east-1")))
    arn = f"arn:aws:organizations::{m}"
    assert rows(con, "SELECT * EXCLUDE (raw) FROM organizations_organization") == [
        (m, "global", o.org_id, f"{arn}:organization/{o.org_id}", "ALL", m, "master@example.com")]
    assert rows(con, "SELECT * EXCLUDE (raw) FROM organizations_roots") == [
        (m, "global", o.root_id, f"{arn}:root/{o.org_id}/{o.root_id}", "Root",
         '[{"Status":"ENABLED","Type":"SERVICE_CONTROL_POLICY"}]', ["SERVICE_CONTROL_POLICY"])]
    assert rows(con, "SELECT * EXCLUDE (raw) FROM organizations_ous") == sorted([
        (m, "global", o.workloads_ou, f"{arn}:ou/{o.org_id}/{o.workloads_ou}", "Workloads", o.root_id),
        (m, "global", o.prod_ou, f"{arn}:ou/{o.org_id}/{o.prod_ou}", "Prod", o.workloads_ou)])
    assert rows(con, "SELECT * EXCLUDE (raw, joined_timestamp) FROM organizations_accounts") == sorted([
        (m, "global", m, f"{arn}:account/{o.org_id}/{m}", "master", "master@example.com", "ACTIVE", "ACTIVE",
         "CREATED", o.root_id),
        (m, "global", o.prod_account, f"{arn}:account/{o.org_id}/{o.prod_account}", "prod", "prod@example.com",
         "ACTIVE", "ACTIVE", "CREATED", o.prod_ou),
        (m, "global", o.sandbox_account, f"{arn}:account/{o.org_id}/{o.sandbox_account}", "sandbox",
         "sandbox@example.com", "ACTIVE", "ACTIVE", "CREATED", o.root_id)])
    assert rows(con, "SELECT count(*) FROM organizations_accounts WHERE joined_timestamp IS NULL") == [(0,)]
    policy_arn = f"{arn}:policy/{o.org_id}/service_control_policy"
    assert rows(con, "SELECT * EXCLUDE (raw) FROM organizations_policies") == sorted([
        (m, "global", "p-FullAWSAccess", f"{policy_arn}/p-FullAWSAccess", "FullAWSAccess",
         "Allows access to every operation", "SERVICE_CONTROL_POLICY", True,
         '{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}'),
        (m, "global", o.policy_id, f"{policy_arn}/{o.policy_id}", "RegionLock", "EU only", "SERVICE_CONTROL_POLICY",
         False, json.dumps(REGION_LOCK, sort_keys=True, separators=(",", ":")))])
    assert rows(con, "SELECT policy_id, target_id, target_type, target_name FROM organizations_policy_targets") == \
        sorted([("p-FullAWSAccess", o.root_id, "ROOT", "Root"), ("p-FullAWSAccess", m, "ACCOUNT", "master"),
                ("p-FullAWSAccess", o.workloads_ou, "ORGANIZATIONAL_UNIT", "Workloads"),
                ("p-FullAWSAccess", o.prod_ou, "ORGANIZATIONAL_UNIT", "Prod"),
                ("p-FullAWSAccess", o.prod_account, "ACCOUNT", "prod"),
                ("p-FullAWSAccess", o.sandbox_account, "ACCOUNT", "sandbox"),
                (o.policy_id, o.workloads_ou, "ORGANIZATIONAL_UNIT", "Workloads")])
    assert rows(con, "SELECT * EXCLUDE (raw) FROM organizations_policy_statements") == sorted([
        (m, "global", "p-FullAWSAccess", "FullAWSAccess", 0, None, "Allow", ["*"], [], ["*"], [], None),
        (m, "global", o.policy_id, "RegionLock", 0, "DenyOutsideEU", "Deny", [], ["iam:*", "sts:*"], ["*"], [],
         '{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}')])
    assert rows(con, "SELECT delegated_account_id, service_principal, name, email "
                     "FROM organizations_delegated_administrators") == [
        (o.prod_account, "guardduty.amazonaws.com", "prod", "prod@example.com")]
    assert rows(con, "SELECT service_principal FROM organizations_service_access") == [("guardduty.amazonaws.com",)]
    # moto has no Control Tower: the one gap of the run, recorded in the management account.
    assert [(g["account_id"], g["table"], g["error_kind"]) for g in manifest["gaps"]] == [
        (m, "controltower_landing_zones", "not_implemented")]


def test_member_account_reads_only_the_organization(seeded: Org, tmp_path: Path) -> None:
    """A member describes its organization; the management-only tables are never called there."""
    credentials = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{seeded.prod_account}:role/OrganizationAccountAccessRole",
        RoleSessionName="sounding")["Credentials"]
    member = boto3.Session(aws_access_key_id=credentials["AccessKeyId"], region_name="us-east-1",
                           aws_secret_access_key=credentials["SecretAccessKey"],
                           aws_session_token=credentials["SessionToken"])
    manifest, con = run(tmp_path, Target(seeded.prod_account, member))
    assert rows(con, "SELECT account_id, org_id, master_account_id FROM organizations_organization") == [
        (seeded.prod_account, seeded.org_id, MANAGEMENT)]
    assert {name: manifest["tables"][name]["rows"] for name in MANAGEMENT_ONLY} == dict.fromkeys(MANAGEMENT_ONLY, 0)
    assert manifest["gaps"] == []


@mock_aws
def test_account_in_no_organization_is_data_not_a_gap(tmp_path: Path) -> None:
    manifest, _con = run(tmp_path, Target(MANAGEMENT, boto3.Session(region_name="us-east-1")))
    assert manifest["tables"]["organizations_organization"]["rows"] == 0
    assert manifest["gaps"] == []


def deny(operation: str) -> Any:
    """A botocore handler that makes one operation fail with AccessDenied before it is sent."""
    def handler(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "injected"},
                           "ResponseMetadata": {"HTTPStatusCode": 403}}, operation)
    return handler


def test_unknown_organization_records_a_gap_per_management_table(seeded: Org, tmp_path: Path) -> None:
    session = boto3.Session(region_name="us-east-1")
    session.events.register("before-call.organizations.DescribeOrganization", deny("DescribeOrganization"))
    manifest, _con = run(tmp_path, Target(MANAGEMENT, session))
    gaps = sorted((g["table"], g["error_code"]) for g in manifest["gaps"])
    assert gaps == sorted([("organizations_organization", "AccessDeniedException")]
                          + [(name, "OrganizationUnknown") for name in MANAGEMENT_ONLY])
    assert all(manifest["tables"][name]["rows"] == 0 for name in MANAGEMENT_ONLY)


def test_a_failed_policy_listing_is_a_gap_for_its_fanned_out_tables(seeded: Org, tmp_path: Path) -> None:
    session = boto3.Session(region_name="us-east-1")
    session.events.register("before-call.organizations.ListPolicies", deny("ListPolicies"))
    manifest, _con = run(tmp_path, Target(MANAGEMENT, session))
    gaps = sorted((g["table"], g["error_code"]) for g in manifest["gaps"])
    assert gaps == [("controltower_landing_zones", "404"),
                    ("organizations_policies", "AccessDeniedException"),
                    ("organizations_policy_statements", "ParentNotCollected"),
                    ("organizations_policy_targets", "ParentNotCollected")]
    assert manifest["tables"]["organizations_roots"]["rows"] == 1


def test_org_admin_target_reads_management_tables_without_describing(seeded: Org, tmp_path: Path) -> None:
    """The --org caller administers the organization (a delegated admin need not be the management account)."""
    session = boto3.Session(region_name="us-east-1")
    manifest, con = run(tmp_path, Target(MANAGEMENT, session, org_admin=True), [organizations.ROOTS])
    assert rows(con, "SELECT account_id, root_id FROM organizations_roots") == [(MANAGEMENT, seeded.root_id)]
    manifest, _con = run(tmp_path / "not-admin", Target(MANAGEMENT, session, org_admin=False), organizations.TABLES)
    assert manifest["tables"]["organizations_organization"]["rows"] == 1
    assert manifest["tables"]["organizations_roots"]["rows"] == 0
    assert manifest["gaps"] == []


@mock_aws
def test_management_table_without_the_organization_table_is_a_gap(tmp_path: Path) -> None:
    manifest, _con = run(tmp_path, Target(MANAGEMENT, boto3.Session(region_name="us-east-1")), [organizations.ROOTS])
    assert [(g["table"], g["error_code"]) for g in manifest["gaps"]] == [("organizations_roots", "OrganizationUnknown")]


def test_select_brings_the_organization_table_along() -> None:
    assert [s.name for s in select(["organizations_roots"])] == [
        "regions", "organizations_organization", "organizations_roots"]
    assert [s.name for s in select(["organizations_policy_statements"])][-2:] == [
        "organizations_policies", "organizations_policy_statements"]


def test_unparseable_policy_content_raises_so_the_runner_records_it() -> None:
    with pytest.raises(PolicyDocumentError):
        org_special.policy_statements({"policy_id": "p-1", "content": "{not json"})
