"""IAM declarations: account summary, password policy, credential report, identities, keys, policies."""

from sounding.collector.declarations import (
    BOOL,
    INT,
    JSON,
    STATEMENT_COLUMNS,
    STATEMENT_PRINCIPALS_AND_CONDITIONS,
    STRING,
    STRINGS,
    TIMESTAMP,
    Column,
    FanOut,
    TableSpec,
)
from sounding.collector.special import credential_report, iam_authorization

ACCOUNT_SUMMARY = TableSpec(
    name="iam_account_summary",
    service="iam",
    operation="GetAccountSummary",
    scope="global",
    items="SummaryMap",
    paginate=False,
    columns=(
        Column("account_mfa_enabled", INT, "AccountMFAEnabled", "1 when the root user has MFA."),
        Column("account_access_keys_present", INT, "AccountAccessKeysPresent",
               "1 when the root user has access keys."),
        Column("account_password_present", INT, "AccountPasswordPresent",
               "1 when the root user has a console password; absent in older answers."),
        Column("account_signing_certificates_present", INT, "AccountSigningCertificatesPresent",
               "1 when the root user has signing certificates."),
        Column("users", INT, "Users", "Number of IAM users."),
        Column("roles", INT, "Roles", "Number of IAM roles."),
        Column("groups", INT, "Groups", "Number of IAM groups."),
        Column("policies", INT, "Policies", "Number of customer managed policies."),
        Column("mfa_devices", INT, "MFADevices", "Number of MFA devices."),
        Column("mfa_devices_in_use", INT, "MFADevicesInUse", "Number of MFA devices in use."),
    ),
    key=(),
    doc="The account's IAM entity usage and root-user flags (iam:GetAccountSummary); one row.",
)

PASSWORD_POLICY = TableSpec(
    name="iam_password_policy",
    service="iam",
    operation="GetAccountPasswordPolicy",
    scope="global",
    items="PasswordPolicy",
    paginate=False,
    empty_on=("NoSuchEntity",),
    columns=(
        Column("minimum_password_length", INT, "MinimumPasswordLength", "Minimum length."),
        Column("require_symbols", BOOL, "RequireSymbols", "Symbols required."),
        Column("require_numbers", BOOL, "RequireNumbers", "Digits required."),
        Column("require_uppercase_characters", BOOL, "RequireUppercaseCharacters",
               "Upper-case letters required."),
        Column("require_lowercase_characters", BOOL, "RequireLowercaseCharacters",
               "Lower-case letters required."),
        Column("allow_users_to_change_password", BOOL, "AllowUsersToChangePassword",
               "Users may change their own password."),
        Column("expire_passwords", BOOL, "ExpirePasswords", "Passwords expire."),
        Column("max_password_age", INT, "MaxPasswordAge", "Days before a password expires."),
        Column("password_reuse_prevention", INT, "PasswordReusePrevention",
               "Number of previous passwords that cannot be reused."),
        Column("hard_expiry", BOOL, "HardExpiry", "Expired passwords need an administrator reset."),
    ),
    key=(),
    doc="The account password policy (iam:GetAccountPasswordPolicy); no row when the account "
        "has none (NoSuchEntity), which is data, not a gap.",
)

_CREDENTIAL_COLUMNS = (
    Column("user", STRING, "user", "User name; <root_account> for the root user."),
    Column("arn", STRING, "arn", "The user's ARN."),
    Column("user_creation_time", TIMESTAMP, "user_creation_time", "When the user was created."),
    Column("password_enabled", BOOL, "password_enabled", "The user has a console password."),
    Column("password_last_used", TIMESTAMP, "password_last_used", "Last console sign-in."),
    Column("password_last_changed", TIMESTAMP, "password_last_changed", "Last password change."),
    Column("password_next_rotation", TIMESTAMP, "password_next_rotation", "Next forced rotation."),
    Column("mfa_active", BOOL, "mfa_active", "An MFA device is active."),
    *(
        col
        for n in (1, 2)
        for col in (
            Column(f"access_key_{n}_active", BOOL, f"access_key_{n}_active", f"Key {n} is active."),
            Column(f"access_key_{n}_last_rotated", TIMESTAMP, f"access_key_{n}_last_rotated",
                   f"Key {n} creation or rotation time."),
            Column(f"access_key_{n}_last_used_date", TIMESTAMP, f"access_key_{n}_last_used_date",
                   f"Key {n} last use."),
            Column(f"access_key_{n}_last_used_region", STRING, f"access_key_{n}_last_used_region",
                   f"Region of key {n}'s last use."),
            Column(f"access_key_{n}_last_used_service", STRING, f"access_key_{n}_last_used_service",
                   f"Service of key {n}'s last use."),
        )
    ),
    Column("cert_1_active", BOOL, "cert_1_active", "Signing certificate 1 is active."),
    Column("cert_2_active", BOOL, "cert_2_active", "Signing certificate 2 is active."),
    Column("report_generated_at", TIMESTAMP, credential_report.GENERATED_AT,
           "When AWS generated the report (it may be up to 4 hours old)."),
)

CREDENTIAL_REPORT = TableSpec(
    name="iam_credential_report",
    service="iam",
    operation="GetCredentialReport",
    scope="global",
    items="",
    paginate=False,
    fetch=credential_report.fetch,
    columns=_CREDENTIAL_COLUMNS,
    key=("user",),
    doc="The IAM credential report, one row per user and one for <root_account> "
        "(iam:GenerateCredentialReport, GetCredentialReport), typed; 'N/A' and "
        "'not_supported' become NULL.",
    moto_gap="moto has no <root_account> row and reports last-used fields as N/A.",
)

VIRTUAL_MFA_DEVICES = TableSpec(
    name="iam_virtual_mfa_devices",
    service="iam",
    operation="ListVirtualMFADevices",
    scope="global",
    items="VirtualMFADevices",
    params={"AssignmentStatus": "Any"},
    columns=(
        Column("serial_number", STRING, "SerialNumber", "The device's ARN."),
        Column("user_arn", STRING, "User.Arn", "ARN of the assigned user; ends in :root for root."),
        Column("user_name", STRING, "User.UserName", "Name of the assigned user."),
        Column("enable_date", TIMESTAMP, "EnableDate", "When the device was enabled."),
    ),
    key=("serial_number",),
    doc="Virtual MFA devices with the user they are assigned to (iam:ListVirtualMFADevices).",
)

# --- Identities and policies: one shared, paginated GetAccountAuthorizationDetails call. -----------
# Every table below with this operation and these (empty) parameters reads the same set of requests:
# the runner shares identical calls per account (AccountClients.once).
_AUTH = {"service": "iam", "operation": "GetAccountAuthorizationDetails", "scope": "global"}
_ATTACHED = Column("attached_policy_arns", STRINGS, "AttachedManagedPolicies[].PolicyArn",
                   "ARNs of the managed policies attached.")
_BOUNDARY = Column("permissions_boundary_arn", STRING, "PermissionsBoundary.PermissionsBoundaryArn",
                   "ARN of the permissions boundary, if any.")
_TAGS = Column("tags", JSON, "Tags", "Tags as a list of {Key, Value}.")

USERS = TableSpec(
    name="iam_users", **_AUTH, items="UserDetailList",
    columns=(
        Column("user_name", STRING, "UserName", "The user's name."),
        Column("user_id", STRING, "UserId", "The user's stable id."),
        Column("arn", STRING, "Arn", "The user's ARN."),
        Column("path", STRING, "Path", "The user's path."),
        Column("create_date", TIMESTAMP, "CreateDate", "When the user was created."),
        Column("group_names", STRINGS, "GroupList", "Groups the user belongs to."),
        _ATTACHED, _BOUNDARY, _TAGS,
    ),
    key=("user_name",),
    doc="IAM users (iam:GetAccountAuthorizationDetails UserDetailList); inline policies are in "
        "iam_inline_policies.",
)

GROUPS = TableSpec(
    name="iam_groups", **_AUTH, items="GroupDetailList",
    columns=(
        Column("group_name", STRING, "GroupName", "The group's name."),
        Column("group_id", STRING, "GroupId", "The group's stable id."),
        Column("arn", STRING, "Arn", "The group's ARN."),
        Column("path", STRING, "Path", "The group's path."),
        Column("create_date", TIMESTAMP, "CreateDate", "When the group was created."),
        _ATTACHED,
    ),
    key=("group_name",),
    doc="IAM groups (iam:GetAccountAuthorizationDetails GroupDetailList).",
)

ROLES = TableSpec(
    name="iam_roles", **_AUTH, items="RoleDetailList",
    columns=(
        Column("role_name", STRING, "RoleName", "The role's name."),
        Column("role_id", STRING, "RoleId", "The role's stable id."),
        Column("arn", STRING, "Arn", "The role's ARN."),
        Column("path", STRING, "Path", "The role's path (/aws-service-role/ for service-linked roles)."),
        Column("create_date", TIMESTAMP, "CreateDate", "When the role was created."),
        Column("assume_role_policy", JSON, "AssumeRolePolicyDocument",
               "The trust policy document (boto3 URL-decodes it; its statements are in iam_policy_statements)."),
        Column("last_used_date", TIMESTAMP, "RoleLastUsed.LastUsedDate", "When the role was last assumed."),
        Column("last_used_region", STRING, "RoleLastUsed.Region", "Where the role was last used."),
        _ATTACHED, _BOUNDARY, _TAGS,
    ),
    key=("role_name",),
    doc="IAM roles with their trust policy (iam:GetAccountAuthorizationDetails RoleDetailList).",
)

AUTHORIZATION_DETAILS = TableSpec(
    name="iam_authorization_details", **_AUTH, items=iam_authorization.ENTITIES,
    columns=(
        Column("entity_kind", STRING, iam_authorization.ENTITY_KIND, "user, group, role or policy."),
        Column("entity_name", STRING, iam_authorization.ENTITY_NAME,
               "The user, group or role name; the policy name (its ARN where AWS omits the name)."),
        Column("arn", STRING, "Arn", "The entity's ARN."),
    ),
    key=("arn",),
    doc="Every user, group and role, and every customer managed policy and attached AWS managed policy, "
        "as one list (iam:GetAccountAuthorizationDetails): the parent that iam_policies, "
        "iam_inline_policies and iam_policy_statements are derived from, without further calls. "
        "Unattached AWS managed policies are left out.",
    moto_gap="moto returns every AWS managed policy (attached or not) without PolicyName/PolicyId.",
)

_FROM_ENTITIES = FanOut(parent="iam_authorization_details", params={"Arn": "arn"})

POLICIES = TableSpec(
    name="iam_policies", **_AUTH, items="", fan_out=_FROM_ENTITIES, derive=iam_authorization.managed_policies,
    columns=(
        Column("policy_name", STRING, "PolicyName", "The policy's name (from the ARN where AWS omits it)."),
        Column("policy_id", STRING, "PolicyId", "The policy's stable id."),
        Column("arn", STRING, "Arn", "The policy's ARN."),
        Column("path", STRING, "Path", "The policy's path."),
        Column("aws_managed", BOOL, "contains(Arn, ':iam::aws:policy/')", "An AWS managed policy."),
        Column("default_version_id", STRING, "DefaultVersionId", "The default version."),
        Column("attachment_count", INT, "AttachmentCount", "Users, groups and roles it is attached to."),
        Column("permissions_boundary_usage_count", INT, "PermissionsBoundaryUsageCount",
               "Entities using it as a permissions boundary."),
        Column("is_attachable", BOOL, "IsAttachable", "The policy can be attached."),
        Column("create_date", TIMESTAMP, "CreateDate", "When the policy was created."),
        Column("update_date", TIMESTAMP, "UpdateDate", "When the policy was last updated."),
        Column("document", JSON, "PolicyVersionList[?IsDefaultVersion] | [0].Document",
               "The default version's document."),
    ),
    key=("arn",),
    doc="Customer managed policies, and AWS managed policies attached to something, with the default "
        "version's document (derived from iam_authorization_details; no further calls).",
    moto_gap="moto omits PolicyName and PolicyId; the name is taken from the ARN and added to raw.",
)

INLINE_POLICIES = TableSpec(
    name="iam_inline_policies", **_AUTH, items="", fan_out=_FROM_ENTITIES,
    derive=iam_authorization.inline_policies,
    columns=(
        Column("principal_kind", STRING, "_parent.entity_kind", "user, group or role."),
        Column("principal_name", STRING, "_parent.entity_name", "The user, group or role name."),
        Column("principal_arn", STRING, "_parent.arn", "The user, group or role ARN."),
        Column("policy_name", STRING, "PolicyName", "The inline policy's name."),
        Column("document", JSON, "PolicyDocument", "The policy document."),
    ),
    key=("principal_kind", "principal_name", "policy_name"),
    doc="Inline policies embedded in users, groups and roles (derived from iam_authorization_details).",
)

POLICY_STATEMENTS = TableSpec(
    name="iam_policy_statements", **_AUTH, items="", fan_out=_FROM_ENTITIES,
    derive=iam_authorization.policy_statements,
    columns=(
        Column("policy_kind", STRING, "policy_kind", "managed, inline or trust."),
        Column("policy_id", STRING, "policy_id",
               "Managed: the policy ARN; inline: arn:PARTITION:iam::ACCOUNT:KIND/NAME/policy/POLICY; "
               "trust: the role ARN."),
        Column("policy_arn", STRING, "policy_arn", "The managed policy's ARN; NULL for inline and trust."),
        Column("policy_name", STRING, "policy_name", "The managed or inline policy's name; NULL for trust."),
        Column("principal_kind", STRING, "principal_kind", "user, group or role (inline, trust); NULL for managed."),
        Column("principal_name", STRING, "principal_name", "The user, group or role name; NULL for managed."),
        Column("aws_managed", BOOL, "aws_managed", "The statement belongs to an AWS managed policy."),
        Column("statement_index", INT, "statement_index", "Position of the statement in its document (0-based)."),
        *STATEMENT_COLUMNS,
        *STATEMENT_PRINCIPALS_AND_CONDITIONS,
    ),
    key=("policy_kind", "policy_id", "statement_index"),
    doc="One row per statement of every identity policy (customer managed and attached AWS managed default "
        "versions, inline policies of users, groups and roles) and of every role trust policy, normalised "
        "(derived from iam_authorization_details; documents of every legal shape, URL-encoded or not).",
)

# --- Per-user credentials: fanned out from iam_users. ---------------------------------------------
_PER_USER = FanOut(parent="iam_users", params={"UserName": "user_name"})

ACCESS_KEYS = TableSpec(
    name="iam_access_keys", service="iam", operation="ListAccessKeys", scope="global",
    items="AccessKeyMetadata", fan_out=_PER_USER, empty_on=("NoSuchEntity",),
    columns=(
        Column("user_name", STRING, "UserName", "The key's user."),
        Column("access_key_id", STRING, "AccessKeyId", "The key id."),
        Column("status", STRING, "Status", "Active or Inactive."),
        Column("create_date", TIMESTAMP, "CreateDate", "When the key was created."),
    ),
    key=("access_key_id",),
    doc="Access keys of every IAM user (iam:ListAccessKeys per user); a user deleted since it was "
        "listed (NoSuchEntity) has none.",
)

ACCESS_KEY_LAST_USED = TableSpec(
    name="iam_access_key_last_used", service="iam", operation="GetAccessKeyLastUsed", scope="global",
    items="", paginate=False, fan_out=FanOut(parent="iam_access_keys", params={"AccessKeyId": "access_key_id"}),
    columns=(
        Column("user_name", STRING, "UserName || _parent.user_name", "The key's user."),
        Column("access_key_id", STRING, "_parent.access_key_id", "The key id."),
        Column("last_used_date", TIMESTAMP, "AccessKeyLastUsed.LastUsedDate",
               "Last use; NULL when never used (since IAM began tracking in April 2015)."),
        Column("service_name", STRING, "[AccessKeyLastUsed.ServiceName][?@ != 'N/A'] | [0]",
               "Service of the last use; NULL for AWS's N/A."),
        Column("last_used_region", STRING, "[AccessKeyLastUsed.Region][?@ != 'N/A'] | [0]",
               "Region of the last use; NULL for AWS's N/A."),
    ),
    key=("access_key_id",),
    doc="When and where each access key was last used (iam:GetAccessKeyLastUsed per key).",
    moto_gap="moto never records key use: last_used_date is always NULL.",
)

MFA_DEVICES = TableSpec(
    name="iam_mfa_devices", service="iam", operation="ListMFADevices", scope="global",
    items="MFADevices", fan_out=_PER_USER, empty_on=("NoSuchEntity",),
    columns=(
        Column("user_name", STRING, "UserName", "The device's user."),
        Column("serial_number", STRING, "SerialNumber", "Serial number or ARN of the device."),
        Column("enable_date", TIMESTAMP, "EnableDate", "When the device was enabled."),
    ),
    key=("user_name", "serial_number"),
    doc="MFA devices (virtual, hardware, passkeys) of every IAM user (iam:ListMFADevices per user).",
)

LOGIN_PROFILES = TableSpec(
    name="iam_login_profiles", service="iam", operation="GetLoginProfile", scope="global",
    items="LoginProfile", paginate=False, fan_out=_PER_USER, empty_on=("NoSuchEntity",),
    columns=(
        Column("user_name", STRING, "UserName", "The user with a console password."),
        Column("create_date", TIMESTAMP, "CreateDate", "When the password was set."),
        Column("password_reset_required", BOOL, "PasswordResetRequired", "A reset is due at next sign-in."),
    ),
    key=("user_name",),
    doc="Console passwords (iam:GetLoginProfile per user); a user without one has no row "
        "(NoSuchEntity is data: no password).",
)

# --- Identity providers. ----------------------------------------------------------------------------
OIDC_PROVIDER_LIST = TableSpec(
    name="iam_oidc_provider_list", service="iam", operation="ListOpenIDConnectProviders", scope="global",
    items="OpenIDConnectProviderList", paginate=False,
    columns=(Column("arn", STRING, "Arn", "The provider's ARN."),),
    key=("arn",),
    doc="ARNs of the account's OpenID Connect providers (iam:ListOpenIDConnectProviders); details are "
        "in iam_oidc_providers.",
)

OIDC_PROVIDERS = TableSpec(
    name="iam_oidc_providers", service="iam", operation="GetOpenIDConnectProvider", scope="global",
    items="", paginate=False, empty_on=("NoSuchEntity",),
    fan_out=FanOut(parent="iam_oidc_provider_list", params={"OpenIDConnectProviderArn": "arn"}),
    columns=(
        Column("arn", STRING, "_parent.arn", "The provider's ARN."),
        Column("url", STRING, "Url", "The issuer URL without https:// (e.g. token.actions.githubusercontent.com)."),
        Column("client_id_list", STRINGS, "ClientIDList", "Audiences (client ids) the provider accepts."),
        Column("thumbprints", STRINGS, "ThumbprintList", "Server certificate thumbprints."),
        Column("create_date", TIMESTAMP, "CreateDate", "When the provider was created."),
        _TAGS,
    ),
    key=("arn",),
    doc="OpenID Connect identity providers (iam:GetOpenIDConnectProvider per provider); one deleted "
        "since it was listed (NoSuchEntity) is left out.",
)

SAML_PROVIDERS = TableSpec(
    name="iam_saml_providers", service="iam", operation="ListSAMLProviders", scope="global",
    items="SAMLProviderList", paginate=False,
    columns=(
        Column("arn", STRING, "Arn", "The provider's ARN."),
        Column("valid_until", TIMESTAMP, "ValidUntil", "When the provider's metadata expires."),
        Column("create_date", TIMESTAMP, "CreateDate", "When the provider was created."),
    ),
    key=("arn",),
    doc="SAML identity providers (iam:ListSAMLProviders).",
)

ORGANIZATIONS_FEATURES = TableSpec(
    name="iam_organizations_features", service="iam", operation="ListOrganizationsFeatures", scope="global",
    items="", paginate=False, management_only=True,
    empty_on=("ServiceAccessNotEnabledException", "OrganizationNotInAllFeaturesModeException",
              "OrganizationNotFoundException"),
    columns=(
        Column("organization_id", STRING, "OrganizationId", "The organization's id."),
        Column("enabled_features", STRINGS, "EnabledFeatures",
               "Centralized root access features on: RootCredentialsManagement, RootSessions."),
    ),
    key=(),
    doc="Centralized root access features of the organization (iam:ListOrganizationsFeatures), read only "
        "in the account that administers the organization (management or delegated administrator "
        "account; members would answer AccountNotManagementOrDelegatedAdministratorException, and no "
        "row there is expected). No row in that account is data, not a gap: IAM trusted access is off "
        "(ServiceAccessNotEnabledException), the organization lacks all features, or there is none; in "
        "each case no feature is enabled. Any other failure is a gap.",
    moto_gap="moto does not implement ListOrganizationsFeatures (a gap, kind not_implemented).",
)

SERVER_CERTIFICATES = TableSpec(
    name="iam_server_certificates", service="iam", operation="ListServerCertificates", scope="global",
    items="ServerCertificateMetadataList",
    columns=(
        Column("server_certificate_name", STRING, "ServerCertificateName", "The certificate's name."),
        Column("server_certificate_id", STRING, "ServerCertificateId", "The certificate's stable id."),
        Column("arn", STRING, "Arn", "The certificate's ARN."),
        Column("upload_date", TIMESTAMP, "UploadDate", "When it was uploaded."),
        Column("expiration", TIMESTAMP, "Expiration", "When it expires."),
    ),
    key=("arn",),
    doc="SSL/TLS server certificates stored in IAM (iam:ListServerCertificates).",
    moto_gap="moto reports every certificate's Expiration as 2012-05-08, whatever the certificate says.",
)

TABLES = (ACCOUNT_SUMMARY, PASSWORD_POLICY, CREDENTIAL_REPORT, VIRTUAL_MFA_DEVICES, USERS, GROUPS, ROLES,
          AUTHORIZATION_DETAILS, POLICIES, INLINE_POLICIES, POLICY_STATEMENTS, ACCESS_KEYS,
          ACCESS_KEY_LAST_USED, MFA_DEVICES, LOGIN_PROFILES, OIDC_PROVIDER_LIST, OIDC_PROVIDERS,
          SAML_PROVIDERS, ORGANIZATIONS_FEATURES, SERVER_CERTIFICATES)
