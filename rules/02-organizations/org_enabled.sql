-- title: The account belongs to an AWS Organizations organization
-- severity: high
-- section: 2
-- scope: account
-- description: An organization gives every account central guardrails (SCPs), consolidated CloudTrail,
--   Config, GuardDuty and Security Hub, and a place to manage root access. A standalone account has none
--   of these and is governed one account at a time.
-- remediation: Create an organization from a dedicated management account
--   (`aws organizations create-organization --feature-set ALL`) and invite this account
--   (`aws organizations invite-account-to-organization --target Id=ACCOUNT_ID,Type=ACCOUNT`), or accept
--   a pending invitation from the account (`aws organizations accept-handshake --handshake-id ...`).
-- references: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_introduction.html,
--   https://docs.aws.amazon.com/securityhub/latest/userguide/account-controls.html
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    CASE WHEN o.account_id IS NULL THEN 'FAIL' ELSE 'PASS' END AS status,
    CASE
        WHEN o.account_id IS NULL
            THEN 'The account is in no organization (DescribeOrganization: AWSOrganizationsNotInUseException).'
        WHEN o.master_account_id = a.account_id
            THEN 'The account is the management account of organization ' || o.org_id || '.'
        ELSE 'The account is a member of organization ' || o.org_id || ' (management account '
            || o.master_account_id || ').'
    END AS reason
FROM sounding_accounts AS a
LEFT JOIN (SELECT DISTINCT account_id, org_id, master_account_id FROM organizations_organization) AS o
    ON o.account_id = a.account_id
WHERE a.reachable
