-- title: EC2 instances require IMDSv2
-- severity: high
-- section: 16
-- scope: instance
-- description: IMDSv1 answers plain GET requests, so a server-side request forgery in any application on
--   the instance can read the instance role's credentials. With HttpTokens required, only IMDSv2's
--   session-token requests are answered. An instance with the metadata endpoint disabled also passes.
--   Terminated instances are not evaluated.
-- remediation: `aws ec2 modify-instance-metadata-options --instance-id INSTANCE_ID --http-tokens required
--   --http-endpoint enabled --region REGION`; set it account-wide for new instances with
--   `aws ec2 modify-instance-metadata-defaults --http-tokens required --region REGION`.
-- references: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html
-- frameworks: cis-5.0:5.7, cis-3.0:5.6, fsbp:EC2.8, nist-800-53-r5:AC-3
SELECT
    i.account_id,
    i.region,
    'arn:' || s.partition || ':ec2:' || i.region || ':' || i.account_id || ':instance/' || i.instance_id AS resource_id,
    CASE WHEN i.http_tokens = 'required' OR i.http_endpoint = 'disabled' THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN i.http_endpoint = 'disabled'
              THEN 'Instance ' || i.instance_id || ' in ' || i.region || ' has the metadata endpoint disabled.'
         WHEN i.http_tokens = 'required'
              THEN 'Instance ' || i.instance_id || ' in ' || i.region || ' requires IMDSv2 (HttpTokens required).'
         ELSE 'Instance ' || i.instance_id || ' in ' || i.region || ' accepts IMDSv1 (HttpTokens '
              || coalesce(i.http_tokens, 'not reported') || ').'
    END AS reason
FROM ec2_instances AS i
CROSS JOIN sounding_snapshot AS s
WHERE coalesce(i.state, '') NOT IN ('terminated', 'shutting-down')
