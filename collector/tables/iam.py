"""IAM declarations: account summary, password policy, credential report, MFA devices."""

from collector.declarations import BOOL, INT, STRING, TIMESTAMP, Column, TableSpec
from collector.special import credential_report

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

TABLES = (ACCOUNT_SUMMARY, PASSWORD_POLICY, CREDENTIAL_REPORT, VIRTUAL_MFA_DEVICES)
