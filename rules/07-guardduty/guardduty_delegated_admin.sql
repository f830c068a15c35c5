-- title: GuardDuty has a delegated administrator other than the management account
-- severity: medium
-- section: 7
-- scope: org
-- description: A delegated administrator (a security tooling account) manages GuardDuty for every member,
--   auto-enables new accounts and sees all findings, while the management account, which SCPs cannot
--   restrict, stays free of day-to-day security work. Without one, each account runs GuardDuty alone.
-- remediation: From the management account, in every region:
--   `aws guardduty enable-organization-admin-account --admin-account-id SECURITY_ACCOUNT_ID`
--   (or Organizations-wide: `aws organizations register-delegated-administrator --account-id SECURITY_ACCOUNT_ID
--   --service-principal guardduty.amazonaws.com`), then enable auto-enable for members from that account.
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_organizations.html
WITH admins AS (
    SELECT m.scope_account_id AS account_id,
           string_agg(DISTINCT g.admin_account_id, ', ' ORDER BY g.admin_account_id)
               FILTER (WHERE g.admin_account_id <> m.scope_account_id) AS others,
           bool_or(g.admin_account_id = m.scope_account_id) AS is_self
    FROM org_members AS m
    JOIN guardduty_admin_accounts AS g ON g.account_id = m.account_id
    WHERE g.admin_status = 'ENABLED'
    GROUP BY m.scope_account_id
),
judged AS (
    SELECT
        sc.account_id,
        sc.org_id,
        coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
        EXISTS (SELECT 1 FROM sounding_accounts AS a WHERE a.account_id = sc.account_id AND a.reachable) AS collected,
        ad.others,
        coalesce(ad.is_self, false) AS is_self
    FROM org_scopes AS sc
    LEFT JOIN admins AS ad ON ad.account_id = sc.account_id
)
SELECT
    account_id,
    'global' AS region,
    resource_id,
    CASE
        WHEN org_id IS NULL THEN 'FAIL'
        WHEN NOT collected AND others IS NULL AND NOT is_self THEN 'ERROR'
        WHEN is_self THEN 'FAIL'
        WHEN others IS NOT NULL THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN org_id IS NULL THEN 'The account is in no organization, so GuardDuty cannot have a delegated administrator.'
        WHEN NOT collected AND others IS NULL AND NOT is_self THEN 'The management account ' || account_id
            || ' was not collected, so the GuardDuty delegated administrator is unknown.'
        WHEN is_self THEN 'The management account ' || account_id || ' is its own GuardDuty delegated administrator;'
            || ' delegate to a security account instead.'
        WHEN others IS NOT NULL THEN 'GuardDuty delegated administrator: ' || others || '.'
        ELSE 'Organization ' || org_id || ' has no GuardDuty delegated administrator.'
    END AS reason
FROM judged
