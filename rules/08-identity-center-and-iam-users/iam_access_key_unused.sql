-- title: Active access keys were used in the last 45 days
-- severity: medium
-- section: 8
-- scope: access key
-- description: An active key nobody uses is pure risk: it can still be leaked and used, and nobody
--   would notice its absence. Keys unused for 45 days (or never used and older than 45 days)
--   should be deactivated and deleted.
-- remediation: Deactivate the key, wait for complaints, then delete it:
--   `aws iam update-access-key --user-name USER_NAME --access-key-id KEY_ID --status Inactive`,
--   `aws iam delete-access-key --user-name USER_NAME --access-key-id KEY_ID`
--   (console: IAM > Users > USER_NAME > Security credentials > Access keys > Actions > Deactivate).
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html
-- frameworks: cis-5.0:1.11, cis-3.0:1.12
SELECT
    k.account_id,
    'global' AS region,
    'arn:' || s.partition || ':iam::' || k.account_id || ':user/' || k.user_name || '/accesskey/' || k.access_key_id
        AS resource_id,
    CASE
        WHEN k.status <> 'Active' THEN 'SKIP'
        WHEN lu.access_key_id IS NULL THEN 'ERROR'
        WHEN lu.last_used_date >= s.collected_at - INTERVAL 45 DAY THEN 'PASS'
        WHEN lu.last_used_date IS NOT NULL THEN 'FAIL'
        WHEN k.create_date >= s.collected_at - INTERVAL 45 DAY THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN k.status <> 'Active' THEN 'Access key ' || k.access_key_id || ' of ' || k.user_name || ' is ' || k.status || '.'
        WHEN lu.access_key_id IS NULL
            THEN 'iam_access_key_last_used has no row for access key ' || k.access_key_id || ' of ' || k.user_name || '.'
        WHEN lu.last_used_date IS NOT NULL
            THEN 'Active access key ' || k.access_key_id || ' of ' || k.user_name || ' was last used '
                 || strftime(lu.last_used_date, '%Y-%m-%d')
                 || coalesce(' (' || lu.service_name || coalesce(' in ' || lu.last_used_region, '') || ')', '') || ', '
                 || date_diff('day', lu.last_used_date, s.collected_at) || ' days before collection'
                 || CASE WHEN lu.last_used_date >= s.collected_at - INTERVAL 45 DAY THEN '.' ELSE ' (more than 45).' END
        WHEN k.create_date >= s.collected_at - INTERVAL 45 DAY
            THEN 'Active access key ' || k.access_key_id || ' of ' || k.user_name || ' was never used; it was created '
                 || date_diff('day', k.create_date, s.collected_at) || ' days before collection (within 45).'
        ELSE 'Active access key ' || k.access_key_id || ' of ' || k.user_name || ' was never used'
             || coalesce(' since it was created ' || strftime(k.create_date, '%Y-%m-%d') || ', '
                         || date_diff('day', k.create_date, s.collected_at) || ' days before collection', '')
             || '.'
    END AS reason
FROM iam_access_keys AS k
CROSS JOIN sounding_snapshot AS s
LEFT JOIN iam_access_key_last_used AS lu ON lu.account_id = k.account_id AND lu.access_key_id = k.access_key_id
