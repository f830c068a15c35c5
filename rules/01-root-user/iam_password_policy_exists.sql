-- title: An account password policy exists
-- severity: medium
-- section: 1
-- scope: account
-- description: Without an account password policy, IAM users may set short, guessable console
--   passwords and never rotate them.
-- remediation: Set a policy (IAM > Account settings > Password policy), for example
--   `aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24 --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters --allow-users-to-change-password`.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
-- frameworks: fsbp:IAM.7
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    CASE WHEN p.account_id IS NULL THEN 'FAIL' ELSE 'PASS' END AS status,
    CASE
        WHEN p.account_id IS NULL THEN 'The account has no password policy (GetAccountPasswordPolicy: NoSuchEntity).'
        ELSE 'An account password policy exists (minimum length ' || coalesce(p.minimum_password_length::VARCHAR, 'unset') || ').'
    END AS reason
FROM sounding_accounts AS a
LEFT JOIN iam_password_policy AS p ON p.account_id = a.account_id
WHERE a.reachable
