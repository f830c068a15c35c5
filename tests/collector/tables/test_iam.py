"""IAM tables against moto: the real runner collects users, groups, roles, policies, keys, MFA and providers."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from sounding.collector.aws import AccountClients, CallCounter
from sounding.collector.collect import Target, collect
from sounding.collector.run import run_table
from sounding.collector.tables import TABLES_BY_NAME
from sounding.collector.tables.iam import TABLES as IAM_TABLES

ACCOUNT = "123456789012"
ARN = f"arn:aws:iam::{ACCOUNT}"
GITHUB = "token.actions.githubusercontent.com"
ADMIN_DOC = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
S3_DOC = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
    {"Effect": "Deny", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::b"}]}
TRUST_DOC = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Federated": f"{ARN}:oidc-provider/{GITHUB}"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringLike": {f"{GITHUB}:sub": "repo:org/*"},
                  "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"}}}]}
SAML_METADATA = ('<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
                 'entityID="https://idp.example.com">' + "<!-- padding -->" * 60 + "</md:EntityDescriptor>")


def build_world() -> dict[str, str]:
    """An account with two users, a group, a role trusted by GitHub, policies, keys, MFA and providers."""
    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob", Path="/machines/")
    iam.create_login_profile(UserName="alice", Password="Very-long-passw0rd!")
    alice_key = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    bob_key = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="bob", AccessKeyId=bob_key, Status="Inactive")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.put_user_policy(UserName="alice", PolicyName="s3-read", PolicyDocument=json.dumps(S3_DOC))
    iam.create_group(GroupName="admins")
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    iam.put_group_policy(GroupName="admins", PolicyName="everything", PolicyDocument=json.dumps(ADMIN_DOC))
    policy_arn = iam.create_policy(PolicyName="wide", Path="/team/",
                                   PolicyDocument=json.dumps(S3_DOC))["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=policy_arn, PolicyDocument=json.dumps(ADMIN_DOC), SetAsDefault=True)
    iam.attach_group_policy(GroupName="admins", PolicyArn=policy_arn)
    iam.create_role(RoleName="deploy", AssumeRolePolicyDocument=json.dumps(TRUST_DOC))
    iam.attach_role_policy(RoleName="deploy", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.create_open_id_connect_provider(Url=f"https://{GITHUB}", ClientIDList=["sts.amazonaws.com"],
                                        ThumbprintList=["a" * 40])
    saml_arn = iam.create_saml_provider(Name="corp", SAMLMetadataDocument=SAML_METADATA)["SAMLProviderArn"]
    return {"alice_key": alice_key, "bob_key": bob_key, "mfa": device["SerialNumber"],
            "policy_arn": policy_arn, "saml_arn": saml_arn}


@dataclass
class World:
    """The account's generated ids, and what one collection of every IAM table produced."""

    ids: dict[str, str]
    snap: Path
    manifest: dict[str, Any]
    details_requests: list[str]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One collection of the account, shared by the tests that only read it (moto loads 1,500+ policies)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                            "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
                            "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "SOUNDING_MAX_ATTEMPTS": "3",
                            "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}.items():
            patch.setenv(name, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        with mock_aws():
            ids = build_world()
            session = boto3.Session(region_name="us-east-1")
            details: list[str] = []
            session.events.register("before-send.iam.GetAccountAuthorizationDetails",
                                    lambda request, **_: details.append(request.url))
            snap, manifest = collect_iam(tmp_path_factory.mktemp("iam"), session)
            yield World(ids, snap, manifest, details)


def read_rows(snapshot: Path, table: str) -> list[dict[str, Any]]:
    """A table's rows for the account, without raw, in key order."""
    rows = pq.read_table(snapshot / "tables" / f"{table}.parquet", filters=[("account_id", "=", ACCOUNT)]).to_pylist()
    key = TABLES_BY_NAME[table].primary_key
    return sorted(({k: v for k, v in r.items() if k != "raw"} for r in rows),
                  key=lambda r: tuple(str(r[k]) for k in key))


def pick(rows: list[dict[str, Any]], *columns: str) -> list[tuple[Any, ...]]:
    """The chosen columns of each row, as tuples (dates and generated ids left out on purpose)."""
    return [tuple(r[c] for c in columns) for r in rows]


def collect_iam(tmp_path: Path, session: boto3.Session) -> tuple[Path, dict[str, Any]]:
    """Run the real collector over every IAM table for one account; the snapshot path and manifest."""
    summary = collect([Target(ACCOUNT, session, org_admin=True)], IAM_TABLES, tmp_path / "snap",
                      partition="aws", caller={"account_id": ACCOUNT, "arn": f"{ARN}:user/auditor"})
    return summary.path, json.loads((summary.path / "manifest.json").read_text())


def test_every_iam_table_has_its_exact_rows(world: World) -> None:
    snap, iam_world = world.snap, world.ids
    assert pick(read_rows(snap, "iam_users"), "region", "user_name", "arn", "path", "group_names") == [
        ("global", "alice", f"{ARN}:user/alice", "/", ["admins"]),
        ("global", "bob", f"{ARN}:user/machines/bob", "/machines/", []),
    ]
    assert pick(read_rows(snap, "iam_groups"), "group_name", "arn", "attached_policy_arns") == [
        ("admins", f"{ARN}:group/admins", [iam_world["policy_arn"]])]
    [role] = read_rows(snap, "iam_roles")
    assert (role["role_name"], role["arn"], json.loads(role["assume_role_policy"]), role["attached_policy_arns"]) \
        == ("deploy", f"{ARN}:role/deploy", TRUST_DOC, ["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    # Customer managed policies, and only the AWS managed policies attached to something.
    policies = read_rows(snap, "iam_policies")
    assert pick(policies, "policy_name", "arn", "path", "aws_managed", "default_version_id", "attachment_count") == [
        ("wide", iam_world["policy_arn"], "/team/", False, "v2", 1),
        ("ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess", "/", True, policies[1]["default_version_id"], 1),
    ]
    assert json.loads(policies[0]["document"]) == ADMIN_DOC
    assert json.loads(policies[1]["document"])["Statement"][0]["Effect"] == "Allow"
    assert pick(read_rows(snap, "iam_inline_policies"), "principal_kind", "principal_name", "policy_name") == [
        ("group", "admins", "everything"), ("user", "alice", "s3-read")]
    assert [json.loads(r["document"]) for r in read_rows(snap, "iam_inline_policies")] == [ADMIN_DOC, S3_DOC]
    assert pick(read_rows(snap, "iam_access_keys"), "user_name", "access_key_id", "status") == sorted(
        [("alice", iam_world["alice_key"], "Active"), ("bob", iam_world["bob_key"], "Inactive")],
        key=lambda t: t[1])
    assert pick(read_rows(snap, "iam_access_key_last_used"), "user_name", "access_key_id", "last_used_date",
                "service_name", "last_used_region") == sorted(
        [("alice", iam_world["alice_key"], None, None, None), ("bob", iam_world["bob_key"], None, None, None)],
        key=lambda t: t[1])
    assert pick(read_rows(snap, "iam_mfa_devices"), "user_name", "serial_number") == [("alice", iam_world["mfa"])]
    # bob has no console password: NoSuchEntity is data (no row), not a gap.
    assert pick(read_rows(snap, "iam_login_profiles"), "user_name", "password_reset_required") == [("alice", False)]
    assert pick(read_rows(snap, "iam_oidc_providers"), "arn", "url", "client_id_list", "thumbprints") == [
        (f"{ARN}:oidc-provider/{GITHUB}", GITHUB, ["sts.amazonaws.com"], ["a" * 40])]
    assert pick(read_rows(snap, "iam_saml_providers"), "arn") == [(iam_world["saml_arn"],)]


def test_policy_statements_cover_managed_inline_and_trust(world: World) -> None:
    snap, iam_world = world.snap, world.ids
    rows = [r for r in read_rows(snap, "iam_policy_statements") if not r["aws_managed"]]
    assert pick(rows, "policy_kind", "policy_id", "policy_arn", "policy_name", "principal_kind", "principal_name",
                "statement_index", "sid", "effect", "actions", "not_actions", "resources", "not_resources") == [
        ("inline", f"{ARN}:group/admins/policy/everything", None, "everything", "group", "admins",
         0, None, "Allow", ["*"], [], ["*"], []),
        ("inline", f"{ARN}:user/alice/policy/s3-read", None, "s3-read", "user", "alice",
         0, "Read", "Allow", ["s3:GetObject", "s3:ListBucket"], [], ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], []),
        ("inline", f"{ARN}:user/alice/policy/s3-read", None, "s3-read", "user", "alice",
         1, None, "Deny", [], ["s3:*"], [], ["arn:aws:s3:::b"]),
        ("managed", iam_world["policy_arn"], iam_world["policy_arn"], "wide", None, None,
         0, None, "Allow", ["*"], [], ["*"], []),
        ("trust", f"{ARN}:role/deploy", None, None, "role", "deploy",
         0, None, "Allow", ["sts:AssumeRoleWithWebIdentity"], [], [], []),
    ]
    trust = rows[-1]
    assert json.loads(trust["principals"]) == {"Federated": [f"{ARN}:oidc-provider/{GITHUB}"]}
    assert json.loads(trust["conditions"]) == TRUST_DOC["Statement"][0]["Condition"]
    assert json.loads(trust["condition_entries"]) == [
        {"operator": "StringEquals", "key": f"{GITHUB}:aud", "values": ["sts.amazonaws.com"]},
        {"operator": "StringLike", "key": f"{GITHUB}:sub", "values": ["repo:org/*"]}]
    aws_managed = {r["policy_arn"] for r in read_rows(snap, "iam_policy_statements") if r["aws_managed"]}
    assert aws_managed == {"arn:aws:iam::aws:policy/ReadOnlyAccess"}


def test_authorization_details_are_read_once_for_every_table(world: World) -> None:
    # Seven tables (users, groups, roles, authorization details and three derived) read one page: one request.
    readers = [t for t in IAM_TABLES if t.operation == "GetAccountAuthorizationDetails"]
    assert (len(readers), len(world.details_requests)) == (7, 1)
    assert world.manifest["tables"]["iam_users"]["rows"] == 2


def test_organizations_features_gap_is_recorded_where_moto_lacks_it(world: World) -> None:
    gaps = [(g["table"], g["operation"]) for g in world.manifest["gaps"]]
    assert gaps == [("iam_organizations_features", "ListOrganizationsFeatures")]
    assert read_rows(world.snap, "iam_organizations_features") == []


def test_denied_authorization_details_leave_gaps_for_every_dependent_table(world: World, tmp_path: Path) -> None:
    session = boto3.Session(region_name="us-east-1")

    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "injected"},
                           "ResponseMetadata": {"HTTPStatusCode": 403}}, "GetAccountAuthorizationDetails")

    session.events.register("before-call.iam.GetAccountAuthorizationDetails", deny)
    _, manifest = collect_iam(tmp_path, session)
    gaps = sorted((g["table"], g["error_code"]) for g in manifest["gaps"]
                  if g["table"] != "iam_organizations_features")
    assert gaps == [
        ("iam_access_key_last_used", "ParentNotCollected"), ("iam_access_keys", "ParentNotCollected"),
        ("iam_authorization_details", "AccessDenied"), ("iam_groups", "AccessDenied"),
        ("iam_inline_policies", "ParentNotCollected"), ("iam_login_profiles", "ParentNotCollected"),
        ("iam_mfa_devices", "ParentNotCollected"), ("iam_policies", "ParentNotCollected"),
        ("iam_policy_statements", "ParentNotCollected"), ("iam_roles", "AccessDenied"),
        ("iam_users", "AccessDenied"),
    ]


def _answer(parsed: dict[str, Any]) -> Any:
    """A before-call handler that answers with a parsed response, as AWS would have."""
    return lambda **_: (SimpleNamespace(status_code=200, headers={}), parsed)


def _fail(code: str) -> Any:
    """A before-call handler that fails with an AWS error code."""
    def handler(**_: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": "injected"},
                           "ResponseMetadata": {"HTTPStatusCode": 400}}, "ListOrganizationsFeatures")
    return handler


@mock_aws
@pytest.mark.parametrize(("code", "gap"), [
    ("ServiceAccessNotEnabledException", False), ("OrganizationNotInAllFeaturesModeException", False),
    ("OrganizationNotFoundException", False), ("AccountNotManagementOrDelegatedAdministratorException", True),
    ("AccessDenied", True)])
def test_organizations_features_errors_are_data_or_gaps(code: str, gap: bool) -> None:
    session = boto3.Session(region_name="us-east-1")
    session.events.register("before-call.iam.ListOrganizationsFeatures", _fail(code))
    result = run_table(TABLES_BY_NAME["iam_organizations_features"], AccountClients(session, CallCounter()),
                       ACCOUNT, "global", "us-east-1")
    assert result.rows == []
    assert [g.error_code for g in result.gaps] == ([code] if gap else [])


@mock_aws
def test_organizations_features_row() -> None:
    session = boto3.Session(region_name="us-east-1")
    session.events.register("before-call.iam.ListOrganizationsFeatures", _answer(
        {"OrganizationId": "o-abc", "EnabledFeatures": ["RootCredentialsManagement", "RootSessions"]}))
    result = run_table(TABLES_BY_NAME["iam_organizations_features"], AccountClients(session, CallCounter()),
                       ACCOUNT, "global", "us-east-1")
    assert result.gaps == []
    assert [(r["organization_id"], r["enabled_features"]) for r in result.rows] == [
        ("o-abc", ["RootCredentialsManagement", "RootSessions"])]


@mock_aws
@pytest.mark.parametrize(("answer", "expected"), [
    ({"LastUsedDate": "2026-01-02T03:04:05Z", "ServiceName": "s3", "Region": "eu-west-1"},
     ("2026-01-02T03:04:05Z", "s3", "eu-west-1")),
    ({"ServiceName": "N/A", "Region": "N/A"}, (None, None, None)),
])
def test_access_key_last_used_keeps_dates_and_turns_na_into_null(answer: dict[str, str],
                                                                  expected: tuple[Any, ...]) -> None:
    session = boto3.Session(region_name="us-east-1")
    session.events.register("before-call.iam.GetAccessKeyLastUsed", _answer(
        {"UserName": "alice", "AccessKeyLastUsed": answer}))
    parents = [{"user_name": "alice", "access_key_id": "AKIAIOSFODNN7EXAMPLE", "raw": {}}]
    result = run_table(TABLES_BY_NAME["iam_access_key_last_used"], AccountClients(session, CallCounter()),
                       ACCOUNT, "global", "us-east-1", parents)
    assert result.gaps == []
    assert [(r["user_name"], r["access_key_id"], r["last_used_date"], r["service_name"], r["last_used_region"])
            for r in result.rows] == [("alice", "AKIAIOSFODNN7EXAMPLE", *expected)]
