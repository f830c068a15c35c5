"""KMS declarations: keys, who manages them, and rotation of customer managed keys."""

from sounding.collector.declarations import BOOL, INT, STRING, TIMESTAMP, Column, FanOut, TableSpec
from sounding.collector.special import kms_rotation

KEY_LIST = TableSpec(
    name="kms_key_list", service="kms", operation="ListKeys", scope="regional", items="Keys",
    columns=(
        Column("key_id", STRING, "KeyId", "The key's id."),
        Column("key_arn", STRING, "KeyArn", "The key's ARN."),
    ),
    key=("key_id",),
    doc="Ids of the region's KMS keys (kms:ListKeys); details are in kms_keys.",
)

KEYS = TableSpec(
    name="kms_keys", service="kms", operation="DescribeKey", scope="regional", items="KeyMetadata",
    paginate=False, fan_out=FanOut(parent="kms_key_list", params={"KeyId": "key_id"}),
    empty_on=("NotFoundException",),
    columns=(
        Column("key_id", STRING, "KeyId", "The key's id."),
        Column("arn", STRING, "Arn", "The key's ARN."),
        Column("key_manager", STRING, "KeyManager", "CUSTOMER or AWS."),
        Column("key_state", STRING, "KeyState", "Enabled, Disabled, PendingDeletion, ..."),
        Column("key_spec", STRING, "KeySpec", "SYMMETRIC_DEFAULT, RSA_2048, HMAC_256, ..."),
        Column("key_usage", STRING, "KeyUsage", "ENCRYPT_DECRYPT, SIGN_VERIFY, ..."),
        Column("origin", STRING, "Origin", "AWS_KMS, EXTERNAL, AWS_CLOUDHSM or EXTERNAL_KEY_STORE."),
        Column("creation_date", TIMESTAMP, "CreationDate", "When the key was created."),
    ),
    key=("key_id",),
    doc="Every KMS key of the region with its manager, state and spec (kms:DescribeKey per key); a key "
        "deleted since it was listed (NotFoundException) is left out.",
)

KEY_ROTATION = TableSpec(
    name="kms_key_rotation", service="kms", operation="GetKeyRotationStatus", scope="regional", items="",
    paginate=False, fetch=kms_rotation.fetch,
    fan_out=FanOut(parent="kms_keys", params={"KeyId": "key_id", kms_rotation.KEY_MANAGER: "key_manager",
                                              kms_rotation.KEY_SPEC: "key_spec",
                                              kms_rotation.KEY_STATE: "key_state"}),
    empty_on=("NotFoundException",),
    columns=(
        Column("key_id", STRING, "_parent.key_id", "The key's id."),
        Column("key_rotation_enabled", BOOL, "KeyRotationEnabled", "Automatic rotation is on."),
        Column("rotation_period_in_days", INT, "RotationPeriodInDays", "Days between rotations."),
    ),
    key=("key_id",),
    doc="Automatic rotation of customer managed symmetric keys that are not pending deletion "
        "(kms:GetKeyRotationStatus per key); AWS managed keys rotate yearly and are not asked.",
)

TABLES = (KEY_LIST, KEYS, KEY_ROTATION)
