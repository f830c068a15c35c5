-- title: The account's root e-mail address is a protected group address
-- severity: low
-- section: 1
-- scope: account
-- description: Whoever controls the root e-mail address can reset the root password. It should be a
--   distribution list or shared mailbox owned by the company (not one person), on a domain the company
--   controls, with MFA on the mailbox. The API cannot tell, so a person must confirm: the finding names
--   the address.
-- remediation: Confirm the address in the reason is a company-owned group address with MFA; if not,
--   change it (as root: Account > Account settings > Edit, or `aws account start-primary-email-update
--   --account-id ACCOUNT_ID --primary-email new@example.com` from the management account).
-- references: https://docs.aws.amazon.com/accounts/latest/reference/best-practices-root-user.html,
--   https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-root-user-email.html
-- frameworks: cis-5.0:1.1, cis-3.0:1.1
WITH listed AS (
    SELECT member_account_id AS account_id, min(email) AS email
    FROM organizations_accounts
    WHERE email IS NOT NULL AND email <> ''
    GROUP BY member_account_id
),
management AS (
    SELECT master_account_id AS account_id, min(master_account_email) AS email
    FROM organizations_organization
    WHERE master_account_email IS NOT NULL AND master_account_email <> ''
    GROUP BY master_account_id
),
known AS (
    SELECT a.account_id, coalesce(nullif(a.email, ''), l.email, m.email) AS email
    FROM sounding_accounts AS a
    LEFT JOIN listed AS l ON l.account_id = a.account_id
    LEFT JOIN management AS m ON m.account_id = a.account_id
    WHERE a.reachable
)
SELECT
    k.account_id,
    'global' AS region,
    account_arn(k.account_id) AS resource_id,
    CASE WHEN k.email IS NULL THEN 'ERROR' ELSE 'MANUAL' END AS status,
    CASE
        WHEN k.email IS NULL THEN 'The account''s root e-mail address is not in this snapshot: collect with --org, '
            || 'or include the management account.'
        ELSE 'Root e-mail address ' || k.email || ': confirm it is a company-owned group address protected by MFA.'
    END AS reason
FROM known AS k
