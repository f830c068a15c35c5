"""account:GetAlternateContact for each contact type: one call per type, "not set" is data."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

CONTACT_TYPES = ("SECURITY", "BILLING", "OPERATIONS")
NOT_SET = "ResourceNotFoundException"


def alternate_contacts(client: Any, _params: dict[str, Any]) -> list[dict[str, Any]]:
    """The account's alternate contacts that are set; any other failure raises (the runner records it)."""
    result = []
    for contact_type in CONTACT_TYPES:
        try:
            result.append(client.get_alternate_contact(AlternateContactType=contact_type)["AlternateContact"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != NOT_SET:
                raise
    return result
