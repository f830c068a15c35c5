-- title: Root user not used in the last 90 days
-- severity: high
-- section: 1
-- scope: account
-- description: Everyday work as root leaves the most powerful credentials of the account exposed
--   in browsers, scripts and logs. Root should be used only for the few tasks that need it; a
--   sign-in or key use in the 90 days before collection deserves a look at CloudTrail.
-- remediation: Find out who used root and why (CloudTrail: `aws cloudtrail lookup-events
--   --lookup-attributes AttributeKey=Username,AttributeValue=root`), move the work to IAM Identity
--   Center roles, delete root access keys, and in an organization centralize root access
--   (`aws iam enable-organizations-root-credentials-management`) so member accounts have no root password.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
-- frameworks: cis-5.0:1.6, cis-3.0:1.7
WITH root_report AS (
    SELECT
        account_id,
        list_filter([
            CASE WHEN password_last_used >= s.collected_at - INTERVAL 90 DAY
                 THEN 'password used ' || strftime(password_last_used, '%Y-%m-%d') END,
            CASE WHEN access_key_1_last_used_date >= s.collected_at - INTERVAL 90 DAY
                 THEN 'access key 1 used ' || strftime(access_key_1_last_used_date, '%Y-%m-%d') END,
            CASE WHEN access_key_2_last_used_date >= s.collected_at - INTERVAL 90 DAY
                 THEN 'access key 2 used ' || strftime(access_key_2_last_used_date, '%Y-%m-%d') END
        ], lambda x: x IS NOT NULL) AS uses
    FROM iam_credential_report
    CROSS JOIN sounding_snapshot AS s
    WHERE "user" = '<root_account>'
)
SELECT
    a.account_id,
    'global' AS region,
    'arn:' || s.partition || ':iam::' || a.account_id || ':root' AS resource_id,
    CASE
        WHEN r.account_id IS NULL THEN 'ERROR'
        WHEN len(r.uses) > 0 THEN 'FAIL'
        ELSE 'PASS'
    END AS status,
    CASE
        WHEN r.account_id IS NULL THEN 'The credential report has no <root_account> row for this account.'
        WHEN len(r.uses) > 0
            THEN 'The root user was used in the 90 days before collection: ' || array_to_string(r.uses, '; ') || '.'
        ELSE 'The root user''s password and access keys were not used in the 90 days before collection.'
    END AS reason
FROM sounding_accounts AS a
CROSS JOIN sounding_snapshot AS s
LEFT JOIN root_report AS r ON r.account_id = a.account_id
WHERE a.reachable
