"""CloudWatch declarations: metric alarms, for the monitoring controls."""

from sounding.collector.declarations import BOOL, STRING, STRINGS, Column, TableSpec

ALARMS = TableSpec(
    name="cloudwatch_alarms", service="cloudwatch", operation="DescribeAlarms", scope="regional",
    items="MetricAlarms",
    columns=(
        Column("alarm_name", STRING, "AlarmName", "The alarm's name."),
        Column("alarm_arn", STRING, "AlarmArn", "The alarm's ARN."),
        Column("metric_name", STRING, "MetricName", "The metric it watches."),
        Column("namespace", STRING, "Namespace", "The metric's namespace."),
        Column("actions_enabled", BOOL, "ActionsEnabled", "Actions run on state changes."),
        Column("alarm_actions", STRINGS, "AlarmActions", "ARNs notified when it goes to ALARM (SNS topics, ...)."),
        Column("state_value", STRING, "StateValue", "OK, ALARM or INSUFFICIENT_DATA."),
    ),
    key=("alarm_name",),
    doc="CloudWatch metric alarms of each region (cloudwatch:DescribeAlarms).",
)

TABLES = (ALARMS,)
