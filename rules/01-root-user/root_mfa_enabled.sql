-- title: Root user has MFA enabled
-- severity: critical
-- section: 1
-- scope: account
-- description: The root user can do anything in the account, including closing it and changing
--   its contact details, and no policy can restrict it. A root password without MFA is one
--   phishing e-mail away from a full account takeover.
-- remediation: Sign in as root, open IAM > Security credentials > Multi-factor authentication and
--   assign a hardware key or passkey (plus a backup). In an organization, prefer centralized root
--   access: `aws iam enable-organizations-root-credentials-management` from the management account,
--   then delete member root credentials with `aws iam delete-login-profile` via `sts assume-root`.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management
-- frameworks: cis-5.0:1.4, cis-3.0:1.5, fsbp:IAM.9
SELECT
    a.account_id,
    'global' AS region,
    'arn:' || s.partition || ':iam::' || a.account_id || ':root' AS resource_id,
    CASE
        WHEN sm.account_id IS NULL THEN 'ERROR'
        WHEN sm.account_mfa_enabled = 1 THEN 'PASS'
        WHEN sm.account_password_present = 0 AND sm.account_access_keys_present = 0 THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN sm.account_id IS NULL THEN 'iam_account_summary has no row for this account.'
        WHEN sm.account_mfa_enabled = 1 THEN 'The root user has MFA enabled.'
        WHEN sm.account_password_present = 0 AND sm.account_access_keys_present = 0
            THEN 'The root user has no password and no access keys (centrally managed root access), so MFA is not needed.'
        WHEN sm.account_password_present IS NULL
            THEN 'The root user has no MFA device (AccountMFAEnabled = 0) and a root password cannot be ruled out.'
        ELSE 'The root user has a password but no MFA device (AccountMFAEnabled = 0).'
    END AS reason
FROM sounding_accounts AS a
CROSS JOIN sounding_snapshot AS s
LEFT JOIN iam_account_summary AS sm ON sm.account_id = a.account_id
WHERE a.reachable
