"""IAM Access Analyzer declarations: analyzers per region and their active findings."""

from sounding.collector.declarations import STRING, TIMESTAMP, Column, FanOut, TableSpec

ANALYZERS = TableSpec(
    name="accessanalyzer_analyzers",
    service="accessanalyzer",
    operation="ListAnalyzers",
    scope="regional",
    items="analyzers",
    columns=(
        Column("arn", STRING, "arn", "The analyzer's ARN."),
        Column("name", STRING, "name", "The analyzer's name."),
        Column("type", STRING, "type", "ACCOUNT, ORGANIZATION, or an *_UNUSED_ACCESS / *_INTERNAL_ACCESS variant."),
        Column("status", STRING, "status", "ACTIVE, CREATING, DISABLED or FAILED."),
        Column("status_reason", STRING, "statusReason.code", "Why the analyzer is not ACTIVE, when it is not."),
        Column("created_at", TIMESTAMP, "createdAt", "When the analyzer was created."),
    ),
    key=("arn",),
    doc="IAM Access Analyzer analyzers of each region (access-analyzer:ListAnalyzers).",
    moto_gap="moto does not implement Access Analyzer: every region records a not_implemented gap.",
)

FINDINGS = TableSpec(
    name="accessanalyzer_findings",
    service="accessanalyzer",
    operation="ListFindingsV2",
    scope="regional",
    items="findings",
    params={"filter": {"status": {"eq": ["ACTIVE"]}}},
    fan_out=FanOut(parent="accessanalyzer_analyzers", params={"analyzerArn": "arn"}),
    columns=(
        Column("analyzer_arn", STRING, "_parent.arn", "The analyzer that reported the finding."),
        Column("id", STRING, "id", "The finding's id."),
        Column("resource", STRING, "resource", "The resource the finding is about."),
        Column("resource_type", STRING, "resourceType", "e.g. AWS::S3::Bucket, AWS::IAM::Role."),
        Column("resource_owner_account", STRING, "resourceOwnerAccount", "The account owning the resource."),
        Column("status", STRING, "status", "ACTIVE (only active findings are collected)."),
        Column("finding_type", STRING, "findingType",
               "ExternalAccess, UnusedIAMRole, UnusedPermission, ... (absent for external access on old analyzers)."),
        Column("created_at", TIMESTAMP, "createdAt", "When the finding was created."),
        Column("updated_at", TIMESTAMP, "updatedAt", "When the finding was last updated."),
    ),
    key=("analyzer_arn", "id"),
    doc="ACTIVE findings of each analyzer (access-analyzer:ListFindingsV2 with status = ACTIVE).",
    moto_gap="moto does not implement Access Analyzer: the parent table's gap skips this table.",
)

TABLES = (ANALYZERS, FINDINGS)
