-- title: A security contact is registered for the account
-- severity: low
-- section: 1
-- scope: account
-- description: AWS sends notices of abuse, compromise and security issues to the account's SECURITY
--   alternate contact. Without one they reach only the root e-mail address, which may be a person who
--   has left or an unread mailbox.
-- remediation: `aws account put-alternate-contact --alternate-contact-type SECURITY --name "Security team"
--   --title "Security" --email-address security@example.com --phone-number +1-555-0100` (from the
--   management account, add `--account-id ACCOUNT_ID` to set it for a member).
-- references: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html
-- frameworks: cis-5.0:1.2, cis-3.0:1.2, fsbp:Account.1
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    CASE WHEN c.account_id IS NULL THEN 'FAIL' ELSE 'PASS' END AS status,
    CASE
        WHEN c.account_id IS NULL THEN 'No SECURITY alternate contact is registered (GetAlternateContact: ResourceNotFoundException).'
        ELSE 'SECURITY alternate contact: ' || coalesce(c.name, '(no name)') || ' <' || coalesce(c.email_address, 'no e-mail')
            || '>.'
    END AS reason
FROM sounding_accounts AS a
LEFT JOIN account_alternate_contacts AS c ON c.account_id = a.account_id AND c.contact_type = 'SECURITY'
WHERE a.reachable
