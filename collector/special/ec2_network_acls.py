"""Network ACL entries, one item per entry, from the DescribeNetworkAcls answer already read."""

from __future__ import annotations

import json
from typing import Any


def entries(parent: dict[str, Any]) -> list[dict[str, Any]]:
    """The entries of one network ACL row (parent: ec2_network_acls)."""
    raw = parent.get("raw") or {}
    if isinstance(raw, str):
        raw = json.loads(raw)
    return list(raw.get("Entries") or [])
