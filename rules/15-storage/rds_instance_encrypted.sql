-- title: RDS instances are encrypted at rest
-- severity: medium
-- section: 15
-- scope: db instance
-- description: An unencrypted database leaves its data, automated backups, read replicas and snapshots readable to
--   anyone who gets the underlying storage or a shared snapshot. Encryption can only be chosen at creation.
-- remediation: Encryption cannot be turned on in place: create an encrypted snapshot copy
--   (`aws rds copy-db-snapshot --kms-key-id KEY ...`) and restore a new instance from it, then switch clients over.
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html
-- frameworks: cis-5.0:2.2.1, cis-3.0:2.3.1, fsbp:RDS.3, nist-800-53-r5:SC-28
SELECT
    i.account_id,
    i.region,
    i.db_instance_arn AS resource_id,
    CASE WHEN i.storage_encrypted IS NULL THEN 'ERROR' WHEN i.storage_encrypted THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN i.storage_encrypted IS NULL THEN 'RDS instance ' || i.db_instance_identifier || ' in ' || i.region || ' does not report whether its storage is encrypted.'
         WHEN i.storage_encrypted THEN 'RDS instance ' || i.db_instance_identifier || ' in ' || i.region || ' has encrypted storage.'
         ELSE 'RDS instance ' || i.db_instance_identifier || ' in ' || i.region || ' has unencrypted storage.'
    END AS reason
FROM rds_db_instances AS i
