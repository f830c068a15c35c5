"""inspector2:BatchGetAccountStatus for the collected account, its per-account failures raised as errors."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


def fetch(client: Any, params: dict[str, Any]) -> list[Any]:
    """The account states answered; a failedAccounts entry (HTTP 200) becomes a ClientError, never an empty list."""
    response = client.batch_get_account_status(**params)
    failed = response.get("failedAccounts") or []
    if failed:
        first = failed[0]
        raise ClientError({"Error": {"Code": str(first.get("errorCode") or "FailedAccount"),
                                     "Message": str(first.get("errorMessage") or "account status not returned")},
                           "ResponseMetadata": {"HTTPStatusCode": 200}}, "BatchGetAccountStatus")
    return list(response.get("accounts") or [])
