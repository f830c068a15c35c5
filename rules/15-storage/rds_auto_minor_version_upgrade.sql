-- title: RDS instances apply minor engine upgrades automatically
-- severity: low
-- section: 15
-- scope: db instance
-- description: Minor engine versions carry security fixes; with automatic upgrades off they wait for someone to
--   apply them by hand.
-- remediation: `aws rds modify-db-instance --db-instance-identifier NAME --auto-minor-version-upgrade --apply-immediately`.
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html#USER_UpgradeDBInstance.Upgrading.AutoMinorVersionUpgrades
-- frameworks: cis-5.0:2.2.2, cis-3.0:2.3.2, fsbp:RDS.13, nist-800-53-r5:SI-2
SELECT
    i.account_id,
    i.region,
    i.db_instance_arn AS resource_id,
    CASE WHEN i.auto_minor_version_upgrade IS NULL THEN 'ERROR' WHEN i.auto_minor_version_upgrade THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN i.auto_minor_version_upgrade IS NULL THEN 'RDS instance ' || i.db_instance_identifier || ' in ' || i.region || ' does not report its automatic minor version upgrade setting.'
         WHEN i.auto_minor_version_upgrade THEN 'RDS instance ' || i.db_instance_identifier || ' in ' || i.region || ' applies minor version upgrades automatically.'
         ELSE 'RDS instance ' || i.db_instance_identifier || ' in ' || i.region || ' has automatic minor version upgrades off.'
    END AS reason
FROM rds_db_instances AS i
