-- title: RDS instances are not publicly accessible
-- severity: high
-- section: 15
-- scope: db instance
-- description: A publicly accessible instance gets a DNS name that resolves to a public IP address, so only its security
--   groups stand between the database port and the internet.
-- remediation: `aws rds modify-db-instance --db-instance-identifier NAME --no-publicly-accessible --apply-immediately`;
--   reach the database through private subnets, a VPN or AWS PrivateLink.
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding
-- frameworks: cis-5.0:2.2.3, cis-3.0:2.3.3, fsbp:RDS.2, nist-800-53-r5:AC-21
SELECT
    i.account_id,
    i.region,
    i.db_instance_arn AS resource_id,
    CASE WHEN (NOT i.publicly_accessible) IS NULL THEN 'ERROR' WHEN (NOT i.publicly_accessible) THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN (NOT i.publicly_accessible) IS NULL THEN 'RDS instance ' || i.db_instance_identifier || ' in ' || i.region || ' does not report whether it is publicly accessible.'
         WHEN (NOT i.publicly_accessible) THEN 'RDS instance ' || i.db_instance_identifier || ' in ' || i.region || ' is not publicly accessible.'
         ELSE 'RDS instance ' || i.db_instance_identifier || ' in ' || i.region || ' is publicly accessible (its endpoint resolves to a public address).'
    END AS reason
FROM rds_db_instances AS i
