"""shield_subscription: global in us-east-1; moto lacks GetSubscriptionState, so a gap is recorded."""

from __future__ import annotations

from moto import mock_aws
from sounding.collector.tables import shield
from sounding.collector.values import item_to_row

from tests.collector.tables.scope_rows import ACCOUNT, gap_kinds, run_scope


@mock_aws
def test_unimplemented_call_is_a_not_implemented_gap() -> None:
    """In-process moto raises NotImplementedError; it is recorded as not_implemented, never as INACTIVE."""
    rows, gaps = run_scope(shield.TABLES, "global", "us-east-1")
    assert rows["shield_subscription"] == []
    assert gap_kinds(gaps) == [("shield_subscription", "global", "NotImplementedError", "not_implemented")]


def test_answer_becomes_one_row() -> None:
    """The whole response is the item: one row with the state."""
    assert shield.SUBSCRIPTION.scope == "global" and shield.SUBSCRIPTION.items == ""
    row = item_to_row(shield.SUBSCRIPTION, {"SubscriptionState": "INACTIVE"}, ACCOUNT, "global")
    assert row == {"account_id": ACCOUNT, "region": "global", "subscription_state": "INACTIVE",
                   "raw": {"SubscriptionState": "INACTIVE"}}
