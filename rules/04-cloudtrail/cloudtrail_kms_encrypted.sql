-- title: CloudTrail logs are encrypted with a KMS key
-- severity: medium
-- section: 4
-- scope: trail
-- description: By default log files get S3-managed encryption, so anyone who can read the bucket can
--   read every API call of the account. With SSE-KMS, reading also needs kms:Decrypt on a key whose
--   policy you control, and every decryption is itself logged. One finding per trail, in its home
--   region, on the account that owns it.
-- remediation: Create a KMS key whose policy lets cloudtrail.amazonaws.com use GenerateDataKey*, then
--   `aws cloudtrail update-trail --name <trail> --kms-key-id <key arn> --region <home region>`.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
-- frameworks: cis-5.0:3.5, cis-3.0:3.5, fsbp:CloudTrail.2
SELECT
    account_id,
    home_region AS region,
    trail_arn AS resource_id,
    CASE WHEN coalesce(kms_key_id, '') <> '' THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE
        WHEN coalesce(kms_key_id, '') <> '' THEN 'Trail ' || name || ' encrypts its logs with KMS key ' || kms_key_id || '.'
        ELSE 'Trail ' || name || ' (home region ' || home_region
            || ') has no KMS key: its log files use S3-managed encryption only.'
    END AS reason
FROM home_trails
