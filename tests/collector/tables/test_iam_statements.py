"""Tables derived from GetAccountAuthorizationDetails, and the IAM rules over a snapshot collected from moto."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import jmespath
import pytest
from moto import mock_aws
from sounding.collector.collect import Target, collect
from sounding.collector.special import iam_authorization
from sounding.collector.special.policy_document import PolicyDocumentError
from sounding.collector.tables.iam import TABLES as IAM_TABLES
from sounding.engine.evaluate import evaluate
from sounding.engine.rules import builtin_rules_dir, load_rules
from sounding.engine.snapshot import open_snapshot

ACCOUNT = "123456789012"
ARN = f"arn:aws:iam::{ACCOUNT}"
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def entity(kind: str, name: str, arn: str, raw: dict[str, Any]) -> dict[str, Any]:
    """A parent row of iam_authorization_details, as the runner hands it to a derive function."""
    return {"entity_kind": kind, "entity_name": name, "arn": arn, "raw": raw}


def test_entities_keep_customer_managed_and_attached_aws_managed_policies_only() -> None:
    page = {"UserDetailList": [{"UserName": "u", "UserId": "AIDA1", "Arn": f"{ARN}:user/u"}],
            "RoleDetailList": [{"RoleName": "r", "RoleId": "AROA1", "Arn": f"{ARN}:role/r"}],
            "Policies": [{"Arn": "arn:aws:iam::aws:policy/Unused", "AttachmentCount": 0},
                         {"Arn": "arn:aws:iam::aws:policy/service-role/Used", "AttachmentCount": 1},
                         {"PolicyName": "mine", "Arn": f"{ARN}:policy/mine", "AttachmentCount": 0}]}
    items = jmespath.search(iam_authorization.ENTITIES, page)
    assert [(jmespath.search(iam_authorization.ENTITY_KIND, i), jmespath.search(iam_authorization.ENTITY_NAME, i))
            for i in items] == [("user", "u"), ("role", "r"),
                                ("policy", "arn:aws:iam::aws:policy/service-role/Used"), ("policy", "mine")]


def test_managed_policy_name_comes_from_the_arn_when_aws_omits_it() -> None:
    raw = {"Arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaRole", "AttachmentCount": 1}
    [item] = iam_authorization.managed_policies(entity("policy", raw["Arn"], raw["Arn"], raw))
    assert item["PolicyName"] == "AWSLambdaRole"
    assert "PolicyName" not in raw
    assert iam_authorization.managed_policies(entity("user", "u", f"{ARN}:user/u", {})) == []


def test_statements_of_a_role_from_url_encoded_documents() -> None:
    """Documents that reach us still URL-encoded (boto3 could not decode them) normalise the same."""
    trust = {"Statement": {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                           "Action": "sts:AssumeRole"}}
    raw = {"RoleName": "app", "AssumeRolePolicyDocument": quote(json.dumps(trust)),
           "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": quote(json.dumps(ADMIN))}]}
    items = iam_authorization.policy_statements(entity("role", "app", f"{ARN}:role/path/app", raw))
    assert [(i["policy_kind"], i["policy_id"], i["policy_name"], i["principal_kind"], i["principal_name"],
             i["actions"], i["principals"], i["aws_managed"]) for i in items] == [
        ("inline", f"{ARN}:role/app/policy/all", "all", "role", "app", ["*"], None, False),
        ("trust", f"{ARN}:role/path/app", None, "role", "app", ["sts:AssumeRole"],
         {"Service": ["lambda.amazonaws.com"]}, False),
    ]


def test_statements_of_a_managed_policy_use_its_default_version_only() -> None:
    arn = f"{ARN}:policy/p"
    raw = {"PolicyName": "p", "Arn": arn, "PolicyVersionList": [
        {"VersionId": "v1", "IsDefaultVersion": False, "Document": {"Statement": {"Effect": "Deny", "Action": "*"}}},
        {"VersionId": "v2", "IsDefaultVersion": True, "Document": ADMIN}]}
    items = iam_authorization.policy_statements(entity("policy", "p", arn, raw))
    assert [(i["policy_kind"], i["policy_id"], i["policy_arn"], i["policy_name"], i["effect"], i["principal_kind"])
            for i in items] == [("managed", arn, arn, "p", "Allow", None)]


def test_a_malformed_document_names_its_owner() -> None:
    raw = {"UserName": "u", "UserPolicyList": [{"PolicyName": "bad", "PolicyDocument": "{not json"}]}
    with pytest.raises(PolicyDocumentError, match=f"{ARN}:user/u .inline policy {ARN}:user/u/policy/bad.: not JSON"):
        iam_authorization.policy_statements(entity("user", "u", f"{ARN}:user/u", raw))


def test_inline_policy_id_keeps_partition_and_account() -> None:
    assert iam_authorization.inline_policy_id("arn:aws-cn:iam::210987654321:group/x/ops", "group", "ops", "p") \
        == "arn:aws-cn:iam::210987654321:group/ops/policy/p"


@pytest.fixture
def collected(tmp_path: Path) -> Path:
    """A snapshot of every IAM table, collected from moto by the real collector."""
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": f"{ARN}:oidc-provider/token.actions.githubusercontent.com"},
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}]}
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        iam.create_user(UserName="alice")
        iam.create_login_profile(UserName="alice", Password="Very-long-passw0rd!")
        iam.put_user_policy(UserName="alice", PolicyName="all", PolicyDocument=json.dumps(ADMIN))
        iam.create_role(RoleName="deploy", AssumeRolePolicyDocument=json.dumps(trust))
        summary = collect([Target(ACCOUNT, boto3.Session(region_name="us-east-1"), org_admin=False)], IAM_TABLES,
                          tmp_path / "snap", partition="aws", caller={"account_id": ACCOUNT, "arn": f"{ARN}:root"})
    return summary.path


def test_rules_read_what_the_collector_writes(collected: Path) -> None:
    wanted = {"iam_policy_no_full_admin", "iam_role_oidc_trust_scoped", "iam_user_console_mfa"}
    rules = [r for r in load_rules([builtin_rules_dir()]) if r.id in wanted]
    findings = evaluate(open_snapshot(collected), rules).findings
    assert sorted((f.rule_id, f.status, f.resource_id) for f in findings) == [
        ("iam_policy_no_full_admin", "FAIL", f"{ARN}:user/alice/policy/all"),
        ("iam_role_oidc_trust_scoped", "FAIL", f"{ARN}:role/deploy"),
        ("iam_user_console_mfa", "FAIL", f"{ARN}:user/alice"),
    ]
    oidc = next(f for f in findings if f.rule_id == "iam_role_oidc_trust_scoped")
    assert oidc.reason == ("Role deploy: statement 0 trusts token.actions.githubusercontent.com with no condition "
                           "on token.actions.githubusercontent.com:sub.")
