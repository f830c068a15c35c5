"""CloudTrail declarations: trails (shadow copies included), their status and their selectors."""

from sounding.collector.declarations import BOOL, JSON, STRING, STRINGS, TIMESTAMP, Column, FanOut, TableSpec
from sounding.collector.special import cloudtrail_trail_calls as calls

TRAILS = TableSpec(
    name="cloudtrail_trails",
    service="cloudtrail",
    operation="DescribeTrails",
    scope="regional",
    items="trailList",
    params={"includeShadowTrails": True},
    paginate=False,
    columns=(
        Column("trail_arn", STRING, "TrailARN", "The trail's ARN; its account is the trail's owner."),
        Column("name", STRING, "Name", "The trail's name."),
        Column("home_region", STRING, "HomeRegion",
               "Where the trail was created. A row whose region differs is a shadow copy of a "
               "multi-region trail: de-duplicate on trail_arn."),
        Column("is_multi_region_trail", BOOL, "IsMultiRegionTrail", "The trail logs every region."),
        Column("is_organization_trail", BOOL, "IsOrganizationTrail",
               "The trail logs every account of the organization (visible from member accounts)."),
        Column("include_global_service_events", BOOL, "IncludeGlobalServiceEvents",
               "Events of global services (IAM, STS) are logged."),
        Column("log_file_validation_enabled", BOOL, "LogFileValidationEnabled",
               "Digest files let you prove log files were not changed."),
        Column("kms_key_id", STRING, "KmsKeyId", "The KMS key ARN that encrypts the logs; NULL for SSE-S3."),
        Column("cloud_watch_logs_log_group_arn", STRING, "CloudWatchLogsLogGroupArn",
               "The CloudWatch Logs group the trail delivers to."),
        Column("cloud_watch_logs_role_arn", STRING, "CloudWatchLogsRoleArn",
               "The role CloudTrail assumes to write to CloudWatch Logs."),
        Column("s3_bucket_name", STRING, "S3BucketName", "The bucket that receives the log files."),
        Column("sns_topic_arn", STRING, "SnsTopicARN", "The SNS topic notified of new log files."),
        Column("has_custom_event_selectors", BOOL, "HasCustomEventSelectors",
               "Event selectors were set (moto leaves this false; see cloudtrail_event_selectors)."),
        Column("has_insight_selectors", BOOL, "HasInsightSelectors",
               "Insight selectors were set (moto leaves this false; see cloudtrail_insight_selectors)."),
    ),
    key=("trail_arn",),
    doc="Trails visible in the region (cloudtrail:DescribeTrails includeShadowTrails=true): the "
        "region's own trails, shadow copies of multi-region trails homed elsewhere, and organization "
        "trails of the management account. `region` is where the row was read, `home_region` where "
        "the trail lives.",
    moto_gap="moto does not show an organization trail in member accounts (AWS does) and never sets "
             "HasCustomEventSelectors/HasInsightSelectors.",
)

# Fan-out parameters: the trail, plus the steering values that keep the call in its home region.
_TRAIL_PARAMS = {calls.HOME_REGION: "home_region", calls.READ_BY: "account_id"}
_HOME_ONLY = ("Called once per trail: by the owning account, in the trail's home region (shadow "
              "copies and organization trails seen from member accounts are not asked again).")


def _null_if_empty(field: str) -> str:
    """A path that reads a string field and turns moto's empty strings into NULL."""
    return f"{field} || `null`"


TRAIL_STATUS = TableSpec(
    name="cloudtrail_trail_status",
    service="cloudtrail",
    operation="GetTrailStatus",
    scope="regional",
    items="",
    paginate=False,
    fan_out=FanOut(parent="cloudtrail_trails", params={"Name": "trail_arn", **_TRAIL_PARAMS}),
    fetch=calls.fetch_trail_status,
    columns=(
        Column("trail_arn", STRING, "_parent.trail_arn", "The trail's ARN."),
        Column("is_logging", BOOL, "IsLogging", "The trail is recording events."),
        Column("latest_delivery_time", TIMESTAMP, "LatestDeliveryTime", "Last log file delivered to S3."),
        Column("latest_delivery_error", STRING, _null_if_empty("LatestDeliveryError"),
               "Last S3 delivery error; NULL when none."),
        Column("latest_cloud_watch_logs_delivery_time", TIMESTAMP, "LatestCloudWatchLogsDeliveryTime",
               "Last delivery to CloudWatch Logs."),
        Column("latest_cloud_watch_logs_delivery_error", STRING,
               _null_if_empty("LatestCloudWatchLogsDeliveryError"),
               "Last CloudWatch Logs delivery error; NULL when none."),
        Column("latest_digest_delivery_time", TIMESTAMP, "LatestDigestDeliveryTime",
               "Last digest (validation) file delivered."),
        Column("latest_digest_delivery_error", STRING, _null_if_empty("LatestDigestDeliveryError"),
               "Last digest delivery error; NULL when none."),
        Column("latest_notification_error", STRING, _null_if_empty("LatestNotificationError"),
               "Last SNS notification error; NULL when none."),
        Column("start_logging_time", TIMESTAMP, "StartLoggingTime", "When logging last started."),
        Column("stop_logging_time", TIMESTAMP, "StopLoggingTime", "When logging last stopped."),
    ),
    key=("trail_arn",),
    doc="Whether each trail is logging and when it last delivered (cloudtrail:GetTrailStatus). "
        + _HOME_ONLY,
    moto_gap="moto returns empty strings for absent fields; they become NULL.",
)

# Management events are recorded in both directions by a plain selector with IncludeManagementEvents
# (default true) and ReadWriteType All, or a ReadOnly and a WriteOnly selector together; a selector
# with ExcludeManagementEventSources (KMS, RDS Data API) records a subset and does not count.
_MANAGEMENT_TYPES = ("EventSelectors[?IncludeManagementEvents != `false` && !(ExcludeManagementEventSources[0])]"
                     ".ReadWriteType")
_READ_WRITE_TYPE = (
    f"EventSelectors[0] && ((contains({_MANAGEMENT_TYPES}, 'All') "
    f"|| (contains({_MANAGEMENT_TYPES}, 'ReadOnly') && contains({_MANAGEMENT_TYPES}, 'WriteOnly'))) "
    f"&& 'All' || ({_MANAGEMENT_TYPES} | [0]))"
)
# Advanced selectors record every management event when one selects eventCategory = Management and
# filters nothing else, or (the union) one adds readOnly = true and another readOnly = false. Any other
# field (eventSource NotEquals kms.amazonaws.com, ...) narrows the selector to a subset.
_MANAGEMENT = "FieldSelectors[?Field == 'eventCategory' && contains(Equals || `[]`, 'Management')]"


def _advanced(read_only: str | None) -> str:
    """Advanced selectors on management events filtering nothing, or only readOnly Equals [read_only]."""
    if read_only is None:
        return f"AdvancedEventSelectors[?{_MANAGEMENT} && !(FieldSelectors[?Field != 'eventCategory'])]"
    return (f"AdvancedEventSelectors[?{_MANAGEMENT} && !(FieldSelectors[?Field != 'eventCategory' "
            f"&& Field != 'readOnly']) && FieldSelectors[?Field == 'readOnly' && Equals == `[\"{read_only}\"]`]]")


_ADVANCED_ALL_MANAGEMENT = (
    f"AdvancedEventSelectors[0] && (length({_advanced(None)}) > `0` "
    f"|| (length({_advanced('true')}) > `0` && length({_advanced('false')}) > `0`))"
)

EVENT_SELECTORS = TableSpec(
    name="cloudtrail_event_selectors",
    service="cloudtrail",
    operation="GetEventSelectors",
    scope="regional",
    items="",
    paginate=False,
    fan_out=FanOut(parent="cloudtrail_trails", params={"TrailName": "trail_arn", **_TRAIL_PARAMS}),
    fetch=calls.fetch_event_selectors,
    columns=(
        Column("trail_arn", STRING, "_parent.trail_arn", "The trail's ARN."),
        Column("event_selectors", JSON, "EventSelectors", "Plain event selectors; NULL when advanced ones are used."),
        Column("advanced_event_selectors", JSON, "AdvancedEventSelectors", "Advanced event selectors."),
        Column("include_management_events", BOOL,
               "EventSelectors[0] && length(EventSelectors[?IncludeManagementEvents]) > `0`",
               "Some plain selector includes management events; NULL without plain selectors."),
        Column("read_write_type", STRING, _READ_WRITE_TYPE,
               "Management events recorded by the plain selectors: All (also for a ReadOnly plus a "
               "WriteOnly selector), ReadOnly or WriteOnly; a selector with ExcludeManagementEventSources "
               "does not count; NULL without plain management selectors."),
        Column("advanced_all_management_events", BOOL, _ADVANCED_ALL_MANAGEMENT,
               "The advanced selectors record every management event: one on eventCategory = Management "
               "with no other field, or readOnly = true and readOnly = false in two; an eventSource filter "
               "is a subset; NULL without advanced selectors."),
    ),
    key=("trail_arn",),
    doc="Which events each trail records (cloudtrail:GetEventSelectors). AWS returns the default "
        "selector (All, management events) when none were set. " + _HOME_ONLY,
    moto_gap="moto returns [] for a trail whose selectors were never set (AWS returns the default "
             "selector).",
)

INSIGHT_SELECTORS = TableSpec(
    name="cloudtrail_insight_selectors",
    service="cloudtrail",
    operation="GetInsightSelectors",
    scope="regional",
    items="",
    paginate=False,
    fan_out=FanOut(parent="cloudtrail_trails", params={"TrailName": "trail_arn", **_TRAIL_PARAMS}),
    fetch=calls.fetch_insight_selectors,
    empty_on=("InsightNotEnabledException",),
    columns=(
        Column("trail_arn", STRING, "_parent.trail_arn", "The trail's ARN."),
        Column("insight_types", STRINGS, "InsightSelectors[].InsightType",
               "ApiCallRateInsight and/or ApiErrorRateInsight."),
        Column("insight_selectors", JSON, "InsightSelectors", "The selectors as returned."),
    ),
    key=("trail_arn",),
    doc="Insight selectors of each trail (cloudtrail:GetInsightSelectors); no row for a trail without "
        "them (InsightNotEnabledException is data). " + _HOME_ONLY,
    moto_gap="moto answers without selectors instead of raising InsightNotEnabledException; both give "
             "no row.",
)

TABLES = (TRAILS, TRAIL_STATUS, EVENT_SELECTORS, INSIGHT_SELECTORS)
