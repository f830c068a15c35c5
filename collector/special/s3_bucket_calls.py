"""Per-bucket S3 calls whose answers need shaping: the bucket policy as parsed statements."""

from __future__ import annotations

import json
from typing import Any

from sounding.collector.special import policy_document


def fetch_bucket_policy(client: Any, params: dict[str, Any]) -> list[Any]:
    """s3:GetBucketPolicy as one item whose Policy is the parsed document (AWS returns it as text)."""
    response = client.get_bucket_policy(**params)
    text = response.get("Policy") or "{}"
    return [{"Bucket": params.get("Bucket"), "Policy": policy_document.parse_document(text)}]


def policy_statements(parent: dict[str, Any]) -> list[dict[str, Any]]:
    """One normalised item per statement of a bucket policy row (parent: s3_bucket_policies)."""
    raw = parent.get("raw") or {}
    if isinstance(raw, str):
        raw = json.loads(raw)
    items = []
    for statement in policy_document.statements(raw.get("Policy")):
        statement["condition_entries"] = policy_document.condition_entries(statement.get("conditions"))
        items.append(statement)
    return items
