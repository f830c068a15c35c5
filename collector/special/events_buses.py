"""events:ListEventBuses follows NextToken by hand: botocore has no paginator for it."""

from __future__ import annotations

from typing import Any


def fetch(client: Any, params: dict[str, Any]) -> list[Any]:
    """Every event bus of the region, page after page, so a long list is never cut short."""
    buses: list[Any] = []
    request = dict(params)
    while True:
        response = client.list_event_buses(**request)
        buses.extend(response.get("EventBuses", []))
        token = response.get("NextToken")
        if not token:
            return buses
        request["NextToken"] = token
