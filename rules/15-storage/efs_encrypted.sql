-- title: EFS file systems are encrypted at rest
-- severity: medium
-- section: 15
-- scope: file system
-- description: An unencrypted EFS file system stores its data and metadata in the clear on the
--   underlying storage. Encryption at rest is chosen when the file system is created.
-- remediation: Create a new file system with encryption (`aws efs create-file-system --encrypted
--   --kms-key-id KEY`), copy the data (AWS DataSync), switch mounts over and delete the old one.
-- references: https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html
-- frameworks: cis-5.0:2.3.1, cis-3.0:2.4.1, fsbp:EFS.1, nist-800-53-r5:SC-28
SELECT
    f.account_id,
    f.region,
    coalesce(f.file_system_arn, 'arn:' || s.partition || ':elasticfilesystem:' || f.region || ':' || f.account_id
             || ':file-system/' || f.file_system_id) AS resource_id,
    CASE WHEN f.encrypted THEN 'PASS' ELSE 'FAIL' END AS status,
    'EFS file system ' || f.file_system_id || ' in ' || f.region
        || CASE WHEN f.encrypted THEN ' is encrypted at rest.' ELSE ' is not encrypted at rest.' END AS reason
FROM efs_file_systems AS f
CROSS JOIN sounding_snapshot AS s
