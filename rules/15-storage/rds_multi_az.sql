-- title: RDS instances run Multi-AZ
-- severity: low
-- section: 15
-- scope: db instance
-- description: A Multi-AZ instance keeps a synchronous standby in another Availability Zone and fails over
--   to it, so one zone's outage or a host failure does not take the database down. The benchmark rates
--   this manual (some databases need no high availability); the setting is read from DescribeDBInstances.
-- remediation: `aws rds modify-db-instance --db-instance-identifier NAME --multi-az --apply-immediately`.
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html
-- frameworks: cis-5.0:2.2.4, fsbp:RDS.5
SELECT
    i.account_id,
    i.region,
    i.db_instance_arn AS resource_id,
    CASE WHEN i.multi_az THEN 'PASS' ELSE 'FAIL' END AS status,
    'RDS instance ' || i.db_instance_identifier || ' in ' || i.region
        || CASE WHEN i.multi_az THEN ' is Multi-AZ.' ELSE ' runs in a single Availability Zone.' END AS reason
FROM rds_db_instances AS i
