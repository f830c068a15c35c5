-- title: EBS encryption by default is on in every enabled region
-- severity: medium
-- section: 15
-- scope: account+region
-- description: With encryption by default, every new EBS volume and snapshot copy in the region is
--   encrypted, whoever creates it and however. Without it, unencrypted volumes appear whenever a launch
--   template or script forgets the flag.
-- remediation: `aws ec2 enable-ebs-encryption-by-default --region REGION` in every region (optionally
--   `aws ec2 modify-ebs-default-kms-key-id --kms-key-id KEY`).
-- references: https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html
-- frameworks: cis-5.0:5.1.1, cis-3.0:2.2.1, fsbp:EC2.7, nist-800-53-r5:SC-28
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    CASE
        WHEN NOT r.enabled OR NOT r.collected THEN 'SKIP'
        WHEN coalesce(e.ebs_encryption_by_default, false) THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN coalesce(e.ebs_encryption_by_default, false) THEN 'EBS encryption by default is on in ' || r.region || '.'
        ELSE 'EBS encryption by default is off in ' || r.region || '.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN ec2_ebs_encryption_by_default AS e ON e.account_id = r.account_id AND e.region = r.region
