-- title: Console users have no access key that was never used (keys created at setup)
-- severity: low
-- section: 8
-- scope: user
-- description: Creating an access key for every new console user, "just in case", leaves long-lived keys
--   that nobody uses. The benchmark's audit reads the credential report: a user with a console password and
--   an active key that was never used fails. Users without a console password are judged by
--   iam_user_programmatic_keys.
-- remediation: Delete the unused key: `aws iam delete-access-key --user-name USER --access-key-id KEY_ID`;
--   create keys only when a user needs programmatic access, and prefer roles.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
-- frameworks: cis-5.0:1.10, cis-3.0:1.11
SELECT
    c.account_id,
    'global' AS region,
    c.arn AS resource_id,
    CASE WHEN (coalesce(c.access_key_1_active, false) AND c.access_key_1_last_used_date IS NULL)
           OR (coalesce(c.access_key_2_active, false) AND c.access_key_2_last_used_date IS NULL)
         THEN 'FAIL' ELSE 'PASS' END AS status,
    CASE WHEN (coalesce(c.access_key_1_active, false) AND c.access_key_1_last_used_date IS NULL)
           OR (coalesce(c.access_key_2_active, false) AND c.access_key_2_last_used_date IS NULL)
         THEN 'Console user ' || c.user || ' has an active access key that was never used (key '
              || CASE WHEN coalesce(c.access_key_1_active, false) AND c.access_key_1_last_used_date IS NULL
                      THEN '1' ELSE '2' END || ').'
         ELSE 'Console user ' || c.user || ' has no active access key that was never used.'
    END AS reason
FROM iam_credential_report AS c
WHERE c.password_enabled AND c.user <> '<root_account>'
