"""inspector_account_status: the account's own status, asked for by id; failed accounts become gaps."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from sounding.collector.declarations import THIS_ACCOUNT
from sounding.collector.gaps import classify
from sounding.collector.run import bind_account
from sounding.collector.special import inspector_status
from sounding.collector.tables import inspector

from tests.collector.tables.scope_rows import ACCOUNT, run_scope


@mock_aws
def test_enabled_resource_types_per_region() -> None:
    """EC2 and ECR on, Lambda off in us-east-1; never enabled in eu-west-1 (moto: no account, AWS: DISABLED)."""
    boto3.client("inspector2", region_name="us-east-1").enable(accountIds=[ACCOUNT], resourceTypes=["EC2", "ECR"])
    rows, gaps = run_scope([inspector.ACCOUNT_STATUS], "us-east-1")
    assert gaps == []
    assert rows["inspector_account_status"] == [
        {"account_id": ACCOUNT, "region": "us-east-1", "inspected_account_id": ACCOUNT, "state_status": "ENABLED",
         "ec2_status": "ENABLED", "ecr_status": "ENABLED", "lambda_status": "DISABLED",
         "lambda_code_status": "DISABLED"}]
    rows, gaps = run_scope([inspector.ACCOUNT_STATUS], "eu-west-1")
    assert (rows["inspector_account_status"], gaps) == ([], [])


class FailedAccountClient:
    """Answers BatchGetAccountStatus as AWS does for an account it could not read: HTTP 200, failedAccounts."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def batch_get_account_status(self, **params: Any) -> dict[str, Any]:
        self.params = params
        return {"accounts": [], "failedAccounts": [{"accountId": ACCOUNT, "errorCode": "ACCESS_DENIED",
                                                    "errorMessage": "not authorized"}]}


def test_failed_account_is_raised_not_an_empty_table() -> None:
    """A failedAccounts entry becomes an error the runner records, with the code AWS gave."""
    client = FailedAccountClient()
    with pytest.raises(ClientError) as raised:
        inspector_status.fetch(client, {"accountIds": [ACCOUNT]})
    assert client.params == {"accountIds": [ACCOUNT]}
    assert classify(raised.value) == ("ACCESS_DENIED", "other", "not authorized")


def test_the_account_id_is_bound_by_the_runner() -> None:
    """The declaration asks for THIS_ACCOUNT; the runner puts the collected account's id there."""
    assert inspector.ACCOUNT_STATUS.params == {"accountIds": [THIS_ACCOUNT]}
    assert bind_account(inspector.ACCOUNT_STATUS.params, ACCOUNT) == {"accountIds": [ACCOUNT]}
