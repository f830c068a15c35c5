-- title: The organization has all features enabled
-- severity: high
-- section: 2
-- scope: org
-- description: An organization in consolidated-billing mode only shares a bill: it cannot use service
--   control policies, resource control policies, tag or backup policies, or centralized root access,
--   so the management account has no guardrails over its members.
-- remediation: From the management account, `aws organizations enable-all-features`, then have every
--   invited member accept the handshake (accounts created by the organization accept automatically).
-- references: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_support-all-features.html
SELECT
    sc.account_id,
    'global' AS region,
    coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
    CASE WHEN sc.feature_set = 'ALL' THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE
        WHEN sc.org_id IS NULL THEN 'The account is in no organization, so no organization features apply to it.'
        WHEN sc.feature_set = 'ALL' THEN 'Organization ' || sc.org_id || ' has all features enabled.'
        ELSE 'Organization ' || sc.org_id || ' uses feature set ' || coalesce(sc.feature_set, 'unknown')
            || ': SCPs and other organization policies are unavailable; enable all features.'
    END AS reason
FROM org_scopes AS sc
