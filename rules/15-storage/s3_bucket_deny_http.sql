-- title: S3 bucket policies deny requests not made over TLS
-- severity: medium
-- section: 15
-- scope: bucket
-- description: Without a bucket policy that denies plain-HTTP requests, objects can be read or written
--   without encryption in transit. AWS documents the control as a Deny statement for every principal and
--   every S3 action on the bucket's objects when aws:SecureTransport is false.
-- remediation: Add a statement to the bucket policy:
--   `{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
--   "Resource": ["arn:aws:s3:::BUCKET", "arn:aws:s3:::BUCKET/*"],
--   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`
--   (`aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json`).
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html,
--   https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-5
-- frameworks: cis-5.0:2.1.1, cis-3.0:2.1.1, fsbp:S3.5, nist-800-53-r5:SC-8
WITH denying AS (
    SELECT DISTINCT st.account_id, st.bucket
    FROM s3_bucket_policy_statements AS st
    CROSS JOIN sounding_snapshot AS s
    WHERE st.effect = 'Deny'
      AND (json_extract_string(st.principals, '$."*"[0]') = '*' OR list_contains(
           CAST(coalesce(json_extract_string(st.principals, '$.AWS[*]'), []) AS VARCHAR[]), '*'))
      AND (list_contains(st.actions, 's3:*') OR list_contains(st.actions, '*'))
      AND len(list_filter(st.resources, lambda r: r = '*'
            OR r = 'arn:' || s.partition || ':s3:::' || st.bucket || '/*'
            OR r = 'arn:' || s.partition || ':s3:::' || st.bucket || '*')) > 0
      AND len(list_filter(CAST(st.condition_entries AS JSON[]), lambda e:
            e->>'$.operator' IN ('Bool', 'BoolIfExists')
            AND lower(e->>'$.key') = 'aws:securetransport'
            AND list_contains(CAST(json_extract_string(e, '$.values[*]') AS VARCHAR[]), 'false'))) > 0
)
SELECT
    b.account_id,
    coalesce(b.bucket_region, 'global') AS region,
    'arn:' || s.partition || ':s3:::' || b.name AS resource_id,
    CASE WHEN d.bucket IS NOT NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN d.bucket IS NOT NULL
         THEN 'The policy of bucket ' || b.name || ' denies requests where aws:SecureTransport is false.'
         ELSE 'Bucket ' || b.name || ' has no policy statement denying s3:* to every principal when '
              || 'aws:SecureTransport is false.'
    END AS reason
FROM s3_buckets AS b
CROSS JOIN sounding_snapshot AS s
LEFT JOIN denying AS d ON d.account_id = b.account_id AND d.bucket = b.name
