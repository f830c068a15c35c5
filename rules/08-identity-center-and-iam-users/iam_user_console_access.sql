-- title: IAM users have no console password
-- severity: medium
-- section: 8
-- scope: user
-- description: People should sign in through IAM Identity Center (or another identity provider)
--   with short-lived role credentials, one identity for every account. An IAM user's console
--   password is a long-lived credential of one account that outlives the person's departure.
-- remediation: Move the person to IAM Identity Center, then delete the password:
--   `aws iam delete-login-profile --user-name USER_NAME` (console: IAM > Users > USER_NAME >
--   Security credentials > Console sign-in > Disable console access).
-- references: https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html
-- frameworks: cis-5.0:1.20, cis-3.0:1.21
SELECT
    u.account_id,
    'global' AS region,
    u.arn AS resource_id,
    CASE WHEN lp.user_name IS NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE
        WHEN lp.user_name IS NULL THEN 'IAM user ' || u.user_name || ' has no console password.'
        ELSE 'IAM user ' || u.user_name || ' has a console password'
             || coalesce(' (set ' || strftime(lp.create_date, '%Y-%m-%d') || ')', '')
             || '; sign people in through IAM Identity Center instead.'
    END AS reason
FROM iam_users AS u
LEFT JOIN iam_login_profiles AS lp ON lp.account_id = u.account_id AND lp.user_name = u.user_name
