"""RDS declarations: database instances with their encryption, exposure and upgrade settings."""

from sounding.collector.declarations import BOOL, STRING, Column, TableSpec

DB_INSTANCES = TableSpec(
    name="rds_db_instances", service="rds", operation="DescribeDBInstances", scope="regional",
    items="DBInstances",
    columns=(
        Column("db_instance_identifier", STRING, "DBInstanceIdentifier", "The instance's name."),
        Column("db_instance_arn", STRING, "DBInstanceArn", "The instance's ARN."),
        Column("engine", STRING, "Engine", "The database engine."),
        Column("db_instance_status", STRING, "DBInstanceStatus", "available, stopped, ..."),
        Column("storage_encrypted", BOOL, "StorageEncrypted", "Storage is encrypted at rest."),
        Column("kms_key_id", STRING, "KmsKeyId", "The KMS key of the encrypted storage."),
        Column("publicly_accessible", BOOL, "PubliclyAccessible", "The endpoint resolves to a public address."),
        Column("auto_minor_version_upgrade", BOOL, "AutoMinorVersionUpgrade",
               "Minor engine upgrades are applied automatically."),
        Column("multi_az", BOOL, "MultiAZ", "A standby runs in another Availability Zone."),
    ),
    key=("db_instance_arn",),
    doc="RDS database instances of each region (rds:DescribeDBInstances).",
)

TABLES = (DB_INSTANCES,)
