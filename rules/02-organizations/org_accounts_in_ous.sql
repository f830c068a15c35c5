-- title: Member accounts sit in organizational units, not directly under the root
-- severity: low
-- section: 2
-- scope: account
-- description: OUs group accounts by purpose (security, infrastructure, workloads, sandbox) so that
--   SCPs and other policies fit each group. A member directly under the root gets only the root's
--   policies and is easily forgotten when OU-level guardrails are added. The management account is
--   not evaluated: it is not restricted by SCPs wherever it sits.
-- remediation: Move the account into an OU: `aws organizations move-account --account-id ACCOUNT_ID
--   --source-parent-id r-xxxx --destination-parent-id ou-xxxx-xxxxxxxx` (from the management account).
-- references: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_ous.html,
--   https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/recommended-ous-and-accounts.html
WITH membership AS (
    SELECT DISTINCT account_id, org_id, master_account_id FROM organizations_organization
),
listed AS (
    SELECT DISTINCT o.org_id, l.member_account_id, l.parent_id
    FROM organizations_accounts AS l
    JOIN membership AS o ON o.account_id = l.account_id
)
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    CASE
        WHEN m.account_id IS NULL OR m.master_account_id = a.account_id THEN 'SKIP'
        WHEN l.member_account_id IS NULL THEN 'ERROR'
        WHEN l.parent_id LIKE 'ou-%' THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN m.account_id IS NULL THEN 'The account is in no organization.'
        WHEN m.master_account_id = a.account_id THEN 'The management account is not evaluated (SCPs do not restrict it).'
        WHEN l.member_account_id IS NULL THEN 'The parent of the account is unknown: organization ' || m.org_id
            || ' was not listed; collect its management account ' || m.master_account_id || '.'
        WHEN l.parent_id LIKE 'ou-%' THEN 'The account sits in OU ' || l.parent_id || '.'
        ELSE 'The account sits directly under the root ' || coalesce(l.parent_id, '(unknown)') || '; move it into an OU.'
    END AS reason
FROM sounding_accounts AS a
LEFT JOIN membership AS m ON m.account_id = a.account_id
LEFT JOIN listed AS l ON l.org_id = m.org_id AND l.member_account_id = a.account_id
WHERE a.reachable
