-- title: S3 buckets have MFA delete enabled
-- severity: low
-- section: 15
-- scope: bucket
-- description: MFA delete makes changing a bucket's versioning state or permanently deleting an object
--   version require the root user's MFA code, so stolen credentials alone cannot destroy data. The
--   benchmark rates this manual and level 2; the setting is read from GetBucketVersioning.
-- remediation: As the root user with MFA: `aws s3api put-bucket-versioning --bucket BUCKET
--   --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "arn:aws:iam::ACCOUNT_ID:mfa/root-account-mfa-device CODE"`.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html
-- frameworks: cis-5.0:2.1.2, cis-3.0:2.1.2
SELECT
    b.account_id,
    coalesce(b.bucket_region, 'global') AS region,
    'arn:' || s.partition || ':s3:::' || b.name AS resource_id,
    CASE WHEN v.mfa_delete = 'Enabled' THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN v.mfa_delete = 'Enabled' THEN 'Bucket ' || b.name || ' has MFA delete enabled.'
         ELSE 'Bucket ' || b.name || ' has MFA delete ' || lower(coalesce(v.mfa_delete, 'never configured'))
              || ' (versioning ' || lower(coalesce(v.status, 'never enabled')) || ').'
    END AS reason
FROM s3_buckets AS b
CROSS JOIN sounding_snapshot AS s
LEFT JOIN s3_bucket_versioning AS v ON v.account_id = b.account_id AND v.bucket = b.name
