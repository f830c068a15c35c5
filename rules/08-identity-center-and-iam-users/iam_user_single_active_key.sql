-- title: No IAM user has more than one active access key
-- severity: low
-- section: 8
-- scope: user
-- description: A second active key is meant to exist only while a rotation is under way. Two keys that
--   stay active double the credentials to protect and usually mean the old one was never retired.
-- remediation: Find which key is in use (`aws iam get-access-key-last-used --access-key-id KEY_ID`), then
--   `aws iam update-access-key --user-name USER --access-key-id OLD_KEY_ID --status Inactive` and delete it.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
-- frameworks: cis-5.0:1.12, cis-3.0:1.13
SELECT
    u.account_id,
    'global' AS region,
    u.arn AS resource_id,
    CASE WHEN len(coalesce(k.key_ids, [])) > 1 THEN 'FAIL' ELSE 'PASS' END AS status,
    'User ' || u.user_name || ' has ' || len(coalesce(k.key_ids, [])) || ' active access key(s)'
        || CASE WHEN len(coalesce(k.key_ids, [])) > 0 THEN ': ' || array_to_string(k.key_ids, ', ') ELSE '' END || '.'
        AS reason
FROM iam_users AS u
LEFT JOIN iam_active_keys AS k ON k.account_id = u.account_id AND k.user_name = u.user_name
