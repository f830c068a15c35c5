-- title: Console passwords unused for 45 days are removed
-- severity: medium
-- section: 8
-- scope: user
-- description: A console password nobody has used for 45 days belongs to someone who no longer needs it,
--   and it stays a way in until it is removed. A password never used counts from when it was set.
--   Access keys are judged by iam_access_key_unused. The credential report may be up to 4 hours old.
-- remediation: `aws iam delete-login-profile --user-name USER` (the user can be given a new password if
--   needed again).
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html
-- frameworks: cis-5.0:1.11, cis-3.0:1.12
SELECT
    c.account_id,
    'global' AS region,
    c.arn AS resource_id,
    CASE
        WHEN coalesce(c.password_last_used, c.password_last_changed, c.user_creation_time) IS NULL THEN 'ERROR'
        WHEN coalesce(c.password_last_used, c.password_last_changed, c.user_creation_time)
             >= s.collected_at - INTERVAL 45 DAY THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN coalesce(c.password_last_used, c.password_last_changed, c.user_creation_time) IS NULL
            THEN 'The credential report gives no date for the console password of ' || c.user || '.'
        ELSE 'The console password of ' || c.user || ' was '
             || CASE WHEN c.password_last_used IS NULL THEN 'never used; it was set ' ELSE 'last used ' END
             || strftime(coalesce(c.password_last_used, c.password_last_changed, c.user_creation_time), '%Y-%m-%d')
             || ', ' || date_diff('day', coalesce(c.password_last_used, c.password_last_changed, c.user_creation_time),
                                  s.collected_at) || ' days before collection'
             || CASE WHEN coalesce(c.password_last_used, c.password_last_changed, c.user_creation_time)
                          >= s.collected_at - INTERVAL 45 DAY THEN '.' ELSE ' (more than 45).' END
    END AS reason
FROM iam_credential_report AS c
CROSS JOIN sounding_snapshot AS s
WHERE c.password_enabled AND c.user <> '<root_account>'
