"""GuardDuty declarations: detectors per region (listed, then read one by one) and delegated admins."""

from sounding.collector.declarations import JSON, STRING, TIMESTAMP, Column, FanOut, TableSpec

DETECTOR_IDS = TableSpec(
    name="guardduty_detector_ids",
    service="guardduty",
    operation="ListDetectors",
    scope="regional",
    items="DetectorIds",
    columns=(Column("detector_id", STRING, "value", "The detector's id."),),
    key=("detector_id",),
    doc="The GuardDuty detector ids of each region (guardduty:ListDetectors); at most one per region.",
)

DETECTORS = TableSpec(
    name="guardduty_detectors",
    service="guardduty",
    operation="GetDetector",
    scope="regional",
    items="",
    paginate=False,
    fan_out=FanOut(parent="guardduty_detector_ids", params={"DetectorId": "detector_id"}),
    columns=(
        Column("detector_id", STRING, "_parent.detector_id", "The detector's id."),
        Column("status", STRING, "Status", "ENABLED, or DISABLED when GuardDuty is suspended."),
        Column("finding_publishing_frequency", STRING, "FindingPublishingFrequency",
               "FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS."),
        Column("features", JSON, "Features", "Protection plans (S3, EKS, malware, runtime...) and their status."),
        Column("created_at", TIMESTAMP, "CreatedAt", "When the detector was created."),
        Column("updated_at", TIMESTAMP, "UpdatedAt", "When the detector was last changed."),
        Column("service_role", STRING, "ServiceRole", "The service-linked role GuardDuty uses."),
    ),
    key=("detector_id",),
    doc="Each GuardDuty detector with its status and protection plans (guardduty:GetDetector per id).",
)

ADMIN_ACCOUNTS = TableSpec(
    name="guardduty_admin_accounts",
    service="guardduty",
    operation="ListOrganizationAdminAccounts",
    scope="global",
    management_only=True,
    items="AdminAccounts",
    columns=(
        Column("admin_account_id", STRING, "AdminAccountId", "The delegated administrator account."),
        Column("admin_status", STRING, "AdminStatus", "ENABLED or DISABLE_IN_PROGRESS."),
    ),
    key=("admin_account_id",),
    doc="GuardDuty delegated administrators of the organization, read from the management account in the "
        "home region (guardduty:ListOrganizationAdminAccounts); members cannot call it.",
)

TABLES = (DETECTOR_IDS, DETECTORS, ADMIN_ACCOUNTS)
