-- title: Active access keys are at most 90 days old
-- severity: medium
-- section: 8
-- scope: access key
-- description: The longer an access key lives, the more places it has been copied to (laptops, CI
--   variables, old images) and the longer a leaked copy keeps working. Active keys should be
--   replaced within 90 days, or better, replaced by roles and short-lived credentials.
-- remediation: Create a second key, switch the application to it, then deactivate and delete the old one:
--   `aws iam create-access-key --user-name USER_NAME`,
--   `aws iam update-access-key --user-name USER_NAME --access-key-id OLD_KEY_ID --status Inactive`,
--   `aws iam delete-access-key --user-name USER_NAME --access-key-id OLD_KEY_ID`.
--   Prefer IAM roles (EC2/ECS/Lambda), IAM Roles Anywhere or OIDC federation for CI.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console
-- frameworks: cis-5.0:1.13, cis-3.0:1.14, fsbp:IAM.3
SELECT
    k.account_id,
    'global' AS region,
    'arn:' || s.partition || ':iam::' || k.account_id || ':user/' || k.user_name || '/accesskey/' || k.access_key_id
        AS resource_id,
    CASE
        WHEN k.status <> 'Active' THEN 'SKIP'
        WHEN k.create_date IS NULL THEN 'ERROR'
        WHEN k.create_date >= s.collected_at - INTERVAL 90 DAY THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN k.status <> 'Active' THEN 'Access key ' || k.access_key_id || ' of ' || k.user_name || ' is ' || k.status || '.'
        WHEN k.create_date IS NULL THEN 'Access key ' || k.access_key_id || ' of ' || k.user_name || ' has no creation date.'
        ELSE 'Active access key ' || k.access_key_id || ' of ' || k.user_name || ' was created '
             || strftime(k.create_date, '%Y-%m-%d') || ', '
             || date_diff('day', k.create_date, s.collected_at) || ' days before collection'
             || CASE WHEN k.create_date >= s.collected_at - INTERVAL 90 DAY THEN '.' ELSE ' (more than 90).' END
    END AS reason
FROM iam_access_keys AS k
CROSS JOIN sounding_snapshot AS s
