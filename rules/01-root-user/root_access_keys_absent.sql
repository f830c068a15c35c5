-- title: Root user has no access keys
-- severity: critical
-- section: 1
-- scope: account
-- description: Root access keys give unrestricted, long-lived programmatic access to the account
--   that no SCP or permission boundary can limit. Leaked once, they are the whole account.
-- remediation: Sign in as root, open IAM > Security credentials > Access keys, deactivate and
--   delete every key. With centralized root access, delete them from the management account:
--   `aws sts assume-root --target-principal ACCOUNT_ID --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials`
--   then `aws iam delete-access-key --access-key-id KEY_ID` with the returned credentials.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html
-- frameworks: cis-5.0:1.3, cis-3.0:1.4, fsbp:IAM.4
WITH root_report AS (
    SELECT account_id,
           coalesce(access_key_1_active, false) AS key_1,
           coalesce(access_key_2_active, false) AS key_2
    FROM iam_credential_report
    WHERE "user" = '<root_account>'
)
SELECT
    a.account_id,
    'global' AS region,
    'arn:' || s.partition || ':iam::' || a.account_id || ':root' AS resource_id,
    CASE
        WHEN sm.account_id IS NULL THEN 'ERROR'
        WHEN sm.account_access_keys_present = 1 OR r.key_1 OR r.key_2 THEN 'FAIL'
        ELSE 'PASS'
    END AS status,
    CASE
        WHEN sm.account_id IS NULL THEN 'iam_account_summary has no row for this account.'
        WHEN r.key_1 AND r.key_2 THEN 'The root user has two active access keys (credential report).'
        WHEN r.key_1 OR r.key_2 THEN 'The root user has an active access key (credential report).'
        WHEN sm.account_access_keys_present = 1 THEN 'The root user has access keys (AccountAccessKeysPresent = 1).'
        ELSE 'The root user has no access keys.'
    END AS reason
FROM sounding_accounts AS a
CROSS JOIN sounding_snapshot AS s
LEFT JOIN iam_account_summary AS sm ON sm.account_id = a.account_id
LEFT JOIN root_report AS r ON r.account_id = a.account_id
WHERE a.reachable
