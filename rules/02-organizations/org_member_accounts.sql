-- title: Workloads run in member accounts, not only in the management account
-- severity: low
-- section: 2
-- scope: org
-- description: SCPs never restrict the management account, and whoever controls it controls the whole
--   organization. An organization with a single ACTIVE account runs its workloads there; separate member
--   accounts (production, development, security tooling, logging) give each a blast radius of its own.
-- remediation: Create member accounts for workloads (`aws organizations create-account --email ...
--   --account-name prod`, or Control Tower Account Factory) and move workloads out of the management account.
-- references: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_best-practices_mgmt-acct.html,
--   https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/organizing-your-aws-environment.html
WITH listed AS (
    SELECT o.org_id,
           count(DISTINCT l.member_account_id) FILTER (WHERE coalesce(l.state, l.status) = 'ACTIVE') AS active
    FROM organizations_accounts AS l
    JOIN (SELECT DISTINCT account_id, org_id FROM organizations_organization) AS o ON o.account_id = l.account_id
    GROUP BY o.org_id
)
SELECT
    sc.account_id,
    'global' AS region,
    coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
    CASE
        WHEN sc.org_id IS NULL THEN 'FAIL'
        WHEN l.org_id IS NULL THEN 'ERROR'
        WHEN l.active >= 2 THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN sc.org_id IS NULL THEN 'The account is in no organization: its workloads share one account.'
        WHEN l.org_id IS NULL THEN 'The accounts of organization ' || sc.org_id || ' were not listed: collect its management '
            || 'account ' || sc.account_id || ' (or run --org from a delegated administrator).'
        WHEN l.active >= 2 THEN 'Organization ' || sc.org_id || ' has ' || l.active || ' ACTIVE accounts.'
        ELSE 'Organization ' || sc.org_id || ' has ' || l.active || ' ACTIVE account(s): workloads run in the '
            || 'management account, which SCPs do not restrict.'
    END AS reason
FROM org_scopes AS sc
LEFT JOIN listed AS l ON l.org_id = sc.org_id
