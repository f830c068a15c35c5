"""Account tables against moto: alternate contacts (unset is data), ListRegions (a gap in moto)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import ClientError
from moto import mock_aws
from sounding.collector.aws import AccountClients, CallCounter
from sounding.collector.collect import run_chain
from sounding.collector.gaps import Gap
from sounding.collector.tables import account

ACCOUNT = "123456789012"


def run(session: boto3.Session, spec: Any) -> tuple[list[dict[str, Any]], list[Gap]]:
    """One table through the real runner in the global scope; rows without raw."""
    rows, gaps = run_chain([spec], AccountClients(session, CallCounter()), ACCOUNT, "global", "us-east-1")
    return [{k: v for k, v in r.items() if k != "raw"} for r in rows.get(spec.name, [])], gaps


@mock_aws
def test_alternate_contacts_that_are_set_are_rows() -> None:
    client = boto3.client("account", region_name="us-east-1")
    client.put_alternate_contact(AlternateContactType="SECURITY", Name="Sec Team", Title="CISO",
                                 EmailAddress="security@example.com", PhoneNumber="+15550100")
    client.put_alternate_contact(AlternateContactType="OPERATIONS", Name="Ops", Title="SRE",
                                 EmailAddress="ops@example.com", PhoneNumber="+15550101")
    rows, gaps = run(boto3.Session(region_name="us-east-1"), account.ALTERNATE_CONTACTS)
    assert gaps == []
    assert rows == [
        {"account_id": ACCOUNT, "region": "global", "contact_type": "SECURITY", "name": "Sec Team", "title": "CISO",
         "email_address": "security@example.com", "phone_number": "+15550100"},
        {"account_id": ACCOUNT, "region": "global", "contact_type": "OPERATIONS", "name": "Ops", "title": "SRE",
         "email_address": "ops@example.com", "phone_number": "+15550101"},
    ]


@mock_aws
def test_no_alternate_contact_set_is_no_rows_and_no_gap() -> None:
    assert run(boto3.Session(region_name="us-east-1"), account.ALTERNATE_CONTACTS) == ([], [])


@mock_aws
def test_alternate_contact_access_denied_is_a_gap_not_an_empty_table() -> None:
    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no account:GetAlternateContact"},
                           "ResponseMetadata": {"HTTPStatusCode": 403}}, "GetAlternateContact")

    session = boto3.Session(region_name="us-east-1")
    session.events.register("before-call.account.GetAlternateContact", deny)
    rows, gaps = run(session, account.ALTERNATE_CONTACTS)
    assert rows == []
    assert gaps == [Gap(ACCOUNT, "global", "account_alternate_contacts", "account", "GetAlternateContact",
                        "AccessDeniedException", "access_denied", "no account:GetAlternateContact")]


@mock_aws
def test_region_opt_status_is_a_gap_where_list_regions_is_missing() -> None:
    """moto does not implement account:ListRegions; the table is declared for AWS and the gap is recorded."""
    rows, gaps = run(boto3.Session(region_name="us-east-1"), account.REGION_OPT_STATUS)
    assert rows == []
    assert [(g.table, g.operation, g.error_kind) for g in gaps] == [
        ("account_region_opt_status", "ListRegions", "not_implemented")]
