"""EventBridge declarations: event buses, the rules on each bus, and each rule's targets."""

from sounding.collector.declarations import STRING, Column, FanOut, TableSpec
from sounding.collector.special import events_buses

BUSES = TableSpec(
    name="events_buses",
    service="events",
    operation="ListEventBuses",
    scope="regional",
    items="",
    paginate=False,
    fetch=events_buses.fetch,
    columns=(
        Column("name", STRING, "Name", "The bus name; 'default' receives the events of AWS services."),
        Column("arn", STRING, "Arn", "The bus ARN."),
    ),
    key=("name",),
    doc="Event buses of the region (events:ListEventBuses, every page).",
)

RULES = TableSpec(
    name="events_rules",
    service="events",
    operation="ListRules",
    scope="regional",
    items="Rules",
    fan_out=FanOut(parent="events_buses", params={"EventBusName": "name"}),
    columns=(
        Column("name", STRING, "Name", "The rule name (unique per bus)."),
        Column("arn", STRING, "Arn", "The rule ARN."),
        Column("event_bus_name", STRING, "EventBusName || _parent.name", "The bus the rule belongs to."),
        Column("state", STRING, "State", "ENABLED, DISABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS."),
        Column("event_pattern", STRING, "EventPattern",
               "The event pattern as the API's JSON text (DuckDB's json functions read it as is); "
               "NULL for scheduled rules."),
        Column("schedule_expression", STRING, "ScheduleExpression", "cron() or rate() for scheduled rules."),
        Column("managed_by", STRING, "ManagedBy", "The service that manages the rule, if any."),
    ),
    key=("event_bus_name", "name"),
    doc="EventBridge rules of every bus in the region (events:ListRules per bus).",
)

TARGETS = TableSpec(
    name="events_targets",
    service="events",
    operation="ListTargetsByRule",
    scope="regional",
    items="Targets",
    fan_out=FanOut(parent="events_rules", params={"Rule": "name", "EventBusName": "event_bus_name"}),
    columns=(
        Column("event_bus_name", STRING, "_parent.event_bus_name", "The bus of the rule."),
        Column("rule_name", STRING, "_parent.name", "The rule the target belongs to."),
        Column("target_id", STRING, "Id", "The target's id within the rule."),
        Column("target_arn", STRING, "Arn", "Where matched events go (SNS topic, Lambda, bus, ...)."),
    ),
    key=("event_bus_name", "rule_name", "target_id"),
    doc="Targets of every EventBridge rule (events:ListTargetsByRule per rule).",
)

TABLES = (BUSES, RULES, TARGETS)
