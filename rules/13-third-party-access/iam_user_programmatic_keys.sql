-- title: No IAM user is a machine user with long-lived access keys
-- severity: medium
-- section: 13
-- scope: user
-- description: An IAM user with an active access key and no console password is a machine
--   identity: CI systems, scripts, third-party tools. Its keys never expire and are copied into
--   other people's systems. Workloads and partners should get temporary credentials instead:
--   OIDC federation for CI, IAM roles (with an external id) for third parties, IAM Roles Anywhere
--   for servers outside AWS.
-- remediation: Create a role the workload can assume (for GitHub Actions, an OIDC provider for
--   token.actions.githubusercontent.com and a trust policy scoped to the repository; for a vendor,
--   a cross-account role with `sts:ExternalId`), switch the workload over, then
--   `aws iam update-access-key --user-name USER_NAME --access-key-id KEY_ID --status Inactive` and
--   `aws iam delete-access-key --user-name USER_NAME --access-key-id KEY_ID`.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html,
--   https://docs.aws.amazon.com/rolesanywhere/latest/userguide/introduction.html
SELECT
    u.account_id,
    'global' AS region,
    u.arn AS resource_id,
    CASE
        WHEN k.user_name IS NULL THEN 'PASS'
        WHEN lp.user_name IS NOT NULL THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN k.user_name IS NULL THEN 'IAM user ' || u.user_name || ' has no active access key.'
        WHEN lp.user_name IS NOT NULL
            THEN 'IAM user ' || u.user_name || ' has active access keys but also a console password (a person, not a machine user).'
        ELSE 'IAM user ' || u.user_name || ' has no console password and ' || len(k.key_ids)
             || ' active access key(s) (' || array_to_string(k.key_ids, ', ') || '): a machine user with long-lived credentials.'
    END AS reason
FROM iam_users AS u
LEFT JOIN iam_active_keys AS k ON k.account_id = u.account_id AND k.user_name = u.user_name
LEFT JOIN iam_login_profiles AS lp ON lp.account_id = u.account_id AND lp.user_name = u.user_name
