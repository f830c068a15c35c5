-- doc: Managed policies attached to IAM users, groups and roles, one row per principal and policy (the
--   principal_kind / principal_name vocabulary of iam_inline_policies).
-- column account_id: Account id.
-- column principal_kind: user, group or role.
-- column principal_name: The user, group or role name.
-- column policy_arn: The attached managed policy's ARN.
CREATE VIEW iam_attached_policies AS
SELECT account_id, 'user' AS principal_kind, user_name AS principal_name, unnest(attached_policy_arns) AS policy_arn
FROM iam_users
UNION ALL
SELECT account_id, 'group', group_name, unnest(attached_policy_arns) FROM iam_groups
UNION ALL
SELECT account_id, 'role', role_name, unnest(attached_policy_arns) FROM iam_roles
