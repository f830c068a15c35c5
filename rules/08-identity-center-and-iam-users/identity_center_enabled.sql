-- title: IAM Identity Center is enabled for the organization
-- severity: medium
-- section: 8
-- scope: org
-- description: Identity Center gives people short-lived role credentials in every account from one
--   identity source, with MFA and central off-boarding, instead of long-lived IAM users and access keys
--   scattered across accounts.
-- remediation: In the management account, open IAM Identity Center and choose Enable (it creates the
--   organization instance in the current region), connect your identity provider, then delegate its
--   administration: `aws organizations register-delegated-administrator --account-id ACCOUNT_ID
--   --service-principal sso.amazonaws.com`.
-- references: https://docs.aws.amazon.com/singlesignon/latest/userguide/get-set-up-for-idc.html,
--   https://docs.aws.amazon.com/singlesignon/latest/userguide/identity-center-instances.html
-- frameworks: cis-5.0:1.20, cis-3.0:1.21
WITH instances AS (
    SELECT
        m.scope_account_id,
        string_agg(DISTINCT i.instance_arn || ' in ' || i.region, ', ' ORDER BY i.instance_arn || ' in ' || i.region)
            FILTER (WHERE i.status = 'ACTIVE' AND coalesce(i.owner_account_id, i.account_id) = m.scope_account_id)
            AS active_here,
        string_agg(DISTINCT i.instance_arn || ' (' || coalesce(i.status, 'status unknown') || ', owner '
                   || coalesce(i.owner_account_id, i.account_id) || ')', ', '
                   ORDER BY i.instance_arn || ' (' || coalesce(i.status, 'status unknown') || ', owner '
                   || coalesce(i.owner_account_id, i.account_id) || ')')
            FILTER (WHERE i.status IS DISTINCT FROM 'ACTIVE' OR coalesce(i.owner_account_id, i.account_id) <> m.scope_account_id)
            AS others
    FROM org_members AS m
    JOIN sso_instances AS i ON i.account_id = m.account_id
    GROUP BY m.scope_account_id
),
judged AS (
    SELECT
        sc.account_id,
        sc.org_id,
        coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
        EXISTS (SELECT 1 FROM sounding_accounts AS a WHERE a.account_id = sc.account_id AND a.reachable) AS collected,
        i.active_here,
        i.others
    FROM org_scopes AS sc
    LEFT JOIN instances AS i ON i.scope_account_id = sc.account_id
)
SELECT
    account_id,
    'global' AS region,
    resource_id,
    CASE
        WHEN active_here IS NOT NULL THEN 'PASS'
        WHEN NOT collected THEN 'ERROR'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN active_here IS NOT NULL AND org_id IS NULL THEN 'Identity Center account instance ' || active_here || ' is active.'
        WHEN active_here IS NOT NULL THEN 'Identity Center organization instance ' || active_here || ' is active.'
        WHEN NOT collected THEN 'The management account ' || account_id
            || ' was not collected, so the organization''s Identity Center instance is unknown.'
        WHEN others IS NOT NULL AND org_id IS NOT NULL THEN 'Organization ' || org_id
            || ' has no active Identity Center organization instance; seen: ' || others || '.'
        WHEN others IS NOT NULL THEN 'No active Identity Center instance; seen: ' || others || '.'
        WHEN org_id IS NOT NULL THEN 'Organization ' || org_id || ' has no Identity Center instance in any collected region.'
        ELSE 'The account has no Identity Center instance in any collected region.'
    END AS reason
FROM judged
