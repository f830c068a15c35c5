-- title: EC2 instances use an instance role for AWS access (review those without)
-- severity: info
-- section: 16
-- scope: instance
-- description: Applications on an instance should call AWS with the temporary credentials of an instance
--   profile's role, not with access keys stored on disk. An instance without a profile may need no AWS
--   access at all, so it is MANUAL: a person confirms that no keys are stored on it. Terminated instances
--   are not evaluated.
-- remediation: `aws ec2 associate-iam-instance-profile --instance-id INSTANCE_ID --iam-instance-profile
--   Name=PROFILE --region REGION`, then remove stored access keys from the instance and deactivate them.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html
-- frameworks: cis-5.0:1.17, cis-3.0:1.18
SELECT
    i.account_id,
    i.region,
    'arn:' || s.partition || ':ec2:' || i.region || ':' || i.account_id || ':instance/' || i.instance_id AS resource_id,
    CASE WHEN i.iam_instance_profile_arn IS NOT NULL THEN 'PASS' ELSE 'MANUAL' END AS status,
    CASE WHEN i.iam_instance_profile_arn IS NOT NULL
         THEN 'Instance ' || i.instance_id || ' in ' || i.region || ' uses instance profile ' || i.iam_instance_profile_arn || '.'
         ELSE 'Instance ' || i.instance_id || ' in ' || i.region
              || ' has no instance profile: confirm it needs no AWS access and stores no access keys.'
    END AS reason
FROM ec2_instances AS i
CROSS JOIN sounding_snapshot AS s
WHERE coalesce(i.state, '') NOT IN ('terminated', 'shutting-down')
