-- title: Security challenge questions are registered for the account (review)
-- severity: info
-- section: 1
-- scope: account
-- description: Security challenge questions let AWS Support verify the account owner when the root user's
--   email or MFA device is lost. No API reports them, so a person must confirm them; AWS has retired them
--   for accounts that never set them, which then rely on the alternate contacts instead; the reason names
--   the alternate contacts that are registered, for the person checking.
-- remediation: Signed in as the root user, open Account settings in the console
--   (https://console.aws.amazon.com/billing/home#/account), section "Configure Security Challenge
--   Questions", and record three questions and answers in your password vault.
-- references: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-security-challenge.html
-- frameworks: cis-3.0:1.3
WITH contacts AS (
    SELECT account_id, string_agg(contact_type, ', ' ORDER BY contact_type) AS types
    FROM account_alternate_contacts
    GROUP BY account_id
)
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    'MANUAL' AS status,
    'Confirm in the console, as the root user of ' || a.account_id
        || ', that security challenge questions are set (no API reports them); alternate contacts registered: '
        || coalesce(c.types, 'none') || '.' AS reason
FROM sounding_accounts AS a
LEFT JOIN contacts AS c ON c.account_id = a.account_id
WHERE a.reachable
