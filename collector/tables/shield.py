"""AWS Shield declarations: the account's Shield Advanced subscription state (global, us-east-1)."""

from sounding.collector.declarations import STRING, Column, TableSpec

SUBSCRIPTION = TableSpec(
    name="shield_subscription",
    service="shield",
    operation="GetSubscriptionState",
    scope="global",
    items="",
    paginate=False,
    columns=(Column("subscription_state", STRING, "SubscriptionState", "ACTIVE or INACTIVE."),),
    key=(),
    doc="Whether the account subscribes to Shield Advanced (shield:GetSubscriptionState); one row.",
    moto_gap="moto does not implement GetSubscriptionState: a not_implemented gap.",
)

TABLES = (SUBSCRIPTION,)
