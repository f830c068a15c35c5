-- title: Root user has MFA enabled
-- severity: critical
-- section: 1
-- description: A root password without MFA is one phishing e-mail away from a full account takeover.
-- remediation: Sign in as root and assign a hardware key under IAM > Security credentials.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html
-- frameworks: cis-3.0:1.5, fsbp:IAM.9
SELECT a.account_id, 'global' AS region,
    'arn:aws:iam::' || a.account_id || ':root' AS resource_id,
    CASE WHEN sm.account_mfa_enabled = 1 THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN sm.account_mfa_enabled = 1 THEN 'The root user has MFA enabled.'
         ELSE 'The root user has a password but no MFA device <AccountMFAEnabled = 0> & "no" backup.' END AS reason
FROM sounding_accounts AS a
JOIN iam_account_summary AS sm ON sm.account_id = a.account_id
