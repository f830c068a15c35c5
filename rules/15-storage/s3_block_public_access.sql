-- title: S3 Block Public Access is on for every bucket (account or bucket settings)
-- severity: high
-- section: 15
-- scope: bucket
-- description: Block Public Access overrides ACLs and bucket policies that would make data public. A
--   bucket is protected when all four settings are on at the account level or on the bucket itself;
--   the reason lists the settings that are off.
-- remediation: For the whole account: `aws s3control put-public-access-block --account-id ACCOUNT_ID
--   --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`;
--   or per bucket: `aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration ...`.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
-- frameworks: cis-5.0:2.1.4, cis-3.0:2.1.4, fsbp:S3.1, fsbp:S3.8, nist-800-53-r5:AC-3
WITH account_block AS (
    SELECT account_id,
           coalesce(block_public_acls AND ignore_public_acls AND block_public_policy AND restrict_public_buckets,
                    false) AS all_on
    FROM s3_account_public_access_block
), bucket_block AS (
    SELECT account_id, bucket,
           list_filter(['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'],
                       lambda n, i: NOT coalesce([block_public_acls, ignore_public_acls, block_public_policy,
                                                  restrict_public_buckets][i], false)) AS off
    FROM s3_bucket_public_access_block
)
SELECT
    b.account_id,
    coalesce(b.bucket_region, 'global') AS region,
    'arn:' || s.partition || ':s3:::' || b.name AS resource_id,
    CASE WHEN coalesce(a.all_on, false) OR len(coalesce(k.off, ['none'])) = 0 THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE
        WHEN coalesce(a.all_on, false) THEN 'Account-level Block Public Access has all four settings on.'
        WHEN len(coalesce(k.off, ['none'])) = 0 THEN 'Block Public Access on bucket ' || b.name || ' has all four settings on.'
        WHEN k.bucket IS NULL THEN 'Bucket ' || b.name || ' has no Block Public Access configuration and the account-level '
                                   || 'settings are not all on.'
        ELSE 'Bucket ' || b.name || ' has Block Public Access settings off: ' || array_to_string(k.off, ', ')
             || '; the account-level settings are not all on.'
    END AS reason
FROM s3_buckets AS b
CROSS JOIN sounding_snapshot AS s
LEFT JOIN account_block AS a ON a.account_id = b.account_id
LEFT JOIN bucket_block AS k ON k.account_id = b.account_id AND k.bucket = b.name
