"""CloudWatch Logs declarations: metric filters, for the monitoring controls."""

from sounding.collector.declarations import JSON, STRING, STRINGS, Column, TableSpec

METRIC_FILTERS = TableSpec(
    name="logs_metric_filters", service="logs", operation="DescribeMetricFilters", scope="regional",
    items="metricFilters",
    columns=(
        Column("filter_name", STRING, "filterName", "The filter's name."),
        Column("log_group_name", STRING, "logGroupName", "The log group it reads."),
        Column("filter_pattern", STRING, "filterPattern", "The filter pattern, as written."),
        Column("metric_names", STRINGS, "metricTransformations[].metricName", "Metrics it publishes."),
        Column("metric_namespaces", STRINGS, "metricTransformations[].metricNamespace",
               "Namespaces of those metrics."),
        Column("metric_transformations", JSON, "metricTransformations", "The transformations as returned."),
    ),
    key=("log_group_name", "filter_name"),
    doc="Metric filters of every log group (logs:DescribeMetricFilters).",
)

TABLES = (METRIC_FILTERS,)
