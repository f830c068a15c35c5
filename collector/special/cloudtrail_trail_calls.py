"""Per-trail CloudTrail calls made once per trail: by the owning account, in the trail's home region.

DescribeTrails(includeShadowTrails=True) lists a multi-region trail in every region (a shadow
copy) and an organization trail in every member account. GetTrailStatus and the Get*Selectors
calls answer for a shadow copy too, but the answer is the same trail's, so asking in every
region multiplies the calls by the number of regions and asking from a member account can be
refused. These fetch functions therefore call only where the trail lives; everywhere else they
return no items on purpose (no call was made, so nothing failed). The table keeps its rows in
the home region; rules join them on (account_id, trail_arn).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Extra fan-out parameters that steer the call; they are removed before the API is called.
HOME_REGION = "_home_region"
READ_BY = "_read_by_account"


def owner_of(trail_arn: str) -> str:
    """The account id in a trail ARN (arn:aws:cloudtrail:region:account:trail/name)."""
    parts = trail_arn.split(":")
    return parts[4] if len(parts) > 5 else ""


def is_home(client: Any, params: dict[str, Any], arn_param: str) -> bool:
    """Whether this client's region is the trail's home region and its account owns the trail."""
    return (client.meta.region_name == params.get(HOME_REGION)
            and owner_of(str(params.get(arn_param, ""))) == params.get(READ_BY))


def api_params(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters the API accepts: the steering ones removed."""
    return {k: v for k, v in params.items() if k not in (HOME_REGION, READ_BY)}


def _response_item(response: dict[str, Any]) -> dict[str, Any]:
    """A response as a table item, without the transport metadata."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _home_only(method: str, arn_param: str) -> Callable[[Any, dict[str, Any]], list[Any]]:
    """A fetch that calls `method` for the trail in its home region only; one item per call."""

    def fetch(client: Any, params: dict[str, Any]) -> list[Any]:
        if not is_home(client, params, arn_param):
            return []
        return [_response_item(getattr(client, method)(**api_params(params)))]

    fetch.__name__ = f"fetch_{method}"
    fetch.__doc__ = f"cloudtrail:{method} for a trail, in its home region and owning account only."
    return fetch


fetch_trail_status = _home_only("get_trail_status", "Name")
fetch_event_selectors = _home_only("get_event_selectors", "TrailName")


def fetch_insight_selectors(client: Any, params: dict[str, Any]) -> list[Any]:
    """GetInsightSelectors in the trail's home region; no item when the trail has none."""
    if not is_home(client, params, "TrailName"):
        return []
    response = _response_item(client.get_insight_selectors(**api_params(params)))
    # AWS raises InsightNotEnabledException when none are set (declared as data via empty_on);
    # an answer without selectors means the same thing.
    return [response] if response.get("InsightSelectors") else []
