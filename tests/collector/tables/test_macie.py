"""macie_session: ENABLED, disabled as data, and 'Macie is not enabled' told apart from an IAM denial."""

from __future__ import annotations

import boto3
from moto import mock_aws
from sounding.collector.tables import macie

from tests.collector.tables.scope_rows import ACCOUNT, failing_session, gap_kinds, run_scope


@mock_aws
def test_enabled_session_and_disabled_region() -> None:
    """moto starts Macie ENABLED; once disabled it answers ResourceNotFoundException: no row, no gap."""
    boto3.client("macie2", region_name="eu-west-1").disable_macie()
    rows, gaps = run_scope([macie.SESSION], "us-east-1")
    (session,) = rows["macie_session"]
    assert gaps == [] and session["created_at"] is not None
    assert {k: session[k] for k in ("account_id", "region", "status")} == {
        "account_id": ACCOUNT, "region": "us-east-1", "status": "ENABLED"}
    rows, gaps = run_scope([macie.SESSION], "eu-west-1")
    assert (rows["macie_session"], gaps) == ([], [])


@mock_aws
def test_macie_not_enabled_is_data() -> None:
    """AWS: AccessDeniedException 'Macie is not enabled.' (HTTP 401) means no session, not a gap."""
    session = failing_session("before-call.macie2.GetMacieSession", "AccessDeniedException", "Macie is not enabled.")
    rows, gaps = run_scope([macie.SESSION], "us-east-1", session=session)
    assert (rows["macie_session"], gaps) == ([], [])


@mock_aws
def test_iam_denial_is_a_gap() -> None:
    """The same code with an authorization message is a real denial: a gap, never 'not enabled'."""
    session = failing_session("before-call.macie2.GetMacieSession", "AccessDeniedException",
                              "User: arn:aws:sts::123456789012:assumed-role/auditor/x is not authorized to perform: "
                              "macie2:GetMacieSession")
    rows, gaps = run_scope([macie.SESSION], "us-east-1", session=session)
    assert rows["macie_session"] == []
    assert gap_kinds(gaps) == [("macie_session", "us-east-1", "AccessDeniedException", "access_denied")]
