-- title: IAM users receive permissions only through groups
-- severity: low
-- section: 8
-- scope: user
-- description: Policies attached to individual users (managed or inline) scatter permissions across many
--   identities, so reviewing and revoking access means inspecting every user. Granting through groups
--   keeps permissions in a few places that match job functions.
-- remediation: Add the user to a group that carries the permissions, then
--   `aws iam detach-user-policy --user-name USER --policy-arn ARN` and
--   `aws iam delete-user-policy --user-name USER --policy-name NAME`.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html
-- frameworks: cis-5.0:1.14, cis-3.0:1.15, fsbp:IAM.2, nist-800-53-r5:AC-2
WITH inline AS (
    SELECT account_id, principal_name AS user_name, list(policy_name ORDER BY policy_name) AS names
    FROM iam_inline_policies
    WHERE principal_kind = 'user'
    GROUP BY account_id, principal_name
)
SELECT
    u.account_id,
    'global' AS region,
    u.arn AS resource_id,
    CASE WHEN len(coalesce(u.attached_policy_arns, [])) + len(coalesce(i.names, [])) = 0 THEN 'PASS' ELSE 'FAIL' END
        AS status,
    CASE WHEN len(coalesce(u.attached_policy_arns, [])) + len(coalesce(i.names, [])) = 0
         THEN 'User ' || u.user_name || ' has no policies of its own.'
         ELSE 'User ' || u.user_name || ' has policies of its own:'
              || CASE WHEN len(coalesce(u.attached_policy_arns, [])) > 0
                      THEN ' attached ' || array_to_string(list_sort(u.attached_policy_arns), ', ') ELSE '' END
              || CASE WHEN len(coalesce(u.attached_policy_arns, [])) > 0 AND len(coalesce(i.names, [])) > 0
                      THEN ';' ELSE '' END
              || CASE WHEN len(coalesce(i.names, [])) > 0 THEN ' inline ' || array_to_string(i.names, ', ') ELSE '' END
              || '.'
    END AS reason
FROM iam_users AS u
LEFT JOIN inline AS i ON i.account_id = u.account_id AND i.user_name = u.user_name
