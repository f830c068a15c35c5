"""Security Hub declarations: the hub per region, enabled standards, organization configuration, aggregators."""

from sounding.collector.declarations import BOOL, JSON, STRING, TIMESTAMP, Column, TableSpec

# DescribeHub and its siblings answer InvalidAccessException ("Account ... is not subscribed to AWS Security
# Hub" / "... is not an administrator for this organization") where there is nothing to read: data, not a gap.
# An IAM denial is AccessDeniedException and stays a gap.
_NOT_SUBSCRIBED = ("InvalidAccessException",)

HUB = TableSpec(
    name="securityhub_hub",
    service="securityhub",
    operation="DescribeHub",
    scope="regional",
    items="",
    paginate=False,
    empty_on=_NOT_SUBSCRIBED,
    columns=(
        Column("hub_arn", STRING, "HubArn", "The hub's ARN."),
        Column("subscribed_at", TIMESTAMP, "SubscribedAt", "When Security Hub was enabled in the region."),
        Column("auto_enable_controls", BOOL, "AutoEnableControls",
               "New controls of enabled standards are enabled automatically."),
    ),
    key=("hub_arn",),
    doc="The Security Hub hub of each region (securityhub:DescribeHub); no row where Security Hub is not "
        "enabled (InvalidAccessException 'not subscribed' is data, AccessDeniedException a gap).",
)

ENABLED_STANDARDS = TableSpec(
    name="securityhub_enabled_standards",
    service="securityhub",
    operation="GetEnabledStandards",
    scope="regional",
    items="StandardsSubscriptions",
    empty_on=_NOT_SUBSCRIBED,
    columns=(
        Column("standards_subscription_arn", STRING, "StandardsSubscriptionArn", "The subscription's ARN."),
        Column("standards_arn", STRING, "StandardsArn", "The standard, e.g. .../aws-foundational-security-"
                                                        "best-practices/v/1.0.0."),
        Column("standards_status", STRING, "StandardsStatus",
               "PENDING, READY, FAILED, DELETING or INCOMPLETE."),
        Column("standards_status_reason", STRING, "StandardsStatusReason.StatusReasonCode",
               "Why the subscription is not READY, when it is not."),
    ),
    key=("standards_subscription_arn",),
    doc="Security standards subscribed in each region (securityhub:GetEnabledStandards); no rows where "
        "Security Hub is not enabled.",
    moto_gap="moto does not implement GetEnabledStandards: every region records a not_implemented gap.",
)

ORGANIZATION_CONFIGURATION = TableSpec(
    name="securityhub_organization_configuration",
    service="securityhub",
    operation="DescribeOrganizationConfiguration",
    scope="regional",
    items="",
    paginate=False,
    empty_on=_NOT_SUBSCRIBED,
    columns=(
        Column("auto_enable", BOOL, "AutoEnable", "New organization accounts get Security Hub automatically."),
        Column("auto_enable_standards", STRING, "AutoEnableStandards",
               "DEFAULT or NONE: default standards for new accounts."),
        Column("member_account_limit_reached", BOOL, "MemberAccountLimitReached",
               "The administrator has reached its member limit."),
        Column("organization_configuration", JSON, "OrganizationConfiguration",
               "ConfigurationType, Status and StatusMessage."),
        Column("configuration_type", STRING, "OrganizationConfiguration.ConfigurationType",
               "CENTRAL (central configuration policies) or LOCAL."),
        Column("configuration_status", STRING, "OrganizationConfiguration.Status",
               "PENDING, ENABLED or FAILED."),
    ),
    key=(),
    doc="The organization configuration seen by the Security Hub delegated administrator "
        "(securityhub:DescribeOrganizationConfiguration); no row in other accounts (InvalidAccessException "
        "'not an administrator').",
    moto_gap="moto answers AccessDeniedException (AWS: InvalidAccessException) outside the administrator "
             "account, so those accounts record an access_denied gap.",
)

FINDING_AGGREGATORS = TableSpec(
    name="securityhub_finding_aggregators",
    service="securityhub",
    operation="ListFindingAggregators",
    scope="regional",
    items="FindingAggregators",
    empty_on=_NOT_SUBSCRIBED,
    columns=(
        Column("finding_aggregator_arn", STRING, "FindingAggregatorArn",
               "The aggregator's ARN; its region field is the aggregation region."),
    ),
    key=("finding_aggregator_arn",),
    doc="Cross-region finding aggregators (securityhub:ListFindingAggregators); the aggregator is listed "
        "in its aggregation region.",
    moto_gap="moto does not implement ListFindingAggregators: every region records a not_implemented gap.",
)

ADMIN_ACCOUNTS = TableSpec(
    name="securityhub_admin_accounts",
    service="securityhub",
    operation="ListOrganizationAdminAccounts",
    scope="global",
    management_only=True,
    items="AdminAccounts",
    empty_on=_NOT_SUBSCRIBED,
    columns=(
        Column("admin_account_id", STRING, "AccountId", "The delegated administrator account."),
        Column("admin_status", STRING, "Status", "ENABLED or DISABLE_IN_PROGRESS."),
    ),
    key=("admin_account_id",),
    doc="Security Hub delegated administrators of the organization, read from the management account in "
        "the home region (securityhub:ListOrganizationAdminAccounts).",
    moto_gap="moto does not implement ListOrganizationAdminAccounts for Security Hub: a not_implemented gap.",
)

TABLES = (HUB, ENABLED_STANDARDS, ORGANIZATION_CONFIGURATION, FINDING_AGGREGATORS, ADMIN_ACCOUNTS)
