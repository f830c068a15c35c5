"""EFS declarations: file systems and their encryption."""

from sounding.collector.declarations import BOOL, STRING, Column, TableSpec

FILE_SYSTEMS = TableSpec(
    name="efs_file_systems", service="efs", operation="DescribeFileSystems", scope="regional",
    items="FileSystems",
    columns=(
        Column("file_system_id", STRING, "FileSystemId", "The file system's id."),
        Column("file_system_arn", STRING, "FileSystemArn", "The file system's ARN."),
        Column("name", STRING, "Name", "Its Name tag, if any."),
        Column("encrypted", BOOL, "Encrypted", "Data is encrypted at rest."),
        Column("kms_key_id", STRING, "KmsKeyId", "The KMS key that encrypts it."),
        Column("life_cycle_state", STRING, "LifeCycleState", "creating, available, deleting, ..."),
    ),
    key=("file_system_id",),
    doc="EFS file systems of each region (efs:DescribeFileSystems).",
)

TABLES = (FILE_SYSTEMS,)
