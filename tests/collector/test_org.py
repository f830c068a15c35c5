"""Organization mode against moto: ACTIVE accounts, AssumeRole per member, failures as gaps, no secrets kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from sounding.collector.account import Caller
from sounding.collector.aws import CallCounter
from sounding.collector.collect import collect
from sounding.collector.gaps import Gap
from sounding.collector.org import OrganizationError, org_targets, role_arn
from sounding.collector.tables import iam, organizations

MANAGEMENT = "123456789012"
CALLER = Caller(arn=f"arn:aws:iam::{MANAGEMENT}:user/auditor", account_id=MANAGEMENT, partition="aws")


@pytest.fixture
def members() -> Iterator[dict[str, str]]:
    """An organization with three members (one closed): name -> account id."""
    with mock_aws():
        client = boto3.client("organizations", region_name="us-east-1")
        client.create_organization(FeatureSet="ALL")
        ids = {name: client.create_account(AccountName=name, Email=f"{name}@example.com")
               ["CreateAccountStatus"]["AccountId"] for name in ("prod", "dev", "old")}
        client.close_account(AccountId=ids["old"])
        yield ids


def caller_session() -> boto3.Session:
    """The caller's (management account's) session."""
    return boto3.Session(region_name="us-east-1")


def refuse_role(account_id: str) -> Any:
    """A handler that refuses AssumeRole into one account, as a missing trust policy would."""
    def handler(params: dict[str, Any], **_: Any) -> None:
        if f"::{account_id}:" in params["RoleArn"]:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorized to perform sts:AssumeRole"},
                               "ResponseMetadata": {"HTTPStatusCode": 403}}, "AssumeRole")
    return handler


def test_role_arn_follows_the_partition() -> None:
    assert role_arn("aws-cn", "111111111111", "Audit") == "arn:aws-cn:iam::111111111111:role/Audit"


def test_targets_are_the_active_accounts_each_in_its_own_account(members: dict[str, str]) -> None:
    messages: list[str] = []
    targets = org_targets(caller_session(), CALLER, CallCounter(), progress=messages.append)
    assert [(t.account_id, t.name, t.email, t.role_arn, t.org_admin, t.failure) for t in targets] == sorted([
        (MANAGEMENT, "master", "master@example.com", "", True, None),
        (members["prod"], "prod", "prod@example.com",
         f"arn:aws:iam::{members['prod']}:role/OrganizationAccountAccessRole", None, None),
        (members["dev"], "dev", "dev@example.com",
         f"arn:aws:iam::{members['dev']}:role/OrganizationAccountAccessRole", None, None),
    ])
    for target in targets:
        assert target.session is not None
        identity = target.session.client("sts", region_name="us-east-1").get_caller_identity()
        assert identity["Account"] == target.account_id
    assert messages[0] == ("organization: 3 account(s) to collect, "
                           "assuming role OrganizationAccountAccessRole in members")


def test_accounts_narrows_and_unknown_accounts_are_refused(members: dict[str, str]) -> None:
    targets = org_targets(caller_session(), CALLER, CallCounter(), accounts=[members["dev"]], role_name="Audit",
                          external_id="xyz")
    dev = members["dev"]
    assert [(t.account_id, t.role_arn) for t in targets] == [(dev, f"arn:aws:iam::{dev}:role/Audit")]
    with pytest.raises(OrganizationError, match=f"--accounts names {members['old']}, not an ACTIVE account"):
        org_targets(caller_session(), CALLER, CallCounter(), accounts=[members["dev"], members["old"]])


def test_assume_role_sends_the_session_name_and_external_id(members: dict[str, str]) -> None:
    sent: list[dict[str, Any]] = []
    session = caller_session()
    session.events.register("provide-client-params.sts.AssumeRole", lambda params, **_: sent.append(dict(params)))
    org_targets(session, CALLER, CallCounter(), accounts=[members["prod"]], external_id="ext-123")
    assert sent == [{"RoleArn": f"arn:aws:iam::{members['prod']}:role/OrganizationAccountAccessRole",
                     "RoleSessionName": "sounding", "ExternalId": "ext-123"}]


def test_list_accounts_failure_stops_before_anything_is_collected(members: dict[str, str]) -> None:
    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "member account"}}, "ListAccounts")

    session = caller_session()
    session.events.register("before-call.organizations.ListAccounts", deny)
    with pytest.raises(OrganizationError, match=r"organizations:ListAccounts AccessDeniedException\): member account"):
        org_targets(session, CALLER, CallCounter())


def test_collecting_the_org_keeps_each_account_apart_and_an_unreachable_one_as_a_gap(
        members: dict[str, str], tmp_path: Path) -> None:
    prod, dev = members["prod"], members["dev"]
    targets = org_targets(caller_session(), CALLER, CallCounter(), accounts=[prod])
    prod_iam = targets[0].session.client("iam", region_name="us-east-1")
    prod_iam.update_account_password_policy(MinimumPasswordLength=21)

    session = caller_session()
    session.events.register("provide-client-params.sts.AssumeRole", refuse_role(dev))
    secrets: list[str] = []
    session.events.register("after-call.sts.AssumeRole", lambda parsed, **_: secrets.extend(
        parsed["Credentials"][k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")))
    targets = org_targets(session, CALLER, CallCounter())
    out = tmp_path / "snap"
    collect(targets, (organizations.ORGANIZATION, iam.PASSWORD_POLICY), out, partition="aws",
            caller=CALLER.to_dict())

    manifest = json.loads((out / "manifest.json").read_text())
    dev_arn = f"arn:aws:iam::{dev}:role/OrganizationAccountAccessRole"
    assert [(a["account_id"], a["name"], a["reachable"], a["role_arn"]) for a in manifest["accounts"]] == sorted([
        (MANAGEMENT, "master", True, ""),
        (prod, "prod", True, f"arn:aws:iam::{prod}:role/OrganizationAccountAccessRole"),
        (dev, "dev", False, dev_arn)])
    assert manifest["gaps"] == [Gap(dev, "global", "*", "sts", "AssumeRole", "AccessDenied", "access_denied",
                                    f"{dev_arn}: not authorized to perform sts:AssumeRole").to_dict()]
    files = {f["account_id"]: f["rows"] for f in manifest["tables"]["iam_password_policy"]["files"]}
    assert files == {MANAGEMENT: 0, prod: 1, dev: 0}
    orgs = {f["account_id"]: f["rows"] for f in manifest["tables"]["organizations_organization"]["files"]}
    assert orgs == {MANAGEMENT: 1, prod: 1, dev: 0}
    assert len(secrets) == 3  # prod's credentials were issued ...
    written = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert not [s for s in secrets if s.encode() in written]  # ... and none of them was written


@pytest.mark.parametrize("forged", ["../../tmp/x", "12345678901", "1234567890123", 123456789012, None],
                         ids=["path", "eleven_digits", "thirteen_digits", "number", "missing"])
def test_an_account_id_that_is_not_12_digits_is_never_used(members: dict[str, str], forged: object) -> None:
    # organizations Account.Id: "^\d{12}$" (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html)
    def forge(parsed: dict[str, Any], **_: Any) -> None:
        parsed["Accounts"][0]["Id"] = forged

    session = caller_session()
    session.events.register("after-call.organizations.ListAccounts", forge)
    with pytest.raises(OrganizationError, match="listed 1 account\\(s\\) without a 12-digit id; nothing was collected"):
        org_targets(session, CALLER, CallCounter())
