"""macie2:GetMacieSession, telling "Macie is not enabled" apart from an IAM denial.

Both answers carry the code AccessDeniedException. Where Macie is not enabled, AWS answers HTTP 401 with
the message "Macie is not enabled." (it does so on every Macie operation); a denial by IAM or an SCP is
HTTP 403 with "User: ... is not authorized to perform: macie2:GetMacieSession ...". The first is data (no
session), the second must stay a gap, so the message is inspected here.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

NOT_ENABLED_MESSAGE = "macie is not enabled"


def is_not_enabled(exc: ClientError) -> bool:
    """True when the error says Macie is off in this account and region, not that we were denied."""
    error = exc.response.get("Error", {})
    return (error.get("Code") == "AccessDeniedException"
            and NOT_ENABLED_MESSAGE in str(error.get("Message", "")).lower())


def fetch(client: Any, params: dict[str, Any]) -> list[Any]:
    """The Macie session as one item; no item where Macie is not enabled; raises on any other failure."""
    try:
        response = client.get_macie_session(**params)
    except ClientError as exc:
        if is_not_enabled(exc):
            return []
        raise
    return [{k: v for k, v in response.items() if k != "ResponseMetadata"}]
