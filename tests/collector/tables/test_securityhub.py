"""Security Hub tables against moto: a hub in one region, not-subscribed as data, unimplemented calls as gaps."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
from moto import mock_aws
from sounding.collector.tables import securityhub

from tests.collector.tables.scope_rows import ACCOUNT, failing_session, gap_kinds, run_scope

REGIONAL = [t for t in securityhub.TABLES if t.scope == "regional"]


@mock_aws
def test_enabled_region_has_one_hub_row() -> None:
    """DescribeHub gives the hub's ARN, subscription time and auto-enable flag."""
    before = datetime.now(UTC).replace(microsecond=0)
    boto3.client("securityhub", region_name="us-east-1").enable_security_hub(EnableDefaultStandards=False)
    rows, _ = run_scope(REGIONAL, "us-east-1")
    (hub,) = rows["securityhub_hub"]
    assert hub["subscribed_at"] >= before
    assert {k: v for k, v in hub.items() if k != "subscribed_at"} == {
        "account_id": ACCOUNT, "region": "us-east-1",
        "hub_arn": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/default", "auto_enable_controls": True}


@mock_aws
def test_not_subscribed_is_data_and_unimplemented_calls_are_gaps() -> None:
    """InvalidAccessException ('not subscribed') leaves no row and no gap; moto's missing calls are gaps."""
    boto3.client("securityhub", region_name="us-east-1").enable_security_hub(EnableDefaultStandards=False)
    rows, gaps = run_scope(REGIONAL, "eu-west-1")
    assert rows["securityhub_hub"] == []
    assert gap_kinds(gaps) == [
        ("securityhub_enabled_standards", "eu-west-1", "404", "not_implemented"),
        ("securityhub_finding_aggregators", "eu-west-1", "404", "not_implemented"),
        # moto answers AccessDeniedException here (AWS: InvalidAccessException, which would be data).
        ("securityhub_organization_configuration", "eu-west-1", "AccessDeniedException", "access_denied"),
    ]


@mock_aws
def test_invalid_access_is_data_but_access_denied_is_a_gap() -> None:
    """The distinction the rules rely on: not subscribed is data, an IAM denial stays a gap."""
    session = failing_session("before-call.securityhub.DescribeHub", "InvalidAccessException",
                              "Account 123456789012 is not subscribed to AWS Security Hub")
    rows, gaps = run_scope([securityhub.HUB], "us-east-1", session=session)
    assert (rows["securityhub_hub"], gaps) == ([], [])
    session = failing_session("before-call.securityhub.DescribeHub", "AccessDeniedException",
                              "User is not authorized to perform: securityhub:DescribeHub")
    rows, gaps = run_scope([securityhub.HUB], "us-east-1", session=session)
    assert rows["securityhub_hub"] == []
    assert gap_kinds(gaps) == [("securityhub_hub", "us-east-1", "AccessDeniedException", "access_denied")]


@mock_aws
def test_admin_accounts_is_read_from_the_management_account_only() -> None:
    """ListOrganizationAdminAccounts is management-only and global; moto lacks it, a not_implemented gap."""
    assert securityhub.ADMIN_ACCOUNTS.management_only and securityhub.ADMIN_ACCOUNTS.scope == "global"
    rows, gaps = run_scope([securityhub.ADMIN_ACCOUNTS], "global", "us-east-1")
    assert rows["securityhub_admin_accounts"] == []
    assert gap_kinds(gaps) == [("securityhub_admin_accounts", "global", "404", "not_implemented")]
