-- title: The bucket that receives CloudTrail logs has server access logging on
-- severity: low
-- section: 4
-- scope: trail
-- description: Server access logging on the CloudTrail bucket records every request made to the log
--   files themselves, so reading, deleting or overwriting the audit trail leaves its own trace. The bucket
--   is looked up in every account of the snapshot (a central log archive account included); a bucket in
--   an account that was not collected needs a person to check.
-- remediation: `aws s3api put-bucket-logging --bucket TRAIL_BUCKET --bucket-logging-status
--   '{"LoggingEnabled": {"TargetBucket": "ACCESS_LOG_BUCKET", "TargetPrefix": "cloudtrail/"}}'`.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html,
--   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html
-- frameworks: cis-5.0:3.4, cis-3.0:3.4
SELECT
    t.account_id,
    t.home_region AS region,
    t.trail_arn AS resource_id,
    CASE WHEN b.name IS NULL THEN 'MANUAL' WHEN l.target_bucket IS NOT NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN b.name IS NULL
              THEN 'Bucket ' || coalesce(t.s3_bucket_name, '(none)') || ' of trail ' || t.name
                   || ' is not in an account of this snapshot: confirm that server access logging is on.'
         WHEN l.target_bucket IS NOT NULL
              THEN 'Bucket ' || b.name || ' of trail ' || t.name || ' logs access to ' || l.target_bucket || '.'
         ELSE 'Bucket ' || b.name || ' of trail ' || t.name || ' (account ' || b.account_id
              || ') has server access logging off.'
    END AS reason
FROM home_trails AS t
LEFT JOIN s3_buckets AS b ON b.name = t.s3_bucket_name
LEFT JOIN s3_bucket_logging AS l ON l.account_id = b.account_id AND l.bucket = b.name
