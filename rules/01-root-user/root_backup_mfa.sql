-- title: Root user has a backup MFA device
-- severity: medium
-- section: 1
-- scope: account
-- description: With a single MFA device, losing or breaking it locks the root user out until AWS
--   support verifies the owner, and a stolen virtual device is as good as the root password. Root
--   accepts up to eight MFA devices; a hardware key or passkey kept in a safe is the usual backup.
--   A hardware or passkey device is not listed by any API an auditor can call, so a root user with
--   exactly one virtual device needs a person to confirm the backup.
-- remediation: Sign in as root, open IAM > Security credentials > Multi-factor authentication (MFA) >
--   Assign MFA device, and register a second device (a FIDO2 security key or passkey kept apart
--   from the first). In an organization, centralized root access removes the need:
--   `aws iam enable-organizations-root-credentials-management` from the management account.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html
-- frameworks: cis-5.0:1.5, cis-3.0:1.6, fsbp:IAM.6
WITH root_virtual AS (
    SELECT account_id, count(*) AS devices
    FROM iam_virtual_mfa_devices
    WHERE user_arn LIKE '%:root'
    GROUP BY account_id
)
SELECT
    a.account_id,
    'global' AS region,
    'arn:' || s.partition || ':iam::' || a.account_id || ':root' AS resource_id,
    CASE
        WHEN sm.account_id IS NULL THEN 'ERROR'
        WHEN coalesce(v.devices, 0) >= 2 THEN 'PASS'
        WHEN sm.account_mfa_enabled = 1 AND coalesce(v.devices, 0) = 0 THEN 'PASS'
        WHEN sm.account_mfa_enabled = 1 OR v.devices = 1 THEN 'MANUAL'
        WHEN sm.account_password_present = 0 AND sm.account_access_keys_present = 0 THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN sm.account_id IS NULL THEN 'iam_account_summary has no row for this account.'
        WHEN coalesce(v.devices, 0) >= 2
            THEN 'The root user has ' || v.devices || ' virtual MFA devices.'
        WHEN sm.account_mfa_enabled = 1 AND coalesce(v.devices, 0) = 0
            THEN 'The root user has MFA and no virtual device: its device is a hardware key or passkey.'
        WHEN sm.account_mfa_enabled = 1 OR v.devices = 1
            THEN 'The root user has exactly one virtual MFA device; confirm that a hardware key or passkey is registered as a backup (not visible through the API).'
        WHEN sm.account_password_present = 0 AND sm.account_access_keys_present = 0
            THEN 'The root user has no password and no access keys (centrally managed root access), so no MFA device is needed.'
        ELSE 'The root user has no MFA device at all (AccountMFAEnabled = 0).'
    END AS reason
FROM sounding_accounts AS a
CROSS JOIN sounding_snapshot AS s
LEFT JOIN iam_account_summary AS sm ON sm.account_id = a.account_id
LEFT JOIN root_virtual AS v ON v.account_id = a.account_id
WHERE a.reachable
