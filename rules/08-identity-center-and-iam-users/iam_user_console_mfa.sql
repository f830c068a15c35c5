-- title: IAM users with a console password have MFA
-- severity: high
-- section: 8
-- scope: user
-- description: A console password alone falls to phishing, reuse and guessing. Every IAM user who
--   can sign in to the console needs an MFA device (better: no IAM user password at all).
-- remediation: Have the user register a device (IAM > Users > USER_NAME > Security credentials >
--   Assign MFA device), enforce it with a policy that denies everything but MFA setup without
--   `aws:MultiFactorAuthPresent`, or remove the password: `aws iam delete-login-profile --user-name USER_NAME`.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html
-- frameworks: cis-5.0:1.9, cis-3.0:1.10, fsbp:IAM.5
WITH devices AS (
    SELECT account_id, user_name, count(*) AS devices
    FROM iam_mfa_devices
    GROUP BY account_id, user_name
)
SELECT
    u.account_id,
    'global' AS region,
    u.arn AS resource_id,
    CASE
        WHEN lp.user_name IS NULL THEN 'PASS'
        WHEN coalesce(d.devices, 0) > 0 THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN lp.user_name IS NULL THEN 'IAM user ' || u.user_name || ' has no console password, so console MFA does not apply.'
        WHEN coalesce(d.devices, 0) > 0
            THEN 'IAM user ' || u.user_name || ' has a console password and ' || d.devices || ' MFA device(s).'
        ELSE 'IAM user ' || u.user_name || ' has a console password and no MFA device.'
    END AS reason
FROM iam_users AS u
LEFT JOIN iam_login_profiles AS lp ON lp.account_id = u.account_id AND lp.user_name = u.user_name
LEFT JOIN devices AS d ON d.account_id = u.account_id AND d.user_name = u.user_name
