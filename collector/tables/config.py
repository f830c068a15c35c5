"""AWS Config declarations: configuration recorders, their status, delivery channels."""

from sounding.collector.declarations import BOOL, STRING, STRINGS, TIMESTAMP, Column, TableSpec

# recordingStrategy.useOnly is absent in answers about recorders set up before it existed:
# derive it from allSupported then, as the Config console does.
_STRATEGY = (
    "recordingGroup.recordingStrategy.useOnly "
    "|| (recordingGroup.allSupported && 'ALL_SUPPORTED_RESOURCE_TYPES') "
    "|| (recordingGroup && 'INCLUSION_BY_RESOURCE_TYPES') || `null`"
)

RECORDERS = TableSpec(
    name="config_recorders",
    service="config",
    operation="DescribeConfigurationRecorders",
    scope="regional",
    items="ConfigurationRecorders",
    paginate=False,
    columns=(
        Column("name", STRING, "name", "The recorder's name (one customer recorder per region)."),
        Column("role_arn", STRING, "roleARN", "The role Config assumes to read resources."),
        Column("all_supported", BOOL, "recordingGroup.allSupported",
               "Every supported resource type is recorded."),
        Column("include_global_resource_types", BOOL, "recordingGroup.includeGlobalResourceTypes",
               "Global resource types (IAM users, roles, groups, policies) are recorded too."),
        Column("recording_strategy", STRING, _STRATEGY,
               "ALL_SUPPORTED_RESOURCE_TYPES, EXCLUSION_BY_RESOURCE_TYPES or INCLUSION_BY_RESOURCE_TYPES."),
        Column("exclusion_resource_types", STRINGS, "recordingGroup.exclusionByResourceTypes.resourceTypes",
               "Types left out by an exclusion strategy."),
        Column("resource_types", STRINGS, "recordingGroup.resourceTypes",
               "Types recorded by an inclusion strategy."),
    ),
    key=("name",),
    doc="Configuration recorders and what they record (config:DescribeConfigurationRecorders).",
)

RECORDER_STATUS = TableSpec(
    name="config_recorder_status",
    service="config",
    operation="DescribeConfigurationRecorderStatus",
    scope="regional",
    items="ConfigurationRecordersStatus",
    paginate=False,
    columns=(
        Column("name", STRING, "name", "The recorder's name."),
        Column("recording", BOOL, "recording", "The recorder is recording."),
        Column("last_status", STRING, "lastStatus", "Pending, Success or Failure of the last recording."),
        Column("last_status_change_time", TIMESTAMP, "lastStatusChangeTime", "When last_status changed."),
        Column("last_error_code", STRING, "lastErrorCode", "Error code of the last failure."),
    ),
    key=("name",),
    doc="Whether each recorder is recording and how its last attempt went "
        "(config:DescribeConfigurationRecorderStatus).",
    moto_gap="moto's recorder status stays lastStatus PENDING.",
)

DELIVERY_CHANNELS = TableSpec(
    name="config_delivery_channels",
    service="config",
    operation="DescribeDeliveryChannels",
    scope="regional",
    items="DeliveryChannels",
    paginate=False,
    columns=(
        Column("name", STRING, "name", "The delivery channel's name."),
        Column("s3_bucket_name", STRING, "s3BucketName", "The bucket that receives snapshots and history."),
        Column("s3_key_prefix", STRING, "s3KeyPrefix", "The key prefix in that bucket."),
        Column("s3_kms_key_arn", STRING, "s3KmsKeyArn", "The KMS key that encrypts delivered objects."),
        Column("sns_topic_arn", STRING, "snsTopicARN", "The SNS topic notified of changes."),
        Column("delivery_frequency", STRING, "configSnapshotDeliveryProperties.deliveryFrequency",
               "How often configuration snapshots are delivered."),
    ),
    key=("name",),
    doc="Where Config delivers what it records (config:DescribeDeliveryChannels).",
)

DELIVERY_CHANNEL_STATUS = TableSpec(
    name="config_delivery_channel_status",
    service="config",
    operation="DescribeDeliveryChannelStatus",
    scope="regional",
    items="DeliveryChannelsStatus",
    paginate=False,
    columns=(
        Column("name", STRING, "name", "The delivery channel's name."),
        Column("history_last_status", STRING, "configHistoryDeliveryInfo.lastStatus",
               "Success, Failure or Not_Applicable of the last history delivery."),
        Column("history_last_error_code", STRING, "configHistoryDeliveryInfo.lastErrorCode",
               "Error code of the last failed history delivery."),
        Column("history_last_successful_time", TIMESTAMP, "configHistoryDeliveryInfo.lastSuccessfulTime",
               "Last successful history delivery to S3."),
        Column("snapshot_last_status", STRING, "configSnapshotDeliveryInfo.lastStatus",
               "Success, Failure or Not_Applicable of the last snapshot delivery."),
        Column("snapshot_last_successful_time", TIMESTAMP, "configSnapshotDeliveryInfo.lastSuccessfulTime",
               "Last successful configuration snapshot delivery."),
        Column("stream_last_status", STRING, "configStreamDeliveryInfo.lastStatus",
               "Status of the last SNS notification."),
    ),
    key=("name",),
    doc="Whether each delivery channel delivers (config:DescribeDeliveryChannelStatus).",
    moto_gap="moto does not implement DescribeDeliveryChannelStatus: the table is a gap under moto.",
)

TABLES = (RECORDERS, RECORDER_STATUS, DELIVERY_CHANNELS, DELIVERY_CHANNEL_STATUS)
