"""IAM Identity Center declarations: instances, permission sets, where they are assigned, and users.

Identity Center is regional: an instance lives in the region it was enabled in and answers only there
(ListInstances defaults to RegionScope CURRENT_REGION), so these tables are read in every region and each
fan-out runs in its instance's region. The organization instance is visible from the management account
(and a delegated administrator); member accounts see only account instances of their own.
"""

from sounding.collector.declarations import STRING, TIMESTAMP, Column, FanOut, TableSpec

INSTANCES = TableSpec(
    name="sso_instances",
    service="sso-admin",
    operation="ListInstances",
    scope="regional",
    items="Instances",
    columns=(
        Column("instance_arn", STRING, "InstanceArn", "The instance's ARN."),
        Column("identity_store_id", STRING, "IdentityStoreId", "The connected identity store."),
        Column("status", STRING, "Status", "CREATE_IN_PROGRESS, DELETE_IN_PROGRESS, ACTIVE or CREATE_FAILED."),
        Column("owner_account_id", STRING, "OwnerAccountId", "The account that owns the instance."),
        Column("name", STRING, "Name", "The instance's name."),
        Column("created_at", TIMESTAMP, "CreatedDate", "When the instance was created."),
    ),
    key=("instance_arn",),
    doc="IAM Identity Center instances visible in each region (sso-admin:ListInstances).",
    moto_gap="moto returns an ACTIVE instance in every account and region.",
)

PERMISSION_SETS = TableSpec(
    name="sso_permission_sets",
    service="sso-admin",
    operation="ListPermissionSets",
    scope="regional",
    items="PermissionSets",
    fan_out=FanOut(parent="sso_instances", params={"InstanceArn": "instance_arn"}),
    columns=(
        Column("instance_arn", STRING, "_parent.instance_arn", "The instance the permission set belongs to."),
        Column("permission_set_arn", STRING, "value", "The permission set's ARN."),
    ),
    key=("instance_arn", "permission_set_arn"),
    doc="Permission sets of each Identity Center instance (sso-admin:ListPermissionSets).",
)

PERMISSION_SET_ACCOUNTS = TableSpec(
    name="sso_permission_set_accounts",
    service="sso-admin",
    operation="ListAccountsForProvisionedPermissionSet",
    scope="regional",
    items="AccountIds",
    fan_out=FanOut(parent="sso_permission_sets",
                   params={"InstanceArn": "instance_arn", "PermissionSetArn": "permission_set_arn"}),
    columns=(
        Column("instance_arn", STRING, "_parent.instance_arn", "The Identity Center instance."),
        Column("permission_set_arn", STRING, "_parent.permission_set_arn", "The permission set."),
        Column("target_account_id", STRING, "value", "An account the permission set is provisioned to."),
    ),
    key=("instance_arn", "permission_set_arn", "target_account_id"),
    doc="Accounts each permission set is provisioned to (sso-admin:ListAccountsForProvisionedPermissionSet); "
        "assigning a permission set to an account provisions it there.",
    moto_gap="moto lists only accounts given to ProvisionPermissionSet, not those of CreateAccountAssignment.",
)

ACCOUNT_ASSIGNMENTS = TableSpec(
    name="sso_account_assignments",
    service="sso-admin",
    operation="ListAccountAssignments",
    scope="regional",
    items="AccountAssignments",
    fan_out=FanOut(parent="sso_permission_set_accounts",
                   params={"InstanceArn": "instance_arn", "AccountId": "target_account_id",
                           "PermissionSetArn": "permission_set_arn"}),
    columns=(
        Column("instance_arn", STRING, "_parent.instance_arn", "The Identity Center instance."),
        Column("permission_set_arn", STRING, "PermissionSetArn", "The assigned permission set."),
        Column("target_account_id", STRING, "AccountId", "The account the assignment grants access to."),
        Column("principal_type", STRING, "PrincipalType", "USER or GROUP."),
        Column("principal_id", STRING, "PrincipalId", "The identity store id of the user or group."),
    ),
    key=("instance_arn", "permission_set_arn", "target_account_id", "principal_type", "principal_id"),
    doc="Who is assigned which permission set in which account (sso-admin:ListAccountAssignments per "
        "provisioned account and permission set).",
)

IDENTITY_STORE_USERS = TableSpec(
    name="identitystore_users",
    service="identitystore",
    operation="ListUsers",
    scope="regional",
    items="Users",
    fan_out=FanOut(parent="sso_instances", params={"IdentityStoreId": "identity_store_id"}),
    columns=(
        Column("identity_store_id", STRING, "IdentityStoreId", "The identity store."),
        Column("user_id", STRING, "UserId", "The user's id (principal_id in assignments)."),
        Column("user_name", STRING, "UserName", "The user name people sign in with."),
        Column("display_name", STRING, "DisplayName", "The user's display name."),
    ),
    key=("identity_store_id", "user_id"),
    doc="Users of each Identity Center identity store (identitystore:ListUsers).",
)

TABLES = (INSTANCES, PERMISSION_SETS, PERMISSION_SET_ACCOUNTS, ACCOUNT_ASSIGNMENTS, IDENTITY_STORE_USERS)
