-- title: Centralized root access is enabled for member accounts
-- severity: medium
-- section: 2
-- scope: org
-- description: With root credentials management on, member accounts can be created without root
--   credentials and existing ones deleted centrally, so no member has a root password or access keys to
--   steal; privileged root sessions (RootSessions) let the management account perform the few root-only
--   tasks without them.
-- remediation: From the management account: `aws organizations enable-aws-service-access
--   --service-principal iam.amazonaws.com`, then `aws iam enable-organizations-root-credentials-management`
--   and `aws iam enable-organizations-root-sessions`; delete member root credentials via `aws sts assume-root`.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management,
--   https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOrganizationsFeatures.html
WITH features AS (
    SELECT organization_id AS org_id,
           list_sort(list_distinct(flatten(list(coalesce(enabled_features, []))))) AS enabled
    FROM iam_organizations_features
    GROUP BY organization_id
)
SELECT
    sc.account_id,
    'global' AS region,
    coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
    CASE
        WHEN sc.org_id IS NULL THEN 'FAIL'
        WHEN list_contains(f.enabled, 'RootCredentialsManagement') THEN 'PASS'
        WHEN f.org_id IS NULL AND NOT EXISTS (SELECT 1 FROM sounding_accounts AS a
                                              WHERE a.account_id = sc.account_id AND a.reachable) THEN 'ERROR'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN sc.org_id IS NULL THEN 'The account is in no organization, so its root access cannot be managed centrally.'
        WHEN list_contains(f.enabled, 'RootCredentialsManagement')
            THEN 'Centralized root access is on (enabled features: ' || array_to_string(f.enabled, ', ') || ').'
        WHEN f.org_id IS NULL AND NOT EXISTS (SELECT 1 FROM sounding_accounts AS a
                                              WHERE a.account_id = sc.account_id AND a.reachable)
            THEN 'The management account ' || sc.account_id || ' of organization ' || sc.org_id
                || ' was not collected, so its IAM organization features are unknown.'
        WHEN sc.feature_set = 'CONSOLIDATED_BILLING'
            THEN 'Centralized root access is off: organization ' || sc.org_id || ' does not have all features enabled.'
        WHEN f.org_id IS NULL
            THEN 'Centralized root access is off: IAM has no organization features (trusted access for IAM is not enabled).'
        ELSE 'Centralized root access is off: RootCredentialsManagement is not enabled (enabled features: '
            || coalesce(nullif(array_to_string(f.enabled, ', '), ''), 'none') || ').'
    END AS reason
FROM org_scopes AS sc
LEFT JOIN features AS f ON f.org_id = sc.org_id
