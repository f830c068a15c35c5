-- title: A Control Tower landing zone governs the organization
-- severity: low
-- section: 3
-- scope: org
-- description: A landing zone sets up and keeps in place the baseline a multi-account organization needs:
--   log archive and audit accounts, an organization trail, Config, preventive and detective controls, and
--   an account factory. Past a handful of accounts, doing this by hand drifts.
-- remediation: Set up AWS Control Tower from the management account (console: AWS Control Tower > Set up
--   landing zone, or `aws controltower create-landing-zone --version 3.3 --manifest file://manifest.json`),
--   then enroll the existing OUs and accounts.
-- references: https://docs.aws.amazon.com/controltower/latest/userguide/what-is-control-tower.html,
--   https://docs.aws.amazon.com/controltower/latest/userguide/lz-api-list.html
WITH membership AS (SELECT DISTINCT account_id, org_id FROM organizations_organization),
zones AS (
    SELECT m.org_id, string_agg(DISTINCT z.arn, ', ' ORDER BY z.arn) AS arns
    FROM controltower_landing_zones AS z
    JOIN membership AS m ON m.account_id = z.account_id
    GROUP BY m.org_id
),
listed AS (
    SELECT m.org_id,
           count(DISTINCT l.member_account_id) FILTER (WHERE coalesce(l.state, l.status) = 'ACTIVE') AS active
    FROM organizations_accounts AS l
    JOIN membership AS m ON m.account_id = l.account_id
    GROUP BY m.org_id
)
SELECT
    sc.account_id,
    'global' AS region,
    coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
    CASE
        WHEN sc.org_id IS NULL THEN 'MANUAL'
        WHEN z.org_id IS NOT NULL THEN 'PASS'
        WHEN l.org_id IS NULL THEN 'ERROR'
        WHEN l.active > 5 THEN 'FAIL'
        ELSE 'MANUAL'
    END AS status,
    CASE
        WHEN sc.org_id IS NULL THEN 'The account is in no organization: consider Control Tower once it grows into several accounts.'
        WHEN z.org_id IS NOT NULL THEN 'Landing zone: ' || z.arns || '.'
        WHEN l.org_id IS NULL THEN 'The management account ' || sc.account_id || ' of organization ' || sc.org_id
            || ' was not collected, so its landing zone and accounts are unknown.'
        WHEN l.active > 5 THEN 'Organization ' || sc.org_id || ' has ' || l.active
            || ' ACTIVE accounts and no Control Tower landing zone.'
        ELSE 'Organization ' || sc.org_id || ' has no Control Tower landing zone and ' || l.active
            || ' ACTIVE account(s): confirm its baseline is governed another way.'
    END AS reason
FROM org_scopes AS sc
LEFT JOIN zones AS z ON z.org_id = sc.org_id
LEFT JOIN listed AS l ON l.org_id = sc.org_id
