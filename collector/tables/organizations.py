"""Organizations declarations: the organization in every account; its tree, SCPs and delegations
from the management (or delegated administrator) account only."""

from sounding.collector.declarations import (
    BOOL,
    INT,
    JSON,
    STATEMENT_COLUMNS,
    STRING,
    STRINGS,
    TIMESTAMP,
    Column,
    FanOut,
    TableSpec,
)
from sounding.collector.special import organizations as org

ORGANIZATION = TableSpec(
    name="organizations_organization",
    service="organizations",
    operation="DescribeOrganization",
    scope="global",
    items="Organization",
    paginate=False,
    empty_on=("AWSOrganizationsNotInUseException",),
    columns=(
        Column("org_id", STRING, "Id", "The organization id (o-...)."),
        Column("arn", STRING, "Arn", "The organization's ARN."),
        Column("feature_set", STRING, "FeatureSet", "ALL, or CONSOLIDATED_BILLING (no SCPs)."),
        Column("master_account_id", STRING, "MasterAccountId", "The management account's id."),
        Column("master_account_email", STRING, "MasterAccountEmail", "The management account's e-mail."),
    ),
    key=("org_id",),
    doc="The organization the account belongs to (organizations:DescribeOrganization), read in every "
        "account; no row when the account is in no organization (AWSOrganizationsNotInUseException), "
        "which is data, not a gap. Its master_account_id decides where the management-only tables are read.",
)

ROOTS = TableSpec(
    name="organizations_roots",
    service="organizations",
    operation="ListRoots",
    scope="global",
    items="Roots",
    management_only=True,
    columns=(
        Column("root_id", STRING, "Id", "The root id (r-...)."),
        Column("arn", STRING, "Arn", "The root's ARN."),
        Column("name", STRING, "Name", "The root's name."),
        Column("policy_types", JSON, "PolicyTypes", "Policy types with their status on the root."),
        Column("enabled_policy_types", STRINGS, "PolicyTypes[?Status=='ENABLED'].Type",
               "Policy types ENABLED on the root, e.g. SERVICE_CONTROL_POLICY."),
    ),
    key=("root_id",),
    doc="The organization's root and its enabled policy types (organizations:ListRoots); management "
        "or delegated administrator account only.",
)

OUS = TableSpec(
    name="organizations_ous",
    service="organizations",
    operation="ListOrganizationalUnitsForParent",
    scope="global",
    items="",
    fetch=org.organizational_units,
    management_only=True,
    columns=(
        Column("ou_id", STRING, "Id", "The OU id (ou-...)."),
        Column("arn", STRING, "Arn", "The OU's ARN."),
        Column("name", STRING, "Name", "The OU's name."),
        Column("parent_id", STRING, "ParentId", "The parent: the root (r-...) or an OU (ou-...)."),
    ),
    key=("ou_id",),
    doc="Every OU at any depth with its parent (ListRoots, then ListOrganizationalUnitsForParent level by "
        "level: a special fetch, because a fan-out covers one level and the tree has up to five); "
        "management or delegated administrator account only.",
)

ACCOUNTS = TableSpec(
    name="organizations_accounts",
    service="organizations",
    operation="ListAccountsForParent",
    scope="global",
    items="",
    fetch=org.accounts,
    management_only=True,
    columns=(
        Column("member_account_id", STRING, "Id", "The listed account's id (account_id is the reader)."),
        Column("arn", STRING, "Arn", "The listed account's ARN."),
        Column("name", STRING, "Name", "The account's name."),
        Column("email", STRING, "Email", "The account's root e-mail address."),
        Column("status", STRING, "Status", "ACTIVE, SUSPENDED or PENDING_CLOSURE."),
        Column("state", STRING, "State", "ACTIVE, SUSPENDED, PENDING_ACTIVATION, PENDING_CLOSURE or CLOSED."),
        Column("joined_method", STRING, "JoinedMethod", "INVITED or CREATED."),
        Column("joined_timestamp", TIMESTAMP, "JoinedTimestamp", "When the account joined."),
        Column("parent_id", STRING, "ParentId", "Where the account sits: the root (r-...) or an OU (ou-...)."),
    ),
    key=("member_account_id",),
    doc="Every account of the organization with its parent (ListAccountsForParent on the root and each "
        "OU, walked like organizations_ous); management or delegated administrator account only.",
)

POLICIES = TableSpec(
    name="organizations_policies",
    service="organizations",
    operation="DescribePolicy",
    scope="global",
    items="",
    params={"Filter": "SERVICE_CONTROL_POLICY"},
    fetch=org.policies,
    management_only=True,
    columns=(
        Column("policy_id", STRING, "Id", "The policy id (p-...)."),
        Column("arn", STRING, "Arn", "The policy's ARN."),
        Column("name", STRING, "Name", "The policy's name, e.g. FullAWSAccess."),
        Column("description", STRING, "Description", "The policy's description."),
        Column("policy_type", STRING, "Type", "SERVICE_CONTROL_POLICY."),
        Column("aws_managed", BOOL, "AwsManaged", "True for AWS managed policies (FullAWSAccess)."),
        Column("content", JSON, "Content", "The policy document."),
    ),
    key=("policy_id",),
    doc="Service control policies with their documents (ListPolicies Filter=SERVICE_CONTROL_POLICY, then "
        "DescribePolicy each); management or delegated administrator account only.",
)

POLICY_TARGETS = TableSpec(
    name="organizations_policy_targets",
    service="organizations",
    operation="ListTargetsForPolicy",
    scope="global",
    items="Targets",
    fan_out=FanOut(parent="organizations_policies", params={"PolicyId": "policy_id"}),
    management_only=True,
    columns=(
        Column("policy_id", STRING, "_parent.policy_id", "The attached policy."),
        Column("target_id", STRING, "TargetId", "The root (r-...), OU (ou-...) or account id."),
        Column("target_type", STRING, "Type", "ROOT, ORGANIZATIONAL_UNIT or ACCOUNT."),
        Column("target_name", STRING, "Name", "The target's name."),
        Column("arn", STRING, "Arn", "The target's ARN."),
    ),
    key=("policy_id", "target_id"),
    doc="Where each SCP is attached (organizations:ListTargetsForPolicy per policy).",
)

POLICY_STATEMENTS = TableSpec(
    name="organizations_policy_statements",
    service="organizations",
    operation="DescribePolicy",
    scope="global",
    items="",
    fan_out=FanOut(parent="organizations_policies", params={"PolicyId": "policy_id"}),
    derive=org.policy_statements,
    management_only=True,
    columns=(
        Column("policy_id", STRING, "_parent.policy_id", "The policy the statement belongs to."),
        Column("policy_name", STRING, "_parent.name", "The policy's name."),
        Column("statement_index", INT, "statement_index", "Position in the document, from 0."),
        *STATEMENT_COLUMNS,
        Column("conditions", JSON, "conditions", "The Condition block: {operator: {key: values}}."),
    ),
    key=("policy_id", "statement_index"),
    doc="One row per statement of each SCP, normalised from organizations_policies.content "
        "(no API call).",
)

DELEGATED_ADMINISTRATORS = TableSpec(
    name="organizations_delegated_administrators",
    service="organizations",
    operation="ListDelegatedAdministrators",
    scope="global",
    items="",
    fetch=org.delegated_administrators,
    management_only=True,
    columns=(
        Column("delegated_account_id", STRING, "Id", "The delegated administrator account."),
        Column("service_principal", STRING, "ServicePrincipal", "The service it administers."),
        Column("name", STRING, "Name", "The account's name."),
        Column("email", STRING, "Email", "The account's e-mail."),
        Column("delegation_enabled_date", TIMESTAMP, "DelegationEnabledDate", "When the delegation began."),
    ),
    key=("delegated_account_id", "service_principal"),
    doc="Delegated administrators per service (ListDelegatedAdministrators, then "
        "ListDelegatedServicesForAccount each); management account only.",
)

SERVICE_ACCESS = TableSpec(
    name="organizations_service_access",
    service="organizations",
    operation="ListAWSServiceAccessForOrganization",
    scope="global",
    items="EnabledServicePrincipals",
    management_only=True,
    columns=(
        Column("service_principal", STRING, "ServicePrincipal", "A service with trusted access."),
        Column("date_enabled", TIMESTAMP, "DateEnabled", "When trusted access was enabled."),
    ),
    key=("service_principal",),
    doc="Services with trusted access to the organization "
        "(organizations:ListAWSServiceAccessForOrganization); management account only.",
)

TABLES = (ORGANIZATION, ROOTS, OUS, ACCOUNTS, POLICIES, POLICY_TARGETS, POLICY_STATEMENTS,
          DELEGATED_ADMINISTRATORS, SERVICE_ACCESS)
