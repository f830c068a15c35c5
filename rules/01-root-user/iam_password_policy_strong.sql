-- title: The password policy requires 14+ characters and prevents reuse of the last 24
-- severity: medium
-- section: 1
-- scope: account
-- description: Short passwords fall to guessing and credential stuffing; reused passwords bring
--   back credentials that have already leaked.
-- remediation: `aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24`
--   (update-account-password-policy replaces the whole policy: repeat the other settings you keep).
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
-- frameworks: cis-5.0:1.7, cis-5.0:1.8, cis-3.0:1.8, cis-3.0:1.9, fsbp:IAM.7
WITH weak AS (
    SELECT
        account_id,
        list_filter([
            CASE WHEN coalesce(minimum_password_length, 0) < 14
                 THEN 'minimum length is ' || coalesce(minimum_password_length::VARCHAR, 'unset') || ' (needs >= 14)' END,
            CASE WHEN coalesce(password_reuse_prevention, 0) < 24
                 THEN 'reuse prevention is ' || coalesce(password_reuse_prevention::VARCHAR, 'off') || ' (needs >= 24)' END
        ], lambda x: x IS NOT NULL) AS problems
    FROM iam_password_policy
)
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    CASE
        WHEN w.account_id IS NULL THEN 'FAIL'
        WHEN len(w.problems) = 0 THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN w.account_id IS NULL THEN 'The account has no password policy, so no minimum length or reuse prevention applies.'
        WHEN len(w.problems) = 0 THEN 'Minimum length >= 14 and reuse prevention >= 24.'
        ELSE 'Weak password policy: ' || array_to_string(w.problems, '; ') || '.'
    END AS reason
FROM sounding_accounts AS a
LEFT JOIN weak AS w ON w.account_id = a.account_id
WHERE a.reachable
